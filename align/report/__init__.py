"""The six output files of ``align check`` (see ``GUIDE.md``), written as one unit.

All files are first written into a hidden staging folder beside ``out_dir`` and only
renamed into place once every one of them rendered, so a run that fails while writing
leaves the previous report (or nothing) behind, never a half-written mix.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from align.fileio import write_json, write_jsonl, write_text
from align.report.html import render_report
from align.report.tmx import write_tmx
from align.report.xlsx import write_report_xlsx

if TYPE_CHECKING:  # pragma: no cover
    from align.pipeline import CheckRun

OUTPUT_FILES = (
    "pairs.jsonl",
    "flags.jsonl",
    "report.html",
    "report.xlsx",
    "pairs.tmx",
    "summary.json",
)


def write_run(run: "CheckRun", out_dir: str | Path) -> dict[str, Path]:
    """Write the six files of ``run`` into ``out_dir``; returns ``{file name: path}``.

    ``summary.json`` gets the time spent writing the report as its ``report`` timing.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        started = time.perf_counter()
        write_jsonl(staging / "pairs.jsonl", (l.to_json() for l in run.links))
        write_jsonl(staging / "flags.jsonl", (f.to_json() for f in run.flags))
        write_text(staging / "report.html", render_report(run.links, run.flags, run.summary))
        write_report_xlsx(staging / "report.xlsx", run.links, run.flags, run.summary)
        write_tmx(
            run.links,
            staging / "pairs.tmx",
            origin=f"{run.zh_doc.doc_id} / {run.en_doc.doc_id}",
        )
        timings = {**run.summary.get("timings", {})}
        timings["report"] = round(time.perf_counter() - started, 3)
        write_json(staging / "summary.json", {**run.summary, "timings": timings})
        out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: out / name for name in OUTPUT_FILES}
