"""Two chapters of a book list a reference under the same number (book numbering).

With `numbering = "book"` the numbers run on across the chapters in book order
(docs/book.md), so each number names one reference in the whole book: chapter 1
lists 1–12, chapter 2 lists 13–20. When a later chapter's list labels an entry
with a number an earlier chapter's list already has (a chapter whose list starts
again at 1), a marker citing that number could mean either entry. Reported at
the later entry, naming the file and line of the earlier one; `fix` does not
guess which entry a marker meant: relabel the later list (13., 14., …) so that
it continues the numbering, then renumber the markers that cite it.

Judged across the files of the book by `citelint check` with book numbering
(and across the chapters of a book compiled into one file); with the default
`numbering = "chapter"` each chapter restarts at 1 and this rule never fires.
Two entries with one label in a single list are CIT011's. Select, ignore,
per-file-ignores and suppression comments apply at the reported entry.

Failing:

```markdown
# Chapter 1

A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study

# Chapter 2

Another claim. [CITATION 2]

## References

1. Jones, Ann. "Other Things." Example Press, 2020. https://example.com/other
```

Passing:

```markdown
# Chapter 1

A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study

# Chapter 2

Another claim. [CITATION 2]

## References

2. Jones, Ann. "Other Things." Example Press, 2020. https://example.com/other
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic

RULE = rule("CIT016")
WHOLE_FILE = True  # judged over the whole book by the driver (book_numbering), never per file


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    """Nothing per file: the book's chapters are compared by ``book_numbering``
    after every file's own lint, when the configuration sets numbering = "book"."""
    return iter(())
