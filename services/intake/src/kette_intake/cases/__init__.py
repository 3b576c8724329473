"""Cases: the caseworker's caseload, case view and decisions over the chain (see service.py)."""
