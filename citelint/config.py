"""Settings: defaults < configuration file < command-line flags, frozen.

The file is ``.citelint.toml`` (keys at the top level) or the
``[tool.citelint]`` table of ``pyproject.toml``, whichever is found first
walking up from the working directory, stopping at the repository root.
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Optional

DEFAULT_REFERENCE_HEADINGS = (
    "References",
    "Sources",
    "Notes",
    "Endnotes",
    "Bibliography",
    "Works Cited",
    "Citations",
)
PLACEMENTS = ("after", "before", "any")


class UrlSettings(NamedTuple):
    """``[tool.citelint.urls]``: how references' URLs are checked."""

    timeout: float = 10.0
    workers: int = 16
    per_host: int = 4
    expire_after: float = 7 * 24 * 3600.0
    cache_dir: str = ".citelint-cache"
    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = ()
    allow_private: bool = False  # opened by --allow-private or CITELINT_ALLOW_PRIVATE=1 only, never by a file
    archive: bool = False  # look up archived copies of dead and changed links
    archive_api: str = "https://archive.org/wayback/available"
    ignored_allow_private: str = ""  # "[urls] allow-private" when a file set it true: not obeyed, the run warns


class Settings(NamedTuple):
    """Everything that changes what citelint reports."""

    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    marker: str = "CITATION"
    reference_headings: tuple[str, ...] = DEFAULT_REFERENCE_HEADINGS
    placement: str = "after"
    require_url: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    fixes: bool = False  # attach the renumbering to the first CIT003/CIT004/CIT011 (JSON reports)
    urls: UrlSettings = UrlSettings()
    root: str = ""  # the folder of the configuration file; globs are relative to it
    source: str = ""  # the configuration file, if any

    @property
    def heading_words(self) -> frozenset[str]:
        return frozenset(heading.casefold() for heading in self.reference_headings)


SEVERITY_VALUES = ("error", "warning", "info")
MAX_TIMEOUT = 600  # seconds; each URL's whole check is bounded by a multiple of it
MAX_WORKERS = 256  # threads checking URLs at once
MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a configuration file is kilobytes; past this it is refused, not read


class ConfigError(Exception):
    """A configuration problem, said in one line naming the file and the key."""


def known_codes() -> tuple[str, ...]:
    from citelint.rules import all_rules

    return tuple(rule.code for rule in all_rules()) + URL_CODES


URL_CODES = ("URL001", "URL002", "URL003", "URL004", "URL005", "URL006")


@lru_cache(maxsize=1)
def rule_names() -> dict[str, str]:
    """Every rule's kebab-case name, to its code."""
    from citelint.rules import all_rules
    from citelint.urls import URL_RULES

    return {rule.name: rule.code for rule in (*all_rules(), *URL_RULES.values())}


