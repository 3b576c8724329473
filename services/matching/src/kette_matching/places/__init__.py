"""Places: held when a referral is confirmed, released when it ends, never below zero."""
