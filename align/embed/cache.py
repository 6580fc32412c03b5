"""The persistent embedding cache: SQLite, keyed by model id + SHA-1 of the text, so
unchanged text is never encoded twice, across runs and processes.

Each vector records the day it was last stored or read (``used``, Unix seconds rounded down
to the day: a read refreshes it at most once a day), which is what ``align cache prune``
goes by: the vectors of a model, those unused for N days, or the least recently used until
the file is under a size.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from align.errors import InputError

CACHE_FILE = "embeddings.sqlite"


def default_cache_dir() -> Path:
    """``$ALIGN_CACHE_DIR``, else ``~/.cache/align``."""
    env = os.environ.get("ALIGN_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "align"


class EmbeddingCache:
    """Vectors in SQLite keyed by (model id, SHA-1 of the text).

    WAL mode and a busy timeout let several processes share one cache file.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise InputError(self.path.parent, f"cannot use as the embedding cache folder ({why}); "
                             "set ALIGN_CACHE_DIR or --cache-dir to a writable folder") from None
        self._lock = threading.Lock()
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embedding ("
            " model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,"
            " used INTEGER NOT NULL DEFAULT 0,"
            " PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(embedding)")}
        if "used" not in columns:  # a cache from before use was tracked: its vectors count as used today
            self._db.execute("ALTER TABLE embedding ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
            self._db.execute("UPDATE embedding SET used = ?", [today()])
        self._db.commit()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        day = today()
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector, used FROM embedding WHERE model = ? AND key IN ({marks})", [model, *chunk])
                stale = []
                for key, blob, used in rows:
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
                    if used < day:
                        stale.append(key)
                if stale:  # mark only what was last used before today: a same-day re-run writes nothing
                    self._db.execute(
                        f"UPDATE embedding SET used = ? WHERE model = ? AND key IN ({','.join('?' * len(stale))})",
                        [day, model, *stale],
                    )
            self._db.commit()
        return found

    def put_many(self, model: str, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embedding (model, key, vector, used) VALUES (?, ?, ?, ?)",
                [(model, key, np.ascontiguousarray(vec, dtype=np.float32).tobytes(), today()) for key, vec in items],
            )
            self._db.commit()

    def count(self, model: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM embedding WHERE model = ?", [model]).fetchone()[0]

    def models(self) -> list[ModelVectors]:
        """Per model: vectors, bytes of vector data, the oldest and newest day of use."""
        with self._lock:
            rows = self._db.execute(
                "SELECT model, COUNT(*), SUM(LENGTH(vector) + LENGTH(key)), MIN(used), MAX(used)"
                " FROM embedding GROUP BY model ORDER BY model"
            ).fetchall()
        return [ModelVectors(*row) for row in rows]

    def file_bytes(self) -> int:
        """The cache on disk: the database and its write-ahead log."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def prune(self, *, model: str | None = None, unused_days: float | None = None,
              max_bytes: int | None = None, dry_run: bool = False) -> PruneResult:
        """Delete the vectors of ``model``, those unused for ``unused_days`` days, then the
        least recently used until the vector data fits in ``max_bytes``; then compact the file.

        With several criteria a vector goes if any of them says so. ``dry_run`` counts only."""
        before = self.file_bytes()
        conditions, params = [], []
        if model is not None:
            conditions.append("model = ?")
            params.append(model)
        if unused_days is not None:
            conditions.append("used < ?")
            params.append(time.time() - unused_days * 86400)
        with self._lock:
            doomed = set()
            if conditions:
                doomed.update(self._db.execute(
                    f"SELECT model, key FROM embedding WHERE {' OR '.join(conditions)}", params
                ).fetchall())
            if max_bytes is not None:
                kept = 0
                for row_model, key, size in self._db.execute(
                    "SELECT model, key, LENGTH(vector) + LENGTH(key) FROM embedding ORDER BY used DESC, model, key"
                ):
                    if (row_model, key) in doomed:
                        continue
                    kept += size
                    if kept > max_bytes:
                        doomed.add((row_model, key))
            freed = 0
            for start_rows in _chunks(sorted(doomed), 500):
                marks = ",".join("(?, ?)" for _ in start_rows)
                flat = [v for pair in start_rows for v in pair]
                freed += self._db.execute(
                    f"SELECT COALESCE(SUM(LENGTH(vector) + LENGTH(key)), 0) FROM embedding"
                    f" WHERE (model, key) IN (VALUES {marks})", flat
                ).fetchone()[0]
                if not dry_run:
                    self._db.execute(f"DELETE FROM embedding WHERE (model, key) IN (VALUES {marks})", flat)
            if not dry_run:
                self._db.commit()
                if doomed:
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    self._db.execute("VACUUM")
        return PruneResult(len(doomed), freed, before, before if dry_run else self.file_bytes())

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def today() -> int:
    """Now, rounded down to the day (Unix seconds): the granularity of ``used``."""
    now = int(time.time())
    return now - now % 86400


@dataclass(frozen=True)
class ModelVectors:
    model: str
    vectors: int
    bytes: int
    oldest_use: int
    newest_use: int


@dataclass(frozen=True)
class PruneResult:
    vectors: int
    vector_bytes: int
    file_bytes_before: int
    file_bytes_after: int


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``500MB``, ``2G``, ``1.5GiB``, ``100k``, ``4096`` → bytes (powers of 1024)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (try 500MB or 2GB)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * 1024 ** "_kmgt".index(unit or "_"))


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
