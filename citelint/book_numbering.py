"""Book-wide numbering (``numbering = "book"``): one numbering across the chapters.

The book's files and their order come from ``book_order`` (the configuration's
``chapters``, the book tool, else file names), with the configured
``bibliography`` file (the book's one reference list) after them when no
chapter is that file. Each file's chapters (the parts of a book compiled into
one file, else the file) are the book's chapters, in order. The book's entries
are every reference list's entries in book order; an entry's number is its
explicit label, else its place among the book's entries (chapter 1 lists 1–12,
chapter 2 lists 13–20, or one list at the back of the book).

The rules whose answer depends on the numbering (``catalog.BOOK_NUMBERING_CODES``:
CIT001, CIT002, CIT003, CIT004, CIT009, CIT011, CIT016) are not judged per file in
this mode (``lint.lint_chapter`` leaves them out) but here, after every file's own
lint, each finding at its own file and position, through that file's selection
(select, ignore, per-file-ignores, severity, suppression comments). They read
each file through its summary (``summary_of``: made by the per-file lint from
its own parse, kept by the result cache), so no chapter is parsed twice.

Nothing here is imported unless the configuration sets book numbering.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Callable, Iterable, NamedTuple, Optional, Sequence

from citelint.catalog import rule
from citelint.chapter import YEAR_LIKE_LABEL, Chapter
from citelint.config import Settings, project_names
from citelint.diagnostics import Diagnostic, FileError, Rule, Severity
from citelint.files import is_excluded, read_source, reads_as_plain_text
from citelint.markers import Marker, written_marker
from citelint.references import BULLET, DEFINITION, LINE, ORDERED, BRACKETED, TABLE_ROW, Entry, entry_container
from citelint.selection import Selection
from citelint.book_order import BookFiles, book_files  # noqa: F401 - re-exported: fix_book, book_overview
from citelint.suppress import Directive, suppressions_of

CIT001, CIT002, CIT003, CIT004, CIT009, CIT011, CIT016 = (rule(code) for code in ("CIT001", "CIT002", "CIT003", "CIT004", "CIT009", "CIT011", "CIT016"))
RENUMBERING = ("CIT003", "CIT004", "CIT011")  # what one renumbering of the book fixes


# -- the book as the rules see it --------------------------------------------------


class BookChapter(NamedTuple):
    """One chapter of the book: a file, or a chapter of a book compiled into one file."""

    path: str  # the file, as reports show it
    chapter: Chapter
    selection: Selection
    file: int  # the index of its file in the book


class Listed(NamedTuple):
    """One entry of the book's reference list(s)."""

    place: BookChapter
    entry: Entry
    position: int  # 1-based place among all the book's entries

    @property
    def number(self) -> int:
        return self.entry.label if self.entry.label is not None else self.position

    @property
    def line(self) -> int:
        return self.entry.first_line + 1


class Cite(NamedTuple):
    """A marker that cites, outside any reference list, in book order."""

    place: BookChapter
    marker: Marker

    @property
    def line(self) -> int:
        return self.place.chapter.document.line_of(self.marker.start) + 1


