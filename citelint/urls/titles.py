"""Title likeness, for the page checks (URL007, URL008): the words a title is
compared by and the forms it may be known by.

Two titles match when, for some form of each (``title_parts``: whole; each run
of the parts a site separator makes, " | BBC News", " - The Guardian", " — Site";
each part's main title and subtitle, around ":"), at least ``THRESHOLD`` of the
smaller one's content words are in the other and at least two words are shared
(``_similar``). Words are compared case folded, NFKC, accents dropped, HTML
entities decoded, without punctuation, stop words (seven languages) or a plural
"s"; Chinese, Japanese and Korean runs by character pairs. THRESHOLD was chosen
on pairs of real-looking titles (tests/test_url_pages.py): at 0.6 different
works with two shared words pass ("Measuring poverty in rural Kenya" / "...urban
India"), at 0.9 a retitled article fails ("Ten ways to improve your sleep" /
"10 ways to improve your sleep tonight"); 0.7 and 0.8 sort them all, and 0.7
leans to passing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Iterable, Sequence

THRESHOLD = 0.7  # share of the smaller title's words found in the other (see ``titles_match``)
TEXT_THRESHOLD = 0.8  # share of the entry title's words found in a title-less page's text
MIN_TITLE_WORDS = 2
_WORD = re.compile(r"[^\W_]+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Each starts where a run of blanks does (never inside one): linear on long runs.
_SEPARATORS = re.compile(r"(?<!\s)(?:\s++[|\u00b7\u2022\u00bb\u2013\u2014\-~/:]\s+|\s*+[|\u00b7\u2022\u00bb\u2014\uff5c]\s*|\s++::\s+)")
_COLON = re.compile(r"(?<!\s)\s*+(?::\s+|\uff1a\s*)|[?!\uff1f\uff01]\s+")
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
