"""Lint files on disk: read each, lint it, collect findings and errors."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from citelint.api import lint_chapter
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, FileError
from citelint.files import SourceFile, collect, display_path, read_source


class CheckResult:
    """What a check of many files found, filled in as files are linted."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.errors: list[FileError] = []
        self.notes: list[FileError] = []
        self.files_checked = 0


UrlCheck = Callable[[list[tuple[str, Chapter]]], dict[str, list[Diagnostic]]]


def _guarded(path: str, action: Callable[[], list[Diagnostic]]) -> list[Diagnostic] | FileError:
    """Run ``action``; an unexpected failure becomes a FileError naming the file, never a crash."""
    try:
        return action()
    except RecursionError:
        return FileError(path, "is nested too deeply to lint")
    except MemoryError:
        return FileError(path, "is too large to lint in the memory available")
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
        return FileError(path, f"internal error while linting ({type(error).__name__}: {error}); please report it")


def read_all(paths: Iterable[str], settings: Settings, result: CheckResult) -> list[SourceFile]:
    files, result.errors = collect(paths, settings.exclude)
    sources = []
    for path in files:
        source = read_source(path)
        if isinstance(source, FileError):
            result.errors.append(FileError(display_path(path), source.message))
            continue
        sources.append(SourceFile(display_path(path), source.text))
        if not source.text.strip():
            result.notes.append(FileError(display_path(path), "is empty; nothing to check"))
    return sources


def check_paths(paths: Iterable[str], settings: Settings, url_check: Optional[UrlCheck] = None) -> CheckResult:
    result = CheckResult()
    sources = read_all(paths, settings, result)
    chapters: list[tuple[str, Chapter]] = []
    for source in sources:
        if url_check is None:
            found = _guarded(source.path, lambda: lint_chapter(Chapter.parse(source.text, settings), source.path))
            _collect(result, found)
            continue
        parsed = _guarded(source.path, lambda: [Chapter.parse(source.text, settings)])  # type: ignore[list-item]
        if isinstance(parsed, FileError):
            result.errors.append(parsed)
        else:
            chapters.append((source.path, parsed[0]))  # type: ignore[arg-type]
    if url_check is not None:
        by_path = url_check(chapters)
        for path, chapter in chapters:
            _collect(result, _guarded(path, lambda: lint_chapter(chapter, path, by_path.get(path, []))))
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _collect(result: CheckResult, found: list[Diagnostic] | FileError) -> None:
    if isinstance(found, FileError):
        result.errors.append(found)
        return
    result.files_checked += 1
    result.diagnostics.extend(found)
