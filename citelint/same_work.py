"""Entries of several chapters that list the same work, and how they disagree:
the comparison behind CIT014 (``rules/cit014.py`` within a compiled book,
``book_checks`` across files). Pure, and free of the parser, so that a warm run
compares cached entries without importing it.
"""

from __future__ import annotations

import re
import zlib
from typing import Iterable, Iterator, NamedTuple, Optional, Sequence

from citelint.cited_work import CitedWork, comparable, compared_work, same_work_keys, work_keys
from citelint.diagnostics import shorten
from citelint.patterns import normalise_url

_SUFFIX = re.compile(r"(?<!\s)\s+(?:jr|sr|ii|iii|iv)$")


class Listing(NamedTuple):
    """One entry of one chapter, as chapters are compared."""

    chapter: str  # how a message names its chapter: a file, or "the chapter at line 40"
    number: int
    line: int  # 1-based
    work: Optional[CitedWork]  # None: read from ``text`` when compared
    keys: Optional[frozenset[str]] = None  # ``work_keys(work)``, when already known
    text: str = ""  # the entry's text, when ``work`` is None

    def fields(self) -> CitedWork:
        return self.work if self.work is not None else compared_work(self.text)

    def same_work_keys(self) -> frozenset[str]:
        if self.keys is not None:
            return self.keys
        return work_keys(self.work) if self.work is not None else same_work_keys(self.text)


def key_digest(key: str) -> int:
    """A same-work key in eight bytes, as a book's entries are held and cached: equal
    keys have equal digests (two digests that meet have their keys compared)."""
    data = key.encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


def shared_digests(digests: Iterable[Sequence[int]]) -> set[int]:
    """The digests that more than one entry holds: an entry that holds none of them
    is the work of no other entry, and is compared with none (nor its fields read)."""
    once: set[int] = set()
    shared: set[int] = set()
    for held in digests:
        for digest in held:
            (shared if digest in once else once).add(digest)
    return shared


class Conflict(NamedTuple):
    """An entry that is the work of an earlier chapter's entry, and how they differ."""

    chapter: int  # the index of the later entry's chapter
    listing: Listing
    earlier: Listing
    differences: tuple[str, ...]

    def message(self) -> str:
        earlier = self.earlier
        return (
            f"reference {self.listing.number} is the work of reference {earlier.number} in {earlier.chapter} "
            f"(line {earlier.line}), with a different {_joined(self.differences)}; make the two entries agree"
        )


def conflicts(chapters: Sequence[Sequence[Listing]]) -> Iterator[Conflict]:
    """Each entry that is the same work as an entry of an earlier chapter and
    disagrees with it (with the first such entry)."""
    seen: dict[str, Listing] = {}
    # The keys and fields of each entry compared with later ones, read once: a work a
    # book lists in every chapter is compared with its first listing in each (the
    # readers' own caches hold a few thousand entries, and a book of more works than
    # that, compared chapter after chapter, read every entry again each time).
    read: dict[int, tuple[frozenset[str], CitedWork]] = {}
    keys_by_text: dict[str, frozenset[str]] = {}

    def keys_of(listing: Listing) -> frozenset[str]:
        if listing.keys is not None or listing.work is not None:
            return listing.same_work_keys()
        found = keys_by_text.get(listing.text)
        if found is None:
            found = keys_by_text[listing.text] = listing.same_work_keys()
        return found

    def keys_and_fields(listing: Listing) -> tuple[frozenset[str], CitedWork]:
        found = read.get(id(listing))
        if found is None:
            found = read[id(listing)] = (keys_of(listing), listing.fields())
        return found

    for index, listings in enumerate(chapters):
        here: dict[str, Listing] = {}
        for listing in listings:
            held = keys_of(listing)
            keys = sorted(held)
            earlier = [seen[key] for key in keys if key in seen]
            fields: Optional[CitedWork] = None
            for other in earlier:
                fields = listing.fields() if fields is None else fields
                other_keys, other_fields = keys_and_fields(other)
                if two_works_at_one_address(fields, other_fields, held & other_keys):
                    continue
                found = differences(fields, other_fields)
                if found:
                    yield Conflict(index, listing, other, found)
                    break
            for key in keys:
                here.setdefault(key, listing)
        for key, listing in here.items():
            seen.setdefault(key, listing)


