"""A document's block structure, whoever parsed it: its leaf blocks (paragraph,
heading, code, html, break, link reference definition) and list items, in
document lines, and the lines themselves as a view on the text.

``block_scanner`` reads most manuscripts into these line by line; what it does
not read, ``mistune_adapter`` parses with mistune into the same values.
"""

from array import array
from bisect import bisect_right
from itertools import accumulate, islice, repeat
from operator import add
from typing import Iterable, Iterator, NamedTuple, Optional, Sequence, Union, overload

class LeafBlock(NamedTuple):
    """A leaf block of the document, in 0-based document lines (end inclusive)."""

    kind: str  # paragraph, heading, code (indented), fence (fenced code), html, break, ref_def
    first_line: int
    last_line: int
    level: int = 0  # heading level
    item: Optional[int] = None  # index of the innermost list item holding it
    quoted: bool = False  # inside a block quote


# mistune reads a line longer than this through its ends only, and so does
# block_scanner: both read a document's long lines as ``shortened_line`` gives them.
MAX_PARSED_LINE = 4_096
_KEPT_LINE_END = 1_024
# List items and quotes a document may have opened before a list or quote starts:
# past this budget mistune_adapter reads a container's first line as text (hostile
# nesting stays linear), and block_scanner hands such a text to it. A list goes on
# past it item by item.
MAX_CONTAINER_STATES = 20_000


def shortened_line(line: str) -> str:
    """A line over MAX_PARSED_LINE characters as it is read for the structure: its two
    ends and, in between, each other character it holds once. Its block type is
    decided by its start, by its end (a closing ``#`` sequence) and by which
    characters it holds (a thematic break, a setext underline, a backtick in a
    fence's info), while mistune's patterns cost memory with a line's length."""
    middle = line[_KEPT_LINE_END:-_KEPT_LINE_END]
    held = "".join(dict.fromkeys(middle))[: MAX_PARSED_LINE - 2 * _KEPT_LINE_END]
    return line[:_KEPT_LINE_END] + held + line[-_KEPT_LINE_END:]


KIND_CODES = {kind: code for code, kind in enumerate(("paragraph", "heading", "code", "fence", "html", "break", "ref_def"))}
KINDS = tuple(KIND_CODES)


class ListItem(NamedTuple):
    """A list item: the line of its marker and the label it shows."""

    item_id: int  # its index in Structure.items
    line: int
    number: Optional[int]  # the number of an ordered item, None for a bullet
    parent: Optional[int]  # index of the enclosing list item
    depth: int  # list nesting depth, 0 for a top-level list
    quoted: bool


