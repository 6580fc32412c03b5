"""Progress bars on stderr (rich), silenced by ``--quiet`` or when not on a terminal."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """A thin wrapper so stages can report progress without knowing about rich.

    ``on_stage`` hears the name of every stage as it starts, bar or no bar: a batch worker
    passes it on so the parent can show what each running document is doing.
    """

    def __init__(self, quiet: bool = False, on_stage: Callable[[str], None] | None = None):
        self.quiet = quiet or not sys.stderr.isatty()
        self.on_stage = on_stage
        self._bar = None

    def __enter__(self) -> Progress:
        if not self.quiet:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        if self._bar is None:
            yield from items
            return
        yield from self._bar.track(items, description=description, total=total)

    @contextlib.contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Stage]:
        """A stage whose steps are advanced by the caller (``stage.advance(n)``)."""
        if self.on_stage is not None:
            self.on_stage(description)
        task = self._bar.add_task(description, total=total) if self._bar is not None else None
        stage = Stage(self._bar, task)
        try:
            yield stage
        finally:
            if task is not None and total is not None:
                self._bar.update(task, completed=total)


class Stage:
    def __init__(self, bar, task):
        self._bar, self._task = bar, task

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def total(self, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def describe(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=description)