class Book:
    """The chapters of the book, its entries and its citations, in book order."""

    def __init__(self, files: Sequence[tuple[str, "Chapter | FileSummary", Selection]], parsed_again: Optional[Callable[[int], Optional[Chapter]]] = None) -> None:
        self.parsed_again = parsed_again  # a file of the book parsed (by its index), where a summary cannot answer
        self.chapters = [BookChapter(path, part, selection, index) for index, (path, chapter, selection) in enumerate(files) for part in chapter.chapters()]
        self.entries: list[Listed] = []
        for place in self.chapters:
            if place.chapter.references is not None:
                for entry in place.chapter.references.entries:
                    self.entries.append(Listed(place, entry, len(self.entries) + 1))
        self.cites = [Cite(place, marker) for place in self.chapters for marker in place.chapter.citations()]
        self.by_number: dict[int, list[Listed]] = {}
        for listed in self.entries:
            self.by_number.setdefault(listed.number, []).append(listed)
        self._blocker: Optional[tuple[str, str]] = None
        self._blocker_known = False
        self._listed_citations: Optional[list[tuple[int, Cite]]] = None

    def listed_citations(self) -> list[tuple[int, Cite]]:
        """Each cited number the book lists, with its marker, in book order (made
        once: CIT003 and CIT004 both read it)."""
        if self._listed_citations is None:
            by_number = self.by_number
            self._listed_citations = [(number, cite) for cite in self.cites for number in cite.marker.numbers if number in by_number]
        return self._listed_citations

    def duplicates(self) -> list[tuple[Listed, Listed]]:
        """Each entry whose number an earlier entry of another chapter has, with that one."""
        found = []
        for listed in self.by_number.values():
            for later in listed[1:]:
                earlier = next((other for other in listed if other.place is not later.place and other.position < later.position), None)
                if earlier is not None:
                    found.append((later, earlier))
        return found

    def blocker(self) -> Optional[tuple[str, str]]:
        """Why ``fix`` cannot renumber the book, and the file it is about; None when it can."""
        if not self._blocker_known:
            self._blocker, self._blocker_known = self._find_blocker(), True
        return self._blocker

    def _find_blocker(self) -> Optional[tuple[str, str]]:
        for place in self.chapters:
            reason = _chapter_blocker(place.chapter, len(self.entries))
            if reason is not None:
                return reason, place.path
        for listed in self.by_number.values():
            if len(listed) > 1 and listed[0].place is listed[1].place:
                return f"two entries are labelled {listed[0].number} (lines {listed[0].line} and {listed[1].line}); say which is which first", listed[0].place.path
        for later, earlier in self.duplicates():
            return (
                f"reference {later.number} (line {later.line}) has the number of reference {earlier.number} "
                f"in {earlier.place.path} (line {earlier.line}); say which is which first",
                later.place.path,
            )
        for cite in self.cites:
            missing = [number for number in cite.marker.numbers if number not in self.by_number]
            if missing:
                where = "no reference list of the book has it" if self.entries else "the book has no reference list"
                return f"reference {missing[0]} is cited on line {cite.line}, but {where}", cite.place.path
        for place in self.chapters:
            for marker in place.chapter.cross_references():
                if any(number not in self.by_number for number in marker.numbers):
                    line = place.chapter.document.line_of(marker.start) + 1
                    return f"{marker.shown} on line {line} (in the reference list) cites a number the book does not list", place.path
        return (
            self._switched_off()
            or self._near_miss_left()
            or next(filter(None, (_move_blocker(slot, listed) for slot, listed in self.moves())), None)
            or self._refused_once_renumbered()
        )

    def _refused_once_renumbered(self) -> Optional[tuple[str, str]]:
        """What fix refuses once it knows the new numbers (``renumbering.markers_left_as_written``:
        a bracket glued to a word, a marker naming a number twice, a superscript that is
        also a link): a chapter read through its summary is parsed again for it, only
        when its summary says it may refuse."""
        from citelint.renumbering import Refusal, markers_left_as_written

        mapping = self.new_numbers()
        for place in self.chapters:
            if place.selection.file_disabled():
                continue  # left as it is (``_switched_off`` refused a change to it)
            chapter = self._full(place)
            if chapter is None:
                continue
            try:
                markers_left_as_written(chapter, mapping)
            except Refusal as refusal:
                return str(refusal), place.path
        return None

    def _full(self, place: BookChapter) -> Optional[Chapter]:
        """The chapter parsed, when a renumbering may be refused in it once the new numbers are known."""
        if isinstance(place.chapter, Chapter):
            return place.chapter
        if not place.chapter.refusal_possible or self.parsed_again is None:
            return None
        again = self.parsed_again(place.file)
        if again is None:
            return None
        index = [other for other in self.chapters if other.file == place.file].index(place)
        parts = again.chapters()
        return parts[index] if index < len(parts) else None

    def _near_miss_left(self) -> Optional[tuple[str, str]]:
        """A near-miss left as written (its CIT005 not selected, or suppressed) whose
        number the renumbering would change: it cannot take the new number."""
        mapping = self.new_numbers()
        for cite in self.cites:
            marker, selection = cite.marker, cite.place.selection
            if marker.well_formed or all(mapping[number] == number for number in marker.numbers):
                continue
            if "CIT005" not in selection.codes or selection.suppressed_at(cite.line - 1, "CIT005"):
                return f"the malformed marker {marker.shown} on line {cite.line} is left as written (CIT005 is not selected or is suppressed) and would need a new number", cite.place.path
        return None

    def _switched_off(self) -> Optional[tuple[str, str]]:
        """A file left alone (switched off with citelint-disable-file, or excluded) that the renumbering would change."""
        mapping = self.new_numbers()
        for place in self.chapters:
            if place.selection.file_disabled() and any(mapping[number] != number for marker in place.chapter.citations() for number in marker.numbers):
                return f"{place.selection.left_alone()}, and its markers would be renumbered", place.path
        for slot, listed in self.moves():
            changed = listed is not slot or (slot.entry.label is not None and slot.entry.label != slot.position)
            for place in (slot.place, listed.place):
                if changed and place.selection.file_disabled():
                    return f"{place.selection.left_alone()}, and its reference list would be changed", place.path
        return None

    def new_numbers(self) -> dict[int, int]:
        """Old number -> new: in order of first citation across the book, then the
        entries nobody cites in book order."""
        order: dict[int, None] = {}
        for cite in self.cites:
            for number in cite.marker.numbers:
                order.setdefault(number, None)
        for listed in self.entries:
            order.setdefault(listed.number, None)
        return {old: new for new, old in enumerate(order, start=1)}

    def moves(self) -> list[tuple[Listed, Listed]]:
        """Each slot of the book's lists (in book order), with the entry the
        renumbering puts there (the one whose new number is the slot's place)."""
        mapping = self.new_numbers()
        return list(zip(self.entries, sorted(self.entries, key=lambda listed: mapping[listed.number])))

    def advice(self) -> str:
        blocker = self.blocker()
        return "run `citelint fix`" if blocker is None else f"`citelint fix` cannot renumber: {blocker[1]}: {blocker[0]}"