class Blocks(Sequence[LeafBlock]):
    """Leaf blocks in parallel arrays, each made a LeafBlock when asked for: a
    chapter of one-line blocks held ~160 bytes a block as tuples, ~30 here."""

    __slots__ = ("kind", "first", "last", "level", "item", "quoted", "made")

    def __init__(self, blocks: Iterable[LeafBlock] = ()) -> None:
        self.made: Optional[list[LeafBlock]] = None  # every block made once (see ``materialize``)
        self.kind = array("b")
        self.first = array("q")
        self.last = array("q")
        self.level = array("b")
        self.item = array("q")
        self.quoted = array("b")
        for block in blocks:
            self.append(block)

    def materialize(self) -> None:
        """Make every block once and keep them: for a document of ordinary size, where
        reading blocks often costs more time than holding them costs memory."""
        new = tuple.__new__  # LeafBlock(...) without its Python __new__: one C call a block
        self.made = [
            new(LeafBlock, (KINDS[kind], first, first if last == first else last, level, None if item < 0 else item, bool(quoted)))
            for kind, first, last, level, item, quoted in zip(self.kind, self.first, self.last, self.level, self.item, self.quoted)
        ]  # as ``__getitem__`` makes each

    def of_kind(self, kind: str, last_first: bool = False) -> Iterator[LeafBlock]:
        """The blocks of one kind, in order (``last_first``: from the end), read from the
        kinds: no other block is made, and none is held."""
        return self._found(self.kind.tobytes(), KIND_CODES[kind], last_first)

    def of_kinds(self, kinds: Iterable[str]) -> Iterator[LeafBlock]:
        """The blocks of any of ``kinds``, in order, found as ``of_kind`` finds them (a
        plain-text chapter has a paragraph a line, and no code)."""
        wanted = bytearray(256)
        for kind in kinds:
            wanted[KIND_CODES[kind]] = 1
        return self._found(self.kind.tobytes().translate(wanted), 1, False)

    def _found(self, kinds: bytes, code: int, last_first: bool) -> Iterator[LeafBlock]:
        """The blocks whose byte in ``kinds`` is ``code``, each found by a search of the
        bytes (one a block): no Python step for a block of another kind (a chapter has few headings)."""
        wanted = bytes((code,))
        index = len(kinds) if last_first else -1
        while True:
            index = kinds.rfind(wanted, 0, index) if last_first else kinds.find(wanted, index + 1)
            if index < 0:
                return
            yield self[index]

    def append(self, block: LeafBlock) -> None:
        self.add(KIND_CODES[block.kind], block.first_line, block.last_line, block.level, -1 if block.item is None else block.item, block.quoted)

    def extend(self, index: int, last: int) -> None:
        """Block ``index`` goes on to line ``last`` (a paragraph's next lines)."""
        self.made = None
        self.last[index] = last

    def make_heading(self, index: int, level: int, last: int) -> None:
        """Block ``index``, a paragraph, is a setext heading underlined on line ``last``."""
        self.extend(index, last)
        self.kind[index] = KIND_CODES["heading"]
        self.level[index] = level

    def add(self, kind: int, first: int, last: int, level: int, item: int, quoted: bool) -> None:
        """Append a block by its kind's code, ``item`` -1 for none (no LeafBlock made)."""
        self.made = None
        self.kind.append(kind)
        self.first.append(first)
        self.last.append(last)
        self.level.append(level)
        self.item.append(item)
        self.quoted.append(quoted)

    def add_each_line(self, kind: int, lines: Iterable[int], item: int, quoted: bool) -> None:
        """Append a block of kind ``kind`` on each of ``lines``, the arrays extended
        whole (a plain-text chapter's paragraphs, each line one)."""
        self.made = None
        lines = array("q", lines)
        count = len(lines)
        self.kind.extend(array("b", [kind]) * count)
        self.first.extend(lines)
        self.last.extend(lines)
        self.level.extend(array("b", [0]) * count)
        self.item.extend(array("q", [item]) * count)
        self.quoted.extend(array("b", [quoted]) * count)

    def __len__(self) -> int:
        return len(self.kind)

    @overload
    def __getitem__(self, index: int) -> LeafBlock: ...

    @overload
    def __getitem__(self, index: slice) -> list[LeafBlock]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[LeafBlock, list[LeafBlock]]:
        if self.made is not None:
            return self.made[index]
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self.kind)))]
        item = self.item[index]
        first = self.first[index]
        last = self.last[index]
        return LeafBlock(KINDS[self.kind[index]], first, first if last == first else last, self.level[index], None if item < 0 else item, bool(self.quoted[index]))

    def __iter__(self) -> Iterator[LeafBlock]:
        if self.made is not None:
            return iter(self.made)
        return (self[index] for index in range(len(self.kind)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"Blocks({list(self)!r})"


class ListItems(Sequence[ListItem]):
    """List items in parallel arrays, each made a ListItem when asked for."""

    __slots__ = ("line", "number", "parent", "depth", "quoted")

    def __init__(self) -> None:
        self.line = array("q")
        self.number = array("q")
        self.parent = array("q")
        self.depth = array("q")
        self.quoted = array("b")

    def append(self, item: ListItem) -> None:
        self.line.append(item.line)
        self.number.append(-1 if item.number is None else item.number)
        self.parent.append(-1 if item.parent is None else item.parent)
        self.depth.append(item.depth)
        self.quoted.append(item.quoted)

    def __len__(self) -> int:
        return len(self.line)

    @overload
    def __getitem__(self, index: int) -> ListItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[ListItem]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[ListItem, list[ListItem]]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self.line)))]
        if index < 0:
            index += len(self.line)
        number, parent = self.number[index], self.parent[index]
        return ListItem(index, self.line[index], None if number < 0 else number, None if parent < 0 else parent, self.depth[index], bool(self.quoted[index]))

    def __iter__(self) -> Iterator[ListItem]:
        return (self[index] for index in range(len(self.line)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"ListItems({list(self)!r})"

    def by_line(self) -> tuple[Sequence[ListItem], "array[int]"]:
        """The items in line order (a stable sort) and their lines: themselves,
        made no tuple, when they are in line order already."""
        lines = self.line
        if all(lines[index] <= lines[index + 1] for index in range(len(lines) - 1)):
            return self, lines
        items = sorted(self, key=lambda item: item.line)
        return items, array("q", [item.line for item in items])


class Lines(Sequence[str]):
    """The lines of a text by their start offsets, each sliced from the text when
    asked for: a list of a large chapter's lines costs ~50 bytes a line more."""

    __slots__ = ("src", "starts", "made")

    def __init__(self, src: str, starts: Optional["array[int]"] = None) -> None:
        self.src = src
        self.starts = line_starts(src) if starts is None else starts
        self.made: Optional[list[str]] = None  # every line sliced once (see ``materialize``)

    def materialize(self) -> None:
        """Slice every line once and keep them: for a text of ordinary size."""
        self.made = self.src.split("\n")

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, line: int) -> str: ...

    @overload
    def __getitem__(self, line: slice) -> list[str]: ...

    def __getitem__(self, line: Union[int, slice]) -> Union[str, list[str]]:
        if self.made is not None:
            return self.made[line]
        if isinstance(line, slice):
            return [self[number] for number in range(*line.indices(len(self.starts)))]
        if line < 0:
            line += len(self.starts)
        if not 0 <= line < len(self.starts):
            raise IndexError("line out of range")
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.src)
        return self.src[self.starts[line] : end]

    def __iter__(self) -> Iterator[str]:
        if self.made is not None:
            return iter(self.made)
        return (self[number] for number in range(len(self.starts)))

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)


