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
if TYPE_CHECKING:
    from citelint.book_order import BookOrder

CIT001, CIT002, CIT003, CIT004, CIT009, CIT011, CIT016) are not judged per file in
this mode (``lint.lint_chapter`` leaves them out) but here, after every file's own
lint, each finding at its own file and position, through that file's selection
(select, ignore, per-file-ignores, severity, suppression comments).

Nothing here is imported unless the configuration sets book numbering.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, NamedTuple, Optional, Sequence

from citelint.catalog import rule
from citelint.chapter import YEAR_LIKE_LABEL, Chapter
from citelint.config import Settings, project_names
from citelint.diagnostics import Diagnostic, FileError, Rule, Severity, shorten
from citelint.files import STDIN, collect, display_path, read_source, reads_as_plain_text
from citelint.markers import Marker, format_numbers, written_marker
from citelint.references import Entry
from citelint.selection import Selection

CIT001, CIT002, CIT003, CIT004, CIT009, CIT011, CIT016 = (rule(code) for code in ("CIT001", "CIT002", "CIT003", "CIT004", "CIT009", "CIT011", "CIT016"))
RENUMBERING = ("CIT003", "CIT004", "CIT011")  # what one renumbering of the book fixes


# -- the book's files --------------------------------------------------------------


class BookFiles(NamedTuple):
    """The files of the book in order, where the order comes from, and what to say."""

    files: tuple[str, ...]
    source: str  # "mdBook SUMMARY.md", "the configuration's chapters", "file names"
    notes: tuple[FileError, ...]
    errors: tuple[FileError, ...]


def book_files(paths: Iterable[str], settings: Settings) -> BookFiles:
    """The book's files, whatever subset of it ``paths`` names (a pre-commit hook's
    staged files, one chapter): book numbering is judged over the whole book. The
    book is found from the configured ``chapters``, else the book tool found from
    the configured ``paths`` (else the paths given, else the current folder), else
    the file names there; the configured ``bibliography`` comes last when no
    chapter is that file. A note says so when the paths given are not the book."""
    from citelint.book_order import BookError

    given = tuple(path for path in paths if path != STDIN)
    try:
        order = _order(given, settings)
    except BookError as error:
        return BookFiles((), "", (), (FileError("book", str(error)),))
    files = list(order.chapters)
    errors = list(order.problems)
    if settings.bibliography:
        if not os.path.isfile(settings.bibliography):
            errors.append(FileError(display_path(settings.bibliography), "the configured bibliography does not exist"))
        elif _real(settings.bibliography) not in {_real(path) for path in files}:
            files.append(display_path(settings.bibliography))
    notes = []
    if given and given not in ((".",), settings.paths):  # paths named on the command line (or by pre-commit)
        where = order.source + (f" ({order.listed_in})" if order.listed_in else "")
        named, _ = collect(given, settings.exclude, root=settings.root, suffixes=settings.suffixes)
        chapters = {_real(path) for path in files}
        if not chapters <= {_real(path) for path in named}:
            notes.append(FileError("book", f'numbering = "book": checking the whole book ({len(files)} files, in order from {where}), not only the paths given'))
        extra = [display_path(path) for path in named if _real(path) not in chapters]
        if extra:
            shown_extra = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
            notes.append(FileError("book", f'numbering = "book": {shown_extra} {"is" if len(extra) == 1 else "are"} not in the book (order from {where}) and not checked'))
    return BookFiles(tuple(files), order.source, tuple(notes), tuple(errors))


def _order(given: tuple[str, ...], settings: Settings) -> "BookOrder":
    """The configured chapters, else the first book tool found from the configured
    paths, the paths given or the configuration's folder, else the file names."""
    from citelint.book_order import book_order

    starts = [start for start in (settings.paths, given, (display_path(settings.root),) if settings.source else (), (".",)) if start]
    for start in starts:
        order = book_order(start, settings)
        if order.tool:
            return order
    return book_order(settings.paths or given or (".",), settings)


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


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

    def __init__(self, files: Sequence[tuple[str, Chapter, Selection]]) -> None:
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

    def listed_citations(self) -> list[tuple[int, Cite]]:
        """Each cited number the book lists, with its marker, in book order."""
        return [(number, cite) for cite in self.cites for number in cite.marker.numbers if number in self.by_number]

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
        return None

    def advice(self) -> str:
        blocker = self.blocker()
        return "run `citelint fix`" if blocker is None else f"`citelint fix` cannot renumber: {blocker[1]}: {blocker[0]}"


