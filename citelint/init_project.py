"""`citelint init`: set a writer's repository up without asking what can be found out.

It looks for the manuscript folder (the book tool's source folder, else the folder
with the most chapters that carry numbered citations or numbered reference
lists), the marker style and keyword the chapters use, their reference headings
and the book tool; then writes a commented ``[tool.citelint]`` (appended to an
existing pyproject.toml) or a ``.citelint.toml``, a pre-commit hook entry, and with
``--github`` a GitHub workflow. Nothing is overwritten without ``--force``; every
configuration it writes is loaded with citelint's own loader before it is written.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from typing import Iterator, NamedTuple, Optional

import click

from citelint.book_listing import BookError, BookOrder
from citelint.book_tools import find_book_tool
from citelint.strict_yaml import YamlError, read_yaml
from citelint.summary_links import lines_outside_code
from citelint.config import DEFAULT_REFERENCE_HEADINGS, MAX_HEADING_CHARS, ConfigError, load_settings
from citelint.diagnostics import printable
from citelint.files import SKIPPED_FOLDERS, NotRegularFile, TooLarge, read_regular

# Where citelint is hosted and the release to pin, as README.md's pre-commit example
# and docs/ci.md give them (tests/test_init.py holds them to the docs).
REPOSITORY_URL = "https://github.com/YOUR-ORG/citelint"
RELEASE = "v0.2.0"
ACTION = "YOUR-ORG/citelint@v0.2.0"
CONFIGURATION_DOCS = f"{REPOSITORY_URL}/blob/main/docs/configuration.md"

EXIT_ERROR = 2
CHAPTER_EXTENSIONS = ("md", "markdown", "qmd", "rmd", "txt")  # what is looked at for citations
MAX_SCANNED_FILES = 20_000
MAX_SCANNED_BYTES = 4 * 1024 * 1024  # a larger file is passed over when looking
MAX_EXTRA_HEADINGS = 20
NOT_MANUSCRIPTS = frozenset({"tests", "test", "fixtures", "build", "dist", "site"})  # folders never searched for the manuscript
MAX_HEADING_LINE = 300  # characters; a longer line is not looked at as a heading
STYLE_EXAMPLES = {"citation": "[CITATION 3]", "brackets": "[3], [1, 3], [2-4]", "superscript": "<sup>3</sup>, ^3^"}


# -- what the chapters say -------------------------------------------------------------

# [CITATION 3], [REF 1, 2], [Source 2-4], [CITATION 1, p. 4]: a word, numbers, maybe a locator; not a link.
# Numbers of at most three digits, in all three styles: [Smith 2019] and [2019] are years.
_KEYWORD_MARKER = re.compile(r"\[[ \t]*([A-Za-z][A-Za-z_-]{0,30})[ \t]+\d{1,3}(?:[ \t]*[-–,][ \t]*\d{1,3})*(?:[ \t]*,[^\]\n]{0,40})?[ \t]*\](?![(\[:])")
# [3], [1, 3], [2–4], not a[1], [text][1], [^1], [1](url) or a [1]: definition.
_BRACKET_MARKER = re.compile(r"(?<![\]\w!\\\[])\[\d{1,3}(?:[ \t]*[-–,][ \t]*\d{1,3})*\](?![(\[:])")
_SUPERSCRIPT_MARKER = re.compile(r"<sup>[ \t]*\d{1,3}(?:[ \t]*[-–,][ \t]*\d{1,3})*[ \t]*</sup>|(?<![\w^])\^\d{1,3}(?:[-–,]\d{1,3})*\^")
_LINE_START = re.compile(r"[ \t]*(?:(?:[-*+>]|\d{1,4}[.)])[ \t]+)*")
_NOT_KEYWORDS = frozenset(
    "figure fig table tab chapter ch section sec part step page p pp appendix eq equation listing example box "
    "exercise vol volume issue no note item line lines level question task version v see cf ibid and vs".split()
)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_ATX_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_LONE_LINE_HEADING = re.compile(r"(?:\*\*|__)(.{1,60}?):?(?:\*\*|__):?[ \t]*$|([A-Z][^:.!?\[\]]{0,40}):[ \t]*$")
_NUMBERED_ENTRY = re.compile(r"(?<![ \t])[ \t]*+(?:\d{1,4}[.)]|\[\d{1,4}\]|\d{1,4}[ \t])")
_REFERENCE_LIKE = re.compile(r"https?://|\bdoi\b|\b(?:1[5-9]|20)\d\d\b", re.IGNORECASE)


class TextScan(NamedTuple):
    """What one chapter's text shows about how it cites."""

    styles: Counter[str]  # markers found in each style
    keywords: Counter[str]  # the words of [WORD n] markers
    headings: tuple[str, ...]  # headings followed by a numbered reference list

    @property
    def cites(self) -> bool:
        """A numbered reference list, or markers more than once (a README's lone ``[1]`` is not a chapter)."""
        return sum(self.styles.values()) > 1 or bool(self.headings)


