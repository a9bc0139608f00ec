"""Two reference-list entries are the same source.

Entries are the same when they share a URL or DOI after normalisation (http
and https, `www.`, the case of the host, a trailing `/` and a `#fragment` are
ignored; a DOI is compared without regard to case whether written `doi:`,
bare, or as a doi.org URL), or when their text is the same once case, spacing
and punctuation are ignored. A URL or DOI is read whole, with the parentheses
that balance in it (`https://doi.org/10.1016/S0140-6736(20)30183-5` and
`https://doi.org/10.1016/S0140-6736(20)30185-9` are two papers). Reported at
the later entry: merge the two and cite one number. Not reported in a file
whose markers cite nothing (CIT002 says so once).

Failing:

```markdown
A claim. [CITATION 1] Another claim. [CITATION 2]

## References

1. "The Report." Example Press, 2020. https://example.com/report
2. "The Report, again." Example Press, 2020. http://www.example.com/report/
```

Passing:

```markdown
A claim. [CITATION 1] Another claim. [CITATION 1]

## References

1. "The Report." Example Press, 2020. https://example.com/report
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.markers import written_marker
from citelint.patterns import normalise_url
from citelint.references import Entry
from citelint.text_folding import NOT_WORD, ascii_folded

RULE = rule("CIT007")


def entry_keys(entry: Entry) -> set[str]:
    keys = {"doi:" + doi.casefold() for doi in entry.dois}
    keys.update(key for key in map(normalise_url, entry.urls) if key)
    text = ascii_folded(entry.text) if entry.text.isascii() else NOT_WORD.sub(" ", entry.text).strip().casefold()
    if text:
        keys.add("text:" + text)
    return keys


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    if chapter.references is None or not chapter.citations():
        return  # a list nothing cites is reported once, by CIT002
    first_with_key: dict[str, Entry] = {}
    for entry in chapter.references.entries:
        keys = entry_keys(entry)
        if not first_with_key.keys().isdisjoint(keys):  # (most entries share no key: nothing sorted)
            earlier = next(first_with_key[key] for key in sorted(keys) if key in first_with_key)
            start, end = chapter.line_span(entry.first_line, entry.start)
            message = (
                f"reference {entry.number} duplicates reference {earlier.number}; "
                f"merge them and cite {written_marker(earlier.number, chapter.settings.marker, chapter.settings.marker_style)}"
            )
            yield chapter.finding(RULE, start, end, message)
        for key in keys:
            first_with_key.setdefault(key, entry)