def differences(here: CitedWork, there: CitedWork) -> tuple[str, ...]:
    """What two entries of one work disagree on, as a message names it; a field
    only one of them gives is not a difference."""
    found = []
    title_first = _title_read_as_author(here, there) or _title_read_as_author(there, here)
    if not title_first and here.title and there.title and comparable(here.title) != comparable(there.title):
        found.append(f'title ("{shorten(here.title, 60)}" here, "{shorten(there.title, 60)}" there)')
    if here.year is not None and there.year is not None and here.year != there.year:
        found.append(f"year ({here.year} here, {there.year} there)")
    if not title_first and _authors_differ(here, there):
        found.append(f"authors ({_families(here)} here, {_families(there)} there)")
    if _urls_differ(here.url, there.url):
        found.append(f"URL ({shorten(here.url, 60)} here, {shorten(there.url, 60)} there)")
    if here.doi and there.doi and here.doi.casefold() != there.doi.casefold():
        found.append(f"DOI ({here.doi} here, {there.doi} there)")
    return tuple(found)


def two_works_at_one_address(here: CitedWork, there: CitedWork, shared: frozenset[str]) -> bool:
    """Whether two entries that share only a URL or a DOI (not their title and first
    author) are two works at one address, such as two chapters cited at their
    book's page or two articles at their issue's: their titles differ and so do
    their authors, or their titles share less than half their words (one author's
    two chapters). They are not one work listed two ways; a wrong address is
    URL007's to find."""
    if any(key.startswith("title:") for key in shared):
        return False
    if not (here.title and there.title) or comparable(here.title) == comparable(there.title):
        return False
    if _title_read_as_author(here, there) or _title_read_as_author(there, here):
        return False
    return _authors_differ(here, there) or not _titles_alike(here.title, there.title)


def _titles_alike(here: str, there: str) -> bool:
    """Whether two titles share at least half the words of the shorter: one title
    written two ways (a word left out, a subtitle added), not two titles."""
    mine, theirs = set(comparable(here).split()), set(comparable(there).split())
    return 2 * len(mine & theirs) >= min(len(mine), len(theirs))


def _title_read_as_author(one: CitedWork, other: CitedWork) -> bool:
    """Whether ``one``'s first author is ``other``'s title: ``one`` written title
    first (APA's form for a work without authors, whose publisher is then read as
    its title), so the two readings do not say the work's title or authors differ."""
    return bool(one.authors and other.title) and comparable(one.authors[0].family) == comparable(other.title)


def _authors_differ(here: CitedWork, there: CitedWork) -> bool:
    """The family names differ, beyond one list being cut short (``et al.``)."""
    mine = [_family(family) for family in here.families]
    theirs = [_family(family) for family in there.families]
    if not mine or not theirs:
        return False
    shorter = min(len(mine), len(theirs))
    return mine[:shorter] != theirs[:shorter]


def _family(name: str) -> str:
    """A family name as compared: without a suffix (``Bermudez Jr.`` is ``Bermudez``)."""
    return _SUFFIX.sub("", comparable(name))


def _urls_differ(here: str, there: str) -> bool:
    """Two URLs that lead to different places (a doi.org URL is compared as its DOI)."""
    if not here or not there:
        return False
    mine, theirs = normalise_url(here), normalise_url(there)
    if mine.startswith("doi:") != theirs.startswith("doi:"):
        return False  # a DOI's URL and the publisher's page: the DOIs are compared
    return bool(mine and theirs) and mine != theirs


def _families(work: CitedWork) -> str:
    return shorten(", ".join(work.families), 60)


def _joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