def _chapter_blocker(chapter: Chapter, book_entries: int) -> Optional[str]:
    """What stops a renumbering in the chapter itself, as ``Chapter.renumbering_blocker``
    says it (two entries with one label, an ambiguous list, a near-miss that cannot
    be read), except what book numbering decides across the chapters: a cited
    number is looked for in every list, and a label is a year wrapped onto its own
    line only when it is past twice the book's entries (chapter 30 lists 1000-1040)."""
    references = chapter.references
    if references is not None:
        labelled = [entry for entry in references.entries if entry.label is not None and entry.label >= YEAR_LIKE_LABEL]
        if any(entry.label is not None and entry.label <= 2 * book_entries for entry in labelled):
            references = references._replace(entries=tuple(e for e in references.entries if e.label is None or e.label < YEAR_LIKE_LABEL or e.label > 2 * book_entries))
    return chapter._replace(cited=(), references=references).renumbering_blocker()


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
    from citelint.rules import cit009

    return [(place, found) for place in book.chapters if place.chapter.references is not None for found in cit009.check(place.chapter)]


def _undefined(book: Book) -> list[tuple[BookChapter, Diagnostic]]:
    count = len(book.entries)
    found = []
    for cite in book.cites:
        missing = sorted({number for number in cite.marker.numbers if number not in book.by_number})
        if not missing:
            continue
        if len(missing) == 1:
            what = f"reference {missing[0]}, but no reference list of the book has entry {missing[0]}"
        else:
            what = f"references {shorten(format_numbers(missing))}, but no reference list of the book has such entries"
        message = f"{cite.marker.shown} cites {what} (the book has {count}); add the reference or correct the number"
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


def book_findings(files: Sequence[tuple[str, Chapter, Selection]]) -> list[Diagnostic]:
    """The book-wide findings of the parsed book (``files`` in book order: each file
    as reports show it, its chapter and its selection)."""
    book = Book(files)
    return reported(book, raw_findings(book))


# -- the driver's calls ------------------------------------------------------------


def parsed(path: str, shown: str, text: str, settings: Settings) -> tuple[str, Chapter, Selection]:
    chapter = Chapter.parse(text, settings, reads_as_plain_text(path))
    return shown, chapter, Selection.of(chapter, shown, project_names(settings, path))


def findings_of_files(files: Sequence[tuple[str, str]], settings: Settings) -> list[Diagnostic]:
    """The book-wide findings of the files of a check (``(path, shown)`` in book
    order), each read and parsed again: the per-file result cache keeps each
    file's own findings, and the driver keeps these with the findings between
    files (an unchanged book reads nothing). A file that cannot be read now was
    reported by the per-file lint and is left out."""
    read = []
    for path, shown in files:
        source = read_source(path)
        if isinstance(source, FileError):
            continue
        try:
            read.append(parsed(path, shown, source.text, settings))
        except Exception:  # noqa: BLE001 - the per-file lint has reported why (nested too deeply, an internal error)
            continue
    return book_findings(read)


def lint_book_text(text: str, settings: Optional[Settings] = None, path: str = "") -> list[Diagnostic]:
    """Lint one file that is a whole book (a book compiled into one file) with book
    numbering: its own findings and the book-wide ones, sorted."""
    from citelint.lint import lint_chapter

    settings = (settings or Settings())._replace(numbering="book")
    shown, chapter, selection = parsed(path, path, text, settings)
    found = lint_chapter(chapter, path, selection=selection) + book_findings([(shown, chapter, selection)])
    return sorted(found, key=Diagnostic.sort_key)
