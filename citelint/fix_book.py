"""``citelint fix`` with ``numbering = "book"``: the book renumbered as one transaction.

Every file of the book (``book_numbering.book_files``) is read, the book is
planned as a whole — markers renumbered in order of first citation across the
book, the entries of every reference list put in that order, each list keeping
its place and its number of entries (chapter 2's list still holds the numbers
after chapter 1's; an entry first cited in a later chapter moves to that place)
— and the plan is verified on the new texts: every piece of citing text points
at an entry with exactly the text it pointed at before, the book keeps its
entries, and no renumbering finding is left. Then every changed file is written
(each atomically), or none: a file changed on disk meanwhile stops the fix, and
files written before it are put back.

``fix`` refuses, writing nothing and naming the reason, whenever a chapter alone
would refuse (an ambiguous list, a near-miss whose number cannot be read …) and
whenever the book's numbering is a guess (a number listed in two chapters, a
cited number no list has).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from bisect import bisect_right
from collections import Counter
from typing import Callable, Iterable, NamedTuple, Optional

from citelint.atomic_write import ChangedOnDisk, Interrupted, process_exists, remove_stale_temp_files, signals_held, write_atomically, write_whole
from citelint.book_numbering import RENUMBERING, Book, BookChapter, Listed, book_files, parsed, raw_findings, rewritten
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import FileError
from citelint.files import decode, read_file
from citelint.fix_files import FileFix, FixOutcome, unified_diff
from citelint.markers import Marker, masked
from citelint.references import entry_prefix
from citelint.renumbering import _SOURCE_LINE_ENDING, Refusal, TextEdit, _SourceOffsets, apply_edits, marker_text, markers_left_as_written

# A test seam: called with each file's path right before it is written (nothing timed).
before_write: Callable[[str], None] = lambda path: None  # noqa: E731


class BookFile(NamedTuple):
    """One file of the book as read."""

    path: str
    shown: str
    data: bytes
    text: str


class Counts(NamedTuple):
    renumbered: int = 0
    normalised: int = 0
    moved: int = 0
    relabelled: int = 0

    def plus(self, other: "Counts") -> "Counts":
        return Counts(*(a + b for a, b in zip(self, other)))

    def summary(self) -> str:
        parts = [
            what.format(count, "" if count == 1 else "s")
            for count, what in zip(self, ("renumbered {} marker{}", "normalised {} malformed marker{}", "moved {} reference{}", "relabelled {} reference{}"))
            if count
        ]
        return ", ".join(parts) if parts else "nothing to fix"


def fix_book_paths(paths: Iterable[str], settings: Settings, write: bool, stdin_name: str = "-") -> FixOutcome:
    """Fix the whole book (whatever subset of it ``paths`` names) as one
    transaction; standard input is not read (the book is its files)."""
    outcome = FixOutcome()
    found = book_files(paths, settings)
    outcome.errors += found.errors
    outcome.reports += [FileFix(note.path, False, note=note.message) for note in found.notes]
    if os.path.lexists(journal_path(settings)):  # a fix of this book stopped half-way (kill -9, a crash)
        outcome.reports.append(recover(journal_path(settings), found.files) if write else FileFix(
            "book", False, refused=f"a citelint fix of this book was stopped before it finished ({journal_path(settings)}): run `citelint fix` to put its chapters back first"
        ))
        return outcome
    files, unread = read_book(found.files)
    outcome.errors += unread
    if outcome.errors or not files:
        return outcome  # the book is renumbered whole or not at all
    planned = plan_book(files, settings)
    outcome.errors += planned.errors
    if planned.refused is not None:
        outcome.reports.append(planned.refused)
    if not planned.ready:
        return outcome
    changed = planned.changed()
    if planned.kept is not None:
        outcome.reports.append(FileFix("book", False, note=planned.kept))
    outcome.reports += [FileFix(path, False, note=note) for path, note in planned.left]
    if write and changed:
        failure = write_all([(file, text) for file, text, _ in changed], journal_path(settings))
        if failure is not None:
            outcome.reports.append(failure)
            return outcome
    for file, text, count in changed:
        outcome.reports.append(FileFix(file.shown, True, count.summary(), diff=unified_diff(file.shown, file.text, text)))
    return outcome


def read_book(paths: Iterable[str], text_of: Callable[[str], Optional[str]] = lambda path: None) -> tuple[list[BookFile], list[FileError]]:
    """Each file of the book as ``fix`` plans it: its text as ``text_of`` gives it
    (an editor's unsaved text of an open chapter), else read from disk; and the
    files that cannot be read."""
    files, errors = [], []
    for path in paths:
        given = text_of(path)
        if given is not None:
            files.append(BookFile(path, path, given.encode("utf-8", "surrogatepass"), given))
            continue
        read = read_file(path)
        source = read if isinstance(read, FileError) else decode(path, read[0])
        if isinstance(source, FileError):
            errors.append(source)
            continue
        assert not isinstance(read, FileError)
        files.append(BookFile(path, path, read[0], source.text))
    return files, errors


class BookPlan(NamedTuple):
    """The book's renumbering, planned and verified on its files' texts, before
    anything is written: what ``fix`` writes, and what the language server offers
    as one edit of the book."""

    files: list[BookFile]
    edits: list[list[TextEdit]]  # each file's edits, offsets into its text
    texts: list[str]  # each file's new text
    counts: list[Counts]
    kept: Optional[str] = None  # why the numbering is kept (a renumbering finding not wanted)
    left: tuple[tuple[str, str], ...] = ()  # markers left as written that now name another source: (path, note)
    refused: Optional[FileFix] = None  # why the book is not fixed: the file and the reason
    errors: tuple[FileError, ...] = ()  # files that cannot be parsed: the book is not fixed

    @property
    def ready(self) -> bool:
        """Whether the plan can be applied (nothing refused it)."""
        return self.refused is None and not self.errors

    def changed(self) -> list[tuple[BookFile, str, Counts]]:
        """Each file the plan changes, its new text and what changed in it."""
        return [(file, text, count) for file, text, count in zip(self.files, self.texts, self.counts) if text != file.text] if self.ready else []


def plan_book(files: list[BookFile], settings: Settings) -> BookPlan:
    """The book planned as ``fix`` renumbers it, and verified on the new texts;
    refused (naming the file and the reason) when it would be a guess or does not
    verify, and not made when a file cannot be parsed."""
    unplanned = BookPlan(files, [[] for _ in files], [file.text for file in files], [Counts() for _ in files])
    chapters, errors = [], []
    for file in files:
        try:
            chapters.append(parsed(file.path, file.shown, file.text, settings))
        except RecursionError:
            errors.append(FileError(file.shown, "is nested too deeply to fix; the book was not renumbered"))
        except Exception as error:  # noqa: BLE001 - one line naming the file, never a traceback
            errors.append(FileError(file.shown, f"internal error while fixing ({type(error).__name__}: {error}); please report it; the book was not renumbered"))
    if errors:
        return unplanned._replace(errors=tuple(errors))
    book = Book(chapters)
    try:
        edits, counts, kept, left = plan(book, [file.text for file in files])
    except Refusal as refusal:
        path, reason = refusal.args if len(refusal.args) == 2 else (files[0].shown, str(refusal))
        return unplanned._replace(refused=FileFix(path, False, refused=reason))
    texts = [apply_edits(file.text, found) if found else file.text for file, found in zip(files, edits)]
    problem = verify(book, [parsed(file.path, file.shown, text, settings) for file, text in zip(files, texts)], renumbered=kept is None)
    if problem is not None:
        return unplanned._replace(refused=FileFix(files[0].shown, False, refused=f"the book's renumbering did not verify ({problem}); please report this"))
    return BookPlan(files, edits, texts, counts, kept, tuple(left))


# -- the plan ----------------------------------------------------------------------


def plan(book: Book, sources: list[str]) -> tuple[list[list[TextEdit]], list[Counts], Optional[str], list[tuple[str, str]]]:
    """Each file's edits (offsets into its source), what changed in it, why the
    numbering is kept (None when it is not), and notes on markers left as written
    that now name another source (``markers_left_as_written``: path, note);
    Refusal(path, reason) when the renumbering would be a guess."""
    renumber, kept = _decision(book)
    if renumber:
        blocker = book.blocker()
        if blocker is not None:
            reason, path = blocker
            raise Refusal(path, reason)
        mapping = book.new_numbers()
    else:
        mapping = {number: number for cite in book.cites for number in cite.marker.numbers}
        mapping.update({listed.number: listed.number for listed in book.entries})
    edits: list[list[TextEdit]] = [[] for _ in sources]
    counts = [Counts() for _ in sources]
    offsets = _Offsets(sources)
    left: list[tuple[str, str]] = []
    for place in book.chapters:
        if renumber and not place.selection.file_disabled():
            try:
                left += [(place.path, note) for note in markers_left_as_written(place.chapter, mapping)]
            except Refusal as refusal:
                raise Refusal(place.path, str(refusal)) from None
        found, count = _marker_edits(place, offsets.of(place), mapping)
        edits[place.file] += found
        counts[place.file] = counts[place.file].plus(count)
    if renumber:
        for file, found, count in _list_edits(book, sources, mapping):
            edits[file] += found
            counts[file] = counts[file].plus(count)
    return edits, counts, kept, left


def _decision(book: Book) -> tuple[bool, Optional[str]]:
    """Whether to renumber: only when a book-wide renumbering finding is reported,
    and never when one is not selected or is suppressed (a deliberate order)."""
    wanted = False
    for place, diagnostic in raw_findings(book):
        if diagnostic.code not in RENUMBERING and diagnostic.code != "CIT016":
            continue
        if diagnostic.code not in place.selection.codes:
            return False, f"kept the numbering: {diagnostic.code} is not selected"
        if place.selection.excluded:
            return False, f"kept the numbering: {place.path} is excluded (the configuration's exclude) and its numbering is not the book's ({diagnostic.code} on line {diagnostic.line})"
        if place.selection.suppressed(diagnostic):
            return False, f"kept the numbering: {diagnostic.code} is suppressed on line {diagnostic.line} of {place.path}"
        wanted = True
    return wanted, None


def _left(place: BookChapter) -> set[int]:
    """Near-misses to leave as written: CIT005 not selected, or suppressed there."""
    chapter, selection = place.chapter, place.selection
    near = [marker for marker in chapter.markers if not marker.well_formed]
    if "CIT005" not in selection.codes:
        return {marker.start for marker in near}
    return {marker.start for marker in near if selection.suppressed_at(chapter.document.line_of(marker.start), "CIT005")}


def _marker_edits(place: BookChapter, offsets: _SourceOffsets, mapping: dict[int, int]) -> tuple[list[TextEdit], Counts]:
    chapter = place.chapter
    if place.selection.file_disabled():
        return [], Counts()  # left as it is: ``Book.blocker`` refused a renumbering of its markers
    leave = _left(place)
    edits, renumbered, normalised = [], 0, 0
    for marker in chapter.citations():
        mapped = [mapping[number] for number in marker.numbers]
        if marker.start in leave:
            if mapped != list(marker.numbers):
                line = chapter.document.line_of(marker.start) + 1
                raise Refusal(place.path, f"the malformed marker {marker.shown} on line {line} is left as written (CIT005 is not selected or is suppressed) and would need a new number")
            continue
        if marker.well_formed and mapped == list(marker.numbers):
            continue
        text = marker_text(marker, mapping, chapter.settings.marker, chapter.settings.marker_style)
        if text == marker.text:
            continue
        renumbered += marker.well_formed
        normalised += not marker.well_formed
        edits.append(offsets.edit(marker.start, marker.end, text))
    return edits, Counts(renumbered, normalised)


class _Offsets:
    """Each chapter's map from its offsets to its file's source, made once."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources
        self.made: dict[int, _SourceOffsets] = {}

    def of(self, place: BookChapter) -> _SourceOffsets:
        key = id(place.chapter)
        if key not in self.made:
            self.made[key] = _SourceOffsets(self.sources[place.file], place.chapter)
        return self.made[key]


def inner_markers(book: Book) -> dict[int, list[Marker]]:
    """The markers inside each entry of the book's lists (``id`` of its Listed)."""
    found: dict[int, list[Marker]] = {id(listed): [] for listed in book.entries}
    by_place: dict[int, list[Listed]] = {}
    for listed in book.entries:
        by_place.setdefault(id(listed.place.chapter), []).append(listed)
    for place in book.chapters:
        entries = by_place.get(id(place.chapter), [])
        firsts = [listed.entry.first_line for listed in entries]
        for marker in place.chapter.markers:
            if not entries or not place.chapter.in_reference_list(marker):
                continue
            line = place.chapter.document.line_of(marker.start)
            index = bisect_right(firsts, line) - 1
            if index >= 0 and line <= entries[index].entry.last_line:
                found[id(entries[index])].append(marker)
    return found


def _list_edits(book: Book, sources: list[str], mapping: dict[int, int]) -> list[tuple[int, list[TextEdit], Counts]]:
    """Each slot of the book's lists (in book order) gets the entry whose new number
    is its place, relabelled, with the markers inside it renumbered; an entry that
    moves to a list written in another form (``1.`` items, ``[1]`` lines, bullets)
    takes the slot's label in the list's form, and its text as it is (``Book.blocker``
    has refused the moves that cannot be written so); one that moves to another
    file takes that file's line endings."""
    offsets = _Offsets(sources)
    inner = inner_markers(book)
    found = []
    for slot, listed in book.moves():
        slot_offsets = offsets.of(slot.place)
        if rewritten(listed, slot):
            text = _slot_label(slot, slot_offsets) + _entry_text(listed, offsets.of(listed.place), inner[id(listed)], None, mapping)
        else:
            text = _entry_text(listed, offsets.of(listed.place), inner[id(listed)], slot.position, mapping)
        start, end = slot_offsets.entry_span(slot.entry)
        if listed.place.file != slot.place.file:
            text = _SOURCE_LINE_ENDING.sub(_line_ending(sources[slot.place.file], end), text)
        moved = int(listed is not slot)
        relabelled = int(listed.entry.label is not None and listed.entry.label != slot.position)
        edits = [TextEdit(start, end, text)] if sources[slot.place.file][start:end] != text else []
        if (edits or moved) and (listed.place.selection.file_disabled() or slot.place.selection.file_disabled()):
            alone = slot.place if slot.place.selection.file_disabled() else listed.place
            raise Refusal(alone.path, f"{alone.selection.left_alone()}, and its reference list would be changed")
        found.append((slot.place.file, edits, Counts(moved=moved, relabelled=relabelled)))
    return found


def _slot_label(slot: Listed, offsets: _SourceOffsets) -> str:
    """What a slot's first line holds before its entry's text (quote marks,
    indentation, label or bullet, the spaces after), with the slot's place as its label."""
    entry = slot.entry
    line_start = offsets.line_starts[entry.first_line]
    prefix = offsets.source[line_start : line_start + entry_prefix(offsets.document.lines[entry.first_line])[0]]
    if entry.label_span is None or entry.label == slot.position:
        return prefix
    return apply_edits(prefix, [TextEdit(offsets.of(entry.label_span.start) - line_start, offsets.of(entry.label_span.end) - line_start, str(slot.position))])


def _line_ending(source: str, end: int) -> str:
    """The line ending of the file at ``end`` (the end of a line), else its first, else LF."""
    ending = _SOURCE_LINE_ENDING.match(source, end) or _SOURCE_LINE_ENDING.search(source)
    return ending.group() if ending else "\n"


def _entry_text(listed: Listed, offsets: _SourceOffsets, markers: list[Marker], number: Optional[int], mapping: dict[int, int]) -> str:
    """The entry's text as it goes to ``number``: relabelled, and with the markers
    inside it ("see also [CITATION 2]") renumbered. With no ``number``, its text
    without its label (what ``entry_prefix`` says precedes it on its first line)."""
    chapter = listed.place.chapter
    source = offsets.source
    start, end = offsets.entry_span(listed.entry)
    inner: list[TextEdit] = []
    entry = listed.entry
    if number is None:
        start += entry_prefix(offsets.document.lines[entry.first_line])[0]
    elif entry.label_span is not None and entry.label != number:
        inner.append(TextEdit(offsets.of(entry.label_span.start) - start, offsets.of(entry.label_span.end) - start, str(number)))
    for marker in markers:
        if marker.cites:
            if any(n not in mapping for n in marker.numbers):
                raise Refusal(listed.place.path, f"{marker.shown} on line {listed.line} (in the reference list) cites a number the book does not list")
            text = marker_text(marker, mapping, chapter.settings.marker, chapter.settings.marker_style)
            if text != marker.text:
                edit = offsets.edit(marker.start, marker.end, text)
                inner.append(TextEdit(edit.start - start, edit.end - start, edit.text))
    text = source[start:end]
    return apply_edits(text, inner) if inner else text


# -- the check on the result --------------------------------------------------------


def cited_texts(book: Book) -> tuple[list[list[tuple[str, ...]]], Counter[tuple[str, tuple[tuple[str, ...], ...]]]]:
    """For each chapter, what each piece of citing text outside the lists points to
    (the entries' texts, from wherever in the book they are listed; text that may
    cite but cannot be read stands as itself); and the book's entries, each with
    what the markers inside it point to."""
    texts = {listed.number: _as_source(listed) for listed in book.entries}

    def targets(numbers: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(texts.get(number, f"<no entry {number}>") for number in numbers)

    chapters = []
    for place in book.chapters:
        cited = []
        for marker in place.chapter.markers:
            if place.chapter.in_reference_list(marker):
                continue
            if marker.cites:
                cited.append(targets(marker.numbers))
            elif any(character.isdigit() for character in marker.text):
                cited.append(("<unread>", marker.text))
        chapters.append(cited)
    entries: Counter[tuple[str, tuple[tuple[str, ...], ...]]] = Counter()
    inner = inner_markers(book)
    for listed in book.entries:
        pointed = tuple(targets(marker.numbers) if marker.cites else ("<unread>", marker.text) for marker in inner[id(listed)])
        entries[(_as_source(listed), pointed)] += 1
    return chapters, entries


def _as_source(listed: Listed) -> str:
    settings = listed.place.chapter.settings
    return masked(listed.entry.text, settings.marker, settings.marker_style)


def verify(before: Book, after_files: list[tuple[str, Chapter, object]], renumbered: bool = True) -> Optional[str]:
    """Why the renumbered book is not right, or None: every piece of citing text
    points at the same entries' texts, the book keeps its entries, and (when it was
    renumbered) no renumbering finding the files report is left."""
    after = Book(after_files)  # type: ignore[arg-type]
    if Counter(place.file for place in before.chapters) != Counter(place.file for place in after.chapters):
        return "the chapters of the book would change"
    old_chapters, old_entries = cited_texts(before)
    new_chapters, new_entries = cited_texts(after)
    if old_chapters != new_chapters:
        return "a marker would cite a different source"
    if old_entries != new_entries:
        return "the book's references would change"
    for place, diagnostic in raw_findings(after) if renumbered else ():
        if diagnostic.code in RENUMBERING and place.selection.wanted(diagnostic):
            return f"{diagnostic.code} would remain in {place.path}"
    return None


# -- the writes --------------------------------------------------------------------


def write_all(changes: list[tuple[BookFile, str]], journal: Optional[str] = None) -> Optional[FileFix]:
    """Write every changed file, each atomically; when one cannot be written (it
    changed on disk, or the write failed), put back the ones written before it.
    None when all were written, else the refusal to report. An interrupt (SIGINT,
    SIGTERM) puts back every file that holds its new text, read from disk: the
    signal may come between a file's rename and its being counted as written.
    With a ``journal`` path, what each file held is written there first and removed
    at the end: a fix stopped where nothing can be done (kill -9, a crash) leaves
    it, and the next ``fix`` of the book puts the files back (``recover``)."""
    for folder in dict.fromkeys(os.path.dirname(os.path.realpath(file.path)) for file, _ in changes):
        remove_stale_temp_files(folder)  # left by a fix killed before its rename
    if journal is not None:
        try:
            _write_journal(journal, changes)
        except OSError as error:
            return FileFix(changes[0][0].shown, False, refused=f"the book's fix journal {journal} cannot be written ({error.strerror or error}); the book was not renumbered (no file changed)")
    try:
        stopped = _write_files(changes)
    except Interrupted as stop:
        if journal is not None and "could not be put back" not in stop.path:
            _remove_journal(journal)  # every file is as it was
        raise
    if journal is not None and not (stopped is not None and "could not be put back" in (stopped.refused or "")):
        _remove_journal(journal)  # every file written, or every one put back
    return stopped


def _write_files(changes: list[tuple[BookFile, str]]) -> Optional[FileFix]:
    written: list[tuple[BookFile, bytes]] = []
    try:
        for file, text in changes:
            new = text.encode("utf-8")
            try:
                before_write(file.path)
                write_atomically(file.path, file.data, new)
            except (ChangedOnDisk, OSError) as error:
                return _stopped(file, error, written)
            written.append((file, new))
    except Interrupted as stop:  # the book as it was, then stop
        renumbered = [(file, new) for file, new in ((file, text.encode("utf-8")) for file, text in changes) if _holds(file.path, new)]
        _, failed, _ = _put_back(renumbered)
        stop.path, stop.written = "the book (every file)", False
        if failed:
            stop.path = f"the book (every file but {', '.join(failed)}, which could not be put back: restore {'it' if len(failed) == 1 else 'them'} from version control)"
        raise stop from None
    return None


def _stopped(file: BookFile, error: Exception, written: list[tuple[BookFile, bytes]]) -> FileFix:
    """The refusal when ``file`` cannot be written, the files written before it put back."""
    why = str(error) if isinstance(error, ChangedOnDisk) else f"it cannot be written: {getattr(error, 'strerror', None) or error}"
    put_back, failed, late = _put_back(written)
    if late is not None:
        raise late  # the files are back: stopped as an interrupt stops
    back = ""
    if written:
        back = f"; the {len(put_back)} file{'s' if len(put_back) != 1 else ''} written before it {'was' if len(put_back) == 1 else 'were'} put back as {'it was' if len(put_back) == 1 else 'they were'}"
        if failed:
            back += f", except {', '.join(failed)}, which could not be put back: restore {'it' if len(failed) == 1 else 'them'} from version control"
    return FileFix(file.shown, False, refused=f"{why}; the book was not renumbered (no file changed){back}" if not failed else f"{why}; the book's renumbering was stopped{back}")


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    try:
        with open(path, "rb") as current:
            return current.read(len(data) + 1) == data
    except OSError:
        return False


def _put_back(written: list[tuple[BookFile, bytes]]) -> tuple[list[str], list[str], Optional[Interrupted]]:
    """Give each file written in this fix its text as it was read (last first),
    with SIGINT and SIGTERM held until all are back: a second Ctrl-C does not stop
    the put-back half-way. The files put back, those that could not be, and the
    signal sent meanwhile (acted on after: the caller raises it, or is stopping already)."""
    done, failed = [], []
    try:
        with signals_held():
            for file, new in reversed(written):
                try:
                    write_atomically(file.path, new, file.data)
                    done.append(file.shown)
                except (ChangedOnDisk, OSError):
                    failed.append(file.shown)
    except Interrupted as late:
        return done, failed, late
    return done, failed, None


# -- the journal: a fix stopped where it cannot put the book back ------------------

def journal_path(settings: Settings) -> str:
    """Where a book fix keeps what the files it writes held: outside the project, in
    the user's cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``), one journal per
    configuration file. Not in the project: a journal committed there (a stranger's
    pull request) would have the next ``fix`` write its text into the chapters."""
    home = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(home):
        user = os.path.expanduser("~")
        if not os.path.isabs(user):  # no home folder known: the system's temporary folder
            import tempfile

            user = os.path.join(tempfile.gettempdir(), f"citelint-{getattr(os, 'getuid', lambda: 0)()}")
        home = os.path.join(user, ".cache")
    book = os.path.realpath(settings.source or settings.root or ".")
    return os.path.join(home, "citelint", "book-fix", hashlib.sha256(book.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".journal")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_journal(path: str, changes: list[tuple[BookFile, str]]) -> None:
    """Each file to be written, what it holds and the digest of what it will hold,
    on disk (synced) before the first file is written."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    record = {
        "pid": os.getpid(),
        "files": [[os.path.realpath(file.path), base64.b64encode(file.data).decode("ascii"), _digest(text.encode("utf-8"))] for file, text in changes],
    }
    write_whole(path, json.dumps(record), mode=0o600, durable=True)


def _remove_journal(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def recover(path: str, book: Iterable[str]) -> FileFix:
    """Put back the files a stopped fix of the book wrote (those of the book that hold
    exactly what it wrote), as its journal at ``path`` says they were; the report
    says what was done. Nothing is renumbered in this run: the writer sees the book
    put back first."""
    shown = path
    try:
        with open(path, encoding="utf-8") as stored:
            record = json.load(stored)
        pid = record["pid"]
        entries = [(str(real), base64.b64decode(old, validate=True), str(digest)) for real, old, digest in record["files"]]
        if type(pid) is not int:
            raise ValueError("pid")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return FileFix(shown, False, refused=f"the journal of a book fix that was stopped cannot be read ({error}); restore the book's chapters from version control if they need it, then remove the journal")
    if pid != os.getpid() and process_exists(pid):  # this process's id, when the stopped fix's, was reused
        return FileFix(shown, False, refused=f"another citelint fix (process {pid}) is renumbering this book; if none is, remove this journal")
    chapters = {os.path.realpath(chapter): chapter for chapter in book}
    for folder in dict.fromkeys(os.path.dirname(real) for real, _, _ in entries if real in chapters):
        remove_stale_temp_files(folder)  # the stopped fix's, beside the chapter it was writing
    back, left = [], []
    for real, old, digest in entries:
        chapter = chapters.get(real)
        current = read_file(real) if chapter is not None else None
        if chapter is None or current is None or isinstance(current, FileError):
            left.append(real)
            continue
        data = current[0]
        if data == old:
            continue  # not written, or put back already
        if _digest(data) != digest:
            left.append(chapter)  # changed since: the writer's text is kept
            continue
        try:
            write_atomically(real, data, old)
            back.append(chapter)
        except (ChangedOnDisk, OSError):
            left.append(chapter)
    _remove_journal(path)
    done = f"{len(back)} chapter{'s' if len(back) != 1 else ''} ({', '.join(back)}) put back as {'it was' if len(back) == 1 else 'they were'}" if back else "no chapter needed putting back"
    kept = f"; {', '.join(left)} changed since or could not be read, and {'was' if len(left) == 1 else 'were'} left as {'it is' if len(left) == 1 else 'they are'}: restore from version control if need be" if left else ""
    return FileFix("book", False, refused=f"a citelint fix of this book (process {pid}) was stopped before it finished: {done}{kept}; run `citelint fix` again to renumber the book")
