"""The Telegram bridge's durable inbox (SQLite under var/).

Every update is written here before Telegram is told it arrived (polling) or before the webhook
answers 200, keyed by its update_id: a redelivered update finds its row and is dropped, so each
update is handled exactly once. A message waits here while Rasa is down and is answered when it
is back; once answered, its text is removed and only the update_id stays (for the redelivery
check) until it is pruned. Photos, voice messages, files and stickers are never stored: their
row says only "not text".
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                 -- text | button | not_text | ignored
    body TEXT,                          -- the text or button payload; NULL once answered
    message_id INTEGER,                 -- the person's message (text) or the bot's message (button)
    language_hint TEXT,
    callback_query_id TEXT,
    received_at REAL NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    told_unavailable INTEGER NOT NULL DEFAULT 0,
    -- Sent to Rasa without a definite answer: before sending again, look in the conversation.
    maybe_delivered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS updates_pending ON updates (done, chat_id, update_id);
CREATE TABLE IF NOT EXISTS chat_languages (
    chat_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,
    updated_at REAL NOT NULL
);
-- Telegram carries at most 64 bytes of callback data; a longer button payload is kept here.
CREATE TABLE IF NOT EXISTS long_payloads (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL
);
"""

KINDS = ("text", "button", "not_text", "ignored")


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, reduced to what the bridge needs."""

    update_id: int
    chat_id: int
    kind: str
    body: str | None = None
    message_id: int | None = None
    language_hint: str | None = None
    callback_query_id: str | None = None


@dataclass(frozen=True)
class Pending(Incoming):
    attempts: int = 0
    told_unavailable: bool = False
    maybe_delivered: bool = False


class Inbox:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> "_Connection":
        return _Connection(self.path)

    def accept(self, incoming: Incoming) -> bool:
        """Stores an update; False when this update_id was seen before (a redelivery)."""
        done = incoming.kind == "ignored"
        with self._db() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO updates (update_id, chat_id, kind, body, message_id, language_hint,"
                " callback_query_id, received_at, done) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (incoming.update_id, incoming.chat_id, incoming.kind, incoming.body, incoming.message_id,
                 incoming.language_hint, incoming.callback_query_id, time.time(), int(done)),
            )
            return cursor.rowcount == 1

    def next_offset(self) -> int | None:
        with self._db() as db:
            (highest,) = db.execute("SELECT MAX(update_id) FROM updates").fetchone()
        return None if highest is None else highest + 1

    def pending(self) -> list[Pending]:
        with self._db() as db:
            rows = db.execute(
                "SELECT update_id, chat_id, kind, body, message_id, language_hint, callback_query_id,"
                " attempts, told_unavailable, maybe_delivered FROM updates WHERE done = 0 ORDER BY update_id"
            ).fetchall()
        return [
            Pending(*row[:7], attempts=row[7], told_unavailable=bool(row[8]), maybe_delivered=bool(row[9]))
            for row in rows
        ]

    def _column(self, update_id: int, column: str):
        """One column of one update, as stored now (None if there is no such update)."""
        assert column in ("done", "maybe_delivered", "body")
        with self._db() as db:
            row = db.execute(f"SELECT {column} FROM updates WHERE update_id = ?", (update_id,)).fetchone()
        return row[0] if row else None

    def is_done(self, update_id: int) -> bool:
        return bool(self._column(update_id, "done"))

    def maybe_delivered(self, update_id: int) -> bool:
        """Whether the message may have reached Rasa (it was sent, and no answer says it was not).
        Read again: a `Pending` row holds the value from before its latest attempt."""
        return bool(self._column(update_id, "maybe_delivered"))

    def stored_body(self, update_id: int) -> str | None:
        return self._column(update_id, "body")

    def started(self, update_id: int, *, maybe_delivered: bool) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE updates SET attempts = attempts + 1, maybe_delivered = MAX(maybe_delivered, ?) WHERE update_id = ?",
                (int(maybe_delivered), update_id),
            )

    def not_delivered(self, update_id: int) -> None:
        """Rasa certainly did not get it (no connection): the next attempt simply sends again."""
        with self._db() as db:
            db.execute("UPDATE updates SET maybe_delivered = 0 WHERE update_id = ?", (update_id,))

    def finish(self, update_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE updates SET done = 1, body = NULL, language_hint = NULL WHERE update_id = ?", (update_id,))

    def told_unavailable(self, update_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE updates SET told_unavailable = 1 WHERE update_id = ?", (update_id,))

    def chat_was_told(self, chat_id: int) -> bool:
        """Whether the person was already told Rasa is down, for a message still waiting."""
        with self._db() as db:
            row = db.execute(
                "SELECT 1 FROM updates WHERE chat_id = ? AND done = 0 AND told_unavailable = 1 LIMIT 1", (chat_id,)
            ).fetchone()
        return row is not None

    def remember_language(self, chat_id: int, language: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO chat_languages (chat_id, language, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
                (chat_id, language, time.time()),
            )

    def language_of(self, chat_id: int) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)).fetchone()
        return row[0] if row else None

    def callback_data(self, payload: str) -> str:
        """Callback data for a button: the payload itself, or a key to it when it is too long."""
        if len(payload.encode()) <= 64:
            return payload
        key = "#" + hashlib.sha256(payload.encode()).hexdigest()[:32]
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO long_payloads (key, payload) VALUES (?, ?)", (key, payload))
        return key

    def payload_of(self, data: str) -> str | None:
        if not data.startswith("#"):
            return data
        with self._db() as db:
            row = db.execute("SELECT payload FROM long_payloads WHERE key = ?", (data,)).fetchone()
        return row[0] if row else None

    def prune(self, older_than_seconds: float = 7 * 24 * 3600, languages_older_than_seconds: float = 183 * 24 * 3600) -> int:
        """Forgets answered updates older than this (Telegram redelivers for at most a day),
        keeping the newest so that polling continues after it, and the language of chats
        that have been silent for the retention period."""
        now = time.time()
        with self._db() as db:
            cursor = db.execute(
                "DELETE FROM updates WHERE done = 1 AND received_at < ? AND update_id < (SELECT MAX(update_id) FROM updates)",
                (now - older_than_seconds,),
            )
            db.execute("DELETE FROM chat_languages WHERE updated_at < ?", (now - languages_older_than_seconds,))
            return cursor.rowcount


class _Connection:
    """One short connection per operation: the API process (webhook) and the bridge process
    both write this file, so nobody holds it open or locked between operations."""

    def __init__(self, path: Path):
        self._connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA busy_timeout=10000")

    def __enter__(self) -> sqlite3.Connection:
        return self._connection

    def __exit__(self, *exc: object) -> None:
        self._connection.close()
