"""The mistune adapter: block structure with source lines, from mistune 3.

mistune's tokens carry no positions, and block quotes and list items are parsed
from rewritten copies of their text. This module records, while mistune parses,
where each leaf block starts and ends in the text of the state that parsed it,
and maps every child state's lines back to the lines of the document by
aligning them with their parent's lines (a child line is its parent line with
a container prefix removed and leading tabs expanded).

The result is line-granular: every line of the document belongs to at most one
leaf block (paragraph, heading, code, html, thematic break, link reference
definition), and list items are known with the line of their marker.

Memory stays proportional to the text (a large chapter must not take a CI
runner down): mistune keeps only its last few tokens and no paragraph text
(nothing here reads them), a child state is folded into compact arrays in its
parent's lines as soon as it is parsed, and mistune reads a condensed copy of
the text (``condense``) in which a long run of blank lines keeps its first and
last line and a very long line keeps its ends, which decide its block type; its
lines are mapped back to the document's.

The hooks use mistune internals (``parse_method``, ``_parse_indent_code_fast``,
``BlockState.child_state``/``add_paragraph``/``append_paragraph``), which is
why the dependency is pinned below mistune 4.
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from typing import Any, Iterator, Match, Optional

from mistune import list_parser
from mistune.block_parser import BlockParser
from mistune.core import BlockState

from citelint.block_structure import KIND_CODES, MAX_CONTAINER_STATES, MAX_PARSED_LINE, Blocks, Lines, ListItem, ListItems, Structure, shortened_line, sorted_blocks

_ITEM = -1  # the kind code of a list item's event

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
_BUDGET = "citelint_container_states"
# Three or more identical blank (or bare ">") lines; possessive, so that a long run
# costs the regex engine no memory per line.
_BLANK_RUN = re.compile(r"^([ \t>]*\n)\1{2,}+", re.MULTILINE)
_BLANK_RUN_INSIDE = re.compile(r"\n([ \t>]*\n)\1\1")  # a quick look for what _BLANK_RUN finds
_LONG_LINE = re.compile(r"^[^\n]{%d}" % (MAX_PARSED_LINE + 1), re.MULTILINE)  # tried at line starts only: linear
_LIST_MARKER = re.compile(r"(?<![ \t])[ \t]*(?:(\d{1,9})[.)]|[-*+])(?=[ \t]|$)")


class _Events:
    """Leaf blocks and list items of one parser state, in its own lines, in parse
    order, as parallel arrays (a tuple per block would cost ~20 times more).

    A list item's ``level`` is its number (-1 for a bullet). ``owner`` is the
    position of the innermost enclosing item's event, -1 when that item is outside
    this state; ``depth`` counts the enclosing items inside this state."""

    __slots__ = ("kind", "first", "last", "level", "owner", "depth", "quoted")

    def __init__(self) -> None:
        self.kind = array("b")
        self.first = array("q")
        self.last = array("q")
        self.level = array("q")
        self.owner = array("q")
        self.depth = array("q")
        self.quoted = array("b")

    def __len__(self) -> int:
        return len(self.kind)

    def add(self, kind: int, first: int, last: int, level: int = 0, owner: int = -1, depth: int = 0, quoted: bool = False) -> int:
        self.kind.append(kind)
        self.first.append(first)
        self.last.append(last)
        self.level.append(level)
        self.owner.append(owner)
        self.depth.append(depth)
        self.quoted.append(quoted)
        return len(self.kind) - 1

    def extend(self, other: "_Events", line_map: Optional["array[int]"] = None, owner: int = -1, deeper: int = 0, quoted: bool = False) -> None:
        """Append ``other``'s events, their lines mapped through ``line_map`` (a
        child's lines to this state's), with ``owner`` for those that have none
        there, ``deeper`` more enclosing items, quoted when ``quoted``."""
        if line_map is not None and not len(line_map):
            return  # a child of no lines: none of its events has a line here
        base = len(self.kind)
        if line_map is None:
            self.first.extend(other.first)
            self.last.extend(other.last)
        else:
            top = len(line_map) - 1
            self.first.extend([line_map[min(first, top)] for first in other.first])
            self.last.extend([line_map[min(last, top)] for last in other.last])
        self.kind.extend(other.kind)
        self.level.extend(other.level)
        self.owner.extend([owner if found < 0 else found + base for found in other.owner])
        self.depth.extend([depth + deeper for depth in other.depth] if deeper else other.depth)
        self.quoted.extend(array("b", [1]) * len(other.quoted) if quoted else other.quoted)


class _Records:
    """The blocks of one parser state, in order: each leaf block by offsets in the
    state's text (a paragraph's end moves while it goes on), each container by its
    events, already in the state's lines. Arrays, not an object a block: a chapter
    of one-line headings held ~140 bytes a heading here, 35 times its size."""

    __slots__ = ("kind", "start", "end", "level", "containers")

    def __init__(self) -> None:
        self.kind = array("b")
        self.start = array("q")
        self.end = array("q")
        self.level = array("b")
        self.containers: dict[int, _Events] = {}

    def __len__(self) -> int:
        return len(self.kind)

    def add(self, kind: str, start: int, end: int, level: int = 0) -> int:
        """Record a leaf block; its index."""
        self.kind.append(KIND_CODES[kind])
        self.start.append(start)
        self.end.append(end)
        self.level.append(level)
        return len(self.kind) - 1

    def add_container(self, events: _Events) -> None:
        self.containers[self.add("paragraph", 0, 0)] = events


class _Pending:
    """A container being parsed: the parent line its next child starts from, and
    its children's events in the parent's lines."""

    __slots__ = ("kind", "pointer", "events")

    def __init__(self, kind: str, pointer: int) -> None:
        self.kind = kind
        self.pointer = pointer
        self.events = _Events()


class _TokenTail:
    """The last few tokens of a state, and how many there were. mistune looks back
    at the last token only (a paragraph to continue, a setext underline, a token to
    insert before); nothing here reads tokens, and keeping them all costs hundreds
    of bytes per line of a large chapter."""

    __slots__ = ("count", "tail")
    KEEP = 4

    def __init__(self) -> None:
        self.count = 0
        self.tail: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.tail[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.tail)

    def append(self, token: dict[str, Any]) -> None:
        self.tail.append(token)
        self._count_one()

    def insert(self, index: int, token: dict[str, Any]) -> None:
        self.tail.insert(max(0, index - (self.count - len(self.tail))), token)
        self._count_one()

    def _count_one(self) -> None:
        self.count += 1
        if len(self.tail) > self.KEEP:
            del self.tail[0]


_StateLines = Lines


class _NoChildren:
    """A list token's items, not kept (see ``parse_list``)."""

    __slots__ = ()

    def append(self, item: Any) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        return iter(())


