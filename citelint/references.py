"""Find and parse a chapter's reference list (SPEC §2).

In this order: the section under the last heading named like a reference list
(References, Sources, …), or, in a file that has markers, the unheaded
trailing block of lines that each look like a reference.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple, Optional

from citelint.blocks import LeafBlock, ListItem
from citelint.document import Document, Span, is_heading_word

URL = re.compile(r"https?://[^\s<>\[\]()\"'`]+|https?://", re.IGNORECASE)
DOI = re.compile(r"(?<![\w/.])(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>\[\]]+)", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\")]}>*_"
_YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20\d\d)(?!\d)|\bn\.\s?d\.", re.IGNORECASE)
_SCHEMELESS = re.compile(r"(?<![\w/.@])www\.[^\s<>\[\]()\"']+", re.IGNORECASE)
_TITLE = re.compile(r"[\"\u201c][^\"\u201c\u201d\n]{3,}[\"\u201d]|(?<![\w*])\*[^*\n]{3,}\*(?!\*)|(?<!\w)_[^_\n]{3,}_(?!\w)")
_LIST_LABEL = re.compile(r"(?<![ \t])[ \t]*(\d{1,9})([.)])(?=[ \t]|$)")
_BULLET = re.compile(r"(?<![ \t])[ \t]*[-*+](?=[ \t]|$)")
_BRACKET_LABEL = re.compile(r"(?<![ \t])[ \t]*\[(\d{1,9})\](:?)(?=[ \t]|$)")
_NAMED_DEFINITION = re.compile(r" {0,3}\[(?!\d{1,9}\])[^\]\n]{1,999}\]:")
_QUOTE_PREFIX = re.compile(r"(?<![ \t>])(?:[ \t]*>)*")
MAX_REFERENCE_LINE = 2000


class Entry(NamedTuple):
    """One reference: its number, where it is, and its text."""

    number: int  # the explicit label, or the position
    position: int  # 1-based place in the list
    label: Optional[int]  # the explicit label, if it has one
    label_span: Optional[Span]  # offsets of the label's digits
    first_line: int  # 0-based, inclusive
    last_line: int
    start: int  # offset where the entry (its label or bullet) starts
    text: str  # the entry's text without its label, lines joined
    urls: tuple[str, ...]  # http(s) URLs in the text
    dois: tuple[str, ...]  # DOIs in the text, bare or in a doi.org URL


def find_urls(text: str) -> tuple[str, ...]:
    if "://" not in text:
        return ()
    return tuple(_trim(match.group()) for match in URL.finditer(text))


def find_dois(text: str) -> tuple[str, ...]:
    if "10." not in text:
        return ()
    return tuple(_trim(match.group(1)) for match in DOI.finditer(text))


class ReferenceList(NamedTuple):
    """The reference list and the lines it spans."""

    heading: Optional[LeafBlock]
    first_line: int
    last_line: int
    entries: tuple[Entry, ...]
    lazy_numbering: bool

    def holds_line(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line

    def numbers(self) -> set[int]:
        return {entry.number for entry in self.entries}


def find_reference_list(document: Document, heading_words: frozenset[str], has_markers: bool) -> Optional[ReferenceList]:
    heading = _last_reference_heading(document, heading_words)
    if heading is not None:
        return _headed_list(document, heading)
    if has_markers:
        return _unheaded_list(document)
    return None


def is_reference_heading(document: Document, block: LeafBlock, heading_words: frozenset[str]) -> bool:
    if block.kind != "heading":
        return False
    text = document.block_text(block).split("\n")[0]
    text = re.sub(r"^[ \t>]*#{1,6}(?=[ \t]|$)|[ \t]+#+[ \t]*$", "", text)
    return is_heading_word(text, heading_words)


def _last_reference_heading(document: Document, heading_words: frozenset[str]) -> Optional[LeafBlock]:
    for block in reversed(document.blocks):
        if is_reference_heading(document, block, heading_words):
            return block
    return None


# -- headed lists -----------------------------------------------------------


def _headed_list(document: Document, heading: LeafBlock) -> Optional[ReferenceList]:
    first = heading.last_line + 1
    last = len(document.lines) - 1
    for block in document.blocks:
        if block.first_line >= first and block.kind == "heading" and block.level <= heading.level:
            last = block.first_line - 1
            break
    entries = list(_section_entries(document, first, last))
    if not entries:
        return None
    return _numbered(document, heading, first, last, entries)


def _section_entries(document: Document, first: int, last: int) -> Iterator[tuple[int, int]]:
    """(first_line, last_line) of each entry of a section, in order."""
    items = _top_items(document, first, last)
    extents = _item_extents(document, items)
    item_lines = {item.line: extents[item.item_id] for item in items}
    covered: set[int] = set()
    for item in items:
        covered.update(range(item.line, extents[item.item_id] + 1))
    pieces: list[tuple[int, int]] = list(item_lines.items())
    for block in document.blocks:
        if not (first <= block.first_line <= last) or block.first_line in covered:
            continue
        if block.kind == "ref_def" and _BRACKET_LABEL.match(document.lines[block.first_line]):
            pieces.append((block.first_line, block.last_line))
        elif block.kind == "paragraph" and block.item is None:
            for piece in _paragraph_entries(document, block):
                if not items or _looks_like_reference(_lines_text(document, *piece)):
                    pieces.append(piece)
    yield from sorted(pieces)


def _top_items(document: Document, first: int, last: int) -> list[ListItem]:
    inside = [item for item in document.items if first <= item.line <= last]
    if not inside:
        return []
    shallowest = min(item.depth for item in inside)
    return [item for item in inside if item.depth == shallowest]


def _item_extents(document: Document, items: list[ListItem]) -> dict[int, int]:
    extents = {item.item_id: item.line for item in items}
    for block in document.blocks:
        index = block.item
        while index is not None:
            if index in extents:
                extents[index] = max(extents[index], block.last_line)
                break
            index = document.items[index].parent
    return extents


def _paragraph_entries(document: Document, block: LeafBlock) -> Iterator[tuple[int, int]]:
    """One entry per paragraph, or per line when labelled or every line is a reference."""
    lines = range(block.first_line, block.last_line + 1)
    texts = [document.lines[line] for line in lines]
    if any(_BRACKET_LABEL.match(text) for text in texts):
        starts = [line for line, text in zip(lines, texts) if _BRACKET_LABEL.match(text)]
        if starts[0] != block.first_line:
            starts.insert(0, block.first_line)
    elif len(texts) > 1 and all(_looks_like_entry_line(text) or _is_continuation(text) for text in texts):
        starts = [line for line, text in zip(lines, texts) if not _is_continuation(text)]
        if not starts or starts[0] != block.first_line:
            starts.insert(0, block.first_line)
    else:
        starts = [block.first_line]
    ends = [start - 1 for start in starts[1:]] + [block.last_line]
    yield from zip(starts, ends)


def _is_continuation(line: str) -> bool:
    return line[:1] in (" ", "\t") and bool(line.strip())


# -- unheaded trailing block ---------------------------------------------------


def _unheaded_list(document: Document) -> Optional[ReferenceList]:
    lines = document.lines
    line = len(lines) - 1
    first: Optional[int] = None
    while line >= 0:
        text = lines[line]
        if text.strip():
            block = document.block_at(document.offset(line))
            if block is None or block.kind not in ("paragraph", "ref_def"):
                break
            if _NAMED_DEFINITION.match(text):
                pass  # [map]: https://... is never an entry, and does not end the block
            elif _looks_like_reference(text):
                first = line
            elif not _is_continuation(text):
                break
        line -= 1
    if first is None:
        return None
    last = max(number for number in range(first, len(lines)) if lines[number].strip())
    starts = [number for number in range(first, last + 1) if lines[number].strip() and not _is_continuation(lines[number])]
    pieces = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else last
        while not lines[end].strip():
            end -= 1
        if not _NAMED_DEFINITION.match(lines[start]):
            pieces.append((start, end))
    return _numbered(document, None, first, last, pieces)


def _looks_like_entry_line(text: str) -> bool:
    """Under a reference heading, a line with a link or a year is an entry of its own."""
    return _looks_like_reference(text) or (len(text) <= MAX_REFERENCE_LINE and _YEAR.search(text) is not None)


def _looks_like_reference(text: str) -> bool:
    if len(text) > MAX_REFERENCE_LINE or not text.strip():
        return False
    if URL.search(text) or DOI.search(text) or _SCHEMELESS.search(text):
        return True
    if "[" in text and re.search(r"\[[A-Za-z]+ \d", text):
        return False  # holds something like a marker: prose
    title = _TITLE.search(text)
    return title is not None and _YEAR.search(text, title.end()) is not None


# -- numbering ----------------------------------------------------------------


def _numbered(
    document: Document,
    heading: Optional[LeafBlock],
    first: int,
    last: int,
    pieces: list[tuple[int, int]],
) -> ReferenceList:
    read = [_read_entry(document, start, end) for start, end in pieces]
    labels = [label for label, _, _, _ in read]
    lazy = len(labels) > 1 and all(label == 1 for label in labels)
    entries = []
    for position, ((label, span, start, text), (first_line, last_line)) in enumerate(zip(read, pieces), start=1):
        if lazy:
            label, span = None, None
        number = position if label is None else label
        entries.append(Entry(number, position, label, span, first_line, last_line, start, text, find_urls(text), find_dois(text)))
    return ReferenceList(heading, first, last, tuple(entries), lazy)


def _read_entry(document: Document, first: int, last: int) -> tuple[Optional[int], Optional[Span], int, str]:
    """The label, the label's digits, the start offset and the text of an entry."""
    line = document.lines[first]
    prefix = _QUOTE_PREFIX.match(line)
    column = prefix.end() if prefix else 0
    label: Optional[int] = None
    span: Optional[Span] = None
    rest = line[column:]  # sliced: the patterns look behind their start
    labelled = _LIST_LABEL.match(rest) or _BRACKET_LABEL.match(rest)
    bullet = _BULLET.match(rest)
    if labelled:
        label = int(labelled.group(1))
        span = Span(document.offset(first, column + labelled.start(1)), document.offset(first, column + labelled.end(1)))
        text_column = column + labelled.end()
    elif bullet:
        text_column = column + bullet.end()
    else:
        text_column = column
    start_column = len(line) - len(line[column:].lstrip(" \t"))
    parts = [line[text_column:]] + [document.lines[number] for number in range(first + 1, last + 1)]
    text = " ".join(part.strip() for part in parts if part.strip())
    return label, span, document.offset(first, start_column), text


def _lines_text(document: Document, first: int, last: int) -> str:
    return " ".join(document.lines[line].strip() for line in range(first, last + 1))


def _trim(url: str) -> str:
    return url.rstrip(_TRAILING_PUNCTUATION)
