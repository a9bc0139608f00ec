"""What a reference entry names: its title, authors, year, container, URL and DOI.

The one home for reading the fields of a reference entry (``cited_work``), used by
the cross-chapter consistency check (CIT014), the bibliography export
(``citelint refs``) and the check that a page is the work cited (URL007).

Read in the common styles: Chicago and MLA (``Family, Given. "Title." Container,
date.``), APA and Harvard (``Family, G. (2020). Title. *Container*.``, the title
quoted or plain, ``Retrieved from <url>``), IEEE (``J. Smith and A. Jones,
"Title," *Container*, 2019.``) and Vancouver (``Smith J, Jones AB. Title.
Container. 2019;12:45.``). A title is found in double or single quotation marks
(straight or curly), in emphasis (``*Title*``, ``_Title_``), as a Markdown link's
text (``[Title](url)``), or by its place after the authors and the year.

Nothing of the entry is lost: the text that no field takes is kept, in order, in
``rest`` (dates other than the year, volume and pages, access notes, ``et al.``);
only the punctuation that delimits the fields, the words that label a link
(``doi:``, ``Retrieved from``, ``Available at:``, ``URL:``) and the resolver of a
DOI written as a second link (``https://doi.org/``) are not repeated there.

Pure: text in, a ``CitedWork`` out. Every pattern here is linear; an entry
longer than ``MAX_ENTRY`` is read in its first ``MAX_ENTRY`` characters and the
remainder kept in ``rest``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple, Optional

from citelint.patterns import TITLE, YEAR, entry_urls, iter_dois, normalise_url
from citelint.text_folding import NOT_WORD, ascii_folded

MAX_ENTRY = 4000


class Author(NamedTuple):
    """One author as the entry names them: a family name (or an organisation's
    whole name), and given names or initials where the entry gives them."""

    family: str
    given: str = ""


class CitedWork(NamedTuple):
    """The fields of one reference entry. Absent text fields are ``""``."""

    title: str
    authors: tuple[Author, ...]  # first author first
    year: Optional[int]
    container: str  # journal, site, book or publisher
    url: str  # the entry's first http(s) URL
    doi: str  # the entry's first DOI, without ``doi:`` or the resolver
    rest: str  # the text no field took, in order

    @property
    def families(self) -> tuple[str, ...]:
        """The authors' family names, first author first."""
        return tuple(author.family for author in self.authors)

    @property
    def first_author(self) -> str:
        return self.authors[0].family if self.authors else ""


MIN_AUTHORLESS_TITLE_WORDS = 4  # a title this long names one work even without an author


def comparable(text: str) -> str:
    """``text`` as two entries' fields are compared: case, accents, punctuation
    (straight or curly quotes, dashes) and spacing ignored."""
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    if text.isascii():
        return ascii_folded(text)
    return NOT_WORD.sub(" ", text.casefold()).strip()


def work_keys(work: CitedWork) -> frozenset[str]:
    """What makes two entries the same work: the same DOI, the same URL once
    normalised (``patterns.normalise_url``; not a site's home page, which many
    works share), or the same title and first author (an entry without authors:
    the same title of four words or more)."""
    keys = _address_keys(work)
    title = comparable(work.title)
    if title and (work.authors or len(title.split()) >= MIN_AUTHORLESS_TITLE_WORDS):
        keys.add(f"title:{title}\0{comparable(work.first_author)}")
    return frozenset(keys)


def _address_keys(work: CitedWork) -> set[str]:
    """The keys of a work's DOI and URL."""
    keys = set()
    if work.doi:
        keys.add("doi:" + work.doi.casefold())
    url = normalise_url(work.url) if work.url else ""
    if "/" in url or "?" in url:  # a site's home page names the site, not one work
        keys.add(url)
    return keys


# -- patterns -------------------------------------------------------------------

