"""One JSON document: the contract other tools read (SPEC §4).

Written in pieces, one finding per line, each by the C encoder: a file with a
hundred thousand findings neither builds one document of dictionaries nor goes
through the slow pure-Python indenting encoder.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from citelint.report import Run

VERSION = 1
_encode = json.JSONEncoder(ensure_ascii=False).encode


def chunks(run: Run) -> Iterator[str]:
    yield f'{{\n  "version": {VERSION},\n  "files_checked": {run.files_checked},\n  "diagnostics": '
    yield from array(
        (
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
        ),
        "  ",
    )
    yield ',\n  "errors": '
    yield from array(({"path": error.path, "message": error.message} for error in run.errors), "  ")
    yield "\n}\n"


def array(items: Iterable[Any], indent: str) -> Iterator[str]:
    """A JSON array of ``items``, one compact item per line, indented under ``indent``."""
    separator = "[\n"
    for item in items:
        yield separator + indent + "  " + _encode(item)
        separator = ",\n"
    yield "[]" if separator == "[\n" else "\n" + indent + "]"
