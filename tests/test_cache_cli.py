"""`align cache info` / `align cache prune` on a real cache filled by the real encoder."""
from __future__ import annotations

import sqlite3
import time

import pytest
from conftest import EN_SEED, ZH_SEED

from align.cli import main
from align.embed.cache import CACHE_FILE, EmbeddingCache, parse_size, today
from align.text.segment import load_document


@pytest.fixture
def filled(tmp_path):
    """A cache folder holding the seed's sentence vectors from the default encoder."""
    from align.embed.encoders import load_encoder

    encoder = load_encoder(cache_dir=tmp_path)
    texts = load_document(ZH_SEED, "zh").texts[:40] + load_document(EN_SEED, "en").texts[:40]
    encoder.encode(texts)
    return tmp_path, encoder.model_id, len(set(texts))


def _count(folder, where: str = "1", params=()) -> int:
    with sqlite3.connect(folder / CACHE_FILE) as db:
        return db.execute(f"SELECT COUNT(*) FROM embedding WHERE {where}", params).fetchone()[0]


def test_info_lists_models_vectors_and_size(filled, capsys):
    folder, model, n = filled
    assert main(["cache", "info", "--cache-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{n} vectors, 1 model(s)" in out and f"  {model}: {n} vectors" in out
    assert main(["cache", "info", "--cache-dir", str(folder / "nothing")]) == 2
    assert "no embedding cache here" in capsys.readouterr().err


def test_prune_by_age_size_and_model_removes_what_it_says(filled, capsys):
    folder, model, n = filled
    old = time.time() - 40 * 86400
    with sqlite3.connect(folder / CACHE_FILE) as db:  # a quarter of the vectors last used 40 days ago
        keys = [row[0] for row in db.execute("SELECT key FROM embedding ORDER BY key")][: n // 4]
        db.executemany("UPDATE embedding SET used = ? WHERE key = ?", [(old, k) for k in keys])

    assert main(["cache", "prune", "--older-than", "30", "--dry-run", "--cache-dir", str(folder)]) == 0
    assert f"would remove {len(keys)} vectors" in capsys.readouterr().out and _count(folder) == n
    assert main(["cache", "prune", "--older-than", "30", "--cache-dir", str(folder)]) == 0
    assert f"removed {len(keys)} vectors" in capsys.readouterr().out
    assert _count(folder) == n - len(keys) and _count(folder, "used < ?", [old + 1]) == 0

    # to a size: the least recently used go first, what stays fits
    cache = EmbeddingCache(folder / CACHE_FILE)
    per_vector = cache.models()[0].bytes // (n - len(keys))
    with sqlite3.connect(folder / CACHE_FILE) as db:
        recent = [row[0] for row in db.execute("SELECT key FROM embedding ORDER BY key")][:10]
        db.executemany("UPDATE embedding SET used = ? WHERE key = ?", [(time.time() + 86400, k) for k in recent])
    limit = per_vector * 10
    assert main(["cache", "prune", "--max-size", str(limit), "--cache-dir", str(folder)]) == 0
    with sqlite3.connect(folder / CACHE_FILE) as db:
        left = {row[0] for row in db.execute("SELECT key FROM embedding")}
    assert left == set(recent)
    assert cache.models()[0].bytes <= limit

    assert main(["cache", "prune", "--model", "no-such-model", "--cache-dir", str(folder)]) == 2
    assert main(["cache", "prune", "--model", model, "--cache-dir", str(folder)]) == 0
    assert "removed 10 vectors" in capsys.readouterr().out and _count(folder) == 0
    assert main(["cache", "prune", "--cache-dir", str(folder)]) == 2  # nothing to prune by


def test_sizes_parse_in_powers_of_1024():
    assert [parse_size(s) for s in ("4096", "100k", "500MB", "1.5GiB")] == [4096, 102400, 500 << 20, 3 << 29]
    with pytest.raises(ValueError):
        parse_size("lots")


def test_a_cache_from_before_use_was_tracked_is_upgraded_in_place(tmp_path):
    path = tmp_path / CACHE_FILE
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE embedding (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,"
                   " PRIMARY KEY (model, key)) WITHOUT ROWID")
        db.execute("INSERT INTO embedding VALUES ('m', x'01', x'0000803f')")
    cache = EmbeddingCache(path)
    [row] = cache.models()
    assert (row.model, row.vectors) == ("m", 1) and row.oldest_use > time.time() - 2 * 86400
    assert list(cache.get_many("m", [b"\x01"])[b"\x01"]) == [1.0]


def test_reading_a_vector_marks_it_used_today_and_a_same_day_read_writes_nothing(filled):
    folder, model, n = filled
    old = today() - 40 * 86400
    cache = EmbeddingCache(folder / CACHE_FILE)
    keys = [key for (key,) in sqlite3.connect(folder / CACHE_FILE).execute("SELECT key FROM embedding")]
    with sqlite3.connect(folder / CACHE_FILE) as db:
        db.executemany("UPDATE embedding SET used = ? WHERE key = ?", [(old, k) for k in keys[:10]])
    assert len(cache.get_many(model, keys)) == n
    assert _count(folder, "used < ?", [old + 1]) == 0  # the ten old ones were marked
    changes = cache._db.total_changes
    assert len(cache.get_many(model, keys)) == n and cache._db.total_changes == changes


def test_check_and_batch_keep_their_vectors_in_the_cache_dir_they_are_given(tmp_path, capsys):
    """`--cache-dir` on `align check` and `align batch` (as on `align align`): the vectors of
    the run go to that folder, which `align cache info` then reads."""
    from test_batch import bible_chapter

    zh, en = bible_chapter("Gen:3", tmp_path)
    check_cache, batch_cache = tmp_path / "check-cache", tmp_path / "batch-cache"
    assert main(["check", str(zh), str(en), "--presegmented", "--out", str(tmp_path / "run"),
                 "--cache-dir", str(check_cache), "--quiet"]) == 0
    sentences = len({line for f in (zh, en) for line in f.read_text("utf-8").splitlines() if line.strip()})
    assert _count(check_cache) >= sentences  # every sentence, and the clauses the checks encoded
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"name,zh,en,presegmented\ngen3,{zh.name},{en.name},yes\n", "utf-8")
    assert main(["batch", str(manifest), "--out", str(tmp_path / "batch"), "--workers", "1",
                 "--cache-dir", str(batch_cache), "--quiet"]) == 0
    assert _count(batch_cache) == _count(check_cache)  # the same texts, encoded there once
    capsys.readouterr()
    assert main(["cache", "info", "--cache-dir", str(batch_cache)]) == 0
    assert f"{_count(batch_cache)} vectors" in capsys.readouterr().out
