"""One JSON document: the contract other tools read (SPEC §4).

Written in pieces, one finding per line, each by the C encoder: a file with a
hundred thousand findings neither builds one document of dictionaries nor goes
through the slow pure-Python indenting encoder.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Optional

from citelint.diagnostics import BIDI_AND_SEPARATORS, Fix, printable
from citelint.report import Run

VERSION = 1
_encode_raw = json.JSONEncoder(ensure_ascii=False).encode


def _encode(item: Any) -> str:
    """``item`` as compact JSON in which no character can reorder or break the
    line on a terminal: bidirectional controls and line separators left in a
    string (a fix's exact text) are written as ``\\u202e`` escapes, which decode
    to the very same text, and so is the ``[`` of ``##[``, which GitHub's runner takes
    for a workflow command anywhere in a log line (``diagnostics.printable``). (The
    encoder escapes control characters itself.)"""
    encoded = _encode_raw(item)
    if "##[" in encoded:  # only ever inside a string: JSON writes no `#` of its own
        encoded = encoded.replace("##[", "##\\u005b")
    if encoded.isascii():
        return encoded
    return _bidi().sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


@lru_cache(maxsize=1)
def _bidi() -> re.Pattern[str]:
    return re.compile(f"[{BIDI_AND_SEPARATORS}]")


def fix_as_dict(fix: Optional[Fix]) -> Optional[dict[str, object]]:
    """What ``citelint fix`` would do: its description shown escaped, its edits exact."""
    if fix is None:
        return None
    return {**fix.as_dict(), "description": printable(fix.description)}


def chunks(run: Run) -> Iterator[str]:
    yield f'{{\n  "version": {VERSION},\n  "files_checked": {run.files_checked},\n  "diagnostics": '
    yield from array(
        (
            {
                "path": printable(diagnostic.path),
                "line": diagnostic.line,
                "column": diagnostic.column,
                "end_line": diagnostic.end_line,
                "end_column": diagnostic.end_column,
                "code": diagnostic.code,
                "name": diagnostic.name,
                "severity": diagnostic.severity.value,
                "message": printable(diagnostic.message),
                "fix": fix_as_dict(diagnostic.fix),
            }
            for diagnostic in run.diagnostics
        ),
        "  ",
    )
    yield ',\n  "errors": '
    errors = ({"path": printable(error.path), "message": printable(error.message)} for error in run.errors)
    yield from array(errors, "  ")
    yield "\n}\n"


def array(items: Iterable[Any], indent: str) -> Iterator[str]:
    """A JSON array of ``items``, one compact item per line, indented under ``indent``."""
    separator = "[\n"
    for item in items:
        yield separator + indent + "  " + _encode(item)
        separator = ",\n"
    yield "[]" if separator == "[\n" else "\n" + indent + "]"
