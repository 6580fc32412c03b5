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


class WrongLanguageError(InputError):
    """A file mostly in the other language: usually the two files given in the wrong order.

    ``option`` names the command-line option that sets the language (``--lang`` for
    ``align segment``); commands that take a ZH and an EN file have none, so the hint is
    the file order.
    """

    def __init__(self, path: str | Path, lang: str, share: float, option: str | None = None):
        names = {"zh": "Chinese", "en": "English"}
        other = "en" if lang == "zh" else "zh"
        self.lang, self.share = lang, share
        if option:
            problem = (f"passed as {names[lang]} ({option} {lang}) but the text is mostly "
                       f"{names[other]} ({share:.0%}); check {option}")
        else:
            problem = (f"passed as the {names[lang]} file but the text is mostly {names[other]} "
                       f"({share:.0%}); are the Chinese and English files swapped?")
        super().__init__(path, problem)
