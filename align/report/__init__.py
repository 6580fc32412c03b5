"""The six output files of ``align check`` (formats in README, "Output formats"), written as
one unit (``align.report.staging``): a new run folder is written beside the old one and the
two are swapped in one rename, so a run that fails or is killed while writing leaves the
old run (or nothing), never a mix.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from align.fileio import write_chunks, write_json, write_jsonl
from align.report.html import report_chunks
from align.report.staging import staged_run
from align.report.tmx import write_tmx
from align.report.xlsx import write_report_xlsx

if TYPE_CHECKING:  # pragma: no cover
    from align.formats.units import BilingualFile
    from align.pipeline import CheckRun

OUTPUT_FILES = (
    "pairs.jsonl",
    "flags.jsonl",
    "report.html",
    "report.xlsx",
    "pairs.tmx",
    "summary.json",
)


def write_run(run: CheckRun, out_dir: str | Path, bilingual: BilingualFile | None = None,
              jobs: int = 1) -> dict[str, Path]:
    """Write the six files of ``run`` into ``out_dir``; returns ``{file name: path}``.

    ``summary.json`` gets the time spent writing the report as its ``report`` timing. A run
    of a bilingual XLIFF also gets the annotated copy of it, under the file's own name.
    With ``jobs`` 2 the XLSX book (the slowest file) is written by a forked child
    (:mod:`align.parallel`) while this process writes the others.
    """
    from align.parallel import alongside

    out = Path(out_dir)
    names = OUTPUT_FILES
    if bilingual is not None and bilingual.format.startswith("xliff"):
        names = (*OUTPUT_FILES, annotated_name(bilingual, out))
    with staged_run(out, names) as staging:
        started = time.perf_counter()
        write_jsonl(staging / "pairs.jsonl", (link.to_json() for link in run.links))
        write_jsonl(staging / "flags.jsonl", (f.to_json() for f in run.flags))
        with alongside(lambda: write_report_xlsx(staging / "report.xlsx", run.links, run.flags, run.summary),
                       enabled=jobs > 1) as xlsx:
            write_chunks(staging / "report.html", report_chunks(run.links, run.flags, run.summary))
            write_tmx(run.links, staging / "pairs.tmx", origin=f"{run.zh_doc.doc_id} / {run.en_doc.doc_id}")
            xlsx.result()
        timings = {**run.summary.get("timings", {})}
        timings["report"] = round(time.perf_counter() - started, 3)
        write_json(staging / "summary.json", {**run.summary, "timings": timings})
        if len(names) > len(OUTPUT_FILES):
            from align.formats.annotate import annotate_xliff

            annotate_xliff(bilingual, flag_notes(run.flags), staging / names[-1])
    return {name: out / name for name in names}


def annotated_name(bilingual: BilingualFile, out: Path) -> str:
    """The annotated copy's name (the original's), refusing to write over the original."""
    from align.errors import AlignError

    source = Path(bilingual.path)
    if (out / source.name).resolve() == source.resolve():
        raise AlignError(f"{out}: the annotated copy would replace {source}; choose another --out folder")
    if source.name in OUTPUT_FILES:
        raise AlignError(f"{source}: rename the file; its name clashes with the report's {source.name}")
    return source.name


def flag_notes(flags) -> list[dict]:
    """The flags as the annotated XLIFF's notes: one per flag, on the flag's unit."""
    return [
        {"unit": f.unit, "check": f.check, "severity": f.severity, "message": f.message, "id": f.id,
         "side": "zh" if f.zh_span else "en" if f.en_span else None}
        for f in flags
    ]
