"""The six output files of ``align check`` (formats in README, "Output formats"), written as
one unit (``align.report.staging``): a run that fails while writing leaves no half-written
report.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from align.fileio import write_json, write_jsonl, write_text
from align.report.html import render_report
from align.report.staging import staged_files
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


def write_run(run: CheckRun, out_dir: str | Path) -> dict[str, Path]:
    """Write the six files of ``run`` into ``out_dir``; returns ``{file name: path}``.

    ``summary.json`` gets the time spent writing the report as its ``report`` timing.
    """
    out = Path(out_dir)
    with staged_files(out, OUTPUT_FILES) as staging:
        started = time.perf_counter()
        write_jsonl(staging / "pairs.jsonl", (link.to_json() for link in run.links))
        write_jsonl(staging / "flags.jsonl", (f.to_json() for f in run.flags))
        write_text(staging / "report.html", render_report(run.links, run.flags, run.summary))
        write_report_xlsx(staging / "report.xlsx", run.links, run.flags, run.summary)
        write_tmx(run.links, staging / "pairs.tmx", origin=f"{run.zh_doc.doc_id} / {run.en_doc.doc_id}")
        timings = {**run.summary.get("timings", {})}
        timings["report"] = round(time.perf_counter() - started, 3)
        write_json(staging / "summary.json", {**run.summary, "timings": timings})
    return {name: out / name for name in OUTPUT_FILES}
