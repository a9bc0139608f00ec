"""The result cache: an unchanged file is neither read nor parsed again.

One index per project and settings, ``.citelint-cache/lint/index-<key>.json``,
named by a hash of the effective settings, the citelint version and its code;
it holds, for each file (by its path relative to the project root, so that
``book/``, ``./book`` and an absolute path share it), the file's status when it
was linted (size, modification and change times, inode), a hash of its
content, and its findings. A file whose status is unchanged is answered from
the index without being read, as black and mypy do; one whose status changed
is read and hashed, and answered from the index when its content is the same
(a ``touch``, a checkout). An entry written within a second or two of the
file's last change cannot vouch for it by status alone (an edit in the same
clock tick leaves the status as it was): it is checked by content until it is
older.

The index is read once and written once per run, atomically (a temporary file
renamed over it), merged with what other processes wrote meanwhile, so
parallel citelint processes (pre-commit runs hooks in parallel) cannot tear
it; the worst a race does is lose another process's new entries, which are
then linted again. A corrupt index, or an entry whose values are not what this
format holds, is a miss; a cache that cannot be written is skipped with one
warning, never an error.

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
import stat
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Optional

from citelint.diagnostics import Diagnostic, Edit, Fix, Severity
from citelint.files import STDIN, read_with_status
from citelint.version import __version__

if TYPE_CHECKING:
    import sqlite3

    from citelint.config import Settings

try:  # hashlib's own BLAKE2, without hashlib loading OpenSSL first (~2 ms of every run)
    from _blake2 import blake2b
except ImportError:  # another Python: the same function by its public name
    from hashlib import blake2b

FORMAT = 8  # 8: a book summary's citing markers say whether they are near-misses, and it keeps the markers inside its list; 7: book entries keep the digests of their candidate keys (book_checks)
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # findings are capped per rule; an index past this is not ours
RACY_NS = 2_000_000_000  # file systems keep times to the second or two (FAT, some network mounts)
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


class Stamp(NamedTuple):
    """What a file's status says of its content: equal stamps, same content,
    unless the file changed within the clock tick of the stamp (see ``trusted``)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> "Stamp":
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class Cached(NamedTuple):
    """A file's entry: its findings (with the path reports show), whether it was
    empty, and what the checks across files keep of it (book_checks.encode: one JSON text)."""

    diagnostics: list[Diagnostic]
    empty: bool
    book: Optional[str] = "[]"  # book_checks.encode's JSON text; None: made by a run of one file, which reads no entries
    with_fixes: bool = False  # its renumbering findings carry the renumbering (made for a JSON report)
    digest: str = ""  # the hash of the content it was made from
    numbering: Optional[str] = None  # book numbering: what the book-wide rules read (book_numbering.encode_summary)
    links: Optional[list[object]] = None  # check --urls: the file's links and their verdicts' hash (urls.cached_run)


