"""Checks across the files of one run: CIT014 (inconsistent-reference) between chapters.

The per-file lint reads each file's reference entries once (``book_entries``,
with whether CIT014 may be reported at each: the file's selection and
suppression comments): each entry's text and the digests of its candidate keys
(``cited_work.candidate_keys``: those of its same-work keys read without its
authors, and its title's alone), not its fields; the result cache keeps them with the file's findings
(``encode``/``decode``), so a warm run compares the chapters without parsing
any. ``inconsistent_references`` compares them, in the order of the run (book
order when the book's order is written down: ``check_files`` puts the files in
it), after the per-file lint, reading the fields only of entries whose digest another entry
holds too (in a book that lists each work once, none). Pure: no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Optional, Sequence

from citelint.catalog import matches, rule
from citelint.cited_work import MAX_ENTRY, candidate_keys
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Severity
from citelint.same_work import Listing, conflicts, key_digest, shared_digests

if TYPE_CHECKING:  # not imported on a warm run, which compares cached entries only
    from citelint.chapter import Chapter
    from citelint.selection import Selection

RULE = rule("CIT014")


class BookEntry(NamedTuple):
    """One reference entry of a file, as the book-wide check needs it."""

    number: int
    line: int  # 1-based, where a finding about it is reported
    column: int
    end_line: int
    end_column: int
    reportable: bool  # CIT014 is selected for the file and not suppressed here
    text: str  # the entry's text (its label removed; its first MAX_ENTRY characters): its fields are read from it when compared
    digests: tuple[int, ...] = ()  # of its candidate keys (``cited_work.candidate_keys``, ``same_work.key_digest``): read once, kept by the result cache


def wanted_in_run(settings: Settings) -> bool:
    """Whether CIT014 may be reported in any file of the run (else nothing is collected)."""
    return (not settings.select or matches(RULE.code, settings.select)) and not matches(RULE.code, settings.ignore)


def book_entries(chapter: "Chapter", selection: "Selection") -> tuple[BookEntry, ...]:
    """The entries of every reference list of the file (each chapter of a compiled book)."""
    if not wanted_in_run(chapter.settings):
        return ()
    selected = RULE.code in selection.codes
    found = []
    for part in chapter.chapters():
        if part.references is None:
            continue
        for entry in part.references.entries:
            start, end = part.line_span(entry.first_line, entry.start)
            line, column = part.document.position(start)
            end_line, end_column = part.document.position(max(start, end))
            reportable = selected and not selection.suppressed_at(line - 1, RULE.code)
            text = entry.text[:MAX_ENTRY]  # all that is compared is read from this much (the rest is ``rest``'s)
            digests = tuple(sorted({key_digest(key) for key in candidate_keys(text)}))
            found.append(BookEntry(entry.number, line, column, end_line, end_column, reportable, text, digests))
    return tuple(found)


def inconsistent_references(files: Sequence[tuple[str, Sequence[BookEntry]]], settings: Settings) -> list[Diagnostic]:
    """CIT014 between files: each entry that is the work of an entry in an earlier
    file (``files`` in the run's order, which is book order when the book's order
    is written down; each named as reports show it) and
    disagrees with it, reported at the later entry where the file reports CIT014."""
    shared = shared_digests(entry.digests for _, entries in files for entry in entries)
    chapters = [
        [Listing(path, entry.number, entry.line, None, text=entry.text) for entry in entries if not shared.isdisjoint(entry.digests)] for path, entries in files
    ]
    severity = dict(settings.severity).get(RULE.code)
    found = []
    for conflict in conflicts(chapters):
        path, entries = files[conflict.chapter]
        entry = next(entry for entry in entries if entry.line == conflict.listing.line and entry.number == conflict.listing.number)
        if not entry.reportable:
            continue
        found.append(
            Diagnostic(
                RULE.code,
                RULE.name,
                Severity(severity) if severity else RULE.severity,
                entry.line,
                entry.column,
                entry.end_line,
                entry.end_column,
                conflict.message(),
                path=path,
            )
        )
    return found


# -- the result cache's form -------------------------------------------------------


def encode(entries: Sequence[BookEntry]) -> str:
    """Entries as the result cache stores them: one JSON text, which the cache's
    index holds as a string, so that reading the index of an unchanged book does
    not build every entry of it (they are decoded only when files are compared)."""
    import json

    return json.dumps(
        [[e.number, e.line, e.column, e.end_line, e.end_column, e.reportable, e.text, list(e.digests)] for e in entries],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(stored: object) -> Optional[tuple[BookEntry, ...]]:
    """Entries from the result cache; None when they are not what ``encode`` makes.
    Each item is checked for the shape ``encode`` gives it, inline (an edited chapter's
    check reads every other chapter's entries: a generator of checks an entry took
    two thirds of that); ``json.loads`` makes exact types, so ``type(...) is`` suffices."""
    if not isinstance(stored, str):
        return None
    import json

    try:
        items = json.loads(stored)
    except (ValueError, RecursionError):
        return None
    if type(items) is not list:
        return None
    decoded = []
    for item in items:
        if type(item) is not list or len(item) != 8:
            return None
        number, line, column, end_line, end_column, reportable, text, digests = item
        if not (type(number) is type(line) is type(column) is type(end_line) is type(end_column) is int and type(reportable) is bool and type(text) is str and type(digests) is list):
            return None
        for digest in digests:
            if type(digest) is not int:
                return None
        decoded.append(BookEntry(number, line, column, end_line, end_column, reportable, text, tuple(digests)))
    return tuple(decoded)
