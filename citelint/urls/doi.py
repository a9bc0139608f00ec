"""DOIs checked at the source: the resolver's record of each cited DOI, and what
it says about the entry that cites it.

For an entry with a DOI, the checker asks the DOI resolver (``[urls]
doi-resolver``, default ``https://doi.org``) for the work's metadata by content
negotiation (``Accept: application/vnd.citationstyles.csl+json``), through the
guarded session, with a link's deadline, retries and body cap. This module
reads that answer into a small ``WorkRecord`` (title, authors, years, a
retraction notice), kept as JSON in the verdict store, and judges each entry
against it when the findings are made, so a corrected entry is judged again
without a request:

- the resolver does not know the DOI (404): URL001, authoritative;
- the record's title, first author or year is not the entry's: URL007, both shown;
- the record carries a retraction (Crossref ``updated-by``/``update-to`` of type
  retraction, a ``relation`` that names one, a title starting ``RETRACTED:``): URL009.

Standard library only: requests is the checker's (``urls.http``).
"""

import json
import re
from typing import Iterable, NamedTuple, Optional
from urllib.parse import quote, urlsplit

from citelint.urls.limits import is_number


CSL_JSON = "application/vnd.citationstyles.csl+json"
REQUEST_HEADERS = {"Accept": CSL_JSON}
DOI_URLS = ("https://doi.org/10.", "http://doi.org/10.", "https://dx.doi.org/10.", "http://dx.doi.org/10.")
KEY_PREFIX = "doi:"  # a DOI's verdict is kept under "doi:" + the DOI in lower case
RECORD_LIMIT = 1024 * 1024  # bytes of a resolver's answer read, at most
MAX_AUTHORS = 30
MAX_NAME = 200
MAX_TITLE = 1000
MAX_YEARS = 8
NAME_THRESHOLD = 0.8  # the likeness from which two spellings of a name are one name
YEAR_TOLERANCE = 1  # a year one off the record's (online first, print later) is the same work's
DATE_FIELDS = ("issued", "published-print", "published-online", "published", "original-date")
_RETRACTED_TITLE = re.compile(r"\A\s*retracted(?:\s+article)?\s*:\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,200}>")
_SHOWN_ID = re.compile(r"[!-~]{1,200}")  # a DOI or date from the answer, safe to show


class WorkRecord(NamedTuple):
    """What the resolver says the DOI names. ``retraction`` says why the work is
    one to check (retracted, or itself a retraction notice), or is empty."""

    title: str
    subtitle: str
    authors: tuple[str, ...]  # family names, or an organisation's whole name
    years: tuple[int, ...]
    retraction: str

    def dumps(self) -> str:
        return json.dumps({"title": self.title, "subtitle": self.subtitle, "authors": list(self.authors), "years": list(self.years), "retraction": self.retraction})

    @classmethod
    def loads(cls, text: Optional[str]) -> Optional["WorkRecord"]:
        """The record kept as JSON, or None when it is not one this module wrote."""
        if not text:
            return None
        try:
            data = json.loads(text)
            title, subtitle, authors, years, retraction = (data[key] for key in ("title", "subtitle", "authors", "years", "retraction"))
        except (ValueError, KeyError, TypeError, RecursionError):
            return None
        if not (_is_text(title, MAX_TITLE) and _is_text(subtitle, MAX_TITLE) and _is_text(retraction, MAX_TITLE)):
            return None
        if not (isinstance(authors, list) and len(authors) <= MAX_AUTHORS and all(_is_text(name, MAX_NAME) for name in authors)):
            return None
        if not (isinstance(years, list) and len(years) <= MAX_YEARS and all(type(year) is int and 1000 <= year <= 9999 for year in years)):
            return None
        return cls(title, subtitle, tuple(authors), tuple(years), retraction)


class Judgement(NamedTuple):
    """A finding about an entry's DOI: its rule code and message."""

    code: str
    message: str


# -- keys and the resolver's address -------------------------------------------


def doi_key(doi: str) -> str:
    """The key of a DOI's verdict: DOIs are case-insensitive."""
    return KEY_PREFIX + doi.lower()


def is_doi_key(key: str) -> bool:
    return key.startswith(KEY_PREFIX)


def is_doi_url(url: str) -> bool:
    """Whether a link is a DOI's (``https://doi.org/10.…``): it is checked at the DOI
    resolver, for the DOI's record, not fetched as a page (the landing page it
    leads to is the publisher's, often behind a bot wall)."""
    return url[:24].lower().startswith(DOI_URLS)


def resolver_url(resolver: str, key: str) -> str:
    """Where the resolver answers for the DOI of ``key`` (``https://doi.org/10.1000/xyz``)."""
    doi = key[len(KEY_PREFIX) :]
    return resolver.rstrip("/") + "/" + quote(doi, safe="/:;()[]<>.,-_~+!*'=@$&")


def resolver_name(resolver: str) -> str:
    return urlsplit(resolver).hostname or resolver


# -- the resolver's answer -----------------------------------------------------


