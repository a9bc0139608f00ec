"""A reference-list entry that no marker cites (an orphaned reference).

Every entry of the reference list should be cited at least once in the text.
An orphan is usually left behind when the sentence that cited it was cut, or
when a marker was renumbered by hand. citelint never deletes it: cite it, or
remove it yourself. Reported at the entry.

A file whose reference list nothing cites at all (no marker, or markers only
inside code) gets one warning at the list's heading instead ("the reference list
has 12 entries and the chapter cites none"), and none when the section holds
notes rather than references (most of its entries have no URL, DOI, year or
quoted title): a README's "Notes" section is not a reference list.

When the only marker for the entry sits where markers are not read (inline code,
a code block, a comment, front matter, the title of a link reference definition
such as `[site]: https://example.org "Site [CITATION 2]"`, which renders nothing),
the message says so and where. In the brackets style, a number written only glued
to the word before it (`plumage[3]`, which reads as an index such as `a[1]`) is
named too, and so is a link that points to an entry by an anchor of it
(`[1](#ref-1)` to `- <a id="ref-1">…`): a link is not read as a citation.

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

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Severity
from citelint.markers import written_marker
from citelint.references import ReferenceList

RULE = rule("CIT002")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    references = chapter.references
    if references is None:
        return
    cited = {number for marker in chapter.citations() for number in marker.numbers}
    settings = chapter.settings
    if not cited:
        yield from _nothing_cited(chapter, references)
        return
    hidden = chapter.hidden_citations() if len(cited) < len(references.entries) else {}
    glued = chapter.glued_citations() if len(cited) < len(references.entries) else {}
    linked = chapter.linked_entries() if len(cited) < len(references.entries) else {}
    for entry in references.entries:
        if entry.number in cited:
            continue
        start, end = chapter.line_span(entry.first_line, entry.start)
        marker = written_marker(entry.number, settings.marker, settings.marker_style)
        message = f"reference {entry.number} is never cited; cite it with {marker} or remove it"
        if entry.number in hidden:
            line, where = hidden[entry.number]
            message = (
                f"reference {entry.number} is cited only inside {where} at line {line}, where markers are not read; "
                f"move {marker} into the prose, or remove the reference"
            )
        elif entry.number in glued:
            message = _glued_message(f"reference {entry.number} is never cited", glued[entry.number], "or remove the reference")
        elif entry.number in linked:
            line, link = linked[entry.number]
            message = (
                f"reference {entry.number} is never cited with a marker: the link `{link}` at line {line} points to it, "
                f"and citelint does not read a link as a citation; cite it with {marker}, or remove the reference"
            )
        yield chapter.finding(RULE, start, end, message)


def _glued_message(finding: str, glued: tuple[int, str], otherwise: str) -> str:
    line, written = glued
    return (
        f"{finding}: `{written}` at line {line} is read as an index after a word, not as a citation; "
        f"if it cites, put a space before the bracket, {otherwise}"
    )


def _nothing_cited(chapter: Chapter, references: ReferenceList) -> Iterator[Diagnostic]:
    """One warning for a list that nothing cites, none for a section of prose notes."""
    if not references.mostly_references():
        return
    count = len(references.entries)
    start, end = chapter.line_span(references.line)
    entries = "1 entry" if count == 1 else f"{count} entries"
    listed = references.numbers()  # `var buf [8]byte` in code, with one entry listed, cites nothing of it
    hidden = {number: place for number, place in chapter.hidden_citations().items() if number in listed}
    if hidden:
        number, (line, where) = min(hidden.items(), key=lambda item: item[1][0])
        message = (
            f"the reference list has {entries} and the chapter cites none outside code and comments "
            f"({written_marker(number, chapter.settings.marker, chapter.settings.marker_style)} is inside {where} at line {line}, where markers are not read); "
            "move the markers into the prose"
        )
    elif glued := {number: place for number, place in chapter.glued_citations().items() if number in listed}:
        message = _glued_message(f"the reference list has {entries} and the chapter cites none", min(glued.values()), "or ignore CIT002 for files that are not chapters")
    elif linked := chapter.linked_entries():
        line, link = min(linked.values())
        message = (
            f"the reference list has {entries} and the chapter cites none with markers: it links to them instead "
            f"(`{link}` at line {line}), and citelint does not read a link as a citation; "
            f"cite them with markers such as {written_marker(1, chapter.settings.marker, chapter.settings.marker_style)}, or ignore CIT002 for this file"
        )
    else:
        message = (
            f"the reference list has {entries} and the chapter cites none; "
            f"cite them with markers such as {written_marker(1, chapter.settings.marker, chapter.settings.marker_style)}, or ignore CIT002 for files that are not chapters"
        )
    yield chapter.finding(RULE, start, end, message)._replace(severity=Severity.WARNING)
