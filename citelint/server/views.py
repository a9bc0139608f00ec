"""One chapter as the editor sees it: the text of one version of an open document,
parsed once, answering the language server's questions with citelint's values.

Findings come from the lint core as ``citelint check`` makes them (with the JSON
report's fixes); the whole fix and a rename come from the renumbering, planned,
applied and verified as ``citelint fix`` does, or refused with its reason.
Positions in and out are the client's (``positions.Position``); no pygls here.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Iterator, Mapping, NamedTuple, Optional, Protocol

from citelint.catalog import RENUMBERING_CODES
from citelint.chapter import Chapter
from citelint.config import Settings, project_names
from citelint.diagnostics import Diagnostic, Edit, shorten
from citelint.files import reads_as_plain_text
from citelint.lint import lint_chapter
from citelint.markers import Marker
from citelint.patterns import normalise_url
from citelint.references import Entry
from citelint.renumbering import Refusal, _Plan, apply_edits, attach_renumbering, fix_chapter, renumbering_fix, verify
from citelint.selection import Selection
from citelint.server.positions import UTF16, Position, TextIndex

if TYPE_CHECKING:
    from citelint.server.url_cache import UrlVerdicts
    from citelint.urls.store import Verdict

MAX_COMPLETION_TITLE = 80
_DIGITS = re.compile(r"[0-9]+")
_QUOTED_TITLE = re.compile(r"[\"\u201c]([^\"\u201d]{3,300})[\"\u201d]")


class Range(NamedTuple):
    """A range in the client's positions."""

    start: Position
    end: Position


class Change(NamedTuple):
    """Replace the text of ``range`` with ``text``."""

    range: Range
    text: str


class Link(NamedTuple):
    range: Range
    target: str


class Completion(NamedTuple):
    """A number to write in a marker, what it is, and how it sorts."""

    number: int
    title: str
    detail: str
    sort: str


class FileChanges(NamedTuple):
    """A fix's changes to one file, and the text they apply to (what the editor
    must still have for them to land where they should)."""

    path: str
    text: str
    changes: list[Change]


class Fixed(NamedTuple):
    """What ``citelint fix`` would do, as changes by file: the chapter's own, or
    with book numbering every file of the book it changes; or why it refuses."""

    summary: str
    refused: Optional[str] = None
    renumbers: bool = False  # markers renumbered or entries moved or relabelled (not only near-misses normalised)
    files: tuple[FileChanges, ...] = ()


class Location(NamedTuple):
    """A range in a file: the file's path as the server was given it (the view's
    own, or one of its book's files) and the client's range in the text the
    editor has of it (a closed file's: as saved)."""

    path: str
    range: Range


class Listed(NamedTuple):
    """An entry of the book (book numbering): its number, its file (named as
    ``check`` names it), its text and where it is."""

    number: int
    path: str
    text: str
    location: Location


class BookIndex(NamedTuple):
    """With book numbering, the book's entries and citations as the editor has them."""

    listed: dict[int, Listed]  # each number's entry (the first, in book order)
    cited: dict[int, list[Location]]  # each number: the markers of the book citing it, in book order
    own: dict[tuple[int, int], int]  # the chapter's own entries (first line, start): their numbers in the book


BOOK_FIX_ONLY = 'with numbering = "book" the numbers run across the book: run `citelint fix` on the book'


class Book(Protocol):
    """The book of a chapter, as the editor has it (server.book)."""

    def findings(self, view: "ChapterView") -> list[Diagnostic]:
        """The findings across the book's files at the chapter."""

    def fix(self, view: "ChapterView") -> Fixed:
        """``citelint fix`` of the whole book, the chapter's text as the view's."""

    def numbers_in_use(self, view: "ChapterView") -> Optional[set[int]]:
        """With book numbering, every number the book uses; None when not known."""

    def open_texts(self) -> Mapping[str, str]:
        """The open chapters' texts by real path, as the editor has them now."""

    def index(self, view: "ChapterView", open_texts: Mapping[str, str]) -> Optional[BookIndex]:
        """With book numbering, the book's entries by number and its citations, the
        open chapters' texts ``open_texts``; None when not known."""


