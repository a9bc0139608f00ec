"""The verdict table: URL -> outcome, checked-at, expiry, and the first snapshot.

Plain SQLite beside the requests-cache HTTP cache, so a warm run answers from
here without importing the HTTP stack or sending a request. Several citelint
processes may share it (pre-commit runs hooks in parallel): WAL mode and a
long busy timeout; a store that cannot be opened or read is replaced by an
in-memory one, with a warning.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from citelint.cache import make_cache_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    url TEXT PRIMARY KEY,
    code TEXT,
    status INTEGER,
    detail TEXT NOT NULL,
    final_url TEXT,
    content_type TEXT,
    checked_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    url TEXT PRIMARY KEY,
    taken_at REAL NOT NULL,
    fingerprint TEXT NOT NULL
);
"""
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one URL. ``code`` is None when the link is fine."""

    url: str
    code: Optional[str]
    detail: str
    status: Optional[int] = None
    final_url: Optional[str] = None
    content_type: Optional[str] = None
    checked_at: float = 0.0
    expires_at: float = 0.0


class VerdictStore:
    def __init__(self, path: Optional[Path], warn: Callable[[str], None]) -> None:
        self._lock = threading.Lock()
        self._warn = warn
        self.connection = self._open(path)

    def _open(self, path: Optional[Path]) -> sqlite3.Connection:
        if path is not None:
            try:
                make_cache_folder(str(path.parent))
                connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")  # a cache: durable enough, no fsync per write
                connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
                connection.executescript(SCHEMA)
                return connection
            except (sqlite3.Error, OSError) as error:
                self._warn(f"the URL cache {path} cannot be used ({error}); checking without it")
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.executescript(SCHEMA)
        return connection

    def _degrade(self, error: Exception) -> None:
        self._warn(f"the URL cache failed ({error}); going on without it")
        self.connection = sqlite3.connect(":memory:", check_same_thread=False)
        self.connection.executescript(SCHEMA)

    def _read(self, sql: str, url: str) -> Optional[tuple]:  # type: ignore[type-arg]
        with self._lock:
            try:
                return self.connection.execute(sql, (url,)).fetchone()  # type: ignore[no-any-return]
            except sqlite3.Error as error:
                self._degrade(error)
                return None

    def _write(self, sql: str, rows: list[tuple]) -> None:  # type: ignore[type-arg]
        with self._lock:
            try:
                with self.connection:
                    self.connection.executemany(sql, rows)
            except sqlite3.Error as error:
                self._degrade(error)

    def get(self, url: str) -> Optional[Verdict]:
        row = self._read(
            "SELECT url, code, detail, status, final_url, content_type, checked_at, expires_at FROM verdicts WHERE url = ?",
            url,
        )
        return Verdict(*row) if row else None

    def put(self, verdicts: list[Verdict]) -> None:
        rows = [
            (v.url, v.code, v.status, v.detail, v.final_url, v.content_type, v.checked_at, v.expires_at)
            for v in verdicts
        ]
        self._write("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def snapshot(self, url: str) -> Optional[tuple[float, str]]:
        row = self._read("SELECT taken_at, fingerprint FROM snapshots WHERE url = ?", url)
        return (float(row[0]), str(row[1])) if row else None

    def save_snapshots(self, rows: list[tuple[str, float, str]]) -> None:
        """Keep the first snapshot of each URL (a later one never replaces it)."""
        self._write("INSERT OR IGNORE INTO snapshots VALUES (?, ?, ?)", rows)

    def replace_snapshots(self, rows: list[tuple[str, float, str]]) -> None:
        """Take these as the snapshots of their URLs (``--accept-changes``)."""
        self._write("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        try:
            self.connection.close()
        except sqlite3.Error:
            pass
