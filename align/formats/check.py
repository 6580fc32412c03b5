"""``align check FILE``: check a bilingual file unit by unit, without re-aligning.

Each translation unit is one link (its zh and en segment, ``check_documents(paired=True)``),
scored with the confidence the aligner gives a 1-1 bead, so the document-level checks (the
typical confidence of a file, names used across units) see the whole file as they would an
aligned pair of documents.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from align.formats import read_bilingual
from align.formats.units import BilingualFile
from align.pipeline import CheckRun, _Stopwatch, check_documents, load_resources
from align.progress import Progress


def run_bilingual_check(
    path: str | Path,
    *,
    glossaries: Sequence[str | Path] = (),
    model: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    cache_dir: str | Path | None = None,
    quiet: bool = False,
    jobs: int = 1,
) -> tuple[CheckRun, BilingualFile]:
    """Read ``path`` (XLIFF, TMX, PO, CSV, XLSX) and run every check on its units; the run's
    summary gets a ``bilingual`` entry (format, languages, units, units left out)."""
    clock = _Stopwatch()
    with Progress(quiet) as progress:
        with clock("read"), progress.stage("read units", total=1) as stage:
            bilingual = read_bilingual(path)
            zh_doc, en_doc = bilingual.documents()
            stage.advance(1)
        glossary, encoder = load_resources(glossaries, model, cache_dir, clock, progress)
    run = check_documents(
        zh_doc, en_doc, encoder=encoder, glossary=glossary, glossary_files=glossaries,
        select=select, ignore=ignore, options=options, paired=True, quiet=quiet, timings=clock.timings, jobs=jobs,
    )
    run.summary["bilingual"] = bilingual.summary()
    return run, bilingual
