"""Kette matching: the offers catalogue and ranked, explained answers to referral requests."""
