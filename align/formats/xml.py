"""XLIFF 1.2, XLIFF 2.0 and TMX 1.4, read with lxml.

lxml gives the structure (files, units, languages, ids, line numbers); each source and
target is then found in the decoded file text, from its line on, and its inner markup is
read by :func:`align.formats.spans.xml_inner_text`, so the text the checks see has the
inline codes removed and every character still points into the file. CAT dialects are
XLIFF with extra namespaces: SDLXLIFF's segments are the ``<mrk mtype="seg">`` of
``<seg-source>``/``<target>`` (unit id ``trans-unit id#mid``); memoQ's MQXLIFF is plain
XLIFF 1.2 with ``mq:`` attributes.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from align.errors import InputError
from align.formats.spans import MappedText, line_offsets, xml_inner_text
from align.formats.units import BilingualFile, Unit, lang_side, pair_sides
from align.text.ingest import decode_bytes

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements whose content is native code, not text to translate.
CODES_12 = frozenset({"ph", "bpt", "ept", "it", "x", "bx", "ex"})
CODES_20 = frozenset({"ph", "sc", "ec", "cp"})
CODES_TMX = frozenset({"ph", "bpt", "ept", "it", "ut"})
_ATTRS = r"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""


def parse_xml(path: str | Path, data: bytes) -> tuple[etree._Element, str]:
    """The root element and the decoded text of an XML file, or a one-line refusal."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(path, f"not well-formed XML ({exc.msg})", line=exc.lineno or None) from None
    text, _ = decode_bytes(data, path)
    return root, text


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


class _Locator:
    """Finds elements' inner markup in the file text, in document order."""

    def __init__(self, text: str):
        self.text = text
        self.starts = line_offsets(text)
        self.cursor = 0

    def inner(self, el: etree._Element, skip: frozenset[str]) -> MappedText:
        name = f"{el.prefix}:{local(el)}" if el.prefix else local(el)
        q = re.escape(name)
        line_start = self.starts[min(len(self.starts), el.sourceline or 1) - 1]
        opening = re.compile(rf"<{q}{_ATTRS}(/?)>")
        m = opening.search(self.text, max(self.cursor, line_start))
        if m is None:  # markup we cannot follow: fall back to lxml's text, placed at the line
            from align.formats.spans import whole

            return whole("".join(el.itertext()), line_start, line_start)
        if m.group(1):
            self.cursor = m.end()
            return MappedText("", ())
        tags = re.compile(rf"<{q}{_ATTRS}(/?)>|</{q}\s*>")
        depth, pos = 1, m.end()
        while depth:
            t = tags.search(self.text, pos)
            if t is None:
                break
            pos = t.end()
            if t.group().startswith("</"):
                depth -= 1
            elif not t.group(1):
                depth += 1
        close = t.start() if t is not None else len(self.text)
        self.cursor = pos
        return xml_inner_text(self.text[m.end() : close], m.end(), skip).normalised()


def read_xml_bilingual(path: str | Path, data: bytes) -> BilingualFile:
    root, text = parse_xml(path, data)
    name, ns = local(root), etree.QName(root).namespace
    if name == "xliff":
        if ns == XLIFF20 or (root.get("version") or "").startswith("2"):
            return _read_xliff20(str(path), root, text)
        return _read_xliff12(str(path), root, text)
    if name == "tmx":
        return _read_tmx(str(path), root, text)
    raise InputError(path, f"not an XLIFF or TMX file (root element <{name}>)")


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name]


def _add(bf: BilingualFile, uid: str, line: int, source_side: str, source: MappedText,
         target: MappedText | None, holder: etree._Element | None = None) -> None:
    if not source.text:
        bf.skip(uid, "no source text")
    elif target is None:
        bf.skip(uid, "untranslated (no target)")
    elif not target.text:
        bf.skip(uid, "empty target")
    else:
        zh, en = (source, target) if source_side == "zh" else (target, source)
        anchor = holder.getroottree().getpath(holder) if holder is not None else ""
        bf.units.append(Unit(uid, zh, en, line, anchor))


def _read_xliff12(path: str, root: etree._Element, text: str) -> BilingualFile:
    files = [el for el in root.iter() if local(el) == "file"]
    if not files:
        raise InputError(path, "XLIFF without a <file> element")
    locate = _Locator(text)
    bf = None
    for number, file_el in enumerate(files):
        source_tag, target_tag = file_el.get("source-language"), file_el.get("target-language")
        if not target_tag:
            raise InputError(path, "no target language (target-language missing on <file>)", line=file_el.sourceline)
        source_side, _ = pair_sides(path, source_tag, target_tag)
        if bf is None:
            bf = BilingualFile(path, "xliff-1.2", text, source_side, languages=(source_tag, target_tag))
        prefix = f"{file_el.get('original') or number}:" if len(files) > 1 else ""
        for tu in file_el.iter():
            if local(tu) != "trans-unit":
                continue
            uid = prefix + (tu.get("id") or str(tu.sourceline))
            if tu.get("restype") == "x-gettext-domain-header":
                continue  # po2xliff's copy of the PO header
            if tu.get("translate") == "no":
                bf.skip(uid, "translate=no")
                continue
            for seg_id, line, source, target in _xliff12_segments(tu, locate):
                _add(bf, uid if seg_id is None else f"{uid}#{seg_id}", line, source_side, source, target, tu)
    assert bf is not None
    return bf


