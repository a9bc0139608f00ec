"""The checks across files in the editor: CIT014 (the same work listed with other
fields in an earlier chapter) and, with book numbering (``numbering = "book"``),
the book-wide rules (CIT001–CIT004, CIT009, CIT011, CIT016), judged for an open
chapter against the rest of its book as ``citelint check`` judges them; with
book numbering, the book's index (each number's entry and the markers citing it,
with where each is in the client's positions: what hover, hints, lenses, go to
definition and find references answer from); and the book's ``citelint fix`` as
one edit of every file it changes.

The files compared are those a check of the chapter's book reads
(``book_numbering.book_files``' with book numbering, else the configured
``paths`` or the chapter's folder: ``book_order.book_paths``), in the order
``check`` compares them (``check_files.files_to_check``). Each other chapter is
read as the editor has it when it is open, else from disk; what the checks read
of it (its summary for the book-wide rules, its entries for CIT014, its listing
for the index) is kept until its text, or its size, modification time or inode
on disk, changes: a keystroke parses the chapter being typed, never the others
again. The fix is
``fix_book``'s plan, with its refusals, made on the same texts; the last one is
kept until a text or a closed file's status changes (an editor asks for code
actions at every move of the cursor).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Callable, Mapping, NamedTuple, Optional

from citelint.diagnostics import Diagnostic, FileError
from citelint.server.positions import UTF16, TextIndex
from citelint.server.views import BookIndex, Change, ChapterView, FileChanges, Fixed, Listed, Location, Range

if TYPE_CHECKING:
    from citelint.chapter import Chapter
    from citelint.book_checks import BookEntry
    from citelint.book_numbering import FileSummary
    from citelint.config import Settings
    from citelint.fix_book import BookPlan
    from citelint.renumbering import TextEdit


class OpenBook:
    """The book of an open chapter, as the editor has it each time it is asked:
    ``open_texts`` gives the open chapters' texts by real path at that moment."""

    def __init__(self, book: "EditorBook", open_texts: Callable[[], dict[str, str]]) -> None:
        self.book = book
        self.open_texts = open_texts

    def findings(self, view: ChapterView) -> list[Diagnostic]:
        return self.book.findings(view, self.open_texts())

    def fix(self, view: ChapterView) -> Fixed:
        return self.book.fix(view.path, view.text, view.settings, self.open_texts(), view.index.encoding)

    def numbers_in_use(self, view: ChapterView) -> Optional[set[int]]:
        return self.book.numbers_in_use(view, self.open_texts())

    def index(self, view: ChapterView, open_texts: Mapping[str, str]) -> Optional[BookIndex]:
        return self.book.index(view, open_texts)


# A file as the book's index reads it: each entry's label, text and range, and
# each number its markers cite with the marker's range (the client's positions).
Listing = tuple[tuple[tuple[Optional[int], str, Range], ...], tuple[tuple[int, Range], ...]]


class _Read(NamedTuple):
    """What the checks across files read of one file, from one parse of one text."""

    stamp: object  # the editor's text, or the file's status on disk
    summary: Optional["FileSummary"]  # for the book-wide rules (book numbering); None: not read
    entries: tuple["BookEntry", ...]  # for CIT014
    listing: Listing = ((), ())  # for the book's index (book numbering): its entries and its markers' numbers, with where they are


