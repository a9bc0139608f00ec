"""Finding and reading the files to lint: the I/O edge of citelint."""

import errno
import functools
import itertools
import os
import stat
import sys
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Optional, Union

from citelint.diagnostics import FileError, printable

if TYPE_CHECKING:
    from pathlib import PurePosixPath

MARKDOWN_SUFFIXES = (".md", ".markdown")  # what a folder walk finds by default (``extensions``)
# Names of Markdown files (a file named otherwise is a plain-text chapter).
MARKDOWN_NAMES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdx", ".qmd", ".rmd")
# Folders of installed software, never a manuscript; skipped when searching a folder
# (a path given explicitly is still linted).
SKIPPED_FOLDERS = frozenset({"node_modules", "site-packages", "__pycache__", "__pypackages__", "venv"})
STDIN = "-"  # the path that names standard input
MAX_FILE_BYTES = 16 * 1024 * 1024  # a 2.5-million-word chapter; past it a file is refused, not parsed
BINARY_SNIFF_BYTES = 8192
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def reads_as_plain_text(path: str) -> bool:
    """A file whose name is not a Markdown file's (``chapter.txt``) is a plain-text
    chapter; standard input and unnamed text are Markdown."""
    name = path.rsplit("/", 1)[-1].lower()
    return "." in name and not name.endswith(MARKDOWN_NAMES)


def repository_root(start: str) -> Optional[str]:
    """The nearest folder at or above ``start`` that holds ``.git``, or None: where
    the configuration search stops, the project root and SARIF's paths start."""
    folder = start
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def posix(path: str) -> str:
    return path.replace(os.sep, "/")


def glob_match(path: str, pattern: str, parsed: "Optional[PurePosixPath]" = None) -> bool:
    """fnmatch on the whole path, or a match of the pattern's parts from the right.
    ``**/`` stands for any folders, none included, as in ruff's and git's globs
    (``**/book/**`` matches ``book/ch1.md``). ``parsed``: the path as a
    ``PurePosixPath``, made once when many patterns are matched (parsing a path
    nested hundreds deep costs more than matching it)."""
    if any(fnmatch(path, variant) for variant in _glob_variants(pattern)):
        return True
    from pathlib import PurePosixPath

    return (parsed or PurePosixPath(path)).match(pattern)


MAX_GLOB_FOLDER_RUNS = 4  # past this many ``**/`` a pattern is matched as written (2**4 variants)


@functools.lru_cache(maxsize=256)
def _glob_variants(pattern: str) -> tuple[str, ...]:
    """The pattern, and the pattern with each ``**/`` matching no folder: fnmatch's
    ``*`` crosses ``/``, so ``**/`` alone asks for at least one."""
    pieces = pattern.split("**/")
    if len(pieces) == 1 or len(pieces) > MAX_GLOB_FOLDER_RUNS + 1:
        return (pattern,)
    variants = [pieces[0]]
    for piece in pieces[1:]:
        variants = [variant + joint + piece for variant in variants for joint in ("**/", "")]
    return tuple(dict.fromkeys(variants))


class NotRegularFile(OSError):
    """A pipe, socket or device: reading it could block forever or never end."""


class TooLarge(OSError):
    """A file over the size limit, refused before any of it is read."""


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see ``read_with_status``)."""
    return read_with_status(path, limit)[0]


def read_with_status(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes, and its status as
    opened. Anything else is refused from its status, before it is opened
    (opening a device can act on it); the file is then opened without blocking
    (a pipe would wait for a writer) and checked again, in case another was put
    in its place. The read is sized from that status, not from the limit (a
    16 MiB buffer for every 30 kB chapter costs more than the reading)."""
    _check_regular(os.stat(path), path, limit)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(descriptor)
        _check_regular(info, path, limit)
        with open(descriptor, "rb", buffering=0, closefd=False) as handle:
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grows while being read: on to the limit
                data += handle.read(limit + 1 - len(data))
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise TooLarge(errno.EFBIG, "is too large", path)
    return data, info


def _check_regular(info: os.stat_result, path: str, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, "is not a regular file", path)
    if info.st_size > limit:
        raise TooLarge(errno.EFBIG, "is too large", path)


class Boundary(NamedTuple):
    """Where files are read from: the project (``config.reading_boundary``) and what the
    command line names. A configuration, a book tool's list of chapters or a symbolic
    link in the checkout (all of which a stranger's pull request writes) reaches no
    file past it: its text would be quoted in public CI logs."""

    roots: tuple[str, ...]  # real paths, each without a trailing separator

    def holds(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root + os.sep) or root == os.sep for root in self.roots)

    def refusal(self, path: str) -> FileError:
        return FileError(display_path(path), f"is outside the project ({printable(os.path.realpath(path))}); not read (outside the project, only paths the command line names there are)")


