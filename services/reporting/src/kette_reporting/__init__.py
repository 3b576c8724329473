"""Kette reporting: projections of every domain topic, the state report and the dashboard."""
