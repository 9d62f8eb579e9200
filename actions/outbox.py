"""The action server's outbox: nothing the person confirmed is lost when the case API is down.

An intake (or an erasure request, or a review item for the operators' inbox) is written here,
durably, before the person is told it was passed on; it is then sent with its idempotency key
until the case API accepts it. The case API treats a repeated key as the same intake, so a retry
after a crash never creates a duplicate.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at REAL,
    result TEXT
)
"""


@dataclass
class Entry:
    key: str
    kind: str
    body: Dict[str, Any]
    attempts: int


class Outbox:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def put(self, key: str, kind: str, body: Dict[str, Any]) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (key, kind, body, created_at) VALUES (?, ?, ?, ?)",
                (key, kind, json.dumps(body, ensure_ascii=False, sort_keys=True), time.time()),
            )

    def pending(self, limit: int = 100) -> List[Entry]:
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT key, kind, body, attempts FROM outbox WHERE delivered_at IS NULL "
                "ORDER BY created_at LIMIT ?",
                (limit,),
            ).fetchall()
        return [Entry(key, kind, json.loads(body), attempts) for key, kind, body, attempts in rows]

    def mark_delivered(self, key: str, result: Dict[str, Any]) -> None:
        # Only what is needed to answer later questions (the intake id), not the person's data.
        summary = {k: result[k] for k in ("id", "deleted_intakes") if k in result}
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE outbox SET delivered_at = ?, result = ?, body = '{}' WHERE key = ?",
                (time.time(), json.dumps(summary), key),
            )

    def mark_failed(self, key: str, error: str) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE key = ?",
                (error[:500], key),
            )

    def result(self, key: str) -> Optional[Dict[str, Any]]:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT result FROM outbox WHERE key = ? AND delivered_at IS NOT NULL", (key,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def has(self, key: str) -> bool:
        """Whether anything was ever written under this key (delivered or still waiting)."""
        with self._lock, self._connect() as db:
            return db.execute("SELECT 1 FROM outbox WHERE key = ?", (key,)).fetchone() is not None

    def forget_conversation(self, conversation_id: str) -> int:
        """Drop what is still waiting of a conversation whose person asked for deletion (intakes,
        review items), except the erasure request itself."""
        removed = 0
        for entry in self.pending(limit=10_000):
            if entry.kind != "erasure" and entry.body.get("conversation_id") == conversation_id:
                with self._lock, self._connect() as db:
                    removed += db.execute("DELETE FROM outbox WHERE key = ?", (entry.key,)).rowcount
        return removed
