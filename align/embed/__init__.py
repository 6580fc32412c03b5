"""Sentences to vectors: the encoders (``encoders``: USE v3 by default, any
sentence-transformers folder), the USE sentence-transformers module (``use_module``) and the
SQLite embedding cache (``cache``)."""
