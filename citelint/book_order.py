"""The chapters of a book and their order: from the configuration's ``chapters``
(globs allowed), else from the book tool the project uses (book_tools), else the
file names in natural order (numbers compared as numbers: ``ch2`` before ``ch10``).
"""

import os
import re
from typing import Any, Iterable, NamedTuple, Optional

from citelint.book_listing import BookError, BookOrder, real_path, shown_path, unique_chapters
from citelint.book_tools import find_book_tool
from citelint.config import Settings, reading_boundary
from citelint.diagnostics import FileError, shorten
from citelint.files import STDIN, collect, display_path


class BookFiles(NamedTuple):
    """The files of the book in order, where the order comes from, and what to say."""

    files: tuple[str, ...]
    source: str  # "mdBook SUMMARY.md", "the configuration's chapters", "file names"
    notes: tuple[FileError, ...]
    errors: tuple[FileError, ...]


def book_files(paths: Iterable[str], settings: Settings) -> BookFiles:
    """The book's files, whatever subset of it ``paths`` names (a pre-commit hook's
    staged files, one chapter): book numbering is judged over the whole book. The
    book is found from the configured ``chapters``, else the book tool found from
    the configured ``paths`` (else the paths given, else the current folder), else
    the file names there; the configured ``bibliography`` comes last when no
    chapter is that file. A note says so when the paths given are not the book."""
    given = tuple(path for path in paths if path != STDIN)
    try:
        order = _order(given, settings)
    except BookError as error:
        return BookFiles((), "", (), (FileError("book", str(error)),))
    files = list(order.chapters)
    errors = list(order.problems)
    if settings.bibliography:
        if not os.path.isfile(settings.bibliography):
            errors.append(FileError(display_path(settings.bibliography), "the configured bibliography does not exist"))
        elif real_path(settings.bibliography) not in {real_path(path) for path in files}:
            files.append(display_path(settings.bibliography))
    boundary = reading_boundary(settings, given)  # the configuration's bibliography reaches no further than its chapters (``_bounded``)
    if settings.bibliography and files and files[-1] == display_path(settings.bibliography) and not boundary.holds(files[-1]):
        errors.append(boundary.refusal(files.pop()))
    notes = list(order.notes)
    if given and given not in ((".",), settings.paths):  # paths named on the command line (or by pre-commit)
        where = order.source + (f" ({order.listed_in})" if order.listed_in else "")
        named, _ = collect(given, settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=boundary)
        chapters = {real_path(path) for path in files}
        if not chapters <= {real_path(path) for path in named}:
            notes.append(FileError("book", f'numbering = "book": checking the whole book ({len(files)} files, in order from {where}), not only the paths given'))
        extra = [display_path(path) for path in named if real_path(path) not in chapters]
        if extra:
            shown_extra = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
            notes.append(FileError("book", f'numbering = "book": {shown_extra} {"is" if len(extra) == 1 else "are"} not in the book (order from {where}) and not checked'))
    return BookFiles(tuple(files), order.source, tuple(notes), tuple(errors))


def _order(given: tuple[str, ...], settings: Settings) -> BookOrder:
    """The order written down (``written_order``), else the file names (``book_paths``)."""
    return written_order(given, settings) or file_name_order(book_paths(given, settings), settings)


def book_paths(given: tuple[str, ...], settings: Settings) -> tuple[str, ...]:
    """Where the book's files are when no order is written down: the configured
    ``paths``, else the folders of the paths given (``book_folders``), else the
    current folder."""
    return settings.paths or book_folders(given) or (".",)


def book_folders(given: tuple[str, ...]) -> tuple[str, ...]:
    """Where the book is when its order comes from file names and paths are given:
    each folder given, and the folder of each file given (once, in the order given;
    not one inside another). A chapter given alone (``check ch2.md``, a pre-commit
    hook's staged files, the editor's open chapter) is judged within its folder's
    book, as ``check`` of that folder judges it: alone, it would be a book of one.
    A path that does not exist stays as given, to be reported."""
    folders = dict.fromkeys(os.path.dirname(path) or "." if os.path.isfile(path) else path for path in given)
    reals = {folder: real_path(folder) for folder in folders}
    held = {reals[folder] for folder in folders if os.path.isdir(folder)}
    return tuple(folder for folder in folders if not _inside_one_of(reals[folder], held))


def _inside_one_of(real: str, folders: set[str]) -> bool:
    """Whether a folder above ``real`` is one of ``folders`` (real paths): each folder
    above it looked up, not each of the folders compared with it (a pre-commit hook
    names a staged file in each of thousands of folders)."""
    above = os.path.dirname(real)
    while above != real:
        if above in folders:
            return True
        real, above = above, os.path.dirname(above)
    return False



_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str) -> tuple[Any, ...]:
    """Sorts ``ch2`` before ``ch10``: runs of digits compared as numbers (by length
    without leading zeros, then digits: no int of a million digits is made)."""
    parts = _DIGITS.split(path.casefold())
    key = tuple((len(part.lstrip("0")), part.lstrip("0")) if index % 2 else part for index, part in enumerate(parts))
    return (key, path)


