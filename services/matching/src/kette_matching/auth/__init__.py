"""Coordinators' bearer tokens (intake issues them) guard every change to the catalogue."""
