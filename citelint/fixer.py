"""``citelint fix`` on files: read, fix, diff or write safely, report per file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Optional

from citelint.config import Settings
from citelint.diagnostics import FileError
from citelint.files import STDIN, collect, read_source, shown_path
from citelint.fix import fix_text
from citelint.writer import ChangedOnDisk, write_atomically


@dataclass(frozen=True)
class FileFix:
    path: str
    changed: bool
    summary: str = ""
    refused: Optional[str] = None
    diff: str = ""
    note: str = ""  # what was left alone on purpose, and why
    text: Optional[str] = None  # standard input: the text to write to standard output


@dataclass
class FixOutcome:
    reports: list[FileFix] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def fix_file(path: str, settings: Settings, write: bool, stdin_name: str = STDIN) -> FileFix | FileError:
    """Fix one file; standard input (``-``) is never written: its text, fixed or
    not, comes back to be written to standard output."""
    shown = shown_path(path, stdin_name)
    source = read_source(path)
    if isinstance(source, FileError):
        return FileError(shown, source.message)
    try:
        result = fix_text(source.text, settings, shown)
    except RecursionError:
        return FileError(shown, "is nested too deeply to fix")
    piped = source.text if path == STDIN else None
    if result.refused:
        return FileFix(shown, False, refused=result.refused, text=piped)
    note = "; ".join(result.notes)
    if not result.changed:
        return FileFix(shown, False, result.summary(), note=note, text=piped)
    if path == STDIN:
        return FileFix(shown, True, result.summary(), diff=unified_diff(shown, source.text, result.text), note=note, text=result.text)
    if write:
        try:
            write_atomically(path, source.text.encode("utf-8"), result.text.encode("utf-8"))
        except ChangedOnDisk as error:
            return FileFix(shown, False, refused=str(error).split("; ", 1)[-1])
        except OSError as error:
            return FileError(shown, f"cannot be written: {error.strerror or error}")
    return FileFix(shown, True, result.summary(), diff=unified_diff(shown, source.text, result.text), note=note)


def fix_paths(paths: Iterable[str], settings: Settings, write: bool, stdin_name: str = STDIN) -> FixOutcome:
    outcome = FixOutcome()
    files, outcome.errors = collect(paths, settings.exclude)
    for path in files:
        report = fix_file(path, settings, write, stdin_name)
        if isinstance(report, FileError):
            outcome.errors.append(report)
        else:
            outcome.reports.append(report)
    return outcome
