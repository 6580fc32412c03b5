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
from align.review.fixes import Fix, apply_fixes
from align.review.runfolder import DocRun, find_doc_folders, folder_fingerprint, load_doc

DB_NAME = "review.sqlite"
QUEUE_FILTERS = ("doc", "check", "severity", "status")


class Workspace:
    def __init__(self, run_dir: str | Path, db_path: str | Path | None = None):
        self.run_dir = Path(run_dir).resolve()
        find_doc_folders(self.run_dir)  # refuse a folder that is not a run before creating a DB
        self.db = ReviewDB(db_path or self.run_dir / DB_NAME)
        self._lock = threading.Lock()
        self._docs: list[DocRun] = []
        self._run_ids: dict[str, int] = {}
        self.refresh()

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

    def fixes(self, doc: DocRun) -> list[Fix]:
        return [Fix(row["action"], row["params"]) for row in self.db.link_fixes(doc.key)]

    def current_links(self, doc: DocRun) -> list[Link]:
        """The document's links with every applicable reviewer fix applied."""
        return apply_fixes(doc.links, self.fixes(doc))[0]

    def queue(self, **filters: str | None) -> list[QueueItem]:
        """Flags in document/link order, narrowed by doc (number), check, severity, status."""
        items = queue_items(self.db, self._docs, self._run_ids)
        doc, check = filters.get("doc"), filters.get("check")
        severity, status = filters.get("severity"), filters.get("status")
        return [
            item for item in items
            if (not doc or str(self._docs.index(item.doc)) == doc)
            and (not check or item.flag.check == check or item.flag.category == check)
            and (not severity or item.flag.severity == severity)
            and (not status or item.state.status == status)
        ]

    def item(self, doc_no: int, position: int) -> QueueItem | None:
        """The flag at ``position`` of document number ``doc_no``, with its state."""
        doc = self.doc(doc_no)
        return next((i for i in self.queue() if i.doc is doc and i.position == position), None)

    def lapsed(self) -> list[dict]:
        """Decisions on flags that no longer occur: their text changed since."""
        return lapsed_decisions(self.db, self._docs)
