"""Two cores for one run: independent work in a forked copy of the process.

Most of a warm ``align check`` is Python on one core (the encoder is the only part that uses
both). Work that reads the run's loaded tables but not the encoder — a group of checks, the
XLSX report — can run in a forked child while the parent does the rest: the child starts
with every lexicon, dictionary and memo the parent has loaded (shared copy-on-write, not
loaded again), and its result comes back pickled through a pipe. What runs where never
changes a result: the caller merges the two halves in the order one process would have
produced them.

The child never touches the encoder, its thread pools or the embedding cache's connection
(a forked copy of those is unsafe). Ctrl-C reaches the child too (same process group) and
ends it silently; the parent's ``KeyboardInterrupt`` (or any error) kills and reaps it on
the way out, and a child whose parent dies is killed by the kernel.
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_JOBS = 2  # the splits are two-way


def usable_jobs(jobs: int | None) -> int:
    """``jobs`` as asked (1 or 2), or for ``None`` two when this process may use two cores."""
    if jobs is None:
        from align.embed.encoders import usable_cores

        return min(MAX_JOBS, usable_cores())
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be 1 or {MAX_JOBS}, not {jobs}")
    return jobs


class _Inline(Generic[T]):
    """``alongside`` with one job: the work runs when its result is asked for."""

    def __init__(self, fn: Callable[[], T]):
        self._fn = fn

    def result(self) -> T:
        return self._fn()

    def close(self) -> None:
        pass


class _Forked(Generic[T]):
    """``fn()`` running in a forked child from construction; ``result()`` waits for it."""

    def __init__(self, fn: Callable[[], T]):
        self._fn = fn
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # nothing buffered before the fork is written twice
        read_end, write_end = os.pipe()
        gc.freeze()  # the child's collector leaves the inherited objects (and their pages) alone
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow it
            os.close(read_end)
            _child(fn, write_end, parent)
        os.close(write_end)
        self._pid: int | None = pid
        self._pipe = os.fdopen(read_end, "rb")

    def result(self) -> T:
        data = self._pipe.read()
        self.close()
        if not data:  # the child died without an answer (killed, out of memory): do it here
            return self._fn()
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child if it still runs, reap it, release what the fork held."""
        if self._pid is None:
            return
        self._pipe.close()
        try:
            if os.waitpid(self._pid, os.WNOHANG) == (0, 0):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass
        self._pid = None
        gc.unfreeze()


def _child(fn: Callable[[], object], write_end: int, parent: int) -> None:  # pragma: no cover - runs in the child
    """Run ``fn`` and send back ``(True, result)`` or ``(False, exception)``; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it, not us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent(parent)
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # not the progress bar's proxies
        try:
            answer = (True, fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            answer, code = (False, exc), 1
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
            data, code = pickle.dumps((False, RuntimeError(f"forked job: {exc}"))), 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(code)  # no atexit handlers, no flushing the parent's buffers, no closing its files


def _die_with_parent(parent: int) -> None:  # pragma: no cover - runs in the child
    """Linux: the kernel kills this child if the parent dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the call took effect
        os._exit(1)


@contextmanager
def alongside(fn: Callable[[], T], enabled: bool = True) -> Iterator[_Forked[T] | _Inline[T]]:
    """``fn()`` computed in a forked child while the ``with`` body runs; ask for it with
    ``.result()`` inside the body. Disabled (one job, or no ``os.fork``), ``fn`` runs at that
    call instead. Leaving the body early (an error, Ctrl-C) kills the child."""
    job: _Forked[T] | _Inline[T] = _Forked(fn) if enabled and hasattr(os, "fork") else _Inline(fn)
    try:
        yield job
    finally:
        job.close()
