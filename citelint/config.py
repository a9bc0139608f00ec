"""Settings: defaults < configuration file < command-line flags, frozen.

The file is ``.citelint.toml`` (keys at the top level) or the
``[tool.citelint]`` table of ``pyproject.toml``, whichever is found first
walking up from the working directory, stopping at the repository root.
"""

import functools
import os
import re
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Optional

from citelint.catalog import canonical_selectors, option, option_validators, unknown_selectors
from citelint.files import STDIN, Boundary, GlobSet, NotRegularFile, TooLarge, boundary_of, folder_glob, matched_names, posix, read_regular, repository_root
from citelint.lazy_pattern import lazy

DEFAULT_REFERENCE_HEADINGS = (
    "References",
    "Sources",
    "Notes",
    "Endnotes",
    "Bibliography",
    "Works Cited",
    "Citations",
    # the same in the languages manuscripts are written in most (Chinese, Japanese, Korean,
    # German, French, Spanish, Portuguese, Italian, Russian): a translated book's list
    "参考文献",
    "参考资料",
    "参考資料",
    "引用文献",
    "참고문헌",
    "Literatur",
    "Literaturverzeichnis",
    "Quellen",
    "Références",
    "Bibliographie",
    "Referencias",
    "Bibliografía",
    "Referências",
    "Bibliografia",
    "Riferimenti",
    "Литература",
    "Список литературы",
    "Источники",
)
PLACEMENTS: tuple[str, ...] = option("placement").choices or ()
DEFAULT_EXTENSIONS = ("md", "markdown")
MARKER_STYLES = ("citation", "brackets", "superscript")
MAX_EXTENSION_CHARS = 16


class UrlSettings(NamedTuple):
    """``[tool.citelint.urls]``: how references' URLs are checked."""

    timeout: float = 10.0
    run_timeout: float = 1200.0  # the whole URL check's time limit: past it, the links not checked are URL004
    workers: int = 16
    per_host: int = 4
    expire_after: float = 7 * 24 * 3600.0
    cache_dir: str = ".citelint-cache"
    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = ()
    allow_private: bool = False  # opened by --allow-private or CITELINT_ALLOW_PRIVATE=1 only, never by a file
    archive: bool = False  # look up archived copies of dead and changed links
    archive_api: str = "https://archive.org/wayback/available"
    doi_resolver: str = "https://doi.org"  # asked for each DOI's metadata (CSL-JSON)
    flaky_failures: int = 2  # failures in the last flaky-window checks that make a flaky link unreachable
    flaky_window: int = 3
    ignored_allow_private: str = ""  # "[urls] allow-private" when a file set it true: not obeyed, the run warns


