"""What one entry of the HTTP cache holds, as bytes: a response's fields as JSON
and its body. Standard library only (urls.http hands requests-cache the
functions that use these).

A cache file may come from anyone (a pull request can commit one): an entry is
read as data, never as code (requests-cache's default format is pickle, which
runs what an entry names), and only within ENTRY_LIMIT. An entry that is not
what ``pack`` writes is a ValueError: requests-cache takes it as a miss.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from citelint.urls.limits import BODY_LIMIT

FORMAT = b"citelint-http 1\n"  # each entry starts so; another start is not this format
ENTRY_LIMIT = BODY_LIMIT + 1024 * 1024  # bytes of an entry read back, at most: a body and its fields
BYTES = "$bytes"  # the key of a JSON object standing for bytes (a request's body, a redirect's)


def pack(fields: dict[str, Any], body: bytes) -> bytes:
    """One entry: ``fields`` (text, numbers, lists, dicts and bytes: what
    requests-cache makes of a response) as one line of JSON, then the body."""
    head = json.dumps(fields, default=_bytes_as_json, separators=(",", ":"), ensure_ascii=True)
    return FORMAT + head.encode("ascii") + b"\n" + body


def unpack(entry: object) -> tuple[dict[str, Any], bytes]:
    """(fields, body) of an entry ``pack`` wrote; ValueError for anything else."""
    if not isinstance(entry, bytes) or not entry.startswith(FORMAT):
        raise ValueError("not an entry of this format")
    if len(entry) > ENTRY_LIMIT:
        raise ValueError("an entry larger than any this citelint writes")
    head, newline, body = entry[len(FORMAT) :].partition(b"\n")
    if not newline:
        raise ValueError("an entry without its body")
    try:
        fields = json.loads(head, object_hook=_bytes_from_json)
    except (ValueError, RecursionError, TypeError) as error:
        raise ValueError(f"an entry whose fields do not read: {error}") from None
    if not isinstance(fields, dict):
        raise ValueError("an entry whose fields are not a table")
    return fields, body


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
