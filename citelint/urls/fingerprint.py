"""Page fingerprints for reference rot (URL005).

A fingerprint keeps a page's title, its text size and a bottom-k MinHash of
its word 4-shingles. Digits are dropped and white space folded first, so a
changed date, counter or layout does not count; a changed ad slot or teaser
changes a few shingles out of many. Two fingerprints are "substantially
different" when the estimated share of the old text still present falls
below ``KEPT_THRESHOLD``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Optional

SIGNATURE_SIZE = 128
SHINGLE_WORDS = 4
KEPT_THRESHOLD = 0.5
MIN_WORDS = 20
_HIDDEN_ELEMENTS = ("script", "style", "noscript", "template", "svg", "head")
MAX_TAG = 2000  # characters between a tag's < and >, at most: a longer stretch is text
MAX_TITLE_TRIES = 100  # "<title" openings tried for the page's title, at most
_TITLE_OPENING = re.compile(r"<title", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]{0,200}>(.{0,500}?)</title\s*>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Fingerprint:
    title: str
    size: int  # characters of visible text
    words: int
    signature: tuple[int, ...]

    def dumps(self) -> str:
        return json.dumps([self.title, self.size, self.words, list(self.signature)])

    @classmethod
    def loads(cls, text: str) -> "Fingerprint":
        title, size, words, signature = json.loads(text)
        return cls(str(title), int(size), int(words), tuple(int(value) for value in signature))


def visible_text(page: str, lower: Optional[str] = None) -> tuple[str, str]:
    """(title, visible text) of an HTML page; plain text is its own text. Comments,
    then each hidden element in turn, are cut out of the text, then the tags. The
    page is lower-cased once for the cuts when that keeps its positions (no
    character becomes two; ``lower``: made already, ``lower_cased``): each cut then
    cuts the same spans out of both."""
    title = _title(page)
    lower = lower if lower is not None else lower_cased(page)  # None: each cut lower-cases the text it is given, as it always did
    text, lower = _cut(page, lower, "<!--", lambda lower, start: lower.find("-->", start), 3)
    for element in _HIDDEN_ELEMENTS:
        closer = f"</{element}"
        text, lower = _cut(text, lower, f"<{element}", lambda lower, start, closer=closer: _close_tag(lower, closer, start), 0)
    return title, " ".join(html.unescape(_without_tags(text)).split())


def _title(page: str) -> str:
    """The text of the page's first ``<title>`` element, white space folded. Only the
    first MAX_TITLE_TRIES openings are tried: a page of nothing but ``<title`` costs
    no more than a real one."""
    for count, opening in enumerate(_TITLE_OPENING.finditer(page)):
        if count == MAX_TITLE_TRIES:
            break
        match = _TITLE.match(page, opening.start())
        if match:
            return " ".join(html.unescape(match.group(1)).split())
    return ""


def _without_tags(text: str) -> str:
    """``text`` with each tag (``<``, at most MAX_TAG characters other than ``>``,
    ``>``) replaced by a space, as ``re.sub(r"<[^>]{0,2000}>", " ", text)`` would,
    in linear time: that pattern tries 2,000 characters at each ``<`` of a page of
    ``<`` without ``>``. A ``<`` whose next ``>`` is too far is text, and so is
    every ``<`` before the last MAX_TAG + 1 characters ahead of that ``>``."""
    pieces = []
    position = 0  # where the text not yet copied starts
    start = text.find("<")
    while start >= 0:
        end = text.find(">", start + 1)
        if end < 0:
            break
        if end - start - 1 <= MAX_TAG:
            pieces.append(text[position:start])
            position = end + 1
            start = text.find("<", position)
        else:
            start = text.find("<", end - MAX_TAG - 1)
    pieces.append(text[position:])
    return " ".join(pieces)


def lower_cased(text: str) -> Optional[str]:
    """``text`` lower-cased, when that keeps its positions (None when a character
    becomes two, as "\u0130" does)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None


