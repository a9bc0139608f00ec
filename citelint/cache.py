"""The result cache: an unchanged file is not parsed again.

Like ruff's: one entry per file, named by a hash of its path, the effective
settings and the citelint version, and holding a hash of the content it was
linted from, under ``.citelint-cache/lint/`` at the project root (the folder
the URL checker shares). An entry is a hit only when the content hash matches;
an edited file's entry is replaced, so the cache holds one entry per file and
settings, however often the files change. Each entry is one small JSON file
written atomically, so parallel citelint processes (pre-commit runs hooks in
parallel) cannot tear one. A corrupt entry is a miss; a cache that cannot be
written is skipped with one warning, never an error.
"""

from __future__ import annotations

import json
import os
from typing import Callable, Optional

from citelint import __version__
from citelint.diagnostics import Diagnostic, Edit, Fix, Severity
from citelint.files import read_regular

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


def make_cache_folder(folder: str) -> None:
    """Create the cache folder with a ``.gitignore`` that keeps it out of git (so a
    forgotten ignore rule never commits it, and pre-commit never sees it change)
    and a ``CACHEDIR.TAG`` that keeps it out of backups, as ruff and pytest do."""
    os.makedirs(folder, exist_ok=True)
    for name, content in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        try:
            with open(os.path.join(folder, name), "x", encoding="utf-8") as handle:
                handle.write(content)
        except FileExistsError:
            pass


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
        self.prepared = False  # the cache folder made, with its .gitignore

    def key(self, path: str, text: str) -> str:
        """``entry.content``: the entry's name (path and settings), and the content hash."""
        entry = blake2b(self.salt + path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        content = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        return f"{entry}.{content}"

    def get(self, key: str, path: str) -> Optional[list[Diagnostic]]:
        entry, content = key.split(".")
        try:
            stored, items = json.loads(read_regular(os.path.join(self.folder, entry[:2], entry + ".json"), MAX_ENTRY_BYTES))
            if stored != content:
                return None  # the file changed since
            return [_diagnostic(item, path) for item in items]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # missing or corrupt (even nested too deeply to read): lint again

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        if not self.writable:
            return
        entry, content = key.split(".")
        folder = os.path.join(self.folder, entry[:2])
        data = json.dumps([content, [_encoded(d) for d in diagnostics]], ensure_ascii=False)
        temp = None
        try:
            if not self.prepared:
                make_cache_folder(self.root)
                self.prepared = True
            os.makedirs(folder, exist_ok=True)
            # A name no other process picks, created exclusively (what tempfile.mkstemp
            # does, without importing tempfile, shutil and random into every run).
            temp = os.path.join(folder, f".tmp-{os.getpid()}-{os.urandom(8).hex()}.json")
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(temp, os.path.join(folder, entry + ".json"))
        except OSError as error:
            if temp is not None and os.path.exists(temp):
                os.unlink(temp)  # a full disk leaves no half-written entry behind
            self.writable = False
            self.warn(f"the result cache in {self.folder} cannot be written ({error.strerror or error}); going on without it")


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


def _diagnostic(item: list, path: str) -> Diagnostic:  # type: ignore[type-arg]
    code, name, severity, line, column, end_line, end_column, message, fix, stands_for = item
    decoded = None
    if fix is not None:
        decoded = Fix(fix[0], tuple(Edit(*edit) for edit in fix[1]))
    return Diagnostic(code, name, Severity(severity), line, column, end_line, end_column, message, decoded, path, stands_for)
