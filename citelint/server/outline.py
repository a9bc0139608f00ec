"""What an editor shows around a chapter's text besides its findings: a hint after
each citing marker naming what it cites, the chapter's outline (its headings, and
its reference list with each entry), and a lens on each entry saying how often it
is cited.

All of it is read from the view's one parse (``ChapterView``), the one the
diagnostics come from: a request parses nothing again. An entry is named from its
fields as ``cited_work`` reads them (the reader CIT014 and ``citelint refs`` use).
With book numbering a number's entry, and how often it is cited, are the book's
(``ChapterView.book_index``): the entry may be in another chapter or in the
bibliography file. Positions are the client's; no pygls here.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from citelint.chapter import Chapter
from citelint.cited_work import cited_work
from citelint.diagnostics import printable, shorten
from citelint.references import Entry, ReferenceList, heading_text
from citelint.server.positions import Position
from citelint.server.views import BookIndex, ChapterView, Location, Range, number_in

MAX_HINT = 40  # characters of one hint, whatever the marker cites
MAX_NAME = 28  # of one entry's name in a hint
MAX_SYMBOL = 80  # of an entry's name in the outline
MAX_TOOLTIP = 300  # of each entry's text in a hint's tooltip
HEADING, LIST, ENTRY = "heading", "list", "entry"
_LIST_LEVEL, _ENTRY_LEVEL = 98, 99  # below every heading (pseudo-headings are 7)


class Hint(NamedTuple):
    """The text shown after a marker, on one line, and its tooltip."""

    position: Position
    label: str
    tooltip: str


class Symbol(NamedTuple):
    """One item of the outline: a heading, a reference list without a heading, or an entry."""

    name: str
    kind: str  # HEADING, LIST or ENTRY
    range: Range  # all of it: a heading's section, an entry's lines
    selection: Range  # what is shown selected when the editor goes to it
    detail: str
    children: tuple["Symbol", ...] = ()


class Lens(NamedTuple):
    """How often an entry is cited, shown above its first line, and the markers
    citing it (what find references shows from the entry): this chapter's, or
    with book numbering the book's, each in its file."""

    range: Range
    title: str
    position: Position  # the entry's start, where the references are shown from
    citing: tuple[Location, ...]


# -- naming an entry ---------------------------------------------------------------


def short_name(text: str) -> str:
    """An entry named briefly: ``Smith 2020``, ``Smith and Jones 2020``, ``Smith et
    al. 2020``; without authors, its title (or its text) cut short, and its year."""
    work = cited_work(text)
    year = f" {work.year}" if work.year else ""
    who = _authors(text) or _one_line(work.title or text)
    return _cut(who, MAX_NAME - len(year)) + year


def entry_name(number: int, text: str) -> str:
    """An entry as the outline lists it: ``3. Smith 2020, Title…``; without
    authors ``3. Title, 2020``."""
    work = cited_work(text)
    title = _one_line(work.title)
    who = _authors(text)
    if not who:  # the title, cut to leave room for its year
        year = f", {work.year}" if work.year else ""
        return f"{number}. " + _cut(title or _one_line(text), MAX_SYMBOL - len(f"{number}. {year}")) + year
    who = f"{who} {work.year}" if work.year else who
    return _cut(f"{number}. {who}, {title}" if title else f"{number}. {who}", MAX_SYMBOL)


def _authors(text: str) -> str:
    """The entry's authors briefly: one or two family names, else the first and ``et al.``."""
    families = cited_work(text).families
    if len(families) > 2:
        return _one_line(f"{families[0]} et al.")
    return _one_line(" and ".join(families))


def _one_line(text: str) -> str:
    """``text`` on one line: its runs of white space (line breaks too) as one space,
    control characters escaped."""
    return printable(" ".join(text.split()))


