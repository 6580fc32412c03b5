"""Bilingual tables: CSV/TSV (the ``csv`` module) and XLSX (openpyxl), one unit per row.

The first row names the columns: a Chinese and an English column (``zh``/``zh-CN``/
``Chinese``/``中文``, ``en``/``en-US``/``English``/``英文``; or ``source``/``target``, the
language then told by the text), and optionally an id column (``id``, ``unit``, ``key``,
``segment``, ``no``). Without an id column the unit id is the row number. For XLSX the
text the offsets index is the first sheet rendered one row per line, cells tab-separated,
so a flag's line is its row.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from align.errors import InputError
from align.formats.spans import MappedText, line_offsets, verbatim, whole
from align.formats.units import BilingualFile, Unit, lang_side
from align.text.ingest import decode_bytes, script_counts

ID_HEADERS = {"id", "unit", "unit id", "key", "segment", "segment id", "seg", "no", "no.", "#", "tuid"}
_ZH_HEADER = re.compile(r"chinese|中文|汉语|漢語|简体|繁體", re.I)
_EN_HEADER = re.compile(r"english|英文|英语|英語", re.I)


def read_csv(path: str | Path, data: bytes) -> BilingualFile:
    text, _ = decode_bytes(data, path)
    body = text[1:] if text.startswith("\ufeff") else text
    shift = len(text) - len(body)
    delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else _sniff(body)
    starts = line_offsets(body)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    rows = []
    try:
        line = 1
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV file ({exc})", line=reader.line_num) from None
    placed = []
    for line, row in rows:
        row_start = starts[line - 1] if line - 1 < len(starts) else len(body)
        cursor, cells = row_start, []
        for value in row:
            mapped, cursor = _place(body, value, cursor, shift)
            cells.append(mapped)
        placed.append((line, row, cells))
    return _units(str(path), "csv", text, placed)


def _sniff(body: str) -> str:
    first = body.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def _place(body: str, value: str, cursor: int, shift: int) -> tuple[MappedText, int]:
    """Where a cell's value stands in the CSV text: verbatim, or quoted with ``""`` escapes."""
    at = body.find(value, cursor) if value else -1
    if at >= 0 and '"' not in value:
        return verbatim(value, at + shift), at + len(value)
    escaped = value.replace('"', '""')
    at = body.find(escaped, cursor) if value else -1
    if at < 0:
        return whole(value, cursor + shift, cursor + shift), cursor
    spans, i = [], at
    for ch in value:
        width = 2 if ch == '"' else 1
        spans.append((i + shift, i + width + shift))
        i += width
    return MappedText(value, tuple(spans)), i


def read_xlsx(path: str | Path, data: bytes) -> BilingualFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(path, f"not a readable .xlsx file ({exc})") from None
    sheet = book.worksheets[0]
    lines, placed, offset = [], [], 0
    for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
        row = ["" if v is None else re.sub(r"[\t\r\n]", " ", str(v)) for v in values]
        cells = []
        for value in row:
            cells.append(verbatim(value, offset))
            offset += len(value) + 1
        lines.append("\t".join(row))
        placed.append((line, row, cells))
    book.close()
    return _units(str(path), "xlsx", "\n".join(lines) + "\n", placed)


def _units(path: str, fmt: str, original: str, rows: list[tuple[int, list[str], list[MappedText]]]) -> BilingualFile:
    if not rows:
        raise InputError(path, "empty table (no header row)")
    header_line, header, _ = rows[0]
    columns = _columns(path, header, rows[1:])
    id_col, zh_col, en_col = columns["id"], columns["zh"], columns["en"]
    source_side = "zh" if zh_col < en_col else "en"
    tags = (header[zh_col].strip(), header[en_col].strip())
    bf = BilingualFile(path, fmt, original, source_side, languages=tags if source_side == "zh" else tags[::-1])
    for line, row, cells in rows[1:]:
        if not any(v.strip() for v in row):
            continue
        uid = row[id_col].strip() if id_col is not None and id_col < len(row) and row[id_col].strip() else str(line)
        zh = cells[zh_col].normalised() if zh_col < len(cells) else MappedText("", ())
        en = cells[en_col].normalised() if en_col < len(cells) else MappedText("", ())
        source, target = (zh, en) if source_side == "zh" else (en, zh)
        if not source.text:
            bf.skip(uid, "no source text")
        elif not target.text:
            bf.skip(uid, "empty target")
        else:
            bf.units.append(Unit(uid, zh, en, line))
    return bf


def _columns(path: str, header: list[str], rows) -> dict[str, int | None]:
    """Column numbers of the id, zh and en columns, named by the header row."""
    found: dict[str, int | None] = {"id": None}
    generic = []
    for number, name in enumerate(header):
        key = name.strip().lower()
        side = lang_side(key) or ("zh" if _ZH_HEADER.search(key) else "en" if _EN_HEADER.search(key) else None)
        if key in ID_HEADERS and found["id"] is None:
            found["id"] = number
        elif side and side not in found:
            found[side] = number
        elif key in ("source", "target", "source text", "target text", "原文", "译文"):
            generic.append(number)
    for number in generic:
        zh = en = 0
        for _, row, _ in rows:
            if number < len(row):
                a, b = script_counts(row[number])
                zh, en = zh + a, en + b
        side = "zh" if zh > en * 1.5 else "en"
        found.setdefault(side, number)
    if "zh" not in found or "en" not in found:
        names = ", ".join(repr(h) for h in header) or "none"
        raise InputError(path, f"no Chinese and English columns in the header row ({names}); name them zh and en",
                         line=1)
    return found
