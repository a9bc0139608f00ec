"""The chapters of a book and their order: from the configuration's ``chapters``
(globs allowed), else from the book tool the project uses (book_tools), else the
file names in natural order (numbers compared as numbers: ``ch2`` before ``ch10``).
"""

import os
import re
from fnmatch import translate
from typing import Any, Iterable, NamedTuple, Optional

from citelint.book_listing import BookError, BookOrder, real_path, shown_path, unique_chapters
from citelint.book_tools import find_book_tool
from citelint.config import Settings, reading_boundary
from citelint.diagnostics import FileError, shorten
from citelint.files import STDIN, collect, display_path, folder_glob, name_pattern


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

    folders = _folder_globs(settings.chapters)
    for entry in settings.chapters:
        if re.search(r"[*?[]", entry):
            if entry in matched:
                new = []
            elif entry in folders:  # a glob of names in one folder: the folder listed once for all its globs
                candidates = folders[entry].first_matched(entry)
                new = [match for match in candidates if name(match) not in listed and os.path.isfile(match)]
                matched[entry] = bool(new) or folders[entry].matches_a_file(entry)
            else:
                import glob

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


class _FolderGlobs:
    """The globs of ``chapters`` that match names in one folder (``ch*.md``,
    ``part1/*.md``), matched as ``glob.glob`` matches them (a hidden name only by a glob
    that starts with ``.``, ``fnmatch`` on each name), with the folder listed once and
    each name matched once against all of them: each glob listed the folder and matched
    each name again (1,000 globs over 4,000 files: 2.8 s)."""

    def __init__(self, folder: str, globs: list[str]) -> None:
        self.folder = folder
        self.first: dict[str, list[str]] = {glob: [] for glob in globs}  # the names no glob before matches
        names, files = self._listing()
        patterns = [os.path.normcase(os.path.basename(glob)) for glob in globs]
        for hidden in (False, True):
            chosen = [(glob, pattern) for glob, pattern in zip(globs, patterns) if pattern.startswith(".") == hidden]
            if not chosen:
                continue
            first = _FirstMatch([translate(pattern) for _, pattern in chosen])
            for listed_name in names:
                if listed_name.startswith(".") == hidden:
                    found = first.index(os.path.normcase(listed_name))
                    if found is not None:
                        self.first[chosen[found][0]].append(os.path.join(folder, listed_name) if folder else listed_name)
        visible = [os.path.normcase(file) for file in files if not file.startswith(".")]
        hidden_files = [os.path.normcase(file) for file in files if file.startswith(".")]
        self._files = {False: _joined_names(visible), True: _joined_names(hidden_files)}
        self._patterns = dict(zip(globs, patterns))

    def _listing(self) -> tuple[list[str], list[str]]:
        """The folder's names, and those of its files (``glob``'s listing: nothing when it cannot be listed)."""
        names: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(self.folder or os.curdir) as listing:
                for entry in listing:
                    names.append(entry.name)
                    try:
                        if entry.is_file():
                            files.append(entry.name)
                    except OSError:
                        pass
        except OSError:
            pass
        return names, files

    def first_matched(self, glob: str) -> list[str]:
        """The paths ``glob`` matches that no glob of this folder before it matches, in the folder's order."""
        return self.first[glob]

    def matches_a_file(self, glob: str) -> bool:
        """``glob`` matches a file of the folder: one search of the files' names."""
        pattern = self._patterns[glob]
        return re.search("\0" + name_pattern(pattern) + "(?=\0)", self._files[pattern.startswith(".")]) is not None


class _FirstMatch:
    """Which of several expressions (``fnmatch``'s, each ending with ``\\Z``) matches a
    name first: halves of the list, each joined into one expression (compiled when
    first asked for), asked from the whole list down, ~log2 of their number a name.
    A group around each alternative would tell it in one match, but the engine keeps
    every group's place for each alternative it tries: quadratic in the globs."""

    def __init__(self, expressions: list[str]) -> None:
        self.expressions = expressions
        self.joined: dict[tuple[int, int], "re.Pattern[str]"] = {}

    def _any(self, low: int, high: int, name: str) -> bool:
        joined = self.joined.get((low, high))
        if joined is None:
            joined = self.joined[low, high] = re.compile("|".join(self.expressions[low:high]))
        return joined.match(name) is not None

    def index(self, name: str) -> Optional[int]:
        low, high = 0, len(self.expressions)
        if not self._any(low, high, name):
            return None
        while high - low > 1:
            middle = (low + high) // 2
            if self._any(low, middle, name):
                high = middle
            else:
                low = middle
        return low


def _joined_names(names: list[str]) -> str:
    """The names, each between NULs (none in a name): no empty name when there are none."""
    return "\0" + "\0".join(names) + "\0" if names else ""


def _folder_globs(chapters: Iterable[str]) -> dict[str, _FolderGlobs]:
    """Each glob of ``chapters`` that matches names in one folder, with its folder's globs."""
    by_folder: dict[str, list[str]] = {}
    for entry in dict.fromkeys(chapters):
        if re.search(r"[*?[]", entry) and not folder_glob(entry):
            by_folder.setdefault(os.path.dirname(entry), []).append(entry)
    found: dict[str, _FolderGlobs] = {}
    for folder, globs in by_folder.items():
        globs_of_folder = _FolderGlobs(folder, globs)
        found.update(dict.fromkeys(globs, globs_of_folder))
    return found


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