class Refused(Exception):
    """A request that cannot be done as asked; the message says why."""


class NumberAt(NamedTuple):
    """A cited number under the cursor: in a marker, or an entry's label."""

    part: Chapter
    number: int
    range: Range


class ChapterView:
    """One version of a chapter's text, parsed once."""

    def __init__(
        self,
        text: str,
        settings: Settings,
        path: str,
        encoding: str = UTF16,
        url_verdicts: Optional["UrlVerdicts"] = None,
        book: Optional[Book] = None,
    ) -> None:
        """``url_verdicts``: where the last URL verdicts are read (none: no URL findings).
        ``book``: the chapter's book: the findings across its files here (CIT014, and
        with book numbering the book-wide rules') and its fix (server.book)."""
        self.text = text
        self.url_verdicts = url_verdicts
        self.book = book
        self.settings = settings
        self.path = path
        self.index = TextIndex(text, encoding)
        self.chapter = Chapter.parse(text, settings, reads_as_plain_text(path))
        self.document = self.chapter.document
        self.selection = Selection.of(self.chapter, path, project_names(settings, path))
        self._findings: Optional[list[Diagnostic]] = None
        self._verdicts: Optional[dict[str, "Verdict"]] = None
        self._book_index: Optional[tuple[Mapping[str, str], Optional[BookIndex]]] = None  # the open texts it was read with, and the index

    # -- positions ---------------------------------------------------------------

    def range(self, start: int, end: int) -> Range:
        """The client's range of two offsets into the chapter's (normalised) text."""
        return Range(self._position(start), self._position(max(start, end)))

    def _position(self, offset: int) -> Position:
        line, column = self.document.position(offset)
        return self.index.citelint_position(line, column)

    def edit_range(self, edit: Edit) -> Range:
        return Range(self.index.citelint_position(edit.line, edit.column), self.index.citelint_position(edit.end_line, edit.end_column))

    def diagnostic_range(self, diagnostic: Diagnostic) -> Range:
        return Range(
            self.index.citelint_position(diagnostic.line, diagnostic.column),
            self.index.citelint_position(diagnostic.end_line, diagnostic.end_column),
        )

    def _offset(self, position: Position) -> int:
        """The offset into the chapter's (normalised) text of a client's position."""
        line, column = self.index.column_of(self.index.offset(position))
        line = min(line, len(self.document.line_starts) - 1)
        return self.document.offset(line, column)

    # -- findings and fixes --------------------------------------------------------

    def findings(self) -> list[Diagnostic]:
        """What ``citelint check`` reports for the text, with the JSON report's fixes."""
        if self._findings is None:
            from citelint.urls import url_diagnostics

            cached = url_diagnostics(self.chapter, self.verdicts(), self.path, self.selection) if self.verdicts() else []
            found = lint_chapter(self.chapter, self.path, cached, selection=self.selection)
            if self.book is not None:  # judged across the files `check` compares it with
                found = sorted(found + self.book.findings(self), key=Diagnostic.sort_key)
            self._findings = attach_renumbering(self.chapter, self.path, found, self.selection)
        return self._findings

    def renumbering(self) -> Optional[Fixed]:
        """The whole renumbering, when ``fix`` would renumber: the chapter's, or with
        book numbering the book's (a chapter renumbered alone would make the other
        chapters' markers point at other sources); None when ``fix`` refuses or
        keeps the numbering."""
        if self.settings.numbering == "book":
            fixed = self.fix_all()
            return fixed if fixed.refused is None and fixed.renumbers and fixed.files else None
        first = next((d for d in self.findings() if d.code in RENUMBERING_CODES and d.fix is not None), None)
        fix = first.fix if first is not None else renumbering_fix(self.chapter, self.path, self.selection)
        if fix is None:
            return None
        changes = [Change(self.edit_range(edit), edit.content) for edit in fix.edits]
        return Fixed(fix.description, renumbers=True, files=(FileChanges(self.path, self.text, changes),))

    def fix_all(self) -> Fixed:
        """What ``citelint fix`` does: to the chapter's text, or with book numbering
        to the whole book (the open chapters' texts as the editor has them)."""
        if self.settings.numbering == "book":
            return self.book.fix(self) if self.book is not None else Fixed("", refused=BOOK_FIX_ONLY)
        result, edits = fix_chapter(self.chapter, self.path, self.selection)
        if result.refused is not None or not result.changed:
            return Fixed(result.summary(), refused=result.refused)
        changes = [Change(Range(self.index.position(edit.start), self.index.position(edit.end)), edit.text) for edit in edits]
        renumbers = bool(result.renumbered or result.moved or result.relabelled)
        return Fixed(result.summary(), renumbers=renumbers, files=(FileChanges(self.path, self.text, changes),))

    def disable_change(self, diagnostic: Diagnostic) -> Optional[Change]:
        """A comment switching the finding's rule off on its line, when it silences
        that rule's findings on the line and changes nothing else the file reports
        (the chapter linted again with it, and with its book). A comment applies
        to the line it starts on (suppress.py), the finding's first line: there, a
        ``citelint-disable-line`` at the line's end; where that end is inside a
        marker wrapped onto the next line (the comment would break it) or inside
        code or a comment, a ``citelint-disable-next-line`` at the end of the line
        before, in the same paragraph; else none."""
        placed = self._disabling_place(diagnostic.line - 1, diagnostic.code)
        if placed is None:
            return None
        line, comment = placed
        end = self.index.ends[line]
        before = self.text[self.index.starts[line] : end]
        insertion = comment if not before or before[-1] in " \t" else " " + comment
        changed = self.text[:end] + insertion + self.text[end:]
        after = ChapterView(changed, self.settings, self.path, self.index.encoding, self.url_verdicts, self.book).findings()
        expected = [_where(d) for d in self.findings() if (d.code, d.line) != (diagnostic.code, diagnostic.line)]
        if sorted(_where(d) for d in after) != sorted(expected):
            return None
        position = self.index.position(end)
        return Change(Range(position, position), insertion)

    def _disabling_place(self, line: int, code: str) -> Optional[tuple[int, str]]:
        """The 0-based line whose end takes the comment switching ``code`` off on
        ``line``, and the comment; None when no line's end can take it."""
        if line >= min(self.index.line_count, len(self.document.line_starts)):
            return None
        if self._takes_text_at_end(line):
            return line, f"<!-- citelint-disable-line {code} -->"
        block = self.document.line_block
        if line > 0 and block[line] >= 0 and block[line - 1] == block[line] and self._takes_text_at_end(line - 1):
            return line - 1, f"<!-- citelint-disable-next-line {code} -->"
        return None

    def _takes_text_at_end(self, line: int) -> bool:
        """Whether text added at the end of the 0-based line lands in prose, outside
        every marker (one wrapped onto the next line would be broken)."""
        end = self.document.line_end(line)
        if not self.document.is_prose(end):
            return False
        return not any(marker.start < end < marker.end for part in self.chapter.chapters() for marker in part.markers)

    def verdicts(self) -> dict[str, "Verdict"]:
        """The last verdict of each of the chapter's links that ``check --urls`` cached."""
        if self._verdicts is None:
            self._verdicts = self.url_verdicts.of(self.chapter, self.settings) if self.url_verdicts is not None else {}
        return self._verdicts

    def book_index(self) -> Optional[BookIndex]:
        """With book numbering, the book's entries by number and its citations, the
        other chapters as the editor has them now: read again only when an open
        chapter's text has changed since it was last read (the texts are compared
        by identity first: an unchanged one is the same string), so a request
        reads no file; None without book numbering or when the book cannot be read."""
        if self.book is None or self.settings.numbering != "book":
            return None
        texts = self.book.open_texts()
        kept = self._book_index
        if kept is None or kept[0] != texts:
            kept = (texts, self.book.index(self, texts))
            self._book_index = kept
        return kept[1]

    # -- markers and entries ---------------------------------------------------------

    def marker_at(self, position: Position) -> Optional[tuple[Chapter, Marker]]:
        offset = self._offset(position)
        for part in self.chapter.chapters():
            for marker in part.markers:
                if marker.start <= offset <= marker.end and marker.cites:
                    return part, marker
        return None

    def entry_at(self, position: Position) -> Optional[tuple[Chapter, Entry]]:
        line = self.document.line_of(self._offset(position))
        for part in self.chapter.chapters():
            if part.references is not None and part.references.holds_line(line):
                for entry in part.references.entries:
                    if entry.first_line <= line <= entry.last_line:
                        return part, entry
        return None

    def number_at(self, position: Position) -> Optional[NumberAt]:
        """The number under the cursor: its digits in a marker or an entry's label."""
        offset = self._offset(position)
        found = self.marker_at(position)
        if found is not None:
            part, marker = found
            for digits in _DIGITS.finditer(marker.text):
                start, end = marker.start + digits.start(), marker.start + digits.end()
                if start <= offset <= end and int(digits.group()) in marker.numbers:
                    return NumberAt(part, int(digits.group()), self.range(start, end))
            return None
        at_entry = self.entry_at(position)
        if at_entry is not None:
            part, entry = at_entry
            if entry.label_span is not None and entry.label_span.start <= offset <= entry.label_span.end:
                return NumberAt(part, entry.number, self.range(*entry.label_span))
        return None

    def entry_range(self, entry: Entry) -> Range:
        return self.range(entry.start, self.document.line_end(entry.last_line))

    def marker_range(self, marker: Marker) -> Range:
        return self.range(marker.start, marker.end)

    @staticmethod
    def entry_of(part: Chapter, number: int) -> Optional[Entry]:
        if part.references is None:
            return None
        return next((entry for entry in part.references.entries if entry.number == number), None)

    def listed_entry(self, part: Chapter, number: int) -> Optional[Entry]:
        """The chapter's entry ``number``, read without the book's index: with book
        numbering only a labelled one (an unlabelled entry's number is its place
        among the book's entries, not known without the book: the third bullet of a
        bibliography is not entry 3)."""
        if self.settings.numbering != "book":
            return self.entry_of(part, number)
        entries = part.references.entries if part.references is not None else ()
        return next((entry for entry in entries if entry.label == number), None)

    @staticmethod
    def markers_citing(part: Chapter, number: int) -> list[Marker]:
        return [marker for marker in part.markers if number in marker.numbers]

    def number_of(self, entry: Entry) -> int:
        """An entry's number: with book numbering, its number in the book (its
        label, else its place among the book's entries)."""
        return number_in(self.book_index(), entry)

    def definition(self, position: Position) -> list[Location]:
        """Where the entries a marker cites are (only the number under the cursor,
        when it is on one): with book numbering the book's entries, in whichever
        file of the book lists them."""
        found = self.marker_at(position)
        if found is None:
            return []
        part, marker = found
        at = self.number_at(position)
        numbers = [at.number] if at is not None else list(dict.fromkeys(marker.numbers))
        index = self.book_index()
        if index is not None:
            return [listed.location for number in numbers if (listed := index.listed.get(number)) is not None]
        return [Location(self.path, self.entry_range(entry)) for number in numbers if (entry := self.listed_entry(part, number)) is not None]

    def references(self, position: Position, include_declaration: bool) -> Optional[list[Location]]:
        """The markers citing the number under the cursor (each number of the marker
        under it; the entry's), after the entry itself when ``include_declaration``:
        with book numbering those of every file of the book, in book order; None
        when the cursor is on neither a marker nor an entry."""
        asked = self._numbers_at(position)
        if asked is None:
            return None
        part, numbers = asked
        index = self.book_index()
        locations: list[Location] = []
        for number in numbers:
            if index is not None:
                listed = index.listed.get(number)
                if include_declaration and listed is not None:
                    locations.append(listed.location)
                locations += index.cited.get(number, ())
                continue
            entry = self.listed_entry(part, number)
            if include_declaration and entry is not None:
                locations.append(Location(self.path, self.entry_range(entry)))
            locations += [Location(self.path, self.marker_range(marker)) for marker in self.markers_citing(part, number)]
        return locations

    def _numbers_at(self, position: Position) -> Optional[tuple[Chapter, list[int]]]:
        """The numbers a request at ``position`` is about: the one under the cursor
        in a marker, else the marker's, else the entry's there (its number in the book)."""
        found = self.marker_at(position)
        if found is not None:
            at = self.number_at(position)
            return found[0], [at.number] if at is not None else list(dict.fromkeys(found[1].numbers))
        at_entry = self.entry_at(position)
        if at_entry is not None:
            return at_entry[0], [self.number_of(at_entry[1])]
        return None

    def hover(self, position: Position) -> Optional[tuple[str, Range]]:
        """Markdown about the entries a marker cites (or the markers citing an entry:
        with book numbering, in the book and in this chapter)."""
        found = self.marker_at(position)
        if found is not None:
            part, marker = found
            blocks = [self._entry_text(part, number) for number in dict.fromkeys(marker.numbers)]
            return "\n\n---\n\n".join(blocks), self.marker_range(marker)
        at_entry = self.entry_at(position)
        if at_entry is not None:
            part, entry = at_entry
            number = self.number_of(entry)
            count = len(self.markers_citing(part, number))
            index = self.book_index()
            if index is not None:
                in_book = len(index.cited.get(number, ()))
                cited = f"cited by {_markers(in_book)} in the book ({count or 'none'} in this chapter)" if in_book else "cited by no marker in the book"
            else:
                cited = f"cited by {_markers(count)}" if count else "cited by no marker"
            return f"**reference {number}**: {cited}", self.entry_range(entry)
        return None

    def _entry_text(self, part: Chapter, number: int) -> str:
        index = self.book_index()
        entry = self.listed_entry(part, number) if index is None else self._own_entry(index, number)
        if entry is None and index is not None:
            listed = index.listed.get(number)
            if listed is None:
                return f"**[{number}]** no entry {number} in the book's reference lists"
            return f"**[{number}]** {_markdown_escaped(listed.text)}\n\nin {_markdown_escaped(listed.path)}"
        if entry is None:
            return f"**[{number}]** no entry {number} in the reference list"
        lines = [f"**[{number}]** {_markdown_escaped(entry.text)}"]
        lines += [f"<{url}>{self._last_check(url)}" for url in entry.urls]
        lines += [f"DOI <https://doi.org/{doi}>" for doi in entry.dois if not _in_a_link(doi, entry.urls)]
        return "\n\n".join(lines)

    def _own_entry(self, index: BookIndex, number: int) -> Optional[Entry]:
        """With book numbering, the chapter's own entry with the book's number ``number``."""
        for part in self.chapter.chapters():
            for entry in part.references.entries if part.references is not None else ():
                if index.own.get((entry.first_line, entry.start)) == number:
                    return entry
        return None

    def _last_check(self, url: str) -> str:
        verdict = self.verdicts().get(url)
        if verdict is None:
            return ""
        when = time.strftime("%Y-%m-%d", time.gmtime(verdict.checked_at))
        outcome = "fine" if verdict.code is None else f"{verdict.code} {_markdown_escaped(shorten(verdict.detail, 200))}"
        return f" — last checked {when}: {outcome}"

    def links(self) -> Iterator[Link]:
        """Each URL of each entry, where it is written."""
        text = self.document.text
        for part in self.chapter.chapters():
            for entry in part.references.entries if part.references is not None else ():
                end = self.document.line_end(entry.last_line)
                after = entry.start  # the entry's URLs come in text order: each is looked for after the one before
                for url in entry.urls:
                    found = text.find(url, after, end)
                    if found >= 0:
                        yield Link(self.range(found, found + len(url)), url)
                        after = found + len(url)

    # -- completion --------------------------------------------------------------------

    def completions(self, position: Position) -> list[Completion]:
        """After ``[CITATION `` (or a comma in a marker): the next unused number, and
        the entries of the reference list with their titles. With book numbering each
        entry's number in the book (a bibliography's third bullet is not 3 when the
        chapters before list entries), and the next number unused in the whole book
        (a number past the chapter's may be another chapter's source); when the book
        cannot be read, only the entries whose labels give their numbers, and no new one."""
        offset = self._offset(position)
        line_start = self.document.line_starts[self.document.line_of(offset)]
        before = self.document.text[max(line_start, offset - 200) : offset]
        if not re.search(_completion_opening(self.settings) + r"(?:[0-9 \t,\u2013-]*,[ \t]*)?$", before, re.IGNORECASE):
            return []
        part = self._part_at(offset)
        entries = part.references.entries if part.references is not None else ()
        index = self.book_index()
        numbered = [(number, entry) for entry in entries if (number := self._offered_number(entry, index)) is not None]
        used = {number for marker in part.markers for number in marker.numbers} | {number for number, _ in numbered}
        items = [Completion(number, _title(entry.text), shorten(entry.text, 200), f"{number:09d}") for number, entry in numbered]
        if self.settings.numbering == "book":
            in_book = self.book.numbers_in_use(self) if self.book is not None else None
            if in_book is None:
                return items  # which numbers the other chapters use is not known: none is offered as new
            used |= in_book
        following = max(used, default=0) + 1
        items.append(Completion(following, "a new reference: the next unused number", "no entry yet: add it to the reference list", f"{following:09d}"))
        return items

    def _offered_number(self, entry: Entry, index: Optional[BookIndex]) -> Optional[int]:
        """The number completion offers for an entry: its own; with book numbering
        its number in the book (``index``), or when the book cannot be read its
        label (None without one: its place in the book is not known)."""
        if self.settings.numbering != "book":
            return entry.number
        return number_in(index, entry) if index is not None else entry.label

    def _part_at(self, offset: int) -> Chapter:
        line = self.document.line_of(offset)
        parts = self.chapter.parts
        if not parts:
            return self.chapter
        for part in parts:
            lines = [line_number for line_number, text in enumerate(part.document.lines) if text.strip()]
            if lines and lines[0] <= line <= lines[-1]:
                return part
        return parts[-1]

    # -- rename is renumber --------------------------------------------------------------

    def prepare_rename(self, position: Position) -> Range:
        self._renumbered_alone()
        found = self.number_at(position)
        if found is None:
            raise Refused("put the cursor on a cited number in a marker, or on an entry's number")
        return found.range

    def rename(self, position: Position, new_name: str) -> list[Change]:
        """Give the reference under the cursor the number ``new_name``: its entry moves
        to that place in the list, and every marker is renumbered to match, or refused."""
        self._renumbered_alone()
        found = self.number_at(position)
        if found is None:
            raise Refused("put the cursor on a cited number in a marker, or on an entry's number")
        part, old = found.part, found.number
        references = part.references
        if references is None:
            raise Refused("the chapter has no reference list to renumber")
        wanted = new_name.strip()
        if not wanted.isdigit() or not wanted.isascii():
            raise Refused(f"{shorten(new_name, 40)!r} is not a reference number")
        new = int(wanted)
        count = len(references.entries)
        if not 1 <= new <= count:
            raise Refused(f"the reference list has {count} entries: the number must be from 1 to {count}")
        if self.entry_of(part, old) is None:
            raise Refused(f"reference {old} is not in the reference list")
        order = [entry.number for entry in sorted(references.entries, key=lambda entry: entry.position)]
        order.remove(old)
        order.insert(new - 1, old)
        mapping = {number: position for position, number in enumerate(order, start=1)}
        return self._renumbered(part, mapping)

    def _renumbered_alone(self) -> None:
        """Refuses a rename with book numbering: it renumbers the chapter alone, and
        the other chapters' markers would then point at other sources."""
        if self.settings.numbering == "book":
            raise Refused(f"a rename renumbers this chapter alone; {BOOK_FIX_ONLY}")

    def _renumbered(self, part: Chapter, mapping: dict[int, int]) -> list[Change]:
        source = self.chapter.document.source
        try:
            plan = _GivenPlan(part, mapping)
            edits = plan.edits(source)
        except Refusal as refusal:
            raise Refused(str(refusal)) from None
        for marker in part.markers:
            if not marker.well_formed and any(mapping.get(number, number) != number for number in marker.numbers):
                line = self.document.line_of(marker.start) + 1
                raise Refused(f"{marker.shown} on line {line} is malformed and would need a new number; fix it first")
        if not edits:
            return []
        after = Chapter.parse(apply_edits(source, edits), self.settings, self.chapter.document.plain_text)
        problem = verify(self.chapter, after, self.selection, renumbered=False)
        if problem is not None:
            raise Refused(f"the renumbering did not verify ({problem})")
        return [Change(Range(self.index.position(edit.start), self.index.position(edit.end)), edit.text) for edit in edits]


