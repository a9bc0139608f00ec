"""Lint files on disk: read each, lint it (from the result cache, in parallel
when it pays off), collect findings and errors."""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from citelint.config import Settings
from citelint.diagnostics import Diagnostic, FileError
from citelint.files import STDIN, SourceFile, collect, read_source, shown_path

if TYPE_CHECKING:
    from citelint.cache import ResultCache
    from citelint.chapter import Chapter

UrlCheck = Callable[[list[tuple[str, "Chapter"]]], dict]  # type: ignore[type-arg]  # each link's verdict
PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 1_000_000


class CheckResult:
    """What a check of many files found, filled in as files are linted."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.errors: list[FileError] = []
        self.notes: list[FileError] = []
        self.files_checked = 0


def lint_one(source: SourceFile, settings: Settings, fixes: bool = False) -> list[Diagnostic] | FileError:
    """Lint one decoded file; an unexpected failure becomes a FileError naming it, never a crash."""
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    try:
        return report_findings(Chapter.parse(source.text, settings, reads_as_plain_text(source.path)), source.path, fixes=fixes)
    except RecursionError:
        return FileError(source.path, "is nested too deeply to lint")
    except MemoryError:
        return FileError(source.path, "is too large to lint in the memory available")
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
        return FileError(source.path, f"internal error while linting ({type(error).__name__}: {error}); please report it")


def read_all(paths: Iterable[str], settings: Settings, result: CheckResult, stdin_name: str = STDIN) -> list[SourceFile]:
    files, result.errors = collect(paths, settings.exclude, root=settings.root, suffixes=settings.suffixes)
    sources = []
    for path in files:
        shown = shown_path(path, stdin_name)
        source = read_source(path)
        if isinstance(source, FileError):
            result.errors.append(FileError(shown, source.message))
            continue
        sources.append(SourceFile(shown, source.text))
        if not source.text.strip():
            result.notes.append(FileError(shown, "is empty; nothing to check"))
    return sources


def check_paths(
    paths: Iterable[str],
    settings: Settings,
    url_check: Optional[UrlCheck] = None,
    cache: Optional["ResultCache"] = None,
    jobs: int = 1,
    stdin_name: str = STDIN,
    fixes: bool = False,
) -> CheckResult:
    """Lint the files (``-``: standard input, reported as ``stdin_name``). ``fixes``:
    the report shows fixes (JSON), so the first renumbering finding of a file carries
    the renumbering (a parse more to verify it)."""
    result = CheckResult()
    sources = read_all(paths, settings, result, stdin_name)
    if url_check is not None:
        _check_with_urls(sources, settings, url_check, result, fixes)
    else:
        keys = [cache.key(source.path, source.text) if cache else "" for source in sources]
        found: list[Optional[list[Diagnostic] | FileError]] = [
            _as_reported(cache.get(key, source.path), fixes) if cache else None for key, source in zip(keys, sources)
        ]
        missing = [index for index, item in enumerate(found) if item is None]
        for index, linted in zip(missing, _lint_many([sources[i] for i in missing], settings, jobs, fixes)):
            found[index] = linted
            if cache and not isinstance(linted, FileError):
                cache.put(keys[index], linted)
        for outcome in found:
            assert outcome is not None
            _collect(result, outcome)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _as_reported(cached: Optional[list[Diagnostic]], fixes: bool) -> Optional[list[Diagnostic]]:
    """A cached result as this run reports it. One entry serves every report: the
    renumbering a JSON report carries is dropped for the others, and an entry made
    without it is linted again for a JSON report (when it has a renumbering finding)."""
    if cached is None:
        return None
    from citelint.catalog import RENUMBERING_CODES

    renumbering = [d for d in cached if d.code in RENUMBERING_CODES]
    if not fixes:
        return [d._replace(fix=None) if d.code in RENUMBERING_CODES else d for d in cached] if renumbering else cached
    if renumbering and all(d.fix is None for d in renumbering):
        return None
    return cached


def _lint_many(sources: list[SourceFile], settings: Settings, jobs: int, fixes: bool = False) -> list[list[Diagnostic] | FileError]:
    """Lint in order; in parallel processes when there are enough files to pay for them."""
    size = sum(len(source.text) for source in sources)
    if jobs > 1 and len(sources) >= PARALLEL_MIN_FILES and size >= PARALLEL_MIN_BYTES:
        from citelint.processes import run_in_processes

        outcomes = run_in_processes(partial(lint_one, fixes=fixes), sources, settings, jobs)
        if outcomes is not None:
            return outcomes
    return [lint_one(source, settings, fixes) for source in sources]


def report_findings(chapter: "Chapter", path: str, verdicts: Optional[dict] = None, fixes: bool = False) -> list[Diagnostic]:  # type: ignore[type-arg]
    """A file's findings as the report shows them: the lint's, the URL ``verdicts``'
    findings, and, for a report that shows fixes (``fixes``: JSON), the
    renumbering on the first renumbering finding. The file's comments are read once."""
    from citelint.config import project_names
    from citelint.lint import lint_chapter
    from citelint.selection import Selection

    selection = Selection.of(chapter, path, project_names(chapter.settings, path))  # the path resolved here, at the edge
    extra: list[Diagnostic] = []
    if verdicts is not None:
        from citelint.urls import url_diagnostics

        extra = url_diagnostics(chapter, verdicts, path, selection)
    found = lint_chapter(chapter, path, extra, selection)
    if fixes:
        from citelint.renumbering import attach_renumbering

        found = attach_renumbering(chapter, path, found, selection)
    return found


def _check_with_urls(sources: list[SourceFile], settings: Settings, url_check: UrlCheck, result: CheckResult, fixes: bool = False) -> None:
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    chapters = []
    for source in sources:
        try:
            chapters.append((source.path, Chapter.parse(source.text, settings, reads_as_plain_text(source.path))))
        except (RecursionError, MemoryError, Exception) as error:  # noqa: BLE001
            outcome = lint_one(source, settings)
            _collect(result, outcome if isinstance(outcome, FileError) else FileError(source.path, str(error)))
    verdicts = url_check(chapters)
    for path, chapter in chapters:
        _collect(result, report_findings(chapter, path, verdicts, fixes))


def _collect(result: CheckResult, found: list[Diagnostic] | FileError) -> None:
    if isinstance(found, FileError):
        result.errors.append(found)
        return
    result.files_checked += 1
    result.diagnostics.extend(found)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
