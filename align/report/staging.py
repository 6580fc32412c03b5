"""Write a set of output files as one unit.

Files are rendered into a hidden staging folder beside their destination and renamed into
place only once every one of them is complete, so a run that fails halfway leaves the
previous outputs (or nothing) behind, never a half-written mix.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def staged_files(out_dir: str | Path, names: Sequence[str]) -> Iterator[Path]:
    """Yield a staging folder; on success move each of ``names`` from it into ``out_dir``."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
        out.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
