"""reviewdog's Diagnostic Format (rdjson: one ``DiagnosticResult``), for
``citelint check --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review``.

A finding's fix becomes ``suggestions``: the renumbering of a chapter (on its
first renumbering finding, as in the JSON report) and a near-miss marker's
correction. reviewdog posts a finding as one review comment over its lines, and
a suggestion only when it covers exactly those lines; a renumbering edits lines
all over the chapter. So the edits of a fix are gathered into groups of
neighbouring lines, each one suggestion (the group's text with the edits made):
the group on the finding's own line goes with the finding, and every other group
is a diagnostic of its own (severity INFO, "part of the fix for ..."), placed on
the lines it changes. Applied together they make the text ``citelint fix``
writes.

reviewdog counts columns in UTF-8 bytes, citelint in characters; the file is read
back to convert them (one file held at a time). A file that cannot be read
(standard input) keeps character columns and one suggestion per edit.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, NamedTuple, Optional, Sequence

from citelint.diagnostics import Diagnostic, Edit, Severity, printable
from citelint.report import Run
from citelint.report.json_format import array

SOURCE = {"name": "citelint"}
SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
_LINE_BREAK = re.compile(r"\r\n?|\n")  # as the chapter reads them


class _Text(NamedTuple):
    """A file's text and where each of its lines starts."""

    text: str
    starts: list[int]

    def offset(self, line: int, column: int) -> Optional[int]:
        """The index of 1-based (line, character column), or None when the file has no such place."""
        if not 1 <= line <= len(self.starts):
            return None
        start = self.starts[line - 1]
        line_end = self.starts[line] if line < len(self.starts) else len(self.text)
        return start + column - 1 if column - 1 <= line_end - start else None

    def byte_column(self, line: int, column: int) -> Optional[int]:
        at = self.offset(line, column)
        if at is None:
            return None
        before = self.text[self.starts[line - 1] : at]
        return column if before.isascii() else len(before.encode("utf-8", "surrogateescape")) + 1


class _Files:
    """The text of the file being reported, read when first needed."""

    def __init__(self) -> None:
        self.path: Optional[str] = None
        self.text: Optional[_Text] = None

    def get(self, path: str) -> Optional[_Text]:
        if path != self.path:
            self.path, self.text = path, _read(path)
        return self.text


def _read(path: str) -> Optional[_Text]:
    try:
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            text = handle.read()
    except (OSError, ValueError):
        return None
    return _Text(text, [0] + [match.end() for match in _LINE_BREAK.finditer(text)])


def _position(text: Optional[_Text], line: int, column: int) -> dict[str, int]:
    converted = text.byte_column(line, column) if text is not None else None
    return {"line": line, "column": column if converted is None else converted}


def _range(text: Optional[_Text], line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    return {"start": _position(text, line, column), "end": _position(text, end_line, end_column)}


class _Group(NamedTuple):
    """Edits on neighbouring lines, made as one suggestion."""

    edits: tuple[Edit, ...]

    @property
    def first_line(self) -> int:
        return self.edits[0].line

    @property
    def last_line(self) -> int:
        return max(edit.end_line for edit in self.edits)


def _groups(edits: Sequence[Edit]) -> list[_Group]:
    """The edits in order, grouped where one ends on the line the next starts on."""
    groups: list[list[Edit]] = []
    for edit in sorted(edits, key=lambda e: (e.line, e.column)):
        if groups and edit.line <= max(e.end_line for e in groups[-1]):
            groups[-1].append(edit)
        else:
            groups.append([edit])
    return [_Group(tuple(group)) for group in groups]


def _suggestion(text: Optional[_Text], group: _Group) -> Optional[dict[str, Any]]:
    """The group as one suggestion: from its first edit's start to its last edit's
    end, the text between the edits kept. None when the file does not hold it."""
    first, last = group.edits[0], max(group.edits, key=lambda e: (e.end_line, e.end_column))
    if text is None:
        return None
    pieces, at = [], text.offset(first.line, first.column)
    for edit in group.edits:
        start, end = text.offset(edit.line, edit.column), text.offset(edit.end_line, edit.end_column)
        if at is None or start is None or end is None or start < at:
            return None
        pieces += [text.text[at:start], edit.content]
        at = end
    return {
        "range": _range(text, first.line, first.column, last.end_line, last.end_column),
        "text": "".join(pieces),
    }


def _plain_suggestions(group: _Group) -> list[dict[str, Any]]:
    """One suggestion an edit, in character columns (the file could not be read)."""
    return [
        {"range": _range(None, e.line, e.column, e.end_line, e.end_column), "text": e.content} for e in group.edits
    ]


def _diagnostics_of(diagnostic: Diagnostic, files: _Files) -> Iterator[dict[str, Any]]:
    path = diagnostic.path
    text = files.get(path)
    found: dict[str, Any] = {
        "message": printable(diagnostic.message),
        "location": {
            "path": printable(path),
            "range": _range(text, diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column),
        },
        "severity": SEVERITIES[diagnostic.severity],
        "code": {"value": diagnostic.code},
    }
    if diagnostic.fix is None or not diagnostic.fix.edits:
        yield found
        return
    groups = _groups(diagnostic.fix.edits)
    suggestions = [_suggestion(text, group) for group in groups]
    if any(suggestion is None for suggestion in suggestions):  # not the file's text: the edits as they are
        found["suggestions"] = [s for group in groups for s in _plain_suggestions(group)]
        yield found
        return
    own = next((i for i, g in enumerate(groups) if g.first_line <= diagnostic.line <= g.last_line), None)
    if own is not None:
        found["suggestions"] = [suggestions[own]]
    yield found
    part_of = printable(f"part of the fix for {diagnostic.code} at line {diagnostic.line}: {diagnostic.fix.description}")
    for index, suggestion in enumerate(suggestions):
        if index != own and suggestion is not None:
            yield {
                "message": part_of,
                "location": {"path": printable(path), "range": suggestion["range"]},
                "severity": "INFO",
                "code": {"value": diagnostic.code},
                "suggestions": [suggestion],
            }


def _diagnostics(run: Run) -> Iterator[dict[str, Any]]:
    for error in run.errors:
        yield {
            "message": printable(f"not linted: {error.message}"),
            "location": {"path": printable(error.path)},
            "severity": "ERROR",
            "code": {"value": "citelint-error"},
        }
    files = _Files()
    for diagnostic in sorted(run.diagnostics, key=Diagnostic.sort_key):
        yield from _diagnostics_of(diagnostic, files)


def overall_severity(run: Run) -> str:
    """The worst severity of the run (a file not linted is an error)."""
    if run.errors:
        return "ERROR"
    worst = min((diagnostic.severity for diagnostic in run.diagnostics), key=lambda severity: severity.rank, default=None)
    return "UNKNOWN_SEVERITY" if worst is None else SEVERITIES[worst]


def chunks(run: Run) -> Iterator[str]:
    yield f'{{\n  "source": {json.dumps(SOURCE)},\n  "severity": "{overall_severity(run)}",\n  "diagnostics": '
    yield from array(_diagnostics(run), "  ")
    yield "\n}\n"
