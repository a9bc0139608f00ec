"""One parse per file: the text, its lines, its blocks, and what is not prose.

Offsets used everywhere in citelint are offsets into ``Document.text``: the
source with a leading BOM removed and every line ending (CRLF, CR, LF) turned
into ``\\n``. Lines and columns are the same in both forms, so positions are
computed once here and edits are mapped back to the source by line and column.
"""

import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, islice, repeat
from operator import add
from typing import Callable, Iterable, Iterator, NamedTuple, Optional, Sequence

from citelint.block_scanner import FENCE_OPEN, closes, parse_structure
from citelint.block_structure import KIND_CODES, Blocks, LeafBlock, Lines, ListItems, newline_starts
from citelint.lazy_pattern import lazy

BOM = "\ufeff"
_LINE_ENDING = re.compile(r"\r\n?")
_FRONT_MATTER_OPEN = {"---": ("---", "..."), "+++": ("+++",)}
# A front matter's first line: a YAML key (plain, not beginning with an indicator, or
# quoted) then `:`; a TOML key then `=`, or a table. Anchored and possessive: linear.
_YAML_KEY = lazy(r"""\A[ \t]*+(?:"[^"\n]*+"|'[^'\n]*+'|[^\s#:'"\-?\[\]{},&*!|>%@`][^:\n]*+)[ \t]*+:(?:[ \t]|$)""")
_TOML_KEY = lazy(r"""\A[ \t]*+(?:\[|(?:[\w-]++|"[^"\n]*+"|'[^'\n]*+')(?:[ \t]*+\.[ \t]*+(?:[\w-]++|"[^"\n]*+"|'[^'\n]*+'))*+[ \t]*+=)""")
# One quote or list marker of a line prefix, matched one at a time: a repeated group
# costs the regex engine memory per repetition (a line of a million markers took gigabytes).
_CONTAINER_MARKER = re.compile(r"(?<![ \t])[ \t]*(?:>|(?:\d{1,9}[.)]|[-*+])(?=[ \t]|$))")
_BLANKS = re.compile(r"[ \t]*")
_EMPHASIS = re.compile(r"^([*_]{1,3})(.+?)\1$")
PSEUDO_HEADING_LEVEL = 7
# From this size a document's lines and blocks are kept compact (made when read);
# below it they are made once and held: speed where memory is no question. Held,
# a line costs ~60 bytes and a block ~110: a document of more than one line in
# HELD_LINE_BYTES of text, or one block in HELD_BLOCK_BYTES, is kept compact at any
# size (a file of two-character lines held 80 times its size).
COMPACT_FROM = 1024 * 1024
HELD_LINE_BYTES = 8
HELD_BLOCK_BYTES = 16
_INDENT = lazy(r"^[ \t]+", re.MULTILINE)
# A line ``str.strip`` leaves empty, after the line break before it: searched for from
# one line break to the next (``^`` would be tried at every character).
_WHITE_LINE = lazy(r"\n[^\S\n]*+(?=\n|\Z)")
_NOT_WHITE = lazy(r"\S")
# A text of more than a block in this many characters has the lines that may be a
# heading word's found by a search (~30 ns a character) rather than each block's line
# read in Python (~1 µs a block).
_CHARS_A_BLOCK_SEARCHED = 64
MAX_HEADING_LINE = 80
_CLOSING = r"(?:further|recommended|selected|suggested|additional) readings?|see also|acknowledge?ments?|about the authors?"
_APPENDIX = r"appendix|appendices"
# Each closing section's name holds one of these (case-folded): a line without one,
# nor a heading word, is neither (``Document._may_head``).
_CLOSING_KEYS = frozenset(("reading", "see also", "acknowledg", "about the author", "append"))
_CLOSING_START = lazy(rf"(?:{_CLOSING}|{_APPENDIX})\b")
_CLOSING_WHOLE = lazy(rf"{_CLOSING}|(?:{_APPENDIX})(?:[ \t]+[a-z0-9]{{1,4}})?(?:[ \t]*[:.\u2013\u2014-][ \t]*[^\[\]\n]{{0,60}})?")
_BACKTICKS = re.compile(r"`+")
# What CommonMark reads before a code span that begins inside it (§6.5, §6.6): an autolink
# (a URI or an e-mail address) and raw HTML (an open or closing tag, a comment, a
# processing instruction, a declaration, CDATA). Possessive, and what may run on is
# bounded: each ``<`` of a block is tried once, over at most MAX_INLINE_TAG characters.
MAX_INLINE_TAG = 1000
_HTML_CODE_OPEN = lazy(r"<code(?:[ \t\n][^<>]{0,1000})?>", re.IGNORECASE)  # an HTML code element's start tag
_HTML_CODE_CLOSE = lazy(r"</code[ \t\n]*>", re.IGNORECASE)  # its end tag
_INLINE_TAG = lazy(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*+>"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]++@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*+>"
    r"|[A-Za-z][A-Za-z0-9-]*+(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s\"'=<>`]++|'[^']*+'|\"[^\"]*+\"))?+)*+\s*+/?>"
    r"|/[A-Za-z][A-Za-z0-9-]*+\s*+>"
    rf"|!--(?:>|->|[\s\S]{{0,{MAX_INLINE_TAG}}}?-->)"
    rf"|\?[\s\S]{{0,{MAX_INLINE_TAG}}}?\?>"
    rf"|![A-Za-z][^>]{{0,{MAX_INLINE_TAG}}}+>"
    rf"|!\[CDATA\[[\s\S]{{0,{MAX_INLINE_TAG}}}?\]\]>)"
)
# Code blocks and raw HTML that is not rendered as text.
_NOT_PROSE_KINDS = {"code", "fence"}
_INLINE_KINDS = {"paragraph", "heading", "ref_def"}
_INLINE_KIND_CODES = {KIND_CODES[kind] for kind in _INLINE_KINDS}
# Where a backtick span is code: also in an HTML block, which Markdown-in-HTML renders as
# Markdown (`<div markdown>`) and a writer never cites from inside backticks.
_CODE_SPAN_KIND_CODES = _INLINE_KIND_CODES | {KIND_CODES["html"]}
RAW_TEXT_HTML = lazy(r"<(pre|script|style|textarea)(?:[\s>]|$)", re.IGNORECASE)  # after any container prefix