class EditorBook:
    """What the checks across files read of each chapter, kept between keystrokes
    (shared by the server's worker threads)."""

    def __init__(self, encoding: str = UTF16) -> None:
        """``encoding``: the client's position encoding, in which the index gives
        where each entry and marker is in the files the editor does not have open."""
        self.encoding = encoding
        self._lock = threading.Lock()
        self._reads: dict[tuple[str, str], _Read] = {}
        self._last_fix: Optional[tuple[object, Fixed]] = None

    def findings(self, view: ChapterView, open_texts: Mapping[str, str]) -> list[Diagnostic]:
        """The findings across files at the chapter of ``view``: CIT014, and with
        book numbering the book-wide rules'; ``open_texts``: the open chapters'
        texts by real path."""
        found = self._inconsistent(view, open_texts)
        if view.settings.numbering == "book":
            found += self._book_wide(view, open_texts)
        return found

    def _book_wide(self, view: ChapterView, open_texts: Mapping[str, str]) -> list[Diagnostic]:
        """The book-wide findings at the chapter; none when the file is not a
        chapter of the book (``check`` judges it no more)."""
        from citelint.book_numbering import findings_of_files

        files = self._summaries(view, open_texts)
        if files is None:
            return []
        texts = {**open_texts, real_path(view.path): view.chapter.document.text}
        named = [(file, _shown(file, view.settings), summary) for file, summary in files]  # as `check` at the root names them
        found = findings_of_files(named, view.settings, text_of=lambda file: texts.get(real_path(file)))
        here = _shown(view.path, view.settings)
        return [finding._replace(path=view.path) for finding in found if finding.path == here]

    def numbers_in_use(self, view: ChapterView, open_texts: Mapping[str, str]) -> Optional[set[int]]:
        """With book numbering, every number the chapter's book uses (``book_numbering.
        numbers_in_use``), its open chapters as the editor has them; None when the
        file is not a chapter of the book, or one of its chapters cannot be read
        (what it uses is then not known)."""
        from citelint.book_numbering import numbers_in_use

        files = self._summaries(view, open_texts)
        if files is None or any(summary is None for _, summary in files):
            return None
        return numbers_in_use([summary for _, summary in files if summary is not None], view.settings)

    def index(self, view: ChapterView, open_texts: Mapping[str, str]) -> Optional[BookIndex]:
        """With book numbering, each number's entry wherever the book lists it and
        how many markers of the book cite it, numbered as ``book_numbering.Book``
        numbers them (a label, else the entry's place among the book's entries);
        None when the file is not a chapter of its book or a chapter cannot be
        read. Each entry and citing marker comes with where it is, in the client's
        positions: in the editor's text of an open chapter (``open_texts``), in
        the saved one of the others. The other files' listings are kept with what
        the checks read of them: a file is read again only when it changed."""
        from citelint.book_numbering import book_files

        path, settings = view.path, view.settings
        book = book_files((path,), settings)
        here = real_path(path)
        if here not in {real_path(file) for file in book.files}:
            return None
        index, count = BookIndex({}, {}, {}), 0
        for file in book.files:
            if real_path(file) == here:
                count = _add_listing(index, path, _shown(path, settings), listing_of(view.chapter, view.range), view.chapter, count)
                continue
            read = self._read(file, settings, open_texts.get(real_path(file)))
            if read is None:
                return None
            count = _add_listing(index, file, _shown(file, settings), read.listing, None, count)
        return index

    def _summaries(self, view: ChapterView, open_texts: Mapping[str, str]) -> Optional[list[tuple[str, Optional["FileSummary"]]]]:
        """Each file of the chapter's book (book numbering) in book order, with what the
        book-wide rules read of it (None: it could not be read); the chapter itself as
        the view has it. None when the file is not a chapter of its book."""
        from citelint.book_numbering import book_files, summary_of

        path, settings = view.path, view.settings
        book = book_files((path,), settings)
        here = real_path(path)
        if here not in {real_path(file) for file in book.files}:
            return None
        files: list[tuple[str, Optional["FileSummary"]]] = []
        for file in book.files:
            if real_path(file) == here:
                files.append((path, summary_of(view.chapter)))
            else:
                read = self._read(file, settings, open_texts.get(real_path(file)))
                files.append((file, read.summary if read is not None else None))
        return files

    def _inconsistent(self, view: ChapterView, open_texts: Mapping[str, str]) -> list[Diagnostic]:
        """CIT014 at the chapter: its entries compared with those of the files a
        check of its book compares, in that order (each named from the project's
        root, as ``check`` run there names it); none when it is not one of them."""
        from citelint.book_checks import book_entries, inconsistent_references, wanted_in_run
        from citelint.check_files import files_to_check

        settings = view.settings
        if not view.path or not wanted_in_run(settings) or not _in_a_project(view.path, settings):
            return []
        own = book_entries(view.chapter, view.selection)
        if not any(entry.reportable for entry in own):
            return []  # nothing CIT014 could be reported at: the other files are not read
        files, _ = files_to_check(_run_paths(view.path, settings), settings)
        here = real_path(view.path)
        compared, shown_here = [], None
        for file in files:
            shown = _shown(file, settings)
            if real_path(file) == here:
                shown_here = shown
                compared.append((shown, own))
            else:
                read = self._read(file, settings, open_texts.get(real_path(file)))
                compared.append((shown, read.entries if read is not None else ()))
        if shown_here is None or len(compared) < 2:
            return []
        return [finding._replace(path=view.path) for finding in inconsistent_references(compared, settings) if finding.path == shown_here]

    def fix(self, path: str, text: str, settings: "Settings", open_texts: Mapping[str, str], encoding: str) -> Fixed:
        """``citelint fix`` of the book of the chapter ``path`` (its text ``text``),
        the open chapters' texts as the editor has them (``open_texts``, by real
        path), the others from disk: the changes to each file it changes, in the
        editor's positions, or why it refuses. A file that is not a chapter of the
        book is not fixed, as ``citelint fix`` does not fix it."""
        from citelint.fix_book import plan_book, read_book
        from citelint.book_numbering import book_files

        book = book_files((path,), settings)
        here = real_path(path)
        if here not in {real_path(file) for file in book.files}:
            return Fixed("", refused=f'{path} is not a chapter of the book (numbering = "book", order from {book.source or "nowhere"}): `citelint fix` leaves it alone')
        if book.errors:
            return Fixed("", refused=_error_line(book.errors[0], settings) + "; the book is renumbered whole or not at all")
        texts = {**open_texts, here: text}
        files, unread = read_book(book.files, lambda file: texts.get(real_path(file)))
        if unread:
            return Fixed("", refused=_error_line(unread[0], settings) + "; the book is renumbered whole or not at all")
        files = [file._replace(shown=_shown(file.path, settings)) for file in files]  # named as `fix` at the root names them
        key = (repr(settings), encoding, tuple((file.path, file.text) for file in files))
        with self._lock:
            kept = self._last_fix
        if kept is not None and kept[0] == key:
            return kept[1]
        fixed = _as_changes(plan_book(files, settings), encoding, set(texts))
        with self._lock:
            self._last_fix = (key, fixed)
        return fixed

    def _read(self, path: str, settings: "Settings", text: Optional[str]) -> Optional[_Read]:
        """What the checks read of the file: from ``text`` (an open chapter's), else
        from disk; kept while that text, or the file's status, is the same. None
        when it cannot be read or parsed (``findings_of_files`` then reads it
        itself, and leaves it out; CIT014 compares it as a file without entries)."""
        if text is None:
            try:
                info = os.stat(path)
            except OSError:
                return None
            stamp: object = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
        else:
            stamp = text
        key = (real_path(path), repr(settings))
        with self._lock:
            kept = self._reads.get(key)
        if kept is not None and kept.stamp == stamp:
            return kept
        read = _parsed(path, settings, text, stamp, self.encoding)
        if read is not None:
            with self._lock:
                self._reads[key] = read
        return read