# How each form of entry is named, and the forms an entry of one line is rewritten
# between when it moves to a list written otherwise (its label put in the list's form).
_FORMS = {ORDERED: "`1.` list items", BRACKETED: "`[1]` lines", DEFINITION: "`[1]:` definitions", BULLET: "bullets", TABLE_ROW: "table rows", LINE: "lines without a label"}
REWRITTEN = frozenset({ORDERED, BRACKETED, BULLET})


def rewritten(listed: Listed, slot: Listed) -> bool:
    """Whether the entry moves to another chapter's list written in another form,
    or held otherwise (quote marks, indentation: the list's, not the entry's)."""
    return listed.place is not slot.place and (listed.entry.form != slot.entry.form or container(listed) != container(slot))


def container(listed: Listed) -> str:
    """The quote marks and indentation before the entry's label (``entry_container``)."""
    entry = listed.entry
    if isinstance(entry, SummaryEntry):
        return entry.container
    return entry_container(listed.place.chapter.document.lines[entry.first_line])


def _held(text: str) -> str:
    return f"written after `{text}`" if text.strip(" \t") else ("indented" if text else "at the margin")


def _move_blocker(slot: Listed, listed: Listed) -> Optional[tuple[str, str]]:
    """Why ``listed`` cannot move to ``slot``'s place (another chapter's list), and
    the file it is about; None when it can."""
    if listed.place is slot.place:
        return None
    moving = f"reference {listed.number} ({listed.place.path}, line {listed.line}) would move to the list at line {slot.line}"
    if (listed.entry.label is None) != (slot.entry.label is None):
        return f"{moving}, and one of the two lists numbers its entries while the other does not; number both lists alike first", slot.place.path
    if not rewritten(listed, slot):
        return None
    form, into = listed.entry.form, slot.entry.form
    if form != into and (form not in REWRITTEN or into not in REWRITTEN):
        why = "citelint writes a moved entry in another list's form only between `1.` list items, `[1]` lines and bullets"
    elif form == into and form not in REWRITTEN | {LINE}:
        why = "citelint writes a moved entry in another list's quote marks or indentation only for `1.` list items, `[1]` lines, bullets and lines"
    elif listed.entry.last_line != listed.entry.first_line:
        why = f"it is written on {listed.entry.last_line - listed.entry.first_line + 1} lines, and citelint writes a moved entry in another list's form only when it is on one line"
    else:
        return None
    if form != into:
        return f"{moving}, whose entries are {_FORMS[into]}, not {_FORMS[form]}: {why}; write both lists alike first", slot.place.path
    return f"{moving}, whose entries are {_held(container(slot))}, not {_held(container(listed))}: {why}; write both lists alike first", slot.place.path


def _chapter_blocker(chapter: "Chapter | ChapterSummary", book_entries: int) -> Optional[str]:
    """What stops a renumbering in the chapter itself, as ``Chapter.renumbering_blocker``
    says it (two entries with one label, an ambiguous list, a near-miss that cannot
    be read), except what book numbering decides across the chapters: a cited
    number is looked for in every list, and a label is a year wrapped onto its own
    line only when it is past twice the book's entries (chapter 30 lists 1000-1040)."""
    if isinstance(chapter, ChapterSummary):
        return chapter.blocker_in(book_entries)
    references = chapter.references
    if references is not None:
        labelled = [entry for entry in references.entries if entry.label is not None and entry.label >= YEAR_LIKE_LABEL]
        if any(entry.label is not None and entry.label <= 2 * book_entries for entry in labelled):
            references = references._replace(entries=tuple(e for e in references.entries if e.label is None or e.label < YEAR_LIKE_LABEL or e.label > 2 * book_entries))
    return chapter._replace(references=references).renumbering_blocker(numbers_of_the_book=True)


def _finding(place: BookChapter, rule_: Rule, start: int, end: int, message: str) -> Diagnostic:
    return place.chapter.finding(rule_, start, end, message)


def _entry_finding(listed: Listed, rule_: Rule, message: str) -> Diagnostic:
    start, end = listed.place.chapter.line_span(listed.entry.first_line, listed.entry.start)
    return _finding(listed.place, rule_, start, end, message)


# -- the rules, across the book ----------------------------------------------------


