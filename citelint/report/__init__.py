"""Reports: diagnostics in, text out. Each format is imported only when asked for."""

from __future__ import annotations

import importlib
from typing import NamedTuple, Sequence

from citelint.diagnostics import Diagnostic, FileError

FORMATS = ("text", "json", "sarif", "github")


class Run(NamedTuple):
    """What one ``citelint check`` found, for the reporters."""

    diagnostics: Sequence[Diagnostic]
    errors: Sequence[FileError]
    files_checked: int
    color: bool = False
    quiet: bool = False


def render(format_name: str, run: Run) -> str:
    module = importlib.import_module(f"citelint.report.{format_name}_format")
    return str(module.render(run))