class Settings(NamedTuple):
    """Everything that changes what citelint reports."""

    paths: tuple[str, ...] = ()  # from a configuration file: resolved against its folder
    chapters: tuple[str, ...] = ()  # the book's chapters in order (files or globs), resolved like paths
    exclude: tuple[str, ...] = ()
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS  # what a folder walk finds, lower case, without the dot
    marker: str = "CITATION"
    marker_style: str = "citation"  # MARKER_STYLES: `[CITATION 3]`, `[3]` or `<sup>3</sup>` / `^3^`
    reference_headings: tuple[str, ...] = DEFAULT_REFERENCE_HEADINGS
    placement: str = option("placement").default  # CIT006's option
    require_url: bool = option("require-url").default  # CIT008's option
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    urls: UrlSettings = UrlSettings()
    root: str = ""  # the folder of the configuration file; globs are relative to it
    source: str = ""  # the configuration file, if any
    numbering: str = "chapter"  # "chapter": each file numbered on its own; "book": across chapters (book_numbering)
    bibliography: str = ""  # with book numbering: the file of the book's one reference list, resolved like paths

    @property
    def heading_words(self) -> frozenset[str]:
        return frozenset(heading.casefold() for heading in self.reference_headings)

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The file name endings a folder walk finds (``.md``), for ``str.endswith`` on a lower-cased name."""
        return tuple(f".{extension}" for extension in self.extensions)


SEVERITY_VALUES = ("error", "warning", "info")
MAX_TIMEOUT = 600  # seconds; each URL's whole check is bounded by a multiple of it
MAX_RUN_TIMEOUT = 6 * 3600  # seconds a URL check may last, at most: the longest job GitHub Actions runs
MAX_WORKERS = 256  # threads checking URLs at once
MAX_FLAKY_WINDOW = 20  # recent checks of a URL kept (urls.store) and weighed, at most
# Bounds on what a configuration file may hold, each far past any real file (a large
# pyproject.toml with other tools' tables is ~100 KB) and each checked before the
# value can cost anything: Python's TOML reader takes memory quadratic in a key's
# dotted parts (a 40 KB key took 2.4 GB) and ~700 bytes per dotted part.
MAX_CONFIG_BYTES = 1024 * 1024  # past this a file is refused, not read
MAX_KEY_PARTS = 100  # dotted parts of one key or table header (tool.citelint.urls is 3)
MAX_FILE_KEY_PARTS = 20_000  # dotted parts of all the keys and headers of a file
MAX_ITEMS = 1_000  # entries of a list or table
# Globs of ``chapters`` that glob.glob expands by walking folders, each on its own (a glob
# of names in one folder is matched with its folder's others, the folder listed once).
MAX_FOLDER_GLOBS = 64
MAX_MARKER_CHARS = 64
MAX_HEADING_CHARS = 200
MAX_PATH_CHARS = 4_096  # paths, globs, cache-dir, archive-api
MAX_URL_PATTERN_CHARS = 256
MAX_URL_PATTERN_CHOICES = 64  # alternatives times optional parts: the ways one pattern can try a URL
MAX_MATCHED_URL_CHARS = 2_048  # a longer URL is not matched against urls.exclude (and, with patterns set, not checked)


class ConfigError(Exception):
    """A configuration problem, said in one line naming the file and the key."""


# -- discovery ------------------------------------------------------------


def find_config_file(start: Optional[str] = None) -> Optional[str]:
    """The nearest ``.citelint.toml``, or ``pyproject.toml`` with a citelint table."""
    folder = os.path.realpath(start or os.getcwd())
    top = repository_root(folder)  # the search stops at the repository root
    while True:
        dotfile = os.path.join(folder, ".citelint.toml")
        if os.path.lexists(dotfile):  # a directory or a broken link is reported when read
            return dotfile
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_citelint_table(pyproject):
            return pyproject
        parent = os.path.dirname(folder)
        if folder == top or parent == folder:
            return None
        folder = parent


def _has_citelint_table(pyproject: str) -> bool:
    """Whether a pyproject.toml has a citelint table (a broken one with the header counts)."""

    try:
        text = read_regular(pyproject, MAX_CONFIG_BYTES).decode("utf-8", errors="replace")
    except TooLarge:
        return True  # not read here: reading it as the configuration says why
    except OSError:
        return False
    if "citelint" not in text:
        return False
    return _CITELINT_HEADER.search(text) is not None or _parses_with_table(text)


# A [tool.citelint] or [tool.citelint.urls] header at a line's start (not in a comment).
_CITELINT_HEADER = lazy(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*citelint[ \t]*[.\]]", re.MULTILINE)


def _parses_with_table(text: str) -> bool:
    import tomllib

    if dotted_key_problem(text):
        return True  # not parsed here: reading it as the configuration says why
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return False
    return isinstance(data.get("tool"), dict) and "citelint" in data["tool"]


# Strings and comments, blanked (newlines kept) before keys are measured: dots in a
# version or a URL are not a key's. Every alternative matches once it starts (a
# string never closed runs to the end of its line, or of the file), so no text is
# scanned twice.
_STRING_OR_COMMENT = lazy(r'"""[\s\S]*?(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)|"(?:[^"\\\n]|\\.)*+"?|\'[^\'\n]*+\'?|#[^\n]*+')
# A dotted name: bare parts (a blanked string is one) joined by dots, matched whole
# from its first part (possessive: a long run that is no key is read once).
_DOTTED_NAME = lazy(r"(?<![\w-])[\w-]++(?:[ \t]*+\.[ \t]*+[\w-]++)++")
_KEY_END = lazy(r"(?<![ \t])[ \t]*+[=\]]")  # what follows a key (=) or a table header (])


