"""``WordList``: the words of one side of a link, packed. Its own module so that both
sides' word makers (``align.wordalign.aligner`` for Chinese, ``align.wordalign.english``)
import it directly."""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import lru_cache


class WordList(Sequence):
    """The words of one side of a link, kept compact: their offsets in one integer array and,
    per word, a reference to one record shared by every occurrence of the same word (its text
    and match keys); a word object (``ZhWord``/``EnWord``) is built only when asked for. A
    run holds every link's words from the word-align stage to the end of the checks, so this
    is what a long document's memory grows with."""

    __slots__ = ("_kind", "_spans", "_records")

    def __init__(self, kind: type, spans: Iterable[int], records: Iterable[tuple]) -> None:
        self._kind = kind
        self._spans = array("i", spans)  # start, end of word 0, start, end of word 1, …
        self._records = tuple(records)  # the word's other fields, in the kind's order

    @classmethod
    def of(cls, kind: type, words: Iterable) -> WordList:
        """A list of ready-made word objects, packed."""
        words = list(words)
        names = _record_fields(kind)
        return cls(kind, [x for w in words for x in (w.start, w.end)],
                   [tuple(getattr(w, name) for name in names) for w in words])

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self):
        kind, spans = self._kind, self._spans
        for i, record in enumerate(self._records):
            yield kind(spans[2 * i], spans[2 * i + 1], *record)

    def column(self, name: str) -> list:
        """One field of every word (``text``, ``keys``, ``content``…), read off the shared
        records without building the word objects: for loops that read one field of every
        word of every link."""
        if name in ("start", "end"):
            return self._spans[name == "end"::2].tolist()
        at = _record_fields(self._kind).index(name)
        return [record[at] for record in self._records]

    def __getitem__(self, i):
        if isinstance(i, slice):
            kind, spans, records = self._kind, self._spans, self._records
            return [kind(spans[2 * k], spans[2 * k + 1], *records[k]) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._kind(self._spans[2 * i], self._spans[2 * i + 1], *self._records[i])


@lru_cache(maxsize=8)
def _record_fields(kind: type) -> tuple[str, ...]:
    """The names of a word kind's fields after its offsets: a record's layout."""
    return tuple(f.name for f in fields(kind))[2:]