class _RecordingState(BlockState):
    """A BlockState that remembers where its blocks are in its own text."""

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.tokens = _TokenTail()  # type: ignore[assignment]
        self.records = _Records()
        self.pending: list[_Pending] = []
        self.last_paragraph: Optional[int] = None  # the index of the paragraph that may go on
        self._lines: Optional[_StateLines] = None
        self.container_calls = 0

    def lines(self) -> _StateLines:
        if self._lines is None or self._lines.src is not self.src:
            self._lines = _StateLines(self.src)
        return self._lines

    def child_state(self, src: str, lazy_line_starts: Optional[set[int]] = None) -> "BlockState":
        child = super().child_state(src, lazy_line_starts)
        self.env[_BUDGET] = self.env.get(_BUDGET, 0) + 1
        return child

    def add_paragraph(self, text: str) -> None:
        """As mistune's, without keeping the paragraph's text (nothing reads it)."""
        last = self.last_token()
        if last and last["type"] == "paragraph" and self.last_paragraph is not None:
            self.records.end[self.last_paragraph] = self.cursor + len(text)
            return
        self.last_paragraph = self.records.add("paragraph", self.cursor, self.cursor + len(text))
        if not (last and last["type"] == "paragraph"):
            self.tokens.append({"type": "paragraph", "text": ""})

    def append_paragraph(self) -> Optional[int]:
        last = self.last_token()
        if not (last and last["type"] == "paragraph"):
            return None
        end = self.find_line_end()
        if self.last_paragraph is not None:
            self.records.end[self.last_paragraph] = end
        return end

    def adopt(self, child: "_RecordingState") -> None:
        """Fold a parsed child state (a list item or a quote's text) into the
        container being parsed, in this state's lines; the child is then dropped."""
        if not self.pending:
            return
        pending = self.pending[-1]
        lines = self.lines()
        last = len(lines) - 1
        owner = -1
        if pending.kind == "list":
            pointer = min(pending.pointer, last)
            while pointer < last and not lines[pointer].strip():
                pointer += 1
            marker = _LIST_MARKER.match(lines[pointer])
            number = int(marker.group(1)) if marker and marker.group(1) else -1
            owner = pending.events.add(_ITEM, pointer, pointer, number)
            pending.pointer = pointer
        line_map, pending.pointer = _align(child.src, lines, pending.pointer)
        pending.events.extend(child.finish(), line_map, owner, deeper=1 if pending.kind == "list" else 0, quoted=pending.kind == "block_quote")

    def finish(self) -> _Events:
        """This state's events in its own lines, in the order of its records."""
        events = _Events()
        lines = self.lines()
        records = self.records
        for index in range(len(records)):
            contained = records.containers.get(index)
            if contained is not None:
                events.extend(contained)
            else:
                start = records.start[index]
                events.add(records.kind[index], lines.line_of(start), lines.line_of(max(start, records.end[index] - 1)), records.level[index])
        self.records = _Records()
        return events


