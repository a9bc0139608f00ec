"""Lint files on disk: read each, lint it, collect findings and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from citelint.api import lint_text
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, FileError
from citelint.files import SourceFile, collect, display_path, read_source


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[FileError] = field(default_factory=list)
    files_checked: int = 0


def lint_source(source: SourceFile, settings: Settings) -> list[Diagnostic] | FileError:
    """Lint one decoded file; an unexpected failure becomes a FileError, never a crash."""
    try:
        return lint_text(source.text, settings, source.path)
    except RecursionError:
        return FileError(source.path, "is nested too deeply to lint")
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
        return FileError(source.path, f"internal error while linting ({type(error).__name__}: {error}); please report it")


def check_paths(paths: Iterable[str], settings: Settings) -> CheckResult:
    result = CheckResult()
    files, result.errors = collect(paths, settings.exclude)
    for path in files:
        source = read_source(path)
        if isinstance(source, FileError):
            result.errors.append(FileError(display_path(path), source.message))
            continue
        source = SourceFile(display_path(path), source.text)
        if not source.text.strip():
            result.notes.append(FileError(source.path, "is empty; nothing to check"))
        found = lint_source(source, settings)
        if isinstance(found, FileError):
            result.errors.append(found)
            continue
        result.files_checked += 1
        result.diagnostics.extend(found)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result