def boundary_of(roots: Iterable[str]) -> Boundary:
    return Boundary(tuple(dict.fromkeys(os.path.realpath(root) for root in roots)))


class SourceFile(NamedTuple):
    """A file's display path and its decoded text."""

    path: str
    text: str


def matched_names(path: str, from_root: Optional[str]) -> tuple[str, ...]:
    """The names a glob matches a path by: as given, and from the project's root
    (``from_root``, the path relative to it; None without a root). An absolute path
    inside the project (an editor's, or one typed) goes by the second only: the
    folders above the project are no part of it. For ``exclude`` and ``per-file-ignores``."""
    if from_root is None or from_root == ".." or from_root.replace(os.sep, "/").startswith("../"):
        return (path,)
    if os.path.isabs(path):
        return (from_root,)
    return tuple(dict.fromkeys((path, from_root)))


def is_excluded(path: str, patterns: Iterable[str], root: str = "", folders_checked: bool = False) -> bool:
    """True when the path, or any folder on it, matches an ``exclude`` glob: the
    path as given, or (with ``root``, the configuration file's folder) the path
    from that folder, wherever citelint runs from. An absolute path inside ``root``
    (an editor's, or one typed) is matched from ``root`` only: the folders above the
    project are no part of it (a project in a folder named ``book`` that excludes
    mdBook's output ``book`` would exclude every chapter).
    With ``folders_checked`` (a folder walk, which goes into no folder excluded), the
    folders on the path are not matched again: only the path and its last part."""
    patterns = tuple(patterns)
    if not patterns:
        return False
    from_root = os.path.relpath(os.path.abspath(path), root) if root else None
    return any(_matches_excluded(name, patterns, folders_checked) for name in matched_names(path, from_root))


def _matches_excluded(path: str, patterns: tuple[str, ...], folders_checked: bool = False) -> bool:
    posix = path.replace(os.sep, "/").removeprefix("./")
    parts = posix.split("/")
    # The folders on the path, made once for all the patterns (each pattern made them
    # again: cubic in a walk of folders nested hundreds deep, each folder matching
    # its whole path again); the whole path is glob_match's.
    folders = [] if folders_checked else list(itertools.accumulate(parts[:-1], lambda above, part: f"{above}/{part}"))
    names = parts[-1:] if folders_checked else parts
    from pathlib import PurePosixPath

    parsed = PurePosixPath(posix)
    for pattern in patterns:
        pattern = pattern.removeprefix("./").rstrip("/")
        if glob_match(posix, pattern, parsed):
            return True
        if any(fnmatch(name, pattern) for name in names) or any(fnmatch(folder, pattern) for folder in folders):
            return True
    return False


def collect(
    paths: Iterable[str], exclude: Iterable[str] = (), *, root: str = "", suffixes: tuple[str, ...] = MARKDOWN_SUFFIXES, boundary: Optional[Boundary] = None
) -> tuple[list[str], list[FileError]]:
    """Expand paths to the files to lint: explicit files whatever their name,
    directories searched for names ending in ``suffixes`` (``Settings.suffixes``;
    hidden ones skipped). ``exclude`` globs match paths as given and from ``root``.
    ``boundary``: a file past it (a path, or a symbolic link on the way) is an error."""
    exclude = tuple(exclude)
    found: list[str] = []
    errors: list[FileError] = []
    for path in paths:
        if not path:
            errors.append(FileError('""', "an empty path names no file"))
            continue
        if path == STDIN:
            found.append(path)
            continue
        if is_excluded(path, exclude, root) and path != ".":
            continue
        if os.path.isdir(path):
            if boundary is not None and not boundary.holds(path):
                errors.append(boundary.refusal(path))
                continue
            linked: list[str] = []  # files reached through a symbolic link: each is judged by where it leads
            try:
                files = sorted(_walk(path, _Walk(exclude, root, suffixes), errors, linked))
            except OSError as error:
                errors.append(FileError(display_path(path), f"cannot be read: {error.strerror or error}"))
                continue
            if boundary is not None and linked:
                outside = {file for file in linked if not boundary.holds(file)}
                errors += [boundary.refusal(file) for file in sorted(outside)]
                files = [file for file in files if file not in outside]
            if not files:
                errors.append(FileError(display_path(path), f"no {_kind(suffixes)} in this directory"))
            found.extend(files)
        elif os.path.exists(path) or os.path.islink(path):
            if boundary is not None and os.path.exists(path) and not boundary.holds(path):
                errors.append(boundary.refusal(path))
                continue
            found.append(path)
        else:
            errors.append(FileError(display_path(path), "no such file or directory"))
    return list(dict.fromkeys(found)), errors


