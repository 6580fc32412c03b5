"""Spreadsheet cells that cannot run: OWASP's CSV-injection advice.

Text from the documents, reviewers' comments and names reaches ``report.xlsx``,
``corpus.xlsx`` and ``align review export --format csv``. A cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is read by Excel and LibreOffice as a formula
(``=HYPERLINK(…)``, ``@SUM(…)``, DDE ``=cmd|…``). In CSV such a value gets a leading ``'``
(the only escape a CSV has); in XLSX the value is kept exactly and stored as text with
Excel's quote-prefix attribute, so nothing is a formula and nothing visible changes.
"""
from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def starts_formula(value: Any) -> bool:
    """Text a spreadsheet would evaluate (a plain number such as -0.5 is just a number)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV field a spreadsheet shows as text: ``'=1+2`` for ``=1+2``."""
    return "'" + value if starts_formula(value) else value

