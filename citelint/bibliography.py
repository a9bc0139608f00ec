"""`citelint refs`: one bibliography for the whole book.

Every reference entry of the book's chapters (in book order: ``book_order``),
read into its fields (``cited_work``), the same work listed in several chapters
kept once (the same DOI, normalised URL, or title and first author: the
identity CIT014 uses), written as CSL-JSON (what pandoc's citeproc and Zotero
read), BibTeX, or one numbered Markdown list. Each work says where it is cited:
the chapter file, the chapter's place in the book and the entry's number there.
Nothing of an entry is dropped: what no field takes goes into ``note``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterable, NamedTuple, Optional, Sequence

import click

from citelint.cited_work import Author, CitedWork, comparable, cited_work, work_keys
from citelint.same_work import two_works_at_one_address
from citelint.atomic_write import write_whole
from citelint.config import Settings
from citelint.diagnostics import FileError, printable

EXIT_ERROR = 2
FORMATS = ("csl-json", "bibtex", "markdown")
_STOP_WORDS = frozenset(
    "a an the of on in at to for and or with from by is are was were be been what how why when who which do does did has have had "
    "can will not no this that these those it its we you our your my i de la le el der die das".split()
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_JOURNAL_HINTS = re.compile(r"\b(?:vol|no|pp|issue)\b\.?|(?<!\d)\d+(?:\s*\(\d|:\d)", re.IGNORECASE)
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_ESCAPE = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")


class Listed(NamedTuple):
    """One entry of one chapter, as the book lists it."""

    path: str  # the chapter file, as shown
    chapter: int  # its 1-based place in the book
    number: int  # the entry's number in the chapter's list
    text: str  # the entry as written (without its label)


class Source(NamedTuple):
    """One work of the book, with every entry that lists it (first in book order first)."""

    work: CitedWork
    listed: tuple[Listed, ...]
    key: str = ""  # the citation key, unique in the book

    @property
    def cited_in(self) -> str:
        """Where the work is cited, as a note says it."""
        return "; ".join(f"{item.path} (chapter {item.chapter}, reference {item.number})" for item in self.listed)

    @property
    def note(self) -> str:
        """The text no field took (of every entry that lists the work, each once), and where it is cited."""
        rests = list(dict.fromkeys(rest for rest in (cited_work(item.text).rest for item in self.listed) if rest))
        parts = [*rests, f"Cited in {self.cited_in}"]
        return ". ".join(part.rstrip(".") for part in parts) + "."


# -- the book's sources ------------------------------------------------------------


MAX_WORKS_AT_ONE_ADDRESS = 64  # works told apart at one URL or DOI; past it an entry stays its own source


def book_sources(chapters: Iterable[tuple[str, Sequence[tuple[int, str]]]]) -> list[Source]:
    """The works of the book in the order they are first listed, each once.
    ``chapters``: each chapter file (as shown) with its entries (number, text), in book order."""
    listed = [
        Listed(path, place, number, text) for place, (path, entries) in enumerate(chapters, start=1) for number, text in entries
    ]
    works = [cited_work(item.text) for item in listed]
    group_of = _groups(works, [work_keys(work) for work in works])
    members: dict[int, list[int]] = {}
    for index in range(len(listed)):
        members.setdefault(group_of[index], []).append(index)
    sources = [Source(_merged([works[i] for i in indexes]), tuple(listed[i] for i in indexes)) for indexes in members.values()]
    return _with_keys(sources)


def _groups(works: list[CitedWork], keys: list[frozenset[str]]) -> list[int]:
    """For each entry, the first entry of its work (entries sharing a key,
    transitively; not two works at one address, as CIT014 tells them apart: two
    chapters cited at their book's page stay two sources)."""
    parent = list(range(len(keys)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    holders: dict[str, list[int]] = {}  # for each key, an entry of each work that has it
    for index, entry_keys in enumerate(keys):
        for key in entry_keys:
            found = holders.setdefault(key, [])
            same = next((other for other in found if not two_works_at_one_address(works[index], works[other], entry_keys & keys[other])), None)
            if same is not None:
                mine, theirs = root(index), root(same)
                parent[max(mine, theirs)] = min(mine, theirs)
            elif len(found) < MAX_WORKS_AT_ONE_ADDRESS:
                found.append(index)
    return [root(index) for index in range(len(keys))]


def _merged(works: list[CitedWork]) -> CitedWork:
    """The first entry's fields, with what it lacks taken from the later ones (the
    authors a later entry names past the first's list, when it agrees with it)."""
    first = works[0]
    authors = first.authors
    for work in works[1:]:
        if len(work.authors) > len(authors) and [comparable(a.family) for a in work.authors[: len(authors)]] == [comparable(a.family) for a in authors]:
            authors = authors + work.authors[len(authors) :]

    def pick(field: str) -> object:
        return next((getattr(work, field) for work in works if getattr(work, field) not in ("", None)), getattr(first, field))

    return first._replace(
        authors=authors, title=pick("title"), year=pick("year"), container=pick("container"), url=pick("url"), doi=pick("doi")
    )


def _with_keys(sources: list[Source]) -> list[Source]:
    """Each source with a citation key like ``family2024word``, unique in the book
    (``a``, ``b``… added to a repeated one)."""
    taken: set[str] = set()
    tried: dict[str, int] = {}  # for each key, the suffixes tried: the next source of that key goes on from there
    keyed = []
    for source in sources:
        base = citation_key(source.work)
        key, suffix = base, tried.get(base, 0)
        if suffix:
            key = f"{base}{_letters(suffix - 1)}"
        while key in taken:
            key = f"{base}{_letters(suffix)}"
            suffix += 1
        tried[base] = suffix
        taken.add(key)
        keyed.append(source._replace(key=key))
    return keyed


def _letters(number: int) -> str:
    """a, b, … z, aa, ab, …"""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def citation_key(work: CitedWork) -> str:
    """``family2024word``: the first author's family name, the year (``nd``
    without one) and the title's first significant word, in ASCII letters."""
    family = _ascii_word(split_suffix(work.first_author)[0].split()[-1] if work.first_author else "") or "anon"
    words = [_ascii_word(word) for word in work.title.split()]
    word = next((w for w in words if w and w not in _STOP_WORDS), next((w for w in words if w), "work"))
    return f"{family}{work.year if work.year is not None else 'nd'}{word}"


def split_suffix(family: str) -> tuple[str, str]:
    """A family name and its suffix: ``Bermudez Jr.`` is (``Bermudez``, ``Jr.``)."""
    words = family.split()
    if len(words) > 1 and words[-1].rstrip(".").casefold() in _SUFFIXES:
        return " ".join(words[:-1]), words[-1]
    return family, ""


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def csl_type(work: CitedWork) -> str:
    """The CSL item type an entry's fields suggest."""
    if work.container and (work.doi or _JOURNAL_HINTS.search(work.rest)):
        return "article-journal"
    if re.match(r"In\b", work.rest) and work.container:
        return "chapter"
    if work.url:
        return "webpage"
    if work.container:
        return "book"
    return "document"


_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})", re.IGNORECASE),  # September 13, 2023
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r"\s+(?P<year>\d{4})", re.IGNORECASE),  # 13 Sept. 2023
    re.compile(r"(?P<year>\d{4}),\s*" + _MONTH + r"\s+(?P<day>\d{1,2})\b", re.IGNORECASE),  # (2023, September 13)
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def date_parts(text: str, year: int) -> tuple[int, ...]:
    """The date of publication: the year, with the month and day when the entry
    gives them beside it (an access date is not one)."""
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if int(match.group("year")) != year or re.search(r"(?:accessed|retrieved|viewed)\W*$", text[max(0, match.start() - 12) : match.start()], re.IGNORECASE):
                continue
            month, day = _MONTHS.index(match.group("month").lower()) + 1, int(match.group("day"))
            if 1 <= day <= 31:
                return (year, month, day)
    return (year,)


