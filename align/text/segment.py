"""Chinese and English sentence segmentation over cleaned paragraphs.

``load_document`` is the whole front end: decode (``align.text.ingest``), repair and unwrap
(``align.text.clean``), split into sentences. Each ``Segment`` keeps ``[start, end)`` offsets
into ``Document.original`` (the decoded file, before cleaning), so
``original[start:end]`` is the sentence as it stands in the file.

Rules:
- Chinese: a sentence ends after 。！？；… (or ``!``/``?``), with any closing quotes and
  brackets that follow (``。”`` stays with its sentence).
- English: a sentence ends after ``.``/``!``/``?``/``…`` (plus closers) followed by a space
  and a capital, digit, opening quote or Chinese character — except after an
  abbreviation (Dr., Mr., No., Vol., e.g., p.), an initial or dotted acronym (G., U.S.), or
  the number / Roman numeral that opens an item or heading. Decimals never split (no
  space follows the point).
- A heading or list item (see ``align.text.clean``) is its own segment.
"""
from __future__ import annotations

import re
from pathlib import Path

from align.errors import InputError
from align.model import CharMap, Document, Segment
from align.text.clean import CLOSERS, OPENERS, Paragraph, clean_paragraphs, is_ideograph
from align.text.ingest import check_language, read_text

ZH_TERMINATORS = "。！？；!?…"
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st no nos vol vols fig figs pp ed eds gen gov sen rep rev hon "
    "col capt lt sgt mt ft inc ltd co corp dept univ assn bros vs cf al approx ca op "
    "jan feb mar apr jun jul aug sep sept oct nov dec art sec para ch".split()
)
_ZH_END = re.compile(rf"[{re.escape(ZH_TERMINATORS)}]+[{re.escape(CLOSERS)}]*")
# A run of terminators, taken whole: the lookbehind starts a match only at the run's first
# character and the possessive quantifiers never give characters back, so a run of n dots
# (a table of contents) costs O(n) — never the exponential backtracking of ``(?:\.\.\.|[.])+``.
_TERMINATORS = re.escape(".!?…")
_EN_END = re.compile(rf"(?<![{_TERMINATORS}])[{_TERMINATORS}]++[{re.escape(CLOSERS)}]*+(?=\s)")
_NEXT_START = re.compile(rf"\s*+([{re.escape(OPENERS)}]*+)(.?)", re.DOTALL)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LEADING_NUMBER = re.compile(r"(?:\d{1,3}|[IVXivx]{1,5}|[A-Za-z])")


def sentence_bounds(text: str, lang: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence in a cleaned paragraph, whitespace trimmed."""
    cuts = _zh_cuts(text) if lang == "zh" else _en_cuts(text)
    bounds = []
    start = 0
    for cut in [*cuts, len(text)]:
        a, b = start, cut
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            bounds.append((a, b))
        start = cut
    return bounds


def _zh_cuts(text: str) -> list[int]:
    return [m.end() for m in _ZH_END.finditer(text) if m.end() < len(text)]


def _en_cuts(text: str) -> list[int]:
    """Cuts after each sentence end; every step looks at the text near the match only,
    so a paragraph of thousands of periods stays linear."""
    cuts = []
    lead = len(text) - len(text.lstrip(OPENERS + " "))  # text[:lead] is openers and spaces
    for m in _EN_END.finditer(text):
        after = _NEXT_START.match(text, m.end())
        if not after.group(1) and not after.group(2):
            continue  # only whitespace follows
        if not _starts_sentence(after.group(1), after.group(2)):
            continue
        if m.group()[0] == "." and not m.group().startswith("...") and _protects_period(text, m.start(), lead):
            continue
        cuts.append(m.end())
    return cuts


def _starts_sentence(openers: str, first: str) -> bool:
    """Does the text after a sentence end open a sentence? ``openers`` are the quotes and
    brackets that come first, ``first`` the character after them ("" at the end)."""
    if not first:
        return bool(openers)  # a quote or bracket that ends the paragraph
    return first.isupper() or first.isdigit() or is_ideograph(first)


def _protects_period(text: str, dot: int, lead: int) -> bool:
    """Is the period at ``dot`` part of an abbreviation, initial or item number?

    ``lead``: ``text[:lead]`` holds only openers and spaces (the paragraph has not begun).
    """
    end = dot
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start:end].lstrip(OPENERS)
    if not token:
        return False
    if token.lower() in ABBREVIATIONS or _DOTTED.fullmatch(token):
        return True
    if len(token) == 1 and token.isalpha():
        return True  # an initial ("Francis G. Gurry") or a short form ("p. 5")
    opens_paragraph = dot - len(token) <= lead
    return opens_paragraph and bool(_LEADING_NUMBER.fullmatch(token))


def _segment_kind(paragraph: Paragraph, count: int) -> str:
    if paragraph.kind == "item":
        return "item"
    if paragraph.kind == "heading" and count == 1:
        return "heading"
    return "sentence"


def segment_text(text: str, lang: str, doc_id: str = "") -> list[Segment]:
    """Clean and segment ``text``; offsets (and each segment's character map) index ``text`` itself."""
    segments: list[Segment] = []
    for p_index, paragraph in enumerate(clean_paragraphs(text)):
        bounds = sentence_bounds(paragraph.text, lang)
        kind = _segment_kind(paragraph, len(bounds))
        for a, b in bounds:
            start, end = paragraph.spans[a][0], paragraph.spans[b - 1][1]
            chars = CharMap.from_spans(paragraph.spans[a:b])
            unchanged = chars.is_identity and chars.anchors[0][1] == start and end - start == b - a
            segments.append(
                Segment(
                    doc_id=doc_id,
                    index=len(segments),
                    paragraph=p_index,
                    text=paragraph.text[a:b],
                    start=start,
                    end=end,
                    kind=kind,
                    chars=None if unchanged else chars,
                )
            )
    return segments


def load_document(path: str | Path, lang: str, doc_id: str | None = None) -> Document:
    """Read, check, clean and segment a file (``.txt``, ``.md``, ``.docx``)."""
    original, encoding = read_text(path)
    check_language(original, lang, path)
    doc_id = doc_id if doc_id is not None else Path(path).stem
    segments = segment_text(original, lang, doc_id)
    if not segments:
        raise InputError(path, "no sentences found")
    return Document(doc_id, lang, original, segments, str(path), encoding)


def load_presegmented(path: str | Path, lang: str, doc_id: str | None = None) -> Document:
    """One sentence per line, as in alignment benchmarks: no cleaning, no re-splitting.

    Every line is a segment (an empty line is an empty segment) so that segment ids are
    the 0-based line numbers that gold alignment files use.
    """
    original, encoding = read_text(path)
    check_language(original, lang, path)
    doc_id = doc_id if doc_id is not None else Path(path).stem
    lines = original.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    segments = []
    offset = 0
    for number, line in enumerate(lines):
        text = line.rstrip("\r").strip()
        start = offset + (len(line) - len(line.lstrip())) if text else offset
        segments.append(Segment(doc_id, number, number, text, start, start + len(text)))
        offset += len(line) + 1
    return Document(doc_id, lang, original, segments, str(path), encoding)
