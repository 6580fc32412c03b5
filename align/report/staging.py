"""Write a set of output files as one unit.

``staged_run`` (the six files of ``align check``): the new run is written into a hidden
folder beside the run folder, everything else the old folder holds (``review.sqlite``,
your own files) is hard-linked into it, and the two folders are swapped in one
``renameat2(RENAME_EXCHANGE)``. Until that swap the old run stands complete; after it the
new one does — a kill at any moment leaves one or the other, never a mix. The old run is
removed after the swap; a folder a killed run left behind (``.NAME.run.PID.*.partial``) is
removed by the next run into the same place.

``staged_files`` (the corpus files of ``align batch``, which share their folder with the
document folders): each file is renamed into place once all of them are complete.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from align.errors import InputError
from align.fileio import UMASK

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


@contextlib.contextmanager
def staged_run(out_dir: str | Path, names: Sequence[str]) -> Iterator[Path]:
    """Yield an empty folder to write ``names`` into; on success it becomes ``out_dir``."""
    out = usable_run_folder(out_dir)
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _restore_interrupted(out)
        remove_stale_runs(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.run.{os.getpid()}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise InputError(parent, f"cannot write here ({exc.strerror})") from exc
    try:
        yield staging
        missing = [n for n in names if not (staging / n).is_file()]
        if missing:  # a writer bug, not bad input
            raise RuntimeError(f"staged run lacks {', '.join(missing)}")
        try:
            _swap_in(staging, out, names)
        except OSError as exc:
            raise InputError(out, f"cannot replace the run folder ({exc.strerror})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the old run, or a run that failed


def usable_run_folder(out_dir: str | Path) -> Path:
    """``out_dir`` (a symlink resolved), refused in one line if it is not a folder; the
    CLI calls this before any work so that a wrong ``--out`` fails at once."""
    out = Path(out_dir)
    out = out.resolve() if out.is_symlink() else out
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a folder (--out names the folder for the run's files)")
    ancestor = out.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(ancestor, "is a file, so the output folder cannot be made inside it")
    try:  # the one sure test of writability: make (and remove) a folder there
        os.rmdir(tempfile.mkdtemp(prefix=f".{out.name}.probe.", dir=ancestor))
    except OSError as exc:
        raise InputError(ancestor, f"cannot write here ({exc.strerror})") from None
    return out


def _swap_in(staging: Path, out: Path, names: Sequence[str]) -> None:
    mode = stat.S_IMODE(out.stat().st_mode) if out.is_dir() else 0o777 & ~UMASK
    os.chmod(staging, mode)  # mkdtemp made it 0700
    if not out.exists():
        os.rename(staging, out)
    else:
        _link_tree(out, staging, skip=set(names))
        if not _exchange(staging, out):
            # No RENAME_EXCHANGE (not Linux, or a file system without it): two renames; a
            # kill between them leaves the old run as .previous, restored by the next run.
            previous = staging.with_suffix(".previous")
            os.rename(out, previous)
            os.rename(staging, out)
            os.rename(previous, staging)
    _sync_folder(out.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Hard-link everything in ``source`` (but ``skip``) into ``target``: the review
    database and anything else kept in the run folder survive the swap, as the same files."""
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        dest = target / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), dest)
        elif entry.is_dir():
            dest.mkdir()
            shutil.copystat(entry.path, dest)
            _link_tree(Path(entry.path), dest, skip=set())
        else:
            try:
                os.link(entry.path, dest)
            except OSError:
                shutil.copy2(entry.path, dest)


def remove_stale_runs(out: Path) -> list[Path]:
    """Remove the staging folders of killed runs into ``out`` (their process is gone)."""
    removed = []
    for path in out.parent.glob(f".{_glob_escape(out.name)}.run.*"):
        if path.suffix not in (".partial", ".previous") or not path.is_dir():
            continue
        pid = path.name[len(out.name) + 6 :].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue  # another align check is writing this run right now
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _restore_interrupted(out: Path) -> None:
    """After a kill between the two renames of the fallback swap: put the old run back."""
    if out.exists():
        return
    for previous in out.parent.glob(f".{_glob_escape(out.name)}.run.*.previous"):
        if previous.is_dir():
            os.rename(previous, out)
            return


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
