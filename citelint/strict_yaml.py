"""A small, strict reader of the YAML book tools' files are written in: block
mappings and sequences, flow sequences, quoted and plain scalars, each scalar with
its line (``YamlText``). What it does not read (anchors, aliases, tags, flow
mappings, block scalars) is a value saying so (``Unreadable``): an error only when a
key read holds it. Anything else outside the subset is a ``YamlError`` with its line.
"""

import re
from typing import Any, NamedTuple, Optional

from citelint.diagnostics import shorten
from citelint.lazy_pattern import lazy

MAX_YAML_DEPTH = 64  # nested blocks or flow sequences
_BLANKS = re.compile(r"[ \t]*")


class YamlText(str):
    """A scalar, with the line it is on."""

    line: int

    def __new__(cls, text: str, line: int) -> "YamlText":
        made = super().__new__(cls, text)
        made.line = line
        return made


class Unreadable(NamedTuple):
    """A value the reader does not read (an anchor, alias, tag, flow mapping, block
    scalar): an error only when a key read here holds it."""

    line: int
    what: str


class YamlError(ValueError):
    """YAML that is not in the subset read here, with its line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


class _Line(NamedTuple):
    indent: int
    text: str  # without indentation, comment and trailing space; "-" for a sequence dash
    number: int
    whole: str  # the line's text after its indentation, for a flow sequence continued on it


def read_yaml(text: str) -> Any:
    """A YAML document of block mappings and sequences, flow sequences and scalars
    (strings, line-numbered; ``~`` and an empty value are None, an empty list item an
    empty string on its line, so that a reader can say where it is)."""
    lines = _yaml_lines(text)
    if not lines:
        return None
    parser = _YamlParser(lines)
    value = parser.block(lines[0].indent, 0)
    if parser.index < len(lines):
        raise YamlError(lines[parser.index].number, "is indented less than the first line, or is not part of the document")
    return value


def _yaml_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.lstrip(" ")
        indent = len(raw) - len(stripped)
        content = _without_comment(stripped).rstrip()
        if not content:
            continue
        if indent == 0 and content in ("---", "..."):
            if content == "..." or lines:
                break  # one document is read
            continue
        whole = content
        at = 0  # each dash read where it is: cutting the line after each took time quadratic in a line of dashes
        dashes = 0
        while content.startswith("-", at) and content[at + 1 : at + 2] in ("", " ", "\t"):
            dashes += 1
            if dashes > MAX_YAML_DEPTH:  # each dash opens a list in the one before
                raise YamlError(number, f"is nested more than {MAX_YAML_DEPTH} levels deep")
            lines.append(_Line(indent + at, "-", number, whole))
            at = _BLANKS.match(content, at + 1).end()
        content, indent = content[at:], indent + at
        if content:
            lines.append(_Line(indent, content, number, whole))
    return lines


def _without_comment(text: str) -> str:
    """The text before a ``#`` comment (one at the start or after a space, outside quotes)."""
    if "#" not in text:
        return text
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (index == 0 or text[index - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index]
    return text


class _YamlParser:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.index = 0

    def peek(self) -> Optional[_Line]:
        return self.lines[self.index] if self.index < len(self.lines) else None

    def block(self, indent: int, depth: int) -> Any:
        if depth > MAX_YAML_DEPTH:
            raise YamlError(self.lines[self.index].number, f"is nested more than {MAX_YAML_DEPTH} levels deep")
        line = self.lines[self.index]
        if line.text.startswith("\t"):
            raise YamlError(line.number, "is indented with a tab")
        if line.text == "-":
            return self.sequence(indent, depth)
        if _split_key(line.text) is not None:
            return self.mapping(indent, depth)
        self.index += 1
        return self.value(line.text, line, indent - 1)

    def sequence(self, indent: int, depth: int) -> list[Any]:
        items: list[Any] = []
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.indent == indent and line.text != "-":
                break  # the list has ended: the caller's
            if line.indent > indent:
                raise YamlError(line.number, "is indented more than the list items before it")
            self.index += 1
            following = self.peek()
            items.append(self.block(following.indent, depth + 1) if following and following.indent > indent else YamlText("", line.number))
        return items

    def mapping(self, indent: int, depth: int) -> dict[str, Any]:
        table: dict[str, Any] = {}
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.text == "-" and line.indent == indent:
                break  # a list after the mapping: the caller's
            split = _split_key(line.text) if line.indent == indent else None
            if line.text.startswith("\t"):
                raise YamlError(line.number, "is indented with a tab")
            if split is None:
                raise YamlError(line.number, "is not 'key: value' at the indentation of the keys around it")
            key, rest = split
            self.index += 1
            table[key] = self.value(rest, line, indent, depth)
        return table

    def value(self, rest: str, line: _Line, indent: int, depth: int = 0) -> Any:
        following = self.peek()
        if not rest:
            if following is not None and following.indent > indent:
                return self.block(following.indent, depth + 1)
            if following is not None and following.indent == indent and following.text == "-":
                return self.sequence(indent, depth + 1)
            return None
        if rest[0] in "|>&*!{%@`":
            self.skip_deeper(indent)
            what = {"|": "a block scalar (|)", ">": "a folded scalar (>)", "{": "a flow mapping ({…})"}.get(rest[0], f"YAML's {rest[0]!r} syntax")
            return Unreadable(line.number, what)
        if rest[0] == "[":
            return self.flow(rest, line, indent)
        scalar = _scalar(rest, line.number)
        if self.skip_deeper(indent):
            return Unreadable(line.number, "a value continued on the next lines")
        return scalar

    def skip_deeper(self, indent: int) -> bool:
        """Skips the lines indented past ``indent`` (a value's continuation); whether there were any."""
        start = self.index
        while (line := self.peek()) is not None and line.indent > indent:
            self.index += 1
        return self.index > start

    def flow(self, text: str, line: _Line, indent: int) -> Any:
        if "{" in text:
            self.skip_deeper(indent)
            return Unreadable(line.number, "a flow mapping ({…})")
        numbers = {line.number}
        parts = [text]
        depth, quote = _flow_depth(text, 0, "")
        while depth > 0 and (following := self.peek()) is not None and (following.indent > indent or following.text.startswith("]")):  # `]` may close it at the key's indentation
            if following.number not in numbers:
                numbers.add(following.number)
                parts.append(following.whole)
                depth, quote = _flow_depth(following.whole, depth, quote)
            self.index += 1
        reader = _FlowReader(" ".join(parts), line.number)
        value = reader.sequence(0)
        if reader.rest().strip():
            raise YamlError(line.number, f"has text after a closed list: {shorten(reader.rest().strip(), 40)!r}")
        return value


def _flow_depth(text: str, depth: int, quote: str) -> tuple[int, str]:
    """How deep a flow sequence's brackets are open after ``text`` (quoted brackets
    not counted), and the quote left open, from where the text before left them."""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth, quote


_KEY_END = lazy(r":(?:[ \t]|$)")


def _split_key(text: str) -> Optional[tuple[str, str]]:
    """``key: value`` as (key, value), or None when the line is no mapping entry."""
    if text[0] in "\"'":
        end = _quoted_end(text, 0)
        if end is None or not text[end:].lstrip(" \t").startswith(":"):
            return None
        after = text[end:].lstrip(" \t")[1:]
        if after and after[0] not in " \t":
            return None
        return str(_scalar(text[:end], 0)), after.strip()
    if text[0] in "[{&*!|>%@`":
        return None
    found = _KEY_END.search(text)
    if found is None:
        return None
    return text[: found.start()].rstrip(), text[found.end():].strip()


def _quoted_end(text: str, start: int) -> Optional[int]:
    """The index after the quoted string starting at ``start``, or None if it never closes."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1: index + 2] == "'":
                index += 2
                continue
            return index + 1
        index += 1
    return None


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "0": "\0", " ": " "}


def _scalar(text: str, line: int) -> Optional[YamlText]:
    """A quoted or plain scalar; ``~``, ``null`` and nothing are None."""
    text = text.strip()
    if not text or text in ("~", "null", "Null", "NULL"):
        return None
    if text[0] not in "\"'":
        return YamlText(text, line)
    end = _quoted_end(text, 0)
    if end is None:
        raise YamlError(line, "has a quoted string that is not closed on its line")
    if text[end:].strip():
        raise YamlError(line, f"has text after a quoted string: {shorten(text[end:].strip(), 40)!r}")
    body = text[1: end - 1]
    if text[0] == "'":
        return YamlText(body.replace("''", "'"), line)
    return YamlText(re.sub(r"\\(u[0-9A-Fa-f]{4}|.)", lambda m: _escape(m.group(1), line), body), line)


def _escape(code: str, line: int) -> str:
    if code.startswith("u") and len(code) == 5:
        return chr(int(code[1:], 16))
    if code in _ESCAPES:
        return _ESCAPES[code]
    raise YamlError(line, f"has an escape citelint does not read: \\{code}")


class _FlowReader:
    """``[a, "b", [c]]`` on one (joined) line."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.at = 0

    def rest(self) -> str:
        return self.text[self.at:]

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t":
            self.at += 1

    def sequence(self, depth: int) -> Any:
        if depth > MAX_YAML_DEPTH:
            raise YamlError(self.line, f"has lists nested more than {MAX_YAML_DEPTH} deep")
        self.at += 1  # the [
        items: list[Any] = []
        while True:
            self.skip_space()
            if self.at >= len(self.text):
                raise YamlError(self.line, "has a list ([…) that is never closed")
            char = self.text[self.at]
            if char == "]":
                self.at += 1
                return items
            items.append(self.sequence(depth + 1) if char == "[" else self.item())
            self.skip_space()
            if self.at >= len(self.text):
                raise YamlError(self.line, "has a list ([…) that is never closed")
            if self.text[self.at: self.at + 1] == ",":
                self.at += 1
            elif self.text[self.at: self.at + 1] != "]":
                raise YamlError(self.line, "has a list whose items are not separated by commas")

    def item(self) -> Optional[YamlText]:
        if self.text[self.at] in "\"'":
            end = _quoted_end(self.text, self.at)
            if end is None:
                raise YamlError(self.line, "has a quoted string that is never closed")
            value = _scalar(self.text[self.at: end], self.line)
            self.at = end
            return value
        match = re.compile(r"[^,\[\]{}]*").match(self.text, self.at)
        assert match is not None
        self.at = match.end()
        return _scalar(match.group(), self.line)
