"""reviewdog's Diagnostic Format (rdjson: one ``DiagnosticResult``), for
``citelint check --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review``.

A finding's fix becomes its ``suggestions``: the renumbering of a chapter (on
its first renumbering finding, as in the JSON report) and a near-miss marker's
correction, each edit one suggestion with the exact text to write.

reviewdog counts columns in UTF-8 bytes, citelint in characters; a line with
other than ASCII before a column is read back from the file to convert it (one
file held at a time). When the file cannot be read, or has changed so that the
line is too short, the column is given in characters, as it is for ASCII.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Optional

from citelint.diagnostics import Diagnostic, Edit, Severity, printable
from citelint.report import Run
from citelint.report.json_format import array

SOURCE = {"name": "citelint"}
_LINE_ENDING = re.compile(r"\r\n?")  # as the chapter reads them
SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


class _Lines:
    """The lines of the file being reported, read when a column needs converting."""

    def __init__(self) -> None:
        self.path: Optional[str] = None
        self.lines: Optional[list[str]] = None

    def byte_column(self, path: str, line: int, column: int) -> int:
        """The 1-based UTF-8 byte column of 1-based character ``column`` on ``line``."""
        if column <= 1:
            return column
        text = self._line(path, line)
        if text is None or len(text) < column - 1:
            return column
        before = text[: column - 1]
        return column if before.isascii() else len(before.encode("utf-8", "surrogateescape")) + 1

    def _line(self, path: str, line: int) -> Optional[str]:
        if path != self.path:
            self.path, self.lines = path, _read_lines(path)
        if self.lines is None or not 1 <= line <= len(self.lines):
            return None
        return self.lines[line - 1]


def _read_lines(path: str) -> Optional[list[str]]:
    try:
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            return _LINE_ENDING.sub("\n", handle.read()).split("\n")
    except (OSError, ValueError):
        return None


def _position(lines: _Lines, path: str, line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": lines.byte_column(path, line, column)}


def _range(lines: _Lines, path: str, start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {"start": _position(lines, path, *start), "end": _position(lines, path, *end)}


def _suggestion(lines: _Lines, path: str, edit: Edit) -> dict[str, Any]:
    return {"range": _range(lines, path, (edit.line, edit.column), (edit.end_line, edit.end_column)), "text": edit.content}


def _diagnostic(diagnostic: Diagnostic, lines: _Lines) -> dict[str, Any]:
    path = diagnostic.path
    found: dict[str, Any] = {
        "message": printable(diagnostic.message),
        "location": {
            "path": printable(path),
            "range": _range(lines, path, (diagnostic.line, diagnostic.column), (diagnostic.end_line, diagnostic.end_column)),
        },
        "severity": SEVERITIES[diagnostic.severity],
        "code": {"value": diagnostic.code},
    }
    if diagnostic.fix is not None and diagnostic.fix.edits:
        found["suggestions"] = [_suggestion(lines, path, edit) for edit in diagnostic.fix.edits]
    return found


def _diagnostics(run: Run) -> Iterator[dict[str, Any]]:
    for error in run.errors:
        yield {
            "message": printable(f"not linted: {error.message}"),
            "location": {"path": printable(error.path)},
            "severity": "ERROR",
            "code": {"value": "citelint-error"},
        }
    lines = _Lines()
    for diagnostic in sorted(run.diagnostics, key=Diagnostic.sort_key):
        yield _diagnostic(diagnostic, lines)


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
