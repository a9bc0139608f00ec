"""The options of ``citelint check``, as data, and a reading of its plain command lines
without click.

``cli.py`` builds the click command from ``CHECK_OPTIONS`` (and ``fix`` takes the options
the two share from here). ``read_plain`` reads the command lines that hooks, CI and
people type (``check``, paths, long options, ``-q``, ``-j N``) into the parameters click
would give the command, so that the console script can run such a check without
importing click: ~40% of an unchanged book's check (issue 15). Whatever it does not
read as click would (help, a short option bundle, ``--``, a value that click would
refuse or that looks like an option, a flag given a value, shell completion, Windows'
wildcards) it leaves to click, which then reads the whole command line itself; so
every refusal and every message stays click's. A test holds the two readings equal on
generated command lines.
"""

import os
from typing import Mapping, NamedTuple, Optional

from citelint.config import MAX_RUN_TIMEOUT, MAX_TIMEOUT, PLACEMENTS

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "rdjson")
FORMAT_VARIABLE = "CITELINT_FORMAT"
COMPLETION_VARIABLE = "_CITELINT_COMPLETE"  # click's shell completion, for the prog name citelint
MIN_TIMEOUT = 0.1


class CheckOption(NamedTuple):
    """One option: its names as typed (a flag pair's second switch in ``off``), the
    check function's parameter it fills, its help, and what its value is: ``"flag"``
    (none), ``"choice"`` (one of ``choices``), ``"codes"`` (rule selectors, read by
    ``selectors``), ``"seconds"`` (a number from ``MIN_TIMEOUT`` to ``most``, by default ``MAX_TIMEOUT``),
    ``"count"`` (a whole number, at least 1), ``"file"`` or ``"dir"`` (a path that must
    not be the other kind), or ``"text"``. ``default``: the parameter when the option is
    not given (a flag's is False unless None is given: "not said", left to the
    configuration)."""

    names: tuple[str, ...]
    dest: str
    help: str
    takes: str = "flag"
    choices: tuple[str, ...] = ()
    default: object = False
    off: str = ""
    envvar: str = ""
    metavar: str = ""
    show_default: bool = False
    most: float = MAX_TIMEOUT  # a "seconds" value's largest


SELECT = CheckOption(("--select",), "select", "Only these rule codes, prefixes or names, comma-separated.", "codes", default=None)
IGNORE = CheckOption(("--ignore",), "ignore", "Skip these rule codes, prefixes or names, comma-separated.", "codes", default=None)
CONFIG = CheckOption(("--config",), "config_file", "Use this configuration file.", "file", default=None)
STDIN_NAME = CheckOption(("--stdin-filename",), "stdin_name", "The name to report standard input (the path -) under.", "text", default="-", metavar="PATH")
WATCH = CheckOption(("--watch",), "watch", "After the check, check each chapter again as it is saved; Ctrl-C stops (needs the watch extra).")

CHECK_OPTIONS: tuple[CheckOption, ...] = (
    CheckOption(("--format",), "format_name", "Output format (also from CITELINT_FORMAT).", "choice", FORMATS, "text", envvar=FORMAT_VARIABLE, show_default=True),
    SELECT,
    IGNORE,
    CheckOption(("--strict",), "strict", "Fail (exit 1) on warnings too.", default=None),
    CONFIG,
    CheckOption(("--placement",), "placement", "Where markers go relative to punctuation.", "choice", PLACEMENTS, None),
    CheckOption(("--quiet", "-q"), "quiet", "Print findings only: no summary, no notes."),
    CheckOption(("--statistics",), "statistics", "Print how many findings of each rule, not the findings."),
    CheckOption(("--urls",), "urls", "Also check the references' URLs and DOIs (network)."),
    CheckOption(
        ("--allow-private",),
        "allow_private",
        "With --urls: check private, loopback and link-local addresses too (also CITELINT_ALLOW_PRIVATE=1; a configuration file cannot); --no-allow-private refuses them whatever the environment says.",
        default=None,
        off="--no-allow-private",
    ),
    CheckOption(("--offline",), "offline", "With --urls: use only cached results; send nothing."),
    CheckOption(("--refresh",), "refresh", "With --urls: ignore cached results and check again."),
    CheckOption(("--accept-changes",), "accept_changes", "With --urls: take changed pages (URL005) as they are now as the new snapshots."),
    CheckOption(("--archive",), "archive", "With --urls: name an archived copy (Wayback Machine) of dead and changed links.", default=None),
    CheckOption(("--timeout",), "timeout", "With --urls: connect/read timeout in seconds.  [default: 10]", "seconds", default=None),
    CheckOption(
        ("--run-timeout",),
        "run_timeout",
        "With --urls: the whole URL check's time limit in seconds; links not checked by then are URL004.  [default: 1200]",
        "seconds",
        default=None,
        most=MAX_RUN_TIMEOUT,
    ),
    CheckOption(("--cache-dir",), "cache_dir", "Where the result and URL caches live.  [default: .citelint-cache]", "dir", default=None),
    CheckOption(("--no-cache",), "no_cache", "Lint every file again; do not read or write the result cache."),
    CheckOption(("--jobs", "-j"), "jobs", "Parallel processes for many files.  [default: CPU count]", "count", default=None),
    STDIN_NAME,
    WATCH,
)


