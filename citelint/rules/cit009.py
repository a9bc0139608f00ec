"""The chapter cites references but has no reference list.

citelint looks for a heading named like a reference list (References,
Sources, Notes, Endnotes, Bibliography, Works Cited, Citations (or the same in
another common language: `参考文献`, `Literatur`, …), or the
`reference-headings` setting) with entries under it, and otherwise for a
block of reference-like lines at the end of the file (a comment after it
renders nothing and does not count). When neither is found, every marker
points nowhere; this one finding is reported, at the first marker, instead
of one CIT001 per marker.

When two lists could both be the one the markers point to (a numbered
`## Notes` and a `## Bibliography` that hold the cited numbers equally well),
one warning names both: the later list is checked, and `citelint fix` does not
renumber until the lists say which is which (the list the markers cite numbered,
the other as bullets or under a heading such as Further reading).

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

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Severity, shorten

RULE = rule("CIT009")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is not None:
        yield from _ambiguous(chapter)
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


def _ambiguous(chapter: Chapter) -> Iterator[Diagnostic]:
    """One warning when the markers may point to either of two lists."""
    references = chapter.references
    if references is None or references.ambiguous_with is None:
        return
    document = chapter.document
    other, kept = references.ambiguous_with, references.line
    message = (
        f"the markers may point to the list at line {other + 1} ({shorten(document.lines[other].strip())}) "
        f"or to the one at line {kept + 1} ({shorten(document.lines[kept].strip())}); "
        "citelint checks the later one and `fix` will not renumber; number the list the markers cite (1., 2., …) "
        "and write the other as bullets, or give the other a heading such as Further reading"
    )
    start, end = chapter.line_span(kept)
    yield chapter.finding(RULE, start, end, message)._replace(severity=Severity.WARNING)
