"""Read a user's file into text: decode, refuse what is not usable text, check the language.

This is the edge of the pipeline where bad input is caught, so every refusal is an
``InputError`` naming the file and the problem (the CLI turns it into one line, exit 2).
The decoded text returned here is the *original* that segment offsets index; nothing in
it is altered (cleaning happens in ``align.text.clean`` with a map back to these offsets).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from pathlib import Path

from align.errors import InputError, WrongLanguageError

# Encodings we accept. Restricting the detector to these makes an undecodable file an
# error instead of a silent guess at some Windows code page that yields garbage.
ACCEPTED_ENCODINGS = ("utf_8", "utf_16", "utf_32", "gb18030", "big5", "big5hkscs")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses text.
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# One Latin word carries about as much text as this many Chinese characters.
_CHARS_PER_WORD = 1.5
LANG_NAMES = {"zh": "Chinese", "en": "English"}


def read_text(path: str | Path) -> tuple[str, str]:
    """Return ``(decoded text, encoding name)`` of a ``.txt``/``.md``/``.docx``/``.pdf`` file
    (the text of a PDF as ``align.text.pdf`` extracts it, pages separated by form feeds)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".docx":
        text, encoding = _read_docx(path, data), "docx"
    elif path.suffix.lower() == ".pdf":
        from align.text.pdf import read_pdf

        text, encoding = read_pdf(path, data), "pdf"
    else:
        text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise InputError(path, "file is empty (no text to segment)")
    return text, encoding


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8/16/32 (BOM or not), GB18030/GBK or Big5."""
    if not data.strip():
        raise InputError(path, "file is empty (no text to segment)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_refuse(data, encoding, path), encoding
    if b"\x00" in data:
        return _bomless_utf16(data, path)
    try:
        text = data.decode("utf_8")
        encoding = "utf_8"
    except UnicodeDecodeError:
        text, encoding = _detect(data, path)
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise InputError(path, "looks like a binary file (many control characters), not text")
    return text, encoding


def _bomless_utf16(data: bytes, path: str | Path) -> tuple[str, str]:
    """NUL bytes: UTF-16 without a BOM if one byte order gives clean text, else binary."""
    for encoding in ("utf_16_le", "utf_16_be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_share(text) >= 0.98:
            return text, encoding
    raise InputError(path, "looks like a binary file (contains NUL bytes), not text")


def _plausible_share(text: str) -> float:
    """Share of characters a text file would contain (printable, assigned, not private)."""
    ok = sum(
        (c.isprintable() or c in "\n\r\t") and unicodedata.category(c) not in ("Co", "Cn", "Cs")
        for c in text
    )
    return ok / max(1, len(text))


def _detect(data: bytes, path: str | Path) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(ACCEPTED_ENCODINGS) + ["gbk", "gb2312"]).best()
    if best is None:
        raise InputError(
            path, "cannot decode: not UTF-8, UTF-16, GB18030/GBK or Big5 text (save it as UTF-8)"
        )
    encoding = _ENCODING_ALIASES.get(best.encoding, best.encoding)
    return _decode_or_refuse(data, encoding, path), encoding


def _decode_or_refuse(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot decode as {encoding} at byte {exc.start}") from None


def _read_docx(path: Path, data: bytes) -> str:
    """A Word file's text in document order, one paragraph per line: body paragraphs, each
    table cell's paragraphs (row by row; a merged cell once; nested tables inside), and the
    paragraphs of text boxes after the paragraph that anchors them. Headers, footers and
    comments are not read."""
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(path, f"not a readable .docx file ({exc})") from None
    lines: list[str] = []
    _docx_blocks(document.element.body, lines)
    return "\n".join(lines)


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_blocks(container, lines: list[str]) -> None:
    from docx.oxml.ns import qn

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_docx_paragraph_text(child))
            for box in child.iter(qn("w:txbxContent")):
                if not any(a.tag == _MC_FALLBACK for a in box.iterancestors()):  # VML copy of a drawing
                    _docx_blocks(box, lines)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                for cell in row.iterchildren(qn("w:tc")):
                    merged = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    if merged is not None and merged.get(qn("w:val")) in (None, "continue"):
                        continue  # the continuation of a vertically merged cell: its text is above
                    _docx_blocks(cell, lines)
        elif child.tag == qn("w:sdt"):  # content controls wrap paragraphs and tables
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _docx_blocks(content, lines)


def _in_text_box(node, p) -> bool:
    """True when ``node`` sits in a text box inside paragraph ``p`` (not in ``p`` itself)."""
    from docx.oxml.ns import qn

    for ancestor in node.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag == qn("w:txbxContent"):
            return True
    return False


def _docx_paragraph_text(p) -> str:
    """The paragraph's own text (runs, hyperlinks, tabs, breaks), not its text boxes'."""
    from docx.oxml.ns import qn

    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if _in_text_box(node, p):
            continue
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == qn("w:tab") else " ")
    return "".join(parts)


def script_counts(text: str) -> tuple[int, int]:
    """(Chinese ideographs, Latin words) in ``text``."""
    return len(_CJK_IDEOGRAPH.findall(text)), len(_LATIN_WORD.findall(text))


def check_language(text: str, lang: str, path: str | Path) -> None:
    """Refuse a file whose text is mostly in the other language (or has none of ``lang``).

    Chinese characters and Latin words are weighed as text units; a file passed as
    ``zh`` must be at least half Chinese, a file passed as ``en`` at least half Latin.
    """
    if lang not in LANG_NAMES:
        raise InputError(path, f"unknown language {lang!r} (use zh or en)")
    zh_chars, en_words = script_counts(text)
    zh_units, en_units = zh_chars, en_words * _CHARS_PER_WORD
    total = zh_units + en_units
    if total == 0:
        raise InputError(path, f"contains no {LANG_NAMES[lang]} text (no letters at all)")
    share = (zh_units if lang == "zh" else en_units) / total
    if share < 0.5:
        raise WrongLanguageError(path, lang, 1 - share)
