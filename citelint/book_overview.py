"""The book at a glance, for `citelint report`: each chapter's citations,
references, findings and link verdicts, and where each source of the book is
cited.

The findings are a check of the book's files, exactly as `citelint check`
makes them (the result cache included), so the report and `check --format
json` never disagree. The links' verdicts are read from the URL cache only:
the report sends no request, and a link the cache does not know is shown as
not checked, never as fine. Each file is parsed once more for what a check
does not report (its markers and entries), one file at a time, and only a
summary of it is kept.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Callable, Iterable, NamedTuple, Optional

from citelint.config import Settings
from citelint.diagnostics import Diagnostic, FileError, Severity, shorten

EXCERPT_CHARS = 240  # of a line shown beside its findings
FINDINGS_SHOWN = 500  # of a chapter, listed on the page (all are counted): a hostile file cannot make the page huge
LINKS_SHOWN = 1000  # of a chapter, listed on the page (all are counted)
UrlVerdicts = Callable[[list[str]], dict]  # type: ignore[type-arg]  # keys -> urls.store.Verdict, answered from the cache only


class LinkState(NamedTuple):
    """One link of a chapter's reference list and what the URL cache says of it."""

    shown: str  # the URL, or ``doi:10.…``
    line: int  # 1-based
    code: Optional[str]  # the verdict's rule (None: fine)
    detail: str
    checked_at: Optional[float]  # when it was checked (None: the cache does not know it)

    @property
    def state(self) -> str:
        """``ok``, ``broken`` (an error-level verdict), ``warning`` or ``unchecked``."""
        if self.checked_at is None:
            return "unchecked"
        if self.code is None:
            return "ok"
        from citelint.urls import URL_RULES

        rule = URL_RULES.get(self.code)
        if rule is None or self.code == "URL004":
            return "unchecked"
        return "broken" if rule.severity is Severity.ERROR else "warning"


class ChapterState(NamedTuple):
    """One file of the book, as the report shows it."""

    place: int  # 1-based, in book order
    path: str  # as reports show it
    citations: int = 0  # markers that cite, outside the reference lists
    cited_numbers: int = 0  # distinct numbers they cite
    references: int = 0  # entries of its reference lists
    findings: tuple[Diagnostic, ...] = ()
    links: tuple[LinkState, ...] = ()
    uses: tuple[tuple[int, int], ...] = ()  # (source index, citations of it here), most cited first
    excerpts: tuple[tuple[int, str], ...] = ()  # (1-based line, its text) of each line with a finding
    error: str = ""  # why it could not be read or linted

    def findings_by_rule(self) -> list[tuple[str, int]]:
        counts = Counter[str]()
        for finding in self.findings:
            counts[finding.code] += finding.stands_for
        return sorted(counts.items())

    @property
    def finding_count(self) -> int:
        return sum(finding.stands_for for finding in self.findings)


class SourceState(NamedTuple):
    """One work of the book (the same work listed in several chapters is one)."""

    key: str  # its citation key, unique in the book (as `citelint refs` writes it)
    label: str  # authors, year and title, as far as the entry says them
    url: str
    listed_in: tuple[tuple[int, int], ...]  # (chapter place, entry number) of each listing


class BookOverview(NamedTuple):
    title: str
    generated_at: float
    version: str
    order_source: str  # where the chapters' order comes from
    numbering: str  # "chapter" or "book"
    chapters: tuple[ChapterState, ...]
    sources: tuple[SourceState, ...]
    errors: tuple[FileError, ...]
    notes: tuple[FileError, ...]

    def uses_by_source(self) -> list[dict[int, int]]:
        """For each source, chapter place -> citations of it there."""
        found: list[dict[int, int]] = [{} for _ in self.sources]
        for chapter in self.chapters:
            for index, count in chapter.uses:
                found[index][chapter.place] = count
        return found


class _Summary(NamedTuple):
    """What the report keeps of one parsed file."""

    citations: int
    cited: list[tuple[int, Counter[int]]]  # (part index, cited number -> markers citing it)
    entries: list[list[tuple[int, str]]]  # each part's entries: (number, text)
    links: list[tuple[str, str, int]]  # (verdict key, shown, 1-based line)
    excerpts: list[tuple[int, str]]


