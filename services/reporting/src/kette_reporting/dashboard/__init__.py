"""The coordinators' dashboard: server-rendered German pages, no scripts, no build step."""
