"""Audit tools: signed, tamper-evident exports of the history, and one person's timeline."""
