"""The chapter cites references but has no reference list.

citelint looks for a heading named like a reference list (References,
Sources, Notes, Endnotes, Bibliography, Works Cited, Citations, or the
`reference-headings` setting) with entries under it, and otherwise for a
block of reference-like lines at the end of the file. When neither is found,
every marker points nowhere; this one finding is reported, at the first
marker, instead of one CIT001 per marker.

Failing:

```markdown
A claim. [CITATION 1]

## Further reading
```

Passing:

```markdown
A claim. [CITATION 1]

## References

1. "A Source." Example Press, 2019. https://example.com/source
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule, Severity

RULE = Rule("CIT009", "missing-reference-list", Severity.ERROR)


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is not None:
        return
    citations = chapter.citations()
    if not citations:
        return
    first = citations[0]
    headings = ", ".join(chapter.settings.reference_headings[:3])
    others = len(citations) - 1
    cite = f"{first.shown} cites a reference" if not others else (
        f"{first.shown} and {others} other marker{'s' if others > 1 else ''} cite references"
    )
    message = f"{cite}, but the file has no reference list; add a heading such as {headings} with the entries under it"
    yield chapter.finding(RULE, first.start, first.end, message)
