"""Finding and reading the files to lint: the I/O edge of citelint."""

import errno
import functools
import os
import re
import stat
import sys
from fnmatch import translate as fnmatch_translate
from typing import Iterable, Iterator, NamedTuple, Optional, Union

from citelint.diagnostics import FileError, printable

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


class GlobSet:
    """Globs, each translated once into a regular expression and all joined into one
    for each way a name is matched (as ruff's globset joins them): a name is matched
    once for all the globs, not once a glob (1,000 globs over thousands of files were
    a million fnmatch calls). A name matches a glob as ``fnmatch`` matches it whole
    (with each ``**/`` also matching no folder), or as ``PurePosixPath.match`` matches
    its last parts (``book/*.md`` matches ``src/book/ch1.md``).

    The parts of a path are joined with NUL for the second, in reverse order (a path
    holds no NUL): each part's pattern then cannot cross into the next, and each glob
    is tried once, at the start."""

    __slots__ = ("_whole", "_parts", "_as_written", "_before_slash", "_empty")

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = tuple(dict.fromkeys(patterns))
        self._empty = not patterns
        self._whole = _joined(_translated(variant) for pattern in patterns for variant in _glob_variants(pattern))
        self._parts = _joined(filter(None, map(_parts_regex, patterns)))
        self._as_written = _joined(map(_translated, patterns))
        # as written, matching a name up to a ``/`` of it: a folder above a path
        self._before_slash = _joined(_translated(pattern)[: -len(_END)] + "(?=/)" for pattern in patterns)

    def matches(self, name: str) -> bool:
        """The name matches one of the globs (see the class)."""
        if self._empty:
            return False
        if self._whole.match(os.path.normcase(name)):
            return True
        parts = _path_parts(name)
        return bool(parts) and self._parts.match(_PART_JOINT.join(reversed(parts))) is not None

    def matches_as_written(self, name: str) -> bool:
        """``fnmatch`` with a glob as written: ``*`` crosses ``/``, ``**/`` needs a folder."""
        return not self._empty and self._as_written.match(os.path.normcase(name)) is not None

    def matches_a_folder_of(self, name: str) -> bool:
        """A folder the name goes through (``a``, ``a/b`` of ``a/b/c``) matches a glob as
        written: one search of the name, however deep (each folder matched on its own
        was quadratic in a path nested thousands deep)."""
        return not self._empty and self._before_slash.match(os.path.normcase(name)) is not None


_END = r"\Z"  # how ``fnmatch.translate`` ends its expression
_PART_JOINT = "\0"
_NO_MATCH = "(?!)"


def _translated(pattern: str) -> str:
    """``fnmatch.translate`` of the pattern as ``fnmatch`` cases it."""
    translated = fnmatch_translate(os.path.normcase(pattern))
    if not translated.endswith(_END):  # a Python whose fnmatch ends otherwise: still exact
        translated = f"(?:{translated})" + _END
    return translated


def _joined(expressions: Iterable[str]) -> "re.Pattern[str]":
    """One pattern of the alternatives (fnmatch's translations are made to be joined so)."""
    return re.compile("|".join(expressions) or _NO_MATCH)


def _path_parts(name: str) -> tuple[str, ...]:
    """``PurePosixPath(name).parts``, split in C (pathlib steps through each part in
    Python, and a walk matches each folder of a path nested thousands deep): the root
    (``/``, or ``//`` exactly), then the parts that are neither empty nor ``.``."""
    parts = name.split("/")
    if "" in parts or "." in parts:
        parts = [part for part in parts if part and part != "."]
    if name.startswith("/"):
        return ("//" if name.startswith("//") and not name.startswith("///") else "/", *parts)
    return tuple(parts)


