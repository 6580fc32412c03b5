"""Glossary files: the CSV of the data contract and TBX-Basic, read and written.

CSV: ``zh,en,variants,forbidden,case_sensitive,note`` plus optional ``id,status``, UTF-8
with a header row (read with or without a byte-order mark; written with one, so Excel opens
the Chinese right). TBX-Basic (ISO 30042) is read (v3 and the v2 most CAT tools write) and
written (v3) with lxml. Every problem raises ``InputError`` naming the file and line. The
entry model and conflicts live in :mod:`align.glossary.termbase`.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from align.errors import InputError
from align.fileio import atomic_path, write_bytes, write_text
from align.glossary.termbase import STATUSES, Glossary, GlossaryEntry, Problem, auto_id, find_problems
from align.text.ingest import refuse_control_characters

REQUIRED_COLUMNS = ("zh", "en")
CSV_COLUMNS = ("zh", "en", "variants", "forbidden", "case_sensitive", "note", "id", "status")
BOM = "\ufeff"
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in value.split("|") if v.strip()))


# ---------------------------------------------------------------------------- CSV


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read glossary: {e.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            path, f"not UTF-8 (byte 0x{data[e.start]:02x}); save the glossary as UTF-8", line
        ) from None
    refuse_control_characters(text, path)  # a NUL in a term would pass lint, then break TBX/XLSX
    return text


def read_csv(path: str | Path) -> list[GlossaryEntry]:
    """Read a glossary CSV; any problem raises ``InputError`` naming the file and line."""
    path = Path(path)
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(path, f"bad CSV: {e}", 1) from None
    if not header or not any(h.strip() for h in header):
        raise InputError(path, "empty glossary: expected a header row " + ",".join(CSV_COLUMNS[:6]), 1)
    columns = [h.strip().lower() for h in header]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if unknown or missing or duplicated:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        if duplicated:
            parts.append("repeated column(s) " + ", ".join(duplicated))
        raise InputError(path, "; ".join(parts) + f"; expected {','.join(CSV_COLUMNS)}", 1)

    entries: list[GlossaryEntry] = []
    first_line_of_id: dict[str, int] = {}
    line = 1
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(path, f"bad CSV: {e}", reader.line_num) from None
        line = start_line
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InputError(path, f"expected {len(columns)} fields, found {len(row)}", line)
        record = dict(zip(columns, (c.strip() for c in row)))
        entry = _entry_from_record(record, path, line)
        if not record.get("id"):
            entries.append(entry)  # a repeated row without id is a lint finding, not an error
            continue
        _claim_id(first_line_of_id, entry.id, path, line)
        entries.append(entry)
    return entries


def _claim_id(first_line_of_id: dict[str, int], entry_id: str, path: Path, line: int) -> None:
    """Ids are unique within a file: a repeated one names both lines."""
    if entry_id in first_line_of_id:
        raise InputError(path, f"duplicate id {entry_id!r} (first on line {first_line_of_id[entry_id]})", line)
    first_line_of_id[entry_id] = line


def _entry_from_record(record: dict[str, str], path: Path, line: int) -> GlossaryEntry:
    zh, en = record.get("zh", ""), record.get("en", "")
    if not zh:
        raise InputError(path, "empty zh term", line)
    if not en:
        raise InputError(path, f"empty en rendering for {zh!r}", line)
    flag = record.get("case_sensitive", "").lower()
    if flag not in _TRUE | _FALSE:
        raise InputError(path, f"case_sensitive must be true or false, not {flag!r}", line)
    status = record.get("status", "").lower() or "approved"
    if status not in STATUSES:
        raise InputError(path, f"status must be one of {', '.join(STATUSES)}, not {status!r}", line)
    return GlossaryEntry(
        id=record.get("id", "") or auto_id(zh, en),
        zh=zh,
        en=en,
        variants=_split_list(record.get("variants", "")),
        forbidden=_split_list(record.get("forbidden", "")),
        case_sensitive=flag in _TRUE,
        note=record.get("note", ""),
        status=status,
        source=f"{path}:{line}",
    )


def _csv_row(entry: GlossaryEntry) -> list[str]:
    return [
        entry.zh,
        entry.en,
        "|".join(entry.variants),
        "|".join(entry.forbidden),
        "true" if entry.case_sensitive else "false",
        entry.note,
        entry.id,
        entry.status,
    ]


def csv_text(entries: Iterable[GlossaryEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(e) for e in entries)
    return buffer.getvalue()


def write_csv(entries: Iterable[GlossaryEntry], path: str | Path) -> None:
    """The glossary as Excel-friendly CSV: UTF-8 with a byte-order mark."""
    write_text(path, BOM + csv_text(entries))


# ---------------------------------------------------------------------------- TBX

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS_OF_KIND = {
    "approved": "preferredTerm-admn-sts",
    "variant": "admittedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
_KIND_OF_STATUS = {
    "preferredterm-admn-sts": "approved",
    "admittedterm-admn-sts": "variant",
    "deprecatedterm-admn-sts": "forbidden",
    "supersededterm-admn-sts": "forbidden",
}
# Data categories TBX-Basic lacks, carried as private (x-) admin elements.
_CASE_ADMIN, _STATUS_ADMIN = "x-caseSensitive", "x-entryStatus"


def tbx_bytes(entries: Iterable[GlossaryEntry], title: str = "align glossary") -> bytes:
    """TBX-Basic (TBX v3, DCA style): one conceptEntry per entry."""
    from lxml import etree

    def sub(parent, tag, text=None, **attrs):
        el = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    root = etree.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"},
                         nsmap={None: TBX_NS})
    sub(sub(sub(sub(root, "tbxHeader"), "fileDesc"), "sourceDesc"), "p", title)
    body = sub(sub(root, "text"), "body")
    for entry in entries:
        concept = sub(body, "conceptEntry", id=entry.id)
        sub(concept, "admin", entry.status, type=_STATUS_ADMIN)
        sub(concept, "admin", "true" if entry.case_sensitive else "false", type=_CASE_ADMIN)
        if entry.note:
            sub(concept, "note", entry.note)
        zh = sub(concept, "langSec", **{XML_LANG: "zh"})
        term_sec = sub(zh, "termSec")
        sub(term_sec, "term", entry.zh)
        sub(term_sec, "termNote", _STATUS_OF_KIND["approved"], type="administrativeStatus")
        en = sub(concept, "langSec", **{XML_LANG: "en"})
        for form, kind in entry.forms():
            term_sec = sub(en, "termSec")
            sub(term_sec, "term", form)
            sub(term_sec, "termNote", _STATUS_OF_KIND[kind], type="administrativeStatus")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tbx(entries: Iterable[GlossaryEntry], path: str | Path) -> None:
    write_bytes(path, tbx_bytes(entries, title=f"exported by align from {Path(path).stem}"))


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_tbx(path: str | Path) -> list[GlossaryEntry]:
    """Read TBX-Basic: TBX v3 (``tbx/conceptEntry/langSec/termSec``) or the older TBX v2
    (``martif/termEntry/langSet/tig|ntig``) that most CAT tools export."""
    from lxml import etree

    path = Path(path)
    _decode(path)  # a non-UTF-8 TBX gets the same one-line error as a CSV
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as e:
        raise InputError(path, f"not well-formed XML: {e.msg}", e.lineno) from None
    if _local(root) not in ("tbx", "martif"):
        raise InputError(path, f"not a TBX file (root element <{_local(root)}>)", root.sourceline)
    entries: list[GlossaryEntry] = []
    first_line_of_id: dict[str, int] = {}
    for concept in root.iter():
        if _local(concept) not in ("conceptEntry", "termEntry"):
            continue
        entry = _entry_from_concept(concept, path)
        line = concept.sourceline
        _claim_id(first_line_of_id, entry.id, path, line)
        entries.append(entry)
    return entries


def _entry_from_concept(concept, path: Path) -> GlossaryEntry:
    line = concept.sourceline
    zh_terms: list[str] = []
    en_forms: dict[str, list[str]] = defaultdict(list)
    note, status, case_sensitive = "", "approved", False
    for child in concept:
        name = _local(child)
        if name == "note":
            note = (child.text or "").strip()
        elif name == "admin" and child.get("type") == _STATUS_ADMIN:
            status = (child.text or "").strip().lower()
        elif name == "admin" and child.get("type") == _CASE_ADMIN:
            case_sensitive = (child.text or "").strip().lower() in _TRUE
        elif name in ("langSec", "langSet"):
            lang = (child.get(XML_LANG) or child.get("lang") or "").lower()
            for term, kind in _terms_of(child):
                if lang.startswith("zh"):
                    zh_terms.append(term)
                elif lang.startswith("en"):
                    en_forms[kind].append(term)
    if status not in STATUSES:
        raise InputError(path, f"entry status must be one of {', '.join(STATUSES)}, not {status!r}", line)
    if len(zh_terms) != 1:
        problem = "no Chinese (zh) term" if not zh_terms else "more than one Chinese term"
        raise InputError(path, f"entry has {problem}", line)
    approved = en_forms["approved"]
    if len(approved) > 1:
        raise InputError(path, f"entry has two preferred English terms: {approved[0]!r}, {approved[1]!r}", line)
    if not approved and not en_forms["variant"]:
        raise InputError(path, f"entry {zh_terms[0]!r} has no English term", line)
    en = approved[0] if approved else en_forms["variant"].pop(0)
    return GlossaryEntry(
        id=concept.get("id") or auto_id(zh_terms[0], en),
        zh=zh_terms[0],
        en=en,
        variants=tuple(en_forms["variant"]),
        forbidden=tuple(en_forms["forbidden"]),
        case_sensitive=case_sensitive,
        note=note,
        status=status,
        source=f"{path}:{line}",
    )


def _terms_of(lang_section) -> list[tuple[str, str]]:
    """(term, kind) for every term of a langSec/langSet; a term without status is a variant."""
    out = []
    for holder in lang_section:
        if _local(holder) not in ("termSec", "tig", "ntig"):
            continue
        term, kind = None, None
        for el in holder.iter():
            name = _local(el)
            if name == "term" and term is None:
                term = "".join(el.itertext()).strip()
            elif name == "termNote" and el.get("type") == "administrativeStatus":
                kind = _KIND_OF_STATUS.get((el.text or "").strip().lower())
        if term:
            out.append((term, kind or "variant"))
    return out


# ---------------------------------------------------------------------------- files


def read_glossary(path: str | Path) -> list[GlossaryEntry]:
    """Read one glossary file, CSV or TBX by its extension."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such glossary file")
    if path.suffix.lower() in (".tbx", ".xml"):
        return read_tbx(path)
    return read_csv(path)


