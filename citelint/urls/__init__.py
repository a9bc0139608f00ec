"""URL checking (``citelint check --urls``): rules URL001-URL006.

This package's ``__init__`` and ``policy``/``store``/``fingerprint`` modules use
the standard library only; requests and requests-cache are imported by
``citelint.urls.http`` when a URL must actually be fetched.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Iterator

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
        found.append(dataclasses.replace(diagnostic, path=path))
    return found


Warn = Callable[[str], None]
