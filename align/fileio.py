"""Atomic file writes: a temp file in the target folder, then ``os.replace``.

A crash or a failed run never leaves a half-written output behind.
"""
from __future__ import annotations

import contextlib
import json
import marshal
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from align.errors import InputError


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; rename it over ``path`` only on success.

    Any OSError (a folder in the way, no permission, a full disk) becomes an ``InputError``
    naming the file, and nothing is left behind.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(target, "is a folder; name a file to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes 0600 files; give the result the permissions a plain open() would.
        os.chmod(tmp_path, 0o666 & ~UMASK)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise write_error(target, exc, tmp_path) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_error(target: Path, exc: OSError, tmp: Path | None = None) -> InputError:
    """The one-line error for a failed write of ``target``: the path the system named
    (unless it is our temp file), and why."""
    named = Path(exc.filename) if exc.filename and Path(exc.filename) != tmp else target
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and named != target:
        return InputError(named, "is a file, so nothing can be written inside it")
    return InputError(named, f"cannot write ({exc.strerror or exc})")


def _read_umask() -> int:
    """Reading the umask means setting it; done once at import, not per write, so that no
    other thread (the review app's) ever creates a file while it is briefly 0."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _read_umask()


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_chunks(path: str | Path, chunks: Iterable[str]) -> None:
    """Write text piece by piece as it is produced, so a large file is never one string."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(chunk)


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    write_chunks(path, (json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_json(path: str | Path, data: Any) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")




T = TypeVar("T")


def cached_marshal(path: Path, compute: Callable[[], T]) -> T:
    """``compute()``, kept in ``path`` (a ``marshal`` file in the cache folder, named by
    what it was computed from) so later processes load it instead of computing it again.
    A damaged file is computed again; a folder that cannot be written only costs the
    computation, every time."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = compute()
    try:
        write_bytes(path, marshal.dumps(value))
    except InputError:
        pass
    return value
