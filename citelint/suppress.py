"""Inline suppression comments in the Markdown.

    <!-- citelint-disable CIT006 -->       ... <!-- citelint-enable -->
    <!-- citelint-disable-next-line CIT003 -->
    <!-- citelint-disable-line -->         (on the line it suppresses)
    <!-- citelint-disable-file -->

No codes means every rule; codes may be prefixes (``CIT00``). Directives in code
are not directives. A directive naming a code that does not exist is itself
reported (CIT012), so a typo does not silently suppress nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator, NamedTuple

from citelint.diagnostics import Diagnostic
from citelint.document import Document

DIRECTIVE = re.compile(
    r"<!--[ \t]*citelint-(disable-next-line|disable-line|disable-file|disable|enable)\b([^<>]{0,1000}?)[ \t]*-->",
    re.IGNORECASE,
)
_CODE_SPLIT = re.compile(r"[\s,]+")
ALL = "ALL"


class Directive(NamedTuple):
    """One suppression comment: its kind, the codes it names, where it is."""

    kind: str
    codes: tuple[str, ...]  # empty: every rule
    start: int
    end: int
    line: int  # 0-based line of its start
    end_line: int  # 0-based line of its end


def find_directives(document: Document) -> list[Directive]:
    """Directives in HTML comments outside code, in text order."""
    found = []
    for match in DIRECTIVE.finditer(document.text):
        if document.is_code(match.start()):
            continue
        codes = tuple(code.upper() for code in _CODE_SPLIT.split(match.group(2).strip()) if code)
        found.append(
            Directive(
                match.group(1).lower(),
                codes,
                match.start(),
                match.end(),
                document.line_of(match.start()),
                document.line_of(match.end()),
            )
        )
    return found


def _matches(codes: tuple[str, ...], code: str) -> bool:
    return not codes or any(selector == ALL or code.startswith(selector) for selector in codes)


class _RangeState(NamedTuple):
    """What ``disable``/``enable`` comments switch off from a line on."""

    everything: bool = False  # a ``disable`` without codes is in force
    codes: frozenset[str] = frozenset()  # codes (or prefixes) disabled by name
    exceptions: frozenset[str] = frozenset()  # codes enabled again inside a wider disable

    def disable(self, codes: tuple[str, ...]) -> "_RangeState":
        if not codes:
            return _RangeState(True)
        kept = frozenset(e for e in self.exceptions if not _matches(codes, e))
        return _RangeState(self.everything, self.codes | set(codes), kept)

    def enable(self, codes: tuple[str, ...]) -> "_RangeState":
        if not codes:
            return _RangeState()
        return _RangeState(self.everything, self.codes - set(codes), self.exceptions | set(codes))

    def suppresses(self, code: str) -> bool:
        disabled = self.everything or (bool(self.codes) and _matches(tuple(self.codes), code))
        return disabled and not (self.exceptions and _matches(tuple(self.exceptions), code))


class Suppressions:
    """Which (line, code) pairs are switched off in one file."""

    def __init__(self, directives: list[Directive]) -> None:
        self.file_codes: list[tuple[str, ...]] = []
        self.line_codes: dict[int, list[tuple[str, ...]]] = {}
        self.change_lines: list[int] = []
        self.states: list[_RangeState] = []
        self._build(directives)

    def _build(self, directives: list[Directive]) -> None:
        state = _RangeState()
        for directive in directives:
            if directive.kind == "disable-file":
                self.file_codes.append(directive.codes)
            elif directive.kind == "disable-line":
                self.line_codes.setdefault(directive.line, []).append(directive.codes)
            elif directive.kind == "disable-next-line":
                self.line_codes.setdefault(directive.end_line + 1, []).append(directive.codes)
            elif directive.kind == "disable":
                state = state.disable(directive.codes)
                self._change(directive.line, state)  # from the comment's own line
            else:
                state = state.enable(directive.codes)
                self._change(directive.end_line + 1, state)  # after the comment's line

    def _change(self, line: int, state: _RangeState) -> None:
        if self.change_lines and self.change_lines[-1] == line:
            self.states[-1] = state
        else:
            self.change_lines.append(line)
            self.states.append(state)

    def suppressed(self, line: int, code: str) -> bool:
        """``line`` is 0-based."""
        if any(_matches(codes, code) for codes in self.file_codes):
            return True
        if any(_matches(codes, code) for codes in self.line_codes.get(line, ())):
            return True
        index = bisect_right(self.change_lines, line) - 1
        return index >= 0 and self.states[index].suppresses(code)


def unknown_directive_codes(directives: list[Directive], known: tuple[str, ...]) -> Iterator[tuple[Directive, list[str]]]:
    """Each directive that names codes no rule has, with those codes."""
    for directive in directives:
        unknown = [c for c in directive.codes if c != ALL and not any(k.startswith(c) for k in known)]
        if unknown:
            yield directive, unknown


def apply_suppressions(document: Document, found: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that no directive switches off."""
    directives = find_directives(document)
    if not directives:
        return found
    suppressions = Suppressions(directives)
    return [d for d in found if not suppressions.suppressed(d.line - 1, d.code)]
