"""Text with a map back to the file: what a bilingual reader hands the checks.

A unit's text in an XLIFF, TMX or PO file is not a slice of the file: inline tags sit
inside it, entities and escapes stand for single characters, pretty-printing adds
line breaks. ``MappedText`` keeps, for every character the checks see, the
``[start, end)`` of the file text it came from, so a flag's span maps back to the file
(``Segment.chars``) like a cleaned sentence's does.
"""
from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass

from align.model import CharMap, Span

_XML_TOKEN = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|<!--.*?-->|<\?.*?\?>"
    r"|<(?P<close>/)?(?P<name>[^\s/>]+)[^>]*?(?P<empty>/)?>"
    r"|&(?P<entity>#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*);",
    re.DOTALL,
)
_XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass(frozen=True)
class MappedText:
    """``text`` and, per character, its ``[start, end)`` in the file text."""

    text: str
    spans: tuple[Span, ...]

    def normalised(self) -> MappedText:
        """Whitespace runs as one space, ends trimmed (XML's default whitespace handling);
        the space stands for the whole run it replaced."""
        out, spans = [], []
        for ch, span in zip(self.text, self.spans):
            if ch.isspace():
                if out and out[-1] == " ":
                    spans[-1] = (spans[-1][0], span[1])
                    continue
                ch = " "
            out.append(ch)
            spans.append(span)
        while out and out[0] == " ":
            out.pop(0)
            spans.pop(0)
        while out and out[-1] == " ":
            out.pop()
            spans.pop()
        return MappedText("".join(out), tuple(spans))

    def charmap(self) -> CharMap:
        return CharMap.from_spans(self.spans)

    @property
    def start(self) -> int:
        return self.spans[0][0] if self.spans else 0

    @property
    def end(self) -> int:
        return self.spans[-1][1] if self.spans else 0


def verbatim(text: str, start: int) -> MappedText:
    """``text`` standing as is at ``start`` in the file."""
    return MappedText(text, tuple((start + i, start + i + 1) for i in range(len(text))))


def whole(text: str, start: int, end: int) -> MappedText:
    """``text`` whose characters cannot be placed one by one: each maps to the whole
    ``[start, end)`` it came from (used when the file's markup is not what was expected)."""
    return MappedText(text, tuple((start, end) for _ in text))


def xml_inner_text(raw: str, offset: int, skip: frozenset[str]) -> MappedText:
    """The character data of an element's raw inner markup ``raw`` (found at ``offset`` in
    the file): tags dropped, the contents of ``skip`` elements (native codes such as
    ``<ph>``/``<bpt>``) dropped, entities and CDATA decoded, each character mapped back."""
    chars: list[str] = []
    spans: list[Span] = []
    skipping = 0
    position = 0

    def plain(upto: int) -> None:
        if not skipping:
            for i in range(position, upto):
                chars.append(raw[i])
                spans.append((offset + i, offset + i + 1))

    for m in _XML_TOKEN.finditer(raw):
        plain(m.start())
        position = m.end()
        if m.group("name") is not None:
            local = m.group("name").rsplit(":", 1)[-1]
            if local in skip and not m.group("empty"):
                skipping += -1 if m.group("close") else 1
                skipping = max(skipping, 0)
        elif m.group("cdata") is not None and not skipping:
            first = m.start("cdata")
            for i, ch in enumerate(m.group("cdata")):
                chars.append(ch)
                spans.append((offset + first + i, offset + first + i + 1))
        elif m.group("entity") is not None and not skipping:
            chars.append(_entity(m.group("entity")))
            spans.append((offset + m.start(), offset + m.end()))
    plain(len(raw))
    return MappedText("".join(chars), tuple(spans))


def _entity(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _XML_ENTITIES.get(name) or html.entities.html5.get(name + ";", f"&{name};")


def line_offsets(text: str) -> list[int]:
    """Offset of the start of each (1-based: index 0 is line 1) line of ``text``."""
    return [0] + [m.end() for m in re.finditer("\n", text)]