def scan_text(text: str) -> TextScan:
    """Count the markers of each style and find the reference headings (code and comments skipped)."""
    prose = _INLINE_CODE.sub(" ", "\n".join(lines_outside_code(text)))
    styles: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    for match in _KEYWORD_MARKER.finditer(prose):
        word = match.group(1)
        if word.casefold() not in _NOT_KEYWORDS:
            keywords[word] += 1
            styles["citation"] += 1
    styles["brackets"] += sum(_bracket_markers(line) for line in prose.splitlines())
    styles["superscript"] += len(_SUPERSCRIPT_MARKER.findall(prose))
    return TextScan(+styles, keywords, tuple(reference_headings(prose.splitlines())))


def _bracket_markers(line: str) -> int:
    """The ``[n]`` markers of a line, not counting a label that starts it after list
    or quote markers (a reference entry's ``[1] Smith …``)."""
    if "[" not in line:
        return 0
    lead = _LINE_START.match(line)
    label_end = lead.end() if lead else 0
    return sum(1 for match in _BRACKET_MARKER.finditer(line) if match.start() > label_end)


def reference_headings(lines: list[str]) -> Iterator[str]:
    """Headings (``#``, underlined, bold or ``Word:`` lines) followed by numbered entries that read as references."""
    for index, line in enumerate(lines):
        if len(line) > MAX_HEADING_LINE:
            continue  # no heading is this long (and its patterns are tried on short lines only)
        heading = _heading_text(line, lines[index + 1] if index + 1 < len(lines) else "")
        if heading is None:
            continue
        following = [entry for entry in lines[index + 1: index + 12] if entry.strip() and not set(entry.strip()) <= set("=-")][:3]
        numbered = [entry for entry in following if _NUMBERED_ENTRY.match(entry)]
        if len(numbered) == len(following) > 0 and any(_REFERENCE_LIKE.search(entry) for entry in numbered):
            yield heading


def _heading_text(line: str, next_line: str) -> Optional[str]:
    atx = _ATX_HEADING.match(line.strip())
    if atx:
        text = atx.group(1)
    elif line.strip() and next_line.strip() and set(next_line.strip()) <= set("=-") and len(next_line.strip()) >= 2:
        text = line
    else:
        lone = _LONE_LINE_HEADING.match(line.strip())
        if lone is None:
            return None
        text = lone.group(1) or lone.group(2)
    text = re.sub(r"\{[^{}]*\}[ \t]*$", "", text).strip(" \t*_:")
    if not text or len(text) > 60 or re.match(r"\d", text):
        return None
    return text


# -- where the manuscript is -------------------------------------------------------------


class ChapterFile(NamedTuple):
    path: str  # relative to the repository root, with /
    scan: TextScan


class Found(NamedTuple):
    """What init found out about the repository."""

    folder: str  # the manuscript folder relative to the root, with / ("." for the root)
    chapters: tuple[ChapterFile, ...]  # the chapters in it that cite
    style: str
    keyword: str
    headings: tuple[str, ...]  # reference headings used, most used first
    extensions: tuple[str, ...]  # of the chapters, lower case, most used first
    book: Optional[BookOrder]


class InitError(Exception):
    """Why init cannot go on: one line."""


def find_manuscript(root: str, folder: Optional[str] = None) -> Found:
    """The manuscript folder and how its chapters cite."""
    try:
        book = find_book_tool(root)
    except BookError as error:
        raise InitError(str(error)) from None
    files = [chapter for chapter in scan_folder(root) if chapter.scan.cites]
    if folder is not None:
        chosen = _posix(os.path.relpath(os.path.join(root, folder), root))
        if not os.path.isdir(os.path.join(root, chosen)):
            raise InitError(f"{folder}: no such folder")
    elif book is not None:
        chosen = _book_folder(root, book)
    else:
        chosen = _busiest_folder(files)
        if chosen is None:
            raise InitError(
                f"found no chapter with numbered citations ([CITATION 1], [1], <sup>1</sup>) or a numbered reference list under {_shown(root)}; "
                "name the manuscript folder with --folder"
            )
    inside = tuple(chapter for chapter in files if _is_under(chapter.path, chosen))
    return _describe(chosen, inside, book, root)


def scan_folder(root: str) -> Iterator[ChapterFile]:
    """The chapter-like files under ``root``, scanned (hidden folders, ``_`` build
    output, installed software, tests and build folders skipped)."""
    seen = 0
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith((".", "_")) and name not in SKIPPED_FOLDERS and name.lower() not in NOT_MANUSCRIPTS)
        for name in sorted(names):
            if name.startswith(".") or name.rsplit(".", 1)[-1].lower() not in CHAPTER_EXTENSIONS or "." not in name:
                continue
            seen += 1
            if seen > MAX_SCANNED_FILES:
                return
            text = _read(os.path.join(folder, name))
            if text is not None:
                yield ChapterFile(_posix(os.path.relpath(os.path.join(folder, name), root)), scan_text(text))


def _read(path: str) -> Optional[str]:
    try:
        return read_regular(path, MAX_SCANNED_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, NotRegularFile, TooLarge):
        return None  # not a chapter citelint can read; `citelint check` says why


def _busiest_folder(files: list[ChapterFile]) -> Optional[str]:
    """The folder that directly holds the most citing chapters, widened to its
    parent while the parent (not the repository root) holds more of them in other
    subfolders (``manuscript/part1``, ``manuscript/part2``: ``manuscript``)."""
    direct: Counter[str] = Counter()
    below: Counter[str] = Counter()
    for chapter in files:
        folder = chapter.path.rsplit("/", 1)[0] if "/" in chapter.path else "."
        direct[folder] += 1
        parts = folder.split("/") if folder != "." else []
        for depth in range(1, len(parts) + 1):
            below["/".join(parts[:depth])] += 1
    if not direct:
        return None
    chosen = max(direct, key=lambda name: (direct[name], name == ".", name))
    while "/" in chosen and below[chosen.rsplit("/", 1)[0]] > below[chosen]:
        chosen = chosen.rsplit("/", 1)[0]
    return chosen


def _book_folder(root: str, book: BookOrder) -> str:
    """The book tool's source folder; for Quarto, bookdown and Jupyter Book, the folder all chapters share."""
    absolute = [os.path.abspath(chapter) for chapter in book.chapters]
    folder = os.path.commonpath([os.path.dirname(path) for path in absolute]) if absolute else os.path.abspath(book.folder)
    if book.tool in ("mdbook", "leanpub", "gitbook", "mkdocs"):
        folder = os.path.abspath(book.folder)
    relative = _posix(os.path.relpath(folder, os.path.abspath(root)))
    return "." if relative.startswith("..") else relative


def _is_under(path: str, folder: str) -> bool:
    return folder == "." or path.startswith(folder + "/")


def _describe(folder: str, chapters: tuple[ChapterFile, ...], book: Optional[BookOrder], root: str) -> Found:
    styles: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    headings: Counter[str] = Counter()
    for chapter in chapters:
        styles.update(chapter.scan.styles)
        keywords.update(chapter.scan.keywords)
        headings.update(chapter.scan.headings)
    style = max(("citation", "brackets", "superscript"), key=lambda name: (styles[name], name == "citation"))
    keyword = keywords.most_common(1)[0][0] if style == "citation" and keywords else "CITATION"
    named = [chapter.path for chapter in chapters] + [os.path.relpath(path, root) for path in (book.chapters if book else ())]
    extensions = Counter(path.rsplit(".", 1)[-1].lower() for path in named if "." in path.rsplit("/", 1)[-1])
    return Found(folder, chapters, style, keyword, tuple(name for name, _ in headings.most_common()), tuple(name for name, _ in extensions.most_common()), book)


# -- what is written -----------------------------------------------------------------------


def configuration_lines(found: Found) -> list[str]:
    """The citelint table's lines: what was found in comments first, then each key
    with a comment saying where it comes from (the table ends with a key, so that
    a comment after it, above another table, is never taken for the table's)."""
    count = len(found.chapters)
    where = "the repository root" if found.folder == "." else f"{printable(found.folder)}/"
    lines = [
        f"# Written by `citelint init` from what it found: {count} chapter{'' if count == 1 else 's'} with numbered citations in {where}.",
        f"# Every key and its default: {CONFIGURATION_DOCS}",
    ]
    if found.book is not None:
        lines += [f"# Book tool: {found.book.source} ({printable(found.book.listed_in)}); `citelint book` prints the chapter order it gives."]
    headings, heading_comment = _heading_lines(found.headings)
    lines += [
        *heading_comment,
        "",
        "# What `citelint check` and `citelint fix` lint when given no path.",
        f"paths = [{_toml_string(found.folder)}]",
    ]
    if not set(found.extensions) <= {"md", "markdown"}:
        extensions = [extension for extension in found.extensions if extension in CHAPTER_EXTENSIONS] or ["md"]
        lines += ["# The files a folder is searched for: the chapters' own extensions.", f"extensions = [{', '.join(_toml_string(e) for e in extensions)}]"]
    if found.style == "citation" and found.keyword != "CITATION":
        lines += [f"# The word in the markers: [{found.keyword} 3] (citelint's default is CITATION).", f"marker = {_toml_string(found.keyword)}"]
    lines += headings
    lines += [
        '# How the chapters cite: "citation" ([CITATION 3]), "brackets" ([3], [1, 3], [2-4]),',
        '# or "superscript" (<sup>3</sup>, ^3^).',
        f"marker-style = {_toml_string(found.style)}",
    ]
    return lines


def _heading_lines(headings: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The ``reference-headings`` key when the chapters use headings citelint does not
    know (the defaults and theirs), else none; and a comment naming those used."""
    defaults = {heading.casefold() for heading in DEFAULT_REFERENCE_HEADINGS}
    extra = [heading[:MAX_HEADING_CHARS] for heading in headings if heading.casefold() not in defaults][:MAX_EXTRA_HEADINGS]
    used = ", ".join(_toml_string(heading) for heading in headings[:6]) or "none found"
    if not extra:
        return [], [f"# Reference lists open with citelint's default headings (the chapters use {used})."]
    every = [*DEFAULT_REFERENCE_HEADINGS, *dict.fromkeys(extra)]
    return [
        "# Headings that open a reference list: citelint's defaults and the chapters' own.",
        f"reference-headings = [{', '.join(_toml_string(heading) for heading in every)}]",
    ], []


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _files_pattern(found: Found) -> str:
    extensions = [extension for extension in found.extensions if extension in CHAPTER_EXTENSIONS] or ["md"]
    prefix = "" if found.folder == "." else "^" + re.escape(found.folder) + "/"
    if prefix and set(extensions) <= {"md", "markdown", "txt"}:
        return prefix
    either = "|".join(f"[{e[0].lower()}{e[0].upper()}]{re.escape(e[1:])}" if e == "rmd" else re.escape(e) for e in extensions)
    return f"{prefix}.*\\.({either})$" if prefix else f"\\.({either})$"


def precommit_entry(found: Found, indent: str) -> str:
    """A ``repos:`` item for citelint's hook, limited to the manuscript folder."""
    pattern = _files_pattern(found)
    needs_types = not set(found.extensions) <= {"md", "markdown", "txt"}
    hook = f"{indent}    - id: citelint\n{indent}      files: {_yaml_string(pattern)}\n"
    if needs_types:
        hook += f"{indent}      types_or: [text]  # .qmd and .Rmd are not Markdown to pre-commit\n"
    return (
        f"{indent}# citelint: numbered citations in {printable(found.folder)}/ (added by `citelint init`)\n"
        f"{indent}- repo: {REPOSITORY_URL}\n"
        f"{indent}  rev: {RELEASE}\n"
        f"{indent}  hooks:\n"
        f"{indent}    # - id: citelint-fix  # optional: renumber on commit, before the check\n"
        f"{hook}"
    )


def _yaml_string(text: str) -> str:
    if re.fullmatch(r"[\^\w./\\()|$*+\[\]-]+", text) and not text.startswith(("[", "*")):
        return text
    return "'" + text.replace("'", "''") + "'"


def workflow(found: Found) -> str:
    paths = found.folder
    return (
        "# citelint: the numbered citations of the manuscript, on every push and pull request\n"
        "# (written by `citelint init --github`; see docs/ci.md in citelint's repository).\n"
        "name: citations\n"
        "on: [push, pull_request]\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  citelint:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        f"      - uses: {ACTION}\n"
        "        with:\n"
        f"          paths: {_yaml_string(paths)}\n"
    )


# -- writing without overwriting --------------------------------------------------------------


class Change(NamedTuple):
    """One file init writes, or leaves."""

    path: str  # relative to the root
    new_text: Optional[str]  # the whole file as it will be; None: left as it is
    original: Optional[bytes]  # the file's bytes now (None: a new file)
    summary: str  # what is done, for the report
    shown: str = ""  # what --dry-run prints: the text added


def configuration_change(root: str, found: Found, force: bool) -> Change:
    dotfile = os.path.join(root, ".citelint.toml")
    pyproject = os.path.join(root, "pyproject.toml")
    lines = configuration_lines(found)
    if os.path.lexists(dotfile) or not os.path.exists(pyproject):
        original = _bytes(dotfile)
        if original is not None and not force:
            return Change(".citelint.toml", None, original, "left .citelint.toml as it is: it exists (--force replaces it)")
        text = "\n".join(lines) + "\n"
        _check_loads(".citelint.toml", text)
        verb = "replaced" if original is not None else "wrote"
        return Change(".citelint.toml", text, original, f"{verb} .citelint.toml", text)
    return _pyproject_change(pyproject, lines, force)


def _pyproject_change(path: str, lines: list[str], force: bool) -> Change:
    import tomllib

    original = _bytes(path) or b""
    try:
        text = original.decode("utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InitError(f"pyproject.toml: not valid TOML ({error}); not changed") from None
    table = "[tool.citelint]\n" + "\n".join(lines) + "\n"
    has_table = isinstance(data.get("tool"), dict) and "citelint" in data["tool"]
    if has_table and not force:
        return Change("pyproject.toml", None, original, "left pyproject.toml as it is: it has a [tool.citelint] table (--force replaces it)")
    kept = _without_citelint_tables(text) if has_table else text
    new_text = kept + ("" if kept.endswith("\n") or not kept else "\n") + ("\n" if kept.strip() else "") + table
    if _without_citelint(tomllib.loads(new_text)) != _without_citelint(data):
        raise InitError("pyproject.toml: its [tool.citelint] table cannot be replaced without touching other settings; edit it by hand")
    _check_loads("pyproject.toml", new_text)
    verb = "replaced the [tool.citelint] table of" if has_table else "added a [tool.citelint] table to"
    return Change("pyproject.toml", new_text, original, f"{verb} pyproject.toml", table)


_TABLE_HEADER = re.compile(r"^[ \t]*\[{1,2}[^\n]*$", re.MULTILINE)
_CITELINT_HEADER = re.compile(r"(?<![ \t])[ \t]*+\[[ \t]*tool[ \t]*\.[ \t]*citelint[ \t]*[.\]]")


def _without_citelint_tables(text: str) -> str:
    """The text without its ``[tool.citelint]`` and ``[tool.citelint.*]`` tables (header to next header)."""
    headers = [match.start() for match in _TABLE_HEADER.finditer(text)] + [len(text)]
    kept = text[: headers[0]]
    for start, end in zip(headers, headers[1:]):
        if not _CITELINT_HEADER.match(text, start):
            kept += text[start:end]
        elif end < len(text):
            kept += _trailing_comments(text[start:end])  # they belong to the table below
    if not _CITELINT_HEADER.search(text):
        raise InitError("pyproject.toml: its citelint settings are not a [tool.citelint] table; edit them by hand")
    return kept.rstrip("\n") + "\n"


def _trailing_comments(block: str) -> str:
    """The comment lines (and blank lines among them) that end a table's text."""
    lines = block.splitlines(keepends=True)
    first = len(lines)
    while first > 1 and (not lines[first - 1].strip() or lines[first - 1].lstrip().startswith("#")):
        first -= 1
    while first < len(lines) and not lines[first].strip():
        first += 1  # the blank lines before them: the table above has its own
    return "".join(lines[first:])


def _without_citelint(data: dict[str, object]) -> dict[str, object]:
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return data
    return {**data, "tool": {key: value for key, value in tool.items() if key != "citelint"}}


def _check_loads(name: str, text: str) -> None:
    """The configuration, loaded by citelint's own loader from a copy, before it is written."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = os.path.join(folder, name)
        with open(copy, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            load_settings(copy, {})
        except ConfigError as error:
            raise InitError(f"the configuration citelint init made does not load ({error}); nothing written (please report this)") from None


def precommit_change(root: str, found: Found, force: bool) -> Change:
    name = ".pre-commit-config.yaml"
    original = _bytes(os.path.join(root, name))
    if original is None:
        text = "# pre-commit hooks (https://pre-commit.com): `pre-commit install` runs them on every commit.\nrepos:\n" + precommit_entry(found, "  ")
        return Change(name, text, None, f"wrote {name}", text)
    text = original.decode("utf-8", errors="replace")
    if re.search(r"^[ \t]*(?:-[ \t]+)?(?:repo:[^\n#]*citelint|id:[ \t]*['\"]?citelint\b)", text, re.MULTILINE):
        return Change(name, None, original, f"left {name} as it is: it has a citelint hook already")
    new_text, entry = _with_entry(text, found)
    if new_text is None:
        return Change(name, None, original, f"left {name} as it is: citelint init cannot add to it safely; add this entry to its 'repos:' by hand:\n{entry}")
    return Change(name, new_text, original, f"added a citelint hook to {name}", entry)


def _with_entry(text: str, found: Found) -> tuple[Optional[str], str]:
    """The pre-commit configuration with citelint's entry after the last of its ``repos:``
    items, and the entry; (None, entry) when it cannot be added safely."""
    lines = text.splitlines(keepends=True)
    start = next((index for index, line in enumerate(lines) if re.match(r"repos[ \t]*:[ \t]*(?:#.*)?$", line.rstrip("\r\n"))), None)
    if start is None:
        return None, precommit_entry(found, "  ")
    items = [line for line in lines[start + 1:] if line.strip() and not line.lstrip().startswith("#")]
    first = items[0] if items else "  - "
    indent = first[: len(first) - len(first.lstrip(" "))] if first.lstrip(" ").startswith("-") else "  "
    entry = precommit_entry(found, indent)
    end = start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.lstrip().startswith("#") and not line[0].isspace() and not line.startswith("-"):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            end = index + 1
    before = "".join(lines[:end])
    if "\r\n" in text:
        entry = entry.replace("\n", "\r\n")
    new_text = before + ("" if before.endswith("\n") else "\r\n" if "\r\n" in text else "\n") + entry + "".join(lines[end:])
    return (new_text if _adds_one_repo(text, new_text) else None), entry


def _adds_one_repo(old: str, new: str) -> bool:
    """Whether ``new`` reads as ``old`` with one more ``repos`` item, all else equal."""
    try:
        before, after = _plain(read_yaml(old)), _plain(read_yaml(new))
    except YamlError:
        return False
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    old_repos, new_repos = before.get("repos"), after.get("repos")
    if not isinstance(old_repos, list) or not isinstance(new_repos, list) or new_repos[:-1] != old_repos:
        return False
    return {k: v for k, v in before.items() if k != "repos"} == {k: v for k, v in after.items() if k != "repos"}


def _plain(value: object) -> object:
    """A read YAML value to compare: what a value cannot be read as, not where it is."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):  # Unreadable
        return ("unreadable", value[1])
    return None if value is None else str(value)


def workflow_change(root: str, found: Found, force: bool) -> Change:
    name = ".github/workflows/citelint.yml"
    original = _bytes(os.path.join(root, name))
    if original is not None and not force:
        return Change(name, None, original, f"left {name} as it is: it exists (--force replaces it)")
    text = workflow(found)
    return Change(name, text, original, f"{'replaced' if original is not None else 'wrote'} {name}", text)


def _bytes(path: str) -> Optional[bytes]:
    if not os.path.lexists(path):
        return None
    try:
        return read_regular(path, 1024 * 1024)
    except (OSError, NotRegularFile, TooLarge) as error:
        raise InitError(f"{os.path.basename(path)}: cannot be read ({getattr(error, 'strerror', None) or error}); not changed") from None


def apply(root: str, change: Change) -> None:
    """Writes a change: a new file is created only if it still does not exist; an
    existing one is replaced atomically only if it is still as it was read."""
    assert change.new_text is not None
    path = os.path.join(root, change.path)
    data = change.new_text.encode("utf-8")
    if change.original is None:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        try:
            with open(path, "xb") as handle:
                handle.write(data)
        except FileExistsError:
            raise InitError(f"{change.path}: appeared while citelint init ran; not overwritten") from None
        return
    from citelint.atomic_write import ChangedOnDisk, write_atomically

    try:
        write_atomically(path, change.original, data)
    except ChangedOnDisk:
        raise InitError(f"{change.path}: changed on disk while citelint init ran; not overwritten") from None
    except OSError as error:
        raise InitError(f"{change.path}: cannot be written ({error.strerror or error})") from None


# -- the command -------------------------------------------------------------------------------


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


def _shown(path: str) -> str:
    relative = _posix(os.path.relpath(path))
    return "the current folder" if relative == "." else relative


def summary_line(found: Found) -> str:
    where = "the repository root" if found.folder == "." else f"{found.folder}/"
    style = STYLE_EXAMPLES[found.style] if found.keyword == "CITATION" else f"[{found.keyword} 3]"
    headings = ", ".join(found.headings[:3]) or "no reference heading"
    tool = f"; book tool: {found.book.source}" if found.book else ""
    count = len(found.chapters)
    return f"found {count} chapter{'' if count == 1 else 's'} with numbered citations in {where} ({style}; {headings}{tool})"


@click.command("init")
@click.argument("root", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--folder", help="The manuscript folder, relative to ROOT, if not the one init finds.")
@click.option("--github", is_flag=True, help="Also write the GitHub workflow .github/workflows/citelint.yml.")
@click.option("--force", is_flag=True, help="Replace a citelint configuration or workflow that exists.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.pass_context
def init(ctx: click.Context, root: str, folder: Optional[str], github: bool, force: bool, dry_run: bool) -> None:
    """Set citelint up in the repository ROOT (default: the current folder).

    Finds the manuscript folder, how its chapters cite ([CITATION n], [n] or
    superscripts), their reference headings and the book tool, and writes a
    commented [tool.citelint] table into pyproject.toml (appended) or a
    .citelint.toml, a citelint hook in .pre-commit-config.yaml, and with --github a
    GitHub workflow. Nothing that exists is overwritten without --force."""
    try:
        found = find_manuscript(root, folder)
        changes = [configuration_change(root, found, force), precommit_change(root, found, force)]
        if github:
            changes.append(workflow_change(root, found, force))
        click.echo(f"citelint init: {printable(summary_line(found))}")
        for change in changes:
            _carry_out(root, change, dry_run)
    except InitError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    placeholders = (f"repo: {REPOSITORY_URL}", f"uses: {ACTION}")
    if "YOUR-ORG" in REPOSITORY_URL and any(change.new_text and any(p in change.new_text for p in placeholders) for change in changes):
        click.echo("Note: replace YOUR-ORG in the hook's repository (and the workflow's `uses:`) with where citelint is hosted.")
    target = os.path.relpath(os.path.join(root, found.folder))
    click.echo(f"Next: citelint check {_posix(target) if target != '.' else '.'}")


_PRESENT = {"wrote": "write", "added": "add", "replaced": "replace"}


def _carry_out(root: str, change: Change, dry_run: bool) -> None:
    if change.new_text is None:
        click.echo(printable(change.summary))
        return
    if dry_run:
        verb, rest = change.summary.split(" ", 1)
        click.echo(f"would {_PRESENT.get(verb, verb)} {printable(rest)}:")
        for line in change.shown.splitlines():
            click.echo(f"    {line}")
        return
    apply(root, change)
    click.echo(printable(change.summary))
