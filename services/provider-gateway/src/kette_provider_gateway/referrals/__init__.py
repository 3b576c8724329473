"""Referrals handed to providers: which provider owns which referral, and its state."""