def canonical_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors as codes: a rule's name (``misplaced-citation``) stands for its
    code, and a code or prefix is read in capitals (``cit00`` -> ``CIT00``). An
    unknown name stays as written, to be reported as such."""
    selectors = []
    for value in values:
        value = value.strip()
        selectors.append(rule_names().get(value.lower(), value.lower()) if "-" in value else value.upper())
    return tuple(selectors)


def unknown_codes(selectors: tuple[str, ...]) -> list[str]:
    """Selectors that name no rule: not ALL, and not a prefix of any code."""
    if not selectors:
        return []
    codes = known_codes()
    return [s for s in selectors if s != "ALL" and not any(code.startswith(s) for code in codes)]


# -- discovery ------------------------------------------------------------


def find_config_file(start: Optional[str] = None) -> Optional[str]:
    """The nearest ``.citelint.toml``, or ``pyproject.toml`` with a citelint table."""
    folder = os.path.realpath(start or os.getcwd())
    while True:
        dotfile = os.path.join(folder, ".citelint.toml")
        if os.path.lexists(dotfile):  # a directory or a broken link is reported when read
            return dotfile
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_citelint_table(pyproject):
            return pyproject
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return None
        folder = parent


def _has_citelint_table(pyproject: str) -> bool:
    """Whether a pyproject.toml has a citelint table (a broken one with the header counts)."""
    from citelint.files import TooLarge, read_regular

    try:
        text = read_regular(pyproject, MAX_CONFIG_BYTES).decode("utf-8", errors="replace")
    except TooLarge:
        return True  # not read here: reading it as the configuration says why
    except OSError:
        return False
    return "[tool.citelint" in text or "citelint" in text and _parses_with_table(text)


def _parses_with_table(text: str) -> bool:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return False
    return isinstance(data.get("tool"), dict) and "citelint" in data["tool"]


def load_settings(config_file: Optional[str], flags: Mapping[str, Any]) -> Settings:
    """Defaults, then the configuration file, then the flags that were given."""
    path = config_file or find_config_file()
    settings = Settings()
    if path is not None:
        settings = _apply_table(settings, _read_table(path), path)
    overrides = {key: value for key, value in flags.items() if value not in (None, (), "")}
    return settings._replace(**overrides)


def shown(path: str) -> str:
    """A configuration file's path as messages show it: relative when under the working folder."""
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _read_table(path: str) -> tuple[dict[str, Any], str]:
    import tomllib

    from citelint.files import NotRegularFile, TooLarge, read_regular

    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except NotRegularFile:
        raise ConfigError(f"{shown(path)}: is not a regular file (a pipe, socket or device)") from None
    except TooLarge:
        raise ConfigError(f"{shown(path)}: is larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MiB; not read as a configuration file") from None
    except FileNotFoundError:
        what = "is a symbolic link to nothing" if os.path.islink(path) else "configuration file not found"
        raise ConfigError(f"{shown(path)}: {what}") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown(path)}: is a directory, not a configuration file") from None
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise ConfigError(f"{shown(path)}: is not valid UTF-8 (byte 0x{error.object[error.start]:02x} on line {line})") from None
    except OSError as error:
        raise ConfigError(f"{shown(path)}: cannot be read ({error.strerror or error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown(path)}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{shown(path)}: not valid TOML here: its arrays or tables are nested too deeply") from None
    except ValueError:  # not a TOMLDecodeError: Python's limit on the digits of an integer
        import sys

        limit = sys.get_int_max_str_digits()
        raise ConfigError(f"{shown(path)}: not valid TOML here: a number in it has more than {limit:,} digits") from None
    tool = data.get("tool")
    if os.path.basename(path) == "pyproject.toml" or (isinstance(tool, dict) and "citelint" in tool):
        table = tool.get("citelint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{shown(path)}: 'tool.citelint' must be a table")
        return table, "tool.citelint"
    return data, ""


