"""``report.xlsx`` for reviewers who work in Excel (pandas + openpyxl).

Sheets: ``pairs`` (every link with its flags), ``flags`` (one row per finding),
``summary`` (counts, timings, model, versions). Every sheet has a frozen bold header,
wrapped text and set column widths; flagged cells are filled in their severity's colour
and the confidence column carries a red-to-green colour scale.
"""
from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.fileio import atomic_path
from align.model import Flag, Link
from align.report.cells import protect_sheet
from align.report.highlight import worst_severity

SEVERITY_FILLS = {"error": "F8C9C9", "warning": "FCE3B0", "info": "CFE2F3"}
MAX_COLUMN_WIDTH = 70


def display_width(text: str) -> int:
    """Column width in Excel units: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pairs_frame(links: Sequence[Link], flags: Sequence[Flag]):
    import pandas as pd

    by_link: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        by_link[f.link].append(f)
    return pd.DataFrame(
        [
            {
                "link": link.index,
                "zh_ids": " ".join(map(str, link.zh_ids)),
                "en_ids": " ".join(map(str, link.en_ids)),
                "confidence": round(link.score, 4),
                "error risk": None if link.adequacy is None else round(link.adequacy, 3),
                "zh": link.zh,
                "en": link.en,
                "severity": worst_severity(by_link[link.index]) or "",
                "flags": "\n".join(f"{f.check}: {f.message}" for f in by_link[link.index]),
            }
            for link in links
        ],
        columns=["link", "zh_ids", "en_ids", "confidence", "error risk", "zh", "en", "severity", "flags"],
    )


def flags_frame(flags: Sequence[Flag]):
    """One row per flag; a run of a bilingual file gets a ``unit`` column (the file's unit
    id, for every flag, also those with no span to point at)."""
    import pandas as pd

    units = ["unit"] if any(f.unit is not None for f in flags) else []
    return pd.DataFrame(
        [
            {
                "id": f.id,
                "link": f.link,
                "unit": f.unit or "",
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
                "zh_term": f.zh[slice(*f.zh_span)] if f.zh_span else "",
                "en_term": f.en[slice(*f.en_span)] if f.en_span else "",
                "zh_position": str(f.zh_file_span) if f.zh_file_span else "",
                "en_position": str(f.en_file_span) if f.en_file_span else "",
                "zh": f.zh,
                "en": f.en,
                "evidence": json.dumps(f.evidence, ensure_ascii=False) if f.evidence else "",
            }
            for f in flags
        ],
        columns=["id", "link", *units, "check", "severity", "message", "zh_term", "en_term", "zh_position",
                 "en_position", "zh", "en", "evidence"],
    )


def summary_frame(summary: dict[str, Any]):
    """The nested summary flattened to ``section / item / value`` rows."""
    import pandas as pd

    rows = []
    for section, value in summary.items():
        if isinstance(value, dict):
            for item, inner in value.items():
                if isinstance(inner, dict):  # by_check: one row per check, severities spelled out
                    inner = ", ".join(f"{k} {v}" for k, v in inner.items() if v) or "0"
                rows.append({"section": section, "item": str(item), "value": inner})
        elif isinstance(value, list):
            rows.append({"section": section, "item": "", "value": ", ".join(map(str, value))})
        else:
            rows.append({"section": section, "item": "", "value": value})
    return pd.DataFrame(rows, columns=["section", "item", "value"])


@dataclass
class Sheet:
    """A sheet to write: its data, the cells to fill (``(0-based row, column) → severity``)
    and optionally a column to give a red-to-green colour scale over [0, 1]."""

    frame: Any
    fills: dict[tuple[int, str], str] = field(default_factory=dict)
    scale_column: str | None = None


def style_sheet(ws, sheet: Sheet) -> None:
    """Frozen bold header, wrapped top-aligned text, widths from content, fills, scale."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = sheet.frame
    ws.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for cell in ws[1]:
        cell.font = Font(bold=True)
    letters = {name: get_column_letter(i) for i, name in enumerate(frame.columns, start=1)}
    for column, letter in letters.items():
        values = [str(column), *(str(v) for v in frame[column].head(500))]
        width = max(display_width(line) for v in values for line in (v.splitlines() or [""]))
        ws.column_dimensions[letter].width = min(width + 2, MAX_COLUMN_WIDTH)
    for (row, column), severity in sheet.fills.items():
        colour = SEVERITY_FILLS[severity]
        ws[f"{letters[column]}{row + 2}"].fill = PatternFill("solid", start_color=colour, end_color=colour)
    if len(frame):
        ws.auto_filter.ref = ws.dimensions
        if sheet.scale_column:
            letter = letters[sheet.scale_column]
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{len(frame) + 1}",
                ColorScaleRule(
                    start_type="num", start_value=0, start_color="F8696B",
                    mid_type="num", mid_value=0.5, mid_color="FFEB84",
                    end_type="num", end_value=1, end_color="63BE7B",
                ),
            )


def write_workbook(path: str | Path, sheets: dict[str, Sheet]) -> None:
    """Write ``{sheet name: Sheet}`` to ``path`` atomically, each sheet styled."""
    import pandas as pd

    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, sheet in sheets.items():
                sheet.frame.to_excel(writer, sheet_name=name, index=False)
                protect_sheet(writer.sheets[name])
                style_sheet(writer.sheets[name], sheet)


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
    write_workbook(
        path,
        {
            "pairs": Sheet(pairs_frame(links, flags), pair_fills(links, flags), "confidence"),
            "flags": Sheet(flags_frame(flags), {(i, "severity"): f.severity for i, f in enumerate(flags)}),
            "summary": Sheet(summary_frame(summary)),
        },
    )
