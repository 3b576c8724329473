"""Kette provider gateway: the only door between Kette and the providers' own systems."""
