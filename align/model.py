"""Plain dataclasses shared by every pipeline stage.

Three coordinate systems, one chain of maps (like spaCy's ``Doc``/``Span``):

* a ``Segment`` keeps ``[start, end)`` in the decoded original file and, when cleaning
  changed its text (unwrapped lines, repaired mojibake), a ``CharMap`` from each of its
  characters back to the original;
* a ``Link`` joins its segments with :func:`join_sentences` and keeps each sentence's
  ``(segment id, start, end)`` inside the joined ``zh``/``en`` text;
* a ``Flag`` points to ``[start, end)`` inside its link's ``zh``/``en`` and, once located
  (:func:`locate_flags`), to ``{file, start, end, line, col}`` in the original file.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

SEVERITIES = ("error", "warning", "info")
CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

Span = tuple[int, int]
SentenceBound = tuple[int, int, int]  # (segment id, start, end) inside a link side's joined text


def is_cjk(ch: str) -> bool:
    return bool(CJK_CHAR.match(ch))


@dataclass(frozen=True)
class CharMap:
    """Where each character of a cleaned text came from in the original, stored as runs.

    ``anchors`` holds ``(index, start, end)`` for every character whose span is not the one
    right after its predecessor's (``(end, end + 1)``), so untouched text costs nothing and
    each unwrapped line or repaired character costs one anchor.
    """

    anchors: tuple[tuple[int, int, int], ...]
    length: int

    @classmethod
    def from_spans(cls, spans: Sequence[Span]) -> CharMap:
        anchors = []
        previous_end = None
        for index, (start, end) in enumerate(spans):
            if previous_end is None or (start, end) != (previous_end, previous_end + 1):
                anchors.append((index, start, end))
            previous_end = end
        return cls(tuple(anchors), len(spans))

    @property
    def is_identity(self) -> bool:
        """One run of single characters: the text is the original slice, unchanged."""
        return len(self.anchors) == 1 and self.anchors[0][0] == 0 and self.anchors[0][2] == self.anchors[0][1] + 1

    def span(self, index: int) -> Span:
        """Original ``[start, end)`` of character ``index``."""
        if not 0 <= index < self.length:
            raise IndexError(index)
        k = bisect.bisect_right(self.anchors, (index, float("inf"), 0)) - 1
        at, start, end = self.anchors[k]
        if at == index:
            return start, end
        offset = index - at
        return end + offset - 1, end + offset


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading / list item) of a document.

    ``start``/``end`` index the decoded original file; ``chars`` maps each character of
    ``text`` into it when cleaning changed the text (``None``: ``text`` is that slice).
    ``unit`` names the file's unit (an XLIFF trans-unit id, …) for formats that have them.
    """

    doc_id: str
    index: int
    paragraph: int
    text: str
    start: int
    end: int
    kind: str = "sentence"  # "sentence" | "heading" | "item"
    unit: str | None = None
    chars: CharMap | None = field(default=None, repr=False, compare=False)

    def file_span(self, start: int, end: int) -> Span:
        """Original-file ``[start, end)`` of ``text[start:end]``."""
        if self.chars is None:
            return self.start + start, self.start + end
        if end <= start:
            first = self.chars.span(start)[0] if start < len(self.text) else self.end
            return first, first
        return self.chars.span(start)[0], self.chars.span(end - 1)[1]

    def to_json(self) -> dict[str, Any]:
        data = {
            "doc_id": self.doc_id,
            "index": self.index,
            "paragraph": self.paragraph,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }
        if self.unit is not None:
            data["unit"] = self.unit
        return data


def join_sentences(lang: str, texts: Iterable[str]) -> tuple[str, list[Span]]:
    """A link side's text and each sentence's ``[start, end)`` in it.

    English sentences join with a space; Chinese ones without, except after a Latin letter
    or digit. The one joiner of the project: the aligner, the review fixes and the
    benchmarks all build link text with it.
    """
    out = ""
    bounds = []
    for number, text in enumerate(texts):
        text = text.strip()
        if lang == "zh":
            out += " " if out and not is_cjk(out[-1]) and out[-1].isalnum() else ""
        elif number:
            out += " "
        bounds.append((len(out), len(out) + len(text)))
        out += text
    return out, bounds


