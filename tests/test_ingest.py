"""Decoding real seed text in every accepted encoding, .docx, mojibake repair, and the
refusals (empty, binary, undecodable, wrong language) through the real CLI."""
from __future__ import annotations

import pytest
from conftest import EN_SEED, INITIATIVE_EN, ZH_SEED

from align.cli import main
from align.errors import InputError
from align.text.ingest import read_text
from align.text.segment import load_document

ZH_TEXT = ZH_SEED.read_text(encoding="utf-8")
EN_TEXT = EN_SEED.read_text(encoding="utf-8")
# Traditional Chinese (Big5 cannot encode the simplified seed): sentences of 003 in
# traditional characters, typed for this test.
BIG5_TEXT = (
    "第二屆「一帶一路」國際合作高峰論壇「創新之路」分論壇在北京國家會議中心舉行。"
    "科技部部長王志剛出席會議並作主旨發言。\n"
    "中國是科技全球化的參與者、受益者，也是推動更廣泛創新合作的貢獻者、引領者。\n"
)


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        (ZH_TEXT, "utf-8", "utf_8"),
        (ZH_TEXT, "utf-8-sig", "utf_8_sig"),
        (ZH_TEXT, "utf-16", "utf_16"),
        (ZH_TEXT, "utf-16-le", "utf_16_le"),
        (EN_TEXT, "utf-16-be", "utf_16_be"),
        (ZH_TEXT, "gb18030", "gb18030"),
        (BIG5_TEXT, "gbk", "gb18030"),
        (BIG5_TEXT, "big5", "big5"),
    ],
)
def test_read_text_decodes_each_accepted_encoding(tmp_path, text, codec, expected):
    path = tmp_path / f"doc-{codec}.txt"
    path.write_bytes(text.encode(codec))
    decoded, encoding = read_text(path)
    assert decoded == text  # a BOM is not part of the text
    assert encoding == expected


def test_gbk_seed_segments_like_utf8(tmp_path):
    path = tmp_path / "003-gb18030.txt"
    path.write_bytes(ZH_TEXT.encode("gb18030"))
    assert load_document(path, "zh").texts == load_document(ZH_SEED, "zh").texts


def test_docx_paragraphs_are_read_and_segmented(tmp_path):
    import docx

    paragraphs = [line.strip() for line in BIG5_TEXT.splitlines()]
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    path = tmp_path / "report.docx"
    document.save(path)
    doc = load_document(path, "zh")
    assert doc.encoding == "docx"
    assert doc.original == "\n".join(paragraphs)
    assert [s.text for s in doc.segments] == [
        "第二屆「一帶一路」國際合作高峰論壇「創新之路」分論壇在北京國家會議中心舉行。",
        "科技部部長王志剛出席會議並作主旨發言。",
        "中國是科技全球化的參與者、受益者，也是推動更廣泛創新合作的貢獻者、引領者。",
    ]
    for s in doc.segments:
        assert doc.original[s.start : s.end] == s.text


def test_mojibake_is_repaired_but_original_kept():
    doc = load_document(INITIATIVE_EN, "en")
    [segment] = [s for s in doc.segments if "Republic of China" in s.text]
    assert "People’s Republic of China" in segment.text
    assert "‚Äô" not in segment.text
    # offsets still point at the file as it is, mojibake included
    assert "People‚Äôs Republic of China" in doc.original[segment.start : segment.end]
    assert doc.original[segment.start : segment.end].startswith("At the Thematic Forum")


def _run(argv, capsys):
    code = main(argv)
    return code, capsys.readouterr().err.strip()


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b" \n\n\t \r\n", "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "binary file"),
        ("latin1.txt", "café au lait, naïve résumé\n".encode("latin-1"), "cannot decode"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable .docx file"),
    ],
)
def test_unusable_files_are_refused_with_one_line_and_exit_2(tmp_path, capsys, name, data, problem):
    path = _write(tmp_path, name, data)
    out = tmp_path / "out.jsonl"
    code, err = _run(["segment", str(path), "--lang", "en", "--out", str(out)], capsys)
    assert code == 2
    assert err.startswith(f"align: error: {path}: ")
    assert problem in err
    assert len(err.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "seed, lang, said, found",
    [(EN_SEED, "zh", "Chinese", "English"), (ZH_SEED, "en", "English", "Chinese")],
)
def test_wrong_language_is_refused(capsys, seed, lang, said, found):
    code, err = _run(["segment", str(seed), "--lang", lang], capsys)
    assert code == 2
    assert err.startswith(f"align: error: {seed}: passed as {said} (--lang {lang})")
    assert f"mostly {found}" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("command", ["check", "align"])
def test_swapped_files_are_named_as_such_without_an_option_the_command_lacks(tmp_path, capsys, command):
    out = tmp_path / "out"
    code, err = _run([command, str(EN_SEED), str(ZH_SEED), "--out", str(out)], capsys)
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"align: error: {EN_SEED}: passed as the Chinese file but the text is mostly English")
    assert "swapped" in err and "--lang" not in err
    assert not out.exists()


def test_text_without_letters_is_refused(tmp_path, capsys):
    path = _write(tmp_path, "numbers.txt", b"1, 2, 3 ... 42\n")
    code, err = _run(["segment", str(path), "--lang", "zh"], capsys)
    assert code == 2 and "contains no Chinese text" in err


def test_missing_file_is_refused(tmp_path, capsys):
    path = tmp_path / "nope.txt"
    code, err = _run(["segment", str(path), "--lang", "zh"], capsys)
    assert (code, err) == (2, f"align: error: {path}: no such file")


def test_python_api_raises_input_error(tmp_path):
    path = _write(tmp_path, "empty.md", b"")
    with pytest.raises(InputError, match="file is empty"):
        read_text(path)