# MyST directives written as a code fence whose body is Markdown, shown as prose by
# Jupyter Book and Sphinx (```` ```{note} ````): admonitions, asides, figures' captions,
# tables, dropdowns, cards and tabs, exercises and proofs. Any other (``{code-cell}``,
# ``{math}``, ``{eval-rst}``, R Markdown's ``{r}``) stays code.
_PROSE_DIRECTIVE = lazy(
    r"\{(?:admonition|attention|caution|danger|error|hint|important|note|seealso|tip|warning|todo"
    r"|versionadded|versionchanged|deprecated|margin|sidebar|topic|epigraph|pull-quote|highlights|container|div"
    r"|dropdown|card|grid|grid-item|grid-item-card|tab-set|tab-item|figure|table|list-table|glossary"
    r"|exercise|solution|prf:[a-z]+)\}(?:[ \t]|$)"
)
# A fence that may open one (```` ```{note} ````): the lines are walked only then. It
# begins with the brace, searched for fast; the fence is looked behind it.
_DIRECTIVE_FENCE = lazy(r"\{(?:(?<=```\{)|(?<=~~~\{)|(?<=```[ \t]\{)|(?<=~~~[ \t]\{))")
_DIRECTIVE_OPTION = lazy(r"(?<![ \t])[ \t]*+:[\w-]++:(?:[ \t]|$)")  # linear: no start inside a run of blanks
MAX_DIRECTIVE_DEPTH = 8  # directives nested in directives that are read as prose
# Blocks whose body goes on in lines indented four spaces, shown as prose where CommonMark
# reads an indented code block: Python-Markdown's (MkDocs, Material for MkDocs) admonition
# ``!!! note "Title"``, collapsible ``??? tip`` or ``???+ tip`` (pymdownx.details) and
# content tab ``=== "Tab"`` (pymdownx.tabbed), a footnote ``[^1]: text`` (pandoc, GitHub,
# Python-Markdown, markdown-it) and a definition ``:   text`` (pandoc, Python-Markdown,
# PHP Markdown Extra; pandoc's ``~``), whose later paragraphs are so indented.
_INDENTED_BLOCK = lazy(
    r'(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*+(?:[ \t]+"[^"\n]*+")?[ \t]*+|===[!+]?[ \t]+"[^"\n]*+"[ \t]*+'
    r"|(?P<footnote>\[\^[^\]\s]{1,99}\]:[ \t]*).*|[:~][ \t]+\S.*"
)
_QUOTE_MARKS = lazy(r"^ {0,3}>(?: {0,3}>)*+ ?")  # a line's block-quote marks, and the one blank after the last
# Such a first line at the margin, then a line indented past it: the lines are walked only then.
_INDENTED_BODY_SOURCE = r"(?:!!!|\?\?\?|===|\[\^|[:~][ \t]+\S)[^\n]*+\n(?:[ \t]*+\n)*+(?: {4}| {0,3}\t)"
_INDENTED_BODY = lazy(_INDENTED_BODY_SOURCE)  # at the text's start
# After a line break: it begins with one, searched for fast (six searches for the first
# lines' words cost ten times as much).
_INDENTED_BODY_LATER = lazy("\n" + _INDENTED_BODY_SOURCE)


class Span(NamedTuple):
    """A half-open range of offsets into ``Document.text``."""

    start: int
    end: int


_NO_SPANS: tuple[list[Span], list[int]] = ([], [])  # a block's code spans and their starts, when it has none (shared: never changed)


