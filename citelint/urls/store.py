"""The verdict table: (policy, URL) -> outcome, checked-at, expiry; and the first snapshot.

Plain SQLite beside the requests-cache HTTP cache, so a warm run answers from
here without importing the HTTP stack or sending a request. Several citelint
processes may share it (pre-commit runs hooks in parallel): WAL mode and a
long busy timeout; a store that cannot be opened or read is replaced by an
in-memory one, with a warning.

A verdict is kept under the address policy that reached it (``open`` with
``--allow-private``, else ``guarded``), so a run with the guard closed never
answers from what a run with it open saw. Every row read is validated: a
code this citelint does not know, text in a number column, an expiry past
``now + expire-after`` (a committed file saying "fine until the year 10^300")
is a miss, never an error or a verdict. The table's format is in its name
(``verdicts_v4``; format 3 added ``page``, the page's metadata as JSON, for URL007;
format 4 the table ``outcomes_v4``, each URL's recent outcomes, for flaky links):
citelint versions that share one cache file each read only the rows of their own
format. Nothing is opened through a symbolic link
(``cache.make_cache_folder``).
"""

import math
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional

from citelint.cache import make_cache_folder, switch_to_wal
from citelint.config import MAX_FLAKY_WINDOW
from citelint.urls import URL_RULES

