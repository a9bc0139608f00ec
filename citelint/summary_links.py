"""The chapters a ``SUMMARY.md`` links to (mdBook's, GitBook's): its links read as
CommonMark and pulldown-cmark (mdBook's parser) read them, without the Markdown
parser; and Markdown skimmed so, with comments and fenced code blanked
(``lines_outside_code``, also for ``init``'s survey of a repository).
"""

import re
from bisect import bisect_left
from typing import Optional

from citelint.book_listing import Listed
from citelint.diagnostics import shorten
from citelint.lazy_pattern import lazy

_LIST_ITEM = lazy(r"(?<![ \t])[ \t]*+(?:[-*+]|\d{1,9}[.)])[ \t]+")  # linear: no start inside a run of blanks
_COMMENT = lazy(r"<!--[\s\S]*?(?:-->|\Z)")
_FENCE = lazy(r"[ \t]{0,3}(`{3,}|~{3,})")
_BACKTICKS = lazy(r"`+")
_DEFINITION_LABEL = lazy(r" {0,3}\[((?:[^\\\[\]]|\\.){1,999})\]:")  # a link reference definition's `[label]:`
_ESCAPED = lazy(r"\\([!-/:-@\[-`{-~])")  # CommonMark's backslash escapes: ASCII punctuation
_CHARACTER_REFERENCE = lazy(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
MAX_LINK_PARENS = 32  # parentheses nested in a link's destination, as cmark and pulldown-cmark (mdBook's) read them


def lines_outside_code(text: str) -> list[str]:
    """The text's lines with HTML comments and fenced code blocks blanked, each still a
    line (line numbers stand): Markdown skimmed without the parser, for the files read
    before any chapter is (a book tool's table of contents, ``init``'s survey)."""
    text = _COMMENT.sub(lambda comment: "\n" * comment.group().count("\n"), text)
    kept: list[str] = []
    fence = ""
    for line in text.splitlines():
        if fence:
            fence = "" if line.strip().startswith(fence) else fence
            kept.append("")
            continue
        opened = _FENCE.match(line)
        fence = opened.group(1) if opened else ""
        kept.append("" if opened else line)
    return kept


def summary_entries(text: str, titles: bool = False) -> list[Listed]:
    """The chapters an mdBook SUMMARY.md links to, in order: numbered chapters (list
    items, nested at any depth), prefix and suffix chapters (links on lines of their
    own); drafts (``[Title]()``), part titles, separators and comments are not files.
    A link is inline (``[Title](ch1.md)``) or names a link reference definition
    (``[Title][ch1]``, ``[Title][]``, ``[Title]`` with ``[ch1]: ch1.md``), as
    pulldown-cmark, mdBook's parser, reads it. A list item that is no such link (mdBook
    refuses those), or a line starting with ``[`` that holds ``](`` and is none, is an
    entry with a problem, never passed over in silence. With ``titles`` (GitBook), a
    list item of plain text, with no ``[`` in it, is a group's title, not an entry."""
    lines = lines_outside_code(text)
    definitions = _link_definitions(lines)
    entries: list[Listed] = []
    for number, line in enumerate(lines, 1):
        item = _LIST_ITEM.match(line)
        rest = line[item.end():] if item else line.lstrip()
        if not item and (not rest.startswith("[") or _DEFINITION_LABEL.match(line) or "](" not in rest and _reference_link(rest, definitions) is None):
            continue  # prose, a definition, a title: not an entry
        destination = read_link(rest) if rest.startswith("[") else None
        if destination is None and rest.startswith("["):
            destination = _reference_link(rest, definitions)
        if destination is None and titles and item and "[" not in rest:
            continue  # GitBook's group title: `- Overview` over its pages
        if destination is None:
            what = "is not a link CommonMark reads" if rest.startswith("[") else "is a list item that does not start with a link"
            entries.append(Listed(number, "", f"{shorten(line.strip(), 120)!r} {what}, so no chapter is read from it; write it as [Title](chapter.md)"))
            continue
        target = _link_target(destination)
        if target:
            entries.append(Listed(number, target))
    return entries


def _link_definitions(lines: list[str]) -> dict[str, str]:
    """The link reference definitions (``[label]: destination "title"``, each on one
    line) by normalised label (``_label_key``); the first of a label counts."""
    found: dict[str, str] = {}
    for line in lines:
        opened = _DEFINITION_LABEL.match(line)
        if opened is None:
            continue
        read = _destination_and_title(line, opened.end())
        if read is not None and not line[read[1]:].strip():
            found.setdefault(_label_key(opened.group(1)), _unescaped(read[0]))
    return found


def _label_key(label: str) -> str:
    """A label as CommonMark matches it: case folded, white space runs as one space."""
    return " ".join(label.split()).casefold()


def _reference_link(text: str, definitions: dict[str, str]) -> Optional[str]:
    """The destination of the reference link ``text`` starts with (full ``[Title][label]``,
    collapsed ``[Title][]`` or shortcut ``[Title]``) when its label is defined; else None."""
    end = _link_text_end(text)
    if end is None or not definitions:
        return None
    label = text[1:end]
    if text.startswith("[", end + 1):
        close = _closing(text, end + 2, "]", "[")
        if close is None:
            return None
        label = text[end + 2: close] or label
    return definitions.get(_label_key(label))


def read_link(text: str) -> Optional[str]:
    """The destination of the inline link ``[text](destination "title")`` that ``text``
    starts with, as CommonMark reads a link on one line: the text's brackets balanced
    (an escaped one, ``\\[``, or one in a code span not counted), the destination in
    ``<…>`` or with its parentheses balanced, its backslash escapes and character
    references decoded; None when ``text`` starts with no such link. Linear time."""
    end = _link_text_end(text)
    if end is None or not text.startswith("](", end):
        return None
    read = _destination_and_title(text, end + 2)
    if read is None or not text.startswith(")", read[1]):
        return None
    return _unescaped(read[0])


def _link_text_end(text: str) -> Optional[int]:
    """Where the ``]`` is that closes the link text opened by ``text[0]``."""
    runs: dict[int, list[int]] = {}  # the starts of the backtick runs, by length: a code span's closers
    if "`" in text:
        for run in _BACKTICKS.finditer(text):
            runs.setdefault(run.end() - run.start(), []).append(run.start())
    depth, index = 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escaped character is text (a backslash before another one is text too)
            continue
        if char == "`":
            opened = _BACKTICKS.match(text, index)
            assert opened is not None
            length = opened.end() - index
            closers = runs.get(length, [])
            found = bisect_left(closers, opened.end())
            index = closers[found] + length if found < len(closers) else opened.end()  # no closer: the run is text
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _destination_and_title(text: str, start: int) -> Optional[tuple[str, int]]:
    """The destination written from ``start`` (in ``<…>`` or bare) and where the text
    after it and its title, if any (in quotes or parentheses), goes on (blanks
    skipped); None when neither is well formed."""
    index = _skip_blanks(text, start)
    if text.startswith("<", index):
        close = _closing(text, index + 1, ">", "<\n")
        if close is None:
            return None
        written, index = text[index + 1: close], close + 1
    else:
        bare, index = _bare_destination(text, index)
        if bare is None:
            return None
        written = bare
    after = _skip_blanks(text, index)
    if after > index and after < len(text) and text[after] in "\"'(":
        close = _closing(text, after + 1, ")" if text[after] == "(" else text[after], "(" if text[after] == "(" else "")
        if close is None:
            return None
        after = _skip_blanks(text, close + 1)
    return written, after


def _bare_destination(text: str, index: int) -> tuple[Optional[str], int]:
    """A destination not in ``<…>``: no space or control character, parentheses
    balanced (or escaped), at most ``MAX_LINK_PARENS`` deep."""
    start, depth = index, 0
    while index < len(text) and text[index] > " " and text[index] != "\x7f":
        char = text[index]
        if char == "\\" and _ESCAPED.match(text, index):
            index += 2
            continue
        if char == "(":
            depth += 1
            if depth > MAX_LINK_PARENS:
                return None, index
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        index += 1
    return (text[start:index], index) if depth == 0 else (None, index)


def _closing(text: str, index: int, closer: str, refused: str) -> Optional[int]:
    """The index of the first unescaped ``closer`` from ``index``; None when a
    character of ``refused`` comes first, or none does."""
    while index < len(text):
        char = text[index]
        if char == "\\" and _ESCAPED.match(text, index):
            index += 2
            continue
        if char == closer:
            return index
        if char in refused:
            return None
        index += 1
    return None


def _skip_blanks(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index


def _unescaped(written: str) -> str:
    """A destination's backslash escapes and character references (``&amp;``) decoded."""
    if "&" in written:
        import html

        parts = _ESCAPED.split(written)  # escaped characters (odd places) are not references
        return "".join(part if place % 2 else _CHARACTER_REFERENCE.sub(lambda found: html.unescape(found.group()), part) for place, part in enumerate(parts))
    return _ESCAPED.sub(r"\1", written) if "\\" in written else written


def _link_target(destination: str) -> str:
    """A link's file: the anchor dropped, %-escapes decoded; "" for a draft or a
    link off the book (a URL)."""
    from urllib.parse import unquote

    target = destination.split("#", 1)[0]
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
        return ""
    return unquote(target)