def book_files(paths: Iterable[str], settings: Settings) -> tuple[tuple[str, ...], str, list[FileError], list[FileError]]:
    """The book's files in order, where the order comes from, errors and notes.
    Raises ``book_order.BookError`` for a book file that cannot be read."""
    if settings.numbering == "book":
        from citelint import book_numbering

        book = book_numbering.book_files(paths, settings)
        return book.files, book.source, list(book.errors), list(book.notes)
    from citelint.book_order import book_order

    order = book_order(paths, settings)
    where = order.source + (f" ({order.listed_in})" if order.listed_in and order.listed_in not in order.source else "")
    return order.chapters, where, list(order.problems), []


def gather(
    paths: Iterable[str],
    settings: Settings,
    *,
    title: str,
    version: str,
    cache: Optional[object] = None,
    jobs: int = 1,
    url_verdicts: Optional[UrlVerdicts] = None,
) -> BookOverview:
    """The book at a glance: one check of its files (with ``cache``, a
    ``cache.ResultCache``), then each file's markers, entries and links."""
    from citelint.check_files import check_paths
    from citelint.files import shown_path

    files, order_source, errors, notes = book_files(paths, settings)
    result = check_paths(files, settings, None, cache, jobs) if files else None  # type: ignore[arg-type]
    findings: dict[str, list[Diagnostic]] = {}
    failed: dict[str, str] = {}
    if result is not None:
        for diagnostic in result.diagnostics:
            findings.setdefault(diagnostic.path, []).append(diagnostic)
        failed = {error.path: error.message for error in result.errors}
        errors += result.errors
        notes += result.notes
    summaries: list[tuple[str, Optional[_Summary]]] = []
    for path in files:
        shown = shown_path(path)
        lines = sorted({d.line for d in findings.get(shown, [])[:FINDINGS_SHOWN]})
        summaries.append((shown, None if shown in failed else _summarize(path, settings, lines)))
    sources, uses = _sources(summaries, settings.numbering == "book")
    verdicts = url_verdicts([key for _, summary in summaries if summary for key, _, _ in summary.links]) if url_verdicts else {}
    chapters = []
    for place, (shown, summary) in enumerate(summaries, start=1):
        chapter = ChapterState(place, shown, findings=tuple(findings.get(shown, ())), error=failed.get(shown, ""))
        if summary is not None:
            chapter = chapter._replace(
                citations=summary.citations,
                cited_numbers=sum(len(counts) for _, counts in summary.cited),
                references=sum(len(entries) for entries in summary.entries),
                links=tuple(_link_state(verdicts.get(key), shown_url, line) for key, shown_url, line in summary.links),
                uses=tuple(sorted(uses.get(place, {}).items(), key=lambda item: (-item[1], item[0]))),
                excerpts=tuple(summary.excerpts),
            )
        chapters.append(chapter)
    return BookOverview(
        title,
        time.time(),
        version,
        order_source,
        settings.numbering,
        tuple(chapters),
        tuple(sources),
        tuple(errors),
        tuple(notes),
    )


def _summarize(path: str, settings: Settings, finding_lines: list[int]) -> Optional[_Summary]:
    """One file's markers, entries, links and the lines its findings are on; None
    when it cannot be read or parsed (the check has said why)."""
    from citelint.chapter import Chapter
    from citelint.files import read_source, reads_as_plain_text

    source = read_source(path)
    if isinstance(source, FileError):
        return None
    try:
        chapter = Chapter.parse(source.text, settings, reads_as_plain_text(path))
    except (RecursionError, MemoryError):
        return None
    cited = []
    for index, part in enumerate(chapter.chapters()):
        counts = Counter[int]()
        for marker in part.cited:
            counts.update(set(marker.numbers))
        cited.append((index, counts))
    entries = [[(entry.number, entry.text) for entry in part.references.entries] if part.references else [] for part in chapter.chapters()]
    document = chapter.document
    excerpts = []
    for line in finding_lines:
        if 1 <= line <= len(document.line_starts):
            start = document.offset(line - 1)
            excerpts.append((line, shorten(document.text[start : document.line_end(line - 1)].strip(), EXCERPT_CHARS)))
    return _Summary(len(chapter.cited), cited, entries, _links(chapter), excerpts)


