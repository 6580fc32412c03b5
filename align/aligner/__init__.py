"""Vectors to links: the n:m monotone sentence aligner (``sentences``) and its
non-embedding signals (``signals``)."""