class Document:
    """A chapter's text with its line index, block structure and non-prose ranges."""

    def __init__(self, source: str, heading_words: frozenset[str] = frozenset(), plain_text: bool = False) -> None:
        """``plain_text``: the file is a plain-text chapter (not Markdown by its name),
        where indentation starts a paragraph rather than a code block."""
        self.source = source
        self.plain_text = plain_text
        self.has_bom = source.startswith(BOM)
        body = source[1:] if self.has_bom else source
        self.text = _LINE_ENDING.sub("\n", body) if "\r" in body else body
        ordinary = len(self.text) < COMPACT_FROM
        self.lines: Sequence[str]
        if ordinary and (self.text.count("\n") + 1) * HELD_LINE_BYTES < len(self.text):
            # an ordinary chapter: its lines held once, read often, as the list itself (no call a line)
            self.lines = self.text.split("\n")
            self.line_starts = _starts_of(self.lines)
        else:
            self.line_starts = newline_starts(self.text)
            self.lines = Lines(self.text, self.line_starts)  # sliced when asked for: a list costs ~50 bytes a line
        self.front_matter_end = _front_matter_end(self.lines)
        self.plain = _is_plain_text(self.text, self.line_starts, self.front_matter_end)
        self._directive_fences: list[int] = []  # the lines that wrap a MyST directive's Markdown body (``_directive_lines``)
        structure = parse_structure(self._parse_input())
        self.items: ListItems = structure.items
        self.blocks: Blocks = self._split_plain(structure.blocks, heading_words)  # arrays: ~30 bytes a block
        if ordinary and len(self.blocks) * HELD_BLOCK_BYTES < len(self.text):
            self.blocks.materialize()
        self.line_block: array[int] = self._index_lines()  # -1: in no block
        self.code_blocks: list[Span] = _merge(self._code_block_spans())
        self._code_block_starts = [span.start for span in self.code_blocks]
        self._inline_code: dict[int, tuple[list[Span], list[int]]] = {}  # block -> spans, their starts (``_code_spans_of``)
        self.comments: list[Span] = self._comment_spans()
        self._comment_starts = [span.start for span in self.comments]
        self._has_dollar = "$" in self.text
        self._math: dict[int, tuple[list[Span], list[int]]] = {}  # block -> TeX math spans, their starts (``_math_spans_of``)
        self._body_openings: dict[int, Optional[int]] = {}  # a quoted code block's first line -> ``quoted_body_opening``

    # -- positions -------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset; columns count characters."""
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_of(self, offset: int) -> int:
        """0-based line of an offset."""
        return bisect_right(self.line_starts, offset) - 1

    def offset(self, line: int, column: int = 0) -> int:
        """Offset of a 0-based line and 0-based column."""
        return self.line_starts[line] + column

    def line_end(self, line: int) -> int:
        """Offset of the end of a 0-based line (before its newline)."""
        return self.line_starts[line] + len(self.lines[line])

    # -- structure -------------------------------------------------------

    def block_at(self, offset: int) -> Optional[LeafBlock]:
        index = self.line_block[self.line_of(offset)]
        return None if index < 0 else self.blocks[index]

    def lazy_quote_opening(self, offset: int) -> Optional[int]:
        """The 0-based line where a code fence or HTML block (a comment, ``<pre>``) opened
        in a block quote, when the line at ``offset`` goes on with it past a line without
        ``>`` (that line or one before it): read so here, as mistune reads it, where
        CommonMark ends the block with the quote and shows the line as prose (and a
        ``>`` after it opens another quote). None for any other line."""
        block = self.block_at(offset)
        line = self.line_of(offset)
        if block is None or not block.quoted or block.kind not in ("fence", "html") or line == block.first_line:
            return None
        unquoted = any(self.lines[number].lstrip(" ")[:1] != ">" for number in range(block.first_line + 1, line + 1))
        return block.first_line if unquoted else None

    def has_quoted_code(self) -> bool:
        """A code block or HTML block lies in a block quote: where ``lazy_quote_opening``
        and ``quoted_body_opening`` may find one that renderers read otherwise."""
        if ">" not in self.text:
            return False
        return any((block := self.block_at(span.start)) is not None and block.quoted for span in self.code_blocks)

    def quoted_body_opening(self, offset: int) -> Optional[int]:
        """The 0-based line of a footnote, admonition or definition (``_INDENTED_BLOCK``)
        in a block quote whose body goes on, indented, in the indented code block at
        ``offset``: read so here, as mistune reads it, where renderers that know
        those blocks show the body as the block's text. (Outside quotes the body is
        read as prose: ``_indented_blocks_dedented``.) None for any other offset."""
        block = self.block_at(offset)
        if block is None or block.kind != "code" or not block.quoted:
            return None
        found = self._body_openings.get(block.first_line, -1)  # the lines before a block are walked once
        if found == -1:
            found = self._body_openings[block.first_line] = self._opening_before(block.first_line)
        return found

    def _opening_before(self, line: int) -> Optional[int]:
        for number in range(line - 1, -1, -1):
            text = _QUOTE_MARKS.sub("", self.lines[number], count=1)
            if not text.strip():
                continue
            if _indent_width(text) >= 4:
                continue  # an earlier paragraph of the same body
            return number if _INDENTED_BLOCK.fullmatch(text) else None
        return None

    def is_prose(self, offset: int) -> bool:
        """False inside code, HTML comments, raw-text HTML, front matter and TeX math."""
        if self.is_code(offset):
            return False
        starts = self._comment_starts  # ``_inside`` written out: asked for every marker
        index = bisect_right(starts, offset) - 1
        if index >= 0 and offset < self.comments[index].end:
            return False
        return not self._has_dollar or not self.is_math(offset)

    def shows_text(self, line: int) -> bool:
        """The 0-based line renders something: it is neither blank nor only
        comments (HTML ``<!-- … -->``, Obsidian ``%% … %%``) and the spaces between."""
        text = self.lines[line]
        position, end = len(text) - len(text.lstrip()), len(text.rstrip())
        if position == end:
            return False
        if not self.comments:
            return True
        start = self.line_starts[line]
        while position < end:
            index = bisect_right(self._comment_starts, start + position) - 1
            if index < 0 or start + position >= self.comments[index].end:
                return True
            position = self.comments[index].end - start
            while position < end and text[position] in " \t":
                position += 1
        return False

    def hidden_by(self, offset: int) -> Optional[str]:
        """What keeps the text at ``offset`` from being prose (``inline code``,
        ``a code block``, ``a comment``, ``front matter``, ``raw HTML``), or None."""
        if self.front_matter_end and self.line_of(offset) < self.front_matter_end:
            return "front matter"
        if _inside(self.code_blocks, self._code_block_starts, offset):
            block = self.block_at(offset)
            return "raw HTML" if block is not None and block.kind == "html" else "a code block"
        if self.is_code(offset):
            return "inline code"
        if _inside(self.comments, self._comment_starts, offset):
            return "a comment"
        if self._has_dollar and self.is_math(offset):
            return "TeX math"
        return None

    def is_math(self, offset: int) -> bool:
        """True inside TeX math of a paragraph or heading: ``$$ … $$``, or ``$ … $`` as
        pandoc (``tex_math_dollars``), GitHub and MathJax read it (``_math_spans``).
        A vector ``$[6,8]^T$`` or an interval ``$[1, 2]$`` is no citation."""
        index = self.line_block[bisect_right(self.line_starts, offset) - 1]
        if index < 0 or self.blocks.kind[index] not in _INLINE_KIND_CODES:
            return False
        found = self._math.get(index)
        if found is None:
            found = self._math[index] = self._math_spans_of(index)
        spans, starts = found
        return _inside(spans, starts, offset) if spans else False

    def _math_spans_of(self, index: int) -> tuple[list[Span], list[int]]:
        start = self.line_starts[self.blocks.first[index]]
        end = self.line_end(self.blocks.last[index])
        if self.text.find("$", start, end) < 0:
            return _NO_SPANS
        spans = _math_spans(self.text, start, end, self.is_code)
        return spans, [span.start for span in spans]

    def is_code(self, offset: int) -> bool:
        """True inside code blocks, code spans (of paragraphs, headings, definitions and
        HTML blocks), raw-text HTML and front matter."""
        # Asked for every marker of the chapter: read from the arrays, no LeafBlock made,
        # and ``_inside`` and ``line_of`` written out (a call each was a third of the time).
        starts = self._code_block_starts
        if starts:
            index = bisect_right(starts, offset) - 1
            if index >= 0 and offset < self.code_blocks[index].end:
                return True
        index = self.line_block[bisect_right(self.line_starts, offset) - 1]
        if index < 0 or self.blocks.kind[index] not in _CODE_SPAN_KIND_CODES:
            return False
        found = self._inline_code.get(index)
        if found is None:
            found = self._inline_code[index] = self._code_spans_of(index)
        spans, starts = found
        if not spans:
            return False
        index = bisect_right(starts, offset) - 1
        return index >= 0 and offset < spans[index].end

    def _code_spans_of(self, index: int) -> tuple[list[Span], list[int]]:
        """Code spans of block ``index`` and their starts, found only when a query lands
        in it (most blocks have no backtick: looked for in place, nothing sliced): the
        backticks' spans, and HTML ``<code>…</code>`` elements outside them."""
        start = self.line_starts[self.blocks.first[index]]
        end = self.line_end(self.blocks.last[index])
        backticks = self.text.find("`", start, end) >= 0
        elements = self.text.find("<", start, end) >= 0 and _HTML_CODE_OPEN.search(self.text, start, end) is not None
        if not (backticks or elements):
            return _NO_SPANS
        block = self.text[start:end]
        spans = _code_spans(block, start) if backticks else []
        if elements:
            spans = _with_html_code(spans, block, start)
        return spans, [span.start for span in spans]

    def content_column(self, line: int) -> int:
        """0-based column where a line's text starts after quote and list markers."""
        text = self.lines[line]
        column = 0
        marker = _CONTAINER_MARKER.match(text)
        while marker is not None:
            column = marker.end()
            marker = _CONTAINER_MARKER.match(text, column)
        return _BLANKS.match(text, column).end()  # type: ignore[union-attr]

    def block_text(self, block: LeafBlock) -> str:
        return self.text[self.offset(block.first_line) : self.line_end(block.last_line)]

    # -- building --------------------------------------------------------

    def _parse_input(self) -> str:
        text = _dedented(self.text) if self.plain_text else self.text
        end = self.front_matter_end
        if end:
            rest = text[_nth_line_start(text, end) :] if end < len(self.lines) else ""
            text = "\n" * end + rest
        if self.plain_text:
            return text
        lines: Optional[list[str]] = None
        if _INDENTED_BODY.match(text) or _INDENTED_BODY_LATER.search(text):
            lines = _indented_blocks_dedented(text.split("\n"), end)
        if "{" in self.text and _DIRECTIVE_FENCE.search(self.text):
            lines = lines if lines is not None else text.split("\n")
            self._directive_fences = _directive_lines(lines, end)
            for number in self._directive_fences:  # parsed as blank lines: the directive's body is read as the Markdown it is
                lines[number] = ""
        return text if lines is None else "\n".join(lines)

    def _split_plain(self, blocks: Blocks, heading_words: frozenset[str]) -> Blocks:
        """In plain text each line is a paragraph; anywhere, a paragraph that is only
        a reference-heading word (``Sources:``, ``**References**``) or the name of a
        section that closes a list (``**Further reading**``) is a heading.

        Such a heading has level 7: the next real heading of any level ends its section.
        """
        if self.plain:
            split, paragraph = Blocks(), KIND_CODES["paragraph"]
            for kind, first, last, level, item, quoted in zip(blocks.kind, blocks.first, blocks.last, blocks.level, blocks.item, blocks.quoted):
                if kind != paragraph:  # read from the arrays: no LeafBlock made for a line
                    split.add(kind, first, last, level, item, quoted)
                elif first == last:
                    if self.lines[first].strip():
                        split.add(paragraph, first, first, 0, item, quoted)
                else:
                    split.add_each_line(paragraph, self._text_lines(first, last), item, quoted)
            blocks = split
        self._promote_in_place(blocks, heading_words)
        return blocks

    def _text_lines(self, first: int, last: int) -> Iterator[int]:
        """The lines from ``first`` to ``last`` that are not blank (only white space),
        the blank ones found by a search of the text: no Python step for a line of text."""
        start = first if self.lines[first].strip() else first + 1
        for blank in _WHITE_LINE.finditer(self.text, self.line_starts[first], self.line_end(last)):
            line = self.line_of(blank.start() + 1)
            yield from range(start, line)
            start = line + 1
        yield from range(start, last + 1)

    def _promote_in_place(self, blocks: Blocks, heading_words: frozenset[str]) -> None:
        """Each single-line paragraph outside a list item that is a heading word or a
        closing section's name made a heading, read from the arrays (no LeafBlock
        made for each block)."""
        paragraph = KIND_CODES["paragraph"]
        kinds, firsts, lasts, items = blocks.kind, blocks.first, blocks.last, blocks.item
        for index in self._may_head(blocks, heading_words):
            if kinds[index] != paragraph or items[index] >= 0 or firsts[index] != lasts[index]:
                continue
            if is_list_heading(self.lines[firsts[index]], heading_words, PSEUDO_HEADING_LEVEL):
                blocks.make_heading(index, PSEUDO_HEADING_LEVEL, firsts[index])

    def _may_head(self, blocks: Blocks, heading_words: frozenset[str]) -> Iterable[int]:
        """The blocks that may be a heading word's or a closing section's line: each
        block; or, in a text of many short blocks (a plain-text chapter, each line a
        paragraph), only those whose first line holds, case-folded, a heading word or a
        closing section's key word (``heading_key_words``), found by one search of
        the text: a line without one costs no Python step."""
        if len(blocks) * _CHARS_A_BLOCK_SEARCHED < len(self.text):
            return range(len(blocks))
        keys = sorted({word for word in heading_words if word and "\n" not in word} | _CLOSING_KEYS, key=len, reverse=True)
        search = re.compile("|".join(map(re.escape, keys))).search
        folded = self.text.casefold()  # a character's folding is its own: the lines keep their number
        firsts, found = blocks.first, []
        line, counted, match = 0, 0, search(folded)
        while match is not None:
            line += folded.count("\n", counted, match.start())
            index = bisect_left(firsts, line)
            while index < len(firsts) and firsts[index] == line:  # blocks are in line order
                found.append(index)
                index += 1
            counted = folded.find("\n", match.start())  # on from the next line
            if counted < 0:
                break
            match = search(folded, counted)
        return found

    def _index_lines(self) -> "array[int]":
        count = len(self.lines)
        index = array("q", [-1]) * count
        for number, (first, last) in enumerate(zip(self.blocks.first, self.blocks.last)):  # the arrays: no block made
            if first == last and first < count:
                index[first] = number  # most blocks: one line
            elif first < count:
                last = min(last, count - 1)
                index[first : last + 1] = array("q", [number]) * (last + 1 - first)
        return index

    def _code_block_spans(self) -> list[Span]:
        spans: list[Span] = []
        if self.front_matter_end:
            spans.append(Span(0, self.line_end(self.front_matter_end - 1)))
        for number in self._directive_fences:  # a directive's fences and options, as before its body was read
            spans.append(Span(self.line_starts[number], self.line_end(number)))
        for block in self.blocks.of_kinds(_NOT_PROSE_KINDS | {"html"}):
            if block.kind in _NOT_PROSE_KINDS or (
                block.kind == "html" and RAW_TEXT_HTML.match(self.lines[block.first_line], self.content_column(block.first_line))
            ):
                spans.append(Span(self.offset(block.first_line), self.line_end(block.last_line)))
        return spans

    def _comment_spans(self) -> list[Span]:
        """HTML comments outside code. One in a paragraph or heading is a comment only
        when it closes there (else, as CommonMark renders it, it is text); one that
        opens a block and never closes runs to the end of the file."""
        found: list[Span] = []
        text = self.text
        position = text.find("<!--") if "<" in text else -1  # one character is looked for ~40x faster than four
        close = -2  # not looked for yet; -1: there is none
        while position >= 0:
            if close != -1 and close < position + 4:  # the first "-->" after this opening
                close = text.find("-->", position + 4)
            if self.is_code(position) or _escaped(text, position) or self._unclosed_inline(position, close):  # `\<!--` is text
                position = text.find("<!--", position + 4)
                continue
            end = len(text) if close < 0 else close + 3
            found.append(Span(position, end))
            if close < 0:
                break
            position = text.find("<!--", end)
        if "%" in text and "%%" in text:
            found = _merge(found + self._obsidian_comment_spans(found))
        return found

    def _obsidian_comment_spans(self, html: list[Span]) -> list[Span]:
        """Obsidian's ``%% … %%`` comments (inline or over lines), outside code: each
        ``%%`` closes at the next; one never closed is text, as it is shown."""
        found: list[Span] = []
        text = self.text
        starts = [span.start for span in html]
        position = text.find("%%")
        while position >= 0:
            if self.is_code(position) or _inside(html, starts, position):
                position = text.find("%%", position + 2)
                continue
            close = text.find("%%", position + 2)
            while close >= 0 and (self.is_code(close) or _inside(html, starts, close)):
                close = text.find("%%", close + 2)
            if close < 0:
                break
            found.append(Span(position, close + 2))
            position = text.find("%%", close + 2)
        return found

    def _unclosed_inline(self, start: int, close: int) -> bool:
        block = self.block_at(start)
        if block is None or block.kind not in _INLINE_KINDS:
            return False
        return close < 0 or close + 3 > self.line_end(block.last_line)


