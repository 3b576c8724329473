"""The few pseudonymous facts about a person that offers' limits need (age band, gender)."""
