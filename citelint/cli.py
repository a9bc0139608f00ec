"""The command line: options -> Settings -> core -> report -> exit code. click only."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import click

from citelint.check_options import CHECK_OPTIONS, CONFIG, IGNORE, MIN_TIMEOUT, SELECT, STDIN_NAME, CheckOption, path_problem, selectors, usage_problem
from citelint.console import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, last_resort, report_errors, settings_or_exit
from citelint.diagnostics import line_start, printable
from citelint.version import __version__

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

F = TypeVar("F", bound=Callable[..., Any])

def _validate_codes(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> tuple[str, ...]:
    """Comma-separated rule codes, prefixes or names, as codes."""
    codes, unknown = selectors(value)
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
        problem = path_problem(self.kind, path) if isinstance(path, str) else None
        if problem:
            self.fail(problem, param, ctx)
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


def _click_option(option: CheckOption) -> Callable[[F], F]:
    """The click option of one of check_options' options."""
    names = [f"{option.names[0]}/{option.off}", *option.names[1:]] if option.off else list(option.names)
    settings: dict[str, Any] = {"help": option.help}
    if option.takes == "flag":
        if not option.off:
            settings["is_flag"] = True
        if option.default is None:
            settings["default"] = None
    elif option.default is not None:
        settings["default"] = option.default
    if option.takes == "choice":
        settings["type"] = click.Choice(option.choices)
    elif option.takes == "codes":
        settings["callback"] = _validate_codes
    elif option.takes == "seconds":
        settings["type"] = click.FloatRange(min=MIN_TIMEOUT, max=option.most)
        settings["callback"] = _not_nan
    elif option.takes == "count":
        settings["type"] = click.IntRange(min=1)
    elif option.takes in ("file", "dir"):
        settings["type"] = PathType(option.takes)
    for key in ("envvar", "metavar", "show_default"):
        if getattr(option, key):
            settings[key] = getattr(option, key)
    return click.option(*names, option.dest, **settings)


def _with_options(options: tuple[CheckOption, ...]) -> Callable[[F], F]:
    """A command's options, listed (in --help) in the order given."""

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = _click_option(option)(command)
        return command

    return decorate


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
    with last_resort():
        cli.main(args=args, prog_name=prog_name)


@cli.command()
@click.argument("paths", nargs=-1, type=PathType())
@_with_options(CHECK_OPTIONS)
@click.pass_context
def check(ctx: click.Context, watch: bool = False, **parameters: Any) -> None:
    """Lint PATHS (files, or folders searched for *.md and *.markdown)."""
    from citelint.check_command import run_check

    problem = usage_problem(parameters["format_name"], parameters["statistics"])
    if problem:
        raise click.UsageError(problem)
    if watch:  # this check, then again for each saved chapter (citelint/watch.py)
        from citelint.watch import watch_and_check

        settings = settings_or_exit(parameters["config_file"], select=parameters["select"], ignore=parameters["ignore"], placement=parameters["placement"])
        return watch_and_check(ctx, check, parameters["paths"] or settings.paths or (".",), settings.suffixes)
    ctx.exit(run_check(**parameters))


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


@cli.command()
@click.argument("paths", nargs=-1, type=PathType())
@click.option("--diff", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@_with_options((SELECT, IGNORE, CONFIG))
@click.option("--quiet", "-q", is_flag=True, help="Print refusals and errors only.")
@_with_options((STDIN_NAME,))
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

    settings = settings_or_exit(config_file, select=select, ignore=ignore)
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
            click.echo(f"{line_start(report.path)}: not fixed: {printable(report.refused)}", err=piped)
        elif report.diff and diff:
            click.echo(report.diff, nl=False)
        elif report.changed and not quiet:
            would = "would be fixed: " if (diff or check_only) else ""
            click.echo(f"{line_start(report.path)}: {would}{printable(report.summary)}", err=piped)
        if report.note and not report.refused and not quiet:
            click.echo(f"{line_start(report.path)}: {printable(report.note)}", err=bool(diff) or piped)
        if report.text is not None and not (diff or check_only):
            _write_bytes(report.text.encode("utf-8"))
    if outcome.unread_stdin is not None and not (diff or check_only):
        _give_back_stdin(outcome.unread_stdin)
    report_errors(outcome.errors, [])
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