def _directive_lines(lines: Sequence[str], first: int) -> list[int]:
    """The lines that wrap the body of each MyST directive written as a fence whose body
    is Markdown (``_PROSE_DIRECTIVE``): its opening and closing fences and its options
    (``:class: tip`` lines, or a ``---`` block of YAML, first in its body). The fence
    closes as CommonMark closes it, at the first closing fence whatever its body holds;
    a body is searched for directives in turn, MAX_DIRECTIVE_DEPTH deep at most. A
    fence never closed, or any other fence, is left as the code it is."""
    found: list[int] = []
    regions = [(first, len(lines), 0)]
    while regions:
        number, end, depth = regions.pop()
        while number < end:
            line = lines[number]
            opening = FENCE_OPEN.match(line) if line.lstrip(" ")[:1] in ("`", "~") else None
            if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                number += 1
                continue
            marker = opening.group(1)
            close = next((later for later in range(number + 1, end) if closes(lines[later], marker)), -1)
            if close < 0:
                break  # never closed: the rest is code (CIT013)
            if depth < MAX_DIRECTIVE_DEPTH and _PROSE_DIRECTIVE.match(opening.group(2)):
                body = _options_end(lines, number + 1, close)
                found += [number, close, *range(number + 1, body)]
                regions.append((body, close, depth + 1))
            number = close + 1
    return sorted(found)


