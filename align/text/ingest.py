"""Read a user's file into text: decode, refuse what is not usable text, check the language.

This is the edge of the pipeline where bad input is caught, so every refusal is an
``InputError`` naming the file and the problem (the CLI turns it into one line, exit 2).
The decoded text returned here is the *original* that segment offsets index; nothing in
it is altered (cleaning happens in ``align.text.clean`` with a map back to these offsets).
"""
from __future__ import annotations

import codecs
import contextlib
import functools
import re
import unicodedata
import zipfile
from pathlib import Path

from align.errors import InputError, WrongLanguageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af]")
# full-width kana only: half-width katakana is what GBK bytes become when read as Shift_JIS
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff]")
_MIN_FOREIGN = 5  # characters: a name or two in another script is not a language
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
    refuse_control_characters(text, path)
    return text, encoding


def refuse_control_characters(text: str, path: str | Path) -> None:
    """A stray control character (U+0001, NUL…) is not text: no output format may carry
    it (XML and XLSX forbid it), so it is refused here, at its line and column."""
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise InputError(path, f"control character U+{ord(m.group()):04X} at column {column} "
                         "is not text (remove it)", line=line)


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
    """Not UTF-8: GB18030 (GBK, GB2312) or Big5, whichever reads as Chinese.

    Nearly any byte string decodes as GB18030 and much of GBK text also decodes as Big5,
    so a clean decode proves nothing: each decode is scored by the share of its characters
    that are common Chinese ones (GB2312 level 1, Big5 frequent). GB18030 wins unless Big5
    reads clearly better; a best reading that is still mostly rare characters is refused.
    Korean (EUC-KR) and Japanese (Shift_JIS, EUC-JP) are recognised and refused by name.
    """
    readings = {}
    for encoding in LEGACY_ENCODINGS:
        with contextlib.suppress(UnicodeDecodeError):
            readings[encoding] = data.decode(encoding)
    _refuse_korean_or_japanese(data, readings.get("gb18030"), path)
    if not readings:
        raise InputError(
            path, "cannot decode: not UTF-8, UTF-16, GB18030/GBK or Big5 text (save it as UTF-8)"
        )
    shares = {encoding: common_han_share(text) for encoding, text in readings.items()}
    best = max(readings, key=lambda e: shares[e][0] - (0 if e == "gb18030" else BIG5_MARGIN))
    share, count = shares[best]
    if count >= MIN_EVIDENCE and share < MIN_COMMON_SHARE:
        raise InputError(
            path, f"cannot decode: read as {best} it is mostly rare characters "
            f"(only {share:.0%} common Chinese), so it is not GB18030 or Big5 text (save it as UTF-8)"
        )
    return readings[best], best


# GB2312 and GBK are subsets of GB18030, so decoding with the superset never loses text;
# nothing else is tried, so a file in a Windows code page is refused rather than misread.
LEGACY_ENCODINGS = ("gb18030", "big5", "big5hkscs")
# Big5 must read this much better than GB18030 to win: a short GBK text such as
# （来源：科技部） also decodes as Big5 (ㄗ懂埭ㄩ褪撮窒ㄘ), with fewer common characters.
BIG5_MARGIN = 0.1
# A real Chinese text in its own encoding has almost only common characters (seed and
# Bible: 100 %); the wrong one of GB18030/Big5 gives about a third.
MIN_COMMON_SHARE = 0.6
MIN_EVIDENCE = 20  # characters; fewer say too little to refuse a file


def common_han_share(text: str) -> tuple[float, int]:
    """(share of common Chinese characters among the non-ASCII letters of ``text``, how
    many such letters there are); punctuation and full-width forms are not counted."""
    common = _common_han()
    letters = [c for c in text if ord(c) > 0x7F and _is_letter_like(c)]
    if not letters:
        return 1.0, 0
    return sum(c in common for c in letters) / len(letters), len(letters)


def _is_letter_like(char: str) -> bool:
    """Not punctuation, space or symbol, nor a full-width form (，（）０-９): what a wrong
    decode turns into rare characters, private-use characters and bopomofo."""
    return not 0xFF00 <= ord(char) <= 0xFFEF and unicodedata.category(char)[0] not in "PZS"