def selectors(value: Optional[str]) -> tuple[tuple[str, ...], list[str]]:
    """Comma-separated rule codes, prefixes or names as codes, and those that name no rule."""
    from citelint.catalog import canonical_selectors, unknown_selectors

    codes = canonical_selectors(code for code in (value or "").split(",") if code.strip())
    return codes, unknown_selectors(codes)


def path_problem(kind: str, path: str) -> Optional[str]:
    """What is wrong with a path given for a ``"file"`` or a ``"dir"`` (click's words), or None."""
    if kind == "file" and os.path.isdir(path):
        return f"File {path!r} is a directory."
    if kind == "dir" and os.path.isfile(path):
        return f"Directory {path!r} is a file."
    return None


def usage_problem(format_name: str, statistics: bool) -> Optional[str]:
    """Options that do not combine, said before anything is done."""
    if statistics and format_name != "text":
        return f"--statistics prints a table of counts; it does not combine with --format {format_name}"
    return None


def read_plain(args: list[str], environ: Mapping[str, str]) -> Optional[dict[str, object]]:
    """The parameters of ``check`` from ``args`` (the command line after the program's
    name) as click gives them to the check function (all but ``watch``), or None: not a
    plain ``check`` (``check --watch`` is not), to be read by click."""
    if os.name == "nt" or environ.get(COMPLETION_VARIABLE) or not args or args[0] != "check":
        return None
    by_name = {name: option for option in CHECK_OPTIONS for name in (*option.names, option.off) if name}
    given: dict[str, object] = {}
    paths: list[str] = []
    rest = args[1:]
    at = 0
    while at < len(rest):
        token = rest[at]
        at += 1
        if token == "-" or not token.startswith("-"):
            paths.append(token)
            continue
        if token.startswith("--"):
            name, equals, value = token.partition("=")
        elif token.startswith("-j") and token != "-j":  # -j4: the rest of the token is the value
            name, equals, value = "-j", "=", token[2:]
        else:  # -q, -j; a bundle of short options is left to click
            name, equals, value = token, "", ""
        option = by_name.get(name)
        if option is None:
            return None
        if option.takes == "flag":
            if equals:
                return None
            given[option.dest] = name != option.off
            continue
        if not equals:
            if at == len(rest) or rest[at].startswith("-"):
                return None
            value = rest[at]
            at += 1
        read = _value(option, value)
        if read is None:
            return None
        given[option.dest] = read[0]
    if given.get("watch"):
        return None
    parameters: dict[str, object] = {"paths": tuple(paths)}
    for option in CHECK_OPTIONS:
        if option is WATCH:
            continue
        if option.dest in given:
            parameters[option.dest] = given[option.dest]
        elif option.envvar and environ.get(option.envvar):
            read = _value(option, environ[option.envvar])
            if read is None:
                return None
            parameters[option.dest] = read[0]
        elif option.takes == "codes":
            parameters[option.dest] = ()
        else:
            parameters[option.dest] = option.default
    if usage_problem(str(parameters["format_name"]), bool(parameters["statistics"])):
        return None
    return parameters


def _value(option: CheckOption, value: str) -> Optional[tuple[object]]:
    """An option's value as click converts it, in a tuple; None where click would refuse it."""
    if option.takes == "choice":
        return (value,) if value in option.choices else None
    if option.takes == "codes":
        codes, unknown = selectors(value)
        return None if unknown else (codes,)
    if option.takes in ("file", "dir"):
        return None if path_problem(option.takes, value) else (value,)
    try:
        if option.takes == "count":
            number: float = int(value)
            return (number,) if number >= 1 else None
        if option.takes == "seconds":
            number = float(value)
            return (number,) if MIN_TIMEOUT <= number <= option.most else None  # nan is refused too
    except ValueError:
        return None
    return (value,)
