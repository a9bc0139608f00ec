"""An explicit entry label is not the entry's place in the list.

Markdown renders `1.`, `2.`, `4.` as 1, 2, 3, so a reader sees other numbers
than the ones the markers cite. Every explicit label (`3.`, `3)`, `[3]`,
`[3]:`) must equal its position: no duplicates, no skipped numbers, no
reordering. Reported at the entry. A list labelled `1.` throughout (lazy numbering) is numbered by
position and is fine. `citelint fix` relabels the list.

One entry with no label among labelled ones is reported too: it takes the number
of its place, so the marker citing that number points at it, and it is most often
the rest of an entry whose first line was deleted (`[1]`, then a line, then
`[3]`). `citelint fix` does not renumber such a list: label the entry, or join it
to the entry it belongs to.

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
    unlabelled = chapter.references.unlabelled_among_labels()
    if unlabelled is not None:
        message = (
            f"entry {unlabelled.position} of the list has no label, though the others have one, and takes number "
            f"{unlabelled.position}; if it is the rest of an entry whose first line was deleted, put that line back; "
            f"if it is a note on the entry above, indent it under that entry; else label it {unlabelled.position}"
        )
        yield chapter.finding(RULE, unlabelled.start, unlabelled.start, message)