def write_glossary(entries: Iterable[GlossaryEntry], path: str | Path) -> None:
    if Path(path).suffix.lower() in (".tbx", ".xml"):
        write_tbx(entries, path)
    else:
        write_csv(entries, path)


def append_entry(path: str | Path, entry: GlossaryEntry) -> GlossaryEntry:
    """Add one entry to a glossary file (for the review app's "add to glossary").

    The file is rewritten atomically; its previous content is kept as ``<path>.bak``. A CSV
    keeps its header and every existing line byte for byte: the new row is appended in the
    file's own column order. Refuses an id already used, or an entry that already exists.
    """
    path = Path(path)
    existing = read_glossary(path) if path.exists() else []
    if not entry.id:
        entry = replace(entry, id=auto_id(entry.zh, entry.en))
    for other in existing:
        if (other.zh, other.en) == (entry.zh, entry.en):
            raise InputError(path, f"{entry.zh} → {entry.en} is already an entry (at {other.source})")
        if other.id == entry.id:
            raise InputError(path, f"id {entry.id!r} is already used (at {other.source})")
    if path.exists():
        write_bytes(path.with_name(path.name + ".bak"), path.read_bytes())
    if path.suffix.lower() in (".tbx", ".xml") or not path.exists():
        write_glossary([*existing, entry], path)
        return entry
    original = _decode(path)
    mark = BOM if path.read_bytes().startswith(BOM.encode("utf-8")) else ""  # the file's own, kept
    columns = [h.strip().lower() for h in next(csv.reader(io.StringIO(original)))]
    values = dict(zip(CSV_COLUMNS, _csv_row(entry)))
    if "status" not in columns and entry.status != "approved":
        raise InputError(path, f"cannot store status {entry.status!r}: the file has no status column")
    if "id" not in columns and entry.id != auto_id(entry.zh, entry.en):
        raise InputError(path, f"cannot store id {entry.id!r}: the file has no id column")
    row = io.StringIO()
    csv.writer(row, lineterminator="\n").writerow([values.get(c, "") for c in columns])
    prefix = original if original.endswith("\n") or not original else original + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(mark + prefix + row.getvalue(), encoding="utf-8")
    return replace(entry, source=f"{path}:{prefix.count(chr(10)) + 1}")


def load_glossaries(paths: Iterable[str | Path], match_statuses: Sequence[str] = ("approved",)) -> Glossary:
    """Load several glossary files; conflicts BETWEEN files are listed in ``.conflicts``.

    Problems inside one file (two renderings of one term, …) are for ``align glossary
    lint``; a broken file raises ``InputError``.
    """
    entries: list[GlossaryEntry] = []
    for path in paths:
        entries.extend(read_glossary(path))
    conflicts = [p for p in find_problems(entries) if _files_of(p) > 1]
    return Glossary(entries, conflicts, match_statuses)


def _files_of(problem: Problem) -> int:
    return len({e.source.rsplit(":", 1)[0] for e in problem.entries})
