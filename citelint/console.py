"""What the commands write to standard output and standard error: click's ``echo``,
written directly where that is what click would do, so that a check run without click
(check_options.read_plain) writes what it would have written with it.

For a text stream that click takes as it is (Python's own, outside Windows, with an
encoding that is not ASCII), ``click.echo`` writes the message and flushes; it also takes
ANSI codes out when the stream is not a terminal. ``echo`` does the same there and hands
every other case to ``click.echo`` itself (importing click then).
"""

import io
import sys
from typing import TYPE_CHECKING, Iterable, Optional

from citelint.diagnostics import FileError, printable

if TYPE_CHECKING:
    from citelint.config import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

ESCAPE = "\x1b"  # an ANSI code begins with it


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo(message, err=err, nl=nl)``."""
    stream = sys.stderr if err else sys.stdout
    text = message + "\n" if nl else message
    if _taken_as_it_is(stream) and (ESCAPE not in text or _terminal(stream)):
        if text:
            stream.write(text)
        stream.flush()
        return
    import click

    click.echo(message, err=err, nl=nl)


def write_report(pieces: Iterable[str], block: int = 1 << 16) -> None:
    """Write a report as it is made, in blocks of about 64 KB (one echo per line
    costs more than the formatting for a hundred thousand findings)."""
    buffered: list[str] = []
    size = 0
    for piece in pieces:
        buffered.append(piece)
        size += len(piece)
        if size >= block:
            echo("".join(buffered), nl=False)
            buffered, size = [], 0
    if buffered:
        echo("".join(buffered), nl=False)


def _taken_as_it_is(stream: object) -> bool:
    """Whether click writes to this stream as it is: Python's own text stream (not
    replaced by a test or a host), outside Windows (its console streams), with an
    encoding click does not take for misconfigured (ASCII: click writes UTF-8 instead)."""
    if type(stream) is not io.TextIOWrapper or sys.platform.startswith("win"):
        return False
    import codecs

    try:
        return codecs.lookup(stream.encoding).name != "ascii"
    except LookupError:
        return False


def _terminal(stream: io.TextIOWrapper) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001 - click takes any failure for "not a terminal"
        return False



def warn(message: str) -> None:
    echo(f"citelint: warning: {printable(message)}", err=True)


def note(message: str) -> None:
    echo(f"citelint: note: {printable(message)}", err=True)


def report_errors(errors: list[FileError], notes: list[FileError]) -> None:
    """One line on standard error for each, shown escaped (``printable``)."""
    for error in errors:
        echo(f"citelint: error: {printable(error.path)}: {printable(error.message)}", err=True)
    for found in notes:
        echo(f"citelint: note: {printable(found.path)}: {printable(found.message)}", err=True)


def settings_or_exit(config_file: Optional[str], **flags: object) -> "Settings":
    """The run's settings; a configuration error is said in one line and ends the run (exit 2)."""
    from citelint.config import ConfigError, load_settings

    try:
        return load_settings(config_file, flags)
    except ConfigError as error:
        echo(f"citelint: error: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_ERROR) from None


class last_resort:  # noqa: N801 - used as a statement: with last_resort(): ...
    """The command line's last line of defence: no input, bug or interruption ever
    ends in a traceback."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Optional[type], error: Optional[BaseException], trace: object) -> None:
        if not isinstance(error, (Exception, KeyboardInterrupt)):
            return None
        if isinstance(error, KeyboardInterrupt):
            echo("citelint: interrupted", err=True)
            raise SystemExit(130) from None
        if isinstance(error, BrokenPipeError):
            sys.stderr.close()
            raise SystemExit(EXIT_ERROR) from None
        echo(f"citelint: internal error: {type(error).__name__}: {printable(str(error))} (please report this)", err=True)
        raise SystemExit(EXIT_ERROR) from None