class Structure(NamedTuple):
    """The leaf blocks and list items of a document, in document lines."""

    blocks: Blocks
    items: ListItems


def sorted_blocks(blocks: Blocks) -> Blocks:
    """The blocks by first line, then last line, stably: a merge of the runs that
    are in order already (a break that ends a list is recorded before the list),
    holding no key per block."""
    import heapq  # here: a chapter's blocks are found in order but for rare shapes

    first, last = blocks.first, blocks.last
    bounds = [0] + [index for index in range(1, len(blocks)) if (first[index], last[index]) < (first[index - 1], last[index - 1])]
    bounds.append(len(blocks))

    def run(start: int, stop: int) -> Iterator[tuple[int, int, int]]:
        return ((first[index], last[index], index) for index in range(start, stop))

    result = Blocks()
    for _, _, index in heapq.merge(*(run(start, stop) for start, stop in zip(bounds, bounds[1:]))):
        result.append(blocks[index])
    return result


def line_starts(src: str) -> "array[int]":
    """Each line's start, none after a newline that ends the text."""
    starts = newline_starts(src)
    if len(starts) > 1 and starts[-1] == len(src):
        starts.pop()
    return starts


_STARTS_CHUNK = 1 << 16


def newline_starts(src: str) -> "array[int]":
    """0 and the offset after each newline: the lengths of a chunk's lines summed in C,
    a chunk at a time (a list of a whole large text's lines costs ~50 bytes a line)."""
    starts = array("q", [0])
    start = 0
    while start < len(src):
        end = src.find("\n", start + _STARTS_CHUNK)
        end = len(src) if end < 0 else end + 1
        lines = src[start:end].split("\n")
        sums = accumulate(map(add, map(len, islice(lines, len(lines) - 1)), repeat(1)), initial=start)
        next(sums)  # ``start``, there already
        starts.extend(sums)
        start = end
    return starts
