"""Bad input at the command line: a non-zero exit, one line on stderr naming the file (and
line), no traceback, and nothing created or changed under ``--out``."""
from __future__ import annotations

import resource
import signal
import subprocess
import sys

import pytest
from conftest import EN_SEED, REPO, SHARED, ZH_SEED

from align.cli import main


def _refused(argv, capsys) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("presegmented", [False, True])
def test_check_refuses_an_overlong_sentence_before_any_encoding(tmp_path, capsys, presegmented):
    """The 20,000-character limit of ``align align`` holds for ``align check`` too, and is
    applied before the model is even loaded: a bogus ``--model`` is never reached."""
    zh_lines = ZH_SEED.read_text(encoding="utf-8").splitlines()[:3]
    sentence = "我国与共建国家的科技合作不断深化" * 1600  # 25,600 characters, no sentence end
    huge = tmp_path / "huge.txt"
    huge.write_text("\n".join([*zh_lines, sentence, *zh_lines]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    argv = ["check", str(huge), str(EN_SEED), "--out", str(out), "--model", str(tmp_path / "no-such-model"), "-q"]
    line = _refused(argv + (["--presegmented"] if presegmented else []), capsys)
    assert line.startswith(f"align: error: {huge}:4:"), line
    assert "too long" in line and "limit 20,000" in line
    assert not out.exists()


# ------------------------------------------------------------- the bad-input table

BIBLE = SHARED / "bench" / "bible-zh-en"


@pytest.fixture
def pair(tmp_path):
    """Five Bible verses each side, one per line, plus a file and a folder in the way."""
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("\n".join(BIBLE.joinpath("zh.txt").read_text(encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8")
    en.write_text("\n".join(BIBLE.joinpath("en.txt").read_text(encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-folder" / "mine.txt").write_text("keep me too\n", encoding="utf-8")
    control = tmp_path / "control-zh.txt"
    control.write_text(zh.read_text(encoding="utf-8").replace("混沌", "混\x01沌"), encoding="utf-8")
    glossary = tmp_path / "nul.csv"
    glossary.write_text("zh,en\n科技部,Ministry of\x00 Science and Technology\n", encoding="utf-8")
    return tmp_path


def _tree(folder):
    """Every file under ``folder`` with its bytes (None if it does not exist)."""
    if not folder.exists():
        return None
    if folder.is_file():
        return folder.read_bytes()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# (argv with {d} for the folder, the --out it must leave as it was, what the line must say)
BAD_INPUT = [
    ("check {d}/zh.txt {d}/en.txt --presegmented --out {d}/a-file", "a-file", "exists and is not a folder"),
    ("check {d}/zh.txt {d}/en.txt --presegmented --out {d}/a-file/run", "a-file", "is a file"),
    ("check {d}/zh.txt {d}/en.txt --presegmented --out /proc/align-test/run", None, "cannot write here"),
    ("segment {d}/en.txt --lang en --out {d}/a-folder", "a-folder", "is a folder"),
    ("segment {d}/en.txt --lang en --out {d}/a-file/x.jsonl", "a-file", "is a file"),
    ("segment {d}/en.txt --lang en --out /proc/align-test/x.jsonl", None, "cannot write"),
    ("segment {d}/a-folder --lang en", None, "is a directory"),
    ("check {d}/control-zh.txt {d}/en.txt --presegmented --out {d}/run", "run", "control character U+0001"),
    ("segment {d}/control-zh.txt --lang zh --presegmented --out {d}/s.jsonl", "s.jsonl", "control character U+0001"),
    ("glossary lint {d}/nul.csv", None, "control character U+0000"),
    ("glossary export {d}/nul.csv --out {d}/nul.tbx", "nul.tbx", "control character U+0000"),
    ("check {d}/zh.txt {d}/en.txt --presegmented --glossary {d}/nul.csv --out {d}/run", "run", "control character U+0000"),
]


@pytest.mark.parametrize("argv, out, says", BAD_INPUT, ids=[" ".join(a.split()[:1] + [s]) for a, _, s in BAD_INPUT])
def test_bad_input_is_one_line_and_changes_nothing(pair, capsys, argv, out, says):
    argv = argv.format(d=pair).split()
    before = _tree(pair / out) if out else None
    listing = sorted(p.name for p in pair.iterdir())
    line = _refused(argv, capsys)
    assert says in line, line
    if out:
        assert _tree(pair / out) == before
    assert sorted(p.name for p in pair.iterdir()) == listing  # no temp or staging file left


def test_an_unusable_embedding_cache_is_one_line(pair, capsys, monkeypatch):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(pair / "a-file"))
    line = _refused(["check", str(pair / "zh.txt"), str(pair / "en.txt"), "--presegmented",
                     "--out", str(pair / "run"), "-q"], capsys)
    assert f"{pair / 'a-file'}: cannot use as the embedding cache folder" in line
    assert not (pair / "run").exists()


def test_a_full_disk_is_one_line_and_leaves_no_partial_file(pair):
    """A file-size limit (what a full disk looks like to a writer: the write fails)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    out = pair / "segments.jsonl"
    proc = subprocess.run([sys.executable, "-m", "align", "segment", str(EN_SEED), "--lang", "en", "--out", str(out)],
                          preexec_fn=limit, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"align: error: {out}: cannot write (File too large)"
    assert sorted(p.name for p in pair.iterdir() if p.name.startswith(".")) == []
    assert not out.exists()
