"""The same work is listed in two chapters with a different title, year, authors or URL.

Two entries are the same work when they share a DOI, a URL once normalised (as
CIT007 compares them: scheme, `www.`, a trailing `/` and a `#fragment` aside; a
site's home page, which many works share, is not one work), or a title and first
author (case, punctuation and spacing ignored; for an entry
without authors, a title of four words or more). Their fields are read as
`citelint refs` reads them (docs/book.md). When the two disagree on the title,
the year, the authors (a list cut short with `et al.` agrees with the longer
one), the URL or the DOI, the entry in the later chapter is reported, naming the
chapter and line of the earlier one and what differs: make the two entries
agree. A field that one of them lacks is not a difference (CIT008 reports an
incomplete entry), and the same work listed twice in one chapter is CIT007's.
Two entries that share only a URL or DOI and differ in both title and authors,
or whose titles share less than half their words, are two works at one address
(two chapters cited at their book's page, two articles at their issue's), not
one work; and a work written title first, as
APA writes one without authors, does not differ in title or authors from the
same work with its organisation as author.

Judged across the files of one `citelint check` run, in the order the run reads
them (the files as given, a folder's files by name), and across the chapters of
a book compiled into one file (the example below). Select, ignore,
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

from typing import TYPE_CHECKING, Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic

if TYPE_CHECKING:  # read only for a compiled book: the fields' reader costs ~6 ms to import
    from citelint.same_work import Listing

RULE = rule("CIT014")
WHOLE_FILE = True  # compares the chapters of a compiled book with each other


def chapter_listings(chapter: Chapter, name: str) -> list["Listing"]:
    """The entries of a chapter's reference list as listings named ``name``."""
    from citelint.cited_work import cited_work
    from citelint.same_work import Listing

    if chapter.references is None:
        return []
    return [Listing(name, entry.number, entry.first_line + 1, cited_work(entry.text)) for entry in chapter.references.entries]


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    """The chapters of a book compiled into one file, compared with each other
    (files are compared by the driver: ``book_checks``)."""
    if len(chapter.parts) < 2:
        return
    from citelint.same_work import conflicts

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