def _cut(text: str, width: int) -> str:
    """``text`` cut at its end to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- inlay hints -------------------------------------------------------------------


def inlay_hints(view: ChapterView, start: Position, end: Position) -> list[Hint]:
    """A hint after each marker that cites (outside the reference list) whose end
    is in the range from ``start`` to ``end``."""
    index = view.book_index()
    own = set(index.own.values()) if index is not None else set()
    hints = []
    for part in view.chapter.chapters():
        for marker in part.cited:
            after = view.range(marker.end, marker.end).start
            if start <= after <= end:
                numbers = list(dict.fromkeys(marker.numbers))
                cited = [_cited(view, index, part, number, own) for number in numbers]
                names = [short_name(text) if text is not None else f"no entry {number}" for number, text, _ in cited]
                tooltip = "\n\n".join(_tooltip(number, text, where) for number, text, where in cited)
                hints.append(Hint(after, _listed(names), tooltip))
    return hints


def _cited(view: ChapterView, index: Optional[BookIndex], part: Chapter, number: int, own: set[int]) -> tuple[int, Optional[str], str]:
    """A cited number, its entry's text (None: no entry has it) and, with book
    numbering, the file it is listed in when not this chapter (``index``: the
    book's; ``own``: the book's numbers of this chapter's entries)."""
    if index is not None:
        listed = index.listed.get(number)
        if listed is None:
            return number, None, ""
        return number, listed.text, "" if number in own else listed.path
    entry = view.listed_entry(part, number)
    return number, entry.text if entry is not None else None, ""


def _listed(names: list[str]) -> str:
    """The names of the entries a marker cites, as many as fit in MAX_HINT, then how
    many more: ``Smith 2020; Lee 2019; +3``."""
    shown: list[str] = []
    for place, name in enumerate(names):
        if shown and len("; ".join([*shown, name])) > MAX_HINT - 4:
            return "; ".join(shown) + f"; +{len(names) - place}"
        shown.append(name)
    return _cut("; ".join(shown), MAX_HINT)


def _tooltip(number: int, text: Optional[str], where: str) -> str:
    if text is None:
        return f"[{number}] no entry {number} in the reference list"
    place = f" (in {where})" if where else ""
    return f"[{number}]{place} {shorten(printable(text), MAX_TOOLTIP)}"


# -- the outline -------------------------------------------------------------------


class _Node:
    """An outline item while the tree is built (nested by level)."""

    def __init__(self, level: int, first_line: int, symbol: Symbol) -> None:
        self.level = level
        self.first_line = first_line
        self.symbol = symbol
        self.children: list[_Node] = []

    def built(self) -> Symbol:
        return self.symbol._replace(children=tuple(child.built() for child in self.children))


def outline(view: ChapterView) -> list[Symbol]:
    """The chapter's headings nested by level, each reference list's entries under
    its heading (a list without one: under an item of its own), in text order."""
    nodes = _heading_nodes(view) + [node for part in view.chapter.chapters() if part.references is not None for node in _list_nodes(view, part, part.references)]
    nodes.sort(key=lambda node: (node.first_line, node.level))
    roots: list[_Node] = []
    open_nodes: list[_Node] = []
    for node in nodes:
        while open_nodes and open_nodes[-1].level >= node.level:
            open_nodes.pop()
        (open_nodes[-1].children if open_nodes else roots).append(node)
        open_nodes.append(node)
    return [node.built() for node in roots]


def _heading_nodes(view: ChapterView) -> list[_Node]:
    """Each heading, its range its section (to the next heading as high or higher)."""
    document = view.document
    headings = list(document.blocks.of_kind("heading"))
    last_line = len(document.line_starts) - 1
    nodes = []
    for place, block in enumerate(headings):
        after = next((other.first_line for other in headings[place + 1 :] if other.level <= block.level), last_line + 1)
        section_end = max(after - 1, block.last_line)
        start = document.offset(block.first_line)
        selection = view.range(start, document.line_end(block.first_line))
        name = _one_line(heading_text(document, block)) or "(untitled)"
        symbol = Symbol(name, HEADING, view.range(start, document.line_end(section_end)), selection, "")
        nodes.append(_Node(block.level, block.first_line, symbol))
    return nodes


def _list_nodes(view: ChapterView, part: Chapter, references: ReferenceList) -> list[_Node]:
    """A reference list's entries; under a node of their own when it has no heading."""
    index = view.book_index()
    nodes = []
    for entry in references.entries:
        number = number_in(index, entry)
        symbol = Symbol(entry_name(number, entry.text), ENTRY, view.entry_range(entry), _first_line(view, entry), shorten(printable(entry.text), MAX_TOOLTIP))
        nodes.append(_Node(_ENTRY_LEVEL, entry.first_line, symbol))
    if references.heading is None and references.entries:
        document = view.document
        whole = view.range(document.offset(references.first_line), document.line_end(references.last_line))
        count = len(references.entries)
        symbol = Symbol("References", LIST, whole, view.range(document.offset(references.first_line), document.line_end(references.first_line)), f"{count} entr{'y' if count == 1 else 'ies'}")
        nodes.append(_Node(_LIST_LEVEL, references.first_line, symbol))
    return nodes


def _first_line(view: ChapterView, entry: Entry) -> Range:
    return view.range(entry.start, view.document.line_end(entry.first_line))


# -- code lenses -------------------------------------------------------------------


def citation_lenses(view: ChapterView) -> list[Lens]:
    """A lens on each entry: how many markers cite it (with book numbering, in the
    book and in this chapter), and the markers citing it: this chapter's, or with
    book numbering every chapter's (the book's index, as find references gives them)."""
    index = view.book_index()
    lenses = []
    for part in view.chapter.chapters():
        for entry in part.references.entries if part.references is not None else ():
            number = number_in(index, entry)
            here = tuple(Location(view.path, view.marker_range(marker)) for marker in view.markers_citing(part, number))
            in_book = tuple(index.cited.get(number, ())) if index is not None else None
            title = _cited_title(len(here), len(in_book) if in_book is not None else None, view.settings.numbering == "book")
            lenses.append(Lens(_first_line(view, entry), title, view.range(entry.start, entry.start).start, in_book if in_book is not None else here))
    return lenses


def _cited_title(here: int, in_book: Optional[int], book_numbering: bool) -> str:
    """``cited 3 times``, ``not cited``; with book numbering ``cited 3 times in the
    book (1 in this chapter)``, or ``… in this chapter`` when the book is not known."""
    if in_book is None:
        return f"{_times(here)} in this chapter" if book_numbering else _times(here)
    if in_book == 0:
        return "not cited in the book"
    return f"{_times(in_book)} in the book ({here or 'none'} in this chapter)"


def _times(count: int) -> str:
    return "not cited" if count == 0 else "cited once" if count == 1 else f"cited {count} times"