def dotted_key_problem(text: str) -> Optional[str]:
    """Why the TOML ``text`` is not handed to Python's TOML reader, if it is not:
    a key or header of more than ``MAX_KEY_PARTS`` dotted parts, or more than
    ``MAX_FILE_KEY_PARTS`` of them in all (the reader's cost grows with the square
    of a key's parts, and by ~700 bytes a part)."""
    if "." not in text:
        return None
    blanked = _STRING_OR_COMMENT.sub(lambda m: "s" + "\n" * m.group().count("\n"), text)
    total = 0
    for match in _DOTTED_NAME.finditer(blanked):
        if not _KEY_END.match(blanked, match.end()):
            continue  # a float or a date, not a key
        parts = match.group().count(".") + 1
        if parts > MAX_KEY_PARTS:
            line = blanked.count("\n", 0, match.start()) + 1
            return f"line {line} has a key of {parts:,} dotted parts (at most {MAX_KEY_PARTS})"
        total += parts
        if total > MAX_FILE_KEY_PARTS:
            return f"its keys have more than {MAX_FILE_KEY_PARTS:,} dotted parts in all"
    return None


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
    problem = dotted_key_problem(text)
    if problem:
        raise ConfigError(f"{shown(path)}: {problem}; not read as a configuration file")
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
    "chapters": (lambda v: _strings(v) and all(v), "a list of chapter files or globs, in book order"),
    "exclude": (_strings, "a list of glob strings"),
    "extensions": (
        lambda v: _strings(v) and bool(v) and all(re.fullmatch(r"[A-Za-z0-9_+-]+", e) for e in v),
        'a non-empty list of file name extensions without the dot, such as ["md", "txt"]',
    ),
    "marker": (
        lambda v: isinstance(v, str) and bool(v) and v.strip() == v and not any(c in v for c in "[]\n\r"),
        "a non-empty string without brackets, line breaks or surrounding spaces",
    ),
    "marker-style": (lambda v: v in MARKER_STYLES, '"citation" ([CITATION 3]), "brackets" ([3]) or "superscript" (<sup>3</sup>, ^3^)'),
    "reference-headings": (lambda v: _strings(v) and bool(v) and all(h.strip() for h in v), "a non-empty list of non-empty strings"),
    **option_validators(),  # the rules' own options (placement, require-url), from the catalogue
    "numbering": (
        lambda v: v in ("chapter", "book"),
        '"chapter" (each file numbered on its own) or "book" (one numbering across the chapters, in book order)',
    ),
    "bibliography": (
        lambda v: isinstance(v, str) and v.strip() == v,
        'the file holding the book\'s one reference list, such as "back-matter/references.md" (with numbering = "book"), or "" for none',
    ),
    "select": (_strings, "a list of rule codes or names"),
    "ignore": (_strings, "a list of rule codes or names"),
    "per-file-ignores": (lambda v: isinstance(v, dict) and all(_strings(c) for c in v.values()), "a table of glob = [codes]"),
    "severity": (lambda v: isinstance(v, dict) and all(s in SEVERITY_VALUES for s in v.values()), 'a table of code = "error" | "warning" | "info"'),
    "urls": (lambda v: isinstance(v, dict), "a table"),
}
_URL_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "timeout": (lambda v: _is_number(v) and v <= MAX_TIMEOUT, f"a positive number of seconds, at most {MAX_TIMEOUT}"),
    "run-timeout": (lambda v: _is_number(v) and v <= MAX_RUN_TIMEOUT, f"a positive number of seconds, at most {MAX_RUN_TIMEOUT}"),
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
    "doi-resolver": (lambda v: isinstance(v, str) and re.fullmatch(r"https?://[!-~]+", v) is not None, "an http(s) URL"),
    "flaky-failures": (lambda v: _is_count(v) and v <= MAX_FLAKY_WINDOW, f"a whole number from 1 to {MAX_FLAKY_WINDOW}"),
    "flaky-window": (lambda v: _is_count(v) and v <= MAX_FLAKY_WINDOW, f"a whole number from 1 to {MAX_FLAKY_WINDOW}"),
}


# key -> the most characters one of its strings may have (list entries, table keys
# and table values alike); every list and table holds at most MAX_ITEMS entries.
_CODE_CHARS = 64  # a rule code, prefix or name
_TOP_LIMITS = {
    "paths": MAX_PATH_CHARS, "chapters": MAX_PATH_CHARS, "exclude": MAX_PATH_CHARS, "extensions": MAX_EXTENSION_CHARS, "marker": MAX_MARKER_CHARS,
    "marker-style": _CODE_CHARS,
    "reference-headings": MAX_HEADING_CHARS, "placement": _CODE_CHARS, "numbering": _CODE_CHARS, "bibliography": MAX_PATH_CHARS,
    "select": _CODE_CHARS, "ignore": _CODE_CHARS, "per-file-ignores": MAX_PATH_CHARS, "severity": _CODE_CHARS,
}
_URL_LIMITS = {"cache-dir": MAX_PATH_CHARS, "exclude": MAX_URL_PATTERN_CHARS, "accept": MAX_PATH_CHARS, "archive-api": MAX_PATH_CHARS,
               "doi-resolver": MAX_PATH_CHARS}


def _check_keys(
    table: Mapping[str, Any], known: Mapping[str, tuple[Callable[[Any], bool], str]], where: str, path: str, limits: Mapping[str, int]
) -> None:
    for key, value in table.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            import difflib

            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{shown(path)}: unknown key {_shorten(name)!r}{hint}")
        too_large = _too_large(value, limits[key]) if key in limits else None
        if too_large:
            raise ConfigError(f"{shown(path)}: {name!r} {too_large}")
        check, expected = known[key]
        if not check(value):
            raise ConfigError(f"{shown(path)}: {name!r} must be {expected}, not {_describe(value)}")


def _too_large(value: Any, chars: int) -> Optional[str]:
    """What makes a value larger than its key allows, checked before the value is used."""
    if isinstance(value, str):
        return f"must be at most {chars:,} characters long, not {len(value):,}" if len(value) > chars else None
    if not isinstance(value, (list, dict)):
        return None
    if len(value) > MAX_ITEMS:
        return f"must have at most {MAX_ITEMS:,} entries, not {len(value):,}"
    items = [*value.items()] if isinstance(value, dict) else [(item, None) for item in value]
    for item, inner in items:
        for string in (item, *(inner if isinstance(inner, list) else [inner])):
            if isinstance(string, str) and len(string) > chars:
                return f"entries must be at most {chars:,} characters long; {_shorten(string)!r} has {len(string):,}"
        if isinstance(inner, list) and len(inner) > MAX_ITEMS:
            return f"must have at most {MAX_ITEMS:,} entries in each list, not {len(inner):,}"
    return None


def _shorten(text: str) -> str:
    from citelint.diagnostics import shorten

    return shorten(text, 60)


