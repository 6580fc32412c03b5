"""Gettext PO, read with translate-toolkit's ``pypo``.

translate-toolkit gives the entries (header, context, fuzzy and obsolete state, line);
each entry's quoted ``msgid``/``msgstr`` strings are then read from its lines with every
unescaped character mapped back into the file. The unit id is the entry's ``msgctxt``,
else the line of its ``msgid``. PO does not say which language ``msgid`` is in: the
header's ``Language`` names the target, and the source is the other of zh/en (without a
header, the script of the text decides).
"""
from __future__ import annotations

import re
from pathlib import Path

from align.errors import InputError
from align.formats.spans import MappedText, line_offsets, whole
from align.formats.units import BilingualFile, Unit, lang_side
from align.text.ingest import decode_bytes, script_counts

_KEYWORD = re.compile(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\])\s*(?=")')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def read_po(path: str | Path, data: bytes) -> BilingualFile:
    from translate.storage import pypo

    text, _ = decode_bytes(data, path)
    try:
        store = pypo.pofile(data)
    except Exception as exc:  # translate-toolkit raises ValueError and its own parse errors
        raise InputError(path, f"not a readable PO file ({exc})") from None
    entries = [u for u in store.units if not u.isheader() and not u.isobsolete()]
    if not entries:
        raise InputError(path, "no PO entries (msgid/msgstr)")
    header = store.parseheader() if store.units and store.units[0].isheader() else {}
    target_tag = header.get("Language") or store.gettargetlanguage()
    source_tag = header.get("X-Source-Language")
    target_side = lang_side(target_tag)
    source_side = lang_side(source_tag) or ({"zh": "en", "en": "zh"}.get(target_side or "") or _script_side(entries))
    if target_tag and target_side is None or target_side == source_side:
        raise InputError(path, f"languages {source_tag or '?'} → {target_tag}: align checks Chinese↔English files only")
    target_tag = target_tag or ("en" if source_side == "zh" else "zh")
    bf = BilingualFile(str(path), "po", text, source_side, languages=(source_tag or source_side, target_tag))
    starts = line_offsets(text)
    for entry in entries:
        strings, msgid_line = _entry_strings(text, starts, entry.line_number)
        uid = entry.getcontext() or str(msgid_line or entry.line_number)
        source = _checked(strings.get("msgid"), str(entry.source), text, starts, entry.line_number)
        target_text = str(entry.target or "")
        msgstr = strings.get("msgstr") or strings.get("msgstr[0]")
        target = _checked(msgstr, target_text, text, starts, entry.line_number)
        if not source.text:
            bf.skip(uid, "no source text")
        elif not target.text:
            bf.skip(uid, "untranslated (empty msgstr)")
        else:
            zh, en = (source, target) if source_side == "zh" else (target, source)
            bf.units.append(Unit(uid, zh, en, msgid_line or entry.line_number))
    return bf


def _script_side(entries) -> str:
    zh, en = 0, 0
    for entry in entries:
        a, b = script_counts(str(entry.source))
        zh, en = zh + a, en + b
    return "zh" if zh > en * 1.5 else "en"


def _entry_strings(text: str, starts: list[int], line: int) -> tuple[dict[str, MappedText], int | None]:
    """The quoted strings of the entry starting at 1-based ``line``, by keyword, and the line
    of its ``msgid``."""
    strings: dict[str, MappedText] = {}
    keyword, msgid_line = None, None
    for number in range(line, len(starts) + 1):
        start = starts[number - 1]
        end = starts[number] - 1 if number < len(starts) else len(text)
        row = text[start:end].rstrip("\r")
        stripped = row.lstrip()
        indent = start + len(row) - len(stripped)
        m = _KEYWORD.match(stripped)
        if m:
            if m.group(1) in strings:
                break  # the next entry
            keyword = m.group(1)
            if keyword == "msgid":
                msgid_line = number
            strings[keyword] = MappedText("", ())
            rest, at = stripped[m.end():], indent + m.end()
        elif stripped.startswith('"') and keyword:
            rest, at = stripped, indent
        elif keyword and (not stripped or stripped.startswith("#")):
            break
        else:
            continue
        quoted = _QUOTED.match(rest)
        if quoted and keyword:
            piece = _unescape(quoted.group(1), at + 1)
            prev = strings[keyword]
            strings[keyword] = MappedText(prev.text + piece.text, prev.spans + piece.spans)
    return strings, msgid_line


def _unescape(raw: str, offset: int) -> MappedText:
    chars, spans, i = [], [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            chars.append(_ESCAPES.get(raw[i + 1], raw[i + 1]))
            spans.append((offset + i, offset + i + 2))
            i += 2
        else:
            chars.append(raw[i])
            spans.append((offset + i, offset + i + 1))
            i += 1
    return MappedText("".join(chars), tuple(spans))


def _checked(mapped: MappedText | None, expected: str, text: str, starts: list[int], line: int) -> MappedText:
    """The mapped string when it reads as translate-toolkit read it; otherwise the text
    placed on the entry's first line."""
    if mapped is not None and mapped.text == expected:
        return mapped.normalised()
    at = starts[line - 1]
    return whole(expected, at, at).normalised()
