"""``pairs.tmx``: the aligned pairs as a TMX 1.4 translation memory (translate-toolkit).

Only links with text on both sides become translation units (a 1-0 link is not a
translation). Each unit carries its link number as ``tuid`` and its score (similarity), the
probability that the link is exactly right (when the aligner made it) and its sentence ids as
``<prop>``s, so a CAT tool can filter weak or doubtful pairs.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from align.fileio import atomic_path
from align.model import Link

ZH_LANG = "zh-CN"
EN_LANG = "en"
CONFIDENCE_PROP = "x-confidence"  # the link's score: how alike the two sides are (its cosine curve)
ALIGNMENT_CONFIDENCE_PROP = "x-alignment-confidence"  # the probability that the link is exactly right


def _add_prop(unit, prop_type: str, value: str) -> None:
    """Insert ``<prop type=...>`` before the first ``<tuv>`` (TMX order: note, prop, tuv)."""
    prop = etree.Element(unit.namespaced("prop"))
    prop.set("type", prop_type)
    prop.text = value
    first_tuv = unit.xmlelement.find(unit.namespaced(unit.languageNode))
    unit.xmlelement.insert(unit.xmlelement.index(first_tuv), prop)


FIXED_PROP = "x-align-fixed"  # the unit comes from a reviewer's alignment fix


def write_tmx(
    links: Iterable[Link],
    path: str | Path,
    *,
    zh_lang: str = ZH_LANG,
    en_lang: str = EN_LANG,
    origin: str | None = None,
) -> int:
    """Write the two-sided ``links`` to ``path`` atomically; returns the number of units.

    ``origin`` (e.g. the source file names) is stored as each unit's ``x-context``.
    """
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=zh_lang, targetlanguage=en_lang)
    count = 0
    for link in links:
        if not (link.zh and link.en):
            continue
        unit = store.addsourceunit(link.zh, zh_lang)
        unit.settarget(link.en, en_lang, append=True)
        unit.xmlelement.set("tuid", str(link.index))
        if origin:
            unit.setcontext(origin)
        _add_prop(unit, CONFIDENCE_PROP, f"{link.score:.4f}")
        if link.confidence is not None:
            _add_prop(unit, ALIGNMENT_CONFIDENCE_PROP, f"{link.confidence:.4f}")
        _add_prop(unit, "x-zh-ids", " ".join(map(str, link.zh_ids)))
        _add_prop(unit, "x-en-ids", " ".join(map(str, link.en_ids)))
        if link.fixed:
            _add_prop(unit, FIXED_PROP, "reviewer")
        count += 1
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        store.serialize(fh)
    return count
