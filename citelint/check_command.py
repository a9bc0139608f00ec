"""``citelint check``, from its parameters to its exit code, without click: the click
command (cli.py) calls ``run_check`` with what it read of the command line, and the
console script calls ``run_plain`` with what check_options.read_plain read of a plain
one, as click's standalone ``main`` would end it."""

import errno
import os
import sys
from typing import TYPE_CHECKING, NoReturn, Optional

from citelint import console
from citelint.diagnostics import Diagnostic, FileError, Severity

if TYPE_CHECKING:
    from citelint.check_files import CheckResult
    from citelint.report import Run

ABORTED = "Aborted!"  # what click says of an interrupted command


def run_check(
    paths: tuple[str, ...],
    format_name: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: Optional[bool],
    config_file: Optional[str],
    placement: Optional[str],
    quiet: bool,
    statistics: bool,
    urls: bool,
    allow_private: Optional[bool],
    offline: bool,
    refresh: bool,
    accept_changes: bool,
    archive: Optional[bool],
    timeout: Optional[float],
    run_timeout: Optional[float],
    cache_dir: Optional[str],
    no_cache: bool,
    jobs: Optional[int],
    stdin_name: str,
) -> int:
    """Lint ``paths`` (files, or folders searched for *.md and *.markdown), write the
    report and return the exit code. The options combine (check_options.usage_problem:
    the command line's reader has said so)."""
    from citelint.check_files import CheckResult, check_paths, default_jobs
    from citelint.report import Run, chunks

    fixes = format_name in ("json", "rdjson")  # only these reports carry a renumbering's edits
    settings = console.settings_or_exit(config_file, select=select, ignore=ignore, placement=placement)
    result_cache = None
    if not no_cache:
        from citelint.cache import ResultCache

        result_cache = ResultCache.of_run(settings, cache_dir, console.warn, urls)
    url_check = None
    if urls:
        show_progress = format_name == "text" and not quiet and sys.stderr.isatty() and "CI" not in os.environ
        from citelint.check_urls import make_url_check

        url_check = make_url_check(
            settings,
            allow_private=allow_private,
            offline=offline,
            refresh=refresh,
            accept_changes=accept_changes,
            archive=archive,
            timeout=timeout,
            run_timeout=run_timeout,
            cache_dir=cache_dir,
            progress=show_progress,
            warn=console.warn,
            note=console.note,
        )
    book = None
    if settings.numbering == "book":  # the whole book, whatever PATHS name (book_numbering)
        from citelint.book_order import book_files

        book = book_files(paths, settings)
        paths = book.files
    result = check_paths(paths or settings.paths or (".",), settings, url_check, result_cache, jobs or default_jobs(), stdin_name, fixes) if book is None or book.files else CheckResult()
    if book is not None:
        result.errors += book.errors
        result.notes += book.notes
        if result.errors:  # a chapter missing or unread: the numbering across the book would be judged without it
            result.diagnostics = _not_judged_across_the_book(result)
    color = format_name == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    run = Run(result.diagnostics, result.errors, result.files_checked, color=color, quiet=quiet)
    console.write_report(chunks("statistics" if statistics else format_name, run))
    console.report_errors(result.errors, result.notes if not quiet else [])
    return exit_code(run, bool(strict))


def _not_judged_across_the_book(result: "CheckResult") -> list[Diagnostic]:
    """The findings of a book not every chapter of which could be read, without the
    book-wide rules' (a later chapter's labels would look off by the missing
    chapter's entries, its sources uncited, and ``fix`` refuses such a book), and a
    note saying so."""
    from citelint.catalog import BOOK_NUMBERING_CODES

    codes = ", ".join(sorted(BOOK_NUMBERING_CODES))
    result.notes.append(FileError("book", f"the numbering across the book ({codes}) was not judged: not every chapter of the book could be read"))
    return [diagnostic for diagnostic in result.diagnostics if diagnostic.code not in BOOK_NUMBERING_CODES]


def exit_code(run: "Run", strict: bool) -> int:
    if run.errors:
        return console.EXIT_ERROR
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(diagnostic.severity in failing for diagnostic in run.diagnostics):
        return console.EXIT_FINDINGS
    return console.EXIT_OK


def run_plain(parameters: dict[str, object]) -> NoReturn:
    """``run_check`` as the console script runs the click command: an interruption is
    "Aborted!" (exit 1), a closed output pipe ends it quietly (exit 1), and anything
    unexpected is one line, never a traceback (exit 2; cli.main)."""
    with console.last_resort():
        code = 1
        try:
            code = run_check(**parameters)  # type: ignore[arg-type]
        except (EOFError, KeyboardInterrupt):
            console.echo(err=True)
            console.echo(ABORTED, err=True)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            sys.stdout = _Quiet(sys.stdout)  # type: ignore[assignment]
            sys.stderr = _Quiet(sys.stderr)  # type: ignore[assignment]
        sys.exit(code)


class _Quiet:
    """A stream whose flush says nothing of a closed pipe (click's, after a broken pipe):
    the exit does not report it."""

    def __init__(self, stream: object) -> None:
        self._stream = stream

    def flush(self) -> None:
        try:
            self._stream.flush()  # type: ignore[attr-defined]
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
