"""A marker cites a number that the reference list has no entry for.

Every number a marker names must be the number of an entry of the chapter's
reference list: its explicit label (`3.`, `[3]`) or, without one, its place in
the list. A citation of a missing entry usually means a reference was deleted
or a number mistyped. Reported at each such marker.

Failing:

```markdown
The deal was signed in 2023. [CITATION 2]

## References

1. "The Deal." Example News, 2023. https://example.com/deal
```

Passing:

```markdown
The deal was signed in 2023. [CITATION 1]

## References

1. "The Deal." Example News, 2023. https://example.com/deal
```
"""

from __future__ import annotations

from typing import Container, Iterable, Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, shorten
from citelint.markers import format_numbers

RULE = rule("CIT001")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    references = chapter.references
    if references is None:
        return
    listed = references.numbers()
    for marker in chapter.citations():
        if listed.issuperset(marker.numbers):
            continue  # every marker is asked: its message is made only when it has one
        message = undefined_message(marker.shown, marker.numbers, listed, len(references.entries))
        if message:
            yield chapter.finding(RULE, marker.start, marker.end, message)


def undefined_message(shown: str, numbers: Iterable[int], listed: Container[int], count: int, book: bool = False) -> str:
    """What a marker citing ``numbers`` says when some are not ``listed`` ("" when all
    are): of the chapter's list of ``count`` entries, or with ``book`` of the book's
    lists (book numbering: book_numbering)."""
    missing = sorted({number for number in numbers if number not in listed})
    if not missing:
        return ""
    if book:
        lacks_one, lacks_many, holder = "no reference list of the book has entry", "no reference list of the book has such entries", "the book"
    else:
        lacks_one, lacks_many, holder = "the reference list has no entry", "the reference list has no such entries", "it"
    if len(missing) == 1:
        what = f"reference {missing[0]}, but {lacks_one} {missing[0]}"
    else:
        what = f"references {shorten(format_numbers(missing))}, but {lacks_many}"
    return f"{shown} cites {what} ({holder} has {count}); add the reference or correct the number"