_CURLY_SINGLE = re.compile(r"\u2018([^\u2018\u2019\n]{3,}?)\u2019(?!\w)")
_STRAIGHT_SINGLE = re.compile(r"'(?<![\w'].)(?=\S)([^'\n]{3,}?)(?<=\S)'(?![\w'])")  # not after a letter or a quote
# A year in parentheses after the authors (APA, Harvard): (2020), (2020a), (2020, March 3), (n.d.).
_PAREN_YEAR = re.compile(r"\(\s*(?:(1[5-9]\d\d|20\d\d)[a-z]?(?:\s*,[^()\n]{0,40})?|n\.\s?d\.)\s*\)\.?")
# Chicago author-date: ``Family, Given. 2019. Title.``
_BARE_YEAR = re.compile(r"(?<=\.)\s+(1[5-9]\d\d|20\d\d)[a-z]?\.(?=\s)")
# The same, found from its period: a pattern that begins with a look-behind is tried at
# every position, one that begins with a character is not (``_bare_year``).
_BARE_YEAR_PERIOD = re.compile(r"\.\s+(?:1[5-9]\d\d|20\d\d)[a-z]?\.(?=\s)")
# A label that only introduces a link; taken with it.
_LINK_LABEL = re.compile(r"(?<!\w)(?:retrieved\s+from|available\s+(?:at|from|online)|accessed\s+(?:at|from)|url|doi|online)\s*:?\s*<?$", re.IGNORECASE)
# What may follow a label's word in ``_LINK_LABEL`` (``\s`` in ASCII, ``:``, ``<``), and
# the ASCII endings of its words: a window that does not end so is not searched.
_LABEL_TAIL = " \t\n\r\f\v\x1c\x1d\x1e\x1f:<"
_LABEL_WORD_ENDS = ("from", "at", "online", "url", "doi")
# Vancouver authors at the start: ``Smith J, Jones AB, et al.`` then a period.
_VANCOUVER = re.compile(r"(?<![\w'\u2019-])(?:[^\W\d_][\w'\u2019-]*(?: [^\W\d_][\w'\u2019-]*){0,3} [A-Z]{1,3}(?:, |(?=[.,]))){1,40}(?:,? et al)?\.(?=\s)")
_SEPARATORS = " \t.,;:()[]<>"
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|\bJr|\bSr|\bDr|\bSt|\bMr|\bMrs|\bMs|\bvol|\bVol|\bno|\bNo|\bpp|\bp|\bed|\beds|\bEd|\bEds|\bal|\bInc|\bLtd|\bCo|\bCorp|\btrans|\bRev|\bOrg|\b\w+\.\w+)$"
)
_CONTAINER_STOP = re.compile(
    r"(?:\d|vol\b|no\b|pp?\b|edited\b|ed\b|eds\b|trans\b|accessed\b|retrieved\b|available\b|last\b|updated\b|published\b|posted\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d)",
    re.IGNORECASE,
)
_NOT_CONTAINER = re.compile(r"(?:retrieved|accessed|available|doi\b|url\b|https?\b|\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"(?<!\s)\s*(?:;|,(?:\s*(?:and|&)(?=\s))?|\s(?:and|&)(?=\s))\s*")
_GIVEN = re.compile(r"(?:[A-Z][\w'\u2019-]*\.?)(?:\s+(?:[A-Z][\w'\u2019-]*\.?|[A-Z]\.?))?")
_SUFFIX = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le", "ten", "ter", "bin", "al", "el", "dos", "das"})
# The words that make a name an organisation's, matched as whole words in any case.
_ORGANISATION_WORDS = frozenset(
    "organisation organization association institute institution university college center centre council department agency foundation "
    "bank office committee commission ministry society group inc ltd llc corporation company news press times post journal reuters "
    "government service board bureau fund network project team staff editors programme program union nations forum school library museum academy academies".split()
)
_WORD_RUN = re.compile(r"\w+")


def _names_organisation(text: str) -> bool:
    """Whether ``text`` holds an organisation's word (a set lookup per word: ~4x a
    pattern of alternatives, read for every author of every entry)."""
    return not _ORGANISATION_WORDS.isdisjoint(_WORD_RUN.findall(text.casefold()))
_ET_AL = re.compile(r"et\.?\s+al\.?|and others", re.IGNORECASE)
_MONTH_DATE = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.IGNORECASE)
_IN_PREFIX = re.compile(r"In:?\s+", re.IGNORECASE)
# The editors a chapter's book names before its title: `K. Lee (Ed.),`, `A. Li & B. Roy (Eds.),`.
_EDITORS = re.compile(r"[^()\n]{1,200}?\((?:eds?|hrsg|dir|coords?)\.?\)[,.]?\s*", re.IGNORECASE)
_DESCRIPTION = re.compile(r"\[[^\[\]\n]{1,40}\][\s.,;:]*")
_NAMES_SENTENCE = re.compile(r"(?<![\w'\u2019-])[^\W\d_][\w'\u2019-]+(?: [^\W\d_][\w'\u2019-]+)?, (?:[A-Z][\w'\u2019-]*\.?)")


