"""Termbases: the entry model and conflicts (``termbase``), CSV/TBX files (``files``), term
matching (``terms``), usage and term mining (``termmine``)."""
