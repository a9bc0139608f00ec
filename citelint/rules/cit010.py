"""The same number is cited twice in a row.

A number named twice in one marker (`[CITATION 2, 2]`, `[CITATION 1-3, 2]`),
or in two markers with nothing but white space between them
(`[CITATION 2] [CITATION 2]`), is a slip left by editing. Reported at the
repeat.

Failing:

```markdown
A claim. [CITATION 1] [CITATION 1]

## References

1. "A Source." Example Press, 2019. https://example.com/source
```

Passing:

```markdown
A claim. [CITATION 1]

## References

1. "A Source." Example Press, 2019. https://example.com/source
```
"""

from __future__ import annotations

from typing import Iterator, Optional

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.markers import Marker

RULE = rule("CIT010")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    text = chapter.document.text
    previous: Optional[Marker] = None
    for marker in chapter.citations():
        repeated = marker.repeated_number
        if repeated is not None:
            message = f"{marker.shown} names reference {repeated} twice; name it once"
            yield chapter.finding(RULE, marker.start, marker.end, message)
        elif previous is not None and not text[previous.end : marker.start].strip():
            shared = sorted(set(previous.numbers) & set(marker.numbers))
            if shared:
                message = f"{marker.shown} repeats reference {shared[0]} cited just before it; remove the repeat"
                yield chapter.finding(RULE, marker.start, marker.end, message)
        previous = marker