@dataclass(frozen=True)
class FileSpan:
    """Where a flagged text stands in the decoded original file: ``original[start:end]``;
    ``unit`` is the file's unit (XLIFF trans-unit, …) of its first segment, where it has one."""

    file: str
    start: int
    end: int
    line: int  # 1-based
    col: int  # 1-based, in characters
    unit: str | None = None
    page: int | None = None  # 1-based page, for a PDF (its extracted text separates pages by form feeds)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" + (f" (unit {self.unit})" if self.unit else "")
        return where + (f" (page {self.page})" if self.page else "")

    @property
    def short(self) -> str:
        """``name:line:col`` with the file's name only, for pages where space is short."""
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name}:{self.line}:{self.col}" + (f" (unit {self.unit})" if self.unit else "")

    def to_json(self) -> dict[str, Any]:
        data = {"file": self.file, "start": self.start, "end": self.end, "line": self.line, "col": self.col}
        if self.unit is not None:
            data["unit"] = self.unit
        if self.page is not None:
            data["page"] = self.page
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> FileSpan | None:
        if not data:
            return None
        unit, page = data.get("unit"), data.get("page")
        return cls(
            str(data["file"]), int(data["start"]), int(data["end"]), int(data["line"]), int(data["col"]),
            None if unit is None else str(unit), None if page is None else int(page),
        )


@dataclass
class Document:
    """A decoded file and its segments.

    ``original`` is the decoded file text before any cleaning; segment offsets index it.
    """

    doc_id: str
    lang: str
    original: str
    segments: list[Segment] = field(default_factory=list)
    path: str | None = None
    encoding: str | None = None

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.segments]

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.original)]

    def file_span(self, start: int, end: int, unit: str | None = None) -> FileSpan:
        """``[start, end)`` of the original text with the 1-based line and column of ``start``."""
        line = bisect.bisect_right(self._line_starts, start)
        col = start - self._line_starts[line - 1] + 1
        page = self.original.count("\f", 0, start) + 1 if self.encoding == "pdf" else None
        return FileSpan(self.path or self.doc_id, start, end, line, col, unit, page)


@dataclass
class Link:
    """One alignment bead: consecutive zh sentences linked to consecutive en sentences.

    ``zh_sentences``/``en_sentences`` hold ``(segment id, start, end)`` of each sentence
    inside ``zh``/``en``: a link is a view onto its segments, so a span in its text maps
    back to the file (:func:`locate_flags`) and a split never has to re-segment.
    """

    index: int
    zh_ids: tuple[int, ...]
    en_ids: tuple[int, ...]
    zh: str
    en: str
    score: float
    fixed: bool = False  # made by a reviewer's alignment fix (its score re-computed, not the aligner's)
    zh_sentences: tuple[SentenceBound, ...] = ()
    en_sentences: tuple[SentenceBound, ...] = ()
    adequacy: float | None = None  # probability of a meaning error (adequacy.score), once checked
    # probability that the aligner's link is exactly right (calibrated on held-out dev documents);
    # None where the aligner did not make it: one-sided, a reviewer's fix, paired input
    confidence: float | None = None

    def __post_init__(self) -> None:
        """A one-sentence side is its whole text, so only longer sides need their bounds."""
        if not self.zh_sentences and len(self.zh_ids) == 1:
            self.zh_sentences = ((self.zh_ids[0], 0, len(self.zh)),)
        if not self.en_sentences and len(self.en_ids) == 1:
            self.en_sentences = ((self.en_ids[0], 0, len(self.en)),)

    @classmethod
    def of_sentences(
        cls,
        index: int,
        zh: Sequence[tuple[int, str]],
        en: Sequence[tuple[int, str]],
        score: float,
        fixed: bool = False,
        confidence: float | None = None,
    ) -> Link:
        """The link joining ``(segment id, text)`` sentences on each side."""
        zh_text, zh_bounds = join_sentences("zh", [t for _, t in zh])
        en_text, en_bounds = join_sentences("en", [t for _, t in en])
        return cls(
            index,
            tuple(i for i, _ in zh),
            tuple(i for i, _ in en),
            zh_text,
            en_text,
            score,
            fixed,
            tuple((i, a, b) for (i, _), (a, b) in zip(zh, zh_bounds)),
            tuple((i, a, b) for (i, _), (a, b) in zip(en, en_bounds)),
            confidence=confidence,
        )

    @property
    def one_sided(self) -> bool:
        """A 1-0 / 0-1 link (one side empty or blank): omission.* reports it, so the other
        pair checks skip it."""
        return not self.zh.strip() or not self.en.strip()

    def bounds(self, lang: str) -> tuple[SentenceBound, ...]:
        return self.zh_sentences if lang == "zh" else self.en_sentences

    def sentences(self, lang: str) -> list[tuple[int, str]]:
        """``(segment id, text)`` of each sentence on one side, cut at the stored bounds."""
        text = self.zh if lang == "zh" else self.en
        ids = self.zh_ids if lang == "zh" else self.en_ids
        bounds = self.bounds(lang)
        if len(bounds) != len(ids):
            raise ValueError(f"link {self.index}: no sentence bounds for its {lang} side (written by an older align)")
        return [(i, text[a:b]) for i, a, b in bounds]

    def to_json(self) -> dict[str, Any]:
        data = {
            "link": self.index,
            "zh_ids": list(self.zh_ids),
            "en_ids": list(self.en_ids),
            "zh": self.zh,
            "en": self.en,
            "score": round(float(self.score), 4),
        }
        if self.confidence is not None:
            data["confidence"] = round(float(self.confidence), 4)
        if self.fixed:
            data["fixed"] = True
        data["zh_sentences"] = [list(b) for b in self.zh_sentences]
        data["en_sentences"] = [list(b) for b in self.en_sentences]
        if self.adequacy is not None:
            data["adequacy"] = round(float(self.adequacy), 3)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Link:
        return cls(
            index=int(data["link"]),
            zh_ids=tuple(data["zh_ids"]),
            en_ids=tuple(data["en_ids"]),
            zh=data["zh"],
            en=data["en"],
            score=float(data["score"]),
            fixed=bool(data.get("fixed", False)),
            zh_sentences=_bounds_from_json(data, "zh"),
            en_sentences=_bounds_from_json(data, "en"),
            adequacy=float(data["adequacy"]) if data.get("adequacy") is not None else None,
            confidence=float(data["confidence"]) if data.get("confidence") is not None else None,
        )


