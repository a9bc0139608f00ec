"""URL007 for pages: does the page an entry's URL leads to name the work the entry cites?

Judged when the findings are made, from the page's metadata kept in the verdict
(``urls.page_meta``) and the entry's fields (``citelint.cited_work``), so an
edited entry is judged again without a request. Three questions, each asked
only when both sides have an answer:

- **Title.** The entry's title matches one of the page's titles (Highwire,
  JSON-LD, Open Graph, ``<title>``, the first ``<h1>``; a PDF's), or, on a page
  without any, its text holds the title's words. An entry without a title, or
  whose title has fewer than ``MIN_TITLE_WORDS`` words that carry meaning (not
  "the", "of", a number), is not judged: one word is too little to tell a page
  by. The likeness of titles is ``urls.titles``'s.
- **Authors.** Only when the page states its authors (``citation_author`` or
  JSON-LD persons): no family name of either side is among the other's names.
  Organisations on either side ("BBC News", "World Health Organization":
  ``organisation``) are left out.
- **Year.** Only when the page states a publication date (Highwire, JSON-LD
  ``datePublished``, ``article:published_time``): more than one year from the
  entry's (online-first against issue dates are a year apart).

A page whose title is the entry's container (the book of a chapter, the issue
of an article: ``names_container``) is the work's home, not another work. An
entry with a DOI is judged by its DOI's record instead (``urls.doi``: the
resolver's metadata is the authority), and a page whose title is a bot check,
sign-in, consent or paywall (``WALL``) is not judged: it says nothing of the work.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from citelint.urls.page_meta import PageMeta
from citelint.urls.titles import judged_title, meaningful, text_holds_title, titles_match, words

YEAR_TOLERANCE = 1
MAX_FAMILY_WORDS = 3
PROSE_WORDS = 30
CONTAINER_THRESHOLD = 0.8
_MAIN_TITLE = re.compile(r"(?<!\s)(?:\s++[|\u2013\u2014\-\u00b7]\s+|\s*+[|\u2014]\s*)")  # where a site's name begins
ORGANISATION_WORDS = frozenset(
    """news press times post journal magazine review daily weekly tribune guardian herald gazette telegraph
    bbc cnn npr reuters ap afp agency organization organisation organizacion institute institut institution
    university universitat universite college school association society council commission committee
    foundation ministry department office bureau service services bank fund group inc ltd llc gmbh corporation
    corp company centre center library museum government staff editors editorial board team wikipedia
    contributors unesco who oecd un""".split()
)
# Titles of the walls a checker meets instead of the page (Cloudflare, sign-in, consent, paywall).
WALL = re.compile(
    r"^\s*(just a moment|attention required|access denied|are you a (robot|human)|verify(ing)? you are (a )?human|"
    r"security check|captcha|sign in|log ?in|login|subscribe to (continue|read)|before you continue|cookie|"
    r"one more step|please wait|ddos protection|checking your browser|403 forbidden|forbidden|we value your privacy|"
    r"your privacy|privacy (settings|choices)|consent|sign up|register to (continue|read)|subscribe now|robot check)\b",
    re.IGNORECASE,
)
SHOWN_TITLE = 120  # characters of a title a message shows


def _names(names: Iterable[str]) -> tuple[set[str], set[str]]:
    """(family names, every name word) of ``names``: "Family, Given" or "Given Family"."""
    families: set[str] = set()
    every: set[str] = set()
    for name in names:
        family_part = name.split(",", 1)[0] if "," in name else name
        name_words = [word for word in words(name) if len(word) > 1]
        family_words = [word for word in words(family_part) if len(word) > 1]
        if family_words:
            families.add(family_words[0] if "," in name else family_words[-1])
        every.update(name_words)
    return families, every


def organisation(name: str) -> bool:
    """Whether an author's name is an organisation's ("BBC News", "World Health
    Organization", "Wikipedia contributors"): such authors are not compared, a
    news site's byline and its publisher's name being two answers to one question."""
    return bool(set(words(name)) & ORGANISATION_WORDS)


def person(family: str, given: str = "") -> bool:
    """Whether an entry's author reads as a person: a family name of one to three
    words ("de la Cruz") that names no organisation. Anything longer is an
    organisation or a title read as an author: not compared."""
    return 1 <= len(words(family)) <= MAX_FAMILY_WORDS and not organisation(f"{family} {given}")


def authors_match(entry_families: Sequence[str], page_authors: Sequence[str]) -> bool:
    """Whether the two lists share an author: a family name of one side among the other's names."""
    entry_family, entry_every = _names(entry_families)
    for family in entry_families:
        entry_family.update(word for word in words(family) if len(word) > 1)  # "van der Berg", an organisation
    page_family, page_every = _names(page_authors)
    return bool(entry_family & page_every) or bool(page_family & entry_every)


def wrong_page(entry_text: str, meta: PageMeta) -> Optional[str]:
    """Why the page is not the work ``entry_text`` cites, or None when it may be."""
    from citelint.cited_work import cited_work

    work = cited_work(entry_text)
    if work.doi or unverifiable(meta):
        return None
    reasons = []
    named = names_container(work.container, meta) or title_read_as_author(work.authors, meta.titles)
    title_reason = None if named else _title_reason(work.title, meta)
    if title_reason:
        reasons.append(title_reason)
    families = [author.family for author in work.authors if person(author.family, author.given)]
    persons = [name for name in meta.authors if not organisation(name)] if meta.authors_stated else []
    if families and persons and not authors_match(families, persons):
        reasons.append(f"the page names other authors ({_list(persons)}) than the entry ({_list(families)})")
    if work.year is not None and meta.year is not None and not years_match(work.year, meta):
        reasons.append(f"the page gives the year {meta.year}, the entry {work.year}")
    if not reasons:
        return None
    return "; ".join(reasons) + "; check that the URL leads to the work cited"


def years_match(year: int, meta: PageMeta) -> bool:
    """Within YEAR_TOLERANCE of the page's publication year, or of the year it says
    it was last changed (a living page, such as an encyclopedia's, cited as of then)."""
    stated = [found for found in (meta.year, meta.modified_year) if found is not None]
    return any(abs(year - found) <= YEAR_TOLERANCE for found in stated)


def unverifiable(meta: PageMeta) -> bool:
    """A bot check, sign-in or consent wall answered with 200: the page says nothing of the work."""
    return any(WALL.search(title) for title in meta.titles[:3])


def names_container(container: str, meta: PageMeta) -> bool:
    """Whether the page is the work the entry's work is in (the book of a chapter,
    the issue of an article): its whole title, or its main title, is the entry's
    container, word for word (CONTAINER_THRESHOLD of the longer's words). A site's
    name after " | " does not count: a page "Tomato growing | BBC News" is not
    the container "BBC News" of another BBC article."""
    if not judged_title(container):
        return False
    wanted = meaningful(words(container))
    for title in meta.titles:
        for form in (title, _MAIN_TITLE.split(title, 1)[0]):
            found = meaningful(words(form))
            if found and len(wanted & found) >= CONTAINER_THRESHOLD * max(len(wanted), len(found)):
                return True
    return False


def title_read_as_author(authors: Sequence[tuple[str, str]], titles: Sequence[str]) -> bool:
    """Whether an author the entry was read to name, who reads as no person, is one
    of ``titles`` (a page's or a DOI record's): a title read as an author. APA
    writes a work without authors with its title first (``Title. (2021).
    Publisher. URL``: the publisher is then read as the title), and an initial
    runs on into a title (``Smith, J. Title of the work. Press; 2020``). Then the
    page or record names the work: a wrong answer here would call the right one
    another work's. ``authors``: (family, given) pairs."""
    if not titles:
        return False
    return any(not person(family, given) and judged_title(family) and titles_match(family, titles) for family, given in authors)


def _title_reason(title: str, meta: PageMeta) -> Optional[str]:
    if not title or not judged_title(title):
        return None
    if meta.titles:
        if titles_match(title, meta.titles) or (meta.kind == "pdf" and _shares_a_word(title, meta.title)):
            return None
        return f"the page's title {_shown(meta.title)} is not the entry's title {_shown(title)}"
    if meta.text and prose(meta.text) and not text_holds_title(title, meta.text):
        return f"the page has no title of its own and its text does not hold the entry's title {_shown(title)}"
    return None


def prose(text: str) -> bool:
    """Whether a title-less page's text reads as prose that would name its work:
    PROSE_WORDS words or more, mostly letters (not a data file served as text)."""
    letters = sum(1 for char in text if char.isalpha())
    return len(text.split()) >= PROSE_WORDS and letters >= 0.5 * len(text)


def _shares_a_word(title: str, other: str) -> bool:
    """A PDF's Title field is often a running head or a series name: it is another
    work's only when it shares no content word with the entry's title."""
    return bool(meaningful(words(title)) & meaningful(words(other)))


def _shown(title: str) -> str:
    cut = title if len(title) <= SHOWN_TITLE else title[: SHOWN_TITLE - 3] + "..."
    return '"' + "".join(char if char.isprintable() else " " for char in cut) + '"'


def _list(names: Sequence[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


JUDGED_CODES = (None, "URL003", "URL005")  # verdicts of a page that answered: moved or changed pages are judged too


def judge_page(code: Optional[str], page: Optional[str], entry_text: str, detail: str = "") -> tuple[bool, Optional[str]]:
    """(whether the verdict's own finding stands, why the page is not the entry's
    work or None) for a link's verdict (``code``, ``detail``, its page metadata
    ``page``). A soft 404 (URL008) found by an error phrase or the catch-all
    probe whose page title matches the entry's title (or a title read as its
    first author: ``title_read_as_author``) is the work after all (a page about
    404 pages, a single-page site serving it): it does not stand. A
    parking page or a redirect home stands whatever its title."""
    if not page or not entry_text or (code not in JUDGED_CODES and code != "URL008"):
        return True, None
    meta = PageMeta.loads(page)
    if meta is None:
        return True, None
    if code == "URL008":
        from citelint.cited_work import cited_work
        from citelint.urls.soft404 import TITLE_MAY_CLEAR

        if not detail.startswith(TITLE_MAY_CLEAR):
            return True, None

        work = cited_work(entry_text)
        named = bool(meta.titles) and judged_title(work.title) and titles_match(work.title, meta.titles)
        named = named or title_read_as_author(work.authors, meta.titles)
        return not named, None
    return True, wrong_page(entry_text, meta)
