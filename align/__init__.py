"""align: Chinese↔English parallel-text alignment and translation-consistency checks.

Pipeline stages, one package each: ``text`` (ingest → segment) → ``embed`` → ``aligner`` →
``checks`` (with ``glossary``) → ``report`` / ``review``. The shared records live in
``align.model``.
"""
from align.model import Document, Flag, Link, Segment  # noqa: F401

__version__ = "0.1.0"