def _xliff12_segments(tu: etree._Element, locate: _Locator) -> Iterator:
    """``(mid or None, line, source, target)`` of a trans-unit: one per SDLXLIFF-style
    ``<mrk mtype="seg">``, else the unit's ``<source>``/``<target>``."""
    source_el = (_children(tu, "source") or [None])[0]
    seg_source = (_children(tu, "seg-source") or [None])[0]
    target_el = (_children(tu, "target") or [None])[0]
    marks = [] if seg_source is None else [m for m in seg_source.iter() if _is_segment(m)]
    if not marks:
        source = locate.inner(source_el, CODES_12) if source_el is not None else MappedText("", ())
        target = locate.inner(target_el, CODES_12) if target_el is not None else None
        yield None, source_el.sourceline if source_el is not None else tu.sourceline, source, target
        return
    sources = [(m.get("mid"), m.sourceline, locate.inner(m, CODES_12)) for m in marks]
    targets = {}
    if target_el is not None:
        for m in target_el.iter():
            if _is_segment(m):
                targets[m.get("mid")] = locate.inner(m, CODES_12)
    for mid, line, source in sources:
        yield mid, line, source, targets.get(mid)


def _is_segment(el: etree._Element) -> bool:
    return local(el) == "mrk" and el.get("mtype") == "seg"


def _read_xliff20(path: str, root: etree._Element, text: str) -> BilingualFile:
    source_tag, target_tag = root.get("srcLang"), root.get("trgLang")
    if not target_tag:
        raise InputError(path, "no target language (trgLang missing on <xliff>)", line=root.sourceline)
    source_side, _ = pair_sides(path, source_tag, target_tag)
    bf = BilingualFile(path, "xliff-2.0", text, source_side, languages=(source_tag, target_tag))
    locate = _Locator(text)
    files = [el for el in root if local(el) == "file"]
    for unit in root.iter():
        if local(unit) != "unit":
            continue
        uid = unit.get("id") or str(unit.sourceline)
        if len(files) > 1:
            owner = next(a for a in unit.iterancestors() if local(a) == "file")
            uid = f"{owner.get('id')}:{uid}"
        if unit.get("translate") == "no":
            bf.skip(uid, "translate=no")
            continue
        segments = _children(unit, "segment")
        for n, segment in enumerate(segments, 1):
            source_el = (_children(segment, "source") or [None])[0]
            target_el = (_children(segment, "target") or [None])[0]
            source = locate.inner(source_el, CODES_20) if source_el is not None else MappedText("", ())
            target = locate.inner(target_el, CODES_20) if target_el is not None else None
            sid = uid if len(segments) == 1 else f"{uid}#{segment.get('id') or n}"
            line = source_el.sourceline if source_el is not None else segment.sourceline
            _add(bf, sid, line, source_side, source, target, unit)
    return bf


def _read_tmx(path: str, root: etree._Element, text: str) -> BilingualFile:
    header = (_children(root, "header") or [None])[0]
    langs = []
    for tuv in root.iter():
        if local(tuv) == "tuv":
            tag = tuv.get(XML_LANG) or tuv.get("lang")
            if tag and tag not in langs:
                langs.append(tag)
    if len(langs) < 2:
        found = ", ".join(langs) or "none"
        raise InputError(path, f"TMX with one language ({found}): it needs Chinese and English variants")
    sides = {lang_side(t) for t in langs}
    if not {"zh", "en"} <= sides:
        raise InputError(path, f"languages {', '.join(langs)}: align checks Chinese↔English files only")
    srclang = header.get("srclang") if header is not None else None
    source_side = lang_side(srclang) or "zh"
    target_tag = next(t for t in langs if lang_side(t) not in (None, source_side))
    source_tag = srclang if lang_side(srclang) else next(t for t in langs if lang_side(t) == source_side)
    bf = BilingualFile(path, "tmx", text, source_side, languages=(source_tag, target_tag))
    locate = _Locator(text)
    other = "en" if source_side == "zh" else "zh"
    for number, tu in enumerate((el for el in root.iter() if local(el) == "tu"), 1):
        uid = tu.get("tuid") or str(number)
        found: dict[str, MappedText] = {}
        for tuv in _children(tu, "tuv"):
            side = lang_side(tuv.get(XML_LANG) or tuv.get("lang"))
            seg = (_children(tuv, "seg") or [None])[0]
            if side and seg is not None:
                mapped = locate.inner(seg, CODES_TMX)
                found.setdefault(side, mapped)
        _add(bf, uid, tu.sourceline, source_side, found.get(source_side, MappedText("", ())), found.get(other))
    return bf
