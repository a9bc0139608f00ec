"""Book numbering in the editor: the book-wide rules (``numbering = "book"``:
CIT001–CIT004, CIT009, CIT011, CIT016) judged for an open chapter against the
rest of the book, as ``citelint check`` judges them, and the book's ``citelint
fix`` as one edit of every file it changes.

The book's files and order are ``book_numbering.book_files``'. Each other
chapter is read as the editor has it when it is open, else from disk, where its
summary (what the book-wide rules read of it) is kept until its size,
modification time or inode changes: a keystroke parses the chapter being typed
and the other open ones, never the closed chapters again. The fix is
``fix_book``'s plan, with its refusals, made on the same texts; the last one is
kept until a text or a closed file's status changes (an editor asks for code
actions at every move of the cursor).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Callable, Mapping, Optional

from citelint.diagnostics import Diagnostic, FileError
from citelint.server.positions import TextIndex
from citelint.server.views import Change, ChapterView, FileChanges, Fixed, Range

if TYPE_CHECKING:
    from citelint.book_numbering import FileSummary
    from citelint.chapter import Chapter
    from citelint.config import Settings
    from citelint.fix_book import BookPlan
    from citelint.renumbering import TextEdit

_StatKey = tuple[int, int, int, int]


class OpenBook:
    """The book of an open chapter, as the editor has it each time it is asked:
    ``open_texts`` gives the open chapters' texts by real path at that moment."""

    def __init__(self, book: "EditorBook", open_texts: Callable[[], dict[str, str]]) -> None:
        self.book = book
        self.open_texts = open_texts

    def findings(self, view: ChapterView) -> list[Diagnostic]:
        return self.book.findings(view.path, view.chapter, view.settings, self.open_texts())

    def fix(self, view: ChapterView) -> Fixed:
        return self.book.fix(view.path, view.text, view.settings, self.open_texts(), view.index.encoding)


class EditorBook:
    """The closed chapters' summaries, kept between keystrokes (shared by the
    server's worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._summaries: dict[tuple[str, str], tuple[_StatKey, Optional["FileSummary"]]] = {}
        self._last_fix: Optional[tuple[object, Fixed]] = None

    def findings(self, path: str, chapter: "Chapter", settings: "Settings", open_texts: Mapping[str, str]) -> list[Diagnostic]:
        """The book-wide findings at the chapter ``path`` (its text parsed as
        ``chapter``); ``open_texts``: the open chapters' texts by real path. None
        when the file is not a chapter of the book (``check`` judges it no more)."""
        from citelint.book_numbering import book_files, findings_of_files, summary_of

        book = book_files((path,), settings)
        here = real_path(path)
        if here not in {real_path(file) for file in book.files}:
            return []
        texts = {**open_texts, here: chapter.document.text}
        files = []
        for file in book.files:
            real = real_path(file)
            if real == here:
                files.append((path, path, summary_of(chapter)))
            elif real in texts:
                files.append((file, file, _summary_of_text(texts[real], file, settings)))
            else:
                files.append((file, file, self._summary_on_disk(file, settings)))
        found = findings_of_files(files, settings, text_of=lambda file: texts.get(real_path(file)))
        return [finding for finding in found if finding.path == path]

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
            return Fixed("", refused=_error_line(book.errors[0]) + "; the book is renumbered whole or not at all")
        texts = {**open_texts, here: text}
        files, unread = read_book(book.files, lambda file: texts.get(real_path(file)))
        if unread:
            return Fixed("", refused=_error_line(unread[0]) + "; the book is renumbered whole or not at all")
        key = (repr(settings), encoding, tuple((file.path, file.text) for file in files))
        with self._lock:
            kept = self._last_fix
        if kept is not None and kept[0] == key:
            return kept[1]
        fixed = _as_changes(plan_book(files, settings), encoding, set(texts))
        with self._lock:
            self._last_fix = (key, fixed)
        return fixed

    def _summary_on_disk(self, path: str, settings: "Settings") -> Optional["FileSummary"]:
        """The file's summary, kept while its status is unchanged; None when it cannot
        be read or parsed (``findings_of_files`` then reads it itself, and leaves it out)."""
        try:
            info = os.stat(path)
        except OSError:
            return None
        stat_key = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
        key = (real_path(path), repr(settings))
        with self._lock:
            kept = self._summaries.get(key)
        if kept is not None and kept[0] == stat_key:
            return kept[1]
        from citelint.files import read_source

        source = read_source(path)
        summary = None if isinstance(source, FileError) else _summary_of_text(source.text, path, settings)
        with self._lock:
            self._summaries[key] = (stat_key, summary)
        return summary


def _summary_of_text(text: str, path: str, settings: "Settings") -> Optional["FileSummary"]:
    from citelint.book_numbering import summary_of
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    try:
        return summary_of(Chapter.parse(text, settings, reads_as_plain_text(path)))
    except (RecursionError, MemoryError):
        return None


def real_path(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _as_changes(plan: "BookPlan", encoding: str, open_paths: set[str]) -> Fixed:
    """The book's plan as the editor applies it: each changed file's edits in its
    positions (``open_paths``: the real paths of the texts the editor gave)."""
    if plan.errors:
        return Fixed("", refused=_error_line(plan.errors[0]))
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


def _error_line(error: FileError) -> str:
    return f"{error.path}: {error.message}"