def record_from_answer(data: bytes) -> Optional[WorkRecord]:
    """The record in a CSL-JSON answer (a list holding one item is taken too);
    None when the answer is not CSL-JSON (or larger than any record, RECORD_LIMIT):
    the DOI exists, nothing is judged."""
    if len(data) > RECORD_LIMIT:
        return None
    try:
        item = json.loads(data.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return None
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if not isinstance(item, dict):
        return None
    title = _first_text(item.get("title"))
    return WorkRecord(
        title=_clip(_RETRACTED_TITLE.sub("", title, count=1), MAX_TITLE),  # the mark is no part of the title
        subtitle=_clip(_first_text(item.get("subtitle")), MAX_TITLE),
        authors=_names(item),
        years=_years(item),
        retraction=_clip(retraction_of(item, title), MAX_TITLE),
    )


def retraction_of(item: dict, title: str) -> str:  # type: ignore[type-arg]
    """Why the record is a retraction's, in words, or "": Crossref's ``updated-by``
    (the work was retracted by a notice) and ``update-to`` (this record is the
    notice) of type retraction, partial_retraction, withdrawal or removal, a
    ``relation`` whose type names a retraction, or a title that begins
    ``RETRACTED:`` (how publishers mark a retracted article). A correction or an
    expression of concern is not a retraction."""
    for update in _dicts(item.get("updated-by")):
        kind = _retraction_kind(update.get("type"))
        if kind:
            return f"the work was {kind}" + _notice(update.get("DOI"), update.get("updated"), "by the notice")
    for update in _dicts(item.get("update-to")):
        if _retraction_kind(update.get("type")):
            return "this DOI is a retraction notice" + _notice(update.get("DOI"), update.get("updated"), "of") + ", not the work itself"
    relation = item.get("relation")
    if isinstance(relation, dict):
        for kind, related in list(relation.items())[:50]:
            kind_text = str(kind).lower()
            if "retract" not in kind_text:
                continue
            target = next((entry.get("id") for entry in _dicts(related)), None)
            if kind_text in ("retracts", "is-retraction-of", "retraction-of"):
                return "this DOI is a retraction notice" + _notice(target, None, "of") + ", not the work itself"
            return "the work was retracted" + _notice(target, None, "by the notice")
    if _RETRACTED_TITLE.match(title):
        return "the work was retracted (its title says so)"
    return ""


def _retraction_kind(value: object) -> str:
    """``retracted``, ``partly retracted``, ``withdrawn`` or ``removed`` for a Crossref
    update type that takes the work back; "" for any other (a correction, an erratum)."""
    kind = str(value or "").lower().replace("-", "_").replace(" ", "_")
    if "partial_retract" in kind:
        return "partly retracted"
    if "retract" in kind:
        return "retracted"
    if "withdraw" in kind:
        return "withdrawn"
    if kind in ("removal", "removed"):
        return "removed"
    return ""


def _notice(doi: object, updated: object, word: str) -> str:
    """`` (by the notice 10.1000/r1, 2021-03-04)``, from what the answer says."""
    parts = []
    if isinstance(doi, str) and _SHOWN_ID.fullmatch(doi):
        parts.append(f"{word} {doi}")
    day = _date_text(updated)
    if day:
        parts.append(day)
    return f" ({', '.join(parts)})" if parts else ""


def _date_text(value: object) -> str:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        return ""
    numbers = [number for number in parts[0][:3] if type(number) is int and 0 < number < 10000]
    if not numbers:
        return ""
    return "-".join([f"{numbers[0]:04d}", *(f"{number:02d}" for number in numbers[1:])])


def _names(item: dict) -> tuple[str, ...]:  # type: ignore[type-arg]
    """Authors' (and, for an edited book, editors') family names, or an organisation's name."""
    names: list[str] = []
    for role in ("author", "editor"):
        for person in _dicts(item.get(role)):
            name = person.get("family") or person.get("literal") or person.get("name")
            if isinstance(name, str) and name.strip() and len(names) < MAX_AUTHORS:
                names.append(_clip(_plain(name), MAX_NAME))
    return tuple(names)


def _years(item: dict) -> tuple[int, ...]:  # type: ignore[type-arg]
    years: list[int] = []
    for field in DATE_FIELDS:
        value = item.get(field)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        first = parts[0][0] if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] else None
        if isinstance(first, str) and is_number(first, 4):  # a year
            first = int(first)
        if type(first) is int and 1000 <= first <= 9999 and first not in years:
            years.append(first)
    return tuple(years[:MAX_YEARS])


def _first_text(value: object) -> str:
    """CSL's title is a string, or a list of them in some answers."""
    if isinstance(value, list):
        value = next((entry for entry in value if isinstance(entry, str)), "")
    return _plain(value) if isinstance(value, str) else ""


def _plain(text: str) -> str:
    """Text without markup (``<i>E. coli</i>``), entities read, white space folded."""
    from html import unescape  # ~1.4 ms: only for a record fetched, not for a warm run's stored verdicts

    return " ".join(unescape(_TAG.sub("", text)).split())


def _dicts(value: object) -> list[dict]:  # type: ignore[type-arg]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [entry for entry in value[:50] if isinstance(entry, dict)]
    return []


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


