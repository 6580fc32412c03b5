"""A bilingual file as the checks see it: translation units with their ids, each side's
text mapped back to the file, and the units left out (untranslated, empty, not for
translation) with the reason."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError
from align.formats.spans import MappedText, line_offsets
from align.model import Document, Segment


@dataclass(frozen=True)
class Unit:
    """One translation unit (an XLIFF segment, a TMX ``<tu>``, a PO entry, a table row)."""

    id: str
    zh: MappedText
    en: MappedText
    line: int  # 1-based line of the unit in the file (the row of a spreadsheet)
    anchor: str = ""  # XLIFF: XPath of the element that takes the unit's notes


@dataclass
class BilingualFile:
    """The units of one bilingual file. ``original`` is the decoded file text that unit
    offsets index (for ``.xlsx``, the sheet rendered one row per line, cells tab-separated)."""

    path: str
    format: str  # "xliff-1.2" | "xliff-2.0" | "tmx" | "po" | "csv" | "xlsx"
    original: str
    source_lang: str  # "zh" or "en": the side the file says was translated from
    units: list[Unit] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"unit", "reason"}
    languages: tuple[str, str] = ("", "")  # the file's own (source, target) language tags

    def skip(self, unit: str, reason: str) -> None:
        self.skipped.append({"unit": unit, "reason": reason})

    def documents(self) -> tuple[Document, Document]:
        """One zh and one en document over the same file text, one segment per unit (segment
        ``i`` of each is unit ``i``), each segment naming its unit."""
        if not self.units:
            why = f" ({len(self.skipped)} left out: {self.skipped[0]['reason']}, …)" if self.skipped else ""
            raise InputError(self.path, f"no translated units to check{why}")
        stem = Path(self.path).stem
        docs = []
        for lang in ("zh", "en"):
            doc_id = f"{stem}.{lang}"
            segments = []
            for i, unit in enumerate(self.units):
                side = unit.zh if lang == "zh" else unit.en
                chars = side.charmap()
                plain = chars.is_identity and side.end - side.start == len(side.text)
                segments.append(
                    Segment(doc_id, i, i, side.text, side.start, side.end, unit=unit.id, chars=None if plain else chars)
                )
            docs.append(Document(doc_id, lang, self.original, segments, self.path, self.format))
        return docs[0], docs[1]

    def summary(self) -> dict:
        return {
            "file": self.path,
            "format": self.format,
            "source_lang": self.source_lang,
            "languages": list(self.languages),
            "units": len(self.units),
            "skipped": self.skipped,
        }


def lang_side(tag: str | None) -> str | None:
    """``zh`` / ``en`` for a language tag (``zh-CN``, ``zh_Hans``, ``en-US``, ``EN``), else None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return {"zh": "zh", "zho": "zh", "chi": "zh", "cmn": "zh", "en": "en", "eng": "en"}.get(primary)


def pair_sides(path: str, source: str | None, target: str | None) -> tuple[str, str]:
    """(``zh``/``en`` of the source, of the target) from the file's language tags, refusing a
    pair that is not Chinese↔English."""
    a, b = lang_side(source), lang_side(target)
    if a is None or b is None or a == b:
        raise InputError(path, f"languages {source} → {target}: align checks Chinese↔English files only")
    return a, b


def line_at(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset)


__all__ = ["BilingualFile", "Unit", "lang_side", "line_at", "line_offsets", "pair_sides"]