class _RecordingParser(BlockParser):
    """mistune's block parser, recording each block's extent."""

    state_cls = _RecordingState

    def __init__(self) -> None:
        super().__init__(max_nested_level=MAX_NESTING)

    def parse(self, state: BlockState, rules: Optional[list[str]] = None) -> None:
        super().parse(state, rules)
        parent = state.parent
        if isinstance(parent, _RecordingState) and isinstance(state, _RecordingState):
            parent.adopt(state)

    def parse_list(self, m: Match[str], state: BlockState) -> int:
        """mistune's ``parse_list``, keeping no token per item (a list of a hundred
        thousand items held as many dictionaries until it ended)."""
        item = list_parser._create_list_marker(m, "list")
        if not item.text.strip() or (item.ordered and int(item.marker[:-1]) != 1):
            # an empty item, or a list not starting at 1, cannot interrupt a paragraph
            end_pos = state.append_paragraph()
            if end_pos:
                return end_pos
        token: dict[str, Any] = {"type": "list", "children": _NoChildren(), "tight": True, "bullet": item.bullet}
        state.cursor = m.end() + 1
        rules = self.list_rules
        if state.depth() >= self.max_nested_level - 1:
            rules = [rule for rule in rules if rule not in ("list", "block_quote")]
        bullet = list_parser._get_list_bullet(item.bullet)
        next_item: Optional[Any] = item
        while next_item:
            next_item = list_parser._parse_list_item(self, bullet, next_item, token, state, rules)
        end_pos = token.pop("_end_pos", None)
        if end_pos:
            state.tokens.insert(token.pop("_tok_index"), token)
            return int(end_pos)
        state.append_token(token)
        return state.cursor

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
        paragraph_end = state.records.end[paragraph] if paragraph is not None else None
        end = method(m, state)
        if not end:
            return end
        if name == "setex_heading":
            self._record_setext(m, state, end)
        elif name in LEAF_KINDS and self._made_block(state, name, before, paragraph_end):
            level = len(m.group("atx_1")) if name == "atx_heading" else 0
            state.records.add(LEAF_KINDS[name], m.start(), end, level)
        return end

    @staticmethod
    def _parse_container(name: str, method: Any, m: Match[str], state: _RecordingState) -> Optional[int]:
        state.pending.append(_Pending(name, state.lines().line_of(m.start())))
        try:
            end = method(m, state)
        finally:
            pending = state.pending.pop()
        if end and len(pending.events):
            state.records.add_container(pending.events)
        return end

    @staticmethod
    def _made_block(state: _RecordingState, name: str, before: int, paragraph_end: Optional[int]) -> bool:
        paragraph_grew = state.last_paragraph is not None and state.records.end[state.last_paragraph] != paragraph_end
        if name == "ref_link":
            return not paragraph_grew
        return len(state.tokens) > before and not paragraph_grew

    @staticmethod
    def _record_setext(m: Match[str], state: _RecordingState, end: int) -> None:
        last = state.last_token()
        paragraph = state.last_paragraph
        if last and last.get("style") == "setext" and paragraph is not None:
            state.records.kind[paragraph] = KIND_CODES["heading"]
            state.records.level[paragraph] = last["attrs"]["level"]
            state.records.end[paragraph] = end
            state.last_paragraph = None

    def _parse_indent_code_fast(self, state: BlockState) -> Optional[int]:
        start = state.cursor
        before = len(state.tokens)
        end = super()._parse_indent_code_fast(state)  # type: ignore[misc]
        if end is None:
            return None
        assert isinstance(state, _RecordingState)
        if len(state.tokens) > before:
            state.records.add("code", start, end)
        elif state.last_paragraph is not None:
            state.records.end[state.last_paragraph] = max(state.records.end[state.last_paragraph], end)
        return end


def parse_structure(text: str) -> Structure:
    """Parse ``text`` (BOM stripped, ``\\n`` line endings) into leaf blocks."""
    parsed, line_map = condense(text if text.endswith("\n") else text + "\n")
    state = _RecordingState()
    state.process(parsed)
    del parsed
    _parser().parse(state)
    events = state.finish()
    del state
    return _structure(events, line_map)


