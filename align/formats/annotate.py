"""An annotated copy of a checked XLIFF: every flag as a ``<note>`` on its unit.

The copy is the original file parsed and written back with lxml, changed only by the
notes added (the original file is never touched), so a CAT tool re-imports it and shows
each finding on its segment. XLIFF 1.2: ``<note from="align" priority=… annotates=…>``
in the ``<trans-unit>`` after its ``<target>`` and its own notes, before any element of a
CAT tool's namespace (SDLXLIFF's ``<sdl:seg-defs>``), which the schema places last.
XLIFF 2.0: ``<note category="align" priority=… appliesTo=…>`` in the unit's ``<notes>``,
which the spec places before ``<originalData>`` and the segments.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from align.fileio import write_bytes
from align.formats.units import BilingualFile
from align.formats.xml import local, parse_xml

PRIORITY = {"error": "1", "warning": "3", "info": "5"}  # XLIFF priority: 1 (highest) … 10


def note_text(check: str, severity: str, message: str, unit: str, flag_id: str, decision: str | None = None) -> str:
    """What a CAT user reads in the note: severity, code, message, the flag id to find it
    in the report (and the reviewer's decision, when exporting a review)."""
    text = f"align {severity} {check}: {message} [unit {unit}, flag {flag_id}]"
    return f"{text} — reviewer: {decision}" if decision else text


def annotate_xliff(bilingual: BilingualFile, notes: Iterable[dict], out_path: str | Path) -> int:
    """Write the annotated copy of ``bilingual``'s file to ``out_path`` (atomically).

    ``notes`` are dicts with ``unit``, ``check``, ``severity``, ``message``, ``id`` and
    optionally ``decision`` and ``side`` (``zh``/``en``: the side the flag points at).
    Returns the number of notes written."""
    data = Path(bilingual.path).read_bytes()
    root, _ = parse_xml(bilingual.path, data)
    tree = root.getroottree()
    _remove_align_notes(root)
    by_unit = {unit.id: unit for unit in bilingual.units}
    written = 0
    for note in notes:
        unit = by_unit.get(note.get("unit"))
        if unit is None or not unit.anchor:
            continue
        found = tree.xpath(unit.anchor)
        if not found:
            continue
        holder = found[0]
        text = note_text(note["check"], note["severity"], note["message"], unit.id, note["id"], note.get("decision"))
        side = _applies_to(bilingual, note.get("side"))
        if bilingual.format == "xliff-2.0":
            _note_20(holder, text, note["severity"], side)
        else:
            _note_12(holder, text, note["severity"], side)
        written += 1
    write_bytes(out_path, etree.tostring(tree, xml_declaration=True, encoding=tree.docinfo.encoding or "UTF-8"))
    return written


def _remove_align_notes(root: etree._Element) -> None:
    """Drop the notes an earlier annotation wrote, so annotating a copy again replaces them."""
    for note in [n for n in root.iter() if local(n) == "note"]:
        if note.get("from") == "align" or note.get("category") == "align":
            holder = note.getparent()
            holder.remove(note)
            if local(holder) == "notes" and not len(holder):
                holder.getparent().remove(holder)


def export_review_xliff(run_dir: str | Path, rows: Iterable[dict], out: str | Path) -> int:
    """The review decisions of a run of one XLIFF as an annotated XLIFF at ``out``: each
    flag's note says its status, reviewer and reason. Built from the run folder's annotated
    copy (same units), so the original need not be at hand."""
    import json

    from align.errors import AlignError
    from align.formats import read_bilingual

    run = Path(run_dir)
    try:
        info = json.loads((run / "summary.json").read_text(encoding="utf-8")).get("bilingual")
    except (OSError, ValueError):
        info = None
    if not info or not str(info.get("format", "")).startswith("xliff"):
        raise AlignError(f"{run}: not a run of an XLIFF file (align check FILE.xlf); --format xliff exports only those")
    copy = run / Path(info["file"]).name
    if not copy.exists():
        raise AlignError(f"{copy}: the run's annotated XLIFF is missing; run align check again")
    units = {}
    for line in (run / "flags.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            flag = json.loads(line)
            units[flag["id"]] = flag.get("unit")
    notes = []
    for row in rows:
        decision = row["status"] + (f" by {row['reviewer']}" if row.get("reviewer") else "")
        if row.get("reason"):
            decision += f" ({row['reason']})"
        notes.append({"unit": units.get(row["flag_id"]), "check": row["check"], "severity": row["severity"],
                      "message": row["message"], "id": row["flag_id"], "decision": decision})
    return annotate_xliff(read_bilingual(copy), notes, out)


def _applies_to(bilingual: BilingualFile, side: str | None) -> str | None:
    if side not in ("zh", "en"):
        return None
    return "source" if side == bilingual.source_lang else "target"


def _note_12(trans_unit: etree._Element, text: str, severity: str, side: str | None) -> None:
    ns = etree.QName(trans_unit).namespace
    note = etree.Element(f"{{{ns}}}note" if ns else "note")
    note.set("from", "align")
    note.set("priority", PRIORITY[severity])
    if side:
        note.set("annotates", side)
    note.text = text
    extension = next((c for c in trans_unit if isinstance(c.tag, str) and etree.QName(c).namespace != ns), None)
    if extension is None:
        trans_unit.append(note)
        _indent_like(trans_unit, note)
    else:
        extension.addprevious(note)
        previous = note.getprevious()
        note.tail = previous.tail if previous is not None else trans_unit.text  # the extension keeps its line


def _note_20(unit: etree._Element, text: str, severity: str, side: str | None) -> None:
    ns = etree.QName(unit).namespace
    notes = next((c for c in unit if local(c) == "notes"), None)
    if notes is None:
        notes = etree.Element(f"{{{ns}}}notes")
        first = next((c for c in unit if local(c) in ("originalData", "segment", "ignorable")), None)
        if first is not None:
            first.addprevious(notes)
        else:
            unit.append(notes)
    note = etree.SubElement(notes, f"{{{ns}}}note", category="align", priority=PRIORITY[severity])
    if side:
        note.set("appliesTo", side)
    note.text = text


def _indent_like(parent: etree._Element, child: etree._Element) -> None:
    """Keep a pretty-printed file readable: the new note on its own line."""
    siblings = [c for c in parent if c is not child]
    if siblings and siblings[-1].tail and siblings[-1].tail.strip() == "":
        child.tail = siblings[-1].tail
        siblings[-1].tail = (parent.text or "\n")
