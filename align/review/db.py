"""The review database: an append-only history of reviewer actions in SQLite.

Nothing is ever updated or deleted (triggers refuse it); the current state of a flag is
derived from its latest status event. WAL mode lets the web app's threads read while one
writes; ``synchronous=FULL`` makes every acknowledged write survive a killed process.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from align.errors import InputError

STATUS_ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed", "reopen": "open"}
TERM_ACTIONS = ("approve", "reject")
APPEND_ONLY = ("runs_seen", "flag_events", "link_fixes", "term_proposals", "term_decisions")
FIX_EVENTS = ("undo", "applied")


def _append_only(tables) -> str:
    return "".join(
        f"""
    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END;
    CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END;
    """
        for table in tables
    )


# One script per schema version; ``PRAGMA user_version`` records how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs_seen (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        flags INTEGER NOT NULL,
        seen_at TEXT NOT NULL,
        UNIQUE (doc, fingerprint)
    );
    CREATE TABLE flags (
        id TEXT PRIMARY KEY,
        check_code TEXT NOT NULL,
        first_run INTEGER NOT NULL REFERENCES runs_seen(id)
    );
    CREATE TABLE flag_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        flag_id TEXT NOT NULL REFERENCES flags(id),
        run_id INTEGER REFERENCES runs_seen(id),
        action TEXT NOT NULL CHECK (action IN ('confirm', 'dismiss', 'reopen', 'comment')),
        reason TEXT,
        comment TEXT,
        doc TEXT,
        link INTEGER,
        reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
        at TEXT NOT NULL
    );
    CREATE INDEX flag_events_by_flag ON flag_events (flag_id, id);
    CREATE TABLE link_fixes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('merge', 'split', 'untranslated')),
        params TEXT NOT NULL CHECK (json_valid(params)),
        reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
        at TEXT NOT NULL
    );
    CREATE TABLE term_proposals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        zh TEXT NOT NULL CHECK (length(zh) > 0),
        en TEXT NOT NULL CHECK (length(en) > 0),
        note TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL CHECK (source IN ('reviewer', 'suggest')),
        doc TEXT,
        link INTEGER,
        flag_id TEXT REFERENCES flags(id),
        reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
        at TEXT NOT NULL
    );
    CREATE TABLE term_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        proposal_id INTEGER NOT NULL REFERENCES term_proposals(id),
        action TEXT NOT NULL CHECK (action IN ('approve', 'reject')),
        glossary TEXT,
        reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
        at TEXT NOT NULL
    );
    """
    + _append_only(APPEND_ONLY),
    # v2: alignment fixes know the flag they were made from, can be undone and remember
    # which pairs.jsonl `align review apply` wrote them into; glossary decisions keep the
    # English as approved (the maintainer may edit it) and suggestions their original English.
    """
    ALTER TABLE link_fixes ADD COLUMN flag_id TEXT REFERENCES flags(id);
    CREATE TABLE link_fix_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fix_id INTEGER NOT NULL REFERENCES link_fixes(id),
        action TEXT NOT NULL CHECK (action IN ('undo', 'applied')),
        pairs_digest TEXT,
        reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
        at TEXT NOT NULL
    );
    CREATE INDEX link_fix_events_by_fix ON link_fix_events (fix_id, id);
    ALTER TABLE term_proposals ADD COLUMN suggested_en TEXT;
    ALTER TABLE term_decisions ADD COLUMN en TEXT;
    """
    + _append_only(["link_fix_events"]),
)
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class FlagState:
    """What the history says about one flag now."""

    status: str  # open | confirmed | dismissed
    reviewer: str | None = None
    at: str | None = None
    reason: str | None = None
    run_id: int | None = None
    comments: int = 0