def _parsed(path: str, settings: "Settings", text: Optional[str], stamp: object, encoding: str) -> Optional[_Read]:
    """One parse of the file (``text``, else read from disk), and what the checks
    read of it; where its entries and markers are, in the client's ``encoding``."""
    from citelint.book_checks import book_entries
    from citelint.book_numbering import summary_of
    from citelint.chapter import Chapter
    from citelint.config import project_names
    from citelint.files import read_source, reads_as_plain_text
    from citelint.selection import Selection

    from_disk = text is None
    if text is None:
        source = read_source(path)
        if isinstance(source, FileError):
            return None
        text = source.text
    try:
        chapter = Chapter.parse(text, settings, reads_as_plain_text(path))
    except (RecursionError, MemoryError):
        return None
    summary = summary_of(chapter) if settings.numbering == "book" else None
    listing = listing_of(chapter, _ranges(chapter, text, encoding, from_disk)) if settings.numbering == "book" else ((), ())
    return _Read(stamp, summary, book_entries(chapter, Selection.of(chapter, path, project_names(settings, path))), listing)



def listing_of(chapter: "Chapter", where: Callable[[int, int], Range]) -> Listing:
    """What the book's index reads of a file: each entry's label, text and range,
    in the order ``book_numbering.Book`` numbers them (its chapters', in order),
    and each number its markers cite with the marker's range, once a marker
    (inside the list too, as a reference's own ``[CITATION 2]`` cites it).
    ``where``: the client's range of two offsets into the file's text."""
    document = chapter.document
    entries = tuple(
        (entry.label, entry.text, where(entry.start, document.line_end(entry.last_line)))
        for part in chapter.chapters()
        if part.references is not None
        for entry in part.references.entries
    )
    cited = tuple(
        (number, where(marker.start, marker.end))
        for part in chapter.chapters()
        for marker in sorted((*part.cited, *part.cross_references()), key=lambda marker: marker.start)
        for number in dict.fromkeys(marker.numbers)
    )
    return entries, cited


