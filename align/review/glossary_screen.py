"""The glossary maintainer's desk: reviewers' proposals plus ``align glossary suggest``
candidates, each approved into the glossary file (atomically, with a backup, by
``align.glossary``) or rejected. Every decision is kept in the review history.

Each row knows what the glossary already says about its Chinese term, so the screen can
show it and an approval that would duplicate an entry is refused before anything is
recorded. The maintainer may correct the English before approving.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.errors import AlignError
from align.glossary.files import append_entry, read_glossary
from align.glossary.termbase import GlossaryEntry
from align.model import normalise_for_matching
from align.review.db import TERM_ACTIONS, ReviewDB


@dataclass(frozen=True)
class Candidate:
    """A suggestion not yet decided, with the glossary's entries for the same Chinese."""

    entry: GlossaryEntry
    known: tuple[GlossaryEntry, ...]

    @property
    def in_glossary(self) -> bool:
        return _has_pair(self.known, self.entry.zh, self.entry.en)


class GlossaryDesk:
    def __init__(self, db: ReviewDB, glossary: Path | None, suggestions: Path | None):
        self.db = db
        self.glossary = glossary
        self.suggestions = suggestions
        if suggestions:
            read_glossary(suggestions)  # a bad suggestions file is refused at start, not mid-review

    def entries(self) -> list[GlossaryEntry]:
        """The glossary file as it is now (it may be edited while the app runs)."""
        return read_glossary(self.glossary) if self.glossary and self.glossary.exists() else []

    def known(self) -> dict[str, tuple[GlossaryEntry, ...]]:
        """Glossary entries by normalised Chinese term."""
        by_zh: dict[str, list[GlossaryEntry]] = {}
        for entry in self.entries():
            by_zh.setdefault(normalise_for_matching(entry.zh), []).append(entry)
        return {zh: tuple(entries) for zh, entries in by_zh.items()}

    def proposals(self) -> list[dict[str, Any]]:
        """All proposals, pending ones first, then by time; each with ``known`` entries."""
        known = self.known()
        rows = self.db.term_proposals()
        for row in rows:
            row["known"] = known.get(normalise_for_matching(row["zh"]), ())
            row["in_glossary"] = _has_pair(row["known"], row["zh"], row["en"])
        return sorted(rows, key=lambda r: (r["decision"] is not None, r["id"]))

    def candidates(self) -> list[Candidate]:
        """Entries of the ``align glossary suggest`` file not yet proposed or decided."""
        if not self.suggestions:
            return []
        seen = set()
        for row in self.db.term_proposals():
            seen.add(_pair_key(row["zh"], row["en"]))
            if row["suggested_en"]:
                seen.add(_pair_key(row["zh"], row["suggested_en"]))
        known = self.known()
        return [
            Candidate(e, known.get(normalise_for_matching(e.zh), ()))
            for e in read_glossary(self.suggestions)
            if _pair_key(e.zh, e.en) not in seen
        ]

    def decide_candidate(
        self, zh: str, en: str, suggested_en: str, note: str, action: str, reviewer: str
    ) -> int:
        """Record a suggestion as a proposal and decide it, in that order only once the
        decision is possible: a refused approval leaves nothing behind."""
        zh, en = zh.strip(), en.strip()
        if not (zh and en):
            raise ValueError("a glossary entry needs both zh and en")
        if action == "approve":
            self._check_approvable(zh, en)
        proposal = self.db.add_term_proposal(
            zh, en, reviewer, source="suggest", note=note, suggested_en=suggested_en.strip() or None
        )
        self.decide(proposal, action, reviewer)
        return proposal

    def decide(self, proposal_id: int, action: str, reviewer: str, en: str | None = None) -> None:
        """Approve (into the glossary file) or reject one proposal; ``en`` corrects its English."""
        if action not in TERM_ACTIONS:
            raise ValueError(f"unknown glossary decision {action!r}")
        proposal = next((p for p in self.db.term_proposals() if p["id"] == proposal_id), None)
        if proposal is None:
            raise ValueError(f"no proposal {proposal_id}")
        if proposal["decision"] == "approve":
            raise ValueError(f"proposal {proposal_id} is already in the glossary")
        english = (en or "").strip() or proposal["en"]
        target = None
        if action == "approve":
            self._check_approvable(proposal["zh"], english)
            entry = GlossaryEntry(id="", zh=proposal["zh"], en=english, note=proposal["note"])
            try:
                append_entry(self.glossary, entry)
            except AlignError as exc:
                raise ValueError(str(exc)) from exc
            target = str(self.glossary)
        edited = english if english != proposal["en"] else None
        self.db.decide_term(proposal_id, action, reviewer, target, en=edited)

    def _check_approvable(self, zh: str, en: str) -> None:
        if self.glossary is None:
            raise ValueError("no glossary file to write to: start align review with --glossary FILE")
        known = self.known().get(normalise_for_matching(zh), ())
        for entry in known:
            if _pair_key(entry.zh, entry.en) == _pair_key(zh, en):
                raise ValueError(f"{zh} → {en} is already in the glossary ({entry.source}); nothing was recorded")


def _pair_key(zh: str, en: str) -> tuple[str, str]:
    return normalise_for_matching(zh), normalise_for_matching(en)


def _has_pair(entries, zh: str, en: str) -> bool:
    return any(_pair_key(e.zh, e.en) == _pair_key(zh, en) for e in entries)
