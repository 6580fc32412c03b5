"""Getting decisions out of the review database: ``align review export`` (CSV/JSON) and
``align review apply`` (fold the alignment fixes into the run's files).
"""
from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.errors import AlignError
from align.fileio import atomic_path, write_json, write_jsonl
from align.report.cells import csv_cell
from align.report.tmx import write_tmx
from align.review.fixes import Fix, Scorer, apply_fixes, locate
from align.review.runfolder import FLAGS, PAIRS, pairs_digest
from align.review.workspace import Workspace

EXPORT_FORMATS = ("csv", "json", "xliff")
CSV_FIELDS = (
    "doc", "link", "unit", "flag_id", "check", "severity", "status", "reviewer", "decided_at", "reason",
    "carried_over", "comments", "message", "zh", "en", "zh_position", "en_position",
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
            "unit": item.flag.unit or "",  # the file's unit id, for a run of a bilingual file
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
            "zh_position": str(item.flag.zh_file_span) if item.flag.zh_file_span else "",
            "en_position": str(item.flag.en_file_span) if item.flag.en_file_span else "",
        }
        for item in workspace.queue()
    ]


def export_decisions(workspace: Workspace, fmt: str, out: str | Path) -> int:
    """Write the decisions as CSV (current state; UTF-8 with a BOM, so Excel reads the
    Chinese right), JSON (state plus full history) or, for a run of one XLIFF file, the
    annotated XLIFF with each flag's decision in its note."""
    if fmt not in EXPORT_FORMATS:
        raise AlignError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    rows = decision_rows(workspace)
    if fmt == "xliff":
        from align.formats.annotate import export_review_xliff

        export_review_xliff(workspace.run_dir, rows, out)
        return len(rows)
    if fmt == "json":
        names = {doc.key: doc.name for doc in workspace.docs}

        def named(records: list[dict]) -> list[dict]:
            """Documents by name, as on the pages ("." is the run folder of a single pair)."""
            return [r | {"doc": names.get(r["doc"], r["doc"])} if r.get("doc") else r for r in records]

        fixes = [
            {k: v for k, v in r.items() if k not in ("undone", "applied_to")}
            | {"undone_at": r["undone"]["at"] if r["undone"] else None}
            for r in workspace.db.link_fixes()
        ]
        write_json(
            out,
            {
                "run": str(workspace.run_dir),
                "flags": rows,
                "history": named(workspace.db.all_flag_events()),
                "alignment_fixes": named(fixes),
                "glossary_proposals": named(workspace.db.term_proposals()),
            },
        )
        return len(rows)
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            row = row | {"comments": COMMENT_SEPARATOR.join(row["comments"])}
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return len(rows)


@dataclass(frozen=True)
class Applied:
    """What `align review apply` did to one document: the same answer on every re-run."""

    new: int  # fixes written into the files now
    already: int  # fixes an earlier `apply` wrote into this pairs.jsonl
    lapsed: int  # fixes whose links are not in the files (text changed, or built on an undone fix)

    def __str__(self) -> str:
        done = f"{self.new} alignment fix(es) applied" if self.new else "nothing new to apply"
        parts = [f"{self.already} already in pairs.jsonl"] if self.already else []
        parts += [f"{self.lapsed} no longer apply (their links changed)"] if self.lapsed else []
        return done + (f" ({', '.join(parts)})" if parts else "")


APPLIED_BY = "align review apply"


def apply_alignment_fixes(workspace: Workspace, score: Scorer | None = None) -> dict[str, Applied]:
    """Rewrite each document's ``pairs.jsonl``, ``pairs.tmx`` and the link numbers in
    ``flags.jsonl`` with its reviewers' alignment fixes; report per document.

    Flags keep their text (and so their id and decisions); only their link number moves to
    the link now holding their sentences. Links made by a fix are marked ``fixed`` and
    re-scored by ``score`` (see :func:`align.review.fixes.encoder_scorer`). The review
    database records which fixes each written ``pairs.jsonl`` holds, so a re-run applies
    nothing twice and says so.
    """
    report = {}
    for doc in workspace.docs:
        records = [r for r in workspace.db.link_fixes(doc.key) if not r["undone"]]
        already = [r for r in records if doc.pairs_digest in r["applied_to"]]
        pending = [r for r in records if doc.pairs_digest not in r["applied_to"]]
        links, applied = apply_fixes(doc.links, [Fix(r["action"], r["params"]) for r in pending], score)
        report[doc.name] = Applied(len(applied), len(already), len(pending) - len(applied))
        if not applied:
            continue
        old = {link.index: link for link in doc.links}
        flags = [dataclasses.replace(f, link=locate(links, old[f.link])) for f in doc.flags]
        write_jsonl(doc.folder / PAIRS, (link.to_json() for link in links))
        write_jsonl(doc.folder / FLAGS, (flag.to_json() for flag in flags))
        write_tmx(links, doc.folder / TMX, origin=doc.name)
        digest = pairs_digest(doc.folder / PAIRS)
        for record in already + [pending[n] for n in applied]:
            workspace.db.add_fix_event(record["id"], "applied", APPLIED_BY, digest)
    workspace.refresh()
    return report
