"""Find and parse a chapter's reference list (SPEC §2).

The candidates are the sections under headings named like a reference list
(References, Sources, Notes, …; a single bold or colon-ended line such as
``**References**`` or ``Sources:`` counts as a heading) and, in a file that has
markers, the unheaded trailing block of lines that each look like a reference.
A section ends at the next heading of the same or a higher level, at the next
reference heading, at a heading that closes the back matter and is never a
reference list (Further reading, See also, Acknowledgements, About the author,
Appendix …, as ``#`` headings or bold lines), and, when its entries are list
items, before a paragraph of prose that cites.

When there are several candidates, the list the markers point to is chosen by
evidence (how many of the cited numbers it holds, explicit labels, its entry
count against the highest cited number), not by position; when the evidence
does not decide, the later list is kept and ``ambiguous_with`` names the other.
"""

import re
from array import array
from bisect import bisect_left, bisect_right
from functools import partial
from operator import attrgetter, gt
from collections import Counter
from typing import TYPE_CHECKING, Iterator, NamedTuple, Optional, Sequence

from citelint.block_structure import LeafBlock, ListItem
from citelint.document import Document, Span, is_closing_heading, is_heading_word, is_list_heading
from citelint.lazy_pattern import lazy
from citelint.markers import LABEL_ANCHOR
from citelint.patterns import DOI, QUOTED_TITLE, SCHEMELESS, TITLE, URL, YEAR, find_dois, find_urls

if TYPE_CHECKING:
    from citelint.markers import Marker

__all__ = ["DOI", "URL", "Entry", "ReferenceList", "find_dois", "find_reference_list", "find_urls", "is_reference_heading"]

_LIST_LABEL = re.compile(r"(?<![ \t])[ \t]*(\d{1,9})([.)])(?=[ \t]|$)")
_BULLET = re.compile(r"(?<![ \t])[ \t]*[-*+](?=[ \t]|$)")
# `\[1\]`: as pandoc escapes it; `<span id="…"></span>[1]`: a converter's anchor before it
# `[1] A. Author`, `[1]: url`, and `【1】A. Author` as Chinese and Japanese text labels an entry (no space after it)
_BRACKET_LABEL = re.compile(r"(?<![ \t])[ \t]*" + LABEL_ANCHOR + r"?(?:\\?\[|[\u3010\uff3b])(\d{1,9})(?:\\?\](:?)(?=[ \t]|$)|[\u3011\uff3d])", re.IGNORECASE)
_BULLETED_LABEL = re.compile(r"(?<![ \t])[ \t]*[-*+][ \t]+" + LABEL_ANCHOR + r"?\\?\[(\d{1,9})\\?\]()(?=[ \t]|$)", re.IGNORECASE)  # `- [1] A. Author`, as PDF converters write a list
# `- <sup>1</sup>[Title](url)`, `* <a name="ref-1"></a><sup>1</sup> A. Author`: a superscript style's list, as wikis write it
_BULLETED_SUPERSCRIPT_LABEL = re.compile(r"(?<![ \t])[ \t]*[-*+][ \t]+" + LABEL_ANCHOR + r"?<sup>[ \t]*(\d{1,9})[ \t]*</sup>()", re.IGNORECASE)
_NAMED_DEFINITION = re.compile(r" {0,3}\[(?!\d{1,9}\])[^\]\n]{1,999}\]:")
_QUOTE_PREFIX = re.compile(r"(?<![ \t>])(?:[ \t]*>)*")
_ATX_OPENING = re.compile(r"^[ \t>]*#{1,6}(?=[ \t]|$)")
_DELIMITER_CHARACTERS = frozenset("|:- \t")
_NUMBERING_TITLES = frozenset({"", "n", "no", "nr", "num", "number", "ref", "reference", "citation", "cite", "id", "index", "source"})
_NUMBER_CELL = lazy(r"\[?(\d{1,9})[.)\]]?")  # matched against a cell's stripped text
MAX_REFERENCE_LINE = 2000
# How an entry is written: `1.` or `1)` list item, `[1]` line, `[1]:` definition,
# bullet, table row, or a line of a paragraph with no label.
ORDERED, BRACKETED, DEFINITION, BULLET, TABLE_ROW, LINE = "ordered", "bracketed", "definition", "bullet", "table row", "line"
MAX_CANDIDATES = 32  # the last reference headings looked at (a hostile file may have thousands)


class Entry(NamedTuple):
    """One reference: its number, where it is, and its text."""

    number: int  # the explicit label, or the position
    position: int  # 1-based place in the list
    label: Optional[int]  # the explicit label, if it has one
    label_span: Optional[Span]  # offsets of the label's digits
    first_line: int  # 0-based, inclusive
    last_line: int
    start: int  # offset where the entry (its label or bullet) starts
    text: str  # the entry's text without its label, lines joined (a table row: its other cells)
    urls: tuple[str, ...]  # http(s) URLs in the text
    dois: tuple[str, ...]  # DOIs in the text, bare or in a doi.org URL
    form: str = LINE  # how it is written: ORDERED, BRACKETED, DEFINITION, BULLET, TABLE_ROW or LINE


