"""Termbases: the entry model, several glossaries at once, their conflicts, term lookup.

A glossary entry is one concept: a Chinese term, its approved English rendering, accepted
variants (abbreviations, spelling variants), forbidden renderings, a case rule, a note and
a status (``approved`` entries drive the checks; ``proposed`` ones come from
``align glossary suggest`` and wait for a maintainer). Several glossaries may be loaded
together; their disagreements are reported in ``Glossary.conflicts``, never silently
merged. Files (CSV, TBX) live in :mod:`align.glossary.files`, matching in
:mod:`align.glossary.terms`.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from align.glossary.terms import TermMatcher, fold_term

STATUSES = ("approved", "proposed")


@dataclass(frozen=True)
class GlossaryEntry:
    """One concept. ``source`` (``path:line``) says where it was read; not part of identity."""

    id: str
    zh: str
    en: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""
    status: str = "approved"
    source: str = field(default="", compare=False)

    def forms(self) -> list[tuple[str, str]]:
        """Every English form with its kind: approved, variants, forbidden."""
        return (
            [(self.en, "approved")]
            + [(v, "variant") for v in self.variants]
            + [(f, "forbidden") for f in self.forbidden]
        )

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.en, *self.variants)


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a text: ``text == original[start:end]``.

    ``kind`` is ``approved`` for Chinese hits, and approved/variant/forbidden for English.
    """

    entry: GlossaryEntry
    start: int
    end: int
    text: str
    kind: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(frozen=True)
class Problem:
    """Something a maintainer should fix: a conflict between entries, or an unused entry."""

    kind: str  # duplicate-entry | two-renderings | forbidden-approved | duplicate-id | unused
    message: str
    entries: tuple[GlossaryEntry, ...]

    def __str__(self) -> str:
        where = self.entries[0].source if self.entries else ""
        return f"{where}: {self.kind}: {self.message}" if where else f"{self.kind}: {self.message}"


def auto_id(zh: str, en: str) -> str:
    """A stable id for an entry whose file gives none (same terms → same id)."""
    return "t" + hashlib.sha1(f"{zh}\x1f{en}".encode()).hexdigest()[:10]


# ---------------------------------------------------------------------------- conflicts


def find_problems(entries: Sequence[GlossaryEntry]) -> list[Problem]:
    """Entries that contradict each other (in one glossary or across several)."""
    problems: list[Problem] = []
    by_id: dict[str, list[GlossaryEntry]] = defaultdict(list)
    by_zh: dict[str, list[GlossaryEntry]] = defaultdict(list)
    accepted: dict[str, list[GlossaryEntry]] = defaultdict(list)
    for entry in entries:
        by_id[entry.id].append(entry)
        by_zh[fold_term(entry.zh, "zh").text].append(entry)
        for form in entry.accepted:
            accepted[fold_term(form, "en").text].append(entry)
    for same_id in by_id.values():
        for other in same_id[1:]:
            if other != same_id[0]:
                problems.append(Problem("duplicate-id", f"id {other.id!r} names two different entries "
                                        f"(also at {same_id[0].source})", (other, same_id[0])))
    for same_zh in by_zh.values():
        renderings: dict[str, GlossaryEntry] = {}
        for other in same_zh:
            key = fold_term(other.en, "en").text
            if key in renderings:
                first = renderings[key]
                problems.append(Problem("duplicate-entry", f"{other.zh} → {other.en} is listed twice "
                                        f"(also at {first.source})", (other, first)))
            elif renderings:
                first = next(iter(renderings.values()))
                problems.append(Problem("two-renderings", f"{other.zh} has two approved renderings: "
                                        f"{first.en!r} (at {first.source}) and {other.en!r}", (other, first)))
            renderings.setdefault(key, other)
    for entry in entries:
        for form in entry.forbidden:
            for other in accepted.get(fold_term(form, "en").text, []):
                where = "itself" if other is entry else f"{other.zh} at {other.source}"
                problems.append(Problem("forbidden-approved", f"{form!r} is forbidden for {entry.zh} "
                                        f"but accepted for {where}", (entry, other)))
    return problems


# ---------------------------------------------------------------------------- glossary


class Glossary:
    """Entries from one or more files, with term lookup in both languages.

    Only entries whose status is in ``match_statuses`` are looked for in text (by default
    the approved ones), so a proposed entry never shadows an approved one.
    """

    def __init__(
        self,
        entries: Iterable[GlossaryEntry],
        conflicts: Sequence[Problem] = (),
        match_statuses: Sequence[str] = ("approved",),
    ):
        self.entries: list[GlossaryEntry] = list(entries)
        self.conflicts: list[Problem] = list(conflicts)
        self._matched = [e for e in self.entries if e.status in match_statuses]
        self._zh: TermMatcher | None = None
        self._en: TermMatcher | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def find_zh(self, text: str, nested: bool = False) -> list[TermHit]:
        """Chinese terms in ``text``, spans into ``text``: whole terms, longest match; with
        ``nested``, also the terms inside a longer one (中国科学院 in 中国科学院院长)."""
        if self._zh is None:
            self._zh = TermMatcher("zh", ((i, "approved", e.zh, False) for i, e in enumerate(self._matched)))
        return self._hits(self._zh, text, nested)

    def find_en(self, text: str, nested: bool = False) -> list[TermHit]:
        """English renderings (approved, variant, forbidden) in ``text``, spans into ``text``."""
        if self._en is None:
            self._en = TermMatcher(
                "en",
                ((i, kind, form, e.case_sensitive) for i, e in enumerate(self._matched) for form, kind in e.forms()),
            )
        return self._hits(self._en, text, nested)

    def _hits(self, matcher: TermMatcher, text: str, nested: bool) -> list[TermHit]:
        folded, candidates = matcher.find(text, nested)
        hits = []
        for cand in candidates:
            start, end = folded.span(cand.start, cand.end)
            seen = set()
            for pattern in cand.patterns:
                if (pattern.entry, pattern.kind) in seen:
                    continue
                seen.add((pattern.entry, pattern.kind))
                hits.append(TermHit(self._matched[pattern.entry], start, end, text[start:end], pattern.kind))
        return hits
