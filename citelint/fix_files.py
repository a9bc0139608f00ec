"""``citelint fix`` on files: read, fix, diff or write safely, report per file.

Standard input (``-``) is an editor's buffer: whatever happens, the text goes
back out, fixed or byte for byte as it came (also when it cannot be read as
UTF-8, or is over the size limit).
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Optional

from citelint.config import Settings, project_names, reading_boundary
from citelint.diagnostics import FileError
from citelint.files import MAX_FILE_BYTES, STDIN, SourceFile, collect, decode, read_source, shown_path
from citelint.renumbering import fix_source
from citelint.atomic_write import ChangedOnDisk, Interrupted, remove_stale_temp_files, write_atomically


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
    # standard input that is not fixed and not in a report's text (it could not be
    # read or fixed): to be written back as it came, then the rest of standard input
    unread_stdin: Optional[bytes] = None


class StdinError(NamedTuple):
    """Standard input that could not be fixed, and its bytes, to give back."""

    error: FileError
    data: bytes


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def fix_file(path: str, settings: Settings, write: bool, stdin_name: str = STDIN) -> FileFix | FileError | StdinError:
    """Fix one file; standard input (``-``) is never written: its text, fixed or
    not, comes back to be written to standard output, or its bytes when it
    could not be read or fixed."""
    shown = shown_path(path, stdin_name)
    if path == STDIN:
        return _fix_stdin(shown, settings)
    source = read_source(path)
    if isinstance(source, FileError):
        return FileError(shown, source.message)
    return _fix_source(path, shown, source, settings, write)


def _fix_stdin(shown: str, settings: Settings) -> FileFix | StdinError:
    try:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError, AttributeError) as error:  # closed, or no stdin at all
        why = getattr(error, "strerror", None) or error
        return StdinError(FileError(shown, f"standard input cannot be read: {why}"), b"")
    source = decode(shown, data)
    if isinstance(source, FileError):
        return StdinError(FileError(shown, f"{source.message}; written back as it came"), data)
    try:
        report = _fix_source(STDIN, shown, source, settings, write=False)
    except Exception as error:  # noqa: BLE001 - the buffer must come back whatever went wrong
        why = f"internal error: {type(error).__name__}: {error} (please report this)"
        return StdinError(FileError(shown, f"cannot be fixed: {why}; written back as it came"), data)
    if isinstance(report, FileError):
        return StdinError(FileError(shown, f"{report.message}; written back as it came"), data)
    return report


def _fix_source(path: str, shown: str, source: SourceFile, settings: Settings, write: bool) -> FileFix | FileError:
    try:
        result = fix_source(source.text, settings, shown, project_names(settings, shown if path == STDIN else path))
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
            return FileFix(shown, False, refused=str(error))
        except OSError as error:
            return FileError(shown, f"cannot be written: {error.strerror or error}")
    return FileFix(shown, True, result.summary(), diff=unified_diff(shown, source.text, result.text), note=note)


def fix_paths(paths: Iterable[str], settings: Settings, write: bool, stdin_name: str = STDIN) -> FixOutcome:
    outcome = FixOutcome()
    paths = tuple(paths)
    files, outcome.errors = collect(paths, settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=reading_boundary(settings, paths))
    cleaned: set[str] = set()
    for path in files:
        if write and path != STDIN:
            _remove_leftovers_once(path, cleaned)
        try:
            report = fix_file(path, settings, write, stdin_name)
        except Interrupted as stop:
            stop.path = shown_path(path, stdin_name)
            raise
        if isinstance(report, StdinError):
            outcome.errors.append(report.error)
            outcome.unread_stdin = report.data
        elif isinstance(report, FileError):
            outcome.errors.append(report)
        else:
            outcome.reports.append(report)
    return outcome


def _remove_leftovers_once(path: str, cleaned: set[str]) -> None:
    """Before the first write in a folder, remove what a killed run left there."""
    folder = os.path.dirname(os.path.realpath(path)) or "."
    if folder not in cleaned:
        cleaned.add(folder)
        remove_stale_temp_files(folder)