def _close_tag(lower: str, closer: str, start: int) -> int:
    end = lower.find(closer, start)
    return -1 if end < 0 else lower.find(">", end)


def _cut(text: str, lower: Optional[str], opener: str, find_end, tail: int) -> tuple[str, Optional[str]]:  # type: ignore[no-untyped-def]
    """Remove each ``opener`` ... end span, in linear time; an unclosed one runs to
    the end. ``lower``: the text lower-cased, position for position (None: made
    here, and not kept); returned cut as the text is."""
    kept = lower is not None
    lower = text.lower() if lower is None else lower
    spans = []  # the (start, end) of each piece kept
    position = 0
    while True:
        start = lower.find(opener, position)
        if start < 0:
            spans.append((position, len(text)))
            break
        spans.append((position, start))
        end = find_end(lower, start + len(opener))
        if end < 0:
            break
        position = end + (tail if tail else 1)
    cut = " ".join(text[start:end] for start, end in spans)
    return cut, " ".join(lower[start:end] for start, end in spans) if kept else None


def fingerprint(page: str) -> Fingerprint:
    return PageText(page).fingerprint


class PageText:
    """One fetched page's readings, each made once, when first asked: its visible
    text (``visible_text``), which the soft-404 words and the fingerprint read, and
    its fingerprint, which the catch-all probe and the snapshot compare."""

    __slots__ = ("body", "_lower", "_visible", "_fingerprint")

    def __init__(self, body: str) -> None:
        self.body = body
        self._lower: Optional[tuple[Optional[str]]] = None
        self._visible: Optional[tuple[str, str]] = None
        self._fingerprint: Optional[Fingerprint] = None

    @property
    def lower(self) -> Optional[str]:
        """The body lower-cased position for position (``lower_cased``), or None."""
        if self._lower is None:
            self._lower = (lower_cased(self.body),)
        return self._lower[0]

    @property
    def visible(self) -> tuple[str, str]:
        if self._visible is None:
            self._visible = visible_text(self.body, self.lower)
        return self._visible

    @property
    def fingerprint(self) -> Fingerprint:
        if self._fingerprint is None:
            title, text = self.visible
            words = [word.casefold() for word in _WORD.findall(text)]
            shingles = {" ".join(words[index : index + SHINGLE_WORDS]) for index in range(max(1, len(words) - SHINGLE_WORDS + 1))}
            hashes = sorted({_hash(shingle) for shingle in shingles if shingle})
            self._fingerprint = Fingerprint(title, len(text), len(words), tuple(hashes[:SIGNATURE_SIZE]))
        return self._fingerprint


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def kept_share(old: Fingerprint, new: Fingerprint) -> float:
    """Estimated share of the old page's shingles still in the new page (bottom-k MinHash)."""
    if not old.signature:
        return 1.0
    union = sorted(set(old.signature) | set(new.signature))[:SIGNATURE_SIZE]
    both = set(old.signature) & set(new.signature)
    shared = sum(1 for value in union if value in both)
    return shared / len(union) if union else 1.0


def describe_change(old: Fingerprint, new: Fingerprint) -> Optional[str]:
    """What changed, when the page changed substantially; None when it did not."""
    if old.words < MIN_WORDS and new.words < MIN_WORDS:
        return None if old.signature == new.signature or old.title == new.title else _title_change(old, new)
    kept = kept_share(old, new)
    if kept >= KEPT_THRESHOLD:
        return None
    parts = []
    title = _title_change(old, new)
    if title:
        parts.append(title)
    parts.append(f"size {_size(old.size)} -> {_size(new.size)}")
    parts.append(f"{round(kept * 100)}% of the text kept")
    return ", ".join(parts)


def _title_change(old: Fingerprint, new: Fingerprint) -> Optional[str]:
    if old.title == new.title:
        return None
    return f"title {old.title!r} -> {new.title!r}"


def _size(characters: int) -> str:
    return f"{characters / 1000:.1f} kB" if characters >= 1000 else f"{characters} characters"