def _kind(suffixes: tuple[str, ...]) -> str:
    globs = ", ".join(f"*{suffix}" for suffix in suffixes)
    return f"Markdown files ({globs})" if suffixes == MARKDOWN_SUFFIXES else f"files named {globs}"


class _Walk(NamedTuple):
    """What a folder walk skips and finds."""

    exclude: tuple[str, ...]
    root: str  # the configuration file's folder, for exclude globs
    suffixes: tuple[str, ...]


def _walk(root: str, walk: _Walk, errors: list[FileError], linked: list[str]) -> Iterator[str]:
    """The files under ``root`` with one of ``walk.suffixes``, depth first without recursion (a folder
    nested thousands deep is walked like any other), each real folder once
    (symbolic links are followed, loops are not); a folder that cannot be listed
    is reported and the others are still walked. ``linked`` gets each file found
    through a symbolic link (itself one, or in a folder reached through one)."""
    info = os.stat(root)
    seen = {(info.st_dev, info.st_ino)}  # folders by identity: a link back up is not walked again
    stack = [(root, False)]
    while stack:
        folder, through_link = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            if folder == root:
                raise
            errors.append(FileError(display_path(folder), f"folder cannot be read: {error.strerror or error}; skipped"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                is_folder = entry.is_dir()  # follows symbolic links
                if is_folder:
                    info = entry.stat()
                    identity = (info.st_dev, info.st_ino)
            except OSError:
                is_folder = False
            if is_folder:
                if identity not in seen and name not in SKIPPED_FOLDERS and not is_excluded(path, walk.exclude, walk.root, folders_checked=True):
                    seen.add(identity)
                    stack.append((path, through_link or _is_link(entry)))
            elif name.lower().endswith(walk.suffixes) and not is_excluded(path, walk.exclude, walk.root, folders_checked=True):
                if through_link or _is_link(entry):
                    linked.append(path)
                yield path


def _is_link(entry: "os.DirEntry[str]") -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True  # judged by where it leads


def read_source(path: str) -> Union[SourceFile, FileError]:
    """Read a file (or standard input, ``-``) as UTF-8 text, or say in one line
    why it cannot be linted."""
    read = read_file(path)
    return read if isinstance(read, FileError) else decode(path, read[0])


def read_file(path: str) -> Union[tuple[bytes, Optional[os.stat_result]], FileError]:
    """A chapter's bytes and status (none for standard input, ``-``), or say in one
    line why it cannot be read."""
    if path == STDIN:
        try:
            return sys.stdin.buffer.read(MAX_FILE_BYTES + 1), None
        except (OSError, ValueError, AttributeError) as error:  # closed, or no stdin at all
            return FileError(path, f"standard input cannot be read: {getattr(error, 'strerror', None) or error}")
    try:
        return read_with_status(path, MAX_FILE_BYTES)
    except NotRegularFile:
        return FileError(path, "is not a regular file (a pipe, socket or device); not linted")
    except TooLarge:  # said before reading any of it, from the file's size
        return FileError(path, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not linted")
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except FileNotFoundError:
        if os.path.islink(path):
            return FileError(path, "is a symbolic link to nothing (its target does not exist)")
        return FileError(path, "no such file (it may have been removed while citelint ran)")
    except PermissionError:
        return FileError(path, "cannot be read: permission denied")
    except OSError as error:
        return FileError(path, f"cannot be read: {error.strerror or error}")


def decode(path: str, data: bytes) -> Union[SourceFile, FileError]:
    """A file's bytes as UTF-8 text, or why they are not."""
    if len(data) > MAX_FILE_BYTES:
        return FileError(path, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not linted")
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return FileError(path, f"is {encoding} encoded, not UTF-8; save it as UTF-8")
    if b"\x00" in data[:BINARY_SNIFF_BYTES] or b"\x00" in data:
        return FileError(path, "looks like a binary file (it contains NUL bytes); not linted")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        return FileError(path, f"is not valid UTF-8 (byte 0x{byte:02x} at line {line}, byte {column}); save it as UTF-8")
    return SourceFile(path, text)


def shown_path(path: str, stdin_name: str = STDIN) -> str:
    """How reports name a path: standard input by ``stdin_name``, a file by its display path."""
    return display_path(stdin_name if path == STDIN else path)


def display_path(path: str) -> str:
    """The path as reports show it: as given, normalised, with ``/`` separators.

    Control characters and bytes that are not UTF-8 are shown escaped (``\\n``,
    ``\\xff``), so that one finding stays one line and no file name can send
    escape sequences to a terminal or fail to encode in a report.
    """
    return printable(os.path.normpath(path).replace(os.sep, "/"))
