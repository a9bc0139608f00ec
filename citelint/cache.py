"""The result cache: an unchanged file is not parsed again.

Like ruff's: one entry per file, named by a hash of its path, the effective
settings and the citelint version, and holding a hash of the content it was
linted from, under ``.citelint-cache/lint/`` at the project root (the folder
the URL checker shares). An entry is a hit only when the content hash matches;
an edited file's entry is replaced, so the cache holds one entry per file and
settings, however often the files change. Each entry is one small JSON file
written atomically, so parallel citelint processes (pre-commit runs hooks in
parallel) cannot tear one. A corrupt entry, or one whose values are not what
this format holds (a line that is not a whole number), is a miss; a cache
that cannot be written is skipped with one warning, never an error.

Nothing is written through a symbolic link: the cache folder, the files
citelint keeps in it and the folders of the result cache must be what they
seem (a pull request can commit links there), else that cache is skipped with
one warning (docs/security.md).
"""

from __future__ import annotations

import errno
import json
import os
import re
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from citelint.diagnostics import Diagnostic, Edit, Fix, Severity
from citelint.files import read_regular
from citelint.version import __version__

if TYPE_CHECKING:
    import sqlite3

try:  # hashlib's own BLAKE2, without hashlib loading OpenSSL first (~2 ms of every run)
    from _blake2 import blake2b
except ImportError:  # another Python: the same function by its public name
    from hashlib import blake2b

FORMAT = 3
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # findings are capped per rule; an entry past this is not ours
FOLDER = "lint"
_GITIGNORE = "# Created by citelint: its caches never belong in version control.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by citelint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_MARKERS = ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG))
# SQLite's files beside each database: the rollback journal, the WAL and its index
URL_CACHE_FILES = tuple(f"{name}{suffix}" for name in ("verdicts.sqlite", "http-cache.sqlite") for suffix in ("", "-journal", "-wal", "-shm"))
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_CODE = re.compile(r"[A-Z]{3}[0-9]{3}")


class LinkRefused(OSError):
    """A path in the cache folder is a symbolic link: citelint does not write through it."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.ELOOP, f"{path} is a symbolic link; citelint does not write through links in its cache folder", path)

    def __str__(self) -> str:
        return str(self.strerror)


def refuse_links(folder: str, names: Iterable[str]) -> None:
    """Raise LinkRefused when one of ``names`` in ``folder`` is a symbolic link."""
    for name in names:
        path = os.path.join(folder, name)
        if os.path.islink(path):
            raise LinkRefused(path)


def real_folder(path: str) -> None:
    """``path`` made (its parent exists) or found, and a folder, not a link to one."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    if os.path.islink(path):
        raise LinkRefused(path)


def make_cache_folder(folder: str, files: Optional[Iterable[str]] = None) -> None:
    """Create the cache folder with a ``.gitignore`` that keeps it out of git (so a
    forgotten ignore rule never commits it, and pre-commit never sees it change)
    and a ``CACHEDIR.TAG`` that keeps it out of backups, as ruff and pytest do.
    Raises LinkRefused when the folder, those two files or ``files`` (default:
    every file and folder citelint keeps there) are symbolic links."""
    folder = os.path.normpath(folder)  # "cache/" would name the link's target
    if os.path.islink(folder):
        raise LinkRefused(folder)
    os.makedirs(folder, exist_ok=True)
    if os.path.islink(folder):
        raise LinkRefused(folder)
    refuse_links(folder, (*(name for name, _ in _MARKERS), *((FOLDER, *URL_CACHE_FILES) if files is None else files)))
    for name, content in _MARKERS:
        try:
            handle = os.open(os.path.join(folder, name), _CREATE, 0o644)  # never follows a link
        except FileExistsError:
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)


def code_stamp() -> int:
    """The newest modification time of citelint's own modules: a build installed
    again from source without a new version number (or edited in place) does not
    answer from results its older code made. ~40 stat calls, well under a millisecond."""
    package = os.path.dirname(os.path.abspath(__file__))
    newest = 0
    for folder in (package, os.path.join(package, "rules"), os.path.join(package, "report")):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        newest = max(newest, entry.stat().st_mtime_ns)
        except OSError:
            pass
    return newest


