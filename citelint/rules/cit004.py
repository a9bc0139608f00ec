"""A number below the highest citation is neither cited nor listed.

When the text cites 1, 2 and 5 and the reference list has no entries 3 and 4,
the numbering has a gap: a reference was deleted and the numbers after it were
not moved up. One finding per gap (a run of missing numbers), at the first
marker that cites a number above it. `citelint fix` closes the gap.

Failing:

```markdown
First claim. [CITATION 1] Second claim. [CITATION 3]

## References

1. "One." Example Press, 2020. https://example.com/1
3. "Three." Example Press, 2022. https://example.com/3
```

Passing:

```markdown
First claim. [CITATION 1] Second claim. [CITATION 2]

## References

1. "One." Example Press, 2020. https://example.com/1
2. "Three." Example Press, 2022. https://example.com/3
```
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Iterator, Sequence, TypeVar

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic

RULE = rule("CIT004")
T = TypeVar("T")


def gaps(present: set[int], highest: int) -> list[tuple[int, int]]:
    """Runs (first, last) of numbers from 1 to ``highest`` missing from ``present``."""
    found = []
    previous = 0
    for number in sorted(n for n in present if n <= highest):
        if number > previous + 1:
            found.append((previous + 1, number - 1))
        previous = number
    return found


def first_citers(citations: Sequence[tuple[int, T]]) -> Callable[[int], T]:
    """For ``citations`` ((number, citer) in text order), a lookup from a gap's last
    missing number to the first citer that cites past it: the citers that cite a
    number higher than any before them, bisected by that number."""
    raisers: list[T] = []
    highest: list[int] = []
    for number, citer in citations:
        if not highest or number > highest[-1]:
            if raisers and raisers[-1] is citer:
                highest[-1] = number
            else:
                raisers.append(citer)
                highest.append(number)
    return lambda last: raisers[bisect_right(highest, last)]


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    citations = chapter.listed_citations()
    cited = {number for number, _ in citations}
    if not cited:
        return
    listed = chapter.references.numbers() if chapter.references else set()
    # Numbers cited without an entry are CIT001's; they are not missing here either.
    present = listed | {number for marker in chapter.cited for number in marker.numbers}
    citer_past = first_citers(citations)
    advice = ""
    for first, last in gaps(present, max(cited)):
        marker = citer_past(last)
        missing = f"reference {first} is" if first == last else f"references {first}-{last} are"
        advice = advice or chapter.fix_advice()
        if first == 1:
            message = f"numbering starts at {last + 1}: {missing} neither cited nor listed; renumber from 1 ({advice})"
        else:
            message = f"numbering skips from {first - 1} to {last + 1}: {missing} neither cited nor listed; renumber ({advice})"
        yield chapter.finding(RULE, marker.start, marker.end, message)
