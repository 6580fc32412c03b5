"""Text of a PDF, read with pdfplumber (pdfminer.six), ready for the wrap repair.

Each page's text lines are taken in reading order; a vertical gap wider than the page's
usual line pitch becomes a blank line (a paragraph gap), pages are separated by a form feed
on its own line (so ``text.count("\\f", 0, offset) + 1`` is the page of an offset), and the
running headers and footers are dropped: a line at the top or bottom of pages that repeats
(digits aside) on at least half of them, and a lone page number there. What is left goes
through the same wrap/paragraph repair (``align.text.clean``) as a ``.txt`` extraction.
"""
from __future__ import annotations

import io
import math
import re
from collections import Counter
from pathlib import Path

from align.errors import InputError

PAGE_BREAK = "\n\f\n"
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a header/footer
PARAGRAPH_GAP = 1.5  # a gap this many line pitches wide is a paragraph break
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?$|^第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?$",
    re.I,
)


def read_pdf(path: str | Path, data: bytes) -> str:
    """The text of a PDF (see the module docstring); refuses an encrypted or image-only PDF."""
    pages = _page_lines(path, data)
    if not any(pages):
        raise InputError(path, "PDF has no text layer (scanned or image-only?); run OCR on it first")
    running = _running_lines(pages)
    texts = []
    for lines in pages:
        kept = [line for number, line in enumerate(lines) if not _dropped(number, line, lines, running)]
        texts.append(_with_gaps(kept))
    return PAGE_BREAK.join(texts)


def page_of(text: str, offset: int) -> int:
    """1-based page of ``offset`` in a text made by :func:`read_pdf`."""
    return text.count("\f", 0, offset) + 1


def _page_lines(path: str | Path, data: bytes) -> list[list[dict]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text_lines(strip=True, return_chars=False) for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(path, "encrypted PDF (password-protected): save an unprotected copy") from None
    except PDFSyntaxError as exc:
        raise InputError(path, f"not a readable PDF ({exc})") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own exception
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(exc).lower():
            raise InputError(path, "encrypted PDF (password-protected): save an unprotected copy") from None
        raise InputError(path, f"not a readable PDF ({type(cause).__name__}: {cause})") from None


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).casefold()


def _running_lines(pages: list[list[dict]]) -> set[tuple[str, str]]:
    """(``top``/``bottom``, key) of the lines that repeat at a page edge on at least half the
    pages (and on two pages at least)."""
    counts: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        edges = {("top", _key(line["text"])) for line in lines[:EDGE_LINES]}
        edges |= {("bottom", _key(line["text"])) for line in lines[-EDGE_LINES:]}
        counts.update(edges)
    needed = max(2, math.ceil(len(pages) / 2))
    return {edge for edge, n in counts.items() if n >= needed}


def _dropped(number: int, line: dict, lines: list[dict], running: set[tuple[str, str]]) -> bool:
    at_top, at_bottom = number < EDGE_LINES, number >= len(lines) - EDGE_LINES
    if not (at_top or at_bottom):
        return False
    key = _key(line["text"])
    if (at_top and ("top", key) in running) or (at_bottom and ("bottom", key) in running):
        return True
    return bool(_PAGE_NUMBER.match(line["text"].strip()))


def _with_gaps(lines: list[dict]) -> str:
    """The page's lines, one per text line, with a blank line at each paragraph gap."""
    if not lines:
        return ""
    pitches = [b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"]]
    pitch = sorted(pitches)[len(pitches) // 5] if pitches else 0.0  # the pitch inside a paragraph
    out = [lines[0]["text"]]
    for a, b in zip(lines, lines[1:]):
        if pitch and b["top"] - a["top"] > PARAGRAPH_GAP * pitch:
            out.append("")
        out.append(b["text"])
    return "\n".join(out)