class ReviewDB:
    """A review database file; opens a short-lived connection per unit of work."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            self._migrate(conn)

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise InputError(self.path, f"not a usable review database ({exc})") from exc
        try:
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; it is committed (durably) when the block exits."""
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _append(self, table: str, **values: Any) -> int:
        """Insert one history row stamped with the time; return its id (committed)."""
        values["at"] = now()
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        with self.write() as conn:
            cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))
            return int(cursor.lastrowid)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.execute("ROLLBACK")
            raise InputError(
                self.path,
                f"review database schema v{version} is newer than this align (v{SCHEMA_VERSION})",
            )
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")

    # ---- runs and flags -------------------------------------------------------------

    def record_run(self, doc: str, fingerprint: str, flags: list[tuple[str, str]]) -> int:
        """Register one document's run (once per fingerprint) and its flags; return the run id."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT id FROM runs_seen WHERE doc = ? AND fingerprint = ?", (doc, fingerprint)
            ).fetchone()
            if row:
                return int(row["id"])
            run_id = conn.execute(
                "INSERT INTO runs_seen (doc, fingerprint, flags, seen_at) VALUES (?, ?, ?, ?)",
                (doc, fingerprint, len(flags), now()),
            ).lastrowid
            conn.executemany(
                "INSERT OR IGNORE INTO flags (id, check_code, first_run) VALUES (?, ?, ?)",
                [(flag_id, check, run_id) for flag_id, check in flags],
            )
            return int(run_id)

    def add_flag_event(
        self,
        flag_id: str,
        action: str,
        reviewer: str,
        *,
        run_id: int | None = None,
        reason: str | None = None,
        comment: str | None = None,
        doc: str | None = None,
        link: int | None = None,
    ) -> int:
        return self._append(
            "flag_events", flag_id=flag_id, run_id=run_id, action=action, reason=reason,
            comment=comment, doc=doc, link=link, reviewer=reviewer,
        )

    def flag_states(self) -> dict[str, FlagState]:
        """Current state of every flag with any history: its latest status event wins."""
        with self.connect() as conn:
            latest = conn.execute(
                """
                SELECT e.flag_id, e.action, e.reviewer, e.at, e.reason, e.run_id
                FROM flag_events e
                JOIN (SELECT flag_id, MAX(id) AS id FROM flag_events
                      WHERE action != 'comment' GROUP BY flag_id) last ON last.id = e.id
                """
            ).fetchall()
            comments = dict(
                conn.execute(
                    "SELECT flag_id, COUNT(*) FROM flag_events WHERE action = 'comment'"
                    " GROUP BY flag_id"
                ).fetchall()
            )
        states = {
            r["flag_id"]: FlagState(
                STATUS_ACTIONS[r["action"]], r["reviewer"], r["at"], r["reason"], r["run_id"],
                comments.get(r["flag_id"], 0),
            )
            for r in latest
        }
        for flag_id, count in comments.items():
            states.setdefault(flag_id, FlagState("open", comments=count))
        return states

    def reviewer_decisions(self) -> dict[str, dict[str, dict[str, Any]]]:
        """flag id → reviewer → that reviewer's latest confirm/dismiss/reopen event on it."""
        with self.connect() as conn:
            rows = conn.execute(
                """
                SELECT e.flag_id, e.reviewer, e.action, e.reason, e.at
                FROM flag_events e
                JOIN (SELECT MAX(id) AS id FROM flag_events WHERE action != 'comment'
                      GROUP BY flag_id, reviewer) last ON last.id = e.id
                ORDER BY e.id
                """
            ).fetchall()
        decisions: dict[str, dict[str, dict[str, Any]]] = {}
        for r in rows:
            decisions.setdefault(r["flag_id"], {})[r["reviewer"]] = dict(r) | {"status": STATUS_ACTIONS[r["action"]]}
        return decisions

    def flag_history(self, flag_id: str) -> list[dict[str, Any]]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT * FROM flag_events WHERE flag_id = ? ORDER BY id", (flag_id,)
            ).fetchall()
        return [dict(r) for r in rows]

    def all_flag_events(self) -> list[dict[str, Any]]:
        with self.connect() as conn:
            return [dict(r) for r in conn.execute("SELECT * FROM flag_events ORDER BY id")]

    # ---- alignment fixes ------------------------------------------------------------

    def add_link_fix(
        self, doc: str, action: str, params: dict[str, Any], reviewer: str, flag_id: str | None = None
    ) -> int:
        return self._append(
            "link_fixes", doc=doc, action=action, params=json.dumps(params, ensure_ascii=False),
            reviewer=reviewer, flag_id=flag_id,
        )

    def add_fix_event(self, fix_id: int, action: str, reviewer: str, pairs_digest: str | None = None) -> int:
        return self._append(
            "link_fix_events", fix_id=fix_id, action=action, reviewer=reviewer, pairs_digest=pairs_digest
        )

    def link_fixes(self, doc: str | None = None) -> list[dict[str, Any]]:
        """Alignment fixes in the order made, each with ``undone`` (an undo event, or None)
        and ``applied_to`` (digests of the pairs.jsonl files `apply` wrote it into)."""
        query, args = "SELECT * FROM link_fixes", ()
        if doc is not None:
            query, args = query + " WHERE doc = ?", (doc,)
        with self.connect() as conn:
            rows = conn.execute(query + " ORDER BY id", args).fetchall()
            events = conn.execute("SELECT * FROM link_fix_events ORDER BY id").fetchall()
        undone = {e["fix_id"]: dict(e) for e in events if e["action"] == "undo"}
        applied: dict[int, set[str]] = {}
        for e in events:
            if e["action"] == "applied":
                applied.setdefault(e["fix_id"], set()).add(e["pairs_digest"])
        return [
            dict(r) | {"params": json.loads(r["params"]), "undone": undone.get(r["id"]),
                       "applied_to": applied.get(r["id"], set())}
            for r in rows
        ]

    # ---- glossary proposals ---------------------------------------------------------

    def add_term_proposal(
        self,
        zh: str,
        en: str,
        reviewer: str,
        *,
        source: str = "reviewer",
        note: str = "",
        suggested_en: str | None = None,
        doc: str | None = None,
        link: int | None = None,
        flag_id: str | None = None,
    ) -> int:
        return self._append(
            "term_proposals", zh=zh, en=en, note=note, source=source, doc=doc, link=link,
            flag_id=flag_id, reviewer=reviewer, suggested_en=suggested_en,
        )

    def term_proposals(self) -> list[dict[str, Any]]:
        """Every proposal with its latest decision (``decision`` is None while pending)."""
        with self.connect() as conn:
            rows = conn.execute(
                """
                SELECT p.*, d.action AS decision, d.reviewer AS decided_by, d.at AS decided_at,
                       d.glossary AS decided_glossary, d.en AS decided_en
                FROM term_proposals p
                LEFT JOIN term_decisions d ON d.id = (
                    SELECT MAX(id) FROM term_decisions WHERE proposal_id = p.id)
                ORDER BY p.id
                """
            ).fetchall()
        return [dict(r) for r in rows]

    def decide_term(
        self, proposal_id: int, action: str, reviewer: str, glossary: str | None = None,
        en: str | None = None,
    ) -> int:
        """``en``: the English as approved, when the maintainer edited the proposal's."""
        return self._append(
            "term_decisions", proposal_id=proposal_id, action=action, glossary=glossary,
            reviewer=reviewer, en=en,
        )


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit early)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
