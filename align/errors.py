"""Errors a user can act on.

The CLI prints an ``AlignError`` as one line (``align: error: <message>``) and exits 2;
the message must name the file (and line, where there is one) and the problem.
"""
from __future__ import annotations

from pathlib import Path


class AlignError(Exception):
    """Bad input or an impossible request: shown as one line, exit code 2."""


class InputError(AlignError):
    """A file that cannot be used, with the file (and line) named in the message."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")
