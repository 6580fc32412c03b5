"""Termbases: the entry model and conflicts (``termbase``), CSV/TBX files (``files``), term
matching (``terms``), usage and term mining (``termmine``)."""

# Mined pairs must co-occur significantly: G² ≥ 10.83 is p < 0.001 (χ² with one degree of
# freedom). Here, not in termmine, so the CLI can show the default without importing the miner.
MIN_G2 = 10.83
