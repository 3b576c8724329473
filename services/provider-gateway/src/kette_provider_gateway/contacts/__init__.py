"""Claim check: a provider fetches the contact of a participant of its own active referral."""