def natural_order(paths: Iterable[str]) -> list[str]:
    return sorted(paths, key=natural_key)


def book_order(paths: Iterable[str], settings: Settings) -> BookOrder:
    """The book's chapters: configured, else from its book tool, else by file name."""
    paths = tuple(paths) or (".",)
    if settings.chapters:
        return _bounded(configured_order(settings), settings, paths)
    tool_order = find_book_tool(_start_folder(paths))
    if tool_order is not None:
        return _bounded(tool_order, settings, paths)
    return file_name_order(paths, settings)


def _bounded(order: BookOrder, settings: Settings, given: tuple[str, ...]) -> BookOrder:
    """``order`` without the chapters outside the project (``config.reading_boundary``),
    each a problem: a configuration's ``chapters`` and a book tool's list are written
    by whoever writes the book, a stranger's pull request too."""
    boundary = reading_boundary(settings, given)
    outside = [path for path in order.chapters if not boundary.holds(path)]
    if not outside:
        return order
    refused = set(outside)
    return order._replace(chapters=tuple(path for path in order.chapters if path not in refused), problems=(*order.problems, *map(boundary.refusal, outside)))


def known_order(paths: Iterable[str], settings: Settings) -> Optional[tuple[str, ...]]:
    """The book's chapters when their order is written down (``written_order``),
    else None: file names decide nothing the run's order does not. A book file
    that cannot be read is None too: in chapter numbering the book's order only
    orders CIT014's comparison, and the book files are not what is checked."""
    try:
        found = written_order(tuple(paths), settings)
    except BookError:
        return None
    return found.chapters if found is not None else None


def written_order(given: tuple[str, ...], settings: Settings) -> Optional[BookOrder]:
    """The configuration's ``chapters``, else the first book tool found from the
    configured ``paths``, the paths given, the configuration's folder or the
    current folder; None when there is neither."""
    if settings.chapters:
        return _bounded(configured_order(settings), settings, given)
    starts = [start for start in (settings.paths, given, (display_path(settings.root),) if settings.source else (), (".",)) if start]
    found = find_book_tool(*(_start_folder(start) for start in starts))
    return _bounded(found, settings, given) if found is not None else None


def _start_folder(paths: tuple[str, ...]) -> str:
    first = next((path for path in paths if os.path.isdir(path)), None)
    if first is not None:
        return first
    return os.path.dirname(paths[0]) or "."


def configured_order(settings: Settings) -> BookOrder:
    """The ``chapters`` of the configuration: each entry a file or a glob (its matches
    in natural order); an entry that names no file is a problem naming it."""
    chapters: list[str] = []
    problems: list[FileError] = []
    where = shown_path(settings.source) if settings.source else "configuration"
    # A glob matching a chapter listed already does not list it again. The chapters
    # listed, each path's name and whether each glob matched a file are kept: up to
    # 1,000 globs may each match the same thousands of files (each glob once made
    # every chapter's name again, and sorted and looked at every match).
    listed: set[str] = set()
    names: dict[str, str] = {}
    matched: dict[str, bool] = {}  # a glob written again lists nothing new

    def name(path: str) -> str:
        if path not in names:
            names[path] = display_path(path)
        return names[path]

    for entry in settings.chapters:
        if re.search(r"[*?[]", entry):
            import glob

            if entry in matched:
                new = []
            else:
                matches = glob.glob(entry, recursive=True)
                new = [match for match in matches if name(match) not in listed and os.path.isfile(match)]
                matched[entry] = bool(new) or any(name(match) in listed for match in matches)
            if not matched[entry]:
                problems.append(FileError(where, f"'chapters' entry {shorten(entry, 120)!r} matches no file"))
            chapters.extend(natural_order(new))
            listed.update(map(name, new))
        elif os.path.isfile(entry):
            chapters.append(entry)
            listed.add(name(entry))
        else:
            problems.append(FileError(where, f"'chapters' entry {shorten(entry, 120)!r}: no such file"))
    folder = settings.root or "."
    unique, notes = unique_chapters(chapters, where)
    return BookOrder(unique, "the configuration's chapters", where, folder, "configuration", tuple(problems), notes)


def file_name_order(paths: Iterable[str], settings: Settings) -> BookOrder:
    """The files of each path, in natural order (paths in the order given)."""
    chapters: list[str] = []
    problems: list[FileError] = []
    paths = tuple(paths)
    boundary = reading_boundary(settings, paths)
    for path in paths:
        found, errors = collect([path], settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=boundary)
        chapters.extend(natural_order(found))
        problems.extend(errors)
    folder = _start_folder(tuple(paths))
    unique, notes = unique_chapters(chapters, "book")
    return BookOrder(unique, "file names (numbers compared as numbers)", "", folder, "", tuple(problems), notes)
