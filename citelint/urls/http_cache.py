"""What the HTTP cache holds, and how much: each entry a response's fields as
JSON and its body, compressed; the file's pages in use within HTTP_CACHE_LIMIT
bytes, the oldest responses making room. Standard library only (urls.http hands
requests-cache the functions that use these, and writes with ``write_entries``).

A cache file may come from anyone (a pull request can commit one): an entry is
read as data, never as code (requests-cache's default format is pickle, which
runs what an entry names), and only within ENTRY_LIMIT once decompressed. An
entry that is not what ``pack`` writes is a ValueError: requests-cache takes it
as a miss.

A body is kept as decoded (up to BODY_LIMIT), so without compression a page that
is 2 KB of gzip on the wire took 2 MB of the cache: 1,000 such links in a pull
request, 2 GB of the CI machine's disk. Compressed, an entry takes about what
came on the wire; the limit bounds what any number of runs leave, whatever came.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from typing import Any, NamedTuple

from citelint.urls.limits import BODY_LIMIT

FORMAT = b"citelint-http 2\n"  # each entry starts so (format 1 was not compressed); another start is not this format
ENTRY_LIMIT = BODY_LIMIT + 1024 * 1024  # bytes of an entry's fields and body, at most: a larger one is neither kept nor read
HTTP_CACHE_LIMIT = 256 * 1024 * 1024  # bytes of the HTTP cache file's pages in use, at most: the oldest responses make room
FREE_LIMIT = 64 * 1024 * 1024  # bytes of free pages the file keeps after a run, at most: past that it is vacuumed (``give_back_free_pages``)
ROW_COST = 128  # bytes a row takes beside its key and entry (its key again in the index, its expiry, page slack), as room is made
COMPRESSION = 1  # zlib's level: ~4x faster than its default for 10-20% more bytes on text
BYTES = "$bytes"  # the key of a JSON object standing for bytes (a request's body, a redirect's)
RESPONSES, REDIRECTS = "responses", "redirects"  # requests-cache's tables: key -> entry, and a redirect hop's key -> its answer's key
EVICTED_AT_ONCE = 500  # rows deleted in one statement (SQLite takes 999 parameters at least)


class Entry(NamedTuple):
    """A response as it is written: its key, its packed entry, when it expires (Unix seconds)."""

    key: str
    entry: bytes
    expires: int | None


def pack(fields: dict[str, Any], body: bytes) -> bytes:
    """One entry: ``fields`` (text, numbers, lists, dicts and bytes: what
    requests-cache makes of a response) as one line of JSON, then the body, both
    compressed; ValueError when they are over ENTRY_LIMIT (such a response is not kept)."""
    head = json.dumps(fields, default=_bytes_as_json, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    if len(head) + 1 + len(body) > ENTRY_LIMIT:
        raise ValueError("a response larger than an HTTP cache entry")
    return FORMAT + zlib.compress(head + b"\n" + body, COMPRESSION)


def unpack(entry: object) -> tuple[dict[str, Any], bytes]:
    """(fields, body) of an entry ``pack`` wrote; ValueError for anything else."""
    if not isinstance(entry, bytes) or not entry.startswith(FORMAT):
        raise ValueError("not an entry of this format")
    head, newline, body = _decompressed(entry[len(FORMAT) :]).partition(b"\n")
    if not newline:
        raise ValueError("an entry without its body")
    try:
        fields = json.loads(head, object_hook=_bytes_from_json)
    except (ValueError, RecursionError, TypeError) as error:
        raise ValueError(f"an entry whose fields do not read: {error}") from None
    if not isinstance(fields, dict):
        raise ValueError("an entry whose fields are not a table")
    return fields, body


def _decompressed(data: bytes) -> bytes:
    """``data`` decompressed, to ENTRY_LIMIT bytes at most: a committed entry that
    would decompress to more (a zlib bomb) or does not end is no entry."""
    reader = zlib.decompressobj()
    try:
        whole = reader.decompress(data, ENTRY_LIMIT)
    except zlib.error as error:
        raise ValueError(f"an entry that does not decompress: {error}") from None
    if reader.unconsumed_tail or not reader.eof:
        raise ValueError("an entry larger than any this citelint writes, or cut short")
    return whole


def _bytes_as_json(value: object) -> dict[str, str]:
    if isinstance(value, (bytes, bytearray)):
        return {BYTES: base64.b64encode(value).decode("ascii")}
    raise TypeError(f"{type(value).__name__} is not kept in the HTTP cache")


def _bytes_from_json(table: dict[str, Any]) -> Any:
    if len(table) == 1 and BYTES in table:
        value = table[BYTES]
        if not isinstance(value, str):
            raise ValueError("bytes that are not text")
        return base64.b64decode(value.encode("ascii"), validate=True)
    return table


def row_cost(key: str, entry: bytes) -> int:
    """About what a row takes of the file (SQL's ``LENGTH`` alike, and ROW_COST)."""
    return len(key) + len(entry) + ROW_COST


def write_entries(connection: sqlite3.Connection, entries: list[Entry], now: float) -> list[Entry]:
    """Write ``entries`` (in a transaction the caller holds) after making room for
    them within HTTP_CACHE_LIMIT: expired rows go, then the oldest; of a batch
    larger than the limit, only its latest entries that fit are written, and none
    when no room can be made. Returns the entries written."""
    kept = _latest_that_fit(entries, HTTP_CACHE_LIMIT)
    if not _made_room(connection, sum(row_cost(entry.key, entry.entry) for entry in kept), now):
        return []
    connection.executemany(f"INSERT OR REPLACE INTO {RESPONSES} (key, value, expires) VALUES (?, ?, ?)", kept)
    return kept


def _latest_that_fit(entries: list[Entry], limit: int) -> list[Entry]:
    kept: list[Entry] = []
    for entry in reversed(entries):
        limit -= row_cost(entry.key, entry.entry)
        if limit < 0:
            break
        kept.append(entry)
    return kept[::-1]


def _made_room(connection: sqlite3.Connection, needed: int, now: float) -> bool:
    """Delete the expired responses, then the oldest (the first written: a response
    written again is new), until ``needed`` more bytes fit within HTTP_CACHE_LIMIT
    of the file's pages in use; then the redirects to responses no longer kept.
    False when they cannot fit (the file holds other things)."""
    deleted = connection.execute(f"DELETE FROM {RESPONSES} WHERE expires <= ?", (int(now),)).rowcount
    excess = bytes_in_use(connection) + needed - HTTP_CACHE_LIMIT
    while excess > 0:
        gone = _delete_oldest(connection, excess)
        if not gone:
            break
        deleted += gone
        excess = bytes_in_use(connection) + needed - HTTP_CACHE_LIMIT
    if deleted:
        connection.execute(f"DELETE FROM {REDIRECTS} WHERE value NOT IN (SELECT key FROM {RESPONSES})")
    return excess <= 0


def bytes_in_use(connection: sqlite3.Connection) -> int:
    """Bytes of the file's pages in use (its free pages are reused before it grows):
    three numbers SQLite keeps, not a scan of the rows."""
    page_size, pages, free = (int(connection.execute(f"PRAGMA {name}").fetchone()[0]) for name in ("page_size", "page_count", "freelist_count"))
    return (pages - free) * page_size


def _delete_oldest(connection: sqlite3.Connection, excess: int) -> int:
    """Delete the oldest responses that take about ``excess`` bytes (``row_cost``), one at least; how many."""
    doomed: list[int] = []
    rows = connection.execute(f"SELECT rowid, LENGTH(key) + LENGTH(value) + {ROW_COST} FROM {RESPONSES} ORDER BY rowid")
    for rowid, cost in rows:
        doomed.append(rowid)
        excess -= cost or 0
        if excess <= 0:
            break
    rows.close()
    for start in range(0, len(doomed), EVICTED_AT_ONCE):
        batch = doomed[start : start + EVICTED_AT_ONCE]
        connection.execute(f"DELETE FROM {RESPONSES} WHERE rowid IN ({', '.join('?' * len(batch))})", batch)
    return len(doomed)


def give_back_free_pages(connection: sqlite3.Connection) -> None:
    """Vacuum the file when its free pages pass FREE_LIMIT: a file grown by an earlier
    citelint (whose cache had no limit), or whose responses expired at once, shrinks
    to what it holds. Free pages are reused before a file grows, so this is rare."""
    page_size, free = (int(connection.execute(f"PRAGMA {name}").fetchone()[0]) for name in ("page_size", "freelist_count"))
    if free * page_size > FREE_LIMIT:
        connection.execute("VACUUM")
