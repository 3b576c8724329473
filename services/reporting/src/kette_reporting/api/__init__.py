"""HTTP endpoints of reporting: the state report, the figures as JSON, the kept records."""