def _indented_blocks_dedented(lines: list[str], first: int) -> list[str]:
    """The lines with the body of each block that goes on indented (``_INDENTED_BLOCK``:
    an MkDocs admonition or tab, a footnote, a definition), the lines indented past its first line,
    dedented four columns a level (a tab to the next multiple of four), as MkDocs and
    pandoc read them: in CommonMark the body is an indented code block. A first line
    in a fenced code block is code."""
    bodies: list[int] = []  # the columns each open block's body is indented by, innermost last
    fence, fence_depth = "", 0
    for number in range(first, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        width = _indent_width(line)
        while bodies and width < bodies[-1]:
            bodies.pop()
        if fence and len(bodies) < fence_depth:
            fence = ""  # the body that held it has ended
        text = _without_indent(line, bodies[-1]) if bodies else line
        lines[number] = text
        if fence:
            fence = "" if closes(text, fence) else fence
            continue
        opening = FENCE_OPEN.match(text) if text.lstrip(" ")[:1] in ("`", "~") else None
        if opening is not None and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence, fence_depth = opening.group(1), len(bodies)
        elif len(bodies) < MAX_DIRECTIVE_DEPTH and text[:1] in "!?=[:~" and (first_line := _INDENTED_BLOCK.fullmatch(text)):
            bodies.append((bodies[-1] if bodies else 0) + 4)  # a title stays a line of text (`=== "Range $[1,3]$"`)
            if first_line.group("footnote"):  # its text alone: `[^1]:` then a line is no link definition
                lines[number] = text[first_line.end("footnote") :]
    return lines


def _indent_width(line: str) -> int:
    """The columns a line's leading blanks take, a tab to the next multiple of four."""
    width = 0
    for character in line:
        if character == " ":
            width += 1
        elif character == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _without_indent(line: str, columns: int) -> str:
    """The line without its first ``columns`` columns of leading blanks."""
    width = index = 0
    while index < len(line) and width < columns and line[index] in " \t":
        width += 1 if line[index] == " " else 4 - width % 4
        index += 1
    return " " * (width - columns) + line[index:] if width > columns else line[index:]


def _options_end(lines: Sequence[str], start: int, close: int) -> int:
    """Where a directive's body begins after its options: ``:key: value`` lines, or a
    ``---`` block of YAML."""
    if start < close and lines[start].strip() == "---":
        end = next((later for later in range(start + 1, close) if lines[later].strip() == "---"), -1)
        return end + 1 if end > 0 else start
    while start < close and _DIRECTIVE_OPTION.match(lines[start]):
        start += 1
    return start


def _dedented(text: str) -> str:
    """Each line without its leading blanks (line numbers kept): in plain text a
    first-line indent or tab starts a paragraph, as Scrivener and Word export it."""
    return _INDENT.sub("", text)


def _nth_line_start(text: str, line: int) -> int:
    position = 0
    for _ in range(line):
        position = text.index("\n", position) + 1
    return position


def _starts_of(lines: list[str]) -> "array[int]":
    """``newline_starts`` of the text these are the lines of: each line's start the one
    before's, its length and its newline on, summed in C rather than found a line at a time."""
    return array("q", accumulate(map(add, map(len, islice(lines, len(lines) - 1)), repeat(1)), initial=0))


def _front_matter_end(lines: list[str]) -> int:
    """Number of lines taken by YAML (``---``) or TOML (``+++``) front matter: an opening
    line, then metadata (its first line other than a comment a key, ``title:`` or
    ``title =``, as pandoc, Jekyll and Hugo write it; not a blank line, which pandoc
    does not allow after the opening), then a closing line. A chapter that opens with a
    ``---`` rule and an epigraph is prose: its markers are read."""
    closers = _FRONT_MATTER_OPEN.get(lines[0].rstrip()) if lines else None
    if not closers or len(lines) < 2 or not lines[1].strip():
        return 0
    first = next((number for number in range(1, len(lines)) if not lines[number].lstrip().startswith("#")), len(lines))
    metadata = _YAML_KEY if closers[0] == "---" else _TOML_KEY
    if first < len(lines) and lines[first].rstrip() not in closers and not metadata.match(lines[first]):
        return 0
    for number in range(1, len(lines)):
        if lines[number].rstrip() in closers:
            return number + 1
    return 0


def _is_plain_text(text: str, line_starts: Sequence[int], skip: int) -> bool:
    """One paragraph per line: several text lines (not only white space) from line
    ``skip`` on, and no blank line between them; found by searches of the text."""
    if skip >= len(line_starts):
        return False
    first = _NOT_WHITE.search(text, line_starts[skip])
    if first is None:
        return False
    last = len(text.rstrip()) - 1
    first_line, last_line = bisect_right(line_starts, first.start()) - 1, bisect_right(line_starts, last) - 1
    if first_line == last_line:
        return False
    return _WHITE_LINE.search(text, line_starts[first_line], last + 1) is None


def is_heading_word(line: str, heading_words: frozenset[str]) -> bool:
    """The line is only a reference-heading word: ``References``, ``Sources:``,
    ``**Notes**``, ``References {#sec-refs .unnumbered}`` (pandoc/Quarto attributes)."""
    word = _heading_word(line)
    return bool(word) and word in heading_words


def is_list_heading(line: str, heading_words: frozenset[str], level: int) -> bool:
    """The heading line (of ``level``) opens a reference list or ends one: a
    reference-heading word or a closing section's name, the line read once."""
    word = _heading_word(line)
    return bool(word) and (word in heading_words or _is_closing_word(word, level))


def is_closing_heading(line: str, level: int) -> bool:
    """The line names a section that ends a reference list and is never one
    (Further reading, See also, Acknowledgements, About the author, Appendix …).
    A ``#`` heading counts when it starts so (``Appendix B: Data``); a bold or
    colon-ended line (``level`` PSEUDO_HEADING_LEVEL) only when it is just the name
    and, for an appendix, its label and title (never a sentence such as
    ``Appendix A shows that …``)."""
    word = _heading_word(line)
    return bool(word) and _is_closing_word(word, level)


def _is_closing_word(word: str, level: int) -> bool:
    if level < PSEUDO_HEADING_LEVEL and _CLOSING_START.match(word):
        return True
    return _CLOSING_WHOLE.fullmatch(word) is not None


def _heading_word(line: str) -> str:
    """A heading line's text without emphasis, a trailing colon or ``{…}`` attributes, case-folded.

    Asked for every line of a plain-text chapter (each its own paragraph): a pattern is
    tried only where its first character can match (emphasis opens with ``*`` or ``_``,
    a section number with a digit or a Roman numeral's letter), a third of the time."""
    if len(line) > MAX_HEADING_LINE:
        return ""
    word = _without_attributes(line.strip())
    word = _without_emphasis(word)
    word = _without_emphasis(word)
    if word and (word[0] in "IVXLC" or word[0].isdigit()):  # \d is a decimal digit: each is a digit
        word = _SECTION_NUMBER.sub("", word, count=1)  # `5 References`, `7.2. 参考文献`
    return word.casefold()


def _without_emphasis(word: str) -> str:
    """Without a whole-line emphasis (``**Notes**``), a trailing colon and the spaces around."""
    if word[:1] in ("*", "_"):
        word = _EMPHASIS.sub(r"\2", word)
    return word.strip().rstrip(":\uff1a").strip()


_SECTION_NUMBER = re.compile(r"\A(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,6}\.)[ \t]+(?=\S)")


def _without_attributes(text: str) -> str:
    """Without a trailing pandoc/Quarto attribute block: ``References {#sec-refs .unnumbered}``."""
    if text.endswith("}"):
        brace = text.rfind("{")
        if brace >= 0 and "}" not in text[brace:-1]:
            return text[:brace].rstrip()
    return text


def _code_spans(text: str, base: int) -> list[Span]:
    """Code spans of one block, as CommonMark reads them (and mistune): a backtick run
    closed by the next run of the same length. A backslash escapes an opening backtick,
    never a closing one (inside a span backslashes are literal: `` `C:\\` `` is a whole
    span), and a run inside an autolink or an HTML tag that begins before it opens
    nothing (`` <https://e.com/a`b> ``)."""
    runs = [(match.start(), match.end() - match.start()) for match in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    tags = "<" in text
    closers: dict[str, int] = {}  # ``_may_close``'s: where each terminator next occurs in this block
    spans: list[Span] = []
    index = outside = 0  # the next run, and where the text outside code resumes
    while index < len(runs):
        start, length = runs[index]
        covered = _tag_end_past(text, outside, start, closers) if tags else -1
        if covered > start:  # in a tag: its runs are text
            outside = covered
            while index < len(runs) and runs[index][0] < covered:
                index += 1
            continue
        if _escaped(text, start):
            start, length = start + 1, length - 1
        later = by_length.get(length, ())
        closer = bisect_right(later, index)  # type: ignore[arg-type]
        if length and closer < len(later):
            closing = runs[later[closer]][0]
            spans.append(Span(base + start, base + closing + length))
            outside = closing + length
            index = later[closer] + 1
        else:
            outside = start + length  # never closed: literal backticks
            index += 1
    return spans


def _with_html_code(spans: list[Span], text: str, base: int) -> list[Span]:
    """``spans`` (the backticks', in order) and the ``<code>…</code>`` elements of
    ``text`` that begin outside them, in order: an element is code as the backticks
    are (``<code>[CITATION 2]</code>`` shows a marker, it cites nothing). An element
    never closed in its block is text."""
    starts = [span.start for span in spans]
    found = list(spans)
    position = 0
    while (opening := _HTML_CODE_OPEN.search(text, position)) is not None:
        closing = _HTML_CODE_CLOSE.search(text, opening.end())
        if closing is None:
            break  # no element closes after this one: the rest is text (each looked at once)
        position = closing.end()
        offset = base + opening.start()
        index = bisect_right(starts, offset) - 1
        if index >= 0 and offset < spans[index].end:
            position = opening.end()  # written inside backticks: text shown as code already
            continue
        found.append(Span(offset, base + closing.end()))
    found.sort()
    merged: list[Span] = []
    for span in found:  # an element around a backtick span holds it
        if merged and span.start < merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _tag_end_past(text: str, start: int, position: int, closers: dict[str, int]) -> int:
    """Where an autolink or HTML tag that begins in ``text[start:position]`` ends, when
    it reaches past ``position`` (-1 when none does). Each ``<`` is tried once, over at
    most MAX_INLINE_TAG characters, and only when what would end it is there."""
    opening = text.find("<", start, position)
    while opening >= 0:
        tag = None
        if not _escaped(text, opening) and _may_close(text, opening, closers):
            tag = _INLINE_TAG.match(text, opening, min(len(text), opening + MAX_INLINE_TAG))
        if tag is not None:
            if tag.end() > position:
                return tag.end()
            opening = text.find("<", tag.end(), position)
        else:
            opening = text.find("<", opening + 1, position)
    return -1


def _may_close(text: str, opening: int, closers: dict[str, int]) -> bool:
    """Whether the comment, processing instruction, CDATA or declaration that may open
    at ``opening`` has its terminator within MAX_INLINE_TAG characters (a tag or an
    autolink always may). Each terminator is searched for forward only (``closers``:
    where it next occurs, -1 when nowhere), so a block of many openings and no
    terminator is read once, not once an opening."""
    if text.startswith("<?", opening):
        terminator = "?>"
    elif text.startswith("<!", opening):
        terminator = "-->" if text.startswith("<!--", opening) else "]]>" if text.startswith("<![CDATA[", opening) else ">"
    else:
        return True
    found = closers.get(terminator, -2)
    if found == -2 or 0 <= found < opening:
        found = closers[terminator] = text.find(terminator, opening)
    return 0 <= found <= opening + MAX_INLINE_TAG


def _math_spans(text: str, start: int, end: int, is_code: Callable[[int], bool]) -> list[Span]:
    """TeX math between ``start`` and ``end`` (one block), as pandoc reads
    ``tex_math_dollars``: ``$$`` to the next ``$$``; a ``$`` with a non-space after it
    to the next ``$`` with a non-space before it and no digit after it (``$20,000 and
    $30,000`` is no math). A ``$`` escaped or in a code span delimits nothing. Linear:
    whether a ``$`` closes does not depend on the one it would close, so once an
    opening finds none no later one will."""
    spans: list[Span] = []
    displays_close = True
    position = text.find("$", start, end)
    while position >= 0:
        if _escaped(text, position) or is_code(position):
            position = text.find("$", position + 1, end)
            continue
        if displays_close and text.startswith("$$", position):
            close = _math_close(text, position + 2, end, is_code, display=True)
            if close >= 0:
                spans.append(Span(position, close + 2))
                position = text.find("$", close + 2, end)
                continue
            displays_close = False
        after = text[position + 1 : position + 2]
        if after and not after.isspace():
            close = _math_close(text, position + 1, end, is_code, display=False)
            if close < 0:
                break
            spans.append(Span(position, close + 1))
            position = text.find("$", close + 1, end)
            continue
        position = text.find("$", position + 1, end)
    return spans


def _math_close(text: str, position: int, end: int, is_code: Callable[[int], bool], display: bool) -> int:
    """Where the math opened before ``position`` closes (its closing ``$`` or ``$$``), or -1."""
    close = text.find("$$" if display else "$", position, end)
    while close >= 0:
        if not _escaped(text, close) and not is_code(close):
            if display:
                return close
            if not text[close - 1].isspace() and not text[close + 1 : close + 2].isdigit():
                return close
        close = text.find("$$" if display else "$", close + 1, end)
    return -1


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _inside(spans: list[Span], starts: list[int], offset: int) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index].end


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged
