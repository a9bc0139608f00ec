"""The chapters of a book and their order.

From the configuration's ``chapters`` (globs allowed), else from the book tool the
project uses — mdBook ``SUMMARY.md`` (in book.toml's source folder), Quarto
``_quarto.yml`` (``book.chapters``, parts and ``appendices``), bookdown
``_bookdown.yml`` (``rmd_files``), Leanpub ``manuscript/Book.txt``, GitBook
``SUMMARY.md`` (where ``.gitbook.yaml`` or ``book.json`` puts it), MkDocs
``mkdocs.yml`` (``nav``), Jupyter Book ``_toc.yml`` — found in the folder given or a
folder above it up to the repository root, else the file names in natural order
(numbers compared as numbers: ``ch2`` before ``ch10``).

YAML is read by a small, strict reader of the subset these keys are written in
(block mappings and sequences, flow sequences, quoted and plain scalars); what it
cannot read (anchors, aliases, tags, flow mappings, block scalars) is an error
naming the file and line only when the keys read here hold it.
"""

import os
import re
from bisect import bisect_left
from typing import Any, Callable, Iterable, NamedTuple, Optional

from citelint.config import Settings, reading_boundary
from citelint.diagnostics import FileError, printable, shorten
from citelint.files import STDIN, TooLarge, boundary_of, collect, display_path, read_regular, repository_root
from citelint.lazy_pattern import lazy

MAX_BOOK_FILE_BYTES = 1024 * 1024  # a SUMMARY.md, _quarto.yml, mkdocs.yml or _toc.yml past this is refused unread
MAX_YAML_DEPTH = 64  # nested blocks or flow sequences
CHAPTER_SUFFIXES = (".md", ".markdown", ".qmd", ".rmd", ".ipynb", ".txt")  # a Quarto part that is a file


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


# -- the book's files (numbering = "book") --------------------------------------------------------------


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
        elif _real(settings.bibliography) not in {_real(path) for path in files}:
            files.append(display_path(settings.bibliography))
    boundary = reading_boundary(settings, given)  # the configuration's bibliography reaches no further than its chapters (``_bounded``)
    if settings.bibliography and files and files[-1] == display_path(settings.bibliography) and not boundary.holds(files[-1]):
        errors.append(boundary.refusal(files.pop()))
    notes = list(order.notes)
    if given and given not in ((".",), settings.paths):  # paths named on the command line (or by pre-commit)
        where = order.source + (f" ({order.listed_in})" if order.listed_in else "")
        named, _ = collect(given, settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=boundary)
        chapters = {_real(path) for path in files}
        if not chapters <= {_real(path) for path in named}:
            notes.append(FileError("book", f'numbering = "book": checking the whole book ({len(files)} files, in order from {where}), not only the paths given'))
        extra = [display_path(path) for path in named if _real(path) not in chapters]
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
    return tuple(folder for folder in folders if not any(other != folder and _inside(folder, other) for other in folders))


def _inside(path: str, folder: str) -> bool:
    if not os.path.isdir(folder):
        return False
    real, real_folder = _real(path), _real(folder)
    return real != real_folder and os.path.commonpath([real, real_folder]) == real_folder


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


# -- natural order -----------------------------------------------------------------

_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str) -> tuple[Any, ...]:
    """Sorts ``ch2`` before ``ch10``: runs of digits compared as numbers (by length
    without leading zeros, then digits: no int of a million digits is made)."""
    parts = _DIGITS.split(path.casefold())
    key = tuple((len(part.lstrip("0")), part.lstrip("0")) if index % 2 else part for index, part in enumerate(parts))
    return (key, path)


def natural_order(paths: Iterable[str]) -> list[str]:
    return sorted(paths, key=natural_key)


# -- the order ---------------------------------------------------------------------


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
    return order._replace(chapters=tuple(path for path in order.chapters if path not in outside), problems=(*order.problems, *map(boundary.refusal, outside)))


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
    where = _relative(settings.source) if settings.source else "configuration"
    for entry in settings.chapters:
        if re.search(r"[*?[]", entry):
            import glob

            matches = [match for match in glob.glob(entry, recursive=True) if os.path.isfile(match)]
            if not matches:
                problems.append(FileError(where, f"'chapters' entry {shorten(entry, 120)!r} matches no file"))
            listed = set(map(display_path, chapters))  # a glob matching a chapter listed already does not list it again
            chapters.extend(match for match in natural_order(matches) if display_path(match) not in listed)
        elif os.path.isfile(entry):
            chapters.append(entry)
        else:
            problems.append(FileError(where, f"'chapters' entry {shorten(entry, 120)!r}: no such file"))
    folder = settings.root or "."
    unique, notes = _unique(chapters, where)
    return BookOrder(unique, "the configuration's chapters", where, folder, "configuration", tuple(problems), notes)


def file_name_order(paths: Iterable[str], settings: Settings) -> BookOrder:
    """The files of each path, in natural order (paths in the order given)."""
    chapters: list[str] = []
    problems: list[FileError] = []
    for path in paths:
        found, errors = collect([path], settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=reading_boundary(settings, paths))
        chapters.extend(natural_order(found))
        problems.extend(errors)
    folder = _start_folder(tuple(paths))
    unique, notes = _unique(chapters, "book")
    return BookOrder(unique, "file names (numbers compared as numbers)", "", folder, "", tuple(problems), notes)


def _unique(paths: Iterable[str], where: str) -> tuple[tuple[str, ...], tuple[FileError, ...]]:
    """Each file once, at its first place: a chapter listed twice, or under two names
    (a symbolic link, ``./``), is one file of the book, said in a note (``where``: the
    listing). Linted twice, its entries would be the book's twice, and ``fix`` would
    write it twice."""
    first: dict[str, str] = {}  # real path -> the name it is listed under first
    notes: list[FileError] = []
    for path in map(display_path, paths):
        real = _real(path)
        if real not in first:
            first[real] = path
        elif path == first[real]:
            notes.append(FileError(where, f"{path} is listed more than once; it is one chapter, checked at its first place in the book"))
        else:
            notes.append(FileError(where, f"{path} and {first[real]} are the same file; it is one chapter, checked at its first place in the book ({first[real]})"))
    return tuple(first.values()), tuple(dict.fromkeys(notes))


def find_book_tool(*starts: str) -> Optional[BookOrder]:
    """The order the book tool gives, looked for in each start and each folder
    above it up to the repository root (only the start outside a repository), the
    first start first. A ``SUMMARY.md`` with no tool's file beside it (GitBook's) is
    looked for only when no folder has one: mdBook's ``src/SUMMARY.md`` and a MkDocs
    literate-nav ``docs/SUMMARY.md`` are their tools', found above them."""
    folders = list(dict.fromkeys(folder for start in starts for folder in _folders_up(start)))
    for folder in folders:
        for reader in BOOK_TOOLS:
            found = reader(folder)
            if found is not None:
                return found
    for folder in folders:
        found = gitbook_summary_order(folder)
        if found is not None:
            return found
    return None


