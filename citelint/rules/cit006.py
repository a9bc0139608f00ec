"""A marker sits where the house style does not put it.

Reported, as a warning: a marker in a heading; a marker inside the reference
list (a cross-reference between entries, "see also [CITATION 2]": it does not
count as a citation there, and `fix` renumbers it with the list, so it still
names the same entry); a marker that begins a
paragraph; and a marker on the wrong side of punctuation for the `placement`
setting. With `placement = "after"` (the default) a marker follows the
sentence it supports, `... the deal. [CITATION 2]`, so a marker directly
followed by `.`, `,`, `;`, `:`, `!` or `?` is reported. With `"before"` the
style is `... the deal [CITATION 2].`, so a marker directly preceded by
sentence-ending punctuation is reported. `"any"` accepts both. A marker in the
middle of a clause (`the deal [CITATION 2] was`) is always fine.

Failing:

```markdown
The deal was signed in 2023 [CITATION 1].

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

import re
from bisect import bisect_right
from typing import Iterator, Optional

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.block_structure import KIND_CODES, LeafBlock
from citelint.markers import Marker

RULE = rule("CIT006")
FOLLOWING_PUNCTUATION = ".,;:!?"
_FOLLOWING_CHARACTERS = frozenset(FOLLOWING_PUNCTUATION)  # one character each (``in`` a string would match "" too)
SENTENCE_END = ".!?"
CLOSERS = "\"')]\u201d\u2019*_"
_HEADING = KIND_CODES["heading"]
_CONTAINER_PREFIX = re.compile(r"[ \t>\d.)*+-]*")  # every character a line's quote and list markers may have


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    # Asked for every marker (a book has ~100 a chapter): the lookups a marker needs are
    # made here once, and a marker that passes them all (most) costs no further call.
    document = chapter.document
    text = document.text
    line_starts, line_block = document.line_starts, document.line_block
    kinds, firsts = document.blocks.kind, document.blocks.first
    listed = chapter.references
    first_listed, last_listed = (listed.first_line, listed.last_line) if listed is not None else (-1, -2)
    after = chapter.settings.placement == "after"
    prefix = _CONTAINER_PREFIX.fullmatch
    for marker in chapter.markers:
        if not marker.numbers:
            continue  # ``cites``
        line = bisect_right(line_starts, marker.start) - 1  # ``line_of``
        index = line_block[line]
        in_heading = index >= 0 and kinds[index] == _HEADING
        if not in_heading and not first_listed <= line <= last_listed and after and text[marker.end : marker.end + 1] not in _FOLLOWING_CHARACTERS:
            if index < 0 or line != firsts[index] or prefix(text, line_starts[line], marker.start) is None:
                continue  # in the prose after words of its paragraph, before no punctuation (``_begins_paragraph``)
        reason = _misplacement(chapter, marker, line, index, in_heading)
        if reason:
            yield chapter.finding(RULE, marker.start, marker.end, f"{marker.shown} {reason}")


def _misplacement(chapter: Chapter, marker: Marker, line: int, index: int, in_heading: bool) -> Optional[str]:
    """``line``: the marker's; ``index``: its block's (-1: none)."""
    document = chapter.document
    if not in_heading and chapter.references is not None and chapter.references.holds_line(line):  # ``in_reference_list``, its line known
        return (
            "is inside the reference list, where it counts as no citation: a cross-reference between entries "
            "(fix renumbers it with the list); cite the source in the text it supports"
        )
    if in_heading:
        return f"is in a heading{_underline_hint(chapter, document.blocks[index])}; move it into the text it supports"
    if index >= 0 and line == document.blocks.first[index] and _begins_paragraph(chapter, marker, line):
        return "begins a paragraph; put it after the sentence it supports"
    return _wrong_side(chapter, marker, line)


def _underline_hint(chapter: Chapter, heading: LeafBlock) -> str:
    """For a heading made by a line of --- or === under a paragraph (often meant as
    a break), how that came about."""
    if heading.last_line == heading.first_line:
        return ""
    document = chapter.document
    underline = document.lines[heading.last_line][document.content_column(heading.last_line) :].strip()
    if not underline or underline.strip("=-"):
        return ""
    if underline.startswith("="):
        return f' (the "{underline}" line under its paragraph makes one)'
    return f' (the "{underline}" line under its paragraph makes one; with a blank line before it, it is a break)'


def _begins_paragraph(chapter: Chapter, marker: Marker, line: int) -> bool:
    """``line``: the marker's, the first of its block."""
    document = chapter.document
    line_start = document.offset(line)
    if _CONTAINER_PREFIX.fullmatch(document.text, line_start, marker.start) is None:
        return False  # words before it: the quote and list markers cannot reach it (most markers)
    return marker.start == line_start + document.content_column(line)


def _wrong_side(chapter: Chapter, marker: Marker, line: int) -> Optional[str]:
    placement = chapter.settings.placement
    text = chapter.document.text
    if placement == "after":
        following = text[marker.end : marker.end + 1]
        if following and following in FOLLOWING_PUNCTUATION:
            return f"comes before `{following}`; the house style puts markers after punctuation"
    elif placement == "before":
        line_start = chapter.document.offset(line)
        before = text[line_start : marker.start].rstrip().rstrip(CLOSERS)
        if before and before[-1] in SENTENCE_END:
            return f"follows `{before[-1]}`; the house style puts markers before punctuation"
    return None
