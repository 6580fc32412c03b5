"""Latin tokens and English names in text: what several checks look for on both sides.

Shared by the check modules (``entity``, ``omission``, ``consistency``), which import these
helpers from here and never from each other.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from align.model import Link
from align.text.zhtext import fold_width

_LATIN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9&+\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9&+\-]*[A-Za-z0-9+](?![A-Za-z0-9])"
)
CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


def latin_tokens(text: str) -> list[tuple[int, int, str]]:
    """Latin-script words of a text with their spans (after width folding)."""
    folded = fold_width(text)
    return [(m.start(), m.end(), m.group()) for m in _LATIN.finditer(folded)]


def english_names(links: Sequence[Link]) -> dict[str, set[int]]:
    """Capitalised words the document never writes in lower case (Abram, Bethlehem,
    Huawei), with the links they occur in."""
    lower = {w for link in links for w in re.findall(r"\b[a-z]+\b", link.en)}
    names: dict[str, set[int]] = {}
    for link in links:
        for word in CAPITALISED.findall(link.en):
            if word.lower() not in lower:
                names.setdefault(word, set()).add(link.index)
    return names