def _folders_up(start: str) -> list[str]:
    """``start`` and each folder above it up to the repository root (``start`` alone outside one)."""
    folder = os.path.abspath(start)
    top = repository_root(folder)
    folders = [folder]
    while top is not None and folder != top and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        folders.append(folder)
    return folders


class _Entry(NamedTuple):
    """A chapter as a book file lists it."""

    line: int  # 0 when no line of the listing names it (a default, a tool's first page)
    target: str  # as written, relative to the listing's base folder
    problem: str = ""  # why no chapter can be read from the line ("" when one is)


def _listed_order(source: str, tool: str, listed_in: str, base: str, entries: Iterable[_Entry]) -> BookOrder:
    chapters: list[str] = []
    problems: list[FileError] = []
    for entry in entries:
        where = f"{_relative(listed_in)}:{entry.line}" if entry.line else _relative(listed_in)
        if entry.problem:
            problems.append(FileError(where, entry.problem))
            continue
        path = os.path.normpath(os.path.join(base, entry.target))
        if os.path.isfile(path):
            chapters.append(_relative(path))
        else:
            what = "is a folder, not a chapter file" if os.path.isdir(path) else "does not exist"
            problems.append(FileError(where, f"chapter {shorten(entry.target, 120)!r} {what} ({_relative(path)})"))
    unique, notes = _unique(chapters, _relative(listed_in))
    return BookOrder(unique, source, _relative(listed_in), _relative(base), tool, tuple(problems), notes)


def _relative(path: str) -> str:
    """A path as the working folder sees it (``../book/SUMMARY.md`` from a subfolder)."""
    try:
        return display_path(os.path.relpath(os.path.abspath(path)))
    except ValueError:  # another drive, on Windows
        return display_path(path)


def _read_text(path: str) -> str:
    try:
        return read_regular(path, MAX_BOOK_FILE_BYTES).decode("utf-8-sig")
    except TooLarge:
        raise BookError(f"{_relative(path)}: is larger than {MAX_BOOK_FILE_BYTES // (1024 * 1024)} MiB; not read") from None
    except UnicodeDecodeError:
        raise BookError(f"{_relative(path)}: is not valid UTF-8") from None
    except OSError as error:
        raise BookError(f"{_relative(path)}: cannot be read ({error.strerror or error})") from None


# -- mdBook ------------------------------------------------------------------------


def mdbook_order(folder: str) -> Optional[BookOrder]:
    """mdBook: book.toml's ``[book] src`` (default ``src``), its ``SUMMARY.md``."""
    manifest = os.path.join(folder, "book.toml")
    if not os.path.isfile(manifest):
        return None
    import tomllib

    try:
        data = tomllib.loads(_read_text(manifest))
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise BookError(f"{_relative(manifest)}: not valid TOML: {error}") from None
    book = data.get("book", {})
    source_folder = book.get("src", "src") if isinstance(book, dict) else "src"
    if not isinstance(source_folder, str) or not source_folder:
        raise BookError(f"{_relative(manifest)}: 'book.src' must be a folder name")
    base = os.path.join(folder, source_folder)
    summary = os.path.join(base, "SUMMARY.md")
    if not os.path.isfile(summary):
        raise BookError(f"{_relative(manifest)}: the book's source folder {source_folder!r} has no SUMMARY.md ({_relative(summary)})")
    return _listed_order("mdBook SUMMARY.md", "mdbook", summary, base, summary_entries(_read_text(summary)))