class ResultCache:
    def __init__(self, folder: str, settings_key: str, warn: Callable[[str], None], root: str = "") -> None:
        self.root = folder
        self.project = os.path.abspath(root or os.path.dirname(os.path.abspath(folder)))
        self.folder = os.path.join(folder, FOLDER)
        salt = f"{__version__}\0{code_stamp()}\0{FORMAT}\0{settings_key}\0".encode("utf-8")
        self.index_path = os.path.join(self.folder, f"index-{blake2b(salt, digest_size=12).hexdigest()}.json")
        self.warn = warn
        self.writable = True
        self.entries: Optional[dict[str, list[object]]] = None  # the index, read on first use
        self.read_as: Optional[Stamp] = None  # the index file's stamp when it was read
        self.changed: dict[str, list[object]] = {}  # entries this run made
        self.kept_across: Optional[list[object]] = None  # [key, findings]: the last run's between files
        self.changed_across = False

    @classmethod
    def of_run(cls, settings: "Settings", cache_dir: Optional[str], warn: Callable[[str], None], urls: bool = False) -> "ResultCache":
        """The cache of a run with these settings, in ``cache_dir`` or the configured
        one. What a report shows (format, fixes, strict) is not part of the key: one
        entry a file, whichever command reads it. A ``--urls`` run keeps its own index
        (its entries hold links and their verdicts' hash: urls.cached_run)."""
        from citelint.config import cache_folder

        return cls(cache_dir or cache_folder(settings), repr(settings) + ("\0--urls" if urls else ""), warn)

    def name(self, path: str) -> str:
        """A file's name in the index: its path relative to the project root."""
        if path == STDIN:
            return path
        absolute = os.path.abspath(path)
        inside = self.project.rstrip(os.sep) + os.sep
        if absolute.startswith(inside):  # what relpath gives, without its work for each of a book's files
            return absolute[len(inside) :]
        return os.path.relpath(absolute, self.project)

    @staticmethod
    def digest(data: bytes) -> str:
        return blake2b(data, digest_size=20).hexdigest()

    def by_status(self, name: str, info: os.stat_result, shown: str) -> Optional[Cached]:
        """The entry of an unchanged file, from its status alone (no read)."""
        entry = self._entries().get(name)
        if entry is None or not _trusted(entry) or not stat.S_ISREG(info.st_mode) or _stamp(entry) != Stamp.of(info):
            return None
        return _cached(entry, shown)

    def by_content(self, name: str, digest: str, shown: str) -> Optional[Cached]:
        """The entry of a file whose content hashes to ``digest``."""
        entry = self._entries().get(name)
        if entry is None or entry[1] != digest:
            return None
        return _cached(entry, shown)

    def put(self, name: str, stamp: Optional[Stamp], digest: str, trusted: bool, cached: Cached) -> None:
        if not self.writable:
            return
        entry: list[object] = [list(stamp) if stamp else None, digest, trusted, cached.empty, [_encoded(d) for d in cached.diagnostics], cached.book, cached.with_fixes, cached.numbering, cached.links]
        if self._entries().get(name) != entry:
            self.changed[name] = entry

    def across(self, key: str) -> Optional[list[Diagnostic]]:
        """The findings between files (CIT014) of a run over files whose names and
        contents hash to ``key``, when the last such run's are kept."""
        self._entries()
        if self.kept_across is None or self.kept_across[0] != key:
            return None
        try:
            return [_diagnostic(item[:10], item[10]) for item in self.kept_across[1]]  # type: ignore[index]
        except (ValueError, TypeError, IndexError):
            return None

    def put_across(self, key: str, diagnostics: list[Diagnostic]) -> None:
        stored = [key, [[*_encoded(d), d.path] for d in diagnostics]]
        if self.writable and self.kept_across != stored:
            self.kept_across = stored
            self.changed_across = True

    def _entries(self) -> dict[str, list[object]]:
        if self.entries is None:
            self.entries, self.read_as, self.kept_across = self._read_index()
        return self.entries

    def _read_index(self) -> tuple[dict[str, list[object]], Optional[Stamp], Optional[list[object]]]:
        """The index's entries, its stamp as read, and the findings between files it keeps."""
        if not self._not_linked():
            return {}, None, None
        try:
            data, info = read_with_status(self.index_path, MAX_ENTRY_BYTES)
            index = json.loads(data)
        except (OSError, ValueError, RecursionError):
            return {}, None, None  # missing or corrupt (even nested too deeply to read): lint again
        if not (isinstance(index, dict) and index.get("format") == FORMAT and isinstance(index.get("files"), dict)):
            return {}, Stamp.of(info), None
        across = index.get("across")
        if not (isinstance(across, list) and len(across) == 2 and isinstance(across[0], str) and isinstance(across[1], list)):
            across = None
        return {name: entry for name, entry in index["files"].items() if _well_formed(entry)}, Stamp.of(info), across

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

    def save(self) -> None:
        """Write this run's entries into the index, with what other processes
        wrote since it was read; entries of files that are gone are dropped."""
        if not self.writable or not (self.changed or self.changed_across):
            return
        entries = self._entries()
        try:
            if os.path.exists(self.index_path) and Stamp.of(os.stat(self.index_path)) != self.read_as:
                entries = self._read_index()[0]  # another process wrote it meanwhile
        except OSError:
            pass
        entries.update(self.changed)
        entries = {name: entry for name, entry in entries.items() if name == STDIN or os.path.exists(os.path.join(self.project, name))}
        data = json.dumps({"format": FORMAT, "files": entries, "across": self.kept_across}, ensure_ascii=False, separators=(",", ":"))
        temp = None
        try:
            make_cache_folder(self.root, (FOLDER,))
            real_folder(self.folder)
            # A name no other process picks, created exclusively (what tempfile.mkstemp
            # does, without importing tempfile, shutil and random into every run);
            # the rename replaces a link in the index's place, never writes through it.
            temp = os.path.join(self.folder, f".tmp-{os.getpid()}-{os.urandom(8).hex()}.json")
            handle = os.open(temp, _CREATE, 0o644)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(temp, self.index_path)
        except OSError as error:
            if temp is not None and os.path.lexists(temp):
                os.unlink(temp)  # a full disk leaves no half-written index behind
            self._give_up(error)
        self.changed, self.changed_across = {}, False


def trusted_stamp(info: os.stat_result, started_ns: int) -> bool:
    """Whether a file read at ``started_ns`` can later be known unchanged by its
    status alone: not when it changed within RACY_NS before (an edit in the same
    clock tick as the read would leave the same status)."""
    return started_ns - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS


def _stamp(entry: list[object]) -> Optional[Stamp]:
    return Stamp(*entry[0]) if entry[0] is not None else None  # type: ignore[misc]


def _trusted(entry: list[object]) -> bool:
    return entry[2] is True


def _well_formed(entry: object) -> bool:
    """An index entry of this format's shape (its findings are checked when used)."""
    return (
        isinstance(entry, list)
        and len(entry) == 9
        and (entry[0] is None or (isinstance(entry[0], list) and len(entry[0]) == 4 and all(type(v) is int for v in entry[0])))
        and isinstance(entry[1], str)
        and isinstance(entry[2], bool)
        and isinstance(entry[3], bool)
        and isinstance(entry[4], list)
        and (entry[5] is None or isinstance(entry[5], str))
        and isinstance(entry[6], bool)
        and (entry[7] is None or isinstance(entry[7], str))
        and (entry[8] is None or isinstance(entry[8], list))
    )


def _cached(entry: list[object], shown: str) -> Optional[Cached]:
    """The entry's findings, named ``shown``; None (a miss) when one is not what this format holds."""
    try:
        return Cached([_diagnostic(item, shown) for item in entry[4]], bool(entry[3]), entry[5], bool(entry[6]), entry[1], entry[7], entry[8])  # type: ignore[union-attr,arg-type]
    except (ValueError, TypeError):
        return None


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
