"""Reports: diagnostics in, text out. Each format is imported only when asked for."""

from __future__ import annotations

import importlib
from typing import Iterator, NamedTuple, Sequence

from citelint.diagnostics import Diagnostic, FileError

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "rdjson")


class Run(NamedTuple):
    """What one ``citelint check`` found, for the reporters."""

    diagnostics: Sequence[Diagnostic]
    errors: Sequence[FileError]
    files_checked: int
    color: bool = False
    quiet: bool = False


def chunks(format_name: str, run: Run) -> Iterator[str]:
    """The report in pieces, to be written as they come: a file with a hundred
    thousand findings is never held as one document of dictionaries in memory."""
    module = importlib.import_module(f"citelint.report.{format_name}_format")
    return iter(module.chunks(run))


def render(format_name: str, run: Run) -> str:
    return "".join(chunks(format_name, run))