def _structure(events: _Events, line_map: Optional["array[int]"]) -> Structure:
    blocks = Blocks()
    items = ListItems()
    item_of = array("q", [-1]) * len(events)  # an item's event position -> its index in items
    top = len(line_map) - 1 if line_map is not None else 0
    in_order = True
    for index in range(len(events)):
        first, last = events.first[index], events.last[index]
        if line_map is not None:
            first, last = line_map[min(first, top)], line_map[min(last, top)]
        owner = events.owner[index]
        quoted = bool(events.quoted[index])
        kind = events.kind[index]
        if kind == _ITEM:
            enclosing = item_of[owner] if owner >= 0 else None
            number = events.level[index]
            item_of[index] = len(items)
            items.append(ListItem(len(items), first, None if number < 0 else number, enclosing, events.depth[index], quoted))
        else:
            if in_order and len(blocks) and (first, last) < (blocks.first[-1], blocks.last[-1]):
                in_order = False
            blocks.add(kind, first, last, events.level[index], item_of[owner] if owner >= 0 else -1, quoted)
    return Structure(blocks if in_order else sorted_blocks(blocks), items)


def condense(text: str) -> tuple[str, Optional["array[int]"]]:
    """The text mistune reads, and the document line of each of its lines (None:
    the text itself). Three or more identical blank (or bare ``>``) lines in a row
    read as two, and a line over MAX_PARSED_LINE characters keeps its two ends and,
    in between, each other character it holds once: its block type is decided by
    its start, by its end (a closing ``#`` sequence) and by which characters it
    holds (a thematic break, a setext underline, a backtick in a fence's info),
    while mistune's patterns cost memory with a line's length and its tokens with
    the number of lines."""
    if not _may_have_blank_run(text) and not _may_have_long_line(text):
        return text, None  # the common case, found by two quick scans
    pieces: list[str] = []
    line_map = array("q")
    position = line = 0
    for run in _BLANK_RUN.finditer(text):
        line = _copy_lines(text[position : run.start()], line, pieces, line_map)
        blank = run.group(1)
        count = (run.end() - run.start()) // len(blank)
        pieces.append(blank + blank)
        line_map.append(line)
        line_map.append(line + count - 1)
        line += count
        position = run.end()
    _copy_lines(text[position:], line, pieces, line_map)
    return "".join(pieces), line_map


def _may_have_blank_run(text: str) -> bool:
    return _BLANK_RUN_INSIDE.search(text) is not None or _BLANK_RUN.match(text) is not None


def _may_have_long_line(text: str) -> bool:
    """Whether a stretch of half the longest line mistune reads has no line break:
    every longer line holds such a stretch, so when none has, no line is too long.
    A few thousand ``find`` calls for a chapter, where a pattern tries every line."""
    width = MAX_PARSED_LINE // 2
    return any(text.find("\n", start, start + width) < 0 for start in range(0, len(text) - width, width))


def _copy_lines(chunk: str, line: int, pieces: list[str], line_map: "array[int]") -> int:
    """Copy whole lines (long ones shortened), mapping each; returns the next line."""
    count = chunk.count("\n")
    line_map.extend(range(line, line + count))
    if not _LONG_LINE.search(chunk):
        pieces.append(chunk)
        return line + count
    start = 0
    for long_line in _LONG_LINE.finditer(chunk):
        line_start = chunk.rfind("\n", 0, long_line.start()) + 1
        if line_start < start:
            continue  # the same long line, found again
        line_end = chunk.find("\n", line_start)
        line_end = len(chunk) if line_end < 0 else line_end
        pieces.append(chunk[start:line_start])
        pieces.append(shortened_line(chunk[line_start:line_end]))
        start = line_end
    pieces.append(chunk[start:])
    return line + count


@lru_cache(maxsize=1)
def _parser() -> _RecordingParser:
    """One parser for every document: it keeps no state between parses, only compiled patterns."""
    return _RecordingParser()


def _align(child_src: str, parent_lines: _StateLines, pointer: int) -> tuple["array[int]", int]:
    """Map each line of a child state's text to a line of its parent's text.

    A child line is its parent line with a prefix removed and leading tabs
    expanded, and the child's lines come from consecutive parent lines, except
    that an item's empty first line is left out. Returns the map and the
    parent line after the last one used.
    """
    mapping = array("q")
    last = len(parent_lines) - 1
    pointer = min(pointer, last)
    count = child_src.count("\n") + (0 if child_src.endswith("\n") or not child_src else 1)  # as split, less a last empty line
    start = 0
    for _ in range(count):
        stop = child_src.find("\n", start)
        stop = len(child_src) if stop < 0 else stop
        content = child_src[start:stop].strip()
        start = stop + 1
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