# -- validation -----------------------------------------------------------


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_number(value: Any) -> bool:
    """A positive, finite number (TOML also writes ``inf`` and ``nan``)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_status_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, int) and not isinstance(i, bool) and 100 <= i <= 999 for i in value)


# key -> (check, what it must be, Settings field)
_TOP_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "paths": (_strings, "a list of strings"),
    "exclude": (_strings, "a list of glob strings"),
    "marker": (
        lambda v: isinstance(v, str) and bool(v) and v.strip() == v and not any(c in v for c in "[]\n\r"),
        "a non-empty string without brackets, line breaks or surrounding spaces",
    ),
    "reference-headings": (lambda v: _strings(v) and bool(v) and all(h.strip() for h in v), "a non-empty list of non-empty strings"),
    "placement": (lambda v: v in PLACEMENTS, 'one of "after", "before", "any"'),
    "require-url": (lambda v: isinstance(v, bool), "true or false"),
    "numbering": (
        lambda v: v == "chapter",
        '"chapter" (each file numbered on its own; "book", one numbering across chapters, is not available yet)',
    ),
    "select": (_strings, "a list of rule codes or names"),
    "ignore": (_strings, "a list of rule codes or names"),
    "per-file-ignores": (lambda v: isinstance(v, dict) and all(_strings(c) for c in v.values()), "a table of glob = [codes]"),
    "severity": (lambda v: isinstance(v, dict) and all(s in SEVERITY_VALUES for s in v.values()), 'a table of code = "error" | "warning" | "info"'),
    "urls": (lambda v: isinstance(v, dict), "a table"),
}
_URL_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "timeout": (lambda v: _is_number(v) and v <= MAX_TIMEOUT, f"a positive number of seconds, at most {MAX_TIMEOUT}"),
    "workers": (lambda v: _is_count(v) and v <= MAX_WORKERS, f"a whole number from 1 to {MAX_WORKERS}"),
    "per-host": (lambda v: _is_count(v) and v <= MAX_WORKERS, f"a whole number from 1 to {MAX_WORKERS}"),
    "expire-after": (_is_number, "a positive number of seconds"),
    "cache-dir": (lambda v: isinstance(v, str) and bool(v), "a folder path"),
    "exclude": (_strings, "a list of URL regular expressions"),
    "accept": (_is_status_list, "a list of HTTP status codes"),
    # true is read and ignored: a file (a pull request can change it) may only narrow what is fetched
    "allow-private": (lambda v: isinstance(v, bool), "true or false"),
    "archive": (lambda v: isinstance(v, bool), "true or false"),
    "archive-api": (lambda v: isinstance(v, str) and re.fullmatch(r"https?://[!-~]+", v) is not None, "an http(s) URL"),
}


def _check_keys(table: Mapping[str, Any], known: Mapping[str, tuple[Callable[[Any], bool], str]], where: str, path: str) -> None:
    for key, value in table.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            import difflib

            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{shown(path)}: unknown key {name!r}{hint}")
        check, expected = known[key]
        if not check(value):
            raise ConfigError(f"{shown(path)}: {name!r} must be {expected}, not {_describe(value)}")


def _describe(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a table"}
    return f"{names.get(type(value), type(value).__name__)} ({value!r})" if not isinstance(value, (dict, list)) else f"{names[type(value)]} {value!r}"


def _check_codes(codes: list[str], name: str, path: str) -> tuple[str, ...]:
    selectors = canonical_selectors(codes)
    unknown = unknown_codes(selectors)
    if unknown:
        raise ConfigError(f"{shown(path)}: {name!r} names unknown rule code(s) {', '.join(unknown)} (see `citelint rules`)")
    return selectors


def _apply_table(settings: Settings, read: tuple[dict[str, Any], str], path: str) -> Settings:
    table, where = read
    _check_keys(table, _TOP_KEYS, where, path)
    prefix = f"{where}." if where else ""
    values: dict[str, Any] = {"root": os.path.dirname(os.path.realpath(path)), "source": path}
    for key in ("paths", "exclude", "reference-headings"):
        if key in table:
            values[key.replace("-", "_")] = tuple(table[key])
    for key in ("marker", "placement", "require-url"):
        if key in table:
            values[key.replace("-", "_")] = table[key]
    for key in ("select", "ignore"):
        if key in table:
            values[key] = _check_codes(table[key], prefix + key, path)
    if "per-file-ignores" in table:
        values["per_file_ignores"] = tuple(
            (glob, _check_codes(codes, f"{prefix}per-file-ignores.{glob}", path))
            for glob, codes in table["per-file-ignores"].items()
        )
    if "severity" in table:
        codes = _check_codes(list(table["severity"]), prefix + "severity", path)
        values["severity"] = tuple(zip(codes, table["severity"].values()))
    if "urls" in table:
        values["urls"] = _url_settings(table["urls"], prefix + "urls", path)
    return settings._replace(**values)


def _url_settings(table: dict[str, Any], where: str, path: str) -> UrlSettings:
    _check_keys(table, _URL_KEYS, where, path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    if values.pop("allow_private", False):  # see docs/security.md
        values["ignored_allow_private"] = f"[{where}] allow-private"
    if "workers" in values:
        values["workers"] = int(values["workers"])
    return UrlSettings(**values)


# -- paths ------------------------------------------------------------------


def project_root(settings: Settings) -> str:
    """The configuration file's folder, else the repository root, else the working folder."""
    if settings.root:
        return settings.root
    folder = start = os.getcwd()
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent
    return folder


def cache_folder(settings: Settings) -> str:
    """Where the result cache and the URL cache live: ``cache-dir`` under the project root."""
    return os.path.join(project_root(settings), settings.urls.cache_dir)


def relative_to_root(settings: Settings, path: str) -> str:
    """The path relative to the configuration file's folder, with ``/``."""
    if not settings.root:
        return posix(os.path.normpath(path))
    return posix(os.path.relpath(os.path.realpath(path), settings.root))


def posix(path: str) -> str:
    return path.replace(os.sep, "/")


def glob_match(path: str, pattern: str) -> bool:
    """fnmatch on the whole path, or a match of the pattern's parts from the right."""
    if fnmatch(path, pattern):
        return True
    from pathlib import PurePosixPath

    return PurePosixPath(path).match(pattern)


def ignored_for_path(settings: Settings, path: str) -> tuple[str, ...]:
    """Codes that ``per-file-ignores`` switch off for ``path``."""
    ignored: list[str] = []
    candidates = {relative_to_root(settings, path), posix(os.path.normpath(path))}
    for pattern, codes in settings.per_file_ignores:
        if any(glob_match(candidate, pattern) for candidate in candidates):
            ignored.extend(codes)
    return tuple(ignored)