# -- judging an entry ----------------------------------------------------------


class CitedFields(NamedTuple):
    """What an entry says of the work it cites, as far as it says it."""

    title: str
    first_author: str
    year: Optional[int]
    container: str  # a chapter's book: a book's DOI cited for one of its chapters is the same work
    authors: tuple[tuple[str, str], ...] = ()  # (family, given) of each author read, for a title read as one


def cited_fields(entry_text: str) -> CitedFields:
    """The entry's title, first author and year (``citelint.cited_work``)."""
    from citelint.cited_work import cited_work

    work = cited_work(entry_text)
    return CitedFields(work.title, work.first_author, work.year, work.container, tuple(work.authors))


def judge(record: WorkRecord, entry_text: str, compare: bool = True) -> list[Judgement]:
    """URL009 when the record carries a retraction the entry does not mention;
    URL007 when the entry has a title and the record is another work's (its
    title, first author or year), when ``compare`` (the entry's first DOI). An
    entry without a title is not compared."""
    from citelint.urls.wrong_page import judged_title

    found: list[Judgement] = []
    if record.retraction and "retract" not in entry_text.casefold():  # an entry that says so is told already
        found.append(Judgement("URL009", f"{record.retraction}; check that the citation still stands"))
    cited = cited_fields(entry_text) if compare else CitedFields("", "", None, "")
    if cited.title and record.title and judged_title(cited.title):
        differences = _differences(record, cited)
        if differences:
            found.append(Judgement("URL007", f"the DOI names another work: the record says {_described(record.title, record.authors, record.years)}, "
                                             f"the entry {_described(cited.title, (cited.first_author,) if cited.first_author else (), (cited.year,) if cited.year else ())} "
                                             f"({', '.join(differences)} differ); check the DOI"))
    return found


def _differences(record: WorkRecord, cited: CitedFields) -> list[str]:
    """What differs between the record and the entry: "titles", "authors", "years".
    A record whose title is the entry's container (a book's DOI cited for a
    chapter) is the same work, by other authors (the book's editors); so is one
    whose title is the entry's first "author" read as no person (APA's form for a
    work without authors puts the title there)."""
    from citelint.urls.wrong_page import title_read_as_author

    differences = []
    candidates = [record.title] + ([f"{record.title}: {record.subtitle}"] if record.subtitle else [])
    same_title = any(titles_match(cited.title, candidate) for candidate in candidates)
    the_book = not same_title and bool(cited.container) and any(titles_match(cited.container, candidate) for candidate in candidates)
    # A title read as an author: the first (no author left to compare), or a later one.
    unsure = not same_title and not the_book
    first_is_title = unsure and title_read_as_author(cited.authors[:1], candidates)
    if unsure and not first_is_title and not title_read_as_author(cited.authors[1:], candidates):
        differences.append("titles")
    if not the_book and not first_is_title and cited.first_author and record.authors and not _same_author(cited.first_author, record.authors):
        differences.append("authors")
    if cited.year is not None and record.years and all(abs(cited.year - year) > YEAR_TOLERANCE for year in record.years):
        differences.append("years")
    return differences


def _described(title: str, authors: tuple[str, ...], years: tuple[int, ...]) -> str:
    """``'Title' (Smith, 2020)``."""
    who = authors[0] + (" et al." if len(authors) > 1 else "") if authors else ""
    when = str(min(years)) if years else ""
    extra = ", ".join(part for part in (who, when) if part)
    return f"{_clip(title, 200)!r}" + (f" ({extra})" if extra else "")


def titles_match(cited: str, recorded: str) -> bool:
    """Whether two titles name one work: the title likeness URL007 uses for pages
    too (``urls.wrong_page.titles_match``: content words, case, accents,
    punctuation, entities, smart quotes and a dropped subtitle aside). The one
    switch for title likeness in this module."""
    from citelint.urls.wrong_page import titles_match as wrong_page_titles_match

    return wrong_page_titles_match(cited[:MAX_TITLE], [recorded[:MAX_TITLE]])


def _same_author(cited: str, recorded: Iterable[str]) -> bool:
    """Whether a name of the entry's first author is among the record's names
    (initials and one-letter words aside)."""
    from citelint.urls.wrong_page import words

    cited_words = {word for word in words(cited) if len(word) > 1}
    if not cited_words:
        return True
    recorded_words = {word for name in recorded for word in words(name) if len(word) > 1}
    return any(_same_name(mine, theirs) for mine in cited_words for theirs in recorded_words)


def _same_name(a: str, b: str) -> bool:
    """One name written two ways (Müller, Mueller; Tchaikovsky, Tschaikowsky) or the same."""
    from difflib import SequenceMatcher

    return a == b or (min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b, autojunk=False).ratio() >= NAME_THRESHOLD)


def answer_detail(status: int, reason: str, resolver: str) -> str:
    """What a resolver's refusal to know a DOI says."""
    return f"the DOI resolver {resolver_name(resolver)} does not know this DOI ({status} {reason}".rstrip() + "); check the DOI"
