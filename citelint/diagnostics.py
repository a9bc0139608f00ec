"""Immutable values that flow from the rules to the reports.

Values are NamedTuples rather than frozen dataclasses: as immutable, and an
order of magnitude cheaper to define, which a pre-commit hook's startup feels.
"""

import enum
import re
from functools import lru_cache
from typing import NamedTuple, Optional

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters that reorder or break the text shown around them: the bidirectional
# embeddings, overrides, isolates and marks (a U+202E in a file name or message can
# make a terminal or log show it backwards) and the line and paragraph separators.
# ``printable`` shows them as ``<U+202E>``.
BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"


class Severity(enum.Enum):
    """How much a finding matters; errors fail a check, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Rule(NamedTuple):
    """A rule's identity: its code, its kebab-case name and its default severity."""

    code: str
    name: str
    severity: Severity


class Edit(NamedTuple):
    """Replace the text between two 1-based positions (end exclusive) with ``content``."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


class Fix(NamedTuple):
    """What ``citelint fix`` would do about a finding."""

    description: str
    edits: tuple[Edit, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"description": self.description, "edits": [edit.as_dict() for edit in self.edits]}


class Diagnostic(NamedTuple):
    """One finding: a rule's code and name, where it is, and what to do."""

    code: str
    name: str
    severity: Severity
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Optional[Fix] = None
    path: str = ""
    stands_for: int = 1  # findings: more for the one that counts those past a rule's limit

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


class FileError(NamedTuple):
    """A file that could not be linted (unreadable, not UTF-8, binary, missing)."""

    path: str
    message: str


def shorten(text: str, width: int = 80) -> str:
    """``text`` cut in the middle to about ``width`` characters when it is longer,
    for quoting a file's text in a message: a marker a megabyte long stays a
    finding of one readable line (edits keep the whole text)."""
    if len(text) <= width:
        return text
    tail = width // 4
    return f"{text[: width - tail - 1]}…{text[-tail:]}"


def printable(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1) and undecodable bytes escaped
    (``\\n``, ``\\x1b``, ``\\xff``) and bidirectional controls and line separators
    shown as ``<U+202E>``: one finding stays one line, and nothing quoted from a
    file, its name or a server can send escape sequences to a terminal, reorder
    what is shown around it, or fail to encode. ``##[`` is shown as ``##\\[``:
    GitHub's runner takes ``##[command]`` anywhere in a log line for a workflow
    command (``##[error]``, ``##[stop-commands]``: a fake failure, or the job's real
    annotations silenced). Every report and every line on standard error passes
    what it quotes through here; applying it twice changes nothing more."""
    if "##[" in text:
        text = text.replace("##[", "##\\[")
    return text if text.isprintable() else _unprintable().sub(_escape, text)


def line_start(path: str) -> str:
    """``printable(path)`` for a path that begins a line of output (``path:3:1: …``),
    with ``./`` before a path that begins with ``::`` (after blanks): GitHub's runner
    takes such a line for a workflow command (``::error::``, ``::stop-commands::``)."""
    shown = printable(path)
    return f"./{shown}" if shown.lstrip().startswith("::") else shown


@lru_cache(maxsize=1)
def _unprintable() -> re.Pattern[str]:
    """Control characters, bidirectional controls, line separators, and the
    stand-ins for bytes that are not UTF-8 in file names (surrogateescape).
    Compiled when first needed: the class of surrogates is slow to compile, and
    almost every text is printable."""
    return re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{BIDI_AND_SEPARATORS}]")


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    if character in BIDI_AND_SEPARATORS:
        return f"<U+{code:04X}>"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return _ESCAPES.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
