"""``report.xlsx`` for reviewers who work in Excel (openpyxl, write-only mode).

Sheets: ``pairs`` (every link with its flags), ``flags`` (one row per finding),
``summary`` (counts, timings, model, versions), written row by row as they are made.
Every sheet has a frozen bold header, wrapped text and set column widths; flagged cells
are filled in their severity's colour and the confidence column carries a red-to-green colour scale.
"""
from __future__ import annotations

import itertools
import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.fileio import atomic_path
from align.model import Flag, Link
from align.report.cells import starts_formula
from align.report.highlight import worst_severity

SEVERITY_FILLS = {"error": "F8C9C9", "warning": "FCE3B0", "info": "CFE2F3"}
MAX_COLUMN_WIDTH = 70


def display_width(text: str) -> int:
    """Column width in Excel units: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# confidence: the probability that the link is exactly right; similarity: its score (the cosine curve)
PAIR_COLUMNS = ("link", "zh_ids", "en_ids", "confidence", "similarity", "error risk", "zh", "en", "severity", "flags")
FLAG_COLUMNS = ("id", "link", "unit", "check", "severity", "message", "zh_term", "en_term", "zh_position",
                "en_position", "zh", "en", "evidence")
EXCEL_CELL_LIMIT = 32767  # characters; longer text is cut, as pandas does


def pair_rows(links: Sequence[Link], flags: Sequence[Flag]) -> Iterator[tuple]:
    """The ``pairs`` sheet's rows, one per link, made as they are written."""
    by_link: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        by_link[f.link].append(f)
    for link in links:
        fs = by_link.get(link.index, [])
        yield (link.index, " ".join(map(str, link.zh_ids)), " ".join(map(str, link.en_ids)),
               None if link.confidence is None else round(link.confidence, 4), round(link.score, 4),
               None if link.adequacy is None else round(link.adequacy, 3),
               link.zh, link.en, worst_severity(fs) or "", "\n".join(f"{f.check}: {f.message}" for f in fs))


def flag_columns(flags: Sequence[Flag]) -> tuple[str, ...]:
    """A run of a bilingual file gets a ``unit`` column (the file's unit id, for every flag,
    also those with no span to point at)."""
    if any(f.unit is not None for f in flags):
        return FLAG_COLUMNS
    return tuple(c for c in FLAG_COLUMNS if c != "unit")


def flag_rows(flags: Sequence[Flag], columns: Sequence[str]) -> Iterator[tuple]:
    """The ``flags`` sheet's rows, one per flag, made as they are written."""
    with_unit = "unit" in columns
    for f in flags:
        row = (
            f.id, f.link, f.unit or "", f.check, f.severity, f.message,
            f.zh[slice(*f.zh_span)] if f.zh_span else "",
            f.en[slice(*f.en_span)] if f.en_span else "",
            str(f.zh_file_span) if f.zh_file_span else "",
            str(f.en_file_span) if f.en_file_span else "",
            f.zh, f.en,
            json.dumps(f.evidence, ensure_ascii=False) if f.evidence else "",
        )
        yield row if with_unit else row[:2] + row[3:]


def summary_rows(summary: dict[str, Any]) -> list[tuple]:
    """The nested summary flattened to ``section / item / value`` rows."""
    rows = []
    for section, value in summary.items():
        if isinstance(value, dict):
            for item, inner in value.items():
                if isinstance(inner, dict):  # by_check: one row per check, severities spelled out
                    inner = ", ".join(f"{k} {v}" for k, v in inner.items() if v) or "0"
                rows.append((section, str(item), inner))
        elif isinstance(value, list):
            rows.append((section, "", ", ".join(map(str, value))))
        else:
            rows.append((section, "", value))
    return rows


@dataclass
class Sheet:
    """A sheet to write: its columns, its rows (any iterable: a generator is written as it
    yields, so a large sheet is never all in memory), the cells to fill (``(0-based row,
    column) → severity``) and optionally a column to give a red-to-green colour scale over [0, 1]."""

    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    fills: dict[tuple[int, str], str] = field(default_factory=dict)
    scale_column: str | None = None

    @classmethod
    def of_frame(cls, frame, fills: dict[tuple[int, str], str] | None = None,
                 scale_column: str | None = None) -> Sheet:
        return cls([str(c) for c in frame.columns], frame.itertuples(index=False, name=None), fills or {},
                   scale_column)


def excel_value(value: Any) -> Any:
    """A cell value as pandas' ``to_excel`` would store it: numpy scalars as Python numbers,
    missing as empty, infinities as text, anything else not a number as its text."""
    import numbers

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | str):
        pass
    elif isinstance(value, numbers.Integral):
        return int(value)
    elif isinstance(value, numbers.Real):
        value = float(value)
        return "inf" if value == math.inf else "-inf" if value == -math.inf else ("" if math.isnan(value) else value)
    else:
        value = str(value)
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        value = value[:EXCEL_CELL_LIMIT]
    return value


