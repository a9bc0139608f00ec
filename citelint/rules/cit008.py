"""A reference-list entry lacks what a reader needs to find the source.

An entry should carry a URL or DOI (unless `require-url = false`) and a year
outside its URL (`n.d.` counts as one, for undated sources), and its URL must
be well formed: a scheme and a host (`https://example.com/page`, not
`www.example.com/page`, `https:/example.com` or `http://example/page`; a host is
a dotted name, `localhost` in any case, a bracketed IP literal or an IPv4 address
written as one number, read past any `user@` and before any `:port`). Reported at the entry, with
everything it lacks and what to add (`reference 1 has no URL or DOI and no
year; add the source's URL or DOI and the year it was published (n.d. if
undated)`). Not reported in a file whose markers cite nothing (CIT002 says so
once). When the list the markers cite is followed by another list of references
(numbered endnotes, then a bibliography), the notes may be short forms
(`Smith, 47.`) that point into the bibliography: only a malformed URL is
reported there.

Failing:

```markdown
A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press.
```

Passing:

```markdown
A claim. [CITATION 1]

## References

1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study
```
"""

import re
from typing import Iterator, NamedTuple

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, shorten
from citelint.patterns import YEAR, entry_urls, find_schemeless, iter_dois, without_links
from citelint.references import Entry

RULE = rule("CIT008")
_HOST_END = re.compile(r"[/?#]")
_NUMERIC_HOST = re.compile(r"0x[0-9a-f]{1,8}|[0-9]{1,10}")
# A scheme with a slash too few or too many, or misspelt, not within a word: begun with
# its `h` (the look-behind after it) so that a search skips to the next h.
_BROKEN_SCHEME = re.compile(r"h(?<![\w.+-].)(?:ttps?:/(?!/)|tps?://|tt?ps?:/+(?=\s|$)|ttps?:///)\S*", re.IGNORECASE)


class Problem(NamedTuple):
    """What an entry lacks, and what to do about it."""

    lacks: str
    advice: str


def _malformed(entry: Entry) -> list[tuple[str, str]]:
    """Each URL-looking text without a scheme or a host, and the advice for it."""
    text = entry.text
    found = [(match.group(), "write it with `https://` and the host") for match in _BROKEN_SCHEME.finditer(text)] if ":/" in text else []
    if "www." in text.casefold():
        found += [(address, f"write `https://{shorten(address)}`") for address in find_schemeless(text)]
    found += [(url, "write the address in full, with its host") for url in entry.urls if not _has_host(url)]
    return found


def _has_host(url: str) -> bool:
    """Whether the URL names a host: a dotted name, ``localhost`` in any case, an IP
    literal in brackets, or an IPv4 address written as one number (``2130706433``,
    ``0x7f000001``). A single word (``http://example/``) is taken for a slip."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    authority = _HOST_END.split(rest, maxsplit=1)[0].rpartition("@")[2]
    if authority.startswith("["):
        return True
    host = authority.partition(":")[0].lower()
    return bool(host) and "." in host or host == "localhost" or bool(_NUMERIC_HOST.fullmatch(host))


def _has_year(entry: Entry) -> bool:
    """A year (or n.d.) outside the entry's URLs and DOIs."""
    year = YEAR.search(entry.text)
    if year is None or not (entry.urls or entry.dois):
        return year is not None
    # Where the first link starts, as without_links reads them (each kind in order):
    # searching the text for every link found each one again from the start, quadratic
    # in an entry of thousands of links.
    firsts = [found.start for found in (next(iter(entry_urls(entry.text)), None), next(iter_dois(entry.text), None)) if found is not None]
    if firsts and year.end() <= min(firsts):
        return True  # the usual order: the year, then the link
    return YEAR.search(without_links(entry.text)) is not None


def entry_problems(entry: Entry, require_url: bool, complete: bool = True) -> list[Problem]:
    """What the entry lacks; with ``complete`` false (a short note), only a malformed URL."""
    found = []
    malformed = _malformed(entry)
    if malformed:
        url, advice = malformed[0]
        found.append(Problem(f"a malformed URL `{shorten(url)}` (a URL needs a scheme and a host)", advice))
    if not complete:
        return found
    if not malformed and require_url and not entry.urls and not entry.dois:
        found.append(Problem("no URL or DOI", "add the source's URL or DOI"))
    if not _has_year(entry):
        found.append(Problem("no year", "add the year it was published (n.d. if undated)"))
    return found


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is None or not chapter.citations():
        return  # a list nothing cites is reported once, by CIT002
    notes = chapter.references.bibliography_at is not None
    for entry in chapter.references.entries:
        found = entry_problems(entry, chapter.settings.require_url, complete=not notes)
        if found:
            start, end = chapter.line_span(entry.first_line, entry.start)
            message = f"reference {entry.number} has {' and '.join(p.lacks for p in found)}; {_joined_advice(found)}"
            yield chapter.finding(RULE, start, end, message)


def _joined_advice(found: list[Problem]) -> str:
    if len(found) == 2 and found[0].advice.startswith("add ") and found[1].advice.startswith("add "):
        return f"{found[0].advice} and {found[1].advice[len('add '):]}"
    return "; ".join(problem.advice for problem in found)
