"""Angebotslücken: the needs no offer met, counted by Kommune, module and month."""
