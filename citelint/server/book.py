"""Book numbering in the editor: the book-wide rules (``numbering = "book"``:
CIT001–CIT004, CIT009, CIT011, CIT016) judged for an open chapter against the
rest of the book, as ``citelint check`` judges them.

The book's files and order are ``book_numbering.book_files``'. Each other
chapter is read as the editor has it when it is open, else from disk, where its
summary (what the book-wide rules read of it) is kept until its size,
modification time or inode changes: a keystroke parses the chapter being typed
and the other open ones, never the closed chapters again.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Mapping, Optional

from citelint.diagnostics import Diagnostic, FileError

if TYPE_CHECKING:
    from citelint.book_numbering import FileSummary
    from citelint.chapter import Chapter
    from citelint.config import Settings

_StatKey = tuple[int, int, int, int]


class EditorBook:
    """The closed chapters' summaries, kept between keystrokes (shared by the
    server's worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._summaries: dict[tuple[str, str], tuple[_StatKey, Optional["FileSummary"]]] = {}

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
