"""Block structure with source lines, from mistune 3.

mistune's tokens carry no positions, and block quotes and list items are parsed
from rewritten copies of their text. This module records, while mistune parses,
where each leaf block starts and ends in the text of the state that parsed it,
and maps every child state's lines back to the lines of the document by
aligning them with their parent's lines (a child line is its parent line with
a container prefix removed and leading tabs expanded).

The result is line-granular: every line of the document belongs to at most one
leaf block (paragraph, heading, code, html, thematic break, link reference
definition), and list items are known with the line of their marker.

The hooks use mistune internals (``parse_method``, ``_parse_indent_code_fast``,
``BlockState.child_state``/``add_paragraph``/``append_paragraph``), which is
why the dependency is pinned below mistune 4.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Match, NamedTuple, Optional

from mistune.block_parser import BlockParser
from mistune.core import BlockState

LEAF_KINDS = {
    "fenced_code": "fence",
    "indent_code": "code",
    "atx_heading": "heading",
    "thematic_break": "break",
    "block_html": "html",
    "raw_html": "html",
    "ref_link": "ref_def",
}
CONTAINER_KINDS = {"block_quote", "list"}
MAX_NESTING = 8
MAX_SIBLING_INTERRUPTS = 48
# Child states a document may create (list items and quotes); hostile nesting
# past this budget is read as plain text, so parsing stays linear.
MAX_CONTAINER_STATES = 20_000
_BUDGET = "citelint_container_states"
_LIST_MARKER = re.compile(r"(?<![ \t])[ \t]*(?:(\d{1,9})[.)]|[-*+])(?=[ \t]|$)")


class LeafBlock(NamedTuple):
    """A leaf block of the document, in 0-based document lines (end inclusive)."""

    kind: str  # paragraph, heading, code (indented), fence (fenced code), html, break, ref_def
    first_line: int
    last_line: int
    level: int = 0  # heading level
    item: Optional[int] = None  # index of the innermost list item holding it
    quoted: bool = False  # inside a block quote


class ListItem(NamedTuple):
    """A list item: the line of its marker and the label it shows."""

    item_id: int  # its index in Structure.items
    line: int
    number: Optional[int]  # the number of an ordered item, None for a bullet
    parent: Optional[int]  # index of the enclosing list item
    depth: int  # list nesting depth, 0 for a top-level list
    quoted: bool


class _Record:
    """Where a block of one parser state starts and ends (mutable while parsing)."""

    __slots__ = ("kind", "start", "end", "level", "children")

    def __init__(self, kind: str, start: int, end: int, level: int = 0, children: Optional[list["_RecordingState"]] = None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.level = level
        self.children = children or []


class _RecordingState(BlockState):
    """A BlockState that remembers where its blocks are in its own text."""

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.records: list[_Record] = []
        self.pending_children: list[list[_RecordingState]] = []
        self.last_paragraph: Optional[_Record] = None
        self._lines: Optional[list[str]] = None
        self.container_calls = 0

    def split_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.src.split("\n")
        return self._lines

    def child_state(self, src: str, lazy_line_starts: Optional[set[int]] = None) -> "BlockState":
        child = super().child_state(src, lazy_line_starts)
        self.env[_BUDGET] = self.env.get(_BUDGET, 0) + 1
        if self.pending_children:
            self.pending_children[-1].append(child)  # type: ignore[arg-type]
        return child

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph" and self.last_paragraph is not None:
            self.last_paragraph.end = self.cursor + len(text)
        else:
            self.last_paragraph = _Record("paragraph", self.cursor, self.cursor + len(text))
            self.records.append(self.last_paragraph)
        super().add_paragraph(text)

    def append_paragraph(self) -> Optional[int]:
        end = super().append_paragraph()
        if end and self.last_paragraph is not None:
            self.last_paragraph.end = end
        return end


class _RecordingParser(BlockParser):
    """mistune's block parser, recording each block's extent."""

    state_cls = _RecordingState

    def __init__(self) -> None:
        super().__init__(max_nested_level=MAX_NESTING)

    def parse_method(self, m: Match[str], state: BlockState) -> Optional[int]:
        name = m.lastgroup or ""
        method = self._methods[name]
        if name == "blank_line":
            return method(m, state)
        assert isinstance(state, _RecordingState)
        if name in CONTAINER_KINDS:
            # Sibling quotes and lists that interrupt each other recurse in mistune
            # without going deeper; past a bound the line is read as plain text.
            if state.container_calls >= MAX_SIBLING_INTERRUPTS or state.env.get(_BUDGET, 0) >= MAX_CONTAINER_STATES:
                return None
            state.container_calls += 1
            try:
                return self._parse_container(name, method, m, state)
            finally:
                state.container_calls -= 1
        before = len(state.tokens)
        paragraph = state.last_paragraph
        paragraph_end = paragraph.end if paragraph is not None else None
        end = method(m, state)
        if not end:
            return end
        if name == "setex_heading":
            self._record_setext(m, state, end)
        elif name in LEAF_KINDS and self._made_block(state, name, before, paragraph_end):
            level = len(m.group("atx_1")) if name == "atx_heading" else 0
            state.records.append(_Record(LEAF_KINDS[name], m.start(), end, level))
        return end

    @staticmethod
    def _parse_container(name: str, method: Any, m: Match[str], state: _RecordingState) -> Optional[int]:
        state.pending_children.append([])
        try:
            end = method(m, state)
        finally:
            children = state.pending_children.pop()
        if end and children:
            state.records.append(_Record(name, m.start(), end, children=children))
        return end

    @staticmethod
    def _made_block(state: _RecordingState, name: str, before: int, paragraph_end: Optional[int]) -> bool:
        paragraph_grew = state.last_paragraph is not None and state.last_paragraph.end != paragraph_end
        if name == "ref_link":
            return not paragraph_grew
        return len(state.tokens) > before and not paragraph_grew

    @staticmethod
    def _record_setext(m: Match[str], state: _RecordingState, end: int) -> None:
        last = state.last_token()
        paragraph = state.last_paragraph
        if last and last.get("style") == "setext" and paragraph is not None:
            paragraph.kind = "heading"
            paragraph.level = last["attrs"]["level"]
            paragraph.end = end
            state.last_paragraph = None

    def _parse_indent_code_fast(self, state: BlockState) -> Optional[int]:
        start = state.cursor
        before = len(state.tokens)
        end = super()._parse_indent_code_fast(state)  # type: ignore[misc]
        if end is None:
            return None
        assert isinstance(state, _RecordingState)
        if len(state.tokens) > before:
            state.records.append(_Record("code", start, end))
        elif state.last_paragraph is not None:
            state.last_paragraph.end = max(state.last_paragraph.end, end)
        return end


class Structure(NamedTuple):
    """The leaf blocks and list items of a document, in document lines."""

    blocks: list[LeafBlock]
    items: list[ListItem]


def parse_structure(text: str) -> Structure:
    """Parse ``text`` (BOM stripped, ``\\n`` line endings) into leaf blocks."""
    parser = _parser()
    state = _RecordingState()
    state.process(text if text.endswith("\n") else text + "\n")
    parser.parse(state)
    builder = _StructureBuilder()
    lines = _line_starts(state.src)
    builder.walk(state, list(range(len(lines))), lines, item=None, depth=0, quoted=False)
    builder.blocks.sort(key=lambda block: (block.first_line, block.last_line))
    return Structure(builder.blocks, builder.items)


@lru_cache(maxsize=1)
def _parser() -> _RecordingParser:
    """One parser for every document: it keeps no state between parses, only compiled patterns."""
    return _RecordingParser()


def _line_starts(src: str) -> list[int]:
    starts = [0]
    find = src.find
    pos = find("\n")
    while pos >= 0 and pos + 1 < len(src):
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


class _StructureBuilder:
    def __init__(self) -> None:
        self.blocks: list[LeafBlock] = []
        self.items: list[ListItem] = []

    def walk(
        self,
        state: _RecordingState,
        line_map: list[int],
        starts: list[int],
        item: Optional[int],
        depth: int,
        quoted: bool,
    ) -> None:
        for record in state.records:
            first = _line_of(starts, record.start)
            last = _line_of(starts, max(record.start, record.end - 1))
            first_doc, last_doc = line_map[first], line_map[min(last, len(line_map) - 1)]
            if record.kind == "block_quote":
                self._walk_quote(state, record, first, line_map, item, depth)
            elif record.kind == "list":
                self._walk_list(state, record, first, line_map, item, depth, quoted)
            else:
                self.blocks.append(LeafBlock(record.kind, first_doc, last_doc, record.level, item, quoted))

    def _walk_quote(
        self,
        state: _RecordingState,
        record: _Record,
        first: int,
        line_map: list[int],
        item: Optional[int],
        depth: int,
    ) -> None:
        parent_lines = state.split_lines()
        pointer = first
        for child in record.children:
            child_map, pointer = _align(child.src, parent_lines, pointer)
            self._descend(child, child_map, line_map, item, depth, quoted=True)

    def _walk_list(
        self,
        state: _RecordingState,
        record: _Record,
        first: int,
        line_map: list[int],
        item: Optional[int],
        depth: int,
        quoted: bool,
    ) -> None:
        parent_lines = state.split_lines()
        pointer = first
        for child in record.children:
            while pointer < len(parent_lines) - 1 and not parent_lines[pointer].strip():
                pointer += 1
            marker = _LIST_MARKER.match(parent_lines[pointer]) if pointer < len(parent_lines) else None
            number = int(marker.group(1)) if marker and marker.group(1) else None
            index = len(self.items)
            doc_line = line_map[min(pointer, len(line_map) - 1)]
            self.items.append(ListItem(index, doc_line, number, item, depth, quoted))
            child_map, pointer = _align(child.src, parent_lines, pointer)
            self._descend(child, child_map, line_map, index, depth + 1, quoted)

    def _descend(
        self,
        child: _RecordingState,
        child_map: list[int],
        line_map: list[int],
        item: Optional[int],
        depth: int,
        quoted: bool,
    ) -> None:
        doc_map = [line_map[min(line, len(line_map) - 1)] for line in child_map]
        self.walk(child, doc_map, _line_starts(child.src), item, depth, quoted)


def _align(child_src: str, parent_lines: list[str], pointer: int) -> tuple[list[int], int]:
    """Map each line of a child state's text to a line of its parent's text.

    A child line is its parent line with a prefix removed and leading tabs
    expanded, and the child's lines come from consecutive parent lines, except
    that an item's empty first line is left out. Returns the map and the
    parent line after the last one used.
    """
    mapping: list[int] = []
    last = len(parent_lines) - 1
    pointer = min(pointer, last)
    child_lines = child_src.split("\n")
    if child_lines and not child_lines[-1]:
        child_lines.pop()
    for child_line in child_lines:
        content = child_line.strip()
        line = pointer
        if content:
            limit = min(pointer + 2, last)
            while line < limit and not parent_lines[line].rstrip().endswith(content):
                line += 1
            if not parent_lines[line].rstrip().endswith(content):
                line = pointer
        mapping.append(min(line, last))
        pointer = min(line + 1, last + 1)
    return mapping, pointer