def column_widths(columns: Sequence[str], head: Sequence[Sequence[Any]]) -> list[float]:
    """Widths from the header and the first rows' content, capped."""
    widths = []
    for i, column in enumerate(columns):
        values = [str(column), *(str(row[i]) for row in head)]
        width = max(display_width(line) for v in values for line in (v.splitlines() or [""]))
        widths.append(min(width + 2, MAX_COLUMN_WIDTH))
    return widths


WIDTH_SAMPLE = 500  # rows read for the column widths before the sheet is written


def write_sheet(book, name: str, sheet: Sheet) -> None:
    """Stream one sheet: frozen bold header, wrapped top-aligned text, widths from content,
    severity fills, colour scale, formula-like text stored as quote-prefixed text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    rows = iter(sheet.rows)
    head = [[excel_value(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
    letters = [get_column_letter(i) for i in range(1, len(sheet.columns) + 1)]
    ws.freeze_panes = "A2"
    for letter, width in zip(letters, column_widths(sheet.columns, head)):
        ws.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin")
    header_font, header_border = Font(bold=True), Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = {severity: PatternFill("solid", start_color=colour, end_color=colour)
             for severity, colour in SEVERITY_FILLS.items()}

    styles: dict[tuple, StyleArray] = {}  # (quoted, header, fill) -> the style a first such cell got

    def cell(value: Any, fill: str | None = None, header: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        quoted = c.data_type == "f" or starts_formula(value)
        if quoted:
            c.data_type = "s"
        key = (quoted, header, fill)
        style = styles.get(key)
        if style is not None:  # setting each style attribute hashes it into the book's tables
            c._style = StyleArray(style)
            return c
        if quoted:
            c.quotePrefix = True
        c.alignment = wrap
        if header:
            c.font, c.border = header_font, header_border
        if fill:
            c.fill = fills[fill]
        styles[key] = StyleArray(c._style)
        return c

    ws.append([cell(str(column), header=True) for column in sheet.columns])
    count = 0
    for values in itertools.chain(head, ([excel_value(v) for v in row] for row in rows)):
        ws.append([cell(value, sheet.fills.get((count, column))) for column, value in zip(sheet.columns, values)])
        count += 1
    if count:
        ws.auto_filter.ref = f"A1:{letters[-1]}{count + 1}"
        if sheet.scale_column:
            letter = letters[list(sheet.columns).index(sheet.scale_column)]
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{count + 1}",
                ColorScaleRule(
                    start_type="num", start_value=0, start_color="F8696B",
                    mid_type="num", mid_value=0.5, mid_color="FFEB84",
                    end_type="num", end_value=1, end_color="63BE7B",
                ),
            )


def write_workbook(path: str | Path, sheets: dict[str, Sheet]) -> None:
    """Write ``{sheet name: Sheet}`` to ``path`` atomically, row by row (openpyxl's
    write-only mode: a row's cells are gone once written)."""
    from openpyxl import Workbook

    with atomic_path(path) as tmp:
        book = Workbook(write_only=True)
        for name, sheet in sheets.items():
            write_sheet(book, name, sheet)
        book.save(tmp)


def pair_fills(links: Sequence[Link], flags: Sequence[Flag]) -> dict[tuple[int, str], str]:
    """Colour the zh/en cells a flag points into, and the severity cell of a flagged link."""
    row_of = {link.index: row for row, link in enumerate(links)}
    by_cell: dict[tuple[int, str], list[Flag]] = defaultdict(list)
    for f in flags:
        row = row_of[f.link]
        by_cell[(row, "severity")].append(f)
        by_cell[(row, "flags")].append(f)
        if f.zh_span:
            by_cell[(row, "zh")].append(f)
        if f.en_span:
            by_cell[(row, "en")].append(f)
    return {cell: worst_severity(fs) for cell, fs in by_cell.items()}


def write_report_xlsx(
    path: str | Path, links: Sequence[Link], flags: Sequence[Flag], summary: dict[str, Any]
) -> None:
    columns = flag_columns(flags)
    severity_cells = {(i, "severity"): f.severity for i, f in enumerate(flags)}
    write_workbook(
        path,
        {
            "pairs": Sheet(PAIR_COLUMNS, pair_rows(links, flags), pair_fills(links, flags), "confidence"),
            "flags": Sheet(columns, flag_rows(flags, columns), severity_cells),
            "summary": Sheet(("section", "item", "value"), summary_rows(summary)),
        },
    )
