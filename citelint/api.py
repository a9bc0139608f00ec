"""The pure core: text in, diagnostics out. No I/O here."""

from __future__ import annotations

from typing import Iterable

from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Severity
from citelint.files import reads_as_plain_text
from citelint.rules import all_rules, run_rules
from citelint.suppress import suppressions_for

CIT_CODES = tuple(rule.code for rule in all_rules())
RENUMBERING_CODES = frozenset({"CIT003", "CIT004", "CIT011"})  # what renumbering fixes


def matches(code: str, selectors: Iterable[str]) -> bool:
    """True when a selector names the code, a prefix of it (``CIT00``), or ``ALL``."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def selected_codes(settings: Settings, path: str = "") -> frozenset[str]:
    """The codes to report for a file: select, minus ignore, minus per-file ignores."""
    from citelint.config import ignored_for_path

    chosen = [code for code in CIT_CODES if not settings.select or matches(code, settings.select)]
    ignored = tuple(settings.ignore) + ignored_for_path(settings, path)
    return frozenset(code for code in chosen if not matches(code, ignored))


def lint_text(text: str, settings: Settings | None = None, path: str = "") -> list[Diagnostic]:
    """Lint one chapter's text and return its findings, sorted by position."""
    settings = settings or Settings()
    return lint_chapter(Chapter.parse(text, settings, reads_as_plain_text(path)), path)


def lint_chapter(chapter: Chapter, path: str = "", extra: Iterable[Diagnostic] = ()) -> list[Diagnostic]:
    """The rules' findings for a parsed chapter, plus ``extra`` ones (URL checks),
    after selection, severity overrides and suppression comments. With
    ``settings.fixes``, the first renumbering finding carries the renumbering
    (planned and verified as ``citelint fix`` would: a parse more, so only when asked)."""
    settings = chapter.settings
    codes = selected_codes(settings, path)
    overrides = dict(settings.severity)
    suppressions = suppressions_for(chapter.document)
    suppressed = None if suppressions is None else lambda d: suppressions.suppressed(d.line - 1, d.code)
    wanted_extra = [d for d in extra if _url_code_selected(settings, d.code, path) and not (suppressed and suppressed(d))]
    found = []
    for diagnostic in [*run_rules(chapter, codes, suppressed), *wanted_extra]:
        severity = overrides.get(diagnostic.code)
        if severity is not None:
            diagnostic = diagnostic._replace(severity=Severity(severity))
        found.append(diagnostic._replace(path=path))
    found.sort(key=Diagnostic.sort_key)
    if settings.fixes:
        _attach_renumbering(chapter, path, found)
    return found


def _attach_renumbering(chapter: Chapter, path: str, found: list[Diagnostic]) -> None:
    """Give the first CIT003/CIT004/CIT011 finding what ``citelint fix`` would do.
    One renumbering fixes them all, so it is attached once: a copy on each of
    thousands of findings would grow the report with their square."""
    first = next((index for index, d in enumerate(found) if d.code in RENUMBERING_CODES), None)
    if first is None:
        return
    from citelint.fix import renumbering_fix

    fix = renumbering_fix(chapter, path)
    if fix is not None:
        found[first] = found[first]._replace(fix=fix)


def _url_code_selected(settings: Settings, code: str, path: str) -> bool:
    from citelint.config import ignored_for_path

    if settings.select and not matches(code, settings.select):
        return False
    return not matches(code, tuple(settings.ignore) + ignored_for_path(settings, path))