# -- CSL-JSON -----------------------------------------------------------------------


def csl_json(sources: Sequence[Source]) -> str:
    return json.dumps([csl_item(source) for source in sources], ensure_ascii=False, indent=2) + "\n"


def csl_item(source: Source) -> dict[str, object]:
    work = source.work
    kind = csl_type(work)
    item: dict[str, object] = {"id": source.key, "type": kind}
    if work.title:
        item["title"] = work.title
    if work.authors:
        item["author"] = [_csl_name(author) for author in work.authors]
    if work.year is not None:
        item["issued"] = {"date-parts": [list(date_parts(source.listed[0].text, work.year))]}
    if work.container:
        item["publisher" if kind == "book" else "container-title"] = work.container
    if work.url:
        item["URL"] = work.url
    if work.doi:
        item["DOI"] = work.doi
    item["note"] = source.note
    item["custom"] = {"cited-in": [{"file": entry.path, "chapter": entry.chapter, "number": entry.number} for entry in source.listed]}
    return item


def _csl_name(author: Author) -> dict[str, str]:
    if not author.given and " " in author.family:
        return {"literal": author.family}  # an organisation
    family, suffix = split_suffix(author.family)
    name = {"family": family}
    if author.given:
        name["given"] = author.given
    if suffix:
        name["suffix"] = suffix
    return name


# -- BibTeX ---------------------------------------------------------------------------


def bibtex(sources: Sequence[Source]) -> str:
    return "\n".join(bibtex_entry(source) for source in sources)


