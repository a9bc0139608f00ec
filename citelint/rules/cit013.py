"""A code fence, HTML comment or raw HTML block is never closed and hides citations.

An opening fence (```` ``` ```` or `~~~`) without its closing fence makes the
rest of the file (or of its list item or quote) a code block; an unclosed `<!--`
makes it a comment, and an unclosed `<pre>`, `<script>`, `<style>` or
`<textarea>` makes it raw HTML. Markers and reference headings there are not read, so citelint can say
nothing about them: a chapter may pass with every citation after the slip
unchecked. Reported at the opening, when what it hides holds a marker or a
reference heading; close the block where it should end. (A bare `~~~` meant as a
scene break opens a code block too: write `***` for a break.)

Failing:

```markdown
A claim. [CITATION 1]

~~~text
an example

Another claim. [CITATION 2]

## References

1. "A Source." Example Press, 2019. https://example.com/source
2. "Another." Example Press, 2020. https://example.com/another
```

Passing:

```markdown
A claim. [CITATION 1]

~~~text
an example
~~~

Another claim. [CITATION 2]

## References

1. "A Source." Example Press, 2019. https://example.com/source
2. "Another." Example Press, 2020. https://example.com/another
```
"""

import re
from typing import Iterator, NamedTuple, Optional

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.block_structure import LeafBlock
from citelint.document import RAW_TEXT_HTML, Document, is_heading_word
from citelint.lazy_pattern import lazy
from citelint.markers import candidate_pattern_for

RULE = rule("CIT013")
WHOLE_FILE = True  # judged once per file, also in a book compiled into one file

_FENCE = re.compile(r"(`{3,}|~{3,})")
_RAW_TEXT_CLOSE = lazy(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)
_ATX_MARKS = lazy(r"#{1,6}(?:[ \t]+|$)")
_BLOCK_OPENINGS = {"fence": _FENCE, "html": RAW_TEXT_HTML}


class Unclosed(NamedTuple):
    """An opening never closed: what it is, where it starts, what to do about it,
    and the offsets of the text it hides."""

    what: str
    start: int
    end: int
    advice: str
    hidden_start: int
    hidden_end: int


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    document = chapter.document
    for block in _unclosed_blocks(document) + _unclosed_comments(document):
        hidden = _what_is_hidden(chapter, block)
        if hidden is None:
            continue
        line = document.line_of(block.start) + 1
        last = document.line_of(max(block.hidden_start, block.hidden_end - 1)) + 1
        extent = "the rest of the file" if not document.text[block.hidden_end :].strip() else f"everything up to line {last}"
        message = (
            f"{block.what} opened on line {line} is never closed, so {extent} is hidden from citelint, "
            f"{hidden} included; {block.advice}"
        )
        yield chapter.finding(RULE, block.start, block.end, message)


def _unclosed_blocks(document: Document) -> list[Unclosed]:
    """Fenced code and raw-text HTML blocks that run on without their closing."""
    found = []
    for block in document.blocks.of_kinds(_BLOCK_OPENINGS):  # the kinds' bytes searched: no block of another kind made
        match = _BLOCK_OPENINGS[block.kind].match(document.lines[block.first_line], document.content_column(block.first_line))
        if match is None:
            continue
        unclosed = (_unclosed_fence if block.kind == "fence" else _unclosed_raw_html)(document, block, match)
        if unclosed is not None:
            found.append(unclosed)
    return found


def _unclosed_fence(document: Document, block: LeafBlock, opener: re.Match[str]) -> Optional[Unclosed]:
    fence = opener.group(1)
    last = document.lines[block.last_line][document.content_column(block.last_line) :].rstrip()
    if block.last_line > block.first_line and last.startswith(fence) and last == fence[0] * len(last):
        return None  # closed by a run of the same character, at least as long
    start = document.offset(block.first_line, opener.start())
    advice = f'close it with "{fence}"'
    if not document.lines[block.first_line][opener.end() :].strip():  # a bare fence may be meant as a scene break
        advice += ', or, for a scene break, write "***" instead'
    return Unclosed(f'the code fence "{fence}"', start, start + len(fence), advice, start, document.line_end(block.last_line))


def _unclosed_raw_html(document: Document, block: LeafBlock, opener: re.Match[str]) -> Optional[Unclosed]:
    if _RAW_TEXT_CLOSE.search(document.block_text(block)):
        return None
    start = document.offset(block.first_line, opener.start())
    tag = opener.group(1).lower()
    return Unclosed(f'the "<{tag}>" block', start, start + len(tag) + 1, f'close it with "</{tag}>"', start, document.line_end(block.last_line))


def _unclosed_comments(document: Document) -> list[Unclosed]:
    text = document.text
    return [
        Unclosed('the HTML comment "<!--"', span.start, span.start + 4, 'close it with "-->"', span.start, span.end)
        for span in document.comments
        if text.startswith("<!--", span.start) and not text.endswith("-->", span.start + 4, span.end)
    ]


def _what_is_hidden(chapter: Chapter, block: Unclosed) -> Optional[str]:
    """``2 markers and the reference heading on line 9``, or None when the block
    hides neither markers nor a reference heading."""
    document = chapter.document
    markers = sum(1 for _ in candidate_pattern_for(chapter.settings.marker, chapter.settings.marker_style).finditer(document.text, block.hidden_start, block.hidden_end))
    heading = _reference_heading(chapter, document.line_of(block.hidden_start) + 1, document.line_of(block.hidden_end))
    parts = []
    if markers:
        parts.append(f"{markers} marker{'s' if markers > 1 else ''}")
    if heading is not None:
        parts.append(f"the reference heading on line {heading + 1}")
    return " and ".join(parts) or None


def _reference_heading(chapter: Chapter, first: int, last: int) -> Optional[int]:
    document = chapter.document
    words = chapter.settings.heading_words
    for line in range(first, min(last, len(document.lines) - 1) + 1):
        text = document.lines[line][document.content_column(line) :]
        text = _ATX_MARKS.sub("", text, count=1) if text.startswith("#") else text
        if is_heading_word(text, words):
            return line
    return None
