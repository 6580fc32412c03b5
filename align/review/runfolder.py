"""Read a run folder written by ``align check`` (one document pair) or ``align batch``
(one sub-folder per pair): the links and flags of every document pair in it.

Documents are addressed by their folder's position in the run, never by a path from a
request, so nothing outside the run folder can be reached through the review app.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from align.errors import InputError
from align.model import Flag, Link

T = TypeVar("T")
PAIRS = "pairs.jsonl"
FLAGS = "flags.jsonl"


@dataclass
class DocRun:
    """One document pair's links and flags, as written by ``align check``."""

    key: str  # folder relative to the run folder ("." for a single-pair run)
    folder: Path
    links: list[Link]
    flags: list[Flag]
    fingerprint: str  # changes whenever ``align check`` rewrites the folder
    pairs_digest: str  # of pairs.jsonl's bytes: which alignment fixes `apply` wrote into it

    @property
    def name(self) -> str:
        return self.folder.name if self.key == "." else self.key


def find_doc_folders(run_dir: Path) -> list[Path]:
    """The run folder itself and/or its sub-folders holding a ``pairs.jsonl``, sorted."""
    if not run_dir.is_dir():
        raise InputError(run_dir, "not a folder (expected the output folder of align check/batch)")
    folders = sorted(p.parent for p in run_dir.rglob(PAIRS) if not _hidden(p, run_dir))
    if not folders:
        raise InputError(run_dir, f"no {PAIRS} here or in sub-folders: not an align check/batch output")
    return folders


def load_doc(run_dir: Path, folder: Path) -> DocRun:
    pairs_path, flags_path = folder / PAIRS, folder / FLAGS
    links = _read_records(pairs_path, Link.from_json)
    flags = _read_records(flags_path, Flag.from_json) if flags_path.exists() else []
    indexes = {link.index for link in links}
    for number, flag in enumerate(flags, start=1):
        if flag.link not in indexes:
            raise InputError(flags_path, f"flag refers to link {flag.link}, not in {PAIRS}", number)
    key = folder.relative_to(run_dir).as_posix()
    return DocRun(key, folder, links, flags, folder_fingerprint(folder), pairs_digest(pairs_path))


def pairs_digest(path: Path) -> str:
    """Of a pairs.jsonl's bytes: tells which alignment fixes `apply` already wrote into it."""
    return hashlib.sha1(path.read_bytes()).hexdigest()[:16]


def folder_fingerprint(folder: Path) -> str:
    """Changes whenever ``pairs.jsonl`` or ``flags.jsonl`` is rewritten (cheap: stat only)."""
    digest = hashlib.sha1()
    for path in (folder / PAIRS, folder / FLAGS):
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}\n".encode())
    return digest.hexdigest()[:16]


def _read_records(path: Path, parse: Callable[[dict], T]) -> list[T]:
    """Parse a JSON-lines file record by record, naming the line of the first bad one."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                records.append(parse(json.loads(line)))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise InputError(path, f"not a valid record ({exc})", number) from exc
    return records


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
