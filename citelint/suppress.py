"""Inline suppression comments in the Markdown.

    <!-- citelint-disable CIT006 -->       ... <!-- citelint-enable -->
    <!-- citelint-disable-next-line CIT003 -->
    <!-- citelint-disable-line -->         (on the line it suppresses)
    <!-- citelint-disable-file -->

No codes means every rule; codes may be prefixes (``CIT00``). Directives in code
are not directives. A directive naming a code that does not exist is itself
reported (CIT012), so a typo does not silently suppress nothing.
"""

import re
from bisect import bisect_right
from typing import Iterator, NamedTuple, Optional, Sequence

from citelint.catalog import ALL, CODES, canonical_selectors, expand
from citelint.document import Document
from citelint.lazy_pattern import lazy

DIRECTIVE = lazy(
    r"<!--[ \t]*citelint-(disable-next-line|disable-line|disable-file|disable|enable)\b([^<>]{0,1000}?)[ \t]*-->",
    re.IGNORECASE,
)
_CODE_SPLIT = lazy(r"[\s,]+")


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
        codes = canonical_selectors(code for code in _CODE_SPLIT.split(match.group(2).strip()) if code)
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


class Suppressions:
    """Which (line, code) pairs are switched off in one file.

    Selectors (``CIT00``, ``ALL``, none) are expanded once into the set of rule
    codes they name, so each state is a small set of codes: a file with
    thousands of directives costs linear time, and a finding's check is a lookup.
    A ``disable`` takes effect on its own line, an ``enable`` on the line after
    it; where the two orders disagree (an ``enable`` and then a ``disable`` on one
    line), the one that takes effect later wins.
    """

    def __init__(self, directives: list[Directive], known: tuple[str, ...]) -> None:
        self.known = frozenset(known)
        self._expanded: dict[tuple[str, ...], frozenset[str]] = {}
        self.file_codes: frozenset[str] = frozenset()
        self.line_codes: dict[int, frozenset[str]] = {}
        self.change_lines: list[int] = []
        self.states: list[frozenset[str]] = []
        self._build(directives)

    def _codes(self, selectors: tuple[str, ...]) -> frozenset[str]:
        """The rule codes a directive names: all of them when it names none."""
        found = self._expanded.get(selectors)
        if found is None:
            found = self._expanded[selectors] = expand(selectors, self.known)
        return found

    def _build(self, directives: list[Directive]) -> None:
        changes = []
        for order, directive in enumerate(directives):
            codes = self._codes(directive.codes)
            if directive.kind == "disable-file":
                self.file_codes |= codes
            elif directive.kind in ("disable-line", "disable-next-line"):
                line = directive.line if directive.kind == "disable-line" else directive.end_line + 1
                self.line_codes[line] = self.line_codes.get(line, frozenset()) | codes
            elif directive.kind == "disable":
                changes.append((directive.line, order, True, codes))  # from the comment's own line
            else:
                changes.append((directive.end_line + 1, order, False, codes))  # after the comment's line
        state: frozenset[str] = frozenset()
        for line, _, disable, codes in sorted(changes):
            state = state | codes if disable else state - codes
            if self.change_lines and self.change_lines[-1] == line:
                self.states[-1] = state
            else:
                self.change_lines.append(line)
                self.states.append(state)

    def suppressed(self, line: int, code: str) -> bool:
        """``line`` is 0-based."""
        if code in self.file_codes or code in self.line_codes.get(line, ()):
            return True
        index = bisect_right(self.change_lines, line) - 1
        return index >= 0 and code in self.states[index]


def unknown_directive_codes(directives: list[Directive], known: tuple[str, ...]) -> Iterator[tuple[Directive, list[str]]]:
    """Each directive that names codes no rule has, with those codes."""
    for directive in directives:
        unknown = [c for c in directive.codes if c != ALL and not any(k.startswith(c) for k in known)]
        if unknown:
            yield directive, unknown


def suppressions_of(directives: Sequence[Directive]) -> Optional[Suppressions]:
    """The file's suppressions (from its directives, read once with the chapter), or
    None when it has none."""
    if not directives:
        return None
    return Suppressions(list(directives), CODES)

