"""URL checking (``citelint check --urls``): rules URL001-URL006.

This package's ``__init__`` and ``policy``/``store``/``fingerprint`` modules use
the standard library only; requests and requests-cache are imported by
``citelint.urls.http`` when a URL must actually be fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from citelint.catalog import URL_CODES, rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule, Severity
from citelint.patterns import iter_dois, iter_urls
from citelint.rules import MAX_FINDINGS_PER_RULE
from citelint.selection import Selection

URL_RULES = {code: rule(code) for code in URL_CODES}

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
    document = chapter.document
    entries = [entry for part in chapter.chapters() if part.references is not None for entry in part.references.entries]
    for entry in entries:
        start = document.offset(entry.first_line)
        text = document.text[start : document.line_end(entry.last_line)]
        urls = [found for found in iter_urls(text) if len(found.text) > len("https://")]
        for url in urls:
            yield Link(url.text, start + url.start, start + url.end)
        if not urls:
            for doi in iter_dois(text):
                yield Link(f"https://doi.org/{doi.text}", start + doi.start, start + doi.end)


def url_diagnostics(
    chapter: Chapter, verdicts: dict, path: str, selection: Selection, limit: int = MAX_FINDINGS_PER_RULE  # type: ignore[type-arg]
) -> list[Diagnostic]:
    """A finding at each link whose verdict has a code that the file selects and no
    comment suppresses, at most ``limit`` of each rule in a file, as for the lint
    rules: past that they are counted, and one more finding of the rule says how
    many were left out (it ``stands_for`` them)."""
    shown: dict[str, list[Diagnostic]] = {}
    left_out: dict[str, tuple[Diagnostic, int]] = {}
    for link in links_of(chapter):
        verdict = verdicts.get(link.url)
        if verdict is None or verdict.code is None:
            continue
        rule = URL_RULES[verdict.code]
        if rule.code not in selection.codes or selection.suppressed_at(chapter.document.line_of(link.start), rule.code):
            continue
        kept = shown.setdefault(rule.code, [])
        if len(kept) < limit:
            diagnostic = chapter.finding(rule, link.start, link.end, f"{link.url}: {verdict.detail}")
            kept.append(diagnostic._replace(path=path))
        elif rule.code in left_out:
            first, count = left_out[rule.code]
            left_out[rule.code] = (first, count + 1)
        else:
            left_out[rule.code] = (chapter.finding(rule, link.start, link.end, "")._replace(path=path), 1)
    found = [diagnostic for kept in shown.values() for diagnostic in kept]
    for first, count in left_out.values():
        message = f"{count:,} more findings of this rule are not shown (at most {limit:,} per file); fix these and run citelint again"
        found.append(first._replace(message=message, stands_for=count))
    return found
