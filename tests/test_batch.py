"""`align batch`: manifest and folder input, a process pool, a broken pair that fails alone,
the embedding cache on a re-run, and the corpus report."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, SHARED, ZH_SEED

from align.batch import KEY_FILE, MODEL_FILE, BatchItem, read_corpus_model, read_manifest
from align.cli import main
from align.errors import InputError
from align.report import OUTPUT_FILES
from align.report.corpus import CORPUS_FILES

BIBLE = SHARED / "bench" / "bible-zh-en"


def bible_chapter(book_chapter: str, tmp: Path) -> tuple[Path, Path]:
    """One chapter of the Bible pair as two plain-text files, one verse per line."""
    return bible_chapters([book_chapter], tmp, book_chapter.replace(":", "-"))


def bible_chapters(chapters: list[str], tmp: Path, name: str) -> tuple[Path, Path]:
    """Some chapters of the Bible pair as ``NAME.zh.txt`` / ``NAME.en.txt``, one verse per line."""
    paths = []
    for lang in ("zh", "en"):
        lines = (BIBLE / f"{lang}.txt").read_text("utf-8").splitlines()
        verses = (BIBLE / f"{lang}.verse").read_text("utf-8").splitlines()
        by_verse: dict[str, list[str]] = {}
        for line, verse in zip(lines, verses):
            if verse.rsplit(":", 1)[0] in chapters:
                by_verse.setdefault(verse, []).append(line)
        sep = "" if lang == "zh" else " "
        path = tmp / f"{name}.{lang}.txt"
        path.write_text("\n".join(sep.join(parts) for parts in by_verse.values()) + "\n", "utf-8")
        paths.append(path)
    return paths[0], paths[1]


def test_manifest_csv_resolves_paths_and_rejects_bad_rows(tmp_path):
    good = tmp_path / "m.csv"
    good.write_text("name,zh,en\nseed,a/zh.txt,a/en.txt\n", "utf-8")
    assert read_manifest(good) == [BatchItem("seed", tmp_path / "a/zh.txt", tmp_path / "a/en.txt")]
    for text, line, problem in [
        ("name,chinese,en\nx,a,b\n", 1, "columns"),
        ("name,zh,en\nx,a,b\nx,c,d\n", 3, "twice"),
        ("name,zh,en\n../up,a,b\n", 2, "folder name"),
        ("name,zh,en\nx,a,\n", 2, "both"),
    ]:
        bad = tmp_path / "bad.csv"
        bad.write_text(text, "utf-8")
        with pytest.raises(InputError) as err:
            read_manifest(bad)
        assert err.value.line == line and problem in err.value.problem and err.value.path == str(bad)


def test_folder_convention_pairs_files_by_name(tmp_path):
    for name in ("b.zh.txt", "b.en.txt", "a.zh.docx", "a.en.docx", "lonely.zh.txt", "notes.txt"):
        (tmp_path / name).write_text("x", "utf-8")
    items = read_manifest(tmp_path)
    assert items == [
        BatchItem("a", tmp_path / "a.zh.docx", tmp_path / "a.en.docx"),
        BatchItem("b", tmp_path / "b.zh.txt", tmp_path / "b.en.txt"),
        BatchItem("lonely", tmp_path / "lonely.zh.txt", tmp_path / "lonely.en.txt"),
    ]
    with pytest.raises(InputError):
        read_manifest(tmp_path / "empty-dir-that-does-not-exist")


def test_batch_completes_good_pairs_reports_the_broken_one_and_reuses_cached_vectors(tmp_path, capsys):
    # the default embedding cache, shared with the rest of the suite: seed vectors are
    # encoded once per test session, whichever test needs them first
    gen1, gen2 = bible_chapter("Gen:1", tmp_path), bible_chapter("Gen:2", tmp_path)
    broken = tmp_path / "broken.zh.txt"
    broken.write_text("", "utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "name,zh,en\n"
        f"seed,{ZH_SEED},{EN_SEED}\n"
        f"genesis-1,{gen1[0].name},{gen1[1].name}\n"
        f"genesis-2,{gen2[0].name},{gen2[1].name}\n"
        f"broken,{broken.name},{gen1[1].name}\n",
        "utf-8",
    )
    out = tmp_path / "out"
    argv = ["batch", str(manifest), "--glossary", str(SEED_GLOSSARY), "--out", str(out), "--workers", "2", "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("align: error:") == 1 and "broken" in err and str(broken) in err

    good = ["seed", "genesis-1", "genesis-2"]
    for name in good:
        assert sorted(p.name for p in (out / name).iterdir()) == sorted([*OUTPUT_FILES, KEY_FILE])
    assert not (out / "broken").exists()
    assert {p.name for p in out.iterdir()} == {*good, *CORPUS_FILES, MODEL_FILE}

    corpus = json.loads((out / "corpus.json").read_text("utf-8"))
    docs = {d["name"]: d for d in corpus["documents"]}
    assert docs["broken"]["status"] == "failed" and str(broken) in docs["broken"]["failure"]
    ranked = [d for d in corpus["documents"] if d["status"] == "ok"]
    assert [d["rank"] for d in ranked] == [1, 2, 3]
    assert [d["links_to_review"] for d in ranked] == sorted((d["links_to_review"] for d in ranked), reverse=True)
    for name in good:
        summary = json.loads((out / name / "summary.json").read_text("utf-8"))
        flags = (out / name / "flags.jsonl").read_text("utf-8").splitlines()
        assert docs[name]["flags"] == summary["flags"] == len(flags)
        by_check = next(row for row in corpus["flags_by_check"] if row["name"] == name)
        assert sum(v for k, v in by_check.items() if k != "name") == len(flags)
    # every document was word-aligned with one translation model learnt from the whole corpus
    two_sided = {name: sum(1 for line in (out / name / "pairs.jsonl").read_text("utf-8").splitlines()
                           if json.loads(line)["zh"] and json.loads(line)["en"]) for name in good}
    _, model = read_corpus_model(out / MODEL_FILE)
    assert model is not None and model.links == sum(two_sided.values())
    for name in good:
        learnt = json.loads((out / name / "summary.json").read_text("utf-8"))["translation_model"]
        assert learnt == {"learnt_from": "corpus", "links": model.links}

    html = (out / "corpus.html").read_text("utf-8")
    assert "failed: " in html and 'href="seed/report.html"' in html
    import pandas as pd

    sheets = pd.read_excel(out / "corpus.xlsx", sheet_name=None)
    assert list(sheets) == ["documents", "flags_by_check", "terms_across_documents", "sentences_across_documents"]
    assert list(sheets["documents"]["name"]) == [d["name"] for d in corpus["documents"]]

    # unchanged document: checking it again (here, in this process) reads every sentence
    # vector the batch workers cached, and encodes nothing
    from align.pipeline import run_check

    again = run_check(gen1[0], gen1[1], glossaries=[SEED_GLOSSARY], quiet=True)
    assert again.summary["embedding"]["encoded"] == 0 and again.summary["embedding"]["from_cache"] > 0


def test_terms_rendered_differently_across_documents_are_listed():
    from align.batch import DocumentResult, term_consistency
    from align.glossary.files import load_glossaries
    from align.model import Link

    zh = "中国科学院将在泰国启动东盟（曼谷）创新中心。"
    docs = {
        "report-a": "CAS has established the Innovation Cooperation Center in Bangkok.",
        "report-b": "The Chinese Academy of Sciences will launch the ASEAN (Bangkok) Innovation Center.",
        "report-c": "The chinese academy of sciences will launch the ASEAN (Bangkok) Innovation Center.",
    }
    results = [
        DocumentResult(BatchItem(name, Path(f"{name}.zh"), Path(f"{name}.en")), links=[Link(0, (0,), (0,), zh, en, 0.9)])
        for name, en in docs.items()
    ]
    rows = term_consistency(load_glossaries([SEED_GLOSSARY]), results)
    cas = next(row for row in rows if row["zh"] == "中国科学院")
    assert cas["documents"] == list(docs) and cas["approved"] == "Chinese Academy of Sciences"
    assert cas["status"] == "varies across documents"
    by_text = {r["text"]: r for r in cas["renderings"]}
    # b and c differ only in case: one rendering, shown as most often written, both spellings listed
    full = by_text["Chinese Academy of Sciences"]
    assert full["count"] == 2 and full["forms"] == ["Chinese Academy of Sciences", "chinese academy of sciences"]
    assert [d["document"] for d in full["by_document"]] == ["report-b", "report-c"]
    assert [(d["document"], d["count"], d["link"]) for d in by_text["CAS"]["by_document"]] == [("report-a", 1, 0)]
    # without a, the term is rendered one way throughout
    agreeing = term_consistency(load_glossaries([SEED_GLOSSARY]), results[1:])
    assert next(row for row in agreeing if row["zh"] == "中国科学院")["status"] == "consistent"


def test_manifest_rows_may_mix_raw_and_presegmented(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("name,zh,en,presegmented\nraw,a.zh,a.en,\nlines,b.zh,b.en,yes\nplain,c.zh,c.en,no\n", "utf-8")
    assert [item.presegmented for item in read_manifest(manifest)] == [None, True, False]
    manifest.write_text("name,zh,en,presegmented\nx,a.zh,a.en,maybe\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_manifest(manifest)
    assert err.value.line == 2 and "presegmented" in err.value.problem


def test_one_sentence_per_line_files_read_as_raw_get_a_warning(tmp_path):
    from align.batch import one_sentence_per_line_warning
    from align.pipeline import read_pair

    zh, en = bible_chapters(["Gen:1", "Gen:2"], tmp_path, "gen")
    warning = one_sentence_per_line_warning(*read_pair(zh, en))
    lines = len(zh.read_text("utf-8").splitlines())
    assert warning is not None and f"both files have {lines} lines" in warning and "presegmented" in warning
    # the seed is a pair of ordinary documents (paragraphs), read as raw: no warning
    assert one_sentence_per_line_warning(*read_pair(ZH_SEED, EN_SEED)) is None


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _leftovers(folder: Path) -> list[str]:
    """Half-written things: staging folders and temp files anywhere under ``folder``."""
    return [str(p) for p in folder.rglob("*") if p.name.endswith((".partial", ".tmp"))]


def interrupt_then_resume(command: list[str], env: dict[str, str], out: Path, tmp_path: Path, documents: int, *,
                          workers: Callable[[subprocess.Popen], list[int]], stop_within: float = 15.0,
                          gone_within: float = 0.2) -> None:
    """Start the batch ``command``, stop it with SIGINT once a document is done, again with
    SIGTERM once one more is, then run it to the end.

    Each stop: the signal's exit code, every worker process (``workers(proc)`` when the
    signal is sent) gone within ``gone_within`` seconds of the exit, no half-written file, no
    corpus report, the finished documents complete and those finished earlier untouched.
    The last run checks only the rest."""

    def finished() -> dict[str, int]:
        return {p.parent.name: (p.parent / "flags.jsonl").stat().st_mtime_ns for p in out.glob(f"*/{KEY_FILE}")}

    for signum in (signal.SIGINT, signal.SIGTERM):
        before = finished()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while len(finished()) <= len(before) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        running = workers(proc)
        assert proc.poll() is None and running, "the batch ended before the test could interrupt it"
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        stopped = time.monotonic() - sent
        assert proc.returncode == 128 + signum, err
        assert f"interrupted by {signum.name}" in err
        # not a timing test (the benchmark machine is shared): the documents still running
        # take far longer than this, so a batch that waited for them would fail here
        assert stopped < stop_within, f"took {stopped:.1f} s to stop"
        deadline = time.monotonic() + gone_within
        while [pid for pid in running if _alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in running if _alive(pid)], "worker processes left running"
        assert not _leftovers(tmp_path)
        done = finished()
        assert len(before) < len(done) < documents and not (out / "corpus.json").exists()
        for name in done:  # a finished document is complete; one finished earlier is untouched
            assert sorted(p.name for p in (out / name).iterdir()) == sorted([*OUTPUT_FILES, KEY_FILE])
        assert all(done[name] == mtime for name, mtime in before.items())

    before = finished()
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"({len(before)} unchanged since the last run, reused)" in run.stdout
    after = finished()
    assert len(after) == documents and all(after[name] == mtime for name, mtime in before.items())


def test_sigint_and_sigterm_stop_every_worker_and_the_rerun_finishes_only_the_rest(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(6):
        bible_chapters([f"Gen:{n + 1}"], docs, f"gen{n}")
    out = tmp_path / "out"
    # a cache of its own, so encoding is cold and documents are still running when signalled
    env = {**os.environ, "ALIGN_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(Path(__file__).parent.parent)}
    command = [sys.executable, "-m", "align", "batch", str(docs), "--out", str(out), "--workers", "2"]

    interrupt_then_resume(command, env, out, tmp_path, 6, workers=lambda proc: _children(proc.pid))
    corpus = json.loads((out / "corpus.json").read_text("utf-8"))
    assert sorted(d["name"] for d in corpus["documents"]) == [f"gen{n}" for n in range(6)]
    assert all(d["status"] == "ok" for d in corpus["documents"])
    for d in corpus["documents"]:
        assert d["flags"] == len((out / d["name"] / "flags.jsonl").read_text("utf-8").splitlines())


def test_the_resume_key_changes_with_inputs_glossaries_model_and_settings(tmp_path):
    from align.batch import document_key

    zh, en = bible_chapter("Gen:1", tmp_path)
    item = BatchItem("gen", zh, en)
    settings = {"glossaries": [str(SEED_GLOSSARY)], "model": None, "select": [], "ignore": [], "options": {},
                "presegmented": False}
    key = document_key(item, settings)
    assert key == document_key(BatchItem("gen", zh, en), dict(settings))
    changed = [
        document_key(item, {**settings, "glossaries": []}),
        document_key(item, {**settings, "model": "other"}),
        document_key(item, {**settings, "select": ["number"]}),
        document_key(item, {**settings, "options": {"omission.partial": {"ratio": 0.5}}}),
        document_key(BatchItem("gen", zh, en, presegmented=True), settings),
    ]
    en.write_text(en.read_text("utf-8") + "One more verse.\n", "utf-8")
    changed.append(document_key(item, settings))
    assert len({key, *changed}) == len(changed) + 1
    assert document_key(BatchItem("gone", tmp_path / "missing.zh.txt", en), settings) is None


def test_a_document_added_to_the_corpus_changes_its_model_so_every_document_is_checked_again(tmp_path, capsys):
    """Each document is checked with the model learnt from the whole corpus, so the same
    corpus run again reuses every document, and a corpus with one more document (a new
    model) reuses none; the model file names the corpus it was learnt from."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(2):
        bible_chapters([f"Num:{n + 1}"], docs, f"num{n}")
    out = tmp_path / "out"
    argv = ["batch", str(docs), "--out", str(out), "--workers", "1"]
    assert main(argv) == 0
    first, model = read_corpus_model(out / MODEL_FILE)
    assert main(argv) == 0
    assert "(2 unchanged since the last run, reused)" in capsys.readouterr().out
    assert read_corpus_model(out / MODEL_FILE) == (first, model)

    bible_chapters(["Num:3"], docs, "num2")
    assert main(argv) == 0
    assert "reused" not in capsys.readouterr().out
    grown, bigger = read_corpus_model(out / MODEL_FILE)
    assert grown != first and bigger.links > model.links
    for n in range(3):
        summary = json.loads((out / f"num{n}" / "summary.json").read_text("utf-8"))
        assert summary["translation_model"] == {"learnt_from": "corpus", "links": bigger.links}


def test_a_worker_that_cannot_read_the_corpus_model_fails_the_document_with_its_path(tmp_path):
    """A second-pass task whose model file is missing (on a cluster: OUT not on shared
    storage) fails its document with a one-line error naming the file, writing nothing."""
    from align.batch import align_one, run_task

    zh, en = bible_chapter("Gen:1", tmp_path)
    item = BatchItem("gen", zh, en)
    aligned = align_one(item, {})
    missing = tmp_path / "out" / MODEL_FILE
    result = run_task(("check", item, tmp_path / "out", {}, aligned, str(missing), None), lambda stage: None, {})
    assert not result.ok and str(missing) in result.error and "\n" not in result.error
    assert not (tmp_path / "out").exists()
