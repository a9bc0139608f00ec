"""The block scanner: a document's block structure read line by line, the way
mistune 3 reads it, without importing mistune.

Each line is classified once by its first characters, and the blocks mistune
would make of it (paragraphs, headings, breaks, fenced and indented code, HTML
comments, block quotes, bullet and ordered lists, nested) are recorded in
document lines. A manuscript is read in a fraction of the time mistune takes,
and a one-chapter check does not pay for importing mistune.

A line over ``MAX_PARSED_LINE`` characters is read through its ends
(``block_structure.shortened_line``), as ``mistune_adapter`` has mistune read it.

What the scanner does not read exactly as mistune does, it does not guess at:
raw HTML other than comments, link reference definitions, lazy quote lines,
quotes or lists that interrupt each other, empty list items, tabs in
indentation, nesting deeper than ``MAX_DEPTH``, a list or quote opened past
``MAX_CONTAINER_STATES`` items and quotes, a carriage return or form
feed, a large text of short lines (see ``LARGE_TEXT``). Any of these hands the
whole text to ``mistune_adapter``, so every document gets mistune's structure;
tests/test_block_scanner.py compares the two on every document the scanner
reads.
"""

import re
from typing import NamedTuple, Optional

from citelint.block_structure import KIND_CODES, MAX_CONTAINER_STATES, MAX_PARSED_LINE, Blocks, ListItem, ListItems, Structure, shortened_line, sorted_blocks
from citelint.lazy_pattern import lazy

MAX_DEPTH = 4  # quotes and list items nested in each other
# A string a line (and a container's lines again per level) costs ~60 bytes a line:
# over 1 MiB, a text of lines this short on average goes to mistune_adapter, whose
# arrays cost less (the memory ceiling, docs/development.md).
LARGE_TEXT = 1 << 20
MIN_AVERAGE_LINE = 16

_PARAGRAPH, _HEADING, _CODE, _FENCE, _HTML, _BREAK = (KIND_CODES[kind] for kind in ("paragraph", "heading", "code", "fence", "html", "break"))
# What the last token of a state was, as far as the next line cares.
_NONE, _PARA, _BLANK, _OTHER = range(4)

FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*(.*)")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t].*)?$")
_SETEXT = re.compile(r"^ {0,3}([=-])+[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$")
_LIST = re.compile(r"^( {0,3})([*+-]|\d{1,9}[.)])([ \t]*|[ \t].+)$")
_RAW_HTML = lazy(r"^ {0,3}(?:</?[A-Za-z]|<!|<\?)")
_HTML_COMMENT = lazy(r"^ {0,3}<!--")
_REF_DEF = lazy(r"^ {0,3}\[[^\\\[\]]{0,999}\]:")
_RULE_STARTS = frozenset("`~#=-_*>+[<0123456789")


class Unsupported(Exception):
    """The text holds something the scanner does not read as mistune does."""


def parse_structure(text: str) -> Structure:
    """The leaf blocks and list items of ``text`` (BOM stripped, ``\\n`` line
    endings): scanned here, or parsed by mistune when the scanner declines. A
    scanner that failed (a bug the tests did not find) hands on too: mistune's
    reading is right either way, and a run must not stop on it."""
    try:
        return scan_structure(text)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - Unsupported, or a failure of the scanner's own
        pass
    from citelint import mistune_adapter  # outside the handler: the scan's lines are dropped first

    return mistune_adapter.parse_structure(text)


def scan_structure(text: str) -> Structure:
    """The structure mistune would give ``text``; raises Unsupported."""
    if "\r" in text or "\v" in text or "\f" in text:
        raise Unsupported("a carriage return, vertical tab or form feed")
    if len(text) > LARGE_TEXT and text.count("\n") * MIN_AVERAGE_LINE > len(text):
        raise Unsupported("a large text of short lines")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if lines and max(map(len, lines)) > MAX_PARSED_LINE:  # read as mistune_adapter gives them to mistune
        lines = [shortened_line(line) if len(line) > MAX_PARSED_LINE else line for line in lines]
    for line in lines:
        if line[:1] in (" ", "\t") or (line and line.isspace()):
            _check_indent(line)
    scanner = _Scanner()
    scanner.state(lines, 0, True, 0, -1, 0, False)
    blocks = scanner.blocks
    if not scanner.in_order:
        blocks = sorted_blocks(blocks)
    return Structure(blocks, scanner.items)


