"""The bounds every URL check keeps, shared by the checker and the HTTP side:
what a hostile server may cost a run."""

from __future__ import annotations

RETRY_AFTER_CAP = 30.0  # seconds a `Retry-After` is honoured, at most
MAX_REDIRECTS = 10
BODY_LIMIT = 2 * 1024 * 1024  # bytes of a body read, at most (after decoding)
HEADER_LIMIT = 256 * 1024  # bytes of a response's status line and headers, at most (a browser's limit; http.client alone takes 100 lines of 64 KB)
BODY_MARGIN = 0.5  # seconds before a URL's deadline at which reading its body stops
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")  # bodies read for a fingerprint


def is_number(text: str, max_digits: int = 4_300) -> bool:
    """Whether a number a server or a registry writes (a header, a year) is ASCII digits,
    at most ``max_digits`` of them: ``isdigit`` alone also takes ``²`` (byte 0xB2),
    which ``int`` and ``float`` refuse, and ``int`` refuses more than 4,300 digits."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits
