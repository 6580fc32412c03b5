"""`align batch`: many document pairs through the main job, in a process pool.

Each worker loads the encoder once (the pool initializer) and reuses it for every pair it
gets; vectors go through the on-disk embedding cache, so re-running an unchanged document
encodes nothing. Each pair's report lands in ``OUT/<name>/``; a pair that fails (bad file,
wrong language, …) fails alone and is listed with its error in the corpus report.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.embed.encoders import usable_cores
from align.errors import AlignError, InputError
from align.model import Flag, Link
from align.progress import Progress

MANIFEST_COLUMNS = ("name", "zh", "en")
SAFE_NAME = re.compile(r"^[\w.\- ]+$")


@dataclass(frozen=True)
class BatchItem:
    """One document pair; ``name`` is its output folder under ``OUT/``."""

    name: str
    zh: Path
    en: Path


@dataclass
class DocumentResult:
    """What one pair produced, or why it failed (``error`` set, nothing else)."""

    item: BatchItem
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def _check_name(name: str, source: Path, line: int | None) -> str:
    name = name.strip()
    if not name or not SAFE_NAME.match(name) or name in (".", ".."):
        raise InputError(source, f"document name {name!r} cannot be a folder name", line=line)
    return name


def read_manifest(source: str | Path) -> list[BatchItem]:
    """Pairs from a CSV manifest (``name,zh,en``; paths relative to the CSV) or a folder.

    In a folder, ``NAME.zh.EXT`` pairs with ``NAME.en.EXT``; a file without its partner
    still becomes an item, so it fails alone and shows up in the report.
    """
    source = Path(source)
    if source.is_dir():
        return _read_folder(source)
    if not source.is_file():
        raise InputError(source, "no such manifest file or folder")
    items, seen = [], set()
    with open(source, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            needs = f"manifest needs columns {','.join(MANIFEST_COLUMNS)} (missing {','.join(missing)})"
            raise InputError(source, needs, line=1)
        for row in reader:
            line = reader.line_num
            name = _check_name(row["name"] or "", source, line)
            if name in seen:
                raise InputError(source, f"document name {name!r} appears twice", line=line)
            if not (row["zh"] or "").strip() or not (row["en"] or "").strip():
                raise InputError(source, "row needs both a zh and an en path", line=line)
            seen.add(name)
            items.append(BatchItem(name, source.parent / row["zh"].strip(), source.parent / row["en"].strip()))
    if not items:
        raise InputError(source, "manifest lists no documents")
    return items


def _read_folder(folder: Path) -> list[BatchItem]:
    names: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        parts = path.name.split(".")
        if path.is_file() and len(parts) >= 3 and parts[-2] in ("zh", "en"):
            name = ".".join(parts[:-2])
            names.setdefault(name, {})[parts[-2]] = path
    if not names:
        raise InputError(folder, "no NAME.zh.* / NAME.en.* files in this folder")
    return [
        BatchItem(
            _check_name(name, folder, None),
            sides.get("zh", folder / f"{name}.zh.txt"),
            sides.get("en", folder / f"{name}.en.txt"),
        )
        for name, sides in sorted(names.items())
    ]


def _load_worker_encoder(model: str | None, cache_dir: str | None, threads: int) -> None:
    """Pool initializer: load the model once per worker process, with its share of the cores."""
    from align.embed.encoders import load_encoder

    os.environ["ALIGN_THREADS"] = str(threads)
    load_encoder(model, cache_dir=cache_dir)


def check_one(item: BatchItem, out_dir: Path, settings: dict[str, Any]) -> DocumentResult:
    """Run and write one pair; any failure is caught and returned, so it fails alone."""
    from align.pipeline import run_check
    from align.report import write_run

    try:
        run = run_check(item.zh, item.en, quiet=True, **settings)
        write_run(run, out_dir / item.name)
    except AlignError as exc:
        return DocumentResult(item, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one document's crash must not stop the corpus
        return DocumentResult(item, error=f"{type(exc).__name__}: {exc}")
    return DocumentResult(item, summary=run.summary, links=run.links, flags=run.flags)


def run_batch(
    items: Sequence[BatchItem],
    out_dir: str | Path,
    *,
    workers: int = 2,
    quiet: bool = False,
    **settings: Any,
) -> list[DocumentResult]:
    """Check every pair with ``workers`` processes; results in manifest order.

    ``settings`` are ``align.pipeline.run_check`` keyword arguments (glossaries, model,
    select, ignore, options, presegmented, cache_dir).
    """
    out = Path(out_dir)
    cache_dir = settings.get("cache_dir")
    results: dict[BatchItem, DocumentResult] = {}
    # spawn, not fork: a forked copy of a process that already runs BLAS / SQLite threads can hang
    context = multiprocessing.get_context("spawn")
    pool_size = max(1, min(workers, len(items)))
    threads = max(1, usable_cores() // pool_size)
    with ProcessPoolExecutor(
        max_workers=pool_size,
        mp_context=context,
        initializer=_load_worker_encoder,
        initargs=(settings.get("model"), str(cache_dir) if cache_dir else None, threads),
    ) as pool, Progress(quiet) as progress:
        futures = [pool.submit(check_one, item, out, settings) for item in items]
        for future in progress.track(as_completed(futures), "documents", total=len(futures)):
            result = future.result()
            results[result.item] = result
    return [results[item] for item in items]


def term_consistency(glossary, results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    """Each glossary term's renderings per document (:func:`align.glossary.termmine.term_consistency`)."""
    from align.glossary.termmine import term_consistency as per_document

    return per_document(glossary, [(r.item.name, r.links) for r in results if r.ok])


def corpus_findings(
    results: Sequence[DocumentResult], *, select=None, ignore=None, options=None
) -> list[tuple[str, Flag]]:
    """Sentences rendered differently in different documents (the consistency checks)."""
    from align.checks.consistency import corpus_flags

    return corpus_flags([(r.item.name, r.links) for r in results if r.ok], select=select, ignore=ignore,
                        options=options)
