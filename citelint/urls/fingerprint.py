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
_TAG = re.compile(r"<[^>]{0,2000}>")
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


def visible_text(page: str) -> tuple[str, str]:
    """(title, visible text) of an HTML page; plain text is its own text."""
    title_match = _TITLE.search(page)
    title = " ".join(html.unescape(title_match.group(1)).split()) if title_match else ""
    text = _cut(page, "<!--", lambda lower, start: lower.find("-->", start), 3)
    for element in _HIDDEN_ELEMENTS:
        closer = f"</{element}"
        text = _cut(text, f"<{element}", lambda lower, start, closer=closer: _close_tag(lower, closer, start), 0)
    text = _TAG.sub(" ", text)
    return title, " ".join(html.unescape(text).split())


def _close_tag(lower: str, closer: str, start: int) -> int:
    end = lower.find(closer, start)
    return -1 if end < 0 else lower.find(">", end)


def _cut(text: str, opener: str, find_end, tail: int) -> str:  # type: ignore[no-untyped-def]
    """Remove each ``opener`` ... end span, in linear time; an unclosed one runs to the end."""
    lower = text.lower()
    pieces = []
    position = 0
    while True:
        start = lower.find(opener, position)
        if start < 0:
            pieces.append(text[position:])
            break
        pieces.append(text[position:start])
        end = find_end(lower, start + len(opener))
        if end < 0:
            break
        position = end + (tail if tail else 1)
    return " ".join(pieces)


def fingerprint(page: str) -> Fingerprint:
    title, text = visible_text(page)
    words = [word.casefold() for word in _WORD.findall(text)]
    shingles = {" ".join(words[index : index + SHINGLE_WORDS]) for index in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    hashes = sorted({_hash(shingle) for shingle in shingles if shingle})
    return Fingerprint(title, len(text), len(words), tuple(hashes[:SIGNATURE_SIZE]))


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