def _links(chapter: "object") -> list[tuple[str, str, int]]:
    """(verdict key, as shown, 1-based line) of each link the URL check asks about."""
    from citelint.urls import doi_links_of, links_of
    from citelint.urls.doi import doi_key, is_doi_url

    document = chapter.document  # type: ignore[attr-defined]
    found = [(link.url, link.url, document.line_of(link.start) + 1) for link in links_of(chapter) if not is_doi_url(link.url)]  # type: ignore[arg-type]
    found += [(doi_key(link.doi), f"doi:{link.doi}", document.line_of(link.start) + 1) for link in doi_links_of(chapter)]  # type: ignore[arg-type]
    return sorted(found, key=lambda item: item[2])


def _link_state(verdict: Optional[object], shown: str, line: int) -> LinkState:
    """A link as the report shows it. A verdict with no date was not checked (never
    fine): the cache does not know the URL, or the check would not ask (excluded by
    the configuration, a private address with the guard closed), as its detail says."""
    from citelint.urls.checker import OFFLINE_MISS

    checked_at = getattr(verdict, "checked_at", 0.0) or None
    if verdict is None or getattr(verdict, "detail") == OFFLINE_MISS:
        return LinkState(shown, line, "URL004", "not in the URL cache: run `citelint check --urls`", None)
    return LinkState(shown, line, getattr(verdict, "code"), getattr(verdict, "detail"), checked_at)


def _sources(summaries: list[tuple[str, Optional[_Summary]]], book_numbering: bool) -> tuple[list[SourceState], dict[int, dict[int, int]]]:
    """The book's works, each once (``bibliography.book_sources``), and for each
    chapter place the citations of each work there. In book numbering a number
    names one entry of the whole book; else each chapter (each part of a compiled
    book) numbers its own list."""
    from citelint.bibliography import book_sources

    units: list[tuple[str, list[tuple[int, str]]]] = []
    unit_of: dict[tuple[int, int], int] = {}  # (chapter place, part) -> unit place
    for place, (shown, summary) in enumerate(summaries, start=1):
        for part, entries in enumerate(summary.entries if summary else []):
            units.append((shown, entries))
            unit_of[(place, part)] = len(units)
    chapter_of_unit = {unit: place for (place, _), unit in unit_of.items()}
    found = book_sources(units)
    source_of: dict[tuple[int, int], int] = {}  # (unit place, number) -> source index
    first_of_number: dict[int, int] = {}  # book numbering: number -> source index
    sources = []
    for index, source in enumerate(found):
        for listed in source.listed:
            source_of.setdefault((listed.chapter, listed.number), index)
            first_of_number.setdefault(listed.number, index)
        listed_in = tuple((chapter_of_unit[listed.chapter], listed.number) for listed in source.listed)
        sources.append(SourceState(source.key, _label(source.work), source.work.url or (f"https://doi.org/{source.work.doi}" if source.work.doi else ""), listed_in))
    uses: dict[int, dict[int, int]] = {}
    for place, (_, summary) in enumerate(summaries, start=1):
        for part, counts in summary.cited if summary else []:
            unit = unit_of.get((place, part))
            for number, count in counts.items():
                index = first_of_number.get(number) if book_numbering else source_of.get((unit, number)) if unit else None
                if index is not None:
                    here = uses.setdefault(place, {})
                    here[index] = here.get(index, 0) + count
    return sources, uses


def _label(work: "object") -> str:
    """``Family, Family & Family (2021). Title``, as far as the entry says them."""
    families = list(getattr(work, "families"))
    authors = ", ".join(families[:3]) + (" et al." if len(families) > 3 else "")
    year = getattr(work, "year")
    parts = [part for part in (authors, f"({year})" if year else "") if part]
    title = getattr(work, "title") or getattr(work, "container") or getattr(work, "rest")
    if not authors and title:
        return shorten(f"{title} ({year})" if year else title, 200)
    head = " ".join(parts)
    return shorten(f"{head}. {title}" if head and title else head or title or "(an entry with no title)", 200)


def relative_href(path: str, report_folder: str) -> str:
    """A link from the report to a chapter file, relative to where the report is
    written, with ``/`` and each part percent-encoded."""
    from urllib.parse import quote

    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(report_folder))
    return "/".join(quote(part) for part in relative.split(os.sep))
