"""Translators' files: bilingual XLIFF / TMX / PO / CSV / XLSX in, annotated XLIFF out.

``read_bilingual(path)`` reads an already-segmented bilingual file into a
:class:`~align.formats.units.BilingualFile` (units with ids, each side's text with the
inline codes removed and mapped back to the file); ``BilingualFile.documents()`` gives the
zh and en documents, one segment per unit, that ``align check FILE`` checks unit by unit
without re-aligning.
"""
from __future__ import annotations

from pathlib import Path

from align.errors import InputError
from align.formats.units import BilingualFile, Unit

XML_SUFFIXES = (".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".xlf2", ".tmx", ".xml")
BILINGUAL_SUFFIXES = (*XML_SUFFIXES, ".po", ".pot", ".csv", ".tsv", ".xlsx")


def is_bilingual(path: str | Path) -> bool:
    """A file ``align check`` reads on its own (told by its extension)."""
    return Path(path).suffix.lower() in BILINGUAL_SUFFIXES


def read_bilingual(path: str | Path) -> BilingualFile:
    """The units of a bilingual file; bad input raises ``InputError`` naming file and problem."""
    from align.formats.gettext import read_po
    from align.formats.table import read_csv, read_xlsx
    from align.formats.xml import read_xml_bilingual

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in BILINGUAL_SUFFIXES:
        raise InputError(path, f"not a bilingual file ({', '.join(BILINGUAL_SUFFIXES)})")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(path, "file is empty")
    if suffix in XML_SUFFIXES or data.lstrip()[:5] in (b"<?xml", b"\xef\xbb\xbf<?xm"):
        return read_xml_bilingual(path, data)
    if suffix in (".po", ".pot"):
        return read_po(path, data)
    if suffix == ".xlsx":
        return read_xlsx(path, data)
    return read_csv(path, data)


__all__ = ["BILINGUAL_SUFFIXES", "BilingualFile", "Unit", "is_bilingual", "read_bilingual"]