@functools.lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """GB2312 level 1 (3,755 characters, simplified) and Big5's frequent characters
    (5,401, traditional): together what ordinary Chinese text is made of."""
    pairs = [("gb2312", lead, trail) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)]
    pairs += [("big5", lead, trail) for lead in range(0xA4, 0xC7)
              for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF))]
    chars = set()
    for encoding, lead, trail in pairs:
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(bytes((lead, trail)).decode(encoding))
    return frozenset(c for c in chars if _CJK_IDEOGRAPH.fullmatch(c))


def _refuse_korean_or_japanese(data: bytes, gb_reading: str | None, path: str | Path) -> None:
    """Recognise Korean and Japanese files by the reading their own encoding gives.

    EUC-KR's hangul block lies on GB2312's common characters, so Korean decodes as
    GB18030 into plausible-looking Chinese. Chinese decoded as EUC-KR turns into hangul
    too, but into a mix with hanja and into syllables Korean seldom uses: of the hangul of
    real Korean about 70 % are among ``_COMMON_HANGUL``, of Chinese read as EUC-KR (seed,
    Bible) at most 36 %. EUC-JP keeps its kana in GB18030 (GB2312 has them at the same codes).
    """
    with contextlib.suppress(UnicodeDecodeError):
        korean = data.decode("euc_kr")
        hangul = _HANGUL.findall(korean)
        hanja = len(_CJK_IDEOGRAPH.findall(korean))
        if (foreign_script(korean) == "Korean" and len(hangul) >= 10
                and len(hangul) >= 0.85 * (len(hangul) + hanja)
                and sum(c in _COMMON_HANGUL for c in hangul) >= 0.5 * len(hangul)):
            raise InputError(path, _FOREIGN.format(language="Korean (EUC-KR)"))
    with contextlib.suppress(UnicodeDecodeError):
        if foreign_script(data.decode("shift_jis")) == "Japanese":
            raise InputError(path, _FOREIGN.format(language="Japanese (Shift_JIS)"))
    if gb_reading is not None and foreign_script(gb_reading) == "Japanese":
        raise InputError(path, _FOREIGN.format(language="Japanese (EUC-JP)"))


# About 120 of the most frequent Korean syllables (particles, endings, Sino-Korean roots).
_COMMON_HANGUL = frozenset(
    "이다는의에하고을가지기서리사로자한도를으대인수나어시정아일전주해게국만부상소제들장여없보라우니였거관원성경문"
    "동생위것내적중과면오용화비구조반있할되었습께요말년무그저개발신물모입영분및등계학행방연공식당세실운와더때두번미"
    "통회교선업각알했음람심간까래"
)
_FOREIGN = "the text is {language}, not Chinese or English: align checks Chinese↔English only"


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


def foreign_script(text: str) -> str | None:
    """"Korean" or "Japanese" when the text is mostly written in that language: hangul
    outweighs every other script, or kana are a fifth of the CJK characters of a text
    that is mostly CJK (Japanese writes kanji with kana; Chinese never uses kana)."""
    hangul, kana = len(_HANGUL.findall(text)), len(_KANA.findall(text))
    zh_chars, en_words = script_counts(text)
    units = zh_chars + en_words * _CHARS_PER_WORD + hangul + kana
    if hangul >= _MIN_FOREIGN and hangul >= 0.5 * units:
        return "Korean"
    cjk = zh_chars + kana
    if kana >= _MIN_FOREIGN and kana >= 0.2 * cjk and cjk >= 0.5 * units:
        return "Japanese"
    return None


def check_language(text: str, lang: str, path: str | Path) -> None:
    """Refuse a file whose text is mostly in the other language (or has none of ``lang``).

    Chinese characters and Latin words are weighed as text units; a file passed as
    ``zh`` must be at least half Chinese, a file passed as ``en`` at least half Latin.
    Korean and Japanese are refused by name.
    """
    if lang not in LANG_NAMES:
        raise InputError(path, f"unknown language {lang!r} (use zh or en)")
    foreign = foreign_script(text)
    if foreign:
        raise InputError(path, _FOREIGN.format(language=foreign))
    zh_chars, en_words = script_counts(text)
    zh_units, en_units = zh_chars, en_words * _CHARS_PER_WORD
    total = zh_units + en_units
    if total == 0:
        raise InputError(path, f"contains no {LANG_NAMES[lang]} text (no letters at all)")
    share = (zh_units if lang == "zh" else en_units) / total
    if share < 0.5:
        raise WrongLanguageError(path, lang, 1 - share)
