"""The glossary maintainer's desk: reviewers' proposals plus ``align glossary suggest``
candidates, each approved into the glossary file (atomically, with a backup, by
``align.glossary``) or rejected. Every decision is kept in the review history.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from align.errors import AlignError
from align.glossary.files import append_entry, read_glossary
from align.glossary.termbase import GlossaryEntry
from align.model import normalise_for_matching
from align.review.db import TERM_ACTIONS, ReviewDB


class GlossaryDesk:
    def __init__(self, db: ReviewDB, glossary: Path | None, suggestions: Path | None):
        self.db = db
        self.glossary = glossary
        self.suggestions = suggestions
        if suggestions:
            read_glossary(suggestions)  # a bad suggestions file is refused at start, not mid-review

    def proposals(self) -> list[dict[str, Any]]:
        """All proposals, pending ones first, then by time."""
        rows = self.db.term_proposals()
        return sorted(rows, key=lambda r: (r["decision"] is not None, r["id"]))

    def candidates(self) -> list[GlossaryEntry]:
        """Entries of the ``align glossary suggest`` file not yet proposed or decided."""
        if not self.suggestions:
            return []
        seen = {_pair_key(r["zh"], r["en"]) for r in self.db.term_proposals()}
        return [e for e in read_glossary(self.suggestions) if _pair_key(e.zh, e.en) not in seen]

    def adopt_candidate(self, zh: str, en: str, note: str, reviewer: str) -> int:
        """Turn a suggestion into a proposal so that the decision on it is recorded."""
        if not (zh.strip() and en.strip()):
            raise ValueError("a glossary entry needs both zh and en")
        return self.db.add_term_proposal(zh.strip(), en.strip(), reviewer, source="suggest", note=note)

    def decide(self, proposal_id: int, action: str, reviewer: str) -> None:
        if action not in TERM_ACTIONS:
            raise ValueError(f"unknown glossary decision {action!r}")
        proposal = next((p for p in self.db.term_proposals() if p["id"] == proposal_id), None)
        if proposal is None:
            raise ValueError(f"no proposal {proposal_id}")
        if proposal["decision"] == "approve":
            raise ValueError(f"proposal {proposal_id} is already in the glossary")
        target = None
        if action == "approve":
            if self.glossary is None:
                raise ValueError("no glossary file to write to: start align review with --glossary FILE")
            entry = GlossaryEntry(id="", zh=proposal["zh"], en=proposal["en"], note=proposal["note"])
            try:
                append_entry(self.glossary, entry)
            except AlignError as exc:
                raise ValueError(str(exc)) from exc
            target = str(self.glossary)
        self.db.decide_term(proposal_id, action, reviewer, target)


def _pair_key(zh: str, en: str) -> tuple[str, str]:
    return normalise_for_matching(zh), normalise_for_matching(en)
