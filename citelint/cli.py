"""The command line: options -> Settings -> core -> report -> exit code. click only."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Iterable, Optional

import click

from citelint.version import __version__
from citelint.config import MAX_TIMEOUT, PLACEMENTS, Settings
from citelint.diagnostics import FileError, Severity, printable

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from citelint.cache import ResultCache
    from citelint.report import Run

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _validate_codes(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> tuple[str, ...]:
    """Comma-separated rule codes, prefixes or names, as codes."""
    from citelint.catalog import canonical_selectors, unknown_selectors

    codes = canonical_selectors(code for code in (value or "").split(",") if code.strip())
    unknown = unknown_selectors(codes)
    if unknown:
        raise click.BadParameter(f"unknown rule code(s) or name(s): {', '.join(unknown)} (see `citelint rules`)")
    return codes


# click looks its own texts up in gettext's catalogs each time it makes a help, version
# or Path option, and imports locale the first time: ~3 ms of a one-chapter check (what the
# pre-commit hook pays after every edit). citelint gives those texts itself, as click
# writes them, and its paths are plain strings that the commands check themselves.
HELP_TEXT = "Show this message and exit."


class PathType(click.ParamType):
    """A path as typed. ``kind``: ``"file"`` (a folder is refused), ``"dir"`` (a file
    is refused) or ``"path"`` (either, or nothing there yet: a missing or unreadable
    file is reported by the command, for that file alone). Shells complete it as click
    completes its Path."""

    def __init__(self, kind: str = "path") -> None:
        self.kind = kind
        self.name = {"file": "file", "dir": "directory"}.get(kind, "path")

    def convert(self, value: object, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> object:
        path = os.fsdecode(value) if isinstance(value, bytes) else value
        if self.kind == "file" and isinstance(path, str) and os.path.isdir(path):
            self.fail(f"File {path!r} is a directory.", param, ctx)
        if self.kind == "dir" and isinstance(path, str) and os.path.isfile(path):
            self.fail(f"Directory {path!r} is a file.", param, ctx)
        return path

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="dir" if self.kind == "dir" else "file")]


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"citelint {__version__}")
        ctx.exit()


class _HelpTextGiven:
    """A command whose ``--help`` is made with its text given (``HELP_TEXT``), once
    (click orders the eager options' callbacks by the object it gets each time)."""

    _citelint_help: Optional[click.Option] = None

    def get_help_option(self, ctx: click.Context) -> Optional[click.Option]:
        command: click.Command = self  # type: ignore[assignment]
        names = command.get_help_option_names(ctx)
        if not names or not command.add_help_option:
            return None
        made = self._citelint_help
        if made is None or set(made.opts) != set(names):
            made = self._citelint_help = click.Option([*names, "citelint_help"], is_flag=True, is_eager=True, expose_value=False, callback=_show_help, help=HELP_TEXT)
        return made


class Command(_HelpTextGiven, click.Command):
    """A citelint command (``--help`` as ``_HelpTextGiven`` makes it)."""


def _not_nan(ctx: click.Context, param: click.Parameter, value: Optional[float]) -> Optional[float]:
    if value is not None and value != value:  # nan passes every range check
        raise click.BadParameter("nan is not a number of seconds")
    return value


# Options that check and fix share.
_select_option = click.option("--select", callback=_validate_codes, help="Only these rule codes, prefixes or names, comma-separated.")
_ignore_option = click.option("--ignore", callback=_validate_codes, help="Skip these rule codes, prefixes or names, comma-separated.")
_config_option = click.option("--config", "config_file", type=PathType("file"), help="Use this configuration file.")
_stdin_name_option = click.option(
    "--stdin-filename", "stdin_name", metavar="PATH", default="-", help="The name to report standard input (the path -) under."
)


# Commands that live in their own modules, imported only when run (or listed by --help),
# so that `citelint check` never pays for the language server, the book tools or `init`:
# name -> "module:attribute" of a click command.
LAZY_COMMANDS: dict[str, str] = {
    "server": "citelint.server.command:server",
    "book": "citelint.book_command:book",
    "init": "citelint.init_project:init",
    "refs": "citelint.bibliography:refs",
    "report": "citelint.book_command:report",
}


class _Commands(_HelpTextGiven, click.Group):
    """The click group, with the commands of LAZY_COMMANDS loaded on first use."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module_name, attribute = LAZY_COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, is_eager=True, expose_value=False, callback=_show_version, help="Show the version and exit.")
def cli() -> None:
    """Check the [CITATION n] markers and reference lists of a manuscript."""


def main(args: Optional[list[str]] = None, prog_name: str = "citelint") -> None:
    """The console script: the click group, with a last line of defence so that
    no input, bug or interruption ever ends in a traceback."""
    try:
        cli.main(args=args, prog_name=prog_name)
    except KeyboardInterrupt:
        click.echo("citelint: interrupted", err=True)
        raise SystemExit(130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(EXIT_ERROR) from None
    except Exception as error:  # noqa: BLE001 - the report of last resort
        click.echo(f"citelint: internal error: {type(error).__name__}: {printable(str(error))} (please report this)", err=True)
        raise SystemExit(EXIT_ERROR) from None


@cli.command()
@click.argument("paths", nargs=-1, type=PathType())
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab", "junit", "rdjson"]),
    envvar="CITELINT_FORMAT",
    default="text",
    show_default=True,
    help="Output format (also from CITELINT_FORMAT).",
)
@_select_option
@_ignore_option
@click.option("--strict", is_flag=True, default=None, help="Fail (exit 1) on warnings too.")
@_config_option
@click.option("--placement", type=click.Choice(PLACEMENTS), help="Where markers go relative to punctuation.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary, no notes.")
@click.option("--statistics", is_flag=True, help="Print how many findings of each rule, not the findings.")
@click.option("--urls", is_flag=True, help="Also check the references' URLs and DOIs (network).")
@click.option(
    "--allow-private/--no-allow-private",
    default=None,
    help="With --urls: check private, loopback and link-local addresses too (also CITELINT_ALLOW_PRIVATE=1; a configuration file cannot); --no-allow-private refuses them whatever the environment says.",
)
@click.option("--offline", is_flag=True, help="With --urls: use only cached results; send nothing.")
@click.option("--refresh", is_flag=True, help="With --urls: ignore cached results and check again.")
@click.option("--accept-changes", is_flag=True, help="With --urls: take changed pages (URL005) as they are now as the new snapshots.")
@click.option("--archive", is_flag=True, default=None, help="With --urls: name an archived copy (Wayback Machine) of dead and changed links.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=MAX_TIMEOUT), callback=_not_nan, help="With --urls: connect/read timeout in seconds.  [default: 10]")
@click.option("--cache-dir", type=PathType("dir"), help="Where the result and URL caches live.  [default: .citelint-cache]")
@click.option("--no-cache", is_flag=True, help="Lint every file again; do not read or write the result cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel processes for many files.  [default: CPU count]")
@_stdin_name_option
@click.option("--watch", is_flag=True, help="After the check, check each chapter again as it is saved; Ctrl-C stops (needs the watch extra).")
@click.pass_context
def check(
    ctx: click.Context,
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
    cache_dir: Optional[str],
    no_cache: bool,
    jobs: Optional[int],
    stdin_name: str,
    watch: bool = False,
) -> None:
    """Lint PATHS (files, or folders searched for *.md and *.markdown)."""
    from citelint.report import Run, chunks
    from citelint.check_files import CheckResult, check_paths, default_jobs

    if statistics and format_name != "text":
        raise click.UsageError(f"--statistics prints a table of counts; it does not combine with --format {format_name}")

    fixes = format_name in ("json", "rdjson")  # only these reports carry a renumbering's edits
    settings = _settings(config_file, select=select, ignore=ignore, placement=placement)
    if watch:  # this check, then again for each saved chapter (citelint/watch.py)
        from citelint.watch import watch_and_check

        return watch_and_check(ctx, check, paths or settings.paths or (".",), settings.suffixes)
    result_cache = None if no_cache else _result_cache(settings, cache_dir, urls)
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
            cache_dir=cache_dir,
            progress=show_progress,
            warn=_warn,
            note=_note,
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
    color = format_name == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    run = Run(result.diagnostics, result.errors, result.files_checked, color=color, quiet=quiet)
    _write(chunks("statistics" if statistics else format_name, run))
    _report_errors(result.errors, result.notes if not quiet else [])
    ctx.exit(_exit_code(run, bool(strict)))


def _warn(message: str) -> None:
    click.echo(f"citelint: warning: {printable(message)}", err=True)


def _note(message: str) -> None:
    click.echo(f"citelint: note: {printable(message)}", err=True)


def _write(pieces: Iterable[str], block: int = 1 << 16) -> None:
    """Write a report as it is made, in blocks of about 64 KB (one echo per line
    costs more than the formatting for a hundred thousand findings)."""
    buffered: list[str] = []
    size = 0
    for piece in pieces:
        buffered.append(piece)
        size += len(piece)
        if size >= block:
            click.echo("".join(buffered), nl=False)
            buffered, size = [], 0
    if buffered:
        click.echo("".join(buffered), nl=False)


def _write_bytes(data: bytes) -> None:
    """Bytes to standard output as they are (a fixed text keeps its CRLF and BOM)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream put in its place
        sys.stdout.write(data.decode("utf-8"))
        return
    buffer.write(data)
    buffer.flush()


def _give_back_stdin(head: bytes, block: int = 1 << 20) -> None:
    """Standard input that was not fixed, to standard output as it came: ``head``
    (what was read), then the rest past the size limit, a block at a time (an
    editor filter replaces its buffer with what comes out)."""
    _write_bytes(head)
    try:
        while chunk := sys.stdin.buffer.read(block):
            _write_bytes(chunk)
    except (OSError, ValueError, AttributeError):  # no stdin to read: nothing more to give back
        pass


def _result_cache(settings: Settings, cache_dir: Optional[str], urls: bool = False) -> "ResultCache":
    from citelint.cache import ResultCache

    return ResultCache.of_run(settings, cache_dir, _warn, urls)


def _settings(config_file: Optional[str], **flags: object) -> Settings:
    from citelint.config import ConfigError, load_settings

    try:
        return load_settings(config_file, flags)
    except ConfigError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_ERROR) from None