_DOI_PREFIX = re.compile(r"(?<!\w)(?:doi:\s*|https?://(?:dx\.)?doi\.org/)$", re.IGNORECASE)
_CONTAINER_BREAK = re.compile(r"[,;(]\s*")
_PAREN_DIGIT = re.compile(r"\(\s*(?:\d|pp?\.)")  # a year, a volume or pages in parentheses: the container ends before
_ACCESS_DATE = re.compile(r"(?:accessed|retrieved|viewed|visited|consulted)\b[^;]{0,24}$")
_PAGE_BEFORE = re.compile(r"(?:pp?\.?\s*|[-\u2013\u2014]\s*)$")
_RANGE_AFTER = re.compile(r"(?<!\s)\s*[-\u2013\u2014]\s*\d")
_EDITOR_NOTE = re.compile(r"\(?(?:ed|eds|editor|editors|trans|comp)\.?\)?", re.IGNORECASE)
_INITIAL_BREAK = re.compile(r"[\s.\-\u2010]+")


# The inline and anchor tags converters and wikis write in an entry (`<a id="ref-1">`,
# `<span id=…></span>`, `<i>`, `<br>`); not an autolink (`<https:` has a colon), nor a
# word in angle brackets that is no such tag (`List<String>`, kept as the writer's text).
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|big|br|cite|code|del|dfn|div|em|font|i|img|ins|kbd|mark|p|q|s|samp|small|span|strong|sub|sup|time|tt|u|var|wbr)"
    r"(?=[\s/>])(?:\s[^<>]{0,500})?/?>",
    re.IGNORECASE,
)


class _Span(NamedTuple):
    start: int
    end: int


