"""Markers sit only in indented code blocks that read as prose.

In Markdown, a paragraph indented by four spaces or a tab is a code block, and a
code block is not prose: its markers are not citations. A chapter exported with
first-line indents (Word, Scrivener) or pasted with a uniform indent can hold all
of its markers in such blocks, and then citelint sees none of them and the chapter
passes unchecked. Reported once, at the first such block, when the chapter has no
marker outside code blocks. Remove the indent (or name the file `.txt`, where an
indent starts a paragraph); fence real code with ```` ``` ````.

Failing:

```markdown
    The summit changed everything. [CITATION 1]

    Later events followed. [CITATION 2]

## References

1. "The Summit." Example News, 2023. https://example.com/summit
2. "Later." Example News, 2024. https://example.com/later
```

Passing:

```markdown
The summit changed everything. [CITATION 1]

Later events followed. [CITATION 2]

## References

1. "The Summit." Example News, 2023. https://example.com/summit
2. "Later." Example News, 2024. https://example.com/later
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.block_structure import LeafBlock
from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.lazy_pattern import lazy
from citelint.markers import hidden_pattern

RULE = rule("CIT015")

_CODE_CHARACTERS = lazy(r"[{}();=<>$\\|]")
_WORD = lazy(r"[^\W\d_]{2,}")
MAX_PROSE_BLOCK = 100_000  # characters of one block looked at


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.cited or chapter.document.plain_text:
        return
    document = chapter.document
    pattern = hidden_pattern(chapter.settings.marker, chapter.settings.marker_style)
    hiding = []
    for block in document.blocks.of_kind("code"):  # the kinds' bytes searched: no other block made
        text = document.block_text(block)[:MAX_PROSE_BLOCK]
        count = sum(1 for _ in pattern.finditer(text))
        if count and _reads_as_prose(text if chapter.settings.marker_style == "citation" else pattern.sub("", text)):  # `<sup>` is no code
            hiding.append((block, count))
    if not hiding:
        return
    first: LeafBlock = hiding[0][0]
    markers = sum(count for _, count in hiding)
    blocks = len(hiding)
    where = "an indented code block that reads" if blocks == 1 else f"{blocks} indented code blocks that read"
    sit = "marker sits" if markers == 1 else "markers sit"
    message = (
        f"{markers} {sit} only in {where} as prose, so no citation "
        "of this chapter is checked; remove the indent (four spaces or a tab make Markdown read a paragraph as code)"
    )
    start = document.offset(first.first_line, len(document.lines[first.first_line]) - len(document.lines[first.first_line].lstrip()))
    yield chapter.finding(RULE, start, document.line_end(first.first_line), message)


def _reads_as_prose(text: str) -> bool:
    """Words and sentence punctuation, and few of the characters code is made of."""
    words = len(_WORD.findall(text))
    return words >= 4 and len(_CODE_CHARACTERS.findall(text)) * 10 < words and any(mark in text for mark in ".!?")
