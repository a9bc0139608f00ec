"""The lint core: a parsed chapter in, its findings out — each selected rule's,
plus any URL findings handed in, after selection, severity overrides and
suppression comments (one ``Selection`` per file). No I/O here."""

from __future__ import annotations

from typing import Iterable, Optional

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic
from citelint.rules import run_rules
from citelint.selection import Selection


def lint_chapter(
    chapter: Chapter,
    path: str = "",
    extra: Iterable[Diagnostic] = (),
    selection: Optional[Selection] = None,
) -> list[Diagnostic]:
    """The findings of a parsed chapter, plus ``extra`` ones (URL checks), as the
    file reports them, sorted by position. ``selection``: the file's, when the
    caller has it already (its suppression comments are read once)."""
    selection = selection or Selection.of(chapter, path)
    return with_extra(rule_findings(chapter, path, selection), extra, selection, path)


def rule_findings(chapter: Chapter, path: str, selection: Selection) -> list[Diagnostic]:
    """The rules' findings, as the file reports them, in the order the rules made
    them; ``with_extra`` adds the URL findings and sorts them (``lint_chapter``)."""
    codes = selection.rule_codes
    if chapter.settings.numbering == "book":  # these are judged across the book's chapters (book_numbering)
        from citelint.catalog import BOOK_NUMBERING_CODES

        codes = codes - BOOK_NUMBERING_CODES
    found = [selection.reported(diagnostic, path) for diagnostic in run_rules(chapter, codes, selection.suppressed)]
    return _fix_advice_checked(found, chapter, selection)


FIX_ADVICE = "(run `citelint fix`)"


def _fix_advice_checked(found: list[Diagnostic], chapter: Chapter, selection: Selection) -> list[Diagnostic]:
    """``found``, its renumbering findings advising "run `citelint fix`" only when fix
    renumbers. The rules advise from the chapter alone; a near-miss that the
    selection leaves as written (its CIT005 not selected, or suppressed) and that
    would need a new number makes fix keep the numbering, and in the numbered styles
    some text makes fix refuse once the new numbers are known: then they say so."""
    from citelint.catalog import RENUMBERING_CODES

    if not any(diagnostic.code in RENUMBERING_CODES and diagnostic.message.endswith(FIX_ADVICE) for diagnostic in found):
        return found
    advice = ""
    if chapter.refusal_possible_once_renumbered():
        from citelint.renumbering import mapping_refusal

        refused = mapping_refusal(chapter, selection)
        advice = f"(`citelint fix` cannot renumber: {refused})" if refused else ""
    if not advice and not all(marker.well_formed or not marker.cites for part in chapter.chapters() for marker in part.markers):
        from citelint.renumbering import numbering_held

        held = numbering_held(chapter, selection)
        advice = f"(`citelint fix` {held.replace('kept the numbering', 'keeps the numbering', 1)})" if held else ""
    if not advice:
        return found
    return [
        diagnostic._replace(message=diagnostic.message[: -len(FIX_ADVICE)] + advice)
        if diagnostic.code in RENUMBERING_CODES and diagnostic.message.endswith(FIX_ADVICE)
        else diagnostic
        for diagnostic in found
    ]


def with_extra(found: list[Diagnostic], extra: Iterable[Diagnostic], selection: Selection, path: str) -> list[Diagnostic]:
    """``found`` (``rule_findings``), with the ``extra`` findings the file selects and
    no comment suppresses, sorted by position; ``found`` itself is left as it is."""
    found = found + [selection.reported(diagnostic, path) for diagnostic in extra if selection.wanted(diagnostic)]
    found.sort(key=Diagnostic.sort_key)
    return found