def _describe(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a table"}
    shown_value = _shorten(repr(value))
    return f"{names.get(type(value), type(value).__name__)} ({shown_value})" if not isinstance(value, (dict, list)) else f"{names[type(value)]} {shown_value}"


def _check_codes(codes: list[str], name: str, path: str) -> tuple[str, ...]:
    selectors = canonical_selectors(codes)
    unknown = unknown_selectors(selectors)
    if unknown:
        raise ConfigError(f"{shown(path)}: {name!r} names unknown rule code(s) {', '.join(unknown)} (see `citelint rules`)")
    return selectors


def _apply_table(settings: Settings, read: tuple[dict[str, Any], str], path: str) -> Settings:
    table, where = read
    _check_keys(table, _TOP_KEYS, where, path, _TOP_LIMITS)
    prefix = f"{where}." if where else ""
    root = os.path.dirname(os.path.realpath(path))
    values: dict[str, Any] = {"root": root, "source": path}
    for key in ("exclude", "reference-headings"):
        if key in table:
            values[key.replace("-", "_")] = tuple(table[key])
    if "paths" in table:
        values["paths"] = tuple(_from_folder(root, given) for given in table["paths"])
    if "chapters" in table:
        folder_globs = len({given for given in table["chapters"] if folder_glob(given)})
        if folder_globs > MAX_FOLDER_GLOBS:
            raise ConfigError(
                f"{shown(path)}: '{prefix}chapters' has {folder_globs:,} globs with a wildcard in a folder or a '**' name; "
                f"at most {MAX_FOLDER_GLOBS} (each walks the folders again): list the chapters, or glob the names in a folder (part1/*.md)"
            )
        values["chapters"] = tuple(_from_folder(root, given) for given in table["chapters"])
    if "numbering" in table:
        values["numbering"] = table["numbering"]
    if table.get("bibliography"):
        if table.get("numbering") != "book":
            raise ConfigError(f"{shown(path)}: '{prefix}bibliography' needs numbering = \"book\" (one reference list for the whole book)")
        values["bibliography"] = _from_folder(root, table["bibliography"])
    if "extensions" in table:
        values["extensions"] = tuple(dict.fromkeys(extension.lower() for extension in table["extensions"]))
    for key in ("marker", "marker-style", "placement", "require-url"):
        if key in table:
            values[key.replace("-", "_")] = table[key]
    if table.get("marker-style", "citation") != "citation" and "placement" not in table:
        values["placement"] = "any"  # IEEE writes `[1].`, AMA `.^1^`: judged only when the house style is set
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


def _from_folder(folder: str, given: str) -> str:
    """A path written in the configuration file, relative to its folder, as a path
    from the working folder (shown that way in reports), or absolute when there is none."""
    if not given or os.path.isabs(given):
        return given  # an empty path is reported as such
    resolved = os.path.normpath(os.path.join(folder, given))
    try:
        return os.path.relpath(resolved)
    except ValueError:  # another drive, on Windows
        return resolved


def _url_settings(table: dict[str, Any], where: str, path: str) -> UrlSettings:
    _check_keys(table, _URL_KEYS, where, path, _URL_LIMITS)
    for pattern in table.get("exclude", ()):
        problem = url_pattern_problem(pattern)
        if problem:
            raise ConfigError(f"{shown(path)}: '{where}.exclude' pattern {pattern!r} {problem}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    if values.pop("allow_private", False):  # see docs/security.md
        values["ignored_allow_private"] = f"[{where}] allow-private"
    if "workers" in values:
        values["workers"] = int(values["workers"])
    settings = UrlSettings(**values)
    if settings.flaky_failures > settings.flaky_window:
        raise ConfigError(f"{shown(path)}: '{where}.flaky-failures' ({settings.flaky_failures}) is more than '{where}.flaky-window' ({settings.flaky_window}): "
                          "a link cannot fail on more checks than are weighed")
    return settings


# -- URL exclude patterns -------------------------------------------------------
#
# A pattern from a configuration file (which a pull request can change) is searched
# in every URL of every chapter, on the main thread: it must not be able to
# backtrack for long. So the syntax is bounded (docs/configuration.md): no
# backreferences or lookarounds, no repeated group holding a quantifier or an
# alternation, at most one open-ended quantifier and only in a pattern anchored with
# ^ (else none), at most MAX_URL_PATTERN_CHOICES ways through it; a leading or
# trailing .* says nothing to a search and is dropped first.

_OPEN_START = lazy(r"\^?\.\*\??(?![*+?{])")
_OPEN_END = lazy(r"(?<!\\)((?:\\\\)*)\.\*\??\$?\Z")  # an even run of backslashes before: the dot is a dot
_BACKREFERENCES = ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE", "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def searched_part(pattern: str) -> str:
    """The pattern without a leading ``.*`` (or ``^.*``) or a trailing ``.*``:
    a search finds the rest exactly when it finds the whole."""
    start = _OPEN_START.match(pattern)
    body = pattern[start.end():] if start else pattern
    end = _OPEN_END.search(body)
    return body[: end.start()] + end.group(1) if end else body


def url_pattern_problem(pattern: str) -> Optional[str]:
    """Why ``pattern`` is not taken as a ``urls.exclude`` regular expression, if it is not."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return f"is not a valid regular expression ({error})"
    from re import _parser  # type: ignore[attr-defined]

    tree = _parser.parse(searched_part(pattern))
    shape = _PatternShape()
    problem = shape.read(list(tree), repeated=False)
    if problem:
        return problem
    anchored = len(tree) > 0 and str(tree[0][0]) == "AT" and str(tree[0][1]) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
    if shape.open_ended > (1 if anchored else 0):
        where = "more than one open-ended quantifier (*, +, {n,})" if anchored else "an open-ended quantifier (*, +, {n,}) but does not start with ^"
        return f"has {where}; see 'urls.exclude' in docs/configuration.md"
    if shape.choices > MAX_URL_PATTERN_CHOICES:
        return f"has more than {MAX_URL_PATTERN_CHOICES} ways through it (alternatives times optional parts)"
    return None


class _PatternShape:
    """What a parsed pattern's nodes add up to: open-ended quantifiers and choices."""

    def __init__(self) -> None:
        self.open_ended = 0
        self.choices = 1

    def read(self, nodes: list[Any], repeated: bool) -> Optional[str]:
        for op, value in nodes:
            name = str(op)
            if name in _BACKREFERENCES:
                return "uses a backreference, which can take exponential time"
            if name in ("ASSERT", "ASSERT_NOT"):
                return "uses a lookahead or lookbehind"
            if name in _REPEATS or name == "BRANCH":
                problem = self._read_choice(name, value, repeated)
            elif name == "SUBPATTERN":
                problem = self.read(list(value[3]), repeated)
            elif name == "ATOMIC_GROUP":
                problem = self.read(list(value), repeated)
            else:
                problem = None
            if problem:
                return problem
        return None

    def _read_choice(self, name: str, value: Any, repeated: bool) -> Optional[str]:
        if repeated:
            return "repeats a group that holds a quantifier or an alternation (nested quantifiers can take exponential time)"
        if name == "BRANCH":
            self.choices *= len(value[1])
            return next(filter(None, (self.read(list(branch), False) for branch in value[1])), None)
        low, high, body = value
        if high - low == 1:
            self.choices *= 2
        elif high != low:
            self.open_ended += 1
        return self.read(list(body), repeated=high > 1)


def compiled_url_excludes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The ``urls.exclude`` patterns, ready for :func:`url_excluded`."""
    return tuple(re.compile(searched_part(pattern)) for pattern in patterns)


def url_excluded(excludes: tuple[re.Pattern[str], ...], url: str) -> bool:
    """Whether a URL is excluded. Only the first ``MAX_MATCHED_URL_CHARS`` of a URL
    are ever searched: a longer URL, when there are patterns, counts as excluded
    (a configuration only narrows what is fetched)."""
    if not excludes:
        return False
    return len(url) > MAX_MATCHED_URL_CHARS or any(pattern.search(url) for pattern in excludes)


# -- paths ------------------------------------------------------------------


def project_root(settings: Settings) -> str:
    """The configuration file's folder, else the repository root, else the working folder."""
    if settings.root:
        return settings.root
    start = os.getcwd()
    return repository_root(start) or start


def reading_boundary(settings: Settings, paths: Iterable[str] = ()) -> Boundary:
    """Where the run reads files (``files.Boundary``): the project's repository (else
    the project root, ``project_root``), and each of ``paths`` that the command line
    names outside it (``citelint check /data/book``). The configuration's ``paths``
    add nothing (a stranger's pull request writes them: its ``../`` or absolute
    ones reach no further than the rest), nor does a path named inside the project
    (pre-commit names the staged files: one may be a symbolic link out of it)."""
    root = project_root(settings)
    project = boundary_of([repository_root(root) or root])
    named = [
        path for path in paths
        if path != STDIN and path not in settings.paths and not project.holds(os.path.dirname(os.path.abspath(path)))
    ]
    return boundary_of([*project.roots, *named])


def cache_folder(settings: Settings) -> str:
    """Where the result cache and the URL cache live: ``cache-dir`` under the project root."""
    return os.path.join(project_root(settings), settings.urls.cache_dir)


def relative_to_root(settings: Settings, path: str) -> str:
    """The path relative to the configuration file's folder, with ``/``."""
    if not settings.root:
        return posix(os.path.normpath(path))
    return posix(os.path.relpath(os.path.realpath(path), settings.root))


def project_names(settings: Settings, path: str) -> tuple[str, ...]:
    """The names ``per-file-ignores`` match a file by: as given, and relative to the
    configuration file's folder. An absolute path inside that folder (an editor's,
    or one typed) goes by the second only: the folders above the project are no part
    of it, as for ``exclude`` (``files.matched_names``). Resolving the second looks at
    the file system, so the drivers call this at the edge, once a file, and hand the
    names on."""
    given = posix(os.path.normpath(path))
    if not settings.per_file_ignores or not path:
        return (given,)
    return matched_names(given, relative_to_root(settings, path) if settings.root else None)


def ignored_for_path(settings: Settings, names: tuple[str, ...]) -> tuple[str, ...]:
    """Codes that ``per-file-ignores`` switch off for a file known by ``names``: for
    each code, whether one of the globs that switch it off matches (one match of a
    name for all of them: a name was matched against each of 1,000 globs)."""
    if not settings.per_file_ignores:
        return ()
    return tuple(code for code, globs in _globs_by_code(settings.per_file_ignores) if any(globs.matches(name) for name in names))


@functools.lru_cache(maxsize=8)
def _globs_by_code(per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, GlobSet], ...]:
    """Each code (or selector) ``per-file-ignores`` names, with the globs that name it:
    as many as the codes and selectors the catalog knows, however many globs."""
    globs: dict[str, list[str]] = {}
    for pattern, codes in per_file_ignores:
        for code in codes:
            globs.setdefault(code, []).append(pattern)
    return tuple((code, GlobSet(patterns)) for code, patterns in globs.items())