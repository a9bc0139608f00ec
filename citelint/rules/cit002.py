"""A reference-list entry that no marker cites (an orphaned reference).

Every entry of the reference list should be cited at least once in the text.
An orphan is usually left behind when the sentence that cited it was cut, or
when a marker was renumbered by hand. citelint never deletes it: cite it, or
remove it yourself. Reported at the entry.

Failing:

```markdown
The summit took place in 2023. [CITATION 1]

## References

1. "The Summit." Example News, 2023. https://example.com/summit
2. "Old Source." Example News, 2021. https://example.com/old
```

Passing:

```markdown
The summit took place in 2023. [CITATION 1] It followed talks in 2021. [CITATION 2]

## References

1. "The Summit." Example News, 2023. https://example.com/summit
2. "Old Source." Example News, 2021. https://example.com/old
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule, Severity

RULE = Rule("CIT002", "unused-reference", Severity.ERROR)


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    references = chapter.references
    if references is None:
        return
    cited = {number for marker in chapter.citations() for number in marker.numbers}
    keyword = chapter.settings.marker
    for entry in references.entries:
        if entry.number in cited:
            continue
        start, end = chapter.line_span(entry.first_line, entry.start)
        message = f"reference {entry.number} is never cited; cite it with [{keyword} {entry.number}] or remove it"
        yield chapter.finding(RULE, start, end, message)