def raw_findings(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    """Every book-wide finding with its chapter, before selection and suppression."""
    if not book.entries:
        return _no_list(book)
    found = _ambiguous_lists(book) + _undefined(book) + _unused(book) + _out_of_order(book) + _gaps(book)
    duplicates = book.duplicates()
    duplicated = {id(later) for later, _ in duplicates}
    found += _label_mismatches(book, duplicated) + _duplicate_labels(book, duplicates)
    return found


def _no_list(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    """CIT009: the book cites, and no chapter (nor the bibliography) has a list."""
    if not book.cites:
        return []
    first = book.cites[0]
    others = len(book.cites) - 1
    message = (
        f"{first.marker.shown} and {others} other marker{'s' if others != 1 else ''} of the book cite references, "
        if others else f"{first.marker.shown} cites a reference, "
    ) + 'but no chapter of the book has a reference list; add one, or name the book\'s list with `bibliography = "…"`'
    return [(first.place, _finding(first.place, CIT009, first.marker.start, first.marker.end, message))]


def _ambiguous_lists(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    """CIT009's warning of a chapter whose markers may point to either of two lists:
    a chapter's own decision, reported here as CIT009 is judged here in book mode."""
    return [(place, found) for place in book.chapters if place.chapter.references is not None for found in _ambiguous(place.chapter)]


def _ambiguous(chapter: "Chapter | ChapterSummary") -> Sequence[Diagnostic]:
    if isinstance(chapter, ChapterSummary):
        return chapter.ambiguous
    from citelint.rules import cit009

    return list(cit009.check(chapter))


def _undefined(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    from citelint.rules.cit001 import undefined_message

    found = []
    by_number = book.by_number
    for cite in book.cites:
        if all(number in by_number for number in cite.marker.numbers):
            continue  # the common case, decided without making a message
        message = undefined_message(cite.marker.shown, cite.marker.numbers, by_number, len(book.entries), book=True)
        if message:
            found.append((cite.place, _finding(cite.place, CIT001, cite.marker.start, cite.marker.end, message)))
    return found


def _unused(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    cited = {number for cite in book.cites for number in cite.marker.numbers}
    found = []
    if not cited:
        first = book.entries[0]
        count = len(book.entries)
        start, end = first.place.chapter.line_span(first.place.chapter.references.line)  # type: ignore[union-attr]
        message = f"the book's reference lists have {count} entr{'y' if count == 1 else 'ies'} and no chapter cites any; cite them with markers or remove them"
        return [(first.place, _finding(first.place, CIT002, start, end, message)._replace(severity=Severity.WARNING))]
    for listed in book.entries:
        if listed.number in cited:
            continue
        settings = listed.place.chapter.settings
        marker = written_marker(listed.number, settings.marker, settings.marker_style)
        message = f"reference {listed.number} is never cited in the book; cite it with {marker} or remove it"
        found.append((listed.place, _entry_finding(listed, CIT002, message)))
    return found


def _out_of_order(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    """CIT003: a number first cited before a smaller one's first citation, anywhere in the book."""
    seen: set[int] = set()
    firsts: list[tuple[int, Cite]] = []
    for number, cite in book.listed_citations():
        if number not in seen:
            seen.add(number)
            firsts.append((number, cite))
    found = []
    smallest_later: Optional[tuple[int, Cite]] = None
    for number, cite in reversed(firsts):
        if smallest_later is not None and smallest_later[0] < number:
            other_number, other = smallest_later
            where = f"on line {other.line}" if other.place.path == cite.place.path else f"in {other.place.path} (line {other.line})"
            message = (
                f"reference {number} is first cited before reference {other_number} (first cited {where}); "
                f"number references in order of first citation across the book ({book.advice()})"
            )
            found.append((cite.place, _finding(cite.place, CIT003, cite.marker.start, cite.marker.end, message)))
        if smallest_later is None or number < smallest_later[0]:
            smallest_later = (number, cite)
    return found[::-1]


def _gaps(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    """CIT004: numbers below the book's highest cited one that nothing cites or lists."""
    from citelint.rules.cit004 import first_citers, gaps

    citations = book.listed_citations()
    cited = {number for number, _ in citations}
    if not cited:
        return []
    present = set(book.by_number) | {number for cite in book.cites for number in cite.marker.numbers}
    citer_past = first_citers(citations)
    found = []
    for first, last in gaps(present, max(cited)):
        cite = citer_past(last)
        missing = f"reference {first} is" if first == last else f"references {first}-{last} are"
        if first == 1:
            message = f"the book's numbering starts at {last + 1}: {missing} neither cited nor listed in any chapter; renumber from 1 ({book.advice()})"
        else:
            message = f"the book's numbering skips from {first - 1} to {last + 1}: {missing} neither cited nor listed in any chapter; renumber ({book.advice()})"
        found.append((cite.place, _finding(cite.place, CIT004, cite.marker.start, cite.marker.end, message)))
    return found


def _label_mismatches(book: Book, duplicated: set[int]) -> list[tuple[BookChapter, Diagnostic]]:
    """CIT011: an explicit label that is not the entry's place among the book's entries."""
    if not book.cites:
        return []  # a book that cites nothing is CIT002's one finding
    found = []
    for listed in book.entries:
        entry = listed.entry
        if entry.label is None or entry.label_span is None or entry.label == listed.position or id(listed) in duplicated:
            continue
        message = (
            f"reference labelled {entry.label} is entry {listed.position} of the book's reference lists "
            f"(numbers run on across the chapters); label it {listed.position} ({book.advice()})"
        )
        found.append((listed.place, _finding(listed.place, CIT011, entry.start, entry.label_span.end, message)))
    return found


def _duplicate_labels(book: Book, duplicates: list[tuple[Listed, Listed]]) -> list[tuple[BookChapter, Diagnostic]]:
    found = []
    for later, earlier in duplicates:
        where = f"in {earlier.place.path}" if earlier.place.path != later.place.path else "in this file"
        message = (
            f"reference {later.number} is also listed {where} (line {earlier.line}), and a number names one reference "
            f"in the whole book; label this entry {later.position} to continue the book's numbering, and renumber its markers"
        )
        found.append((later.place, _entry_finding(later, CIT016, message)))
    return found


def reported(book: Book, found: Iterable[tuple[BookChapter, Diagnostic]]) -> list[Diagnostic]:
    """The findings each file reports: its selection, severities and suppression comments."""
    return [place.selection.reported(d, place.path) for place, d in found if place.selection.wanted(d)]


def book_findings(files: Sequence[tuple[str, "Chapter | FileSummary", Selection]], parsed_again: Optional[Callable[[int], Optional[Chapter]]] = None) -> list[Diagnostic]:
    """The book-wide findings of the parsed book (``files`` in book order: each file
    as reports show it, its chapter and its selection; ``parsed_again``: a file of
    it parsed, by its index, where its summary cannot answer)."""
    book = Book(files, parsed_again)
    return reported(book, raw_findings(book))


# -- what the book-wide rules read of a file, kept by the result cache ----------------


class SummaryMark(NamedTuple):
    """A marker that cites, as the book-wide rules read it."""

    start: int
    end: int
    numbers: tuple[int, ...]
    shown: str
    well_formed: bool = True  # False: a near-miss (CIT005) read with certainty


class SummarySpan(NamedTuple):
    end: int


class SummaryEntry(NamedTuple):
    """A reference entry, as the book-wide rules read it."""

    label: Optional[int]
    first_line: int  # 0-based
    start: int
    label_span: Optional[SummarySpan]
    last_line: int = 0  # 0-based
    form: str = LINE  # ``references.Entry.form``
    container: str = ""  # ``references.entry_container`` of its first line


class SummaryList(NamedTuple):
    line: int  # 0-based line of the list's heading (or first line)
    entries: tuple[SummaryEntry, ...]


class SummaryDocument(NamedTuple):
    """The positions of the offsets the book-wide rules report at (``Document``'s
    ``position`` and ``line_of`` for those offsets only): the offsets in order, and
    each one's 1-based line and column. Arrays, not a dict of tuples: a 200-chapter
    book has ~60,000 of them, pickled from the forked processes and held to the end."""

    offsets: "array[int]"
    lines: "array[int]"
    columns: "array[int]"

    @classmethod
    def of(cls, positions: Iterable[tuple[int, int, int]]) -> "SummaryDocument":
        """From ``(offset, line, column)`` in any order; the last of an offset's wins."""
        ordered = sorted(dict((offset, (line, column)) for offset, line, column in positions).items())
        return cls(array("q", [offset for offset, _ in ordered]), array("q", [place[0] for _, place in ordered]), array("q", [place[1] for _, place in ordered]))

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_left(self.offsets, offset)
        if index == len(self.offsets) or self.offsets[index] != offset:
            raise KeyError(offset)
        return self.lines[index], self.columns[index]

    def line_of(self, offset: int) -> int:
        return self.position(offset)[0] - 1

    def items(self) -> Iterable[tuple[int, int, int]]:
        return zip(self.offsets, self.lines, self.columns)


class ChapterSummary(NamedTuple):
    """One chapter as the book-wide rules read it: its citing markers, its entries,
    where they are, what stops its renumbering and CIT009's two-lists warning. Made
    by the per-file lint from the parse it has (``summary_of``), so the book is
    judged without parsing a chapter again; ``Book`` reads it as it reads a ``Chapter``."""

    document: SummaryDocument
    references: Optional[SummaryList]
    cited: tuple[SummaryMark, ...]
    spans: dict[tuple[int, Optional[int]], tuple[int, int]]  # line_span's answers
    blocker: Optional[str]  # ``_chapter_blocker`` in a book of fewer entries than half its smallest year-like label
    ambiguous: tuple[Diagnostic, ...]
    settings: Settings
    year_labels: Optional[tuple[int, int]] = None  # the smallest and largest label of 1000 or more, if any
    blocker_past_years: Optional[str] = None  # ``_chapter_blocker`` in a book of at least half the largest
    cross: tuple[SummaryMark, ...] = ()  # markers that cite inside the reference list (``cross_references``)
    refusal_possible: bool = False  # ``Chapter.refusal_possible_once_renumbered``: ``Book`` parses it again to know

    def __reduce__(self) -> tuple[Callable[..., "ChapterSummary"], tuple[object, ...]]:
        """Pickled (from a forked process to its parent) with its marks and entries as
        plain tuples, which pickle writes ~10x faster than NamedTuples (a 200-chapter
        book has ~22,000 marks)."""
        references = None if self.references is None else (self.references.line, tuple((e.label, e.first_line, e.start, None if e.label_span is None else e.label_span.end, e.last_line, e.form, e.container) for e in self.references.entries))
        return _unpickled_summary, (self.document, references, tuple(map(tuple, self.cited)), *self[3:])

    def decided(self, book_entries: int) -> bool:
        """Whether ``blocker_in`` knows the answer for a book of ``book_entries``:
        not when only some of its year-like labels are past twice the book's entries."""
        return self.year_labels is None or not (self.year_labels[0] <= 2 * book_entries < self.year_labels[1])

    def blocker_in(self, book_entries: int) -> Optional[str]:
        assert self.decided(book_entries)
        if self.year_labels is None or 2 * book_entries < self.year_labels[0]:
            return self.blocker
        return self.blocker_past_years

    def chapters(self) -> tuple["ChapterSummary", ...]:
        return (self,)

    def citations(self) -> list[SummaryMark]:
        return list(self.cited)

    def cross_references(self) -> list[SummaryMark]:
        return list(self.cross)

    def line_span(self, line: int, start: Optional[int] = None) -> tuple[int, int]:
        return self.spans[(line, start)]

    def finding(self, rule_: Rule, start: int, end: int, message: str) -> Diagnostic:
        line, column = self.document.position(start)
        end_line, end_column = self.document.position(max(start, end))
        return Diagnostic(rule_.code, rule_.name, rule_.severity, line, column, end_line, end_column, message)


def _unpickled_summary(document: SummaryDocument, references: Optional[tuple[int, tuple[tuple[Optional[int], int, int, Optional[int], int, str, str], ...]]], cited: tuple[tuple[int, int, tuple[int, ...], str], ...], *rest: object) -> ChapterSummary:
    """A ``ChapterSummary`` from what its ``__reduce__`` gave pickle."""
    listed = None
    if references is not None:
        listed = SummaryList(references[0], tuple(SummaryEntry(label, first, start, None if end is None else SummarySpan(end), last, form, held) for label, first, start, end, last, form, held in references[1]))
    return ChapterSummary(document, listed, tuple(SummaryMark(*mark) for mark in cited), *rest)  # type: ignore[arg-type]


class FileSummary(NamedTuple):
    """A file's chapters (one, or those of a book compiled into one file) and its
    suppression comments, as the book-wide rules read them."""

    parts: tuple[ChapterSummary, ...]
    directives: tuple[Directive, ...]

    def chapters(self) -> tuple[ChapterSummary, ...]:
        return self.parts


def summary_of(chapter: Chapter) -> FileSummary:
    """What the book-wide rules read of a parsed file."""
    return FileSummary(tuple(_part_summary(part) for part in chapter.chapters()), chapter.directives)


def _part_summary(part: Chapter) -> ChapterSummary:
    document = part.document
    offsets: set[int] = set()
    spans: dict[tuple[int, Optional[int]], tuple[int, int]] = {}
    cited = tuple(SummaryMark(m.start, m.end, m.numbers, m.shown, m.well_formed) for m in part.cited)
    cross = tuple(SummaryMark(m.start, m.end, m.numbers, m.shown, m.well_formed) for m in part.cross_references())
    for mark in (*cited, *cross):
        offsets.update((mark.start, mark.end))
    listed = None
    if part.references is not None:
        entries = []
        for entry in part.references.entries:
            span = part.line_span(entry.first_line, entry.start)
            spans[(entry.first_line, entry.start)] = span
            label_span = SummarySpan(entry.label_span.end) if entry.label_span is not None else None
            offsets.update((*span, *((label_span.end,) if label_span else ())))
            entries.append(SummaryEntry(entry.label, entry.first_line, entry.start, label_span, entry.last_line, entry.form, entry_container(document.lines[entry.first_line])))
        heading = part.line_span(part.references.line)
        spans[(part.references.line, None)] = heading
        offsets.update(heading)
        listed = SummaryList(part.references.line, tuple(entries))
    ambiguous: tuple[Diagnostic, ...] = ()
    if part.references is not None:
        from citelint.rules import cit009

        ambiguous = tuple(cit009.check(part))
    # The blocker depends on the book's size only through labels of 1000 or more
    # (a year wrapped onto its own line, or a number of a large book): kept for a
    # book too small for any to be a number, and for one large enough for all.
    labels = [entry.label for entry in part.references.entries if entry.label is not None and entry.label >= YEAR_LIKE_LABEL] if part.references else []
    years = (min(labels), max(labels)) if labels else None
    past = _chapter_blocker(part, max(labels)) if labels else None
    positions = SummaryDocument.of((offset, *document.position(offset)) for offset in offsets)
    return ChapterSummary(positions, listed, cited, spans, _chapter_blocker(part, 0), ambiguous, part.settings, years, past, cross, part.refusal_possible_once_renumbered())


def encode_summary(summary: Optional[FileSummary]) -> Optional[str]:
    """A file's summary as the result cache keeps it: JSON text in one string, so
    that reading the cache's index does not parse every file's summary (an
    unchanged book reads none of them; as nested values they made the index of a
    200-chapter book take ~10 times as long to read)."""
    if summary is None:
        return None
    import json

    return json.dumps([[list(d) for d in summary.directives], [_encode_part(part) for part in summary.parts]], ensure_ascii=False, separators=(",", ":"))


def _encode_part(part: ChapterSummary) -> list[object]:
    references = None if part.references is None else [part.references.line, [[e.label, e.first_line, e.start, None if e.label_span is None else e.label_span.end, e.last_line, e.form, e.container] for e in part.references.entries]]
    return [
        [[m.start, m.end, list(m.numbers), m.shown, m.well_formed] for m in part.cited],
        references,
        [list(position) for position in part.document.items()],
        [[line, start, begin, end] for (line, start), (begin, end) in part.spans.items()],
        part.blocker,
        [[d.code, d.name, d.severity.value, d.line, d.column, d.end_line, d.end_column, d.message] for d in part.ambiguous],
        None if part.year_labels is None else list(part.year_labels),
        part.blocker_past_years,
        [[m.start, m.end, list(m.numbers), m.shown, m.well_formed] for m in part.cross],
        part.refusal_possible,
    ]


def decode_summary(stored: object, settings: Settings) -> Optional[FileSummary]:
    """A file's summary from the result cache; None when it is not what ``encode_summary`` makes."""
    import json

    if not isinstance(stored, str):
        return None
    try:
        directives, parts = _items(json.loads(stored), 2)
        return FileSummary(
            tuple(_decode_part(part, settings) for part in _items(parts)),
            tuple(Directive(_str(kind), tuple(_str(code) for code in _items(codes)), *(_int(v) for v in rest)) for kind, codes, *rest in (_items(d, 6) for d in _items(directives))),
        )
    except (TypeError, ValueError, OverflowError, RecursionError):  # OverflowError: past an array's 64 bits
        return None


def _decode_part(stored: object, settings: Settings) -> ChapterSummary:
    cited, references, positions, spans, blocker, ambiguous, years, past, cross, refusal_possible = _items(stored, 10)
    marks, cross_marks = (
        tuple(
            SummaryMark(_int(start), _int(end), tuple(_int(n) for n in _items(numbers)), _str(shown), _bool(well_formed))
            for start, end, numbers, shown, well_formed in (_items(m, 5) for m in _items(stored_marks))
        )
        for stored_marks in (cited, cross)
    )
    listed = None
    if references is not None:
        line, entries = _items(references, 2)
        listed = SummaryList(
            _int(line),
            tuple(
                SummaryEntry(_optional_int(label), _int(first), _int(start), None if end is None else SummarySpan(_int(end)), _int(last), _str(form), _str(held))
                for label, first, start, end, last, form, held in (_items(e, 7) for e in _items(entries))
            ),
        )
    return ChapterSummary(
        SummaryDocument.of((_int(offset), _int(line), _int(column)) for offset, line, column in (_items(p, 3) for p in _items(positions))),
        listed,
        marks,
        {(_int(line), _optional_int(start)): (_int(begin), _int(end)) for line, start, begin, end in (_items(s, 4) for s in _items(spans))},
        None if blocker is None else _str(blocker),
        tuple(
            Diagnostic(_str(code), _str(name), Severity(severity), _int(a), _int(b), _int(c), _int(d), _str(message))
            for code, name, severity, a, b, c, d, message in (_items(item, 8) for item in _items(ambiguous))
        ),
        settings,
        None if years is None else (_int(_items(years, 2)[0]), _int(years[1])),
        None if past is None else _str(past),
        cross_marks,
        _bool(refusal_possible),
    )


def _items(value: object, count: Optional[int] = None) -> list:  # type: ignore[type-arg]
    if not isinstance(value, list) or (count is not None and len(value) != count):
        raise ValueError("not a summary")
    return value


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError("not a summary")
    return value


def _optional_int(value: object) -> Optional[int]:
    return None if value is None else _int(value)


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a summary")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a summary")
    return value


# -- the driver's calls ------------------------------------------------------------


def parsed(path: str, shown: str, text: str, settings: Settings) -> tuple[str, Chapter, Selection]:
    """The file parsed, with its selection; a chapter that ``exclude`` names counts
    in the book's numbering and is left alone (``Selection.of_excluded``)."""
    chapter = Chapter.parse(text, settings, reads_as_plain_text(path))
    return shown, chapter, _excluded_or(Selection.of(chapter, shown, project_names(settings, path)), path, settings)


def _excluded_or(selection: Selection, path: str, settings: Settings) -> Selection:
    """The file's selection; of a chapter ``exclude`` names, one that reports nothing."""
    return selection.of_excluded() if path and is_excluded(path, settings.exclude, settings.root) else selection


def findings_of_files(
    files: Sequence[tuple[str, str, Optional[FileSummary]]],
    settings: Settings,
    text_of: Callable[[str], Optional[str]] = lambda path: None,
) -> list[Diagnostic]:
    """The book-wide findings of the files of a check (``(path, shown, summary)``
    in book order). Each file is read through its summary, made by its per-file
    lint or kept by the result cache; a file without one (a cache entry that is
    not what this version keeps) is read and parsed again, and so is one whose
    renumbering blocker its summary cannot tell for this book (some of its labels
    of 1000 or more past twice the book's entries, others not). The driver keeps
    these findings with the findings between files (an unchanged book reads
    nothing). A file that cannot be read now was reported by the per-file lint
    and is left out. ``text_of``: a file's text when it is not the disk's (an
    editor's open chapter), else None. A chapter that ``exclude`` names counts in
    the book's numbering and reports nothing (``Selection.of_excluded``)."""
    read: list[Optional[tuple[str, "Chapter | FileSummary", Selection]]] = []
    for path, shown, summary in files:
        read.append(_summarised(path, shown, summary, settings) if summary is not None else _parsed_again(path, shown, settings, text_of(path)))
    total = sum(_entries(item[1]) for item in read if item is not None)
    for index, (path, shown, summary) in enumerate(files):
        if summary is not None and not all(part.decided(total) for part in summary.parts):
            read[index] = _parsed_again(path, shown, settings, text_of(path))  # the same entries: the total stands
    kept = [(index, item) for index, item in enumerate(read) if item is not None]

    def parsed_again(index: int) -> Optional[Chapter]:
        path, shown, _ = files[kept[index][0]]
        again = _parsed_again(path, shown, settings, text_of(path))
        return None if again is None else again[1]

    return book_findings([item for _, item in kept], parsed_again)


def numbers_in_use(summaries: Iterable[FileSummary], settings: Settings) -> set[int]:
    """Every number a book's entries have (``Listed.number``) or its markers cite,
    the files' summaries in book order: a new reference takes a number past them
    all (the editor's completion), not one another chapter's source has."""
    book = Book([("", summary, Selection(settings, (), None)) for summary in summaries])
    cited = {number for place in book.chapters for mark in (*place.chapter.citations(), *place.chapter.cross_references()) for number in mark.numbers}
    return set(book.by_number) | cited


def _summarised(path: str, shown: str, summary: FileSummary, settings: Settings) -> tuple[str, FileSummary, Selection]:
    """A file as its summary has it, with its selection (its comments as kept)."""
    return shown, summary, _excluded_or(Selection(settings, project_names(settings, path), suppressions_of(summary.directives)), path, settings)


def _parsed_again(path: str, shown: str, settings: Settings, text: Optional[str] = None) -> Optional[tuple[str, Chapter, Selection]]:
    """The file parsed from ``text``, else from disk; None when it cannot be read or parsed."""
    if text is None:
        source = read_source(path)
        if isinstance(source, FileError):
            return None
        text = source.text
    try:
        return parsed(path, shown, text, settings)
    except Exception:  # noqa: BLE001 - the per-file lint has reported why (nested too deeply, an internal error)
        return None


def _entries(chapter: "Chapter | FileSummary") -> int:
    return sum(len(part.references.entries) for part in chapter.chapters() if part.references is not None)


def lint_book_text(text: str, settings: Optional[Settings] = None, path: str = "") -> list[Diagnostic]:
    """Lint one file that is a whole book (a book compiled into one file) with book
    numbering: its own findings and the book-wide ones, sorted."""
    from citelint.lint import lint_chapter

    settings = (settings or Settings())._replace(numbering="book")
    shown, chapter, selection = parsed(path, path, text, settings)
    found = lint_chapter(chapter, path, selection=selection) + book_findings([(shown, chapter, selection)])
    return sorted(found, key=Diagnostic.sort_key)