_LIST_ITEM = lazy(r"(?<![ \t])[ \t]*+(?:[-*+]|\d{1,9}[.)])[ \t]+")  # linear: no start inside a run of blanks
_COMMENT = lazy(r"<!--[\s\S]*?(?:-->|\Z)")
_FENCE = lazy(r"[ \t]{0,3}(`{3,}|~{3,})")
_BACKTICKS = lazy(r"`+")
_DEFINITION_LABEL = lazy(r" {0,3}\[((?:[^\\\[\]]|\\.){1,999})\]:")  # a link reference definition's `[label]:`
_ESCAPED = lazy(r"\\([!-/:-@\[-`{-~])")  # CommonMark's backslash escapes: ASCII punctuation
_CHARACTER_REFERENCE = lazy(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
MAX_LINK_PARENS = 32  # parentheses nested in a link's destination, as cmark and pulldown-cmark (mdBook's) read them


def lines_outside_code(text: str) -> list[str]:
    """The text's lines with HTML comments and fenced code blocks blanked, each still a
    line (line numbers stand): Markdown skimmed without the parser, for the files read
    before any chapter is (a book tool's table of contents, ``init``'s survey)."""
    text = _COMMENT.sub(lambda comment: "\n" * comment.group().count("\n"), text)
    kept: list[str] = []
    fence = ""
    for line in text.splitlines():
        if fence:
            fence = "" if line.strip().startswith(fence) else fence
            kept.append("")
            continue
        opened = _FENCE.match(line)
        fence = opened.group(1) if opened else ""
        kept.append("" if opened else line)
    return kept


def summary_entries(text: str, titles: bool = False) -> list[_Entry]:
    """The chapters an mdBook SUMMARY.md links to, in order: numbered chapters (list
    items, nested at any depth), prefix and suffix chapters (links on lines of their
    own); drafts (``[Title]()``), part titles, separators and comments are not files.
    A link is inline (``[Title](ch1.md)``) or names a link reference definition
    (``[Title][ch1]``, ``[Title][]``, ``[Title]`` with ``[ch1]: ch1.md``), as
    pulldown-cmark, mdBook's parser, reads it. A list item that is no such link (mdBook
    refuses those), or a line starting with ``[`` that holds ``](`` and is none, is an
    entry with a problem, never passed over in silence. With ``titles`` (GitBook), a
    list item of plain text, with no ``[`` in it, is a group's title, not an entry."""
    lines = lines_outside_code(text)
    definitions = _link_definitions(lines)
    entries: list[_Entry] = []
    for number, line in enumerate(lines, 1):
        item = _LIST_ITEM.match(line)
        rest = line[item.end():] if item else line.lstrip()
        if not item and (not rest.startswith("[") or _DEFINITION_LABEL.match(line) or "](" not in rest and _reference_link(rest, definitions) is None):
            continue  # prose, a definition, a title: not an entry
        destination = read_link(rest) if rest.startswith("[") else None
        if destination is None and rest.startswith("["):
            destination = _reference_link(rest, definitions)
        if destination is None and titles and item and "[" not in rest:
            continue  # GitBook's group title: `- Overview` over its pages
        if destination is None:
            what = "is not a link CommonMark reads" if rest.startswith("[") else "is a list item that does not start with a link"
            entries.append(_Entry(number, "", f"{shorten(line.strip(), 120)!r} {what}, so no chapter is read from it; write it as [Title](chapter.md)"))
            continue
        target = _link_target(destination)
        if target:
            entries.append(_Entry(number, target))
    return entries


def _link_definitions(lines: list[str]) -> dict[str, str]:
    """The link reference definitions (``[label]: destination "title"``, each on one
    line) by normalised label (``_label_key``); the first of a label counts."""
    found: dict[str, str] = {}
    for line in lines:
        opened = _DEFINITION_LABEL.match(line)
        if opened is None:
            continue
        read = _destination_and_title(line, opened.end())
        if read is not None and not line[read[1]:].strip():
            found.setdefault(_label_key(opened.group(1)), _unescaped(read[0]))
    return found


def _label_key(label: str) -> str:
    """A label as CommonMark matches it: case folded, white space runs as one space."""
    return " ".join(label.split()).casefold()


def _reference_link(text: str, definitions: dict[str, str]) -> Optional[str]:
    """The destination of the reference link ``text`` starts with (full ``[Title][label]``,
    collapsed ``[Title][]`` or shortcut ``[Title]``) when its label is defined; else None."""
    end = _link_text_end(text)
    if end is None or not definitions:
        return None
    label = text[1:end]
    if text.startswith("[", end + 1):
        close = _closing(text, end + 2, "]", "[")
        if close is None:
            return None
        label = text[end + 2: close] or label
    return definitions.get(_label_key(label))


def read_link(text: str) -> Optional[str]:
    """The destination of the inline link ``[text](destination "title")`` that ``text``
    starts with, as CommonMark reads a link on one line: the text's brackets balanced
    (an escaped one, ``\\[``, or one in a code span not counted), the destination in
    ``<…>`` or with its parentheses balanced, its backslash escapes and character
    references decoded; None when ``text`` starts with no such link. Linear time."""
    end = _link_text_end(text)
    if end is None or not text.startswith("](", end):
        return None
    read = _destination_and_title(text, end + 2)
    if read is None or not text.startswith(")", read[1]):
        return None
    return _unescaped(read[0])


def _link_text_end(text: str) -> Optional[int]:
    """Where the ``]`` is that closes the link text opened by ``text[0]``."""
    runs: dict[int, list[int]] = {}  # the starts of the backtick runs, by length: a code span's closers
    if "`" in text:
        for run in _BACKTICKS.finditer(text):
            runs.setdefault(run.end() - run.start(), []).append(run.start())
    depth, index = 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escaped character is text (a backslash before another one is text too)
            continue
        if char == "`":
            opened = _BACKTICKS.match(text, index)
            assert opened is not None
            length = opened.end() - index
            closers = runs.get(length, [])
            found = bisect_left(closers, opened.end())
            index = closers[found] + length if found < len(closers) else opened.end()  # no closer: the run is text
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _destination_and_title(text: str, start: int) -> Optional[tuple[str, int]]:
    """The destination written from ``start`` (in ``<…>`` or bare) and where the text
    after it and its title, if any (in quotes or parentheses), goes on (blanks
    skipped); None when neither is well formed."""
    index = _skip_blanks(text, start)
    if text.startswith("<", index):
        close = _closing(text, index + 1, ">", "<\n")
        if close is None:
            return None
        written, index = text[index + 1: close], close + 1
    else:
        bare, index = _bare_destination(text, index)
        if bare is None:
            return None
        written = bare
    after = _skip_blanks(text, index)
    if after > index and after < len(text) and text[after] in "\"'(":
        close = _closing(text, after + 1, ")" if text[after] == "(" else text[after], "(" if text[after] == "(" else "")
        if close is None:
            return None
        after = _skip_blanks(text, close + 1)
    return written, after


def _bare_destination(text: str, index: int) -> tuple[Optional[str], int]:
    """A destination not in ``<…>``: no space or control character, parentheses
    balanced (or escaped), at most ``MAX_LINK_PARENS`` deep."""
    start, depth = index, 0
    while index < len(text) and text[index] > " " and text[index] != "\x7f":
        char = text[index]
        if char == "\\" and _ESCAPED.match(text, index):
            index += 2
            continue
        if char == "(":
            depth += 1
            if depth > MAX_LINK_PARENS:
                return None, index
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        index += 1
    return (text[start:index], index) if depth == 0 else (None, index)


def _closing(text: str, index: int, closer: str, refused: str) -> Optional[int]:
    """The index of the first unescaped ``closer`` from ``index``; None when a
    character of ``refused`` comes first, or none does."""
    while index < len(text):
        char = text[index]
        if char == "\\" and _ESCAPED.match(text, index):
            index += 2
            continue
        if char == closer:
            return index
        if char in refused:
            return None
        index += 1
    return None


def _skip_blanks(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index


def _unescaped(written: str) -> str:
    """A destination's backslash escapes and character references (``&amp;``) decoded."""
    if "&" in written:
        import html

        parts = _ESCAPED.split(written)  # escaped characters (odd places) are not references
        return "".join(part if place % 2 else _CHARACTER_REFERENCE.sub(lambda found: html.unescape(found.group()), part) for place, part in enumerate(parts))
    return _ESCAPED.sub(r"\1", written) if "\\" in written else written


def _link_target(destination: str) -> str:
    """A link's file: the anchor dropped, %-escapes decoded; "" for a draft or a
    link off the book (a URL)."""
    from urllib.parse import unquote

    target = destination.split("#", 1)[0]
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
        return ""
    return unquote(target)


# -- Quarto --------------------------------------------------------------------------


def quarto_order(folder: str) -> Optional[BookOrder]:
    """Quarto: ``book.chapters`` of ``_quarto.yml`` (parts' chapters in place, a part
    that is a file first), then ``book.appendices``; a project that is no book is None."""
    manifest = next((os.path.join(folder, name) for name in ("_quarto.yml", "_quarto.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = _yaml_file(manifest)
    book = lookup(tree, manifest, "book")
    if not isinstance(book, dict):
        return None
    chapters = lookup(book, manifest, "chapters")
    if chapters is None:
        return None
    entries = _quarto_entries(chapters, manifest, "book.chapters")
    appendices = lookup(book, manifest, "appendices")
    if appendices is not None:
        entries += _quarto_entries(appendices, manifest, "book.appendices")
    return _listed_order("Quarto _quarto.yml", "quarto", manifest, folder, entries)


def _quarto_entries(node: Any, manifest: str, key: str, depth: int = 0) -> list[_Entry]:
    items = _as_list(node, manifest, key)
    entries: list[_Entry] = []
    for item in items:
        if isinstance(item, YamlText):
            entries.append(_Entry(item.line, str(item), "" if item.strip() else f"an empty entry in {key!r}: no chapter is read from it; write the chapter's file name, or remove the line"))
        elif isinstance(item, dict) and "part" in item and depth == 0:
            part = _readable(item["part"], manifest)
            if isinstance(part, YamlText) and part.lower().endswith(CHAPTER_SUFFIXES):
                entries.append(_Entry(part.line, str(part)))
            entries += _quarto_entries(item.get("chapters"), manifest, f"{key} part's chapters", depth + 1)
        elif isinstance(item, dict) and isinstance(item.get("href", item.get("file")), YamlText):
            target = item.get("href", item.get("file"))
            entries.append(_Entry(target.line, str(target)))
        elif item is not None:
            _readable(item, manifest)
            raise BookError(f"{_relative(manifest)}: {key!r} holds an entry that is not a file name or a part ({shorten(repr(item), 60)})")
    return entries


def _as_list(node: Any, manifest: str, key: str) -> list[Any]:
    node = _readable(node, manifest)
    if node is None:
        return []
    if isinstance(node, YamlText):
        return [node]
    if not isinstance(node, list):
        raise BookError(f"{_relative(manifest)}: {key!r} must be a list of file names")
    return node


# -- bookdown ----------------------------------------------------------------------


def bookdown_order(folder: str) -> Optional[BookOrder]:
    """bookdown: ``rmd_files`` of ``_bookdown.yml`` (a list, or one per output format:
    ``html`` first, else the first format); without it, the folder's ``.Rmd`` files
    by name with ``index.Rmd`` first and ``_``-files left out, as bookdown merges them."""
    manifest = os.path.join(folder, "_bookdown.yml")
    if not os.path.isfile(manifest):
        return None
    tree = _yaml_file(manifest)
    files = lookup(tree, manifest, "rmd_files") if isinstance(tree, dict) else None
    if isinstance(files, dict):
        chosen = "html" if "html" in files else next(iter(files), None)
        files = files.get(chosen) if chosen is not None else None
        source = f"bookdown _bookdown.yml (rmd_files, {chosen})"
        entries = _quarto_entries(files, manifest, f"rmd_files.{chosen}", depth=1)
    elif files is not None:
        source = "bookdown _bookdown.yml (rmd_files)"
        entries = _quarto_entries(files, manifest, "rmd_files", depth=1)
    else:
        source = "bookdown's default: the .Rmd files by name, index.Rmd first"
        entries = [_Entry(0, name) for name in _bookdown_default(folder)]
    return _listed_order(source, "bookdown", manifest, folder, entries)


def _bookdown_default(folder: str) -> list[str]:
    names = sorted(name for name in os.listdir(folder) if name.lower().endswith(".rmd") and not name.startswith(("_", ".")))
    return sorted(names, key=lambda name: name.lower() != "index.rmd")


# -- Leanpub -------------------------------------------------------------------------


_LEANPUB_SECTION = lazy(r"(?:front|main|back)matter:", re.IGNORECASE)  # Markua's section lines, not files


def leanpub_order(folder: str) -> Optional[BookOrder]:
    """Leanpub: ``manuscript/Book.txt`` (or ``Book.txt`` in the folder given), one
    file of the manuscript folder a line."""
    manifest = next((path for path in (os.path.join(folder, "manuscript", "Book.txt"), os.path.join(folder, "Book.txt")) if os.path.isfile(path)), None)
    if manifest is None:
        return None
    entries = [
        _Entry(number, line.strip())
        for number, line in enumerate(_read_text(manifest).splitlines(), 1)
        if line.strip() and not _LEANPUB_SECTION.fullmatch(line.strip())
    ]
    return _listed_order("Leanpub Book.txt", "leanpub", manifest, os.path.dirname(manifest), entries)


# -- GitBook ------------------------------------------------------------------------


def gitbook_order(folder: str) -> Optional[BookOrder]:
    """GitBook with a configuration: ``.gitbook.yaml`` (``root``, default the folder;
    ``structure.summary`` and ``structure.readme``, relative to the root), else a
    legacy ``book.json`` (``root``, ``structure``). None without either, or when the
    summary they name by default does not exist (GitBook then makes the contents
    from the folders: citelint's file-name order)."""
    manifest = os.path.join(folder, ".gitbook.yaml")
    if os.path.isfile(manifest):
        tree = _yaml_file(manifest)
        structure = lookup(tree, manifest, "structure")
        settings = (_yaml_string(tree, manifest, "root"), _yaml_string(structure, manifest, "summary"), _yaml_string(structure, manifest, "readme"))
        return _gitbook_configured(manifest, *settings)
    legacy = os.path.join(folder, "book.json")
    if os.path.isfile(legacy):
        import json

        try:
            data = json.loads(_read_text(legacy))
        except (ValueError, RecursionError) as error:
            raise BookError(f"{_relative(legacy)}: not valid JSON: {error}") from None
        if not isinstance(data, dict):
            return None
        structure = data.get("structure") if isinstance(data.get("structure"), dict) else {}
        settings = (data.get("root"), structure.get("summary"), structure.get("readme"))
        for key, value in zip(("root", "structure.summary", "structure.readme"), settings):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise BookError(f"{_relative(legacy)}: {key!r} must be a path")
        return _gitbook_configured(legacy, *settings)
    return None


def _gitbook_configured(manifest: str, root: Optional[str], summary: Optional[str], readme: Optional[str]) -> Optional[BookOrder]:
    base = _within_project(manifest, root or ".", "'root'")
    if not os.path.isdir(base):
        raise BookError(f"{_relative(manifest)}: 'root' {shorten(root or '.', 120)!r} is not a folder ({_relative(base)})")
    listing = _within_project(manifest, os.path.join(root or ".", summary or "SUMMARY.md"), "'structure.summary'", summary or "SUMMARY.md")
    if not os.path.isfile(listing):
        if summary is None:
            return None
        raise BookError(f"{_relative(manifest)}: the summary {shorten(summary, 120)!r} does not exist ({_relative(listing)})")
    first_page = os.path.join(base, readme or "README.md")
    if readme is not None and not os.path.isfile(first_page):
        raise BookError(f"{_relative(manifest)}: the readme (the first page) {shorten(readme, 120)!r} does not exist ({_relative(first_page)})")
    return _gitbook(listing, summary_entries(_read_text(listing), titles=True), first_page, f"GitBook {os.path.basename(listing)}")


def gitbook_summary_order(folder: str) -> Optional[BookOrder]:
    """GitBook without a configuration: a ``SUMMARY.md`` in the folder that links to
    at least one file (a summary of prose is no table of contents); its links as
    mdBook's are read, ``README.md`` first when it exists and is not listed."""
    listing = os.path.join(folder, "SUMMARY.md")
    if not os.path.isfile(listing) or _is_mdbook_source(folder):
        return None
    entries = summary_entries(_read_text(listing), titles=True)
    if not any(entry.target for entry in entries):
        return None
    return _gitbook(listing, entries, os.path.join(folder, "README.md"), "GitBook SUMMARY.md")


def _is_mdbook_source(folder: str) -> bool:
    """Whether ``folder`` is the source folder of an mdBook above it (its nearest
    ``book.toml``'s ``src``, default ``src``): outside a repository, ``citelint book
    src`` finds no ``book.toml``, and its ``SUMMARY.md`` is still not GitBook's."""
    import tomllib

    for above in _folders_up(os.path.dirname(os.path.abspath(folder)))[:MAX_MDBOOK_SOURCE_DEPTH]:
        manifest = os.path.join(above, "book.toml")
        if os.path.isfile(manifest):
            try:
                book = tomllib.loads(_read_text(manifest)).get("book", {})
            except (tomllib.TOMLDecodeError, RecursionError, BookError):
                return True  # an mdBook's, unreadable: not GitBook's either
            source = book.get("src", "src") if isinstance(book, dict) else "src"
            return isinstance(source, str) and _real(os.path.join(above, source)) == _real(folder)
    return False


def _gitbook(listing: str, entries: list[_Entry], first_page: str, source: str) -> BookOrder:
    """The chapters ``listing`` links to (relative to its folder), GitBook's first
    page (its readme) before them when they leave it out."""
    base = os.path.dirname(listing)
    listed = {_real(os.path.join(base, entry.target)) for entry in entries if entry.target}
    if os.path.isfile(first_page) and _real(first_page) not in listed:
        entries.insert(0, _Entry(0, os.path.relpath(first_page, base)))
    return _listed_order(source, "gitbook", listing, base, entries)


MAX_MDBOOK_SOURCE_DEPTH = 8  # folders above a SUMMARY.md searched for the book.toml whose src it is


def _within_project(manifest: str, written: str, key: str, shown: str = "") -> str:
    """``written`` (a folder or file a book tool's configuration names) from the
    configuration's folder; an error when it leads out of the project (the
    repository, else the configuration's folder): the book file there would be read."""
    folder = os.path.dirname(os.path.abspath(manifest))
    path = os.path.normpath(os.path.join(folder, written))
    if not boundary_of([repository_root(folder) or folder]).holds(path):
        raise BookError(f"{_relative(manifest)}: {key} {shorten(shown or written, 120)!r} is outside the project ({printable(os.path.realpath(path))}); not read")
    return path


def _yaml_string(tree: Any, manifest: str, key: str) -> Optional[str]:
    """The string at ``key`` of a YAML mapping, None when it is not there; anything
    else (a list, an empty string) is an error naming its line."""
    value = lookup(tree, manifest, key)
    if value is None:
        return None
    if not isinstance(value, YamlText) or not value.strip():
        line = f":{value.line}" if isinstance(value, YamlText) else ""
        raise BookError(f"{_relative(manifest)}{line}: {key!r} must be a path")
    return str(value)


# -- MkDocs --------------------------------------------------------------------------

MKDOCS_PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # MkDocs's documentation pages
MKDOCS_NAV_PLUGINS = ("awesome-pages", "awesome-nav", "literate-nav", "mkdocs-nav-weight", "navsorted")  # they order pages without nav
MAX_INHERIT = 8  # mkdocs.yml files, each INHERITing the next


def mkdocs_order(folder: str) -> Optional[BookOrder]:
    """MkDocs: ``nav`` of ``mkdocs.yml`` (or ``mkdocs.yaml``, with what it ``INHERIT``s),
    its pages relative to ``docs_dir`` (default ``docs``); without ``nav``, MkDocs's
    own order: the docs folder's pages, in each folder ``index.md`` (or
    ``README.md``) first, then its other pages by name, then its subfolders."""
    manifest = next((os.path.join(folder, name) for name in ("mkdocs.yml", "mkdocs.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = _mkdocs_settings(manifest)
    docs_dir = _yaml_string(tree, manifest, "docs_dir") or "docs"
    base = _within_project(manifest, docs_dir, "'docs_dir'")
    if not os.path.isdir(base):
        raise BookError(f"{_relative(manifest)}: the docs folder {shorten(docs_dir, 120)!r} does not exist ({_relative(base)})")
    nav = lookup(tree, manifest, "nav")
    notes: list[FileError] = []
    if nav is not None:
        entries, skipped = _mkdocs_nav(nav, manifest)
        source = "MkDocs mkdocs.yml (nav)"
    else:
        entries, skipped = [_Entry(0, page) for page in _mkdocs_default(base)], []
        source = "MkDocs's default (no nav): the docs folder's pages by name, index.md first"
        plugins = [name for name in _mkdocs_plugins(tree) if name in MKDOCS_NAV_PLUGINS]
        if plugins:
            notes.append(FileError(_relative(manifest), f"the {plugins[0]!r} plugin orders the pages, and citelint does not read its files; the book's order is MkDocs's default: list the chapters in nav, or in the configuration's 'chapters'"))
    order = _listed_order(source, "mkdocs", manifest, base, entries)
    notes += _not_markdown_note(manifest, skipped)
    return order._replace(folder=_relative(base), notes=(*order.notes, *notes))


def _mkdocs_settings(manifest: str) -> Any:
    """The settings of ``manifest`` over those of the files it ``INHERIT``s (each
    within the project), the child's keys first."""
    tree = _yaml_file(manifest)
    if not isinstance(tree, dict):
        raise BookError(f"{_relative(manifest)}: is not a mapping of MkDocs settings")
    merged, current = dict(tree), manifest
    for _ in range(MAX_INHERIT):
        parent_name = _yaml_string(tree, current, "INHERIT")
        if parent_name is None:
            return merged
        current = _within_project(current, parent_name, "'INHERIT'")
        if not os.path.isfile(current):
            raise BookError(f"{_relative(manifest)}: INHERIT names {shorten(parent_name, 120)!r}, which does not exist ({_relative(current)})")
        tree = _yaml_file(current)
        if not isinstance(tree, dict):
            raise BookError(f"{_relative(current)}: is not a mapping of MkDocs settings")
        merged = {**tree, **merged}
    raise BookError(f"{_relative(manifest)}: INHERIT goes more than {MAX_INHERIT} files deep")


def _mkdocs_nav(nav: Any, manifest: str) -> tuple[list[_Entry], list[str]]:
    """The pages of ``nav`` in order, and the non-Markdown ones left out. An item is
    ``- page.md``, ``- Title: page.md`` or ``- Section: [items]``; a URL (or an
    absolute path, a link on the site) is no page."""
    entries: list[_Entry] = []
    skipped: list[str] = []
    stack: list[Any] = list(reversed(_as_list(nav, manifest, "nav")))
    while stack:
        item = _readable(stack.pop(), manifest)
        if isinstance(item, dict) and len(item) == 1:
            title, value = next(iter(item.items()))
            value = _readable(value, manifest)
            if isinstance(value, list):
                stack.extend(reversed(value))
                continue
            if not isinstance(value, YamlText):
                entries.append(_Entry(0, "", f"the 'nav' entry {shorten(title, 60)!r} names no page: write 'Title: page.md', or a list of pages under it"))
                continue
            item = value
        if not isinstance(item, YamlText):
            shown = shorten(repr(item), 60)
            entries.append(_Entry(0, "", f"a 'nav' entry is not 'page.md', 'Title: page.md' or 'Section:' with a list ({shown})"))
            continue
        target = item.split("#", 1)[0].strip()
        if not target:
            entries.append(_Entry(item.line, "", "an empty entry in 'nav': no chapter is read from it; write the page's file name, or remove the line"))
        elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/", target):
            continue  # a link off the docs
        elif not target.lower().endswith(MKDOCS_PAGE_SUFFIXES):
            skipped.append(target)
        else:
            entries.append(_Entry(item.line, target))
    return entries, skipped


def _mkdocs_default(base: str) -> list[str]:
    """The pages of MkDocs's nav without ``nav``, relative to ``base``: each folder's
    ``index`` (else ``README``) page, its other pages by name, then its subfolders
    in turn; names starting with ``.`` and the top ``templates`` folder left out, as
    MkDocs leaves them. Folders are walked without recursion, symbolic links to
    folders not followed."""
    pages: list[str] = []
    stack = [""]
    while stack:
        relative = stack.pop()
        try:
            with os.scandir(os.path.join(base, relative)) as listing:
                found = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing if not entry.name.startswith(".")]
        except OSError as error:
            raise BookError(f"{_relative(os.path.join(base, relative))}: folder cannot be read: {error.strerror or error}") from None
        names = sorted(name for name, is_dir in found if not is_dir and name.lower().endswith(MKDOCS_PAGE_SUFFIXES))
        stems = {os.path.splitext(name)[0] for name in names}
        names = [name for name in names if not (os.path.splitext(name)[0] == "README" and "index" in stems)]  # index.md wins, as in MkDocs
        names.sort(key=lambda name: os.path.splitext(name)[0] not in ("index", "README"))
        pages.extend(os.path.join(relative, name) for name in names)
        folders = sorted(name for name, is_dir in found if is_dir and not (relative == "" and name == "templates"))
        stack.extend(os.path.join(relative, name) for name in reversed(folders))
    return pages


def _mkdocs_plugins(tree: dict[str, Any]) -> list[str]:
    """The names of the plugins ``tree`` lists (a list of names or of one-key
    mappings, or a mapping); what cannot be read gives none."""
    plugins = tree.get("plugins")
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    if not isinstance(plugins, list):
        return []
    return [str(next(iter(item))) if isinstance(item, dict) and item else str(item) for item in plugins if isinstance(item, (YamlText, dict))]


def _not_markdown_note(manifest: str, skipped: list[str]) -> list[FileError]:
    """One note naming the listed pages that are not Markdown (a notebook, reST),
    which citelint does not read."""
    if not skipped:
        return []
    named = [shorten(name, 80) for name in skipped[:3]] + ([f"{len(skipped) - 3} more"] if len(skipped) > 3 else [])
    shown = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    many = len(skipped) != 1
    return [FileError(_relative(manifest), f"{shown} {'are' if many else 'is'} not Markdown; citelint reads Markdown chapters only, and leaves {'them' if many else 'it'} out of the book")]


# -- Jupyter Book --------------------------------------------------------------------

JUPYTER_BOOK_SUFFIXES = (".md", ".ipynb", ".rst", ".markdown")  # the suffix a `file:` may leave out, in the order tried
MARKDOWN_CHAPTERS = (".md", ".markdown")  # of a Jupyter Book's chapters, those citelint reads
JUPYTER_BOOK_CHILDREN = ("parts", "subtrees", "chapters", "sections", "entries")  # keys whose lists hold more entries
JUPYTER_BOOK_FORMATS = ("jb-book", "jb-article")


def jupyter_book_order(folder: str) -> Optional[BookOrder]:
    """Jupyter Book: ``_toc.yml`` — ``root``, then ``chapters`` (``jb-book``) or
    ``sections`` (``jb-article``), ``parts`` with a ``caption`` and their
    ``chapters``, each entry's ``sections`` after it, in order. An entry's ``file:``
    is relative to the folder of ``_toc.yml``, its suffix optional (``.md`` tried
    first, then ``.ipynb``, ``.rst``); ``url:`` entries are links, ``glob:`` entries
    their matches by name. Chapters that are not Markdown are left out, with a note.
    The older form (a list of ``- file:`` entries at the top) is read too."""
    manifest = next((os.path.join(folder, name) for name in ("_toc.yml", "_toc.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = _readable(_yaml_file(manifest), manifest)
    if isinstance(tree, dict):
        form = _yaml_string(tree, manifest, "format")
        if form is not None and form not in JUPYTER_BOOK_FORMATS:
            raise BookError(f"{_relative(manifest)}: format {shorten(form, 40)!r} is not one citelint reads ({', '.join(JUPYTER_BOOK_FORMATS)}); set 'chapters' in the configuration")
        root = lookup(tree, manifest, "root")
        if not isinstance(root, YamlText) or not root.strip():
            raise BookError(f"{_relative(manifest)}: has no 'root' (the book's first page)")
        items: list[Any] = [{"file": root}, tree]
    elif isinstance(tree, list):
        items = tree  # the form before Jupyter Book 0.11
    else:
        raise BookError(f"{_relative(manifest)}: is not a table of contents (a mapping with 'root', or a list of entries)")
    entries, skipped = _jupyter_book_entries(items, manifest, folder)
    order = _listed_order("Jupyter Book _toc.yml", "jupyter-book", manifest, folder, entries)
    return order._replace(notes=(*order.notes, *_not_markdown_note(manifest, skipped)))


def _jupyter_book_entries(items: list[Any], manifest: str, folder: str) -> tuple[list[_Entry], list[str]]:
    """Each entry's file, then its children's, depth first (without recursion)."""
    entries: list[_Entry] = []
    skipped: list[str] = []
    stack = list(reversed(items))
    while stack:
        item = _readable(stack.pop(), manifest)
        if not isinstance(item, dict):
            shown = f"{_relative(manifest)}:{item.line}" if isinstance(item, YamlText) else _relative(manifest)
            raise BookError(f"{shown}: an entry is not a mapping ('- file: name', '- url: …', '- glob: …'): {shorten(repr(item), 60)}")
        kinds = [key for key in ("file", "url", "glob") if key in item]
        if kinds and kinds[0] == "file":
            _jupyter_book_file(_readable(item["file"], manifest), manifest, folder, entries, skipped)
        elif kinds and kinds[0] == "glob":
            _jupyter_book_glob(_readable(item["glob"], manifest), manifest, folder, entries, skipped)
        elif not kinds and not any(key in item for key in (*JUPYTER_BOOK_CHILDREN, "caption", "header", "part", "root")):
            entries.append(_Entry(0, "", f"an entry names no file ('file:', 'url:' or 'glob:'): {shorten(repr(item), 60)}"))
        for key in reversed(JUPYTER_BOOK_CHILDREN):
            children = _readable(item.get(key), manifest)
            if children is None:
                continue
            if not isinstance(children, list):
                raise BookError(f"{_relative(manifest)}: {key!r} must be a list of entries")
            stack.extend(reversed(children))
    return entries, skipped


def _jupyter_book_file(name: Any, manifest: str, folder: str, entries: list[_Entry], skipped: list[str]) -> None:
    if not isinstance(name, YamlText) or not name.strip():
        line = name.line if isinstance(name, YamlText) else 0
        entries.append(_Entry(line, "", "an empty 'file:': no chapter is read from it; write the chapter's file name, or remove the entry"))
        return
    written = str(name).strip()
    stem, suffix = os.path.splitext(written)
    candidates = [written] if suffix.lower() in JUPYTER_BOOK_SUFFIXES else []
    candidates += [(stem if suffix.lower() in JUPYTER_BOOK_SUFFIXES else written) + each for each in JUPYTER_BOOK_SUFFIXES]
    found = next((candidate for candidate in candidates if os.path.isfile(os.path.join(folder, candidate))), None)
    if found is None:
        tried = (stem if suffix.lower() in JUPYTER_BOOK_SUFFIXES else written)
        entries.append(_Entry(name.line, "", f"chapter {shorten(written, 120)!r} does not exist ({_relative(os.path.join(folder, tried))}.md, .ipynb or .rst)"))
    elif found.lower().endswith(MARKDOWN_CHAPTERS):
        entries.append(_Entry(name.line, found))
    else:
        skipped.append(found)


def _jupyter_book_glob(pattern: Any, manifest: str, folder: str, entries: list[_Entry], skipped: list[str]) -> None:
    """A ``glob:`` entry: the files its pattern matches (without their suffix, as
    Sphinx matches them), by name."""
    import glob

    if not isinstance(pattern, YamlText) or not pattern.strip():
        entries.append(_Entry(pattern.line if isinstance(pattern, YamlText) else 0, "", "an empty 'glob:': no chapter is read from it"))
        return
    if os.path.isabs(pattern.strip()) or ".." in re.split(r"[\\/]", pattern):
        entries.append(_Entry(pattern.line, "", f"'glob' {shorten(str(pattern), 120)!r} reaches out of the book's folder; citelint matches a glob within it only"))
        return
    matches = sorted(
        os.path.relpath(match, folder)
        for each in JUPYTER_BOOK_SUFFIXES
        for match in glob.glob(os.path.join(glob.escape(folder), str(pattern).strip() + each), recursive=True)
        if os.path.isfile(match)
    )
    if not matches:
        entries.append(_Entry(pattern.line, "", f"'glob' {shorten(str(pattern), 120)!r} matches no file"))
    for match in matches:
        if match.lower().endswith(MARKDOWN_CHAPTERS):
            entries.append(_Entry(pattern.line, match))
        else:
            skipped.append(match)


BOOK_TOOLS: tuple[Callable[[str], Optional[BookOrder]], ...] = (mdbook_order, quarto_order, bookdown_order, leanpub_order, gitbook_order, mkdocs_order, jupyter_book_order)


# -- a strict reader of the YAML these files are written in -----------------------------


class YamlText(str):
    """A scalar, with the line it is on."""

    line: int

    def __new__(cls, text: str, line: int) -> "YamlText":
        made = super().__new__(cls, text)
        made.line = line
        return made


class Unreadable(NamedTuple):
    """A value the reader does not read (an anchor, alias, tag, flow mapping, block
    scalar): an error only when a key read here holds it."""

    line: int
    what: str


class YamlError(ValueError):
    """YAML that is not in the subset read here, with its line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


def _yaml_file(path: str) -> Any:
    try:
        return read_yaml(_read_text(path))
    except YamlError as error:
        raise BookError(f"{_relative(path)}: {error}; citelint reads a plain subset of YAML (set 'chapters' in the configuration instead)") from None


def lookup(tree: Any, path: str, key: str) -> Any:
    """``tree[key]`` when ``tree`` is a mapping, else None; an unreadable value is an error."""
    tree = _readable(tree, path)
    if not isinstance(tree, dict):
        return None
    return _readable(tree.get(key), path)


def _readable(value: Any, path: str) -> Any:
    if isinstance(value, Unreadable):
        raise BookError(f"{_relative(path)}:{value.line}: {value.what} cannot be read by citelint's YAML reader; write it plainly, or set 'chapters' in the configuration")
    return value


class _Line(NamedTuple):
    indent: int
    text: str  # without indentation, comment and trailing space; "-" for a sequence dash
    number: int
    whole: str  # the line's text after its indentation, for a flow sequence continued on it


def read_yaml(text: str) -> Any:
    """A YAML document of block mappings and sequences, flow sequences and scalars
    (strings, line-numbered; ``~`` and an empty value are None, an empty list item an
    empty string on its line, so that a reader can say where it is)."""
    lines = _yaml_lines(text)
    if not lines:
        return None
    parser = _YamlParser(lines)
    value = parser.block(lines[0].indent, 0)
    if parser.index < len(lines):
        raise YamlError(lines[parser.index].number, "is indented less than the first line, or is not part of the document")
    return value


def _yaml_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.lstrip(" ")
        indent = len(raw) - len(stripped)
        content = _without_comment(stripped).rstrip()
        if not content:
            continue
        if indent == 0 and content in ("---", "..."):
            if content == "..." or lines:
                break  # one document is read
            continue
        whole = content
        while content == "-" or content.startswith(("- ", "-\t")):
            lines.append(_Line(indent, "-", number, whole))
            rest = content[1:]
            content = rest.lstrip(" \t")
            indent += 1 + len(rest) - len(content)
        if content:
            lines.append(_Line(indent, content, number, whole))
    return lines


def _without_comment(text: str) -> str:
    """The text before a ``#`` comment (one at the start or after a space, outside quotes)."""
    if "#" not in text:
        return text
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (index == 0 or text[index - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index]
    return text


class _YamlParser:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.index = 0

    def peek(self) -> Optional[_Line]:
        return self.lines[self.index] if self.index < len(self.lines) else None

    def block(self, indent: int, depth: int) -> Any:
        if depth > MAX_YAML_DEPTH:
            raise YamlError(self.lines[self.index].number, f"is nested more than {MAX_YAML_DEPTH} levels deep")
        line = self.lines[self.index]
        if line.text.startswith("\t"):
            raise YamlError(line.number, "is indented with a tab")
        if line.text == "-":
            return self.sequence(indent, depth)
        if _split_key(line.text) is not None:
            return self.mapping(indent, depth)
        self.index += 1
        return self.value(line.text, line, indent - 1)

    def sequence(self, indent: int, depth: int) -> list[Any]:
        items: list[Any] = []
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.indent == indent and line.text != "-":
                break  # the list has ended: the caller's
            if line.indent > indent:
                raise YamlError(line.number, "is indented more than the list items before it")
            self.index += 1
            following = self.peek()
            items.append(self.block(following.indent, depth + 1) if following and following.indent > indent else YamlText("", line.number))
        return items

    def mapping(self, indent: int, depth: int) -> dict[str, Any]:
        table: dict[str, Any] = {}
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.text == "-" and line.indent == indent:
                break  # a list after the mapping: the caller's
            split = _split_key(line.text) if line.indent == indent else None
            if line.text.startswith("\t"):
                raise YamlError(line.number, "is indented with a tab")
            if split is None:
                raise YamlError(line.number, "is not 'key: value' at the indentation of the keys around it")
            key, rest = split
            self.index += 1
            table[key] = self.value(rest, line, indent, depth)
        return table

    def value(self, rest: str, line: _Line, indent: int, depth: int = 0) -> Any:
        following = self.peek()
        if not rest:
            if following is not None and following.indent > indent:
                return self.block(following.indent, depth + 1)
            if following is not None and following.indent == indent and following.text == "-":
                return self.sequence(indent, depth + 1)
            return None
        if rest[0] in "|>&*!{%@`":
            self.skip_deeper(indent)
            what = {"|": "a block scalar (|)", ">": "a folded scalar (>)", "{": "a flow mapping ({…})"}.get(rest[0], f"YAML's {rest[0]!r} syntax")
            return Unreadable(line.number, what)
        if rest[0] == "[":
            return self.flow(rest, line, indent)
        scalar = _scalar(rest, line.number)
        if self.skip_deeper(indent):
            return Unreadable(line.number, "a value continued on the next lines")
        return scalar

    def skip_deeper(self, indent: int) -> bool:
        """Skips the lines indented past ``indent`` (a value's continuation); whether there were any."""
        start = self.index
        while (line := self.peek()) is not None and line.indent > indent:
            self.index += 1
        return self.index > start

    def flow(self, text: str, line: _Line, indent: int) -> Any:
        if "{" in text:
            self.skip_deeper(indent)
            return Unreadable(line.number, "a flow mapping ({…})")
        numbers = {line.number}
        parts = [text]
        depth, quote = _flow_depth(text, 0, "")
        while depth > 0 and (following := self.peek()) is not None and following.indent > indent:
            if following.number not in numbers:
                numbers.add(following.number)
                parts.append(following.whole)
                depth, quote = _flow_depth(following.whole, depth, quote)
            self.index += 1
        reader = _FlowReader(" ".join(parts), line.number)
        value = reader.sequence(0)
        if reader.rest().strip():
            raise YamlError(line.number, f"has text after a closed list: {shorten(reader.rest().strip(), 40)!r}")
        return value


def _flow_depth(text: str, depth: int, quote: str) -> tuple[int, str]:
    """How deep a flow sequence's brackets are open after ``text`` (quoted brackets
    not counted), and the quote left open, from where the text before left them."""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth, quote


_KEY_END = lazy(r":(?:[ \t]|$)")


def _split_key(text: str) -> Optional[tuple[str, str]]:
    """``key: value`` as (key, value), or None when the line is no mapping entry."""
    if text[0] in "\"'":
        end = _quoted_end(text, 0)
        if end is None or not text[end:].lstrip(" \t").startswith(":"):
            return None
        after = text[end:].lstrip(" \t")[1:]
        if after and after[0] not in " \t":
            return None
        return str(_scalar(text[:end], 0)), after.strip()
    if text[0] in "[{&*!|>%@`":
        return None
    found = _KEY_END.search(text)
    if found is None:
        return None
    return text[: found.start()].rstrip(), text[found.end():].strip()


def _quoted_end(text: str, start: int) -> Optional[int]:
    """The index after the quoted string starting at ``start``, or None if it never closes."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1: index + 2] == "'":
                index += 2
                continue
            return index + 1
        index += 1
    return None


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "0": "\0", " ": " "}


def _scalar(text: str, line: int) -> Optional[YamlText]:
    """A quoted or plain scalar; ``~``, ``null`` and nothing are None."""
    text = text.strip()
    if not text or text in ("~", "null", "Null", "NULL"):
        return None
    if text[0] not in "\"'":
        return YamlText(text, line)
    end = _quoted_end(text, 0)
    if end is None:
        raise YamlError(line, "has a quoted string that is not closed on its line")
    if text[end:].strip():
        raise YamlError(line, f"has text after a quoted string: {shorten(text[end:].strip(), 40)!r}")
    body = text[1: end - 1]
    if text[0] == "'":
        return YamlText(body.replace("''", "'"), line)
    return YamlText(re.sub(r"\\(u[0-9A-Fa-f]{4}|.)", lambda m: _escape(m.group(1), line), body), line)


def _escape(code: str, line: int) -> str:
    if code.startswith("u") and len(code) == 5:
        return chr(int(code[1:], 16))
    if code in _ESCAPES:
        return _ESCAPES[code]
    raise YamlError(line, f"has an escape citelint does not read: \\{code}")


class _FlowReader:
    """``[a, "b", [c]]`` on one (joined) line."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.at = 0

    def rest(self) -> str:
        return self.text[self.at:]

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t":
            self.at += 1

    def sequence(self, depth: int) -> Any:
        if depth > MAX_YAML_DEPTH:
            raise YamlError(self.line, f"has lists nested more than {MAX_YAML_DEPTH} deep")
        self.at += 1  # the [
        items: list[Any] = []
        while True:
            self.skip_space()
            if self.at >= len(self.text):
                raise YamlError(self.line, "has a list ([…) that is never closed")
            char = self.text[self.at]
            if char == "]":
                self.at += 1
                return items
            items.append(self.sequence(depth + 1) if char == "[" else self.item())
            self.skip_space()
            if self.at >= len(self.text):
                raise YamlError(self.line, "has a list ([…) that is never closed")
            if self.text[self.at: self.at + 1] == ",":
                self.at += 1
            elif self.text[self.at: self.at + 1] != "]":
                raise YamlError(self.line, "has a list whose items are not separated by commas")

    def item(self) -> Optional[YamlText]:
        if self.text[self.at] in "\"'":
            end = _quoted_end(self.text, self.at)
            if end is None:
                raise YamlError(self.line, "has a quoted string that is never closed")
            value = _scalar(self.text[self.at: end], self.line)
            self.at = end
            return value
        match = re.compile(r"[^,\[\]{}]*").match(self.text, self.at)
        assert match is not None
        self.at = match.end()
        return _scalar(match.group(), self.line)
