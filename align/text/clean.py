"""Undo PDF-extraction damage and rebuild paragraphs, keeping a map back to the original.

Text extracted from PDFs is hard-wrapped mid-sentence and mid-word, sometimes with a blank
line after every wrapped line, and paragraph ends are marked only by weak signals. The
rules below decide, for each line break, whether it is a *wrap* (join the lines: Chinese
without a space, Latin with one, de-hyphenating only real hyphenation) or a *paragraph
break*. Every cleaned character carries the ``[start, end)`` span of the original
characters it came from, so a sentence can always be traced to the decoded file.

A line break is a paragraph break when (first rule that applies):

1. a whitespace-only line (``" "``) lies between the lines — extractors emit it for an
   empty text block;
2. the next line starts a list item (``1 …``, ``1.…``, ``(1)``, ``•``) or a heading
   (``一、``, ``（一）``, ``I.``, ``#``), or is indented by two or more spaces (except
   inside a list item that has not reached punctuation yet), or either line has no
   letter or digit at all (a rule such as ``---``);
3. the document is not hard-wrapped (its lines are not of a regular full width): each
   line is a paragraph, unless a page break cut a sentence (the line stops without
   sentence-final punctuation and the next one starts in lower case, or the line stops
   on a comma / connective, or is too long to be a heading);
4. a blank line lies between the lines (in a document with a blank line after *every*
   line, only a second blank line counts) — same page-break exception as in 3;
5. the line ends with more trailing whitespace than the document's usual wrapped line
   (extractors pad the last line of a text block) — not inside a list item that has not
   reached punctuation yet;
6. the line is short (under 80% of the full line width for Chinese, 60% for Latin text
   set in proportional fonts) and the next line does not start in lower case;
7. inside a heading, the next line starts a new capitalised sentence (the heading did not
   end on a connective and, for a Title Case heading, the next line is not Title Case).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

Span = tuple[int, int]

_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
SENTENCE_END = "。！？!?.…"
# Closing quotes, brackets and Markdown emphasis that belong to the sentence before them.
CLOSERS = "”’\"')]}）】》」』〉»*_"
# Opening marks skipped when looking for the first letter of a line or sentence.
OPENERS = "“‘\"'([{（【《「『〈«*_#>"
_CLAUSE_END = ",，、;；:：-–—(&/"
FUNCTION_WORDS = frozenset(
    "a an the of for and or nor to in on at by with from into onto as via between among "
    "through about against over under its their our his her this that these those is are "
    "was were be been than".split()
)
_MEASURE_AFTER_NUMBER = set("年月日号时點点分秒个位名项次届家岁万亿千百十多余%％条章节倍元米")
_NUMBERED = re.compile(r"[(（]?(\d{1,2})(?:[.．、)）]\s*|\s+)(?=[^\s\d.．])")
_BULLET = re.compile(r"(?:[•●▪◦‣∙①-⑳]\s*|[-–*]\s+)(?=\S)")
_HEADING_MARK = re.compile(
    r"(?:[IVX]{1,5}\.\s*(?=[A-Z“\"])"
    r"|[一二三四五六七八九十]{1,3}[、．]"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|第[一二三四五六七八九十百零〇\d]+[章节部分篇条]"
    r"|#{1,6}\s)"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
_VOCAB_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

# Wrapped documents have most lines near their full width; a one-paragraph-per-line
# file does not. Longer than this many columns, a line is a paragraph, not a wrap.
_MAX_WRAP_WIDTH = 160
_LONG_PARAGRAPH_LINE = 200


def is_ideograph(char: str) -> bool:
    return bool(_IDEOGRAPH.match(char))


def is_cjk_punct(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _tight(left: str, right: str) -> bool:
    """True when no space belongs between two characters (Chinese writing)."""
    return any(is_ideograph(c) or is_cjk_punct(c) for c in (left, right))


def display_width(text: str) -> int:
    return sum(2 if is_ideograph(c) or is_cjk_punct(c) else 1 for c in text)


@dataclass
class Paragraph:
    """Cleaned paragraph text; ``spans[i]`` is where ``text[i]`` came from in the original."""

    text: str
    spans: list[Span]
    kind: str = "body"  # "body" | "heading" | "item"


@dataclass
class _Line:
    text: str  # repaired, whitespace-normalised, stripped
    spans: list[Span]
    lead: int  # leading whitespace characters
    trail: int  # trailing whitespace characters
    spacer: bool  # whitespace-only but not empty
    marker: str | None = None  # "item" | "heading" when the line starts one

    @property
    def blank(self) -> bool:
        return not self.text and not self.spacer


@dataclass
class _Para:
    lines: list[_Line] = field(default_factory=list)
    kind: str = "body"
    heading_style: str | None = None  # "marker" | "title"


# ---------------------------------------------------------------------------- repair
def _ftfy_config():
    from ftfy import TextFixerConfig

    # Repair mojibake and PDF ligatures only: keep curly quotes and full-width forms
    # (what users see is not altered), and line breaks (handled here with offsets).
    return TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=False,
        fix_character_width=False,
        fix_line_breaks=False,
        explain=False,
    )


def repair_line(raw: str, offset: int, config) -> tuple[str, list[Span]]:
    """ftfy-repair one line; map each repaired char to its original span.

    Each whitespace-separated run is repaired on its own: a stray no-break space
    (common in web and PDF text) otherwise stops ftfy from seeing the mojibake.
    """
    text: list[str] = []
    spans: list[Span] = []
    for run in re.finditer(r"\S+|\s+", raw):
        piece, start = run.group(), offset + run.start()
        fixed = piece if piece.isascii() or piece.isspace() else _fix_text(piece, config)
        if fixed == piece:
            spans.extend((start + i, start + i + 1) for i in range(len(piece)))
        else:
            spans.extend(_diff_spans(piece, fixed, start))
        text.append(fixed)
    return "".join(text), spans


def _fix_text(text: str, config) -> str:
    from ftfy import fix_text

    return fix_text(text, config)


def _diff_spans(raw: str, fixed: str, offset: int) -> list[Span]:
    """Original span of every char of ``fixed``, from a character diff against ``raw``."""
    spans: list[Span] = []
    orphan_start: int | None = None  # original chars deleted before any output char
    for op, i1, i2, j1, j2 in SequenceMatcher(None, raw, fixed, autojunk=False).get_opcodes():
        if op == "equal":
            spans.extend((offset + i1 + k, offset + i1 + k + 1) for k in range(i2 - i1))
        elif op == "delete":
            if spans:
                spans[-1] = (spans[-1][0], offset + i2)
            elif orphan_start is None:
                orphan_start = offset + i1
        else:  # replace / insert: spread the output chars over the source range
            n = j2 - j1
            for k in range(n):
                start = i1 + (k * (i2 - i1)) // n
                end = max(start + (1 if i2 > i1 else 0), i1 + ((k + 1) * (i2 - i1) + n - 1) // n)
                spans.append((offset + start, offset + end))
        if orphan_start is not None and spans:
            spans[0] = (orphan_start, spans[0][1])
            orphan_start = None
    return spans


def _normalise_spaces(text: str, spans: list[Span]) -> tuple[str, list[Span], int, int]:
    """Strip the line and collapse inner whitespace runs to one space.

    Spaces inside a line are kept (``第一章 总则``); only the line ends, where wrapping and
    page breaks leave stray spaces (``科`` / `` 技``), are trimmed.
    """
    n = len(text)
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    out: list[str] = []
    out_spans: list[Span] = []
    i = lead
    end = n - trail
    while i < end:
        c = text[i]
        if c.isspace():
            j = i
            while j < end and text[j].isspace():
                j += 1
            out.append(" ")
            out_spans.append(spans[i])
            i = j
            continue
        out.append(c)
        out_spans.append(spans[i])
        i += 1
    return "".join(out), out_spans, lead, trail


def split_lines(original: str) -> list[_Line]:
    config = _ftfy_config()
    lines: list[_Line] = []
    pos = 0
    for raw in original.split("\n"):
        start = pos
        pos += len(raw) + 1
        raw = raw.rstrip("\r")
        body = raw.replace("\f", " ")
        fixed, spans = repair_line(body, start, config)
        text, spans, lead, trail = _normalise_spaces(fixed, spans)
        spacer = not text and bool(raw.replace("\f", "").strip("\r"))
        lines.append(_Line(text, spans, lead, trail, spacer))
    return lines


# --------------------------------------------------------------------------- line cues
def _first_letter(text: str) -> str:
    stripped = text.lstrip(OPENERS + " ")
    return stripped[:1]


def starts_lowercase(text: str) -> bool:
    c = _first_letter(text)
    return c.isalpha() and c.islower()


def starts_uppercase(text: str) -> bool:
    c = _first_letter(text)
    return c.isalpha() and c.isupper() and not is_ideograph(c)


def ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSERS + " ")
    return bool(core) and core[-1] in SENTENCE_END


def ends_on_connective(text: str) -> bool:
    """The line cannot end a paragraph: it stops on a comma, dash or function word."""
    if not text:
        return False
    if text[-1] in _CLAUSE_END:
        return True
    words = text.split()
    return bool(words) and words[-1] in FUNCTION_WORDS


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in FUNCTION_WORDS]


def is_title_case(text: str) -> bool:
    """Every content word capitalised, no comma, no sentence end: a Latin heading line."""
    words = _content_words(text)
    if len(words) < 2 or "," in text or ends_sentence(text) or _IDEOGRAPH.search(text):
        return False
    return all(w[0].isupper() for w in words)


def is_titleish(text: str) -> bool:
    """At least half the content words after the first are capitalised."""
    words = _content_words(text)[1:]
    return not words or sum(w[0].isupper() for w in words) * 2 >= len(words)


def _cjk_heavy(text: str) -> bool:
    letters = [c for c in text if not c.isspace()]
    return bool(letters) and sum(is_ideograph(c) for c in letters) * 2 > len(letters)


class _Markers:
    """Recognises list-item and heading markers; numbered items must run in sequence."""

    def __init__(self) -> None:
        self.last_number = 0

    def classify(self, line: _Line, prev: _Line | None) -> str | None:
        text = line.text
        if _HEADING_MARK.match(text):
            return "heading"
        if _BULLET.match(text):
            return "item"
        m = _NUMBERED.match(text)
        if not m:
            return None
        nxt = text[m.end()]
        plausible_start = nxt in "“\"‘《（(「『" or (nxt.isalpha() and not nxt.islower())
        if not plausible_start or nxt in _MEASURE_AFTER_NUMBER:
            return None
        number = int(m.group(1))
        first_of_list = number == 1 and (prev is None or not ends_on_connective(prev.text))
        if first_of_list or number == self.last_number + 1:
            self.last_number = number
            return "item"
        return None


# ---------------------------------------------------------------------------- layout
@dataclass
class _Layout:
    full_width: int
    wrapped: bool
    interleaved: bool
    usual_trail: int


def _layout(lines: list[_Line]) -> _Layout:
    content = [ln for ln in lines if ln.text]
    widths = sorted(display_width(ln.text) for ln in content)
    if not widths:
        return _Layout(0, False, False, 0)
    full = widths[int(0.9 * (len(widths) - 1))]
    near_full = sum(w >= 0.75 * full for w in widths)
    wrapped = len(widths) >= 3 and full <= _MAX_WRAP_WIDTH and near_full >= 0.6 * len(widths)
    gaps = Counter()
    previous_content = None
    blanks = 0
    for i, ln in enumerate(lines):
        if ln.text:
            if previous_content is not None:
                gaps[blanks] += 1
            previous_content, blanks = i, 0
        elif ln.blank:
            blanks += 1
        else:
            blanks = -1  # a spacer line: not a plain gap
    total = sum(gaps.values())
    interleaved = total > 0 and gaps[1] >= 0.6 * total
    usual_trail = Counter(ln.trail for ln in content).most_common(1)[0][0]
    return _Layout(full, wrapped, interleaved, usual_trail)


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _is_short(line: _Line, layout: _Layout) -> bool:
    ratio = 0.8 if _cjk_heavy(line.text) else 0.6
    return display_width(line.text) < ratio * layout.full_width


def _continues_across_gap(a: _Line, b: _Line) -> bool:
    """A page break (or blank line) inside a sentence: the sentence visibly goes on."""
    if ends_sentence(a.text):
        return False
    return (
        starts_lowercase(b.text)
        or ends_on_connective(a.text)
        or display_width(a.text) >= _LONG_PARAGRAPH_LINE
    )


def _heading_goes_on(a: _Line, b: _Line, style: str | None) -> bool:
    if not starts_uppercase(b.text):
        return True  # Chinese (no case) or lower case: other rules decide
    if ends_on_connective(a.text):
        return True
    return style == "title" and is_titleish(b.text)


def _is_break(a: _Line, b: _Line, blanks: int, spacer: bool, para: _Para, layout: _Layout) -> bool:
    open_item = para.kind == "item" and not (a.text and a.text[-1] in SENTENCE_END + _CLAUSE_END)
    if spacer or b.marker or (b.lead >= 2 and not open_item):
        return True
    if not _has_word(a.text) or not _has_word(b.text):
        return True  # a rule such as ``---`` or ``* * *`` stands alone
    if not layout.wrapped or blanks > (1 if layout.interleaved else 0):
        return not _continues_across_gap(a, b)
    if a.trail > layout.usual_trail and not open_item:
        return True
    if _is_short(a, layout) and not starts_lowercase(b.text) and not open_item:
        return True
    if para.kind == "heading" and not _heading_goes_on(a, b, para.heading_style):
        return True
    return False


# ---------------------------------------------------------------------------- joining
def _vocabulary(lines: list[_Line]) -> set[str]:
    """Words of the document, leaving out the fragments around line-final hyphens."""
    vocab: set[str] = set()
    after_hyphen = False
    for line in lines:
        if not line.text:
            continue
        tokens = _VOCAB_TOKEN.findall(line.text)
        hyphen_end = _glued_by_hyphen(line.text)
        kept = tokens[int(after_hyphen) : len(tokens) - int(hyphen_end)]
        vocab.update(t.lower() for t in kept)
        after_hyphen = hyphen_end
    return vocab


def _keep_hyphen(left: str, right: str, vocab: set[str]) -> bool:
    """Is a line-final hyphen part of a compound (keep) or a hyphenated word (drop)?

    The document itself is the dictionary: a form seen elsewhere decides; otherwise a
    compound is kept when its left part is already hyphenated, capitalised or numeric,
    or when both parts are words of the document.
    """
    if f"{left}-{right}".lower() in vocab:
        return True
    if f"{left}{right}".lower() in vocab:
        return False
    last_part = left.rsplit("-", 1)[-1]
    if "-" in left or not last_part.islower():
        return True
    return last_part.lower() in vocab and right.lower() in vocab


def _glued_by_hyphen(left: str) -> bool:
    """A line ending in a hyphen right after a letter continues without a space."""
    return left.endswith("-") and len(left) > 1 and left[-2].isalpha()


def _join(pieces: list[_Line], vocab: set[str]) -> tuple[str, list[Span]]:
    text: list[str] = []
    spans: list[Span] = []
    for line in pieces:
        if text:
            left, right = "".join(text[-40:]), line.text
            if _glued_by_hyphen(left) and starts_lowercase(right):
                left_word = re.search(r"[A-Za-z-]*$", left[:-1]).group()
                right_word = re.match(r"[A-Za-z]*", right).group()
                if not _keep_hyphen(left_word, right_word, vocab):
                    dropped = spans.pop()
                    text.pop()
                    spans[-1] = (spans[-1][0], dropped[1])
            elif not _glued_by_hyphen(left) and not _tight(left[-1], right[0]):
                text.append(" ")
                spans.append((spans[-1][1], line.spans[0][0]))
        text.extend(line.text)
        spans.extend(line.spans)
    return "".join(text), spans


def _paragraph_kind(para: _Para, text: str) -> str:
    """A numbered "heading" that ends in punctuation is an enumerated clause: an item."""
    if para.heading_style == "marker" and (ends_sentence(text) or ends_on_connective(text)):
        return "item"
    if para.kind != "body":
        return para.kind
    looks_like_title = not ends_sentence(text) and not ends_on_connective(text)
    if looks_like_title and display_width(text) <= _MAX_WRAP_WIDTH:
        return "heading"
    return "body"


def clean_paragraphs(original: str) -> list[Paragraph]:
    """Split decoded text into cleaned paragraphs with per-character original spans."""
    lines = split_lines(original)
    layout = _layout(lines)
    vocab = _vocabulary(lines)
    markers = _Markers()
    paras: list[_Para] = []
    prev: _Line | None = None
    blanks, spacer = 0, False
    for line in lines:
        if not line.text:
            spacer = spacer or line.spacer
            blanks += line.blank
            continue
        line.marker = markers.classify(line, prev)
        if prev is None or _is_break(prev, line, blanks, spacer, paras[-1], layout):
            para = _Para(kind=line.marker or "body")
            if line.marker == "heading":
                para.heading_style = "marker"
            elif line.marker is None and is_title_case(line.text):
                para.kind, para.heading_style = "heading", "title"
            paras.append(para)
        paras[-1].lines.append(line)
        prev, blanks, spacer = line, 0, False
    result = []
    for para in paras:
        text, spans = _join(para.lines, vocab)
        result.append(Paragraph(text, spans, _paragraph_kind(para, text)))
    return result
