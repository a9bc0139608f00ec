"""Positions between citelint and an editor.

citelint counts 1-based lines and columns in characters (code points), with a
leading BOM not counted and CR, LF and CRLF each ending a line. The Language
Server Protocol counts 0-based lines and columns in code units of the encoding
agreed at start-up: UTF-16 unless the client offers another. ``TextIndex`` maps
between the two, and between both and offsets into the editor's text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_ENDING = re.compile(r"\r\n|\r|\n")


class Position(NamedTuple):
    """A 0-based line and a column in the client's code units."""

    line: int
    character: int


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in the encoding."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def _width(character: str, encoding: str) -> int:
    code = ord(character)
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    return 1


class TextIndex:
    """The lines of an editor's text, for mapping positions (one per text version)."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.ascii = text.isascii()
        self.starts = [0] + [match.end() for match in _LINE_ENDING.finditer(text)]
        self.ends = [match.start() for match in _LINE_ENDING.finditer(text)] + [len(text)]
        self._last = (-1, 0, 0)  # the line, offset and column last given by ``position``

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_text(self, line: int) -> str:
        """The 0-based line's text, without its line ending."""
        return self.text[self.starts[line] : self.ends[line]]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    # -- citelint's 1-based line and character column ---------------------

    def offset_of(self, line: int, column: int) -> int:
        """The offset of citelint's 1-based ``line`` and ``column`` (past the end: clamped)."""
        if line > len(self.starts):
            return len(self.text)
        index = max(line, 1) - 1
        start = self.starts[index] + (self.bom if index == 0 else 0)
        return min(start + max(column, 1) - 1, self.ends[index])

    def column_of(self, offset: int) -> tuple[int, int]:
        """citelint's 0-based line and 0-based character column of an offset."""
        line = self.line_of(offset)
        start = self.starts[line] + (self.bom if line == 0 else 0)
        return line, max(offset - start, 0)

    # -- the client's positions ------------------------------------------------

    def position(self, offset: int) -> Position:
        """The client's position of an offset into the text."""
        offset = min(max(offset, 0), len(self.text))
        line = self.line_of(offset)
        start = self.starts[line]
        offset = min(offset, self.ends[line])
        if self.encoding == UTF32 or self.ascii:
            return Position(line, offset - start)
        # A line's columns are asked for mostly in order (a chapter's findings, its
        # links): each counted on from the last one asked on the line, not from its
        # start, which was quadratic in a long line of thousands of them.
        last_line, last_offset, last_units = self._last
        if line == last_line and last_offset <= offset:
            start, counted = last_offset, last_units
        else:
            counted = 0
        counted += units(self.text[start:offset], self.encoding)
        self._last = (line, offset, counted)
        return Position(line, counted)

    def citelint_position(self, line: int, column: int) -> Position:
        """The client's position of citelint's 1-based line and column."""
        return self.position(self.offset_of(line, column))

    def offset(self, position: Position) -> int:
        """The offset of a client's position (a column past the line's end: its end;
        a line past the text's end: the end)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[position.line], self.ends[position.line]
        if self.encoding == UTF32 or self.ascii:
            return min(start + position.character, end)
        counted = 0
        offset = start
        while offset < end and counted < position.character:
            counted += _width(self.text[offset], self.encoding)
            offset += 1
        return offset
