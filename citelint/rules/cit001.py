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

from typing import Iterator

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
    count = len(references.entries)
    for marker in chapter.citations():
        missing = sorted({number for number in marker.numbers if number not in listed})
        if not missing:
            continue
        if len(missing) == 1:
            what = f"reference {missing[0]}, but the reference list has no entry {missing[0]}"
        else:
            what = f"references {shorten(format_numbers(missing))}, but the reference list has no such entries"
        message = f"{marker.shown} cites {what} (it has {count}); add the reference or correct the number"
        yield chapter.finding(RULE, marker.start, marker.end, message)
