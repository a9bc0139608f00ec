"""A number is first cited before a smaller number that is cited later.

References are numbered in the order in which the text first cites them: the
first marker cites 1, the next new number is 2, and so on. When paragraphs
move, a chapter can cite 1, 2, 4 and only then 3; the 4 is reported, at its
first marker. Numbers inside one marker count in text order. `citelint fix`
renumbers the markers and reorders the reference list to match.

Failing:

```markdown
First claim. [CITATION 1] Second claim. [CITATION 3] Third claim. [CITATION 2]

## References

1. "One." Example Press, 2020. https://example.com/1
2. "Two." Example Press, 2021. https://example.com/2
3. "Three." Example Press, 2022. https://example.com/3
```

Passing:

```markdown
First claim. [CITATION 1] Second claim. [CITATION 2] Third claim. [CITATION 3]

## References

1. "One." Example Press, 2020. https://example.com/1
2. "Two." Example Press, 2021. https://example.com/2
3. "Three." Example Press, 2022. https://example.com/3
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.markers import Marker

RULE = rule("CIT003")


def first_citations(chapter: Chapter) -> list[tuple[int, Marker]]:
    """Each cited number with the marker that first cites it, in text order (numbers
    the reference list has no entry for are CIT001's and left out)."""
    seen: set[int] = set()
    order: list[tuple[int, Marker]] = []
    for number, marker in chapter.listed_citations():
        if number not in seen:
            seen.add(number)
            order.append((number, marker))
    return order


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    findings = []
    smallest_later: int | None = None
    advice = ""
    for number, marker in reversed(first_citations(chapter)):
        if smallest_later is not None and smallest_later < number:
            advice = advice or chapter.fix_advice()
            message = (
                f"reference {number} is first cited before reference {smallest_later}; "
                f"number references in order of first citation ({advice})"
            )
            findings.append(chapter.finding(RULE, marker.start, marker.end, message))
        smallest_later = number if smallest_later is None else min(smallest_later, number)
    yield from reversed(findings)