def _ranges(chapter: "Chapter", text: str, encoding: str, from_disk: bool) -> Callable[[int, int], Range]:
    """The client's range of two offsets into the file's parsed text, as
    ``ChapterView.range`` gives it for an open chapter; a BOM read from disk,
    which an editor does not show, is not counted."""
    document = chapter.document
    index = TextIndex(text[1:] if from_disk and text.startswith("\ufeff") else text, encoding)

    def where(start: int, end: int) -> Range:
        return Range(index.citelint_position(*document.position(start)), index.citelint_position(*document.position(max(start, end))))

    return where


def _add_listing(index: BookIndex, path: str, shown: str, listing: Listing, own: Optional["Chapter"], before: int) -> int:
    """One file's entries and citations added to the book's index, its entries
    numbered on from the ``before`` entries of the files before it; returns the
    book's count of entries with its. ``path``: the file as the book's order
    gives it (the view's own path for the chapter asked about); ``own``: the
    chapter being asked about, whose entries' book numbers are kept by where
    they start."""
    entries, cited = listing
    starts = [(entry.first_line, entry.start) for part in own.chapters() if part.references is not None for entry in part.references.entries] if own is not None else []
    for place, (label, text, where) in enumerate(entries, start=before + 1):
        number = label if label is not None else place
        index.listed.setdefault(number, Listed(number, shown, text, Location(path, where)))
        if starts:
            index.own[starts[place - before - 1]] = number
    for number, where in cited:
        index.cited.setdefault(number, []).append(Location(path, where))
    return before + len(entries)


def _shown(path: str, settings: "Settings") -> str:
    """A file named as ``check`` run at the project's root names it (the
    configuration's folder, else the repository's root: ``config.project_root``);
    a file outside it by its path."""
    from citelint.config import project_root
    from citelint.files import display_path

    try:
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(project_root(settings)))
    except ValueError:  # another drive, on Windows
        return display_path(path)
    return display_path(path) if relative == ".." or relative.startswith(".." + os.sep) else display_path(relative)


def _in_a_project(path: str, settings: "Settings") -> bool:
    """Whether the chapter belongs to a project (a configuration, or a repository)
    whose files it is compared with: a file opened from anywhere else (the home
    folder) is compared with nothing, as ``check`` of that file alone compares it,
    rather than with every file below its folder."""
    from citelint.files import repository_root

    return bool(settings.source) or repository_root(os.path.dirname(os.path.abspath(path))) is not None


def _run_paths(path: str, settings: "Settings") -> tuple[str, ...]:
    """What a check of the chapter's book is given: with book numbering the book's
    files, else the configured ``paths`` or the chapter's folder."""
    if settings.numbering == "book":
        from citelint.book_numbering import book_files

        return book_files((path,), settings).files
    from citelint.book_order import book_paths

    return book_paths((path,), settings)


def real_path(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _as_changes(plan: "BookPlan", encoding: str, open_paths: set[str]) -> Fixed:
    """The book's plan as the editor applies it: each changed file's edits in its
    positions (``open_paths``: the real paths of the texts the editor gave)."""
    if plan.errors:
        return Fixed("", refused=_error_line(plan.errors[0]))  # named by the file's shown name
    if plan.refused is not None:
        return Fixed("", refused=f"{plan.refused.path}: {plan.refused.refused}")
    from citelint.fix_book import Counts

    files, total = [], Counts()
    for file, edits, text, count in zip(plan.files, plan.edits, plan.texts, plan.counts):
        if text != file.text:
            files.append(FileChanges(file.path, file.text, _changes(file.text, edits, encoding, real_path(file.path) not in open_paths)))
            total = total.plus(count)
    summary = f"{total.summary()} in {len(files)} file{'' if len(files) == 1 else 's'} of the book" if files else total.summary()
    return Fixed(summary, renumbers=bool(total.renumbered or total.moved or total.relabelled), files=tuple(files))


def _changes(text: str, edits: list["TextEdit"], encoding: str, from_disk: bool) -> list[Change]:
    """A file's edits (offsets into its text) at the editor's positions; a BOM
    read from disk, which an editor does not show, is not counted."""
    bom = 1 if from_disk and text.startswith("\ufeff") else 0
    index = TextIndex(text[bom:], encoding)
    return [Change(Range(index.position(edit.start - bom), index.position(edit.end - bom)), edit.text) for edit in edits]


def _error_line(error: FileError, settings: Optional["Settings"] = None) -> str:
    """A file's error; with ``settings``, the file (given by its path) named as
    ``check`` at the project's root names it."""
    return f"{_shown(error.path, settings) if settings is not None else error.path}: {error.message}"