def _parts_regex(pattern: str) -> str:
    """``PurePosixPath(path).match(pattern)`` as an expression over the path's parts
    joined with NUL, last part first: the pattern's parts from its last, each as
    ``fnmatch`` reads a part (its ``*``, ``?`` and classes never match the joint);
    a relative pattern ends anywhere at a joint, an absolute one at the path's root.
    A pattern of no parts (``.``) matches nothing (``match`` refused it: an error)."""
    parts = _path_parts(pattern)
    if not parts:
        return ""
    rooted = parts[0] in ("/", "//")
    names = parts[1:] if rooted else parts
    body = _PART_JOINT.join(_part_regex(part) for part in reversed(names))
    if rooted:
        return "(?:" + body + (_PART_JOINT if names else "") + re.escape(parts[0]) + _END + ")"
    return "(?:" + body + f"(?:{_PART_JOINT}|{_END}))"


def name_pattern(glob: str) -> str:
    """A glob of one name (no ``/``) as ``fnmatch`` matches a name, over names joined
    with NUL: its ``*``, ``?`` and classes never match the joint."""
    return _part_regex(glob)


def folder_glob(entry: str) -> bool:
    """A glob (``glob.glob``'s) with a wildcard in a folder (``part*/ch1.md``) or a
    ``**`` name: glob walks folders for it, and lists a folder for each such glob."""
    folder, name = os.path.split(entry)
    return name == "**" or _MAGIC.search(folder) is not None


_MAGIC = re.compile("[*?[]")  # what makes a path a glob (``glob.has_magic``)


def _part_regex(part: str) -> str:
    """One part of a glob as ``fnmatch.translate`` reads it, over one part of a path:
    its classes found as translate finds them, and translated by it."""
    pieces = []
    index, length = 0, len(part)
    while index < length:
        character = part[index]
        index += 1
        if character == "*":
            pieces.append(f"[^{_PART_JOINT}]*")
        elif character == "?":
            pieces.append(f"[^{_PART_JOINT}]")
        elif character == "[":
            end = index
            if end < length and part[end] == "!":
                end += 1
            if end < length and part[end] == "]":
                end += 1
            while end < length and part[end] != "]":
                end += 1
            if end >= length:
                pieces.append(re.escape(character))
            else:
                pieces.append(f"(?!{_PART_JOINT})" + fnmatch_translate(part[index - 1 : end + 1]).removesuffix(_END))  # pathlib cases no part
                index = end + 1
        else:
            pieces.append(re.escape(character))
    return "".join(pieces)


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
    from_root = _relative(os.path.abspath(path), root) if root else None
    return any(_matches_excluded(name, patterns, folders_checked) for name in matched_names(path, from_root))


def _relative(path: str, root: str) -> str:
    """``os.path.relpath(path, root)`` of an absolute path: sliced when the path is
    inside ``root`` (relpath joins the parts one call each, and a walk asks for each
    folder of a path nested thousands deep)."""
    inside = root if root.endswith(os.sep) else root + os.sep
    if path.startswith(inside) and not path.startswith(os.sep * 2) and len(path) > len(inside):
        return path[len(inside) :]
    return os.path.relpath(path, root)


def _matches_excluded(path: str, patterns: tuple[str, ...], folders_checked: bool = False) -> bool:
    """The path, one of its parts or a folder it goes through (only its last part in a
    walk) matches a glob: each asked of all the globs at once (``GlobSet``)."""
    globs = exclude_globs(patterns)
    posix = path.replace(os.sep, "/").removeprefix("./")
    if globs.matches(posix):
        return True
    parts = posix.split("/")
    names = parts[-1:] if folders_checked else parts
    if any(globs.matches_as_written(name) for name in names):
        return True
    return not folders_checked and globs.matches_a_folder_of(posix)


@functools.lru_cache(maxsize=8)
def exclude_globs(patterns: tuple[str, ...]) -> GlobSet:
    """The ``exclude`` globs as matched (``./`` and a trailing ``/`` dropped), made once a run."""
    return GlobSet(pattern.removeprefix("./").rstrip("/") for pattern in patterns)


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
