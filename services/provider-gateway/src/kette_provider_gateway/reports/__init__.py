"""Provider reports: checked against the referral, then republished once."""