def _check_indent(line: str) -> None:
    body = line.lstrip(" ")
    if body.startswith("\t"):
        raise Unsupported("a tab in indentation")
    if not body.strip() and body:
        raise Unsupported("a line of other white space")


def _blank(line: str) -> bool:
    """Blank as mistune reads it: spaces only (a line of other white space, tabs
    among them, was turned away by ``scan_structure``)."""
    return not line.strip(" ")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indent_code(line: str) -> bool:
    return len(line) > 4 and line.startswith("    ")


def _rule(line: str) -> bool:
    """Whether the line starts a block of some kind (mistune's rules, any of
    them; a paragraph's lines run on until one does)."""
    first = line[:1]
    if first == " ":
        stripped = line.lstrip(" ")
        if not stripped or len(line) - len(stripped) >= 4:
            return True  # blank, or indented code
        first = stripped[0]
    if not first:
        return True
    if first not in _RULE_STARTS and not first.isdigit():
        return False
    return bool(
        first in "[>"  # a link reference definition perhaps (decided where no paragraph is open), a quote
        or FENCE_OPEN.match(line)
        or _ATX.match(line)
        or _SETEXT.match(line)
        or _THEMATIC.match(line)
        or _LIST.match(line)
        or _RAW_HTML.match(line)
    )


def closes(line: str, marker: str) -> bool:
    """Whether ``line`` closes a fence opened with ``marker``: at most three spaces,
    at least as many of its character, then only spaces and tabs."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or body[:1] != marker[0]:
        return False
    run = body.rstrip(" \t")
    return len(run) >= len(marker) and run.count(marker[0]) == len(run)


def _same_list(marker: str, other: str) -> bool:
    """Whether a list item with marker ``other`` goes on the list ``marker`` began:
    the same bullet, or numbers with the same delimiter."""
    return other[-1] == marker[-1] and (len(other) > 1) == (len(marker) > 1)


class _ItemStart(NamedTuple):
    """A list item's first line, its marker's parts as the list pattern reads them."""

    line: int
    spaces: str
    marker: str
    text: str


class _Gathered(NamedTuple):
    """An item's lines, and how its list goes on (see ``_Context._gather_item``)."""

    content: list[str]
    taken: int  # the last line the item holds
    position: int  # the line after the item
    next_item: Optional[_ItemStart]
    end: Optional[int]  # the line after a block that ended the list, recorded


class _Scanner:
    """One document's scan: the blocks and items found so far."""

    def __init__(self) -> None:
        self.blocks = Blocks()
        self.items = ListItems()
        self.in_order = True
        self.containers = 0

    def add(self, kind: int, first: int, last: int, level: int, item: int, quoted: bool) -> int:
        blocks = self.blocks
        if self.in_order and blocks.first and (first, last) < (blocks.first[-1], blocks.last[-1]):
            self.in_order = False
        blocks.add(kind, first, last, level, item, quoted)
        return len(blocks.kind) - 1

    def state(self, lines: list[str], base: int, ends_in_newline: bool, depth: int, item: int, list_depth: int, quoted: bool) -> None:
        """Scan one parser state: ``lines`` are document lines ``base`` on, with
        their container prefixes removed; ``item`` the innermost list item."""
        count = len(lines)
        if not ends_in_newline and count and not lines[-1].strip():
            raise Unsupported("a blank last line without a line break")
        context = _Context(self, lines, base, ends_in_newline, depth, item, list_depth, quoted)
        index = 0
        while index < count:
            line = lines[index]
            if len(line) > 4 and line.startswith("    "):
                index = context.indented_code(index)
                continue
            if not _rule(line):
                end = index + 1
                while end < count and not _rule(lines[end]):
                    end += 1
                context.paragraph(index, end - 1)
                index = end
                continue
            index = context.block(index)