def _report_errors(errors: list[FileError], notes: list[FileError]) -> None:
    """One line on standard error for each, shown escaped (``printable``)."""
    for error in errors:
        click.echo(f"citelint: error: {printable(error.path)}: {printable(error.message)}", err=True)
    for note in notes:
        click.echo(f"citelint: note: {printable(note.path)}: {printable(note.message)}", err=True)


def _exit_code(run: "Run", strict: bool) -> int:
    if run.errors:
        return EXIT_ERROR
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(diagnostic.severity in failing for diagnostic in run.diagnostics):
        return EXIT_FINDINGS
    return EXIT_OK


@cli.command()
@click.argument("paths", nargs=-1, type=PathType())
@click.option("--diff", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@_select_option
@_ignore_option
@_config_option
@click.option("--quiet", "-q", is_flag=True, help="Print refusals and errors only.")
@_stdin_name_option
@click.pass_context
def fix(
    ctx: click.Context,
    paths: tuple[str, ...],
    diff: bool,
    check_only: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Optional[str],
    quiet: bool,
    stdin_name: str,
) -> None:
    """Renumber markers in order of first citation and reorder the reference list to match.

    Only what check would report is fixed: a renumbering finding (CIT003, CIT004,
    CIT011) that is not selected, or is suppressed, keeps the numbering; a CIT005
    that is not selected, or is suppressed, keeps its malformed marker.

    The path - reads standard input and writes the text, fixed or not, to standard
    output (with --diff: the diff); what was done is said on standard error."""
    from citelint.fix_files import fix_paths
    from citelint.atomic_write import Interrupted, interruptible

    settings = _settings(config_file, select=select, ignore=ignore)
    fixer = fix_paths
    if settings.numbering == "book":  # the whole book renumbered as one transaction
        from citelint.fix_book import fix_book_paths

        fixer = fix_book_paths
    try:
        with interruptible():  # SIGINT/SIGTERM: the temporary file goes, exit 128 + signal
            outcome = fixer(paths or settings.paths or (".",), settings, write=not (diff or check_only), stdin_name=stdin_name)
    except Interrupted as stop:
        click.echo(printable(stop.describe()), err=True)
        raise
    for report in outcome.reports:  # paths are shown escaped; a diff's body is the chapter's own text
        piped = report.text is not None
        if report.refused:
            click.echo(f"{report.path}: not fixed: {printable(report.refused)}", err=piped)
        elif report.diff and diff:
            click.echo(report.diff, nl=False)
        elif report.changed and not quiet:
            would = "would be fixed: " if (diff or check_only) else ""
            click.echo(f"{report.path}: {would}{printable(report.summary)}", err=piped)
        if report.note and not report.refused and not quiet:
            click.echo(f"{report.path}: {printable(report.note)}", err=bool(diff) or piped)
        if report.text is not None and not (diff or check_only):
            _write_bytes(report.text.encode("utf-8"))
    if outcome.unread_stdin is not None and not (diff or check_only):
        _give_back_stdin(outcome.unread_stdin)
    _report_errors(outcome.errors, [])
    if outcome.errors:
        ctx.exit(EXIT_ERROR)
    would_change = (diff or check_only) and any(report.changed for report in outcome.reports)
    refused = any(report.refused for report in outcome.reports)
    ctx.exit(EXIT_FINDINGS if (refused or would_change) else EXIT_OK)


@cli.command()
def rules() -> None:
    """List every rule: code, name, default severity and summary."""
    from citelint.docsgen import documented

    rows = [(rule, line.replace("`--urls`", "--urls")) for rule, line, _ in documented()]
    width = max(len(rule.name) for rule, _ in rows)
    for rule, text in rows:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {text}")


@cli.command()
@click.argument("code")
@click.pass_context
def explain(ctx: click.Context, code: str) -> None:
    """Show a rule's documentation, with a failing and a passing example.

    CODE is a rule's code (CIT003) or its name (citation-out-of-order)."""
    from citelint.catalog import canonical_selectors
    from citelint.docsgen import documented

    (wanted,) = canonical_selectors([code])
    found = [(rule, text) for rule, _, text in documented() if rule.code == wanted]
    if not found:
        click.echo(f"citelint: error: unknown rule code {code!r} (see `citelint rules`)", err=True)
        ctx.exit(EXIT_ERROR)
    rule, text = found[0]
    click.echo(f"{rule.code} {rule.name} ({rule.severity.value})\n")
    click.echo(text.strip())
    from citelint.catalog import OPTIONS

    options = OPTIONS.get(rule.code, ())
    if options:
        click.echo("\nOptions (top-level configuration keys):\n")
        for found_option in options:
            default = str(found_option.default).lower() if isinstance(found_option.default, bool) else f'"{found_option.default}"'
            click.echo(f"  {found_option.key} = {default}  ({found_option.expected}): {found_option.description}")
