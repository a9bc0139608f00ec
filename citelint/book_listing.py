"""What a book tool's file lists: the chapters in book order (``BookOrder``), and
the reading of such files: bounded, inside the project, UTF-8, each problem one line
naming the file (``BookError``). Shared by each tool's reader (book_tools) and the
book's order (book_order).
"""

import os
from typing import Any, Iterable, NamedTuple, Optional

from citelint.diagnostics import FileError, printable, shorten
from citelint.files import TooLarge, boundary_of, display_path, read_regular, repository_root
from citelint.strict_yaml import Unreadable, YamlError, YamlText, read_yaml

MAX_BOOK_FILE_BYTES = 1024 * 1024  # a SUMMARY.md, _quarto.yml, mkdocs.yml or _toc.yml past this is refused unread


class BookOrder(NamedTuple):
    """The chapters in book order and where the order comes from."""

    chapters: tuple[str, ...]  # paths as the working folder sees them
    source: str  # what the order comes from: "mdBook SUMMARY.md"
    listed_in: str  # the file that lists the chapters ("" for file-name order)
    folder: str  # the book's source folder: mdBook's src, the Quarto, bookdown or Jupyter Book project, Leanpub's manuscript, GitBook's root, MkDocs's docs_dir
    tool: str = ""  # "mdbook", "quarto", "bookdown", "leanpub", "gitbook", "mkdocs", "jupyter-book", "configuration", or "" for file names
    problems: tuple[FileError, ...] = ()  # listed chapters that do not exist, each naming the file and entry
    notes: tuple[FileError, ...] = ()  # a chapter listed twice (or under two names: a link), counted once


class BookError(Exception):
    """A book file that cannot be read: one line naming the file (and line)."""


def unique_chapters(paths: Iterable[str], where: str) -> tuple[tuple[str, ...], tuple[FileError, ...]]:
    """Each file once, at its first place: a chapter listed twice, or under two names
    (a symbolic link, ``./``), is one file of the book, said in a note (``where``: the
    listing). Linted twice, its entries would be the book's twice, and ``fix`` would
    write it twice."""
    first: dict[str, str] = {}  # real path -> the name it is listed under first
    notes: list[FileError] = []
    for path in map(display_path, paths):
        real = real_path(path)
        if real not in first:
            first[real] = path
        elif path == first[real]:
            notes.append(FileError(where, f"{path} is listed more than once; it is one chapter, checked at its first place in the book"))
        else:
            notes.append(FileError(where, f"{path} and {first[real]} are the same file; it is one chapter, checked at its first place in the book ({first[real]})"))
    return tuple(first.values()), tuple(dict.fromkeys(notes))


def folders_up(start: str) -> list[str]:
    """``start`` and each folder above it up to the repository root (``start`` alone outside one)."""
    folder = os.path.abspath(start)
    top = repository_root(folder)
    folders = [folder]
    while top is not None and folder != top and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        folders.append(folder)
    return folders


class Listed(NamedTuple):
    """A chapter as a book file lists it."""

    line: int  # 0 when no line of the listing names it (a default, a tool's first page)
    target: str  # as written, relative to the listing's base folder
    problem: str = ""  # why no chapter can be read from the line ("" when one is)


def listed_order(source: str, tool: str, listed_in: str, base: str, entries: Iterable[Listed]) -> BookOrder:
    chapters: list[str] = []
    problems: list[FileError] = []
    for entry in entries:
        where = f"{shown_path(listed_in)}:{entry.line}" if entry.line else shown_path(listed_in)
        if entry.problem:
            problems.append(FileError(where, entry.problem))
            continue
        path = os.path.normpath(os.path.join(base, entry.target))
        if os.path.isfile(path):
            chapters.append(shown_path(path))
        else:
            what = "is a folder, not a chapter file" if os.path.isdir(path) else "does not exist"
            problems.append(FileError(where, f"chapter {shorten(entry.target, 120)!r} {what} ({shown_path(path)})"))
    unique, notes = unique_chapters(chapters, shown_path(listed_in))
    return BookOrder(unique, source, shown_path(listed_in), shown_path(base), tool, tuple(problems), notes)


def shown_path(path: str) -> str:
    """A path as the working folder sees it (``../book/SUMMARY.md`` from a subfolder)."""
    try:
        return display_path(os.path.relpath(os.path.abspath(path)))
    except ValueError:  # another drive, on Windows
        return display_path(path)


def read_book_file(path: str) -> str:
    try:
        return read_regular(path, MAX_BOOK_FILE_BYTES).decode("utf-8-sig")
    except TooLarge:
        raise BookError(f"{shown_path(path)}: is larger than {MAX_BOOK_FILE_BYTES // (1024 * 1024)} MiB; not read") from None
    except UnicodeDecodeError:
        raise BookError(f"{shown_path(path)}: is not valid UTF-8") from None
    except OSError as error:
        raise BookError(f"{shown_path(path)}: cannot be read ({error.strerror or error})") from None


def within_project(manifest: str, written: str, key: str, shown: str = "") -> str:
    """``written`` (a folder or file a book tool's configuration names) from the
    configuration's folder; an error when it leads out of the project (the
    repository, else the configuration's folder): the book file there would be read."""
    folder = os.path.dirname(os.path.abspath(manifest))
    path = os.path.normpath(os.path.join(folder, written))
    if not boundary_of([repository_root(folder) or folder]).holds(path):
        raise BookError(f"{shown_path(manifest)}: {key} {shorten(shown or written, 120)!r} is outside the project ({printable(os.path.realpath(path))}); not read")
    return path


def yaml_file(path: str) -> Any:
    try:
        return read_yaml(read_book_file(path))
    except YamlError as error:
        raise BookError(f"{shown_path(path)}: {error}; citelint reads a plain subset of YAML (set 'chapters' in the configuration instead)") from None


def lookup(tree: Any, path: str, key: str) -> Any:
    """``tree[key]`` when ``tree`` is a mapping, else None; an unreadable value is an error."""
    tree = readable(tree, path)
    if not isinstance(tree, dict):
        return None
    return readable(tree.get(key), path)


def readable(value: Any, path: str) -> Any:
    if isinstance(value, Unreadable):
        raise BookError(f"{shown_path(path)}:{value.line}: {value.what} cannot be read by citelint's YAML reader; write it plainly, or set 'chapters' in the configuration")
    return value


def yaml_string(tree: Any, manifest: str, key: str) -> Optional[str]:
    """The string at ``key`` of a YAML mapping, None when it is not there; anything
    else (a list, an empty string) is an error naming its line."""
    value = lookup(tree, manifest, key)
    if value is None:
        return None
    if not isinstance(value, YamlText) or not value.strip():
        line = f":{value.line}" if isinstance(value, YamlText) else ""
        raise BookError(f"{shown_path(manifest)}{line}: {key!r} must be a path")
    return str(value)


def as_list(node: Any, manifest: str, key: str) -> list[Any]:
    node = readable(node, manifest)
    if node is None:
        return []
    if isinstance(node, YamlText):
        return [node]
    if not isinstance(node, list):
        raise BookError(f"{shown_path(manifest)}: {key!r} must be a list of file names")
    return node


def real_path(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))
