"""An explicit entry label is not the entry's place in the list.

Markdown renders `1.`, `2.`, `4.` as 1, 2, 3, so a reader sees other numbers
than the ones the markers cite. Every explicit label (`3.`, `3)`, `[3]`,
`[3]:`) must equal its position: no duplicates, no skipped numbers, no
reordering. Reported at the entry. A list labelled `1.` throughout (lazy numbering) is numbered by
position and is fine. `citelint fix` relabels the list.

Failing:

```markdown
A claim. [CITATION 1] Another. [CITATION 2]

## References

1. "One." Example Press, 2019. https://example.com/1
3. "Two." Example Press, 2020. https://example.com/2
```

Passing:

```markdown
A claim. [CITATION 1] Another. [CITATION 2]

## References

1. "One." Example Press, 2019. https://example.com/1
2. "Two." Example Press, 2020. https://example.com/2
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic

RULE = rule("CIT011")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is None or not chapter.cited:
        return  # a list nothing cites is CIT002's one finding
    advice = ""
    for entry in chapter.references.entries:
        if entry.label is None or entry.label_span is None or entry.label == entry.position:
            continue
        advice = advice or chapter.fix_advice()
        message = (
            f"reference labelled {entry.label} is entry {entry.position} of the list; "
            f"label it {entry.position} ({advice})"
        )
        yield chapter.finding(RULE, entry.start, entry.label_span.end, message)
