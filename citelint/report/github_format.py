"""GitHub Actions workflow commands: one annotation per finding, errors first."""

from __future__ import annotations

from typing import Iterator

from citelint.diagnostics import Severity, printable
from citelint.report import Run
from citelint.report.text_format import summary

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a message: ``%``, CR and LF (GitHub's rules for command data: the
    runner shows them as line breaks inside the annotation), then every other
    control and bidirectional character as ``printable`` shows it."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value: as data, and also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def chunks(run: Run) -> Iterator[str]:
    """Errors first (GitHub shows only ten annotations of each kind per step)."""
    for error in run.errors:
        yield f"::error file={escape_property(error.path)},title=citelint::{escape_data(error.message)}\n"
    for diagnostic in sorted(run.diagnostics, key=lambda d: (d.severity.rank, d.sort_key())):
        properties = ",".join(
            f"{key}={escape_property(str(value))}"
            for key, value in (
                ("file", diagnostic.path),
                ("line", diagnostic.line),
                ("col", diagnostic.column),
                ("endLine", diagnostic.end_line),
                ("endColumn", diagnostic.end_column),
                ("title", f"{diagnostic.code} {diagnostic.name}"),
            )
        )
        yield f"::{COMMANDS[diagnostic.severity]} {properties}::{escape_data(diagnostic.message)}\n"
    yield summary(run) + "\n"
