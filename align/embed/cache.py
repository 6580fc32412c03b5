"""The persistent embedding cache: SQLite, keyed by model id + SHA-1 of the text, so
unchanged text is never encoded twice, across runs and processes."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
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
            " PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self._db.commit()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM embedding WHERE model = ? AND key IN ({marks})",
                    [model, *chunk],
                )
                for key, blob in rows:
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embedding (model, key, vector) VALUES (?, ?, ?)",
                [(model, key, np.ascontiguousarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
            )
            self._db.commit()

    def count(self, model: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM embedding WHERE model = ?", [model]).fetchone()[0]