def bibtex_entry(source: Source) -> str:
    work = source.work
    kind = csl_type(work)
    entry_type = {"article-journal": "article", "book": "book", "chapter": "incollection"}.get(kind, "misc")
    fields: list[tuple[str, str]] = []
    if work.authors:
        fields.append(("author", " and ".join(_bibtex_name(author) for author in work.authors)))
    if work.title:
        fields.append(("title", bibtex_escape(work.title)))
    if work.container:
        place = {"article": "journal", "book": "publisher", "incollection": "booktitle"}.get(entry_type, "howpublished")
        fields.append((place, bibtex_escape(work.container)))
    if work.year is not None:
        fields.append(("year", str(work.year)))
    if work.url:
        fields.append(("url", _bibtex_verbatim(work.url)))
    if work.doi:
        fields.append(("doi", _bibtex_verbatim(work.doi)))
    fields.append(("note", bibtex_escape(source.note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{source.key},\n{body}\n}}\n"


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX value in braces: LaTeX's special characters escaped."""
    return _BIBTEX_ESCAPE.sub(lambda match: _BIBTEX_SPECIAL[match.group()], text)


def _bibtex_verbatim(text: str) -> str:
    """A URL or DOI, kept as written (the url package reads it verbatim); a brace,
    which would end the value, percent-encoded."""
    return text.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _bibtex_name(author: Author) -> str:
    if not author.given:
        return "{" + bibtex_escape(author.family) + "}"  # an organisation, or one name: kept whole
    family, suffix = split_suffix(author.family)
    if suffix:
        return f"{bibtex_escape(family)}, {bibtex_escape(suffix)}, {bibtex_escape(author.given)}"  # von Last, Jr, First
    return f"{bibtex_escape(family)}, {bibtex_escape(author.given)}"


# -- Markdown -------------------------------------------------------------------------


def markdown(sources: Sequence[Source]) -> str:
    lines = [f"{number}. {source.listed[0].text} (Cited in {source.cited_in}.)" for number, source in enumerate(sources, start=1)]
    return "# References\n\n" + "\n".join(lines) + ("\n" if lines else "")


WRITERS = {"csl-json": csl_json, "bibtex": bibtex, "markdown": markdown}


# -- reading the book ------------------------------------------------------------------


def chapter_entries(text: str, path: str, settings: Settings) -> list[tuple[int, str]]:
    """The entries of a chapter's reference lists (each chapter of a compiled book): number and text."""
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    parsed = Chapter.parse(text, settings, reads_as_plain_text(path))
    return [(entry.number, entry.text) for part in parsed.chapters() if part.references for entry in part.references.entries]


def read_book(paths: tuple[str, ...], settings: Settings) -> tuple[list[tuple[str, list[tuple[int, str]]]], list[FileError]]:
    """Each chapter in book order with its entries, and the files that could not be read."""
    from citelint.book_order import book_order
    from citelint.files import read_source, shown_path

    order = book_order(paths, settings)
    problems = list(order.problems)
    chapters = []
    for path in order.chapters:
        source = read_source(path)
        if isinstance(source, FileError):
            problems.append(FileError(shown_path(path), source.message))
            continue
        try:
            chapters.append((shown_path(path), chapter_entries(source.text, path, settings)))
        except (RecursionError, MemoryError):
            problems.append(FileError(shown_path(path), "is too deeply nested or too large to read"))
    return chapters, problems


@click.command("refs")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "format_name", type=click.Choice(FORMATS), default="csl-json", show_default=True, help="What to write.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this configuration file.")
@click.pass_context
def refs(ctx: click.Context, paths: tuple[str, ...], format_name: str, output: Optional[str], config_file: Optional[str]) -> None:
    """Export every reference of the book, each work once, as CSL-JSON, BibTeX or Markdown.

    The chapters are read in book order (see `citelint book`); the same work
    listed in several chapters (same DOI, normalised URL, or title and first
    author) is written once, with where it is cited: the chapter file, its
    place in the book and the entry's number. What no field takes is kept in
    the note. A file that cannot be read is named on standard error and the
    others are exported (exit 2)."""
    from citelint.book_listing import BookError
    from citelint.config import ConfigError, load_settings

    try:
        settings = load_settings(config_file, {})
    except ConfigError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    try:
        chapters, problems = read_book(paths or settings.paths or (".",), settings)
    except BookError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    text = WRITERS[format_name](book_sources(chapters))
    if output:
        try:
            write_whole(output, text)
        except OSError as error:
            click.echo(f"citelint: error: {printable(output)}: cannot be written ({printable(error.strerror or str(error))})", err=True)
            ctx.exit(EXIT_ERROR)
    else:
        click.echo(text, nl=False)
    for problem in problems:
        click.echo(f"citelint: error: {printable(problem.path)}: {printable(problem.message)}", err=True)
    ctx.exit(EXIT_ERROR if problems else 0)