class ResultCache:
    def __init__(self, folder: str, settings_key: str, warn: Callable[[str], None]) -> None:
        self.root = folder
        self.folder = os.path.join(folder, FOLDER)
        self.salt = f"{__version__}\0{code_stamp()}\0{FORMAT}\0{settings_key}\0".encode("utf-8")
        self.warn = warn
        self.writable = True
        self.readable: Optional[bool] = None  # known on the first read: not through a link
        self.prepared = False  # the cache folder made, with its .gitignore
        self.folders: set[str] = set()  # entry folders made and found to be real folders

    def key(self, path: str, text: str) -> str:
        """``entry.content``: the entry's name (path and settings), and the content hash."""
        entry = blake2b(self.salt + path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        content = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        return f"{entry}.{content}"

    def get(self, key: str, path: str) -> Optional[list[Diagnostic]]:
        if self.readable is None:
            self.readable = self._not_linked()
        if not self.readable:
            return None
        entry, content = key.split(".")
        try:
            stored, items = json.loads(read_regular(os.path.join(self.folder, entry[:2], entry + ".json"), MAX_ENTRY_BYTES))
            if stored != content or not isinstance(items, list):
                return None  # the file changed since
            return [_diagnostic(item, path) for item in items]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # missing or corrupt (even nested too deeply to read): lint again

    def _not_linked(self) -> bool:
        """Whether the cache folder and its ``lint`` folder are no symbolic links;
        when one is, the cache is skipped with one warning."""
        try:
            root = os.path.normpath(self.root)
            refuse_links(os.path.dirname(root), (os.path.basename(root),))
            refuse_links(root, (FOLDER,))
        except LinkRefused as error:
            self._give_up(error)
            return False
        return True

    def _give_up(self, error: OSError) -> None:
        if self.writable:
            self.writable = False
            self.warn(f"the result cache in {self.folder} cannot be written ({error.strerror or error}); going on without it")

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        if not self.writable:
            return
        entry, content = key.split(".")
        folder = os.path.join(self.folder, entry[:2])
        data = json.dumps([content, [_encoded(d) for d in diagnostics]], ensure_ascii=False)
        temp = None
        try:
            if not self.prepared:
                make_cache_folder(self.root, (FOLDER,))
                real_folder(self.folder)
                self.prepared = True
            if folder not in self.folders:
                real_folder(folder)
                self.folders.add(folder)
            # A name no other process picks, created exclusively (what tempfile.mkstemp
            # does, without importing tempfile, shutil and random into every run);
            # the rename replaces a link in the entry's place, never writes through it.
            temp = os.path.join(folder, f".tmp-{os.getpid()}-{os.urandom(8).hex()}.json")
            handle = os.open(temp, _CREATE, 0o644)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(temp, os.path.join(folder, entry + ".json"))
        except OSError as error:
            if temp is not None and os.path.lexists(temp):
                os.unlink(temp)  # a full disk leaves no half-written entry behind
            self._give_up(error)


def _encoded(diagnostic: Diagnostic) -> list[object]:
    fix = None
    if diagnostic.fix is not None:
        fix = [diagnostic.fix.description, [list(edit) for edit in diagnostic.fix.edits]]
    return [
        diagnostic.code,
        diagnostic.name,
        diagnostic.severity.value,
        diagnostic.line,
        diagnostic.column,
        diagnostic.end_line,
        diagnostic.end_column,
        diagnostic.message,
        fix,
        diagnostic.stands_for,
    ]


def _diagnostic(item: object, path: str) -> Diagnostic:
    """A finding as an entry holds it; ValueError when a value is not what this
    format holds (an older or newer citelint's, or a hand-edited entry)."""
    if not isinstance(item, list) or len(item) != 10:
        raise ValueError("not a finding")
    code, name, severity, line, column, end_line, end_column, message, fix, stands_for = item
    if not (isinstance(code, str) and _CODE.fullmatch(code) and isinstance(name, str) and isinstance(message, str)):
        raise ValueError("not a finding's code, name or message")
    if not all(_is_position(value) for value in (line, column, end_line, end_column, stands_for)):
        raise ValueError("not a finding's position")
    return Diagnostic(code, name, Severity(severity), line, column, end_line, end_column, message, _fix(fix), path, stands_for)


def _fix(fix: object) -> Optional[Fix]:
    if fix is None:
        return None
    if not (isinstance(fix, list) and len(fix) == 2 and isinstance(fix[0], str) and isinstance(fix[1], list)):
        raise ValueError("not a fix")
    return Fix(fix[0], tuple(_edit(edit) for edit in fix[1]))


def _edit(edit: object) -> Edit:
    if not (isinstance(edit, list) and len(edit) == 5 and all(_is_position(v) for v in edit[:4]) and isinstance(edit[4], str)):
        raise ValueError("not an edit")
    return Edit(*edit)


def _is_position(value: object) -> bool:
    """A 1-based line or column (or a count of findings): a whole number, not a bool."""
    return type(value) is int and value >= 1


def switch_to_wal(connection: "sqlite3.Connection", within: float) -> None:
    """Put an SQLite cache in WAL mode, waiting up to ``within`` seconds for the
    processes doing the same: SQLite answers a switch that races another process's
    with "database is locked" at once, without waiting its busy timeout (processes
    starting together on a new cache). Shared by the verdict store and the HTTP cache."""
    import sqlite3
    import time

    give_up = time.monotonic() + within
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= give_up:
                raise
            time.sleep(0.01)