class _Context:
    """A parser state being scanned (see ``_Scanner.state``)."""

    __slots__ = ("scanner", "lines", "base", "ends_in_newline", "depth", "item", "list_depth", "quoted", "last", "open_paragraph")

    def __init__(self, scanner: _Scanner, lines: list[str], base: int, ends_in_newline: bool, depth: int, item: int, list_depth: int, quoted: bool) -> None:
        self.scanner = scanner
        self.lines = lines
        self.base = base
        self.ends_in_newline = ends_in_newline
        self.depth = depth
        self.item = item
        self.list_depth = list_depth
        self.quoted = quoted
        self.last = _NONE
        self.open_paragraph = -1

    def leaf(self, kind: int, first: int, last: int, level: int = 0) -> None:
        self.scanner.add(kind, self.base + first, self.base + last, level, self.item, self.quoted)
        self.last = _OTHER

    def paragraph(self, first: int, last: int) -> None:
        """Lines ``first`` to ``last`` as paragraph text: the paragraph before
        them goes on when it was the last thing parsed."""
        if self.last == _PARA:
            self.scanner.blocks.extend(self.open_paragraph, self.base + last)
            return
        self.open_paragraph = self.scanner.add(_PARAGRAPH, self.base + first, self.base + last, 0, self.item, self.quoted)
        self.last = _PARA

    def indented_code(self, index: int) -> int:
        if self.last == _PARA:
            self.paragraph(index, index)
            return index + 1
        lines = self.lines
        end = index + 1
        while end < len(lines) and (_indent_code(lines[end]) or not lines[end].strip()):
            end += 1
        self.leaf(_CODE, index, end - 1)
        return end

    def blank(self, index: int) -> int:
        lines = self.lines
        end = index
        while end < len(lines) and _blank(lines[end]) and (end + 1 < len(lines) or self.ends_in_newline):
            end += 1
        self.last = _BLANK
        return end

    def block(self, index: int) -> int:
        """Scan the block that starts at line ``index``; the line after it."""
        line = self.lines[index]
        stripped = line.lstrip(" ")
        if not stripped:
            return self.blank(index)
        first = stripped[0]
        opening = FENCE_OPEN.match(line) if first in "`~" else None
        if opening:
            return self.fenced_code(index, opening)
        heading = _ATX.match(line) if first == "#" else None
        if heading:
            self.leaf(_HEADING, index, index, len(heading.group(1)))
            return index + 1
        if first in "=-":
            setext = _SETEXT.match(line)
            if setext:
                return self.setext(index, setext.group(1))
        if first in "-_*" and _THEMATIC.match(line):
            self.leaf(_BREAK, index, index)
            return index + 1
        if first == ">":
            return self.quote(index)
        listed = _LIST.match(line)
        if listed:
            return self.list(index, listed.group(1), listed.group(2), listed.group(3))
        if first == "[":
            if self.last != _PARA and self._reference_definition(index):
                raise Unsupported("a link reference definition")
            self.paragraph(index, index)  # a continued paragraph's line, or a new paragraph's
            return index + 1
        if first == "<" and _RAW_HTML.match(line):
            if _HTML_COMMENT.match(line):
                return self.html_comment(index)
            raise Unsupported("raw HTML")
        self.paragraph(index, index)
        return index + 1

    def _reference_definition(self, index: int) -> bool:
        """Whether a link reference definition (a label in brackets, then a
        colon) starts at line ``index``: decided on the line when its label
        closes there with no backslash in it, else left to mistune (a label may
        run across lines, and hold escaped brackets)."""
        line = self.lines[index]
        closing = line.find("]")
        if closing < 0 or "\\" in line[:closing]:
            raise Unsupported("a bracket that may open a link reference definition")
        return _REF_DEF.match(line) is not None

    def fenced_code(self, index: int, opening: "re.Match[str]") -> int:
        marker, info = opening.group(1), opening.group(2)
        if marker[0] == "`" and "`" in info:
            self.paragraph(index, index)  # not a fence: a backtick in its info string
            return index + 1
        lines = self.lines
        for end in range(index + 1, len(lines)):
            if closes(lines[end], marker):
                self.leaf(_FENCE, index, end)
                return end + 1
        self.leaf(_FENCE, index, max(index, len(lines) - 1))
        return len(lines)

    def setext(self, index: int, underline: str) -> int:
        if self.last == _PARA:
            self.scanner.blocks.make_heading(self.open_paragraph, 1 if underline == "=" else 2, self.base + index)
            self.last = _OTHER
            return index + 1
        line = self.lines[index]
        if _THEMATIC.match(line):
            self.leaf(_BREAK, index, index)
            return index + 1
        listed = _LIST.match(line)
        if listed:
            return self.list(index, listed.group(1), listed.group(2), listed.group(3))
        self.paragraph(index, index)
        return index + 1

    def html_comment(self, index: int) -> int:
        """An HTML comment: to the end of the line that closes it."""
        lines = self.lines
        line = lines[index]
        start = line.index("<!--") + 4
        if "-->" in line[start:]:
            self.leaf(_HTML, index, index)
            return index + 1
        for end in range(index + 1, len(lines)):
            if "-->" in lines[end]:
                self.leaf(_HTML, index, end)
                return end + 1
        self.leaf(_HTML, index, len(lines) - 1)
        return len(lines)

    def enter(self) -> None:
        if self.depth + 1 > MAX_DEPTH:
            raise Unsupported("containers nested deeper than MAX_DEPTH")
        self.scanner.containers += 1  # as mistune makes a child state for each

    def open_container(self) -> None:
        """A list or quote starts: past MAX_CONTAINER_STATES items and quotes,
        mistune_adapter reads its line as text, which the scanner does not."""
        if self.scanner.containers >= MAX_CONTAINER_STATES:
            raise Unsupported("a list or quote opened past MAX_CONTAINER_STATES")

    def quote(self, index: int) -> int:
        """A block quote whose every line starts with ``>``, ended by a blank
        line, by the end of the text or (when its first line is blank, code or
        a fence) by any line without ``>``."""
        self.open_container()
        self.enter()
        lines = self.lines
        contents = [self._quoted(index)]
        text = contents[0]
        require_marker = _blank(text) or _indent_code(text) or bool(FENCE_OPEN.match(text))
        end = index + 1
        previous_blank = False
        ends_blank = False
        while end < len(lines):
            line = lines[end]
            if line.lstrip(" ")[:1] == ">" and _indent(line) < 4:
                content = self._quoted(end)
                contents.append(content)
                previous_blank = not content.strip()
                end += 1
                continue
            if require_marker or previous_blank:
                break
            if _blank(line):
                ends_blank = True
                break
            raise Unsupported("a lazy line or a block interrupting a quote")
        last_line_ends = self.ends_in_newline or end < len(lines)
        self.scanner.state(contents, self.base + index, last_line_ends, self.depth + 1, self.item, self.list_depth, True)
        self.last = _OTHER
        if ends_blank:
            return self.blank(end)
        return end

    def _quoted(self, index: int) -> str:
        line = self.lines[index]
        if "\t" in line:
            raise Unsupported("a tab in a quote")
        if index + 1 == len(self.lines) and not self.ends_in_newline:
            raise Unsupported("a quote on a last line without a line break")
        content = line[line.index(">") + 1 :]
        content = content[1:] if content[:1] == " " else content
        if not content.strip() and content.strip(" "):
            raise Unsupported("a quote line of other white space")
        return content

    def list(self, index: int, spaces: str, marker: str, text: str) -> int:
        """A list from line ``index``: each item's lines gathered, then scanned as a
        state of its own; the line after the list."""
        self.open_container()  # mistune asks before it reads the list's first item
        ordered = len(marker) > 1
        if not text.strip() or (ordered and int(marker[:-1]) != 1):
            if self.last == _PARA:
                self.paragraph(index, index)  # an empty item, or a number other than 1, does not interrupt a paragraph
                return index + 1
        item: Optional[_ItemStart] = _ItemStart(index, spaces, marker, text)
        after = index + 1
        while item is not None:
            gathered = self._gather_item(item, after)
            self._scan_item(item, gathered, ordered)
            if gathered.end is not None:
                self.last = _OTHER
                return gathered.end
            item, after = gathered.next_item, gathered.position
        self.last = _OTHER
        return after

    def _gather_item(self, item: "_ItemStart", position: int) -> "_Gathered":
        """An item's lines from ``position`` on, its container prefix removed: those
        indented past its marker, blank ones, and lazy ones that go on its paragraph.
        It ends at a sibling item, at a line that ends the list (recorded here: a
        break, a fence, a heading or a comment), or at a line after a blank one."""
        if not item.text.strip():
            raise Unsupported("an empty list item")
        self.enter()
        leading = len(item.spaces) + len(item.marker)
        gap = len(item.text) - len(item.text.lstrip(" "))
        if "\t" in item.text[: gap + 1]:
            raise Unsupported("a tab after a list marker")
        gap = 1 if gap >= 5 else gap
        width = leading + gap
        allowed = min(leading, 3)  # the indent a line ending the item may have
        lines = self.lines
        content = [item.text[gap:]]
        taken = item.line  # the last line the item holds
        previous_blank = False
        while position < len(lines):
            line = lines[position]
            if _blank(line) and (position + 1 < len(lines) or self.ends_in_newline):
                content.append("")
                previous_blank = True
                position += 1
                continue
            indent = _indent(line)
            if indent >= width:
                content.append(line[width:])
                taken, previous_blank = position, False
                position += 1
                continue
            if indent <= allowed:
                ending = self._item_ending(position, line[indent], item.marker)
                if ending is not None:
                    next_item, end = ending
                    return _Gathered(content, taken, position + 1 if next_item else position, next_item, end)
            if previous_blank:
                break
            content.append(line)  # a lazy continuation line
            taken = position
            position += 1
        return _Gathered(content, taken, position, None, None)

    def _item_ending(self, position: int, start: str, marker: str) -> Optional[tuple[Optional["_ItemStart"], Optional[int]]]:
        """What line ``position`` (not indented into the item; ``start`` its first
        character) does to a list item of ``marker``: (the next item, None) for a
        sibling; (None, the line after the block) for a block that ends the list,
        recorded here; (None, None) for another kind of list; None when it does not
        end the item."""
        line = self.lines[position]
        if start in "-_*" and _THEMATIC.match(line):
            self.leaf(_BREAK, position, position)
            return None, position + 1
        listed = _LIST.match(line) if start in "*+-" or start.isdigit() else None
        if listed and _same_list(marker, listed.group(2)):
            return _ItemStart(position, listed.group(1), listed.group(2), listed.group(3)), None
        opening = FENCE_OPEN.match(line) if start in "`~" else None
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            return None, self.fenced_code(position, opening)
        heading = _ATX.match(line) if start == "#" else None
        if heading:
            self.leaf(_HEADING, position, position, len(heading.group(1)))
            return None, position + 1
        if listed:
            return None, None  # another kind of list: this one ends
        if start == ">":
            raise Unsupported("a quote interrupting a list")
        if start == "<" and _RAW_HTML.match(line):
            if _HTML_COMMENT.match(line):
                return None, self.html_comment(position)
            raise Unsupported("raw HTML after a list item")
        return None

    def _scan_item(self, item: "_ItemStart", gathered: "_Gathered", ordered: bool) -> None:
        """Record the item and scan its lines (trailing blank ones dropped) as a state."""
        content = gathered.content
        while content and not content[-1].strip():
            content.pop()
        scanner = self.scanner
        index = len(scanner.items)
        number = int(item.marker[:-1]) if ordered else None
        scanner.items.append(ListItem(index, self.base + item.line, number, self.item if self.item >= 0 else None, self.list_depth, self.quoted))
        ends_in_newline = self.ends_in_newline or len(content) == 1 or gathered.taken + 1 < len(self.lines)
        scanner.state(content, self.base + item.line, ends_in_newline, self.depth + 1, index, self.list_depth + 1, self.quoted)