class ReferenceList(NamedTuple):
    """The reference list and the lines it spans.

    ``ambiguous_with`` is the 0-based line of another list's heading (or first
    line, when unheaded) that the markers may point to just as well: the
    evidence did not decide between the two, so this list was kept by position
    and a renumbering would be a guess. ``bibliography_at`` is the 0-based line
    of a later list of references that the markers do not point to (endnotes,
    then a bibliography): this list's entries may be short notes that point
    into it. ``unclear_at`` is the 0-based line of a bullet under a ``[n]``
    entry, no deeper than its label, that may be a note on it (how it is read)
    or an entry of its own: a renumbering would be a guess."""

    heading: Optional[LeafBlock]
    first_line: int
    last_line: int
    entries: tuple[Entry, ...]
    lazy_numbering: bool
    ambiguous_with: Optional[int] = None
    bibliography_at: Optional[int] = None
    unclear_at: Optional[int] = None

    def unlabelled_among_labels(self) -> Optional[Entry]:
        """The one entry with no label in a list whose other entries (two or more)
        carry labels, written as a line of text (a bullet is written as an entry):
        the rest of an entry whose first line was deleted, or an entry whose label
        was forgotten. It takes the next number by its place, so a marker citing
        that number points at it without a word."""
        if self.lazy_numbering:
            return None
        unlabelled = [entry for entry in self.entries if entry.label is None]
        if len(unlabelled) != 1 or len(self.entries) < 3 or unlabelled[0].form != LINE:
            return None
        return unlabelled[0]

    def holds_line(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line

    def numbers(self) -> set[int]:
        return {entry.number for entry in self.entries}

    @property
    def line(self) -> int:
        """0-based line that names the list: its heading, else its first line."""
        return self.heading.first_line if self.heading is not None else self.first_line

    def holds_references(self) -> bool:
        """Some entry looks like a reference (a URL, DOI, year or quoted title),
        not only prose notes."""
        return any(looks_like_citation(entry.text) for entry in self.entries)

    def mostly_references(self) -> bool:
        """More than half of the entries look like references: in a file that cites
        nothing, this is a reference list rather than a section of notes that
        mention a link or a date."""
        return 2 * sum(1 for entry in self.entries if looks_like_citation(entry.text)) > len(self.entries)


def find_reference_list(
    document: Document,
    heading_words: frozenset[str],
    has_markers: bool,
    citations: Sequence["Marker"] = (),
) -> Optional[ReferenceList]:
    """The reference list the ``citations`` (markers that cite) point to."""
    index = _Index(document, citations)
    candidates = [found for heading in _reference_headings(document, heading_words) if (found := _headed_list(document, heading, heading_words, index))]
    if has_markers and not any(candidate.holds_line(_unheaded_end(document, index)) for candidate in candidates):
        unheaded = _unheaded_list(document, index)
        if unheaded is not None and not any(_overlap(unheaded, candidate) for candidate in candidates):
            candidates.append(unheaded)
            candidates.sort(key=lambda candidate: candidate.first_line)
    if not candidates:
        return None
    chosen = _choose(candidates, index)
    later = [candidate for candidate in candidates if candidate.first_line > chosen.last_line and candidate.mostly_references()]
    if later and chosen.ambiguous_with is None:
        chosen = chosen._replace(bibliography_at=later[0].line)
    if not has_markers and not chosen.mostly_references():
        return None  # notes in a file that cites nothing: not a reference list
    return chosen


def is_reference_heading(document: Document, block: LeafBlock, heading_words: frozenset[str]) -> bool:
    return block.kind == "heading" and is_heading_word(heading_text(document, block), heading_words)


def looks_like_citation(text: str) -> bool:
    """Holds a URL, DOI, year or quoted title: a reference, not a prose note."""
    if len(text) > MAX_REFERENCE_LINE:
        text = text[:MAX_REFERENCE_LINE]
    return bool(
        ("://" in text and URL.search(text))
        or ("10." in text and DOI.search(text))
        or YEAR.search(text)
        or QUOTED_TITLE.search(text)
        or ("www." in text.casefold() and SCHEMELESS.search(text))
    )


def heading_text(document: Document, block: LeafBlock) -> str:
    """A heading's first line without its ATX opening and closing ``#`` sequences."""
    text = document.lines[block.first_line]
    opening = _ATX_OPENING.match(text)
    if opening is not None:
        text = text[opening.end() :]
    stripped = text.rstrip(" \t")
    unclosed = stripped.rstrip("#")
    if unclosed != stripped and (not unclosed or unclosed[-1] in " \t"):
        return unclosed
    return text


def _reference_headings(document: Document, heading_words: frozenset[str]) -> list[LeafBlock]:
    found: list[LeafBlock] = []
    for block in document.blocks.of_kind("heading", last_first=True):
        if is_reference_heading(document, block, heading_words):
            found.append(block)
            if len(found) == MAX_CANDIDATES:
                break
    return found[::-1]


def _overlap(one: ReferenceList, other: ReferenceList) -> bool:
    return one.first_line <= other.last_line and other.first_line <= one.last_line


_START = attrgetter("start")


class _Index:
    """Lookups by line, made once per file so that every section is read in time
    proportional to its own length."""

    def __init__(self, document: Document, citations: Sequence["Marker"]) -> None:
        self.block_starts = document.blocks.first  # arrays: no tuple or int object per block or item
        self.items, self.item_lines = document.items.by_line()
        if any(map(gt, map(_START, citations), map(_START, citations[1:]))):  # in text order, but for the styles that settle markers
            citations = sorted(citations, key=_START)
        # A line and a set of numbers a marker: an array, and one set for the markers
        # that cite alike (a file of 150,000 markers held a pair of objects each).
        starts = document.line_starts  # ``line_of`` written out: asked for every citation
        self.citation_lines = array("q", [bisect_right(starts, marker.start) - 1 for marker in citations])
        sets: dict[tuple[int, ...], frozenset[int]] = {}
        self.citation_numbers = [sets.get(marker.numbers) or sets.setdefault(marker.numbers, frozenset(marker.numbers)) for marker in citations]
        self.markers_citing: Counter[int] = Counter(number for numbers in self.citation_numbers for number in numbers)

    def block_range(self, first: int, last: int) -> range:
        """Indexes of the blocks that start within [first, last]."""
        return range(bisect_left(self.block_starts, first), bisect_right(self.block_starts, last))

    def items_within(self, first: int, last: int) -> list[ListItem]:
        return self.items[bisect_left(self.item_lines, first) : bisect_right(self.item_lines, last)]

    def cites_within(self, first: int, last: int) -> bool:
        return bisect_right(self.citation_lines, last) > bisect_left(self.citation_lines, first)

    def numbers_outside(self, first: int, last: int) -> set[int]:
        """The numbers cited by markers outside lines [first, last]."""
        low, high = bisect_left(self.citation_lines, first), bisect_right(self.citation_lines, last)
        inside: Counter[int] = Counter(number for numbers in self.citation_numbers[low:high] for number in numbers)
        return {number for number, markers in self.markers_citing.items() if markers > inside[number]}


# -- choosing among candidates ---------------------------------------------------


class _Evidence(NamedTuple):
    """What says that the markers point to a candidate list."""

    held: int  # how many of the cited numbers it has an entry for
    labelled: bool  # every entry carries an explicit number (not `1.` throughout)
    misfit: int  # |entries - the highest cited number|
    references: bool  # some entry looks like a reference, not only prose


def _evidence(candidate: ReferenceList, index: _Index) -> _Evidence:
    cited = index.numbers_outside(candidate.first_line, candidate.last_line)
    held = len(cited & candidate.numbers())
    labelled = not candidate.lazy_numbering and all(entry.label is not None for entry in candidate.entries)
    misfit = abs(len(candidate.entries) - max(cited, default=0))
    return _Evidence(held, labelled, misfit, candidate.holds_references())


def _choose(candidates: list[ReferenceList], index: _Index) -> ReferenceList:
    """The candidate the markers point to; the last one when nothing cites. When
    the evidence does not decide, the later of the two best, marked ambiguous."""
    last = candidates[-1]
    if len(candidates) == 1 or not index.citation_lines:
        return last
    evidence = [_evidence(candidate, index) for candidate in candidates]
    most = max(found.held for found in evidence)
    if most == 0:
        return last
    leaders = [number for number, found in enumerate(evidence) if found.held == most]
    leader = evidence[leaders[-1]]
    if not any(evidence[number].labelled for number in leaders):
        # a numbered list that holds most of the cited numbers, against an unnumbered one that holds more
        rivals = [
            number
            for number, found in enumerate(evidence)
            if number not in leaders and found.labelled and 2 * found.held >= most and (found.references or not leader.references)
        ]
        if rivals:
            return _ambiguous(candidates[leaders[-1]], candidates[rivals[-1]])
    for prefer in (lambda found: found.references, lambda found: found.labelled):
        if any(prefer(evidence[number]) for number in leaders):
            leaders = [number for number in leaders if prefer(evidence[number])]
    best_fit = min(evidence[number].misfit for number in leaders)
    leaders = [number for number in leaders if evidence[number].misfit == best_fit]
    if len(leaders) == 1:
        return candidates[leaders[0]]
    return _ambiguous(candidates[leaders[-1]], candidates[leaders[-2]])


def _ambiguous(one: ReferenceList, other: ReferenceList) -> ReferenceList:
    """The later of two lists, naming the other."""
    kept, named = (one, other) if one.first_line > other.first_line else (other, one)
    return kept._replace(ambiguous_with=named.line)


# -- headed lists -----------------------------------------------------------


def _headed_list(document: Document, heading: LeafBlock, heading_words: frozenset[str], index: _Index) -> Optional[ReferenceList]:
    first = heading.last_line + 1
    last = _section_end(document, heading, heading_words, index)
    last = _before_citing_prose(document, first, last, index)
    entries, unclear = _section_entries(document, first, last, index)
    if not entries:
        return None
    return _numbered(document, heading, first, last, entries)._replace(unclear_at=unclear)


def _section_end(document: Document, heading: LeafBlock, heading_words: frozenset[str], index: _Index) -> int:
    """The last line of a heading's section: before the next heading of the same or
    a higher level, the next reference heading, or a heading that closes the list."""
    for number in index.block_range(heading.last_line + 1, len(document.lines)):
        block = document.blocks[number]
        if block.kind != "heading":
            continue
        if block.level <= heading.level:
            return block.first_line - 1
        if is_list_heading(heading_text(document, block), heading_words, block.level):
            return block.first_line - 1
    return len(document.lines) - 1


def _before_citing_prose(document: Document, first: int, last: int, index: _Index) -> int:
    """A section of list items ends before a paragraph of prose that cites (a
    ``Notes:`` aside in the middle of a chapter is followed by more chapter)."""
    if not index.items_within(first, last) or not index.cites_within(first, last):
        return last
    for number in index.block_range(first, last):
        block = document.blocks[number]
        if block.kind != "paragraph" or block.item is not None or block.quoted:
            continue
        if index.cites_within(block.first_line, block.last_line) and not _looks_like_reference(_lines_text(document, block.first_line, block.last_line)):
            return block.first_line - 1
    return last


class _Piece(NamedTuple):
    """The lines of one entry, and the table it is a row of."""

    first: int
    last: int
    table: Optional["_Table"] = None


_ITEM, _KEPT, _PROSE = "item", "kept", "prose"  # what a piece of a section is read from


def _section_entries(document: Document, first: int, last: int, index: _Index) -> tuple[list[_Piece], Optional[int]]:
    """The lines of each entry of a section, in order, and the line of a bullet that
    may be a note or an entry (``ReferenceList.unclear_at``), if any."""
    items = _top_items(index, first, last)
    extents = _item_extents(document, items, index, first, last)
    covered: set[int] = set()
    for item in items:
        covered.update(range(item.line, extents[item.item_id] + 1))
    pieces = [(_Piece(item.line, extents[item.item_id]), _ITEM) for item in items]
    for number in index.block_range(first, last):
        block = document.blocks[number]
        if block.first_line in covered:
            continue
        if block.kind == "ref_def" and _BRACKET_LABEL.match(document.lines[block.first_line]):
            pieces.append((_Piece(block.first_line, block.last_line), _KEPT))
        elif block.kind == "paragraph" and block.item is None:
            table = _table(document, block)
            if table is not None:
                pieces.extend((_Piece(line, line, table), _KEPT) for line in _table_rows(document, block))
                continue
            pieces.extend((_Piece(start, end), _PROSE) for start, end in _paragraph_entries(document, block))
    pieces.sort(key=lambda piece: piece[0].first)
    unclear = None
    if items:
        pieces, unclear = _sub_items_attached(document, pieces)
    listed = any(kind == _ITEM for _, kind in pieces)  # prose among list items is an entry only when it looks like one
    entries = [piece for piece, kind in pieces if kind != _PROSE or not listed or _looks_like_reference(_lines_text(document, piece.first, piece.last))]
    return entries, unclear


def _sub_items_attached(document: Document, pieces: list[tuple[_Piece, str]]) -> tuple[list[tuple[_Piece, str]], Optional[int]]:
    """The pieces with the list items read as the line-by-line reading of ``[n]``
    entries reads them. Markdown reads ``[n]`` lines as a paragraph, and a bullet
    under one as a list whose paragraph takes the ``[n]`` lines below it lazily:
    each of those lines starts an entry of its own, and an item right under a
    ``[n]`` entry is a note on it when indented deeper than its label (one no
    deeper is a note too, unless it looks like a reference, but unclearly: its
    line is returned). Pieces in line order."""
    lines = document.lines
    read: list[tuple[_Piece, str]] = []
    unclear: Optional[int] = None
    for piece, kind in pieces:
        if kind != _ITEM:
            read.append((piece, kind))
            continue
        above = read[-1][0] if read else None
        under = above is not None and above.table is None and _BRACKET_LABEL.match(lines[above.first]) is not None and not _apart(document, above, piece)
        depth = _indent(lines[above.first if under and above else piece.first])
        starts = [line for line in range(piece.first + 1, piece.last + 1) if _indent(lines[line]) <= depth and _BRACKET_LABEL.match(lines[line])]
        end = starts[0] - 1 if starts else piece.last
        if not under or (_indent(lines[piece.first]) <= depth and _looks_like_reference(_lines_text(document, piece.first, end))):
            read.append((_Piece(piece.first, end), _ITEM))
        else:
            read[-1] = (read[-1][0]._replace(last=end), read[-1][1])
            if _indent(lines[piece.first]) <= depth and unclear is None:
                unclear = piece.first
        ends = [start - 1 for start in starts[1:]] + [piece.last]
        read += [(_Piece(start, stop), _KEPT) for start, stop in zip(starts, ends)]
    return read, unclear


def _apart(document: Document, above: _Piece, piece: _Piece) -> bool:
    """Something that renders (a heading, a code block …) lies between two pieces."""
    return any(document.shows_text(line) for line in range(above.last + 1, piece.first))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _top_items(index: _Index, first: int, last: int) -> list[ListItem]:
    inside = index.items_within(first, last)
    if not inside:
        return []
    shallowest = min(item.depth for item in inside)
    return [item for item in inside if item.depth == shallowest]


def _item_extents(document: Document, items: list[ListItem], index: _Index, first: int, last: int) -> dict[int, int]:
    extents = {item.item_id: item.line for item in items}
    for number in index.block_range(first, last):
        block = document.blocks[number]
        item_index = block.item
        while item_index is not None:
            if item_index in extents:
                extents[item_index] = max(extents[item_index], block.last_line)
                break
            item_index = document.items[item_index].parent
    return extents


def _paragraph_entries(document: Document, block: LeafBlock) -> Iterator[tuple[int, int]]:
    """One entry per paragraph, or per line when labelled or every line is a reference."""
    lines = range(block.first_line, block.last_line + 1)
    texts = [document.lines[line] for line in lines]
    if any(_BRACKET_LABEL.match(text) for text in texts):
        starts = [line for line, text in zip(lines, texts) if _BRACKET_LABEL.match(text)]
        if starts[0] != block.first_line:
            starts.insert(0, block.first_line)
    elif len(texts) > 1 and all(_looks_like_entry_line(text) or _is_continuation(text, document) for text in texts):
        starts = _entry_starts(document, list(lines), texts)
        if not starts or starts[0] != block.first_line:
            starts.insert(0, block.first_line)
    else:
        starts = [block.first_line]
    ends = [start - 1 for start in starts[1:]] + [block.last_line]
    yield from zip(starts, ends)


_LINK_START = lazy(r"(?<![ \t])[ \t]*(?:<?https?://|doi:|10\.\d{4,9}/)", re.IGNORECASE)
_ACCESS_NOTE = re.compile(r"(?<![ \t])[ \t]*\(?(?:accessed|retrieved|available|archived)\b", re.IGNORECASE)
_ENTRY_END = lazy(r"(?:[.!?][\"\u201d')\]]*|(?:1[5-9]|20)\d\d[a-z]?\)?\.?|n\.\s?d\.\)?)[ \t]*$", re.IGNORECASE)


def _entry_starts(document: Document, numbers: list[int], texts: list[str]) -> list[int]:
    """The lines (of ``numbers``, non-blank, in order) where an entry starts: not an
    indented continuation, and not the hard-wrapped rest of the entry above it (in
    Markdown that wraps: adjacent lines only, a blank line always ends an entry; a
    ``[n]`` label always starts one)."""
    starts: list[int] = []
    so_far = ""
    for index, (number, text) in enumerate(zip(numbers, texts)):
        adjacent = index > 0 and numbers[index - 1] == number - 1
        wraps = adjacent and _may_wrap(document) and not _BRACKET_LABEL.match(text) and wraps_on(so_far, text)
        if _is_continuation(text, document) or wraps:
            so_far = f"{so_far} {text.strip()}"[-MAX_REFERENCE_LINE:]
            continue
        starts.append(number)
        so_far = text.strip()
    return starts


_MARKER_LIKE = lazy(r"\[[A-Za-z]+ \d")


def _may_wrap(document: Document) -> bool:
    """Markdown written with paragraphs wraps its lines; one paragraph per line
    (plain text, the seed's form) never does."""
    return not document.plain and not document.plain_text


def wraps_on(previous: str, line: str) -> bool:
    """``line`` continues the entry whose text so far is ``previous``, hard-wrapped
    (pandoc wraps at 72 columns): it is the entry's access note, or its link while
    the entry has none yet, or the entry is not whole yet (a link ends an entry; so
    does a period after its year)."""
    previous = previous[-MAX_REFERENCE_LINE:]
    if _ACCESS_NOTE.match(line):
        return True
    linked = URL.search(previous) is not None or DOI.search(previous) is not None
    if linked or _LINK_START.match(line):
        return not linked
    return YEAR.search(previous) is None or _ENTRY_END.search(previous) is None


def _is_continuation(line: str, document: Document) -> bool:
    """An indented line continues the entry above, except in plain text, where an
    indent starts a paragraph (Scrivener and Word export first-line indents)."""
    return not document.plain_text and line[:1] in (" ", "\t") and bool(line.strip())


# -- tables ---------------------------------------------------------------------


class _Table(NamedTuple):
    """A pipe table read from a paragraph: its header line and its number column."""

    header: int  # 0-based line of the header row
    number_column: Optional[int]  # the column of entry numbers, if any


def _table(document: Document, block: LeafBlock) -> Optional[_Table]:
    """A paragraph that is a pipe table (a header row, a delimiter row, rows)."""
    if block.last_line - block.first_line < 2 or block.quoted:
        return None
    header, delimiter = document.lines[block.first_line], document.lines[block.first_line + 1]
    if "|" not in header or "-" not in delimiter or not set(delimiter) <= _DELIMITER_CHARACTERS:
        return None
    rows = [_cells(document.lines[line]) for line in range(block.first_line + 2, block.last_line + 1)]
    titles = [title.strip().strip("#.:[]()").strip().casefold() for title, _ in _cells(header)]
    columns = min(len(row) for row in rows)
    return _Table(block.first_line, next((column for column in range(columns) if _numbers_rows(rows, column, titles)), None))


def _numbers_rows(rows: list[list[tuple[str, int]]], column: int, titles: list[str]) -> bool:
    """Every cell of the column is a number, and the column is a numbering: headed
    ``#``, ``No.``, ``Ref`` …, or holding no number much larger than the row count
    (a column of years is not a numbering)."""
    numbers = [_NUMBER_CELL.fullmatch(row[column][0].strip()) for row in rows]
    if not all(numbers):
        return False
    if column < len(titles) and titles[column] in _NUMBERING_TITLES:
        return True
    return max(int(number.group(1)) for number in numbers if number) <= 2 * len(rows) + 10


def _table_rows(document: Document, block: LeafBlock) -> range:
    return range(block.first_line + 2, block.last_line + 1)


def _cells(line: str) -> list[tuple[str, int]]:
    """A table row's cells and the column where each starts (pipes escaped as ``\\|`` stay)."""
    cells: list[tuple[str, int]] = []
    start = 0
    stripped = line.lstrip()
    if stripped.startswith("|"):
        start = len(line) - len(stripped) + 1
    position = start
    while position <= len(line):
        bar = _next_bar(line, position)
        end = len(line) if bar < 0 else bar
        cells.append((line[position:end], position))
        if bar < 0:
            break
        position = bar + 1
    if len(cells) > 1 and not cells[-1][0].strip():
        cells.pop()  # the closing pipe
    return cells


def _next_bar(line: str, position: int) -> int:
    bar = line.find("|", position)
    while bar > 0 and line[bar - 1] == "\\":
        bar = line.find("|", bar + 1)
    return bar


def _read_row(document: Document, line: int, table: _Table) -> tuple[Optional[int], Optional[Span], int, str, str]:
    """A table row as an entry (``_read_entry``): the number cell as its label, the other cells as its text."""
    text = document.lines[line]
    cells = _cells(text)
    label: Optional[int] = None
    span: Optional[Span] = None
    column = table.number_column
    if column is not None and column < len(cells):
        cell, at = cells[column]
        number = _NUMBER_CELL.fullmatch(cell.strip())
        if number is not None:
            label = int(number.group(1))
            at += len(cell) - len(cell.lstrip())
            span = Span(document.offset(line, at + number.start(1)), document.offset(line, at + number.end(1)))
    rest = " ".join(cell.strip() for place, (cell, _) in enumerate(cells) if place != column and cell.strip())
    start_column = len(text) - len(text.lstrip(" \t"))
    return label, span, document.offset(line, start_column), rest, TABLE_ROW


# -- unheaded trailing block ---------------------------------------------------


def _unheaded_list(document: Document, index: _Index) -> Optional[ReferenceList]:
    lines = document.lines
    line = _unheaded_end(document, index)
    end = line
    first: Optional[int] = None
    while line >= 0:
        text = lines[line]
        if document.shows_text(line):  # a comment after the list, or between its entries, renders nothing
            block = document.block_at(document.offset(line))
            if block is None or block.kind not in ("paragraph", "ref_def"):
                break
            table = _table(document, block) if block.kind == "paragraph" and block.item is None else None
            if table is not None:
                return _unheaded_table(document, block, table)
            if _NAMED_DEFINITION.match(text):
                pass  # [map]: https://... is never an entry, and does not end the block
            elif _looks_like_reference(text):
                first = line
            elif first == line + 1 and _may_wrap(document) and wraps_on(text, lines[line + 1]) and not _MARKER_LIKE.search(text):
                first = line  # the start of a hard-wrapped entry whose rest is below
            elif not _is_continuation(text, document):
                break
        line -= 1
    first = _entries_begin(document, index, first, end) if first is not None else None
    if first is None:
        return None
    last = max(number for number in range(first, end + 1) if document.shows_text(number))
    numbers = [number for number in range(first, last + 1) if document.shows_text(number)]
    starts = _entry_starts(document, numbers, [lines[number] for number in numbers])
    items = [item.line for item in _top_items(index, first, last)]
    if items and items[0] == first:  # a list of items: each starts an entry, indented (` 1. …`, ` * …`) or not
        starts = sorted(set(starts).union(items))
    elif not starts or starts[0] != first:
        starts.insert(0, first)  # the block's first line starts an entry, indented or not
    pieces = []
    for position, start in enumerate(starts):
        stop = starts[position + 1] - 1 if position + 1 < len(starts) else last
        while not document.shows_text(stop):
            stop -= 1
        if not _NAMED_DEFINITION.match(lines[start]):
            pieces.append(_Piece(start, stop))
    return _numbered(document, None, first, last, pieces)


def _entries_begin(document: Document, index: _Index, first: int, end: int) -> int:
    """Where the unheaded block's entries begin, given its first line. When the block
    ends with a Markdown list of references, what comes before that list is prose,
    not its first entries: another list (`1) First point.`, which CommonMark shows as
    a list of its own: its bullet or delimiter differs), a paragraph with a link, the
    last line of a paragraph that cites (`… [CITATION 2].` then `[a site](https://…)`).
    Read as entries, ``fix`` would move them among the items, and the items would be
    numbered otherwise than a reader counts them."""
    lines = document.lines
    items = _top_items(index, first, end)
    kinds = [_list_kind(lines[item.line]) for item in items]
    trailing = len(items)
    while trailing > 0 and kinds[trailing - 1] == kinds[-1]:
        trailing -= 1
    earlier, last_list = items[:trailing], items[trailing:]
    if not last_list or last_list[0].line <= first or 2 * _references_among(last_list, lines) < len(last_list):
        return first
    if earlier:  # a list before the list: its own entries only when more than half look like references
        whole = _whole_list(document, index, earlier, kinds[0])
        return first if 2 * _references_among(whole, lines) > len(whole) else last_list[0].line
    block = document.block_at(document.offset(first))
    if block is not None and block.kind == "paragraph" and block.first_line < first and index.cites_within(block.first_line, first - 1):
        return last_list[0].line  # the last line of a paragraph that cites
    if all(not document.shows_text(line) or _label_of(lines[line])[1] is None for line in range(first, last_list[0].line)):
        return last_list[0].line  # unlabelled lines before the list
    return first


def _whole_list(document: Document, index: _Index, items: list[ListItem], kind: str) -> list[ListItem]:
    """``items`` (the first ones of the unheaded block) with the items of their list
    above the block: a list of points whose last item has a link (`- see <https://…>`)
    is judged whole."""
    whole = list(items)
    below = items[0]
    for item_id in range(below.item_id - 1, -1, -1):
        item = document.items[item_id]
        if item.depth > below.depth:
            continue
        if item.depth < below.depth or _list_kind(document.lines[item.line]) != kind:
            break
        if any(document.blocks[number].item is None for number in index.block_range(item.line, whole[0].line - 1)):
            break  # a block outside the list between them
        whole.insert(0, item)
    return whole


_LIST_KIND = lazy(r"(?<![ \t>])[ \t>]*+(?:\d{1,9}([.)])|([-*+]))(?:[ \t]|$)")  # linear: no start inside a run of blanks


def _list_kind(line: str) -> str:
    """How a list item's marker is written, as CommonMark tells lists apart: its
    bullet character, or an ordered item's delimiter."""
    found = _LIST_KIND.match(line)
    return "" if found is None else found.group(1) or found.group(2) or ""


def _references_among(items: list[ListItem], lines: Sequence[str]) -> int:
    """How many items look like references by their first line, or their first two
    (an entry hard-wrapped before its link)."""
    return sum(map(partial(_item_looks_like_reference, lines), items))


def _item_looks_like_reference(lines: Sequence[str], item: ListItem) -> bool:
    if _MARKER_LIKE.search(lines[item.line]):
        return False  # it cites, as prose does
    if _looks_like_reference(lines[item.line]):
        return True
    following = lines[item.line + 1] if item.line + 1 < len(lines) else ""
    return not _list_kind(following) and _looks_like_reference(lines[item.line] + " " + following)


def _unheaded_end(document: Document, index: _Index) -> int:
    """Where the unheaded block is looked for: the end of the file, or before the
    sections that close it (Further reading, About the author …) after the last citation."""
    if not index.citation_lines:
        return len(document.lines) - 1
    after = index.citation_lines[-1] + 1
    for number in index.block_range(after, len(document.lines)):
        block = document.blocks[number]
        if block.kind == "heading" and is_closing_heading(heading_text(document, block), block.level):
            return block.first_line - 1
    return len(document.lines) - 1


def _unheaded_table(document: Document, block: LeafBlock, table: _Table) -> Optional[ReferenceList]:
    """A pipe table that ends the file is the list when most of its rows are references."""
    rows = list(_table_rows(document, block))
    if 2 * sum(1 for row in rows if _looks_like_reference(document.lines[row])) < len(rows):
        return None
    return _numbered(document, None, block.first_line, block.last_line, [_Piece(row, row, table) for row in rows])


def _looks_like_entry_line(text: str) -> bool:
    """Under a reference heading, a line with a link or a year is an entry of its own."""
    return _looks_like_reference(text) or (len(text) <= MAX_REFERENCE_LINE and YEAR.search(text) is not None)


def _looks_like_reference(text: str) -> bool:
    if len(text) > MAX_REFERENCE_LINE or not text.strip():
        return False
    if URL.search(text) or DOI.search(text) or SCHEMELESS.search(text):
        return True
    if "[" in text and re.search(r"\[[A-Za-z]+ \d", text):
        return False  # holds something like a marker: prose
    title = TITLE.search(text)
    return title is not None and YEAR.search(text, title.end()) is not None


# -- numbering ----------------------------------------------------------------


def _numbered(
    document: Document,
    heading: Optional[LeafBlock],
    first: int,
    last: int,
    pieces: list[_Piece],
) -> ReferenceList:
    read = [_read_row(document, piece.first, piece.table) if piece.table else _read_entry(document, piece.first, piece.last) for piece in pieces]
    labels = [label for label, _, _, _, _ in read]
    lazy = len(labels) > 1 and all(label == 1 for label in labels)
    entries = []
    for position, ((label, span, start, text, form), (first_line, last_line, _)) in enumerate(zip(read, pieces), start=1):
        if lazy:
            label, span = None, None
        number = position if label is None else label
        entries.append(Entry(number, position, label, span, first_line, last_line, start, text, find_urls(text), find_dois(text), form))
    return ReferenceList(heading, first, last, tuple(entries), lazy)


def entry_prefix(line: str) -> tuple[int, str]:
    """Where the text of an entry that starts on ``line`` begins (after its quote
    marks, indentation, label or bullet, and the spaces after them), and how the
    entry is written (``ORDERED``, ``BRACKETED``, ``DEFINITION``, ``BULLET`` or
    ``LINE``; a table row is read by its table)."""
    column, found, form = _label_of(line)
    end = column + (found.end() if found else 0)
    return end + len(line[end:]) - len(line[end:].lstrip(" \t")), form


def entry_container(line: str) -> str:
    """What holds an entry that starts on ``line``, before its label or bullet (or
    its text, unlabelled): its quote marks and indentation, which are its list's."""
    column, found, _ = _label_of(line)
    rest = line[column:]
    return line[:column] + rest[: len(rest) - len(rest.lstrip(" \t"))]


def _label_of(line: str) -> tuple[int, "Optional[re.Match[str]]", str]:
    """Where a line's quote marks end, the match of its label or bullet after them
    (offsets from that column), and how an entry written so is written: the one
    reading of an entry's first line (``entry_prefix``, ``_read_entry``)."""
    prefix = _QUOTE_PREFIX.match(line)
    column = prefix.end() if prefix else 0
    rest = line[column:]  # sliced: the patterns look behind their start
    for pattern, form in ((_LIST_LABEL, ORDERED), (_BRACKET_LABEL, BRACKETED), (_BULLETED_LABEL, BULLET), (_BULLETED_SUPERSCRIPT_LABEL, BULLET), (_BULLET, BULLET)):
        found = pattern.match(rest)
        if found is not None:
            return column, found, DEFINITION if form == BRACKETED and found.group(2) else form
    return column, None, LINE


def _read_entry(document: Document, first: int, last: int) -> tuple[Optional[int], Optional[Span], int, str, str]:
    """The label, the label's digits, the start offset, the text of an entry and how it is written."""
    line = document.lines[first]
    column, found, form = _label_of(line)
    label: Optional[int] = None
    span: Optional[Span] = None
    if found is not None and found.re.groups:  # a bullet's label is the `[1]` after it, if any
        label = int(found.group(1))
        span = Span(document.offset(first, column + found.start(1)), document.offset(first, column + found.end(1)))
    text_column = column + (found.end() if found is not None else 0)
    start_column = len(line) - len(line[column:].lstrip(" \t"))
    parts = [line[text_column:]] + [document.lines[number] for number in range(first + 1, last + 1)]
    text = " ".join(part.strip() for part in parts if part.strip())
    return label, span, document.offset(first, start_column), text, form


def _lines_text(document: Document, first: int, last: int) -> str:
    return " ".join(document.lines[line].strip() for line in range(first, last + 1))