def _bounds_from_json(data: dict[str, Any], lang: str) -> tuple[SentenceBound, ...]:
    """A side's sentence bounds, checked against its ids and text; none in a file written
    before bounds existed (see ``Link.__post_init__`` for a one-sentence side)."""
    ids, text = tuple(data[f"{lang}_ids"]), data[lang]
    if not data.get(f"{lang}_sentences"):
        return ()
    bounds = tuple((int(i), int(a), int(b)) for i, a, b in data[f"{lang}_sentences"])
    if tuple(i for i, _, _ in bounds) != ids:
        raise ValueError(f"{lang}_sentences do not match {lang}_ids")
    if any(not 0 <= a <= b <= len(text) for _, a, b in bounds):
        raise ValueError(f"{lang}_sentences fall outside the {lang} text")
    return bounds


def normalise_for_matching(text: str) -> str:
    """NFKC (full-width → half-width), casefold, collapse whitespace.

    Used for comparisons only; what users see is never altered.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _earlier_occurrences(text: str, span: tuple[int, int] | None) -> int:
    """How many times the span's text starts in ``text`` before the span does (0 with no span)."""
    if not span or span[1] <= span[0]:
        return 0
    part = text[span[0]:span[1]]
    count, at = 0, text.find(part)
    while 0 <= at < span[0]:
        count += 1
        at = text.find(part, at + 1)
    return count


