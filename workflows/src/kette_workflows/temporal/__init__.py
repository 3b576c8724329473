"""Temporal edge of the chain: workflow, activities, worker; the domain decides, these translate."""