class _Reader:
    """One entry being read: its text, the text with links blanked out, and
    which characters a field has taken. An HTML tag (``<a id="ref-1">``, ``</span>``,
    ``<br>``) is markup, no field: taken from the start, so its attributes' quoted
    values are no title and its name no author."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.taken = bytearray(len(text))  # 1: a field holds it
        self.hidden = bytearray(len(text))  # 1: taken, or a link the field search skips
        self.blanked = bytearray(len(text))  # 1: a link the field search skips, kept in rest
        self._view: Optional[str] = None  # ``view()``, until something more is hidden
        if "<" in text:
            for tag in _HTML_TAG.finditer(text):
                self.take(*tag.span())

    def take(self, start: int, end: int) -> None:
        if end > start:
            self.taken[start:end] = self.hidden[start:end] = b"\x01" * (end - start)
            self._view = None

    def blank(self, start: int, end: int) -> None:
        """Hidden from the field search, yet not taken (kept in ``rest``)."""
        if end > start:
            self.blanked[start:end] = self.hidden[start:end] = b"\x01" * (end - start)
            self._view = None

    def take_visible(self, start: int, end: int) -> None:
        """Take what the field search saw of ``[start, end)`` (not a link within it)."""
        if 1 not in self.blanked[start:end]:
            self.take(start, end)
            return
        for position in range(start, end):
            if not self.blanked[position]:
                self.taken[position] = self.hidden[position] = 1
        self._view = None

    def view(self) -> str:
        """The text with what is hidden from the field search as spaces (offsets kept)."""
        if self._view is None:
            self._view = "".join(_runs(self.text, self.hidden, " "))
        return self._view

    def untaken(self, start: int, end: int) -> str:
        """``text[start:end]`` with what a field (or markup) has taken as spaces."""
        if 1 not in self.taken[start:end]:
            return self.text[start:end]
        return "".join(character if not self.taken[position] else " " for position, character in enumerate(self.text[start:end], start))

    def rest(self) -> str:
        pieces = _runs(self.text, self.taken, None)
        kept = (_trim(" ".join(piece.replace("*", " ").split())) for piece in pieces)
        return " ".join(piece for piece in kept if piece)


def _runs(text: str, marks: bytearray, fill: Optional[str]) -> list[str]:
    """The runs of ``text`` that ``marks`` leaves unmarked; each marked run as
    ``fill`` repeated (when given) or left out."""
    pieces: list[str] = []
    position, length = 0, len(text)
    while position < length:
        end = marks.find(1, position)
        end = length if end < 0 else end
        if end > position:
            pieces.append(text[position:end])
        position = marks.find(0, end)
        position = length if position < 0 else position
        if fill is not None and position > end:
            pieces.append(fill * (position - end))
    return pieces


def _trim(piece: str) -> str:
    """A leftover without the delimiting punctuation at its ends (a parenthesis
    that closes inside it is kept)."""
    piece = piece.strip(" \t\n.,;:*_\"'\u201c\u201d\u2018\u2019[]<>")
    while piece.startswith("(") and ")" not in piece:
        piece = piece[1:].strip(" \t.,;:")
    while piece.endswith(")") and "(" not in piece:
        piece = piece[:-1].strip(" \t.,;:")
    while piece.startswith(")"):
        piece = piece[1:].strip(" \t.,;:")
    while piece.endswith("("):
        piece = piece[:-1].strip(" \t.,;:")
    return piece


@lru_cache(maxsize=4096)
def cited_work(entry_text: str) -> CitedWork:
    """The fields of a reference entry's text (its label already removed). A book
    lists one work in many chapters: the same text is read once."""
    return _read_fields(entry_text, with_rest=True)


@lru_cache(maxsize=4096)
def compared_work(entry_text: str) -> CitedWork:
    """``cited_work`` with ``rest`` left ``""``: the fields two entries are compared
    by (CIT014) and the result cache keeps, read without gathering the leftover
    text (~12% of the reading, and its memory while a book's entries are held)."""
    return _read_fields(entry_text, with_rest=False)


@lru_cache(maxsize=1024)
def same_work_keys(entry_text: str) -> frozenset[str]:
    """``work_keys(compared_work(entry_text))``, reading only the fields the keys are
    made of (the URL, the DOI, the title and the first author): about half the
    reading, for entries that are only compared when another entry may be their work."""
    return work_keys(_key_fields(entry_text, first_author=True))


def candidate_keys(entry_text: str) -> frozenset[str]:
    """Keys that two entries share whenever their ``same_work_keys`` meet: the DOI's
    and the URL's, and the title's whatever the first author. What a book's entries
    are sorted by before any is compared (the few that share one are then read for
    their ``same_work_keys``), read without the authors: ~40% of the keys' reading,
    paid for every entry of every chapter."""
    work = _key_fields(entry_text, first_author=False)
    keys = _address_keys(work)
    title = comparable(work.title)
    if title:
        keys.add(f"title:{title}")
    return frozenset(keys)


def _key_fields(entry_text: str, first_author: bool) -> CitedWork:
    """The URL, the DOI, the title and (``first_author``) the first author of an entry."""
    text = entry_text[:MAX_ENTRY]
    reader = _Reader(text)
    url, doi, link_titles = _links(reader)
    title_span, _, author_span, _ = _layout(reader, reader.view(), link_titles, containers=False)
    title = _title_text(text, title_span, reader, mark=first_author)  # the authors are read from what the title leaves
    authors = _read_authors(text, author_span, reader, limit=1) if first_author and author_span else ()
    return CitedWork(title, authors, None, "", url, doi, "")


def _read_fields(entry_text: str, with_rest: bool) -> CitedWork:
    text, overflow = entry_text[:MAX_ENTRY], entry_text[MAX_ENTRY:]
    reader = _Reader(text)
    url, doi, link_titles = _links(reader)
    view = reader.view()
    title_span, container_span, author_span, year = _layout(reader, view, link_titles)
    title = _title_text(text, title_span, reader)
    container = _container_text(text, container_span, reader)
    authors = _read_authors(text, author_span, reader) if author_span else ()
    if year is None:
        year = _year(reader)
    if not with_rest:
        return CitedWork(title, authors, year, container, url, doi, "")
    rest = reader.rest()
    if overflow:
        rest = f"{rest} {overflow}".strip()
    return CitedWork(title, authors, year, container, url, doi, rest)


# -- links -----------------------------------------------------------------------


def _links(reader: _Reader) -> tuple[str, str, list[_Span]]:
    """The first URL and DOI (taken with the words that label them), every link
    blanked out of the field search, and the spans of Markdown links' texts."""
    text = reader.text
    url = doi = ""
    link_titles: list[_Span] = []
    for found in entry_urls(text):
        opening = _markdown_link_text(text, found.start)
        if opening is not None:
            link_titles.append(opening)
            reader.take(opening.start - 1, opening.start)
            reader.take(opening.end, found.start)  # `](`
            close = found.end
            if close < len(text) and text[close] == ")":
                reader.take(close, close + 1)
        if not url and "://" in found.text[:8] and len(found.text.split("://", 1)[1]) > 0:
            url = found.text
            reader.take(_label_start(text, found.start), found.end)
        else:
            reader.blank(found.start, found.end)
    for found in iter_dois(text):
        if not doi:
            doi = found.text
            start = found.start
            if not reader.taken[start]:
                prefix = _DOI_PREFIX.search(text[max(0, start - 24) : start])
                start = start - len(prefix.group()) if prefix else start
                reader.take(_label_start(text, start), found.end)
        else:
            reader.blank(found.start, found.end)
    return url, doi, link_titles


def _markdown_link_text(text: str, url_start: int) -> Optional[_Span]:
    """The span of a Markdown link's text when the URL at ``url_start`` is its target."""
    if text[max(0, url_start - 2) : url_start] != "](":
        return None
    close = url_start - 2
    open_ = text.rfind("[", max(0, close - 500), close)
    if open_ < 0 or "]" in text[open_ + 1 : close]:
        return None
    return _Span(open_ + 1, close)


def _label_start(text: str, start: int) -> int:
    """Where the words that label the link at ``start`` begin (``Retrieved from``)."""
    window = text[max(0, start - 30) : start]
    tail = window.rstrip(_LABEL_TAIL)
    if tail.isascii() and not tail[-6:].lower().endswith(_LABEL_WORD_ENDS):
        return start  # the pattern's ending is not there (most links), so it is not searched for
    label = _LINK_LABEL.search(window)
    return start - len(label.group()) if label else start


# -- where the fields are ---------------------------------------------------------


def _layout(reader: _Reader, view: str, link_titles: list[_Span], containers: bool = True) -> tuple[Optional[_Span], Optional[_Span], Optional[_Span], Optional[int]]:
    """The spans of the title, the container and the authors, and the year when
    the entry gives it in parentheses after the authors. ``containers``: else the
    container is not looked for (None; nothing else depends on where it is)."""
    delimited = _delimited_titles(view, link_titles)
    paren = _PAREN_YEAR.search(view, 0, min(len(view), 400)) or _bare_year(view, min(len(view), 400))
    if paren is not None and (not delimited or paren.start() < delimited[0][0].start) and _plausible_authors(view[: paren.start()]):
        return _author_date_layout(reader, view, paren, delimited, containers)
    if delimited:
        outer, inner = delimited[0]
        author = _Span(0, outer.start) if view[: outer.start].strip(_SEPARATORS) else None
        return inner, _container_after(view, outer.end, delimited[1:]) if containers else None, author, None
    vancouver = _VANCOUVER.match(view, len(view) - len(view.lstrip()))
    if vancouver is not None:
        title = _sentence(view, vancouver.end())
        container = _sentence(view, title.end) if title and containers else None
        return title, _container_span(view, container) if container else None, _Span(0, vancouver.end() - 1), None
    first = _sentence(view, 0)
    if first is None:
        return None, None, None, None
    second = _sentence(view, first.end)
    names = _NAMES_SENTENCE.match(view, len(view) - len(view.lstrip())) or (
        _is_organisation(view[first.start : first.end]) and second is not None and _sentence(view, second.end) is not None
    )  # an organisation, then a title and where it appeared (not a title naming a university)
    if names and _plausible_authors(view[first.start : first.end]) and second is not None:
        title = _sentence(view, first.end)
        container = _container_after(view, title.end, []) if title and containers else None
        return title, container, first, None
    return first, _container_after(view, first.end, []) if containers else None, None, None


def _bare_year(view: str, end: int) -> "Optional[re.Match[str]]":
    """``_BARE_YEAR.search(view, 0, end)``: its first match is the one after the first
    ``_BARE_YEAR_PERIOD`` (the same text, from the period before it)."""
    period = _BARE_YEAR_PERIOD.search(view, 0, end)
    return None if period is None else _BARE_YEAR.search(view, period.start() + 1, end)


def _author_date_layout(
    reader: _Reader, view: str, paren: "re.Match[str]", delimited: list[tuple[_Span, _Span]], containers: bool = True
) -> tuple[Optional[_Span], Optional[_Span], Optional[_Span], Optional[int]]:
    author = _Span(0, paren.start()) if view[: paren.start()].strip(_SEPARATORS) else None
    year = int(paren.group(1)) if paren.group(1) else None
    if year is not None:
        reader.take(paren.start(1), paren.start(1) + 4)
    after = paren.end()
    while after < len(view) and view[after] in " \t.,":
        after += 1
    following = [pair for pair in delimited if pair[0].start >= after]
    if following and following[0][0].start == after:
        outer, inner = following[0]
        return inner, _container_after(view, outer.end, following[1:]) if containers else None, author, year
    title = _sentence(view, after)
    if title is None:
        return None, None, author, year
    container = _container_after(view, title.end, [pair for pair in following if pair[0].start >= title.end]) if containers else None
    return title, container, author, year


def _delimited_titles(view: str, link_titles: list[_Span]) -> list[tuple[_Span, _Span]]:
    """Quoted, emphasised and linked texts: (outer span with delimiters, inner span),
    in order. Quotation marks come first within the same place."""
    found: list[tuple[_Span, _Span]] = []
    if '"' in view or "\u201c" in view or "*" in view or "_" in view:
        for match in TITLE.finditer(view):  # double quotes and emphasis: the patterns' TITLE
            found.append((_Span(match.start(), match.end()), _Span(match.start() + 1, match.end() - 1)))
    for quote, pattern in (("\u2018", _CURLY_SINGLE), ("'", _STRAIGHT_SINGLE)):
        if quote in view:
            for match in pattern.finditer(view):
                found.append((_Span(match.start(), match.end()), _Span(match.start(1), match.end(1))))
    for span in link_titles:
        found.append((_Span(span.start - 1, span.end + 1), span))
    found.sort(key=lambda pair: (pair[0].start, -pair[0].end))
    kept: list[tuple[_Span, _Span]] = []
    for pair in found:
        if kept and pair[0].start < kept[-1][0].end:
            continue  # inside another (a quoted title in an emphasised one)
        if _has_letters(view[pair[1].start : pair[1].end]):
            kept.append(pair)
    return kept


_TWO_LETTERS = re.compile(r"[^\W\d_][\W\d_]*[^\W\d_]|[^\W\d_][\s\S]*?[^\W\d_]")


def _has_letters(text: str) -> bool:
    """At least two letters."""
    return _TWO_LETTERS.search(text) is not None


_SENTENCE_END = re.compile(r"[.?!](?=[ \t]|$)")


def _sentence(view: str, start: int) -> Optional[_Span]:
    """The next sentence from ``start``: up to a period that is not an
    abbreviation's or an initial's, a question mark or an exclamation mark."""
    while start < len(view) and view[start] in " \t.,;:":
        start += 1
    if start >= len(view):
        return None
    for stop in _SENTENCE_END.finditer(view, start):
        position = stop.start()
        if stop.group() in "?!":
            return _Span(start, position + 1) if _has_letters(view[start : position + 1]) else None
        if not _ABBREVIATION.search(view[max(start, position - 12) : position]):
            return _Span(start, position) if _has_letters(view[start:position]) else None
    end = len(view.rstrip(" \t.,;:"))
    return _Span(start, end) if end > start and _has_letters(view[start:end]) else None


def _container_after(view: str, start: int, delimited: list[tuple[_Span, _Span]]) -> Optional[_Span]:
    """The container that follows the title: emphasised text right after it, or
    the plain words up to a date, a volume, pages or the end of the sentence."""
    position = start
    while position < len(view) and view[position] in " \t.,;:":
        position += 1
    prefix = _IN_PREFIX.match(view, position)
    if prefix is not None:
        position = prefix.end()
        book = next((pair for pair in delimited if pair[0].start >= position), None)
        if book is not None and book[0].start - position <= 200:
            return book[1]  # a chapter: In E. Editor (Ed.), *The Book*
        editors = _EDITORS.match(view, position)
        if editors is not None:
            position = editors.end()  # a chapter: In E. Editor (Ed.), The book (pp. 1-20)
    described = _DESCRIPTION.match(view, position)
    if described is not None:  # `[Blog post]`, `[Video]`: what the work is, not where
        position = described.end()
    if delimited and delimited[0][0].start == position:
        return delimited[0][1]
    plain = _sentence(view, position)
    return _container_span(view, plain) if plain is not None else None


def _container_span(view: str, plain: _Span) -> Optional[_Span]:
    """A plain container: cut at a comma before a date, volume or pages, and never
    a date, an access note or a link label itself."""
    text = view[plain.start : plain.end]
    if _NOT_CONTAINER.match(text.lstrip(" \t(")) or not _has_letters(text):
        return None
    end = plain.end
    for comma in _CONTAINER_BREAK.finditer(text):
        if comma.group()[0] == "(" and not _PAREN_DIGIT.match(text, comma.start()):
            continue
        if comma.group()[0] != "(" and not _CONTAINER_STOP.match(text, comma.end()):
            continue
        end = plain.start + comma.start()
        break
    trimmed = _without_trailing_numbers(view[plain.start : end]).rstrip(" \t.,;:")
    if not _has_letters(trimmed):
        return None
    return _Span(plain.start, plain.start + len(trimmed))


def _is_organisation(text: str) -> bool:
    """A name of an organisation alone: an organisation's word, no list of names
    (no comma, semicolon or ampersand) and no digits."""
    return (
        _names_organisation(text)
        and not any(char in text for char in ",;&")
        and not any(char.isdigit() for char in text)
        and len(text.split()) <= 12
    )


_NUMBERS_TAIL = frozenset("0123456789() \t\n:-")


def _without_trailing_numbers(text: str) -> str:
    """``Journal of Names 4, no. 2`` is cut before ``4``: the volume, issue and pages
    that end a plain container (a space, a digit, then digits, parentheses, colons,
    dashes and spaces to the end). Linear: no backtracking pattern."""
    start = len(text)
    while start > 0 and text[start - 1] in _NUMBERS_TAIL:
        start -= 1
    for position in range(start, len(text) - 1):
        if text[position].isspace() and text[position + 1].isdigit():
            while position > start and text[position - 1].isspace():
                position -= 1
            return text[:position]
    return text


def _plausible_authors(text: str) -> bool:
    """Text that may name authors: short, with letters, not a sentence of prose."""
    stripped = text.strip(_SEPARATORS)
    return 0 < len(stripped) <= 600 and _has_letters(stripped)


# -- fields' text -------------------------------------------------------------------


def _title_text(text: str, span: Optional[_Span], reader: _Reader, mark: bool = True) -> str:
    """The title's text; ``mark``: taken in ``reader`` with its delimiters (unless
    nothing is read after it)."""
    if span is None:
        return ""
    seen = reader.view()[span.start : span.end]  # a link inside the title is blanked out
    stripped = seen.strip(" \t,.;:")
    if not stripped:
        return ""
    if mark:
        start = span.start + seen.index(stripped)
        reader.take_visible(start, start + len(stripped))
        _take_delimiters(text, span, reader)
    return " ".join(stripped.split())


def _container_text(text: str, span: Optional[_Span], reader: _Reader) -> str:
    if span is None:
        return ""
    container = text[span.start : span.end].strip(" \t,.;:")
    if not container:
        return ""
    start = text.index(container, span.start)
    reader.take(start, start + len(container))
    _take_delimiters(text, span, reader)
    return " ".join(container.split())


def _take_delimiters(text: str, span: _Span, reader: _Reader) -> None:
    """The quotation marks or emphasis around a field, and punctuation inside them."""
    start = span.start
    while start > max(0, span.start - 2) and text[start - 1] in "\"'*_\u201c\u2018":
        start -= 1
    end = span.end
    while end < min(len(text), span.end + 2) and text[end] in "\"'*_\u201d\u2019":
        end += 1
    reader.take(start, span.start)
    reader.take(span.end, end)


def _year(reader: _Reader) -> Optional[int]:
    """The first year not yet taken, not an access date's and not a page's."""
    view = reader.view()
    for match in YEAR.finditer(view):
        value = match.group()
        if not value[:1].isdigit():
            return None  # n.d.
        before = view[max(0, match.start() - 40) : match.start()].lower()
        if _ACCESS_DATE.search(before):
            continue
        if _PAGE_BEFORE.search(before) or _RANGE_AFTER.match(view, match.end()):
            continue
        reader.take(match.start(), match.end())
        return int(value)
    return None


# -- authors ---------------------------------------------------------------------------


class _Token(NamedTuple):
    text: str
    start: int


def _read_authors(text: str, span: _Span, reader: _Reader, limit: Optional[int] = None) -> tuple[Author, ...]:
    """The authors named in ``text[span]`` (the first ``limit`` of them when given);
    each name read is taken, the rest (``et al.``, ``(Ed.)``) is left for ``rest``.
    An organisation named alone (``U.S. Department of Health and Human Services``)
    is one author."""
    segment = reader.untaken(span.start, span.end)  # an HTML tag before the names is markup (``_Reader``), not a name
    if _is_organisation(segment):
        name = segment.strip(" \t.,;:")
        start = span.start + segment.index(name)
        reader.take(start, start + len(name))
        return (Author(" ".join(name.split())),)
    tokens = _name_tokens(segment, span.start, reader)
    authors: list[Author] = []
    previous_end: Optional[int] = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        author, used = _one_author(token, following)
        if author is None:
            index += 1
            continue
        authors.append(author)
        if len(authors) == limit:
            break
        last = tokens[index + used - 1]
        first = tokens[index].start
        if previous_end is not None and not text[previous_end:first].strip(" \t,;&").lower().replace("and", "", 1).strip():
            first = previous_end  # the separator between two names (`, and `)
        for part in tokens[index : index + used]:
            reader.take(part.start, part.start + len(part.text))
        reader.take(first, tokens[index].start)
        previous_end = last.start + len(last.text)
        index += used
    return tuple(authors)


def _name_tokens(segment: str, offset: int, reader: _Reader) -> list[_Token]:
    """The pieces between name separators, without ``et al.`` and editor notes;
    a suffix (``Jr.``) joins the name before it."""
    tokens: list[_Token] = []
    position = 0
    for separator in [*_NAME_SEPARATOR.finditer(segment), None]:
        end = separator.start() if separator is not None else len(segment)
        piece = segment[position:end]
        stripped = piece.strip().strip(":()[]").strip().lstrip(".")
        words = stripped.rstrip(".").split()
        last_word = words[-1] if words else ""
        if not (len(last_word) == 1 and last_word.isupper()) and last_word.lower() not in ("jr", "sr"):
            stripped = stripped.rstrip(".")  # a sentence's period, not an initial's
        if separator is not None:
            position = separator.end()
        if not stripped or _ET_AL.fullmatch(stripped) or _EDITOR_NOTE.fullmatch(stripped):
            continue
        start = offset + (end - len(piece)) + piece.index(stripped)
        if tokens and stripped.lower() in _SUFFIX:
            last = tokens[-1]
            tokens[-1] = _Token(segment[last.start - offset : start - offset + len(stripped)], last.start)
            continue
        tokens.append(_Token(stripped, start))
    return tokens


def _one_author(token: _Token, following: Optional[_Token]) -> tuple[Optional[Author], int]:
    """The author that starts at ``token``, and how many tokens it used."""
    name = token.text
    words = name.split()
    if not words or not any(char.isalpha() for char in name):
        return None, 1
    if _names_organisation(name) or len(words) > 4 or any(word.islower() and word not in _PARTICLES for word in words):
        return Author(" ".join(words)), 1
    family, _, initials = name.rpartition(" ")
    if family and 1 <= len(initials) <= 3 and initials.isascii() and initials.isupper() and initials.isalpha() and not _is_initials(family):
        return Author(family, initials), 1  # Vancouver: Smith JA
    core = [word for word in words if word.lower() not in _SUFFIX]
    if following is not None and _is_family(core) and _looks_given(following.text):
        return Author(name, following.text), 2
    if len(core) >= 2:
        return _given_first(words), 1
    return Author(name), 1


def _is_family(words: list[str]) -> bool:
    """One family name (with particles: ``van der Berg``), or two (``García Márquez``)."""
    if not words or _is_initials(" ".join(words)):
        return False
    if len(words) == 1:
        return True
    return all(word.lower() in _PARTICLES for word in words[:-1]) or (len(words) == 2 and not words[0].endswith("."))


def _looks_given(text: str) -> bool:
    """Given names or initials: ``J.``, ``J. A.``, ``Ankit``, ``Joseph S.``."""
    return bool(_is_initials(text) or _GIVEN.fullmatch(text)) and not _names_organisation(text)


def _is_initials(text: str) -> bool:
    """``J.``, ``J. A.``, ``J.R.R.``, ``Ł.``, ``J.-P.``: capital letters, each alone."""
    letters = [piece for piece in _INITIAL_BREAK.split(text) if piece]
    return 0 < len(letters) <= 4 and all(len(piece) == 1 and piece.isupper() for piece in letters) and "." in text


def _given_first(words: list[str]) -> Author:
    """``J. Smith``, ``Jane van der Berg``, ``Joseph Bermudez Jr.``: the family name
    is the last word, with its particles and suffix."""
    end = len(words)
    while end > 1 and words[end - 1].lower() in _SUFFIX:
        end -= 1
    start = end - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return Author(" ".join(words[start:]), " ".join(words[:start]))