@dataclass
class Flag:
    """One finding on one link. Spans are ``[start, end)`` offsets into the link's zh/en."""

    link: int
    check: str
    severity: str
    zh: str
    en: str
    message: str
    zh_span: tuple[int, int] | None = None
    en_span: tuple[int, int] | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    zh_file_span: FileSpan | None = None  # set by locate_flags, after the checks
    en_file_span: FileSpan | None = None
    unit: str | None = None  # the file's unit id (XLIFF, TMX, PO, table row), set by locate_flags

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if "." not in self.check:
            raise ValueError(f"check code must be <category>.<name>, got {self.check!r}")

    @property
    def category(self) -> str:
        return self.check.split(".", 1)[0]

    @property
    def id(self) -> str:
        """Stable fingerprint: same check on the same (normalised) text and spans.

        A reviewer's decision is keyed by this, so it carries over to a re-run on
        unchanged text and lapses when the text changes. A span whose text also stands
        earlier in its sentence (科技创新 twice in one link) is told apart by which
        occurrence it is, so each finding keeps its own decision; a first occurrence keeps
        the key it always had.
        """
        zh_part = self.zh[slice(*self.zh_span)] if self.zh_span else ""
        en_part = self.en[slice(*self.en_span)] if self.en_span else ""
        parts = [
            self.check,
            normalise_for_matching(self.zh),
            normalise_for_matching(self.en),
            normalise_for_matching(zh_part),
            normalise_for_matching(en_part),
        ]
        repeats = (_earlier_occurrences(self.zh, self.zh_span), _earlier_occurrences(self.en, self.en_span))
        if any(repeats):
            parts.append(f"{repeats[0]},{repeats[1]}")
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "link": self.link,
            "check": self.check,
            "severity": self.severity,
            "zh": self.zh,
            "en": self.en,
            "zh_span": list(self.zh_span) if self.zh_span else None,
            "en_span": list(self.en_span) if self.en_span else None,
            "message": self.message,
            "evidence": self.evidence,
            "zh_file_span": self.zh_file_span.to_json() if self.zh_file_span else None,
            "en_file_span": self.en_file_span.to_json() if self.en_file_span else None,
            **({"unit": self.unit} if self.unit is not None else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flag:
        return cls(
            link=int(data["link"]),
            check=data["check"],
            severity=data["severity"],
            zh=data["zh"],
            en=data["en"],
            message=data["message"],
            zh_span=tuple(data["zh_span"]) if data.get("zh_span") else None,
            en_span=tuple(data["en_span"]) if data.get("en_span") else None,
            evidence=data.get("evidence") or {},
            zh_file_span=FileSpan.from_json(data.get("zh_file_span")),
            en_file_span=FileSpan.from_json(data.get("en_file_span")),
            unit=data.get("unit"),
        )

    def file_span(self, lang: str) -> FileSpan | None:
        return self.zh_file_span if lang == "zh" else self.en_file_span

    @property
    def position(self) -> FileSpan | None:
        """Where the flag points in a source file: its zh span, else its en span."""
        return self.zh_file_span or self.en_file_span


def locate_flags(flags: Sequence[Flag], links: Sequence[Link], zh_doc: Document, en_doc: Document) -> list[Flag]:
    """The flags with ``zh_file_span``/``en_file_span``: each side's span mapped through its
    link's sentence bounds and its segments' character maps to the original file."""
    by_index = {link.index: link for link in links}
    located = []
    for flag in flags:
        link = by_index.get(flag.link)
        spans = {}
        for lang, doc, span in (("zh", zh_doc, flag.zh_span), ("en", en_doc, flag.en_span)):
            text = flag.zh if lang == "zh" else flag.en
            if link is not None and span is not None and text == (link.zh if lang == "zh" else link.en):
                spans[f"{lang}_file_span"] = _file_span(doc, link.bounds(lang), *span)
        unit = _unit(link, zh_doc, en_doc)
        if unit is not None:
            spans["unit"] = unit
        located.append(replace(flag, **spans) if spans else flag)
    return located


def _unit(link: Link | None, zh_doc: Document, en_doc: Document) -> str | None:
    """The file unit of a link's first segment (bilingual files have one unit per link)."""
    if link is None:
        return None
    for doc, ids in ((zh_doc, link.zh_ids), (en_doc, link.en_ids)):
        if ids and ids[0] < len(doc.segments) and doc.segments[ids[0]].unit is not None:
            return doc.segments[ids[0]].unit
    return None


def _file_span(doc: Document, bounds: Sequence[SentenceBound], start: int, end: int) -> FileSpan | None:
    """Original-file span of ``[start, end)`` of a link side; None when it covers no sentence
    character (only the space that joins two sentences)."""
    if end <= start:
        inside = [b for b in bounds if b[1] <= start <= b[2]][:1]
    else:
        inside = [b for b in bounds if b[1] < end and start < b[2]]
    if not inside:
        return None
    (first, a1, _), (last, a2, b2) = inside[0], inside[-1]
    lo, hi = max(start, a1) - a1, min(end, b2) - a2
    unit = doc.segments[first].unit
    if end <= start:
        point = doc.segments[first].file_span(lo, lo)[0]
        return doc.file_span(point, point, unit)
    head = doc.segments[first].file_span(lo, lo + 1)[0]
    tail = doc.segments[last].file_span(hi - 1, hi)[1]
    return doc.file_span(head, tail, unit)
