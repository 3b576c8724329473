"""Who may read figures: intake's signed tokens (API) and a signed session cookie (dashboard)."""
