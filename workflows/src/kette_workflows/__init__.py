"""Temporal workflow, planning and bridge of the Integrationskette."""
