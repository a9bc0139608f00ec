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
  by. See ``titles_match`` for the similarity.
- **Authors.** Only when the page states its authors (``citation_author`` or
  JSON-LD persons): no family name of either side is among the other's names.
  Organisations on either side ("BBC News", "World Health Organization":
  ``organisation``) are left out.
- **Year.** Only when the page states a publication date (Highwire, JSON-LD
  ``datePublished``, ``article:published_time``): more than one year from the
  entry's (online-first against issue dates are a year apart).

An entry with a DOI is judged by its DOI's record instead (``urls.doi``: the
resolver's metadata is the authority), and a page whose title is a bot check,
sign-in, consent or paywall (``WALL``) is not judged: it says nothing of the work.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Iterable, Optional, Sequence

from citelint.urls.page_meta import PageMeta

THRESHOLD = 0.7  # share of the smaller title's words found in the other (see ``titles_match``)
TEXT_THRESHOLD = 0.8  # share of the entry title's words found in a title-less page's text
MIN_TITLE_WORDS = 2
YEAR_TOLERANCE = 1
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
    r"one more step|please wait|ddos protection|checking your browser|403 forbidden|forbidden)\b",
    re.IGNORECASE,
)
SHOWN_TITLE = 120  # characters of a title a message shows
_WORD = re.compile(r"[^\W_]+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SEPARATORS = re.compile(r"\s+[|\u00b7\u2022\u00bb\u2013\u2014\-~/:]\s+|\s*[|\u00b7\u2022\u00bb\u2014\uff5c]\s*|\s+::\s+")
_COLON = re.compile(r"\s*(?::\s+|\uff1a\s*)|[?!\uff1f\uff01]\s+")
# Words that carry no meaning of their own in a title (en, de, fr, es, it, pt, nl).
STOPWORDS = frozenset(
    """a an the of and or in on at to for from by with without as is are was were be it its this that these those how what why
    when where who which vs via into over under about after before than then not no s t der die das ein eine und oder von zu im
    mit für fur auf den dem des le la les un une et ou de du des en au aux pour par sur dans el los las y o del al con por para
    il lo gli i e di da nel della delle dei o os as um uma do da dos das no na em com het een en van voor op met te""".split()
)


def words(text: str) -> list[str]:
    """The words of ``text`` as titles are compared: HTML entities decoded, NFKC,
    case folded, accents dropped, punctuation (straight or curly quotes, dashes,
    guillemets) ignored; Chinese, Japanese and Korean runs as character pairs."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    found = _WORD.findall(text)
    if text.isascii():
        return found
    return [piece for word in found for piece in (_bigrams(word) if _UNSPACED.search(word) else [word])]


def _bigrams(word: str) -> list[str]:
    """A run of Chinese, Japanese or Korean text, which has no spaces, as its character pairs."""
    return [word[index : index + 2] for index in range(max(1, len(word) - 1))]


def meaningful(tokens: Iterable[str]) -> set[str]:
    """The words that carry meaning: no stop words, no one-letter words; a plural
    "s" dropped ("effects" is "effect")."""
    return {_singular(word) for word in tokens if word not in STOPWORDS and len(word) > 1}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def title_parts(title: str) -> list[str]:
    """The texts a title may be known by: whole; each run of the parts a site
    separator makes (" | BBC News", " - The Guardian", " — Site", "Site » "); and
    each part's main title and subtitle (around ":", "?" or "!")."""
    parts = [part for part in _SEPARATORS.split(title[:1000]) if part.strip()][:6]
    runs = {" ".join(parts[start:end]) for start in range(len(parts)) for end in range(start + 1, len(parts) + 1)}
    pieces = {title, *runs}
    for run in runs:
        pieces.update(piece for piece in _COLON.split(run) if piece.strip())
    return sorted(pieces, key=len, reverse=True)


def title_variants(title: str) -> list[set[str]]:
    """The meaningful word sets of ``title_parts``."""
    variants = []
    for piece in title_parts(title):
        found = meaningful(words(piece))
        if found and found not in variants:
            variants.append(found)
    return variants


def _similar(entry: set[str], page: set[str]) -> bool:
    """Token-set containment: at least THRESHOLD of the smaller set's words are in
    the other, and at least two shared words when the entry's set has two or more
    (a page part "News" does not match "News from the front")."""
    shared = len(entry & page)
    return shared >= min(2, len(entry)) and shared >= THRESHOLD * min(len(entry), len(page))


def titles_match(entry_title: str, page_titles: Sequence[str]) -> bool:
    """Whether the entry's title is one of the page's titles, as ``_similar`` says
    for any variant of each (``title_variants``): site names, subtitles, case,
    punctuation, entities and smart quotes do not count."""
    entry_variants = title_variants(entry_title)
    for page_title in page_titles:
        for page in title_variants(page_title):
            if any(_similar(entry, page) for entry in entry_variants):
                return True
    return False


def text_holds_title(entry_title: str, text: str) -> bool:
    """Whether a title-less page's text holds most words of the title (or of its main title)."""
    text = text[:20000]
    found = meaningful(words(text))
    return any(len(entry & found) >= TEXT_THRESHOLD * len(entry) for entry in title_variants(entry_title))


def judged_title(title: str) -> bool:
    """Whether a title says enough to judge a page by: MIN_TITLE_WORDS content words (numbers do not count)."""
    return sum(1 for word in meaningful(words(title)) if not word.isdigit()) >= MIN_TITLE_WORDS


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
    title_reason = _title_reason(work.title, meta)
    if title_reason:
        reasons.append(title_reason)
    families = [author.family for author in work.authors if author.family and not organisation(f"{author.family} {author.given}")]
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


def _title_reason(title: str, meta: PageMeta) -> Optional[str]:
    if not title or not judged_title(title):
        return None
    if meta.titles:
        if titles_match(title, meta.titles) or (meta.kind == "pdf" and _shares_a_word(title, meta.title)):
            return None
        return f"the page's title {_shown(meta.title)} is not the entry's title {_shown(title)}"
    if meta.text and not text_holds_title(title, meta.text):
        return f"the page has no title and its text does not hold the entry's title {_shown(title)}"
    return None


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
    probe whose page title matches the entry's title is the work after all (a
    page about 404 pages, a single-page site serving it): it does not stand. A
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

        title = cited_work(entry_text).title
        return not (judged_title(title) and meta.titles and titles_match(title, meta.titles)), None
    return True, wrong_page(entry_text, meta)
