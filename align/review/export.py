"""Getting decisions out of the review database: ``align review export`` (CSV/JSON) and
``align review apply`` (fold the alignment fixes into the run's files).
"""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

from align.errors import AlignError
from align.fileio import atomic_path, write_json, write_jsonl
from align.report.tmx import write_tmx
from align.review.fixes import apply_fixes, locate
from align.review.runfolder import FLAGS, PAIRS
from align.review.workspace import Workspace

EXPORT_FORMATS = ("csv", "json")
CSV_FIELDS = (
    "doc", "link", "flag_id", "check", "severity", "status", "reviewer", "decided_at", "reason",
    "carried_over", "comments", "message", "zh", "en",
)
COMMENT_SEPARATOR = " | "
TMX = "pairs.tmx"


def decision_rows(workspace: Workspace) -> list[dict[str, Any]]:
    """One row per flag of the run: its current state and its comments."""
    comments: dict[str, list[str]] = {}
    for event in workspace.db.all_flag_events():
        if event["action"] == "comment":
            comments.setdefault(event["flag_id"], []).append(f"{event['reviewer']}: {event['comment']}")
    return [
        {
            "doc": item.doc.name,
            "link": item.flag.link,
            "flag_id": item.flag.id,
            "check": item.flag.check,
            "severity": item.flag.severity,
            "status": item.state.status,
            "reviewer": item.state.reviewer or "",
            "decided_at": item.state.at or "",
            "reason": item.state.reason or "",
            "carried_over": item.carried,
            "comments": comments.get(item.flag.id, []),
            "message": item.flag.message,
            "zh": item.flag.zh,
            "en": item.flag.en,
        }
        for item in workspace.queue()
    ]


def export_decisions(workspace: Workspace, fmt: str, out: str | Path) -> int:
    """Write the decisions as CSV (current state) or JSON (state plus full history)."""
    if fmt not in EXPORT_FORMATS:
        raise AlignError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    rows = decision_rows(workspace)
    if fmt == "json":
        write_json(
            out,
            {
                "run": str(workspace.run_dir),
                "flags": rows,
                "history": workspace.db.all_flag_events(),
                "alignment_fixes": workspace.db.link_fixes(),
                "glossary_proposals": workspace.db.term_proposals(),
            },
        )
        return len(rows)
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {"comments": COMMENT_SEPARATOR.join(row["comments"])})
    return len(rows)


def apply_alignment_fixes(workspace: Workspace) -> dict[str, int]:
    """Rewrite each document's ``pairs.jsonl``, ``pairs.tmx`` and the link numbers in
    ``flags.jsonl`` with its reviewers' alignment fixes; return fixes applied per document.

    Flags keep their text (and so their id and decisions); only their link number moves to
    the link now holding their sentences. Applying twice changes nothing.
    """
    applied_per_doc = {}
    for doc in workspace.docs:
        links, applied = apply_fixes(doc.links, workspace.fixes(doc))
        applied_per_doc[doc.name] = len(applied)
        if not applied:
            continue
        old = {link.index: link for link in doc.links}
        flags = [dataclasses.replace(f, link=locate(links, old[f.link])) for f in doc.flags]
        write_jsonl(doc.folder / PAIRS, (link.to_json() for link in links))
        write_jsonl(doc.folder / FLAGS, (flag.to_json() for flag in flags))
        write_tmx(links, doc.folder / TMX, origin=doc.name)
    workspace.refresh()
    return applied_per_doc
