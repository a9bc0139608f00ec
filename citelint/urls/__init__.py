"""URL checking (``citelint check --urls``): rules URL001-URL006.

This package's ``__init__`` and ``policy``/``store``/``fingerprint`` modules use
the standard library only; requests and requests-cache are imported by
``citelint.urls.http`` when a URL must actually be fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule, Severity
from citelint.references import DOI, URL

URL_RULES = {
    rule.code: rule
    for rule in (
        Rule("URL001", "dead-link", Severity.ERROR),
        Rule("URL002", "unreachable-link", Severity.WARNING),
        Rule("URL003", "redirected-link", Severity.WARNING),
        Rule("URL004", "link-not-checked", Severity.INFO),
        Rule("URL005", "changed-link", Severity.WARNING),
        Rule("URL006", "unverifiable-link", Severity.INFO),
    )
}
_TRAILING = ".,;:!?'\")]}>*_"

URL_DOCS = {
    "URL001": """The reference's URL is dead: it answers 404 or 410, or its host does not exist.

A reader who follows the link finds nothing. Find the page's new address (a
search for its title, or an archived copy: with `--archive` the message names
the Wayback Machine's copy nearest the day citelint first saw the page) and
cite that.

Failing: an entry whose URL answers `404 Not Found`.

Passing: an entry whose URL answers `200 OK` (after any redirects).
""",
    "URL002": """The reference's URL could not be reached.

A timeout, a refused connection, a TLS error, a server error (5xx) that
persisted after retries, or more than 10 redirects. Often passing: check again
later; citelint re-checks failures on every run and never caches them.

Failing: an entry whose server answers `503` on every try.

Passing: an entry whose server answers `200 OK`.
""",
    "URL003": """The reference's URL moved permanently (301 or 308).

The message names the final URL: cite it, so that the reference keeps working
when the old address stops redirecting.

Failing: an entry whose URL answers `301 Moved Permanently`.

Passing: an entry that cites the URL the redirect pointed to.
""",
    "URL004": """The reference's URL was not checked.

Its address is private, loopback or link-local and `--allow-private` is off, it
matches the `exclude` patterns of `[tool.citelint.urls]`, it is not an http(s)
URL, or it is not in the cache and `--offline` sends nothing. Information only.

Failing: an entry citing `http://localhost:8000/notes`.

Passing: an entry citing a public `https://` URL.
""",
    "URL005": """The page behind the reference's URL changed substantially.

citelint keeps a text fingerprint of each page from the first successful check
and compares later checks with it: the message says what changed (title, size,
share of the text kept). A changed date, ad slot or white space does not
count. Check that the page still supports the citation; then
`citelint check --urls --accept-changes` takes the page as it is now as the new
snapshot (or suppress the finding on that entry with a `citelint-disable` comment).
If it does not, `--archive` names the Wayback Machine's copy nearest the day of
the first check: the page as it was when cited.

Failing: an entry whose page text was rewritten since the first check.

Passing: an entry whose page changed only its date line.
""",
    "URL006": """The reference's URL could not be verified: a bot wall, not a dead link.

401, 403, 429, 999 and other refusals say that the server would not answer a
checker, not that the page is gone. Check it in a browser, or list the status in
`accept`. Information only.

Failing: an entry whose server answers `403 Forbidden` to checkers.

Passing: an entry whose server answers `200 OK`.
""",
}


@dataclass(frozen=True)
class Link:
    """A URL of a reference entry and where it is in the document text."""

    url: str
    start: int
    end: int


def links_of(chapter: Chapter) -> Iterator[Link]:
    """Each entry's URLs, or its DOI as a doi.org URL when it has no URL."""
    if chapter.references is None:
        return
    document = chapter.document
    for entry in chapter.references.entries:
        start = document.offset(entry.first_line)
        text = document.text[start : document.line_end(entry.last_line)]
        urls = [(m.group().rstrip(_TRAILING), m.start()) for m in URL.finditer(text)]
        urls = [(url, offset) for url, offset in urls if "://" in url and len(url) > len("https://")]
        for url, offset in urls:
            yield Link(url, start + offset, start + offset + len(url))
        if not urls:
            for match in DOI.finditer(text):
                doi = match.group(1).rstrip(_TRAILING)
                yield Link(f"https://doi.org/{doi}", start + match.start(), start + match.start(1) + len(doi))


def url_diagnostics(chapter: Chapter, verdicts: dict, path: str) -> list[Diagnostic]:  # type: ignore[type-arg]
    """A finding at each link whose verdict has a code."""
    found = []
    for link in links_of(chapter):
        verdict = verdicts.get(link.url)
        if verdict is None or verdict.code is None:
            continue
        rule = URL_RULES[verdict.code]
        diagnostic = chapter.finding(rule, link.start, link.end, f"{link.url}: {verdict.detail}")
        found.append(diagnostic._replace(path=path))
    return found