class _GivenPlan(_Plan):
    """The renumbering plan of ``citelint fix`` with a mapping given (a rename)
    rather than the order of first citation. Near-misses are left as written."""

    def __init__(self, chapter: Chapter, mapping: dict[int, int]) -> None:
        self._given = mapping
        leave = {marker.start for marker in chapter.markers if not marker.well_formed}
        super().__init__(chapter, keep_numbering=False, leave=leave)

    def _mapping(self) -> dict[int, int]:
        return dict(self._given)


def _in_a_link(doi: str, urls: tuple[str, ...]) -> bool:
    """Whether one of the entry's URLs shows the DOI already: written in it, or a
    doi.org URL of it, percent-encoded or in another case (``normalise_url``
    reads such a URL as ``doi:`` and its DOI decoded, as CIT007 compares them)."""
    return any(doi in url for url in urls) or "doi:" + doi.casefold() in {normalise_url(url) for url in urls}


def number_in(index: Optional[BookIndex], entry: Entry) -> int:
    """A chapter's entry's number: with the book's ``index`` (of its chapter), its
    number in the book; else its own."""
    return index.own.get((entry.first_line, entry.start), entry.number) if index is not None else entry.number


def _markers(count: int) -> str:
    return f"{count} marker{'' if count == 1 else 's'}"


def _where(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.message)


def _completion_opening(settings: Settings) -> str:
    """What opens a marker in the chapter's style, as completion looks back for it:
    ``[CITATION ``, an IEEE bracket ``[`` (not a link's, an image's or a footnote's),
    or a superscript's ``<sup>`` or pandoc ``^``."""
    if settings.marker_style == "brackets":
        return r"(?<![\w\]!\\])\["
    if settings.marker_style == "superscript":
        return r"(?:<sup>|(?<![\^\\])\^)"
    return r"\[[ \t]*" + re.escape(settings.marker) + r"[ \t]+"


def _title(text: str) -> str:
    """An entry's title: its first quoted part, else its beginning."""
    quoted = _QUOTED_TITLE.search(text)
    return shorten(quoted.group(1) if quoted else text, MAX_COMPLETION_TITLE)


def _markdown_escaped(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)
