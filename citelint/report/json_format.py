"""One JSON document: the contract other tools read (SPEC §4)."""

from __future__ import annotations

import json

from citelint.report import Run

VERSION = 1


def render(run: Run) -> str:
    document = {
        "version": VERSION,
        "files_checked": run.files_checked,
        "diagnostics": [
            {
                "path": diagnostic.path,
                "line": diagnostic.line,
                "column": diagnostic.column,
                "end_line": diagnostic.end_line,
                "end_column": diagnostic.end_column,
                "code": diagnostic.code,
                "name": diagnostic.name,
                "severity": diagnostic.severity.value,
                "message": diagnostic.message,
                "fix": diagnostic.fix.as_dict() if diagnostic.fix else None,
            }
            for diagnostic in run.diagnostics
        ],
        "errors": [{"path": error.path, "message": error.message} for error in run.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
