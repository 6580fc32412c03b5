"""Memory across runs: decisions are keyed by flag id, a fingerprint of the check and the
normalised text, so a re-run of ``align check`` on unchanged text finds them again and a
flag whose text changed starts over as new.

Each time a document pair's output changes, the run is recorded with its flags; a decision
whose event belongs to an earlier run of that document shows as *carried over*.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from align.model import Flag, Link
from align.review.db import FlagState, ReviewDB
from align.review.runfolder import DocRun

OPEN = FlagState("open")


@dataclass(frozen=True)
class QueueItem:
    """One flag in the reviewer queue with its derived state."""

    doc: DocRun
    position: int  # index into ``doc.flags``
    flag: Flag
    state: FlagState
    carried: bool  # decided on an earlier run of this document
    decisions: dict = field(default_factory=dict)  # reviewer → their latest event (status, reason, at)

    @property
    def link(self) -> Link | None:
        """The flagged link of the run (none for a flag on no link)."""
        links = self.doc.links
        return links[self.flag.link] if 0 <= self.flag.link < len(links) else None

    @property
    def risk(self) -> float | None:
        """The flagged link's adequacy probability (none for a one-sided link or a run
        written before the score was kept on each link)."""
        return self.link.adequacy if self.link else None

    @property
    def confidence(self) -> float | None:
        """The flagged link's confidence (the probability that the aligner's link is exactly
        right); none for a one-sided link, a reviewer's fix, paired input or an older run."""
        return self.link.confidence if self.link else None

    @property
    def decided_by(self) -> dict[str, str]:
        """Reviewer → confirmed/dismissed, for reviewers whose latest word is a decision."""
        return {name: d["status"] for name, d in self.decisions.items() if d["status"] != "open"}

    @property
    def disputed(self) -> bool:
        """Two reviewers decided this flag differently (one confirmed, one dismissed)."""
        return len(set(self.decided_by.values())) > 1


def record_runs(db: ReviewDB, docs: list[DocRun]) -> dict[str, int]:
    """Record each document's current run (idempotent); map document key → run id."""
    return {
        doc.key: db.record_run(doc.key, doc.fingerprint, [(f.id, f.check) for f in doc.flags])
        for doc in docs
    }


def queue_items(db: ReviewDB, docs: list[DocRun], run_ids: dict[str, int]) -> list[QueueItem]:
    """Every flag of the run in document/link order, with its state from the history."""
    states = db.flag_states()
    decisions = db.reviewer_decisions()
    items = []
    for doc in docs:
        for position, flag in enumerate(doc.flags):
            state = states.get(flag.id, OPEN)
            carried = state.status != "open" and state.run_id not in (None, run_ids.get(doc.key))
            items.append(QueueItem(doc, position, flag, state, carried, decisions.get(flag.id, {})))
    return items


def lapsed_decisions(db: ReviewDB, docs: list[DocRun]) -> list[dict]:
    """Latest decisions on flags no longer in the run: their text changed (or was fixed)."""
    current = {f.id for doc in docs for f in doc.flags}
    states = db.flag_states()
    return [
        {"flag_id": flag_id, "status": state.status, "reviewer": state.reviewer, "at": state.at}
        for flag_id, state in states.items()
        if flag_id not in current and state.status != "open"
    ]