FORMAT = 4
OUTCOMES = f"outcomes_v{FORMAT}"  # each URL's recent outcomes (urls.history): flaky is not dead
OUTCOMES_KEPT = MAX_FLAKY_WINDOW  # outcomes kept per URL, at most
VERDICTS = f"verdicts_v{FORMAT}"  # format 1 was the table "verdicts", keyed by URL alone
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {VERDICTS} (
    policy TEXT NOT NULL,
    url TEXT NOT NULL,
    code TEXT,
    status INTEGER,
    detail TEXT NOT NULL,
    final_url TEXT,
    content_type TEXT,
    page TEXT,
    checked_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (policy, url)
);
CREATE TABLE IF NOT EXISTS {OUTCOMES} (
    policy TEXT NOT NULL,
    url TEXT NOT NULL,
    checked_at REAL NOT NULL,
    code TEXT
);
CREATE INDEX IF NOT EXISTS {OUTCOMES}_url ON {OUTCOMES} (policy, url, checked_at);
CREATE TABLE IF NOT EXISTS snapshots (
    url TEXT PRIMARY KEY,
    taken_at REAL NOT NULL,
    fingerprint TEXT NOT NULL
);
"""
BUSY_TIMEOUT_S = 30.0
DEFAULT_EXPIRE_AFTER = 7 * 24 * 3600.0
MAX_TEXT = 16 * 1024  # characters of a detail, URL or content type a verdict may hold
VERDICT_BATCH = 500  # URLs asked of the verdict table in one query (SQLite allows 999 parameters at least)
SQLITE_FILES = ("", "-journal", "-wal", "-shm")  # the database and the files SQLite keeps beside it


class Verdict(NamedTuple):
    """The outcome of checking one URL. ``code`` is None when the link is fine."""

    url: str
    code: Optional[str]
    detail: str
    status: Optional[int] = None
    final_url: Optional[str] = None
    content_type: Optional[str] = None
    checked_at: float = 0.0
    expires_at: float = 0.0
    page: Optional[str] = None  # the page's metadata (urls.page_meta.PageMeta.dumps()), for URL007


class VerdictStore:
    def __init__(
        self,
        path: Optional[Path],
        warn: Callable[[str], None],
        policy: str = "guarded",
        expire_after: float = DEFAULT_EXPIRE_AFTER,
    ) -> None:
        self._lock = threading.Lock()
        self._warn = warn
        self.policy = policy  # verdicts are read and written under this key only
        self.expire_after = expire_after  # no row may be good for longer than this from now
        self.connection = self._open(path)

    def _open(self, path: Optional[Path]) -> sqlite3.Connection:
        if path is not None:
            try:
                make_cache_folder(str(path.parent), [path.name + suffix for suffix in SQLITE_FILES])
                connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
                switch_to_wal(connection, BUSY_TIMEOUT_S)
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
        """The verdict kept for ``url`` under this store's policy, if it is valid."""
        with self._lock:
            try:
                row = self.connection.execute(
                    f"SELECT url, code, detail, status, final_url, content_type, checked_at, expires_at, page FROM {VERDICTS} "
                    "WHERE policy = ? AND url = ?",
                    (self.policy, url),
                ).fetchone()
            except sqlite3.Error as error:
                self._degrade(error)
                return None
        if row is None or not valid_verdict(row, url, time.time() + self.expire_after):
            return None
        return Verdict(*row)

    def get_many(self, urls: list[str]) -> dict[str, Verdict]:
        """The valid verdicts kept for ``urls`` under this store's policy, by URL: one
        query per VERDICT_BATCH URLs rather than one per URL."""
        rows = self._read_batches(
            f"SELECT url, code, detail, status, final_url, content_type, checked_at, expires_at, page FROM {VERDICTS} "
            "WHERE policy = ? AND url IN ({marks})",
            urls,
            self.policy,
        )
        latest = time.time() + self.expire_after
        return {row[0]: Verdict(*row) for row in rows if isinstance(row[0], str) and valid_verdict(row, row[0], latest)}

    def _read_batches(self, sql: str, urls: list[str], *leading: object) -> list[tuple]:  # type: ignore[type-arg]
        """The rows ``sql`` selects for ``urls`` (its ``{marks}``: one ``?`` a URL, after
        the ``leading`` parameters), VERDICT_BATCH URLs a query; none when the store
        fails (it is replaced by an empty one: ``_degrade``)."""
        rows: list[tuple] = []  # type: ignore[type-arg]
        for start in range(0, len(urls), VERDICT_BATCH):
            batch = urls[start : start + VERDICT_BATCH]
            with self._lock:
                try:
                    rows += self.connection.execute(sql.format(marks=", ".join("?" * len(batch))), (*leading, *batch)).fetchall()
                except sqlite3.Error as error:
                    self._degrade(error)
                    return []
        return rows

    def put(self, verdicts: list[Verdict]) -> None:
        rows = [
            (self.policy, v.url, v.code, v.status, v.detail, v.final_url, v.content_type, v.checked_at, v.expires_at, v.page)
            for v in verdicts
        ]
        self._write(
            f"INSERT OR REPLACE INTO {VERDICTS} (policy, url, code, status, detail, final_url, content_type, checked_at, expires_at, page) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def snapshot(self, url: str) -> Optional[tuple[float, str]]:
        """(taken at, fingerprint) of ``url``'s first snapshot, if it is valid."""
        row = self._read("SELECT taken_at, fingerprint FROM snapshots WHERE url = ?", url)
        if row is None or not (_is_time(row[0], time.time() + self.expire_after) and isinstance(row[1], str)):
            return None
        return float(row[0]), row[1]

    def snapshots(self, urls: list[str]) -> dict[str, tuple[float, str]]:
        """``snapshot`` of each of ``urls`` that has a valid one, read VERDICT_BATCH at a time."""
        rows = self._read_batches("SELECT url, taken_at, fingerprint FROM snapshots WHERE url IN ({marks})", urls)
        latest = time.time() + self.expire_after
        return {url: (float(taken_at), data) for url, taken_at, data in rows if _is_time(taken_at, latest) and isinstance(data, str)}

    def save_snapshots(self, rows: list[tuple[str, float, str]]) -> None:
        """Keep the first snapshot of each URL (a later one never replaces it)."""
        self._write("INSERT OR IGNORE INTO snapshots VALUES (?, ?, ?)", rows)

    def replace_snapshots(self, rows: list[tuple[str, float, str]]) -> None:
        """Take these as the snapshots of their URLs (``--accept-changes``)."""
        self._write("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", rows)

    def recent_outcomes(self, url: str, count: int = OUTCOMES_KEPT) -> list[Optional[str]]:
        """The codes of ``url``'s last ``count`` checks under this store's policy, the
        latest first (None: the link was fine). A row this citelint did not write
        (an unknown code, a time that is not one) is passed over."""
        with self._lock:
            try:
                rows = self.connection.execute(
                    f"SELECT checked_at, code FROM {OUTCOMES} WHERE policy = ? AND url = ? ORDER BY checked_at DESC LIMIT ?",
                    (self.policy, url, OUTCOMES_KEPT),
                ).fetchall()
            except sqlite3.Error as error:
                self._degrade(error)
                return []
        latest = time.time() + self.expire_after
        return [code for checked_at, code in rows if valid_outcome(checked_at, code, latest)][:count]

    def add_outcomes(self, outcomes: list[tuple[str, float, Optional[str]]]) -> None:
        """Keep (URL, checked at, code) of this run's checks; each URL keeps its last OUTCOMES_KEPT."""
        self._write(f"INSERT INTO {OUTCOMES} (policy, url, checked_at, code) VALUES (?, ?, ?, ?)", [(self.policy, *row) for row in outcomes])
        self._write(
            f"DELETE FROM {OUTCOMES} WHERE policy = ? AND url = ? AND rowid NOT IN "
            f"(SELECT rowid FROM {OUTCOMES} WHERE policy = ? AND url = ? ORDER BY checked_at DESC LIMIT {OUTCOMES_KEPT})",
            [(self.policy, url, self.policy, url) for url in dict.fromkeys(url for url, _, _ in outcomes)],
        )

    def close(self) -> None:
        try:
            self.connection.close()
        except sqlite3.Error:
            pass


def valid_verdict(row: tuple, url: str, latest: float) -> bool:  # type: ignore[type-arg]
    """Whether a row (url, code, detail, status, final_url, content_type, checked_at,
    expires_at, page) holds what this citelint writes: a known code or none, a status
    from 100 to 999 or none, text where text goes, and times that are numbers no
    later than ``latest`` (now + expire-after)."""
    stored_url, code, detail, status, final_url, content_type, checked_at, expires_at, page = row
    return (
        stored_url == url
        and (code is None or (isinstance(code, str) and code in URL_RULES))
        and _is_text(detail)
        and (status is None or (type(status) is int and 100 <= status <= 999))
        and (final_url is None or _is_text(final_url))
        and (content_type is None or _is_text(content_type))
        and _is_time(checked_at, latest)
        and _is_time(expires_at, latest)
        and (page is None or _is_text(page))
    )


def valid_outcome(checked_at: object, code: object, latest: float) -> bool:
    """Whether an outcome row holds what this citelint writes: a time and a known code or none."""
    return _is_time(checked_at, latest) and (code is None or (isinstance(code, str) and code in URL_RULES))


def _is_text(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _is_time(value: object, latest: float) -> bool:
    """A time in seconds since the epoch: a finite number from 0 to ``latest``."""
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= latest  # type: ignore[arg-type]
