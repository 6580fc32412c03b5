"""A run folder and its review database, kept in step: what the app and the CLI work on.

The run folder is re-read whenever ``align check`` rewrites it (even while the app runs),
and each new run is recorded so decisions carry over to it.
"""
from __future__ import annotations

import threading
from pathlib import Path

from align.errors import AlignError
from align.model import Link
from align.review.carryover import QueueItem, lapsed_decisions, queue_items, record_runs
from align.review.db import ReviewDB
from align.review.fixes import Fix, FixError, Scorer, apply_fixes, encoder_scorer
from align.review.runfolder import (
    DocRun,
    find_doc_folders,
    folder_fingerprint,
    load_doc,
)

DB_NAME = "review.sqlite"
QUEUE_FILTERS = ("doc", "check", "severity", "status", "reviewer", "order")
# the queue's orders besides document order: the flagged link's confidence, lowest first (a flag
# without one last), and its error risk, highest first (a flag without one last)
QUEUE_ORDERS = {
    "confidence": lambda item: (item.confidence is None, item.confidence or 0.0),
    "risk": lambda item: (item.risk is None, -(item.risk or 0.0)),
}


class Workspace:
    def __init__(self, run_dir: str | Path, db_path: str | Path | None = None, model: str | None = None):
        self.run_dir = Path(run_dir).resolve()
        find_doc_folders(self.run_dir)  # refuse a folder that is not a run before creating a DB
        self.db = ReviewDB(db_path or self.run_dir / DB_NAME)
        self.model = model
        self._lock = threading.Lock()
        self._scorer_lock = threading.Lock()
        self._scorer: Scorer | None = None
        self._docs: list[DocRun] = []
        self._run_ids: dict[str, int] = {}
        self.refresh()

    def score(self, zh: str, en: str) -> float:
        """A hand-fixed link's confidence; the encoder is loaded on the first fixed link."""
        with self._scorer_lock:
            if self._scorer is None:
                from align.embed.encoders import load_encoder

                self._scorer = encoder_scorer(load_encoder(self.model))
            return self._scorer(zh, en)

    def refresh(self) -> None:
        """Re-read the document folders whose files changed since last time.

        While ``align check`` is between rewriting ``pairs.jsonl`` and ``flags.jsonl`` the
        two may disagree; the app then keeps showing the previous run until the next request.
        """
        with self._lock:
            known = {doc.folder: doc for doc in self._docs}
            docs = []
            try:
                for folder in find_doc_folders(self.run_dir):
                    doc = known.get(folder)
                    if doc is None or doc.fingerprint != folder_fingerprint(folder):
                        doc = load_doc(self.run_dir, folder)
                    docs.append(doc)
            except AlignError:
                if not self._docs:
                    raise
                return
            if [d.fingerprint for d in docs] != [d.fingerprint for d in self._docs]:
                self._run_ids = record_runs(self.db, docs)
            self._docs = docs

    @property
    def docs(self) -> list[DocRun]:
        return self._docs

    def run_id(self, doc: DocRun) -> int:
        return self._run_ids[doc.key]

    def doc(self, number: int) -> DocRun | None:
        return self._docs[number] if 0 <= number < len(self._docs) else None

    def fix_records(self, doc: DocRun) -> list[dict]:
        """Every alignment fix made on the document, each with its ``state``: ``in effect``,
        ``undone``, ``in pairs.jsonl`` (written by `align review apply`) or ``lapsed`` (the
        links it names are not there: the text changed, or a fix it built on was undone)."""
        records = self.db.link_fixes(doc.key)
        pending = [r for r in records if not r["undone"] and doc.pairs_digest not in r["applied_to"]]
        _, applied = apply_fixes(doc.links, [Fix(r["action"], r["params"]) for r in pending])
        effective = {pending[n]["id"] for n in applied}
        for record in records:
            record["state"] = (
                "undone" if record["undone"]
                else "in pairs.jsonl" if doc.pairs_digest in record["applied_to"]
                else "in effect" if record["id"] in effective
                else "lapsed"
            )
        return records

    def fixes(self, doc: DocRun) -> list[Fix]:
        """The fixes still to apply on the document's links as they are in pairs.jsonl."""
        return [
            Fix(r["action"], r["params"]) for r in self.db.link_fixes(doc.key)
            if not r["undone"] and doc.pairs_digest not in r["applied_to"]
        ]

    def current_links(self, doc: DocRun) -> list[Link]:
        """The document's links with every applicable reviewer fix applied."""
        return apply_fixes(doc.links, self.fixes(doc), self.score)[0]

    def undo_fix(self, doc: DocRun, fix_id: int, reviewer: str) -> dict:
        """Take back an alignment fix not yet written into the run's files."""
        record = next((r for r in self.fix_records(doc) if r["id"] == fix_id), None)
        if record is None:
            raise FixError(f"no alignment fix {fix_id} in this document")
        if record["state"] == "undone":
            raise FixError(f"that {record['action']} was already undone")
        if record["state"] == "in pairs.jsonl":
            raise FixError(
                f"that {record['action']} is already written into pairs.jsonl by `align review apply`;"
                " make the opposite fix instead"
            )
        self.db.add_fix_event(fix_id, "undo", reviewer)
        return record

    def queue(self, **filters: str | None) -> list[QueueItem]:
        """Flags in document/link order, narrowed by doc (number), check, severity, status
        (``disputed``: reviewers decided it differently) and reviewer (flags they decided), and
        sorted by ``order`` (``QUEUE_ORDERS``; ties keep document order)."""
        items = queue_items(self.db, self._docs, self._run_ids)
        doc, check = filters.get("doc"), filters.get("check")
        severity, status, reviewer = filters.get("severity"), filters.get("status"), filters.get("reviewer")
        shown = [
            item for item in items
            if (not doc or str(self._docs.index(item.doc)) == doc)
            and (not check or item.flag.check == check or item.flag.category == check)
            and (not severity or item.flag.severity == severity)
            and (not status or item.state.status == status or (status == "disputed" and item.disputed))
            and (not reviewer or reviewer in item.decided_by)
        ]
        order = QUEUE_ORDERS.get(filters.get("order") or "")
        return sorted(shown, key=order) if order else shown


    def item(self, doc_no: int, position: int) -> QueueItem | None:
        """The flag at ``position`` of document number ``doc_no``, with its state."""
        doc = self.doc(doc_no)
        return next((i for i in self.queue() if i.doc is doc and i.position == position), None)

    def lapsed(self) -> list[dict]:
        """Decisions on flags that no longer occur: their text changed since."""
        return lapsed_decisions(self.db, self._docs)
