"""`align segment FILE --lang zh|en`: print (or write) a file's sentences."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class SegmentFormat(str, Enum):
    jsonl = "jsonl"
    txt = "txt"


def register(app: typer.Typer) -> None:
    @app.command("segment")
    def segment_command(
        file: Path = typer.Argument(..., help="A .txt, .md or .docx file."),
        lang: Lang = typer.Option(..., "--lang", "-l", help="Language of the file."),
        fmt: SegmentFormat = typer.Option(
            SegmentFormat.jsonl, "--format", "-f",
            help="jsonl: one segment record per line; txt: one sentence per line.",
        ),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
        presegmented: bool = typer.Option(
            False, "--presegmented", help="Each input line is one sentence: no cleaning, no re-splitting."
        ),
        doc_id: str | None = typer.Option(None, "--doc-id", help="Document id in the records (default: file stem)."),
    ) -> None:
        """Split a file into sentences (decode, repair, undo PDF wraps, segment).

        Each jsonl record: doc_id, index, paragraph, text, start, end, kind
        (sentence / heading / item); original[start:end] is the sentence in the file.
        """
        from align.errors import WrongLanguageError
        from align.fileio import write_text
        from align.text.segment import load_document, load_presegmented

        loader = load_presegmented if presegmented else load_document
        try:
            document = loader(file, lang.value, doc_id=doc_id)
        except WrongLanguageError as exc:  # here the language is an option the user can fix
            raise WrongLanguageError(exc.path, exc.lang, exc.share, option="--lang") from None
        if fmt is SegmentFormat.jsonl:
            body = "".join(json.dumps(s.to_json(), ensure_ascii=False) + "\n" for s in document.segments)
        else:
            body = "".join(s.text + "\n" for s in document.segments)
        if out is None:
            sys.stdout.write(body)
        else:
            write_text(out, body)
