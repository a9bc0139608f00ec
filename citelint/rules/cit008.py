"""A reference-list entry lacks what a reader needs to find the source.

An entry should carry a URL or DOI (unless `require-url = false`) and a year
outside its URL (`n.d.` counts as one, for undated sources), and its URL must
be well formed: a scheme and a host (`https://example.com/page`, not
`www.example.com/page` or `https:/example.com`). Reported at the entry, with
everything it lacks.

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

from __future__ import annotations

import re
from typing import Iterator

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule, Severity, shorten
from citelint.references import DOI, URL, Entry

RULE = Rule("CIT008", "incomplete-reference", Severity.WARNING)
_YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20\d\d)(?!\d)|(?<!\w)n\.\s?d\.", re.IGNORECASE)
_SCHEMELESS = re.compile(r"(?<![\w/.@:])www\.[^\s<>\[\]()\"']+", re.IGNORECASE)
_BROKEN_SCHEME = re.compile(r"(?<![\w.+-])(?:https?:/(?!/)|htps?://|htt?ps?:/+(?=\s|$)|https?:///)\S*", re.IGNORECASE)


def malformed_urls(text: str) -> list[str]:
    """URL-looking text without a scheme or a host."""
    found = [match.group() for match in _BROKEN_SCHEME.finditer(text)] if ":/" in text else []
    if "www." in text:
        found += [match.group() for match in _SCHEMELESS.finditer(text)]
    if "://" in text:
        found += [match.group() for match in URL.finditer(text) if not _has_host(match.group())]
    return found


def _has_host(url: str) -> bool:
    rest = url.split("://", 1)[1] if "://" in url else ""
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return bool(host) and "." in host or host.startswith("localhost") or host.startswith("[")


def _has_year(entry: Entry) -> bool:
    """A year (or n.d.) outside the entry's URLs and DOIs."""
    year = _YEAR.search(entry.text)
    if year is None or not (entry.urls or entry.dois):
        return year is not None
    links = [position for link in (*entry.urls, *entry.dois) if (position := entry.text.find(link)) >= 0]
    if not links or year.end() <= min(links):
        return True  # the usual order: the year, then the link
    return _YEAR.search(DOI.sub(" ", URL.sub(" ", entry.text))) is not None


def problems(entry: Entry, require_url: bool) -> list[str]:
    found = []
    malformed = malformed_urls(entry.text)
    if malformed:
        found.append(f"a malformed URL `{shorten(malformed[0])}` (a URL needs a scheme and a host)")
    elif require_url and not entry.urls and not entry.dois:
        found.append("no URL or DOI")
    if not _has_year(entry):
        found.append("no year (write n.d. for an undated source)")
    return found


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is None:
        return
    for entry in chapter.references.entries:
        missing = problems(entry, chapter.settings.require_url)
        if missing:
            start, end = chapter.line_span(entry.first_line, entry.start)
            message = f"reference {entry.number} has " + " and ".join(missing)
            yield chapter.finding(RULE, start, end, message)
