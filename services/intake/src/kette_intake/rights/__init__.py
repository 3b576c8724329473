"""Data-subject rights: access (Art. 15 DSGVO) and erasure by crypto-shredding (Art. 17)."""
