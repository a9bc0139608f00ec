"""The same work is listed in two chapters with a different title, year, authors or URL.

Two entries are the same work when they share a DOI, a URL once normalised (as
CIT007 compares them: scheme, `www.`, a trailing `/` and a `#fragment` aside),
or a title and first author (case, punctuation and spacing ignored; for an entry
without authors, a title of four words or more). Their fields are read as
`citelint refs` reads them (docs/book.md). When the two disagree on the title,
the year, the authors (a list cut short with `et al.` agrees with the longer
one), the URL or the DOI, the entry in the later chapter is reported, naming the
chapter and line of the earlier one and what differs: make the two entries
agree. A field that one of them lacks is not a difference (CIT008 reports an
incomplete entry), and the same work listed twice in one chapter is CIT007's.

Judged across the files of one `citelint check` run, in the order the run reads
them (the book's order), in either numbering mode, and across the chapters of a
book compiled into one file (the example below). Select, ignore,
per-file-ignores and suppression comments apply at the reported entry.

Failing:

```markdown
# Chapter 1

A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study

# Chapter 2

Another claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2020. https://example.com/study
```

Passing:

```markdown
# Chapter 1

A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study

# Chapter 2

Another claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study
```
"""

from __future__ import annotations

from typing import Iterator, NamedTuple, Sequence

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.cited_work import CitedWork, cited_work, comparable, work_keys
from citelint.diagnostics import Diagnostic, shorten
from citelint.patterns import normalise_url

RULE = rule("CIT014")
WHOLE_FILE = True  # compares the chapters of a compiled book with each other


class Listing(NamedTuple):
    """One entry of one chapter, as chapters are compared."""

    chapter: str  # how a message names its chapter: a file, or "the chapter at line 40"
    number: int
    line: int  # 1-based
    work: CitedWork


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
    for index, listings in enumerate(chapters):
        here: dict[str, Listing] = {}
        for listing in listings:
            keys = sorted(work_keys(listing.work))
            earlier = [seen[key] for key in keys if key in seen]
            for other in earlier:
                found = differences(listing.work, other.work)
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
    if here.title and there.title and comparable(here.title) != comparable(there.title):
        found.append(f'title ("{shorten(here.title, 60)}" here, "{shorten(there.title, 60)}" there)')
    if here.year is not None and there.year is not None and here.year != there.year:
        found.append(f"year ({here.year} here, {there.year} there)")
    if _authors_differ(here, there):
        found.append(f"authors ({_families(here)} here, {_families(there)} there)")
    if _urls_differ(here.url, there.url):
        found.append(f"URL ({shorten(here.url, 60)} here, {shorten(there.url, 60)} there)")
    if here.doi and there.doi and here.doi.casefold() != there.doi.casefold():
        found.append(f"DOI ({here.doi} here, {there.doi} there)")
    return tuple(found)


def _authors_differ(here: CitedWork, there: CitedWork) -> bool:
    """The family names differ, beyond one list being cut short (``et al.``)."""
    mine = [comparable(family) for family in here.families]
    theirs = [comparable(family) for family in there.families]
    if not mine or not theirs:
        return False
    shorter = min(len(mine), len(theirs))
    return mine[:shorter] != theirs[:shorter]


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


def chapter_listings(chapter: Chapter, name: str) -> list[Listing]:
    """The entries of a chapter's reference list as listings named ``name``."""
    if chapter.references is None:
        return []
    return [Listing(name, entry.number, entry.first_line + 1, cited_work(entry.text)) for entry in chapter.references.entries]


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    """The chapters of a book compiled into one file, compared with each other
    (files are compared by the driver: ``book_checks``)."""
    if len(chapter.parts) < 2:
        return
    parts = chapter.parts
    chapters = [chapter_listings(part, f"the chapter at line {_first_line(part) + 1}") for part in parts]
    for conflict in conflicts(chapters):
        part = parts[conflict.chapter]
        entry = next(entry for entry in part.references.entries if entry.first_line + 1 == conflict.listing.line)  # type: ignore[union-attr]
        start, end = part.line_span(entry.first_line, entry.start)
        yield part.finding(RULE, start, end, conflict.message())


def _first_line(chapter: Chapter) -> int:
    """The 0-based first line of a compiled book's chapter (the others are blank)."""
    lines = chapter.document.lines
    return next((number for number, text in enumerate(lines) if text.strip()), 0)
