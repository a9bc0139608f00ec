"""Configuration: discovery, validation, precedence, per-file ignores, excludes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint.cli import cli as main
from citelint.config import Settings
from helpers import REFS, cli

OUT_OF_ORDER = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + REFS
LATE = "A. [CITATION 1] B. [CITATION 2] C [CITATION 3].\n" + REFS  # CIT006 only


run = cli


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "book").mkdir()
    (project / "book" / "ch1.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    (project / "book" / "ch2.md").write_text(LATE, encoding="utf-8")
    return project


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_config_flag_takes_a_pyproject_style_file_of_any_name(repo: Path) -> None:
    write(repo / "shared.toml", '[tool.citelint]\nignore = ["CIT003"]\n')
    assert run("check", "--config", "shared.toml", "book/ch1.md")[0] == 0


def test_pyproject_table_is_found_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.citelint]\nignore = ["CIT003"]\n')
    monkeypatch.chdir(repo / "book")
    assert run("check", "ch1.md")[0] == 0


def test_dot_citelint_toml_and_paths(repo: Path) -> None:
    write(repo / ".citelint.toml", 'paths = ["book"]\nplacement = "before"\n')
    code, out, _ = run("check")
    assert code == 1
    assert "book/ch1.md:1:20: CIT003" in out
    assert "CIT006" in out  # "before": B. [CITATION 2] follows a period
    assert "book/ch2.md" in out


@pytest.mark.parametrize(
    "pyproject",
    ['[tool.black]\nline-length = 80\n', '[project]\nname = "x"\ndependencies = ["citelint"]\n', '[tool.black]\n# see [tool.citelint] in ../\n'],
    ids=["other-tool", "names-citelint", "mentions-the-table-in-a-comment"],
)
def test_pyproject_without_citelint_table_is_skipped(repo: Path, monkeypatch: pytest.MonkeyPatch, pyproject: str) -> None:
    """A pyproject.toml nearer than the real configuration, without a citelint table,
    is passed over: the .citelint.toml above it (which ignores CIT003) applies."""
    write(repo / ".citelint.toml", 'ignore = ["CIT003"]\n')
    write(repo / "book" / "pyproject.toml", pyproject)
    monkeypatch.chdir(repo / "book")
    assert run("check", "ch1.md")[0] == 0


def test_discovery_stops_at_the_repository_root(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = repo.parent / ".citelint.toml"
    write(outer, 'ignore = ["CIT003"]\n')
    try:
        assert run("check", "book/ch1.md")[0] == 1
    finally:
        outer.unlink()


def test_command_line_wins_over_the_file(repo: Path) -> None:
    write(repo / ".citelint.toml", 'select = ["CIT006"]\n')
    assert run("check", "book/ch1.md")[0] == 0
    assert run("check", "--select", "CIT003", "book/ch1.md")[0] == 1


def test_config_flag_names_the_file(repo: Path) -> None:
    write(repo / "other.toml", 'ignore = ["CIT003"]\n')
    assert run("check", "--config", "other.toml", "book/ch1.md")[0] == 0


def test_per_file_ignores_are_relative_to_the_config_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / ".citelint.toml", '[per-file-ignores]\n"book/ch1.md" = ["CIT003"]\n')
    monkeypatch.chdir(repo / "book")
    assert run("check", "ch1.md")[0] == 0


def test_per_file_ignores_match_an_absolute_path_from_the_projects_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An absolute path (the editor's, or one typed) was matched whole too, so the
    folders above the project counted: a project in a folder named 'book' whose
    '**/book/**' ignores meant its own 'book' folder switched CIT003 off for every
    chapter named absolutely, while `check` at the root reported it."""
    root = tmp_path / "book"
    (root / ".git").mkdir(parents=True)
    write(root / ".citelint.toml", '[per-file-ignores]\n"**/book/**" = ["CIT003"]\n')
    write(root / "ch1.md", OUT_OF_ORDER)
    (root / "book").mkdir()
    write(root / "book" / "ch2.md", OUT_OF_ORDER)
    monkeypatch.chdir(root)
    at_root = run("check", "--no-cache", "ch1.md", "book/ch2.md")[1]
    absolute = run("check", "--no-cache", str(root / "ch1.md"), str(root / "book" / "ch2.md"))[1]
    assert "ch1.md:1:" in at_root and "ch2.md" not in at_root  # the project's own book/ folder is ignored
    assert f"{root / 'ch1.md'}:1:" in absolute and "ch2.md" not in absolute


def test_rules_may_be_named_instead_of_coded(repo: Path) -> None:
    """As markdownlint lets `line-length` stand for MD013: names are easier to read
    in a configuration a writer keeps."""
    write(repo / ".citelint.toml", 'ignore = ["citation-out-of-order"]\n[severity]\nmisplaced-citation = "error"\n')
    code, out, _ = run("check", "book")
    assert "CIT003" not in out and "book/ch2.md:1:35: CIT006" in out and code == 1
    assert "(1 error, 0 warnings)" in out
    (repo / ".citelint.toml").unlink()
    selected = run("check", "--select", "Citation-Out-Of-Order", "book")[1]
    assert "CIT003" in selected and "CIT006" not in selected
    write(repo / ".citelint.toml", 'ignore = ["citation-out-of-ordr"]\n')
    code, _, err = run("check", "book")
    assert code == 2 and "unknown rule code(s) citation-out-of-ordr" in err


def test_severity_override(repo: Path) -> None:
    write(repo / ".citelint.toml", '[severity]\nCIT006 = "error"\nCIT003 = "warning"\n')
    code, out, _ = run("check", "book")
    assert code == 1
    assert "(1 error, 1 warning)" in out


def test_exclude_applies_to_explicit_paths(repo: Path) -> None:
    write(repo / ".citelint.toml", 'exclude = ["book/ch1.md"]\n')
    code, out, _ = run("check", "book/ch1.md", "book/ch2.md")
    assert code == 0 and "in 1 file" in out
    write(repo / ".citelint.toml", 'exclude = ["book"]\n')
    assert "in 0 files" in run("check", "book/ch1.md")[1]


@pytest.mark.parametrize("key", ["exclude", "per-file-ignores"])
def test_a_leading_double_star_folder_matches_no_folder_too(repo: Path, key: str) -> None:
    """As in ruff's and git's globs, `**/book/**` names the top-level `book/` as well
    as `drafts/book/`; fnmatch alone asked for a folder before it."""
    value = '["**/book/**"]' if key == "exclude" else '{ "**/book/**" = ["CIT003"] }'
    write(repo / ".citelint.toml", f"{key} = {value}\n")
    (repo / "drafts" / "book").mkdir(parents=True)
    write(repo / "drafts" / "book" / "ch1.md", OUT_OF_ORDER)
    write(repo / "kept.md", OUT_OF_ORDER)
    out = run("check", "--no-cache", "book/ch1.md", "drafts/book/ch1.md", "kept.md")[1]
    assert "kept.md:1:20: CIT003" in out and "book/ch1.md" not in out


def test_custom_reference_headings_and_marker(repo: Path) -> None:
    write(repo / ".citelint.toml", 'marker = "REF"\nreference-headings = ["Quellen"]\n')
    write(repo / "book" / "de.md", "A. [REF 2] B. [REF 1]\n\n## Quellen\n\n1. \"Eins.\" V, 2020. https://e.de/1\n2. \"Zwei.\" V, 2020. https://e.de/2\n")
    code, out, _ = run("check", "book/de.md")
    assert code == 1 and "book/de.md:1:4: CIT003" in out


def test_url_table_is_validated(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.citelint.urls]\ntimeout = 3\nworkers = 8\naccept = [200, 418]\n")
    assert run("check", "book/ch2.md")[0] == 0


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("pyproject.toml", "[tool.citelint]\nselct = [\"CIT001\"]\n", "pyproject.toml: unknown key 'tool.citelint.selct' (did you mean 'select'?)"),
        (".citelint.toml", 'select = ["CIT999"]\n', ".citelint.toml: 'select' names unknown rule code(s) CIT999 (see `citelint rules`)"),
        (".citelint.toml", 'ignore = "CIT003"\n', ".citelint.toml: 'ignore' must be a list of rule codes or names, not a string ('CIT003')"),
        (".citelint.toml", 'placement = "middle"\n', ".citelint.toml: 'placement' must be one of \"after\", \"before\", \"any\", not a string ('middle')"),
        (".citelint.toml", "require-url = 1\n", ".citelint.toml: 'require-url' must be true or false, not a number (1)"),
        (".citelint.toml", "[urls]\nworkers = 0\n", ".citelint.toml: 'urls.workers' must be a whole number from 1 to 256, not a number (0)"),
        (".citelint.toml", "[urls]\nper-host = 1000000\n", ".citelint.toml: 'urls.per-host' must be a whole number from 1 to 256, not a number (1000000)"),
        (".citelint.toml", "[urls]\ntimout = 3\n", ".citelint.toml: unknown key 'urls.timout' (did you mean 'timeout'?)"),
        (".citelint.toml", '[severity]\nCIT003 = "fatal"\n', ".citelint.toml: 'severity' must be a table of code = \"error\" | \"warning\" | \"info\", not a table {'CIT003': 'fatal'}"),
        (".citelint.toml", "select = [\n", ".citelint.toml: not valid TOML: "),
        (".citelint.toml", "paths = " + "[" * 5_000 + "]" * 5_000 + "\n", ".citelint.toml: not valid TOML here: its arrays or tables are nested too deeply"),
        (".citelint.toml", "a = " + "{b = " * 2_000 + "1" + "}" * 2_000 + "\n", ".citelint.toml: not valid TOML here: its arrays or tables are nested too deeply"),
        (".citelint.toml", "[urls]\nworkers = " + "9" * 5_000 + "\n", ".citelint.toml: not valid TOML here: a number in it has more than 4,300 digits"),
        (".citelint.toml", 'numbering = "pages"\n', ".citelint.toml: 'numbering' must be \"chapter\" (each file numbered on its own) or \"book\" (one numbering across the chapters, in book order), not a string ('pages')"),
        (".citelint.toml", 'reference-headings = ["Sources", " "]\n', ".citelint.toml: 'reference-headings' must be a non-empty list of non-empty strings"),
        (".citelint.toml", 'marker = "CIT[ATION"\n', ".citelint.toml: 'marker' must be a non-empty string without brackets"),
        (".citelint.toml", "[urls]\ntimeout = inf\n", ".citelint.toml: 'urls.timeout' must be a positive number of seconds, at most 600, not a number (inf)"),
        (".citelint.toml", "[urls]\nexpire-after = nan\n", ".citelint.toml: 'urls.expire-after' must be a positive number of seconds, not a number (nan)"),
        (".citelint.toml", "[urls]\nrun-timeout = 0\n", ".citelint.toml: 'urls.run-timeout' must be a positive number of seconds, at most 21600, not a number (0)"),
        (".citelint.toml", "[urls]\nrun-timeout = 86400\n", ".citelint.toml: 'urls.run-timeout' must be a positive number of seconds, at most 21600, not a number (86400)"),
    ],
    ids=["typo-key", "unknown-code", "string-for-list", "bad-choice", "int-for-bool", "zero-workers", "huge-per-host", "url-typo", "bad-severity", "bad-toml",
         "deep-arrays", "deep-tables", "huge-integer", "book-numbering", "blank-heading", "bracket-marker", "infinite-timeout", "nan-expiry",
         "zero-run-timeout", "day-long-run-timeout"],
)
def test_config_errors_are_one_line_exit_2(repo: Path, file: str, content: str, message: str) -> None:
    write(repo / file, content)
    code, out, err = run("check", "book")
    assert code == 2
    assert out == ""
    assert err.startswith("citelint: error: " + message)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_config_file(repo: Path) -> None:
    code, _, err = run("check", "--config", "nope.toml", "book")
    assert code == 2 and err == "citelint: error: nope.toml: configuration file not found\n"


def test_config_file_that_is_not_utf8(repo: Path) -> None:
    (repo / ".citelint.toml").write_bytes(b'select = ["CIT001"]\n# caf\xe9\n')
    code, out, err = run("check", "book")
    assert (code, out) == (2, "")
    assert err == "citelint: error: .citelint.toml: is not valid UTF-8 (byte 0xe9 on line 2)\n"


def test_config_file_that_is_a_directory_or_a_broken_link(repo: Path) -> None:
    """A config that is there but cannot be read is an error, not silently skipped."""
    (repo / ".citelint.toml").mkdir()
    assert run("check", "book")[0::2] == (2, "citelint: error: .citelint.toml: is a directory, not a configuration file\n")
    (repo / ".citelint.toml").rmdir()
    (repo / ".citelint.toml").symlink_to(repo / "gone.toml")
    assert run("check", "book")[0::2] == (2, "citelint: error: .citelint.toml: is a symbolic link to nothing\n")


@pytest.mark.parametrize("value", ["nan", "inf", "0", "601"])
def test_timeout_flag_must_be_a_finite_number_of_seconds(repo: Path, value: str) -> None:
    code, out, err = run("check", "--urls", "--offline", "--timeout", value, "book")
    assert code == 2 and out == "" and "Invalid value for '--timeout'" in err


@pytest.mark.parametrize("value", ["nan", "inf", "0", "21601"])
def test_run_timeout_flag_must_be_a_finite_number_of_seconds_up_to_six_hours(repo: Path, value: str) -> None:
    code, out, err = run("check", "--urls", "--offline", "--run-timeout", value, "book")
    assert code == 2 and out == "" and "Invalid value for '--run-timeout'" in err


def test_run_timeout_is_read_from_the_file_and_taken_up_to_six_hours_on_the_command_line(repo: Path) -> None:
    from citelint.config import UrlSettings, load_settings

    write(repo / ".citelint.toml", "[urls]\nrun-timeout = 90\n")
    assert load_settings(str(repo / ".citelint.toml"), {}).urls.run_timeout == 90
    assert UrlSettings().run_timeout == 1200  # 20 minutes
    code, _, err = run("check", "--urls", "--offline", "--run-timeout", "21600", "book")
    assert code == 1 and "run-timeout" not in err  # the findings of book/, with the flag taken


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """citelint in its own process, so a read that blocks fails the test instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda: os.mkfifo("pipe.toml"), ("--config", "pipe.toml"), "pipe.toml: is not a regular file (a pipe, socket or device)"),
        (lambda: None, ("--config", "/dev/zero"), "/dev/zero: is not a regular file (a pipe, socket or device)"),
        (lambda: os.mkfifo(".citelint.toml"), (), ".citelint.toml: is not a regular file (a pipe, socket or device)"),
        (lambda: os.symlink("/dev/zero", ".citelint.toml"), (), ".citelint.toml: is not a regular file (a pipe, socket or device)"),
        (
            lambda: write(Path("pyproject.toml"), "[tool.citelint]\n" + "#" * (5 * 1024 * 1024) + "\n"),
            (),
            "pyproject.toml: is larger than 1 MiB; not read as a configuration file",
        ),
    ],
    ids=["fifo-flag", "device-flag", "fifo-found", "link-to-device-found", "huge-pyproject"],
)
def test_a_configuration_that_is_not_a_small_regular_file_is_refused_not_read(repo: Path, make, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    make()
    result = run_process("check", "--no-cache", *args, "book")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"citelint: error: {message}\n"



def documented_defaults() -> tuple[dict[str, object], dict[str, object]]:
    """The keys of docs/configuration.md's two tables and the defaults it gives them."""

    docs = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    top, urls = docs.split("[tool.citelint.urls]", 1)
    tables = []
    for part in (top, urls):
        rows = re.findall(r"^\| `([a-z-]+)` \| [^|]* \| `([^`]+)`", part, re.MULTILINE)
        tables.append({key: tomllib.loads(f"v = {value}")["v"] for key, value in rows})
    return tables[0], tables[1]


def test_the_documented_keys_and_defaults_are_the_real_ones(repo: Path) -> None:
    """docs/configuration.md names every key the configuration takes, and a file that
    sets each to its documented default changes nothing."""
    from citelint.config import _TOP_KEYS, _URL_KEYS, load_settings

    top, urls = documented_defaults()
    assert set(top) | {"urls"} == set(_TOP_KEYS)
    assert set(urls) == set(_URL_KEYS)
    lines = [f"{key} = {json.dumps(value)}" for key, value in top.items() if not isinstance(value, dict)]
    lines += [f"{key} = {{}}" for key, value in top.items() if isinstance(value, dict)]
    lines += ["[urls]"] + [f"{key} = {json.dumps(value)}" for key, value in urls.items()]
    write(repo / ".citelint.toml", "\n".join(lines) + "\n")
    loaded = load_settings(None, {})
    assert loaded._replace(root="", source="") == Settings()


# -- hostile configurations: bounded before they cost anything ---------------------

PEAK_PROBE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run_measured(*args: str, cwd: Path) -> tuple[int, str, int]:
    """citelint in a process of its own, started by a probe that reports that
    process's peak resident memory (MB): the exit code, standard error, the peak."""
    probe = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, sys.executable, "-m", "citelint", *args],
        capture_output=True, text=True, cwd=cwd, timeout=180, check=False,
    )
    code, peak_kb = probe.stdout.split()
    return int(code), probe.stderr, int(peak_kb) // 1024


def _dotted_keys_under_another_tool() -> str:
    keys = "".join(f"k{i}" + ".a" * 99 + " = 1\n" for i in range(300))
    return '[tool.citelint]\nmarker = "REF"\n\n[tool.other]\n' + keys


@pytest.mark.parametrize(
    ("file", "make", "message"),
    [
        (".citelint.toml", lambda: "a" + ".a" * 20_000 + " = 1\n", ".citelint.toml: line 1 has a key of 20,001 dotted parts (at most 100); not read as a configuration file"),
        (".citelint.toml", lambda: "[urls]\n[a" + ".a" * 20_000 + "]\n", ".citelint.toml: line 2 has a key of 20,001 dotted parts (at most 100)"),
        ("pyproject.toml", _dotted_keys_under_another_tool, "pyproject.toml: its keys have more than 20,000 dotted parts in all"),
        ("pyproject.toml", lambda: 'dependencies = ["citelint"]\n' + "a" + ".a" * 20_000 + " = 1\n", "pyproject.toml: line 2 has a key of 20,001 dotted parts"),
        (".citelint.toml", lambda: 'marker = "' + "A" * 3_900_000 + '"\n', ".citelint.toml: is larger than 1 MiB; not read as a configuration file"),
        (".citelint.toml", lambda: 'marker = "' + "A" * 900_000 + '"\n', ".citelint.toml: 'marker' must be at most 64 characters long, not 900,000"),
        (".citelint.toml", lambda: "paths = [" + '"a",' * 200_000 + "]\n", ".citelint.toml: 'paths' must have at most 1,000 entries, not 200,000"),
    ],
    ids=["40-KB-dotted-key", "40-KB-dotted-header", "many-dotted-keys", "dotted-key-in-a-pyproject-naming-citelint", "3.9-MB-marker", "900-KB-marker", "200,000-paths"],
)
def test_a_hostile_configuration_is_refused_in_one_line_within_bounded_memory(repo: Path, file: str, make, message: str) -> None:  # type: ignore[no-untyped-def]
    """Python's TOML reader took 2.4 GB on a 40 KB dotted key and 485 MB on a 3.9 MB
    marker: such a file is refused before it can cost that (peak of the whole run)."""
    write(repo / file, make())
    code, err, peak_mb = run_measured("check", "--no-cache", "book", cwd=repo)
    assert code == 2 and err.startswith(f"citelint: error: {message}") and err.count("\n") == 1, err[:300]
    assert peak_mb < 150, f"{peak_mb} MB"


def test_the_bounds_refuse_no_real_configuration(repo: Path) -> None:
    """A large real-world pyproject.toml (other tools' tables, dotted keys, long
    strings, floats and versions with dots) is read as it always was."""
    other_tools = "".join(
        f'[tool.tool{i}.options.nested.deeper]\nversion = "1.2.3.4"\nratio = 0.5\nvalues = [1.5, 2.5, 3.5]\n'
        f'a.b.c.d.e = "x.y.z"\nurl = "https://a.b.example.org/x.y"\n# a.b.c.d.e.f.g.h\n\n' for i in range(500)
    )
    text = '[project]\nname = "x"\ndescription = "' + "A long description. " * 2_000 + '"\n\n' + other_tools
    text += '[tool.citelint]\nignore = ["CIT003"]\nextensions = ["md", "txt"]\nreference-headings = ["Works Cited", "' + "Q" * 200 + '"]\n'
    assert 100_000 < len(text.encode()) < 1024 * 1024
    write(repo / "pyproject.toml", text)
    assert run("check", "book/ch1.md")[0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('marker = "' + "C" * 65 + '"\n', "'marker' must be at most 64 characters long, not 65"),
        ('reference-headings = ["' + "H" * 201 + '"]\n', "'reference-headings' entries must be at most 200 characters long; 'HHHH"),
        ('exclude = ["' + "*" * 5_000 + '"]\n', "'exclude' entries must be at most 4,096 characters long; '****"),
        ('select = ["' + "C" * 65 + '"]\n', "'select' entries must be at most 64 characters long"),
        ("[per-file-ignores]\n" + "".join(f'"f{i}.md" = ["CIT001"]\n' for i in range(1_001)), "'per-file-ignores' must have at most 1,000 entries, not 1,001"),
        ("[urls]\nexclude = [\"" + "a" * 257 + "\"]\n", "'urls.exclude' entries must be at most 256 characters long"),
        ('[urls]\ncache-dir = "' + "d" * 5_000 + '"\n', "'urls.cache-dir' must be at most 4,096 characters long, not 5,000"),
        ('extensions = ["t.xt"]\n', "'extensions' must be a non-empty list of file name extensions without the dot"),
        ('extensions = ["a/b"]\n', "'extensions' must be a non-empty list of file name extensions without the dot"),
        ("extensions = []\n", "'extensions' must be a non-empty list of file name extensions without the dot"),
        ('extensions = ["' + "x" * 17 + '"]\n', "'extensions' entries must be at most 16 characters long"),
        ('marker = "[' + "C" * 60 + '"\n', "'marker' must be a non-empty string without brackets"),
    ],
    ids=["marker", "heading", "glob", "code", "many-globs", "url-pattern", "cache-dir", "dotted-extension", "slashed-extension", "no-extensions", "long-extension", "short-bad-marker"],
)
def test_every_value_is_bounded_with_an_error_naming_its_key(repo: Path, content: str, message: str) -> None:
    write(repo / ".citelint.toml", content)
    code, out, err = run("check", "book")
    assert (code, out) == (2, "")
    assert err.startswith(f"citelint: error: .citelint.toml: {message}") and err.count("\n") == 1 and len(err) < 300, err[:300]


# -- URL exclude patterns: valid, and unable to backtrack for long ------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(", "'urls.exclude' pattern '(' is not a valid regular expression (missing ), unterminated subpattern at position 0)"),
        (r"(\w+)*\.pdf$", "'urls.exclude' pattern '(\\\\w+)*\\\\.pdf$' repeats a group that holds a quantifier or an alternation"),
        (r"^https://(?:[a-z]+\.)+example\.com/", "repeats a group that holds a quantifier or an alternation"),
        (r"^(?:pdf|doc){2}", "repeats a group that holds a quantifier or an alternation"),
        (r"(a)\1", "uses a backreference"),
        (r"^https://(?!example)", "uses a lookahead or lookbehind"),
        (r"a*a*a*b", "has an open-ended quantifier (*, +, {n,}) but does not start with ^"),
        (r"^https://a*a*b", "has more than one open-ended quantifier (*, +, {n,})"),
        ("^" + "(ab|cd|ef|gh|ij)?" * 3, "has more than 64 ways through it"),
    ],
    ids=["unbalanced", "nested-quantifier", "repeated-group-with-quantifier", "repeated-alternation", "backreference", "lookahead",
         "unanchored-open-ended", "two-open-ended", "too-many-choices"],
)
def test_url_exclude_patterns_are_validated(repo: Path, pattern: str, message: str) -> None:
    """`(` was an internal error; `(\\w+)*\\.pdf$` cost x4 per two characters of a
    URL, on the main thread, even with --offline: both are a configuration error."""
    write(repo / ".citelint.toml", "[urls]\nexclude = [" + json.dumps(pattern) + "]\n")
    code, out, err = run("check", "--urls", "--offline", "book")
    assert (code, out) == (2, "")
    assert err.startswith("citelint: error: .citelint.toml: 'urls.exclude' pattern ") and message in err and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("pattern", "excluded", "kept"),
    [
        (r".*\.pdf$", "https://e.com/a/paper.pdf", "https://e.com/a/paper.html"),
        (r"\.(pdf|docx?|xlsx?|pptx?|zip)$", "https://e.com/sheet.xls", "https://e.com/x.html"),
        (r"^https?://(www\.)?example\.com/", "http://www.example.com/a", "https://example.org/"),
        (r"^https://[^/]*\.example\.com/.*", "https://a.b.example.com/x", "https://example.com/x"),
        (r"\\.*", "https://e.com/a\\b", "https://e.com/ab"),
        ("localhost", "http://localhost:8080/", "https://e.com/"),
    ],
)
def test_bounded_url_patterns_mean_what_they_say(repo: Path, pattern: str, excluded: str, kept: str) -> None:
    from citelint.config import compiled_url_excludes, url_excluded

    write(repo / ".citelint.toml", "[urls]\nexclude = [" + json.dumps(pattern) + "]\n")
    assert run("check", "book/ch2.md")[0] == 0  # accepted
    compiled = compiled_url_excludes((pattern,))
    assert url_excluded(compiled, excluded) and not url_excluded(compiled, kept)


def test_only_the_first_2048_characters_of_a_url_are_ever_matched() -> None:
    """A longer URL is not searched at all: with patterns set it counts as excluded
    (a configuration only narrows what is fetched); without, nothing is excluded."""
    from citelint.config import MAX_MATCHED_URL_CHARS, compiled_url_excludes, url_excluded

    long_url = "https://e.com/" + "a" * MAX_MATCHED_URL_CHARS
    assert url_excluded(compiled_url_excludes(("^https://other/",)), long_url)
    assert not url_excluded(compiled_url_excludes(()), long_url)
    assert not url_excluded(compiled_url_excludes(("^https://other/",)), long_url[:MAX_MATCHED_URL_CHARS])


def test_the_shapes_that_backtrack_are_all_refused() -> None:
    """Nested quantifiers, overlapping alternatives under a quantifier, quantifiers
    in a row that can split a run many ways, an unanchored open-ended quantifier
    (tried again at every position of the URL): each is refused by its shape."""
    from citelint.config import url_pattern_problem

    for pattern in (r"(\w+)*x", r"(a|aa)*b", r"(a+)+b", r"\w*\w*x", r".*a.*b", r"(?:a?){30}b", r"(x+x+)+y", r"(\d+|\w+)*!"):
        assert url_pattern_problem(pattern) is not None, pattern


# -- paths and exclude: relative to the configuration file's folder -------------------

GOOD = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + REFS


@pytest.fixture
def drafts_project(tmp_path: Path) -> Path:
    """A drafts_project whose .citelint.toml lints manuscript/ but not its drafts."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "manuscript" / "drafts").mkdir(parents=True)
    (tmp_path / "notes").mkdir()
    write(tmp_path / ".citelint.toml", 'paths = ["manuscript"]\nexclude = ["manuscript/drafts"]\n')
    write(tmp_path / "manuscript" / "ch1.md", GOOD)
    write(tmp_path / "manuscript" / "ch2.md", OUT_OF_ORDER)
    write(tmp_path / "manuscript" / "drafts" / "draft.md", "Broken [CITATION 9]\n")
    write(tmp_path / "notes" / "todo.md", "Broken [CITATION 7]\n")
    return tmp_path


def run_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True, cwd=folder, timeout=60, check=False)


@pytest.mark.parametrize(
    ("where", "shown"),
    [(".", "manuscript/ch2.md"), ("manuscript", "ch2.md"), ("manuscript/drafts", "../ch2.md"), ("notes", "../manuscript/ch2.md")],
    ids=["root", "subfolder", "excluded-subfolder", "sibling"],
)
def test_configured_paths_are_relative_to_the_configuration_file(drafts_project: Path, where: str, shown: str) -> None:
    """`citelint check` with no path lints the configured manuscript/, without its
    drafts, from the drafts_project root, from inside it, and from a sibling folder."""
    result = run_in(drafts_project / where, "check", "--no-cache")
    assert result.returncode == 1, result.stderr
    assert f"{shown}:1:20: CIT003" in result.stdout
    assert "draft.md" not in result.stdout + result.stderr and "todo.md" not in result.stdout
    assert result.stdout.endswith("in 2 files.\n")
    fixing = run_in(drafts_project / where, "fix", "--check")
    assert fixing.returncode == 1 and "draft.md" not in fixing.stdout + fixing.stderr


@pytest.mark.parametrize(("where", "args"), [("manuscript", ["."]), ("manuscript", ["drafts", "ch1.md"]), ("manuscript/drafts", ["draft.md"]), ("notes", ["../manuscript"])])
def test_exclude_is_relative_to_the_configuration_file_wherever_citelint_runs(drafts_project: Path, where: str, args: list[str]) -> None:
    """The drafts are excluded however they are named: from a subfolder, from inside
    the excluded folder, from a sibling (as pre-commit and editors pass paths)."""
    result = run_in(drafts_project / where, "check", "--no-cache", *args)
    assert "draft.md" not in result.stdout + result.stderr and "CIT001" not in result.stdout, result.stdout + result.stderr


# -- extensions: what a folder walk finds --------------------------------------------


def test_a_folder_of_txt_chapters_is_linted_with_extensions(drafts_project: Path) -> None:
    (drafts_project / "txt").mkdir()
    write(drafts_project / "txt" / "chapter-1.txt", OUT_OF_ORDER)
    write(drafts_project / "txt" / "readme.md", GOOD)
    before = run_in(drafts_project, "check", "--no-cache", "txt")
    assert "chapter-1.txt" not in before.stdout and before.stdout.endswith("in 1 file.\n")
    write(drafts_project / ".citelint.toml", 'extensions = ["TXT"]\n')
    after = run_in(drafts_project, "check", "--no-cache", "txt")
    assert after.returncode == 1 and "txt/chapter-1.txt:1:20: CIT003" in after.stdout and "readme.md" not in after.stdout
    write(drafts_project / ".citelint.toml", 'extensions = ["txt", "md"]\n')
    both = run_in(drafts_project, "check", "--no-cache", "txt")
    assert "chapter-1.txt" in both.stdout and both.stdout.endswith("in 2 files.\n")
    (drafts_project / "txt" / "chapter-1.txt").unlink()
    (drafts_project / "txt" / "readme.md").unlink()
    empty = run_in(drafts_project, "check", "--no-cache", "txt")
    assert empty.returncode == 2 and empty.stderr == "citelint: error: txt: no files named *.txt, *.md in this directory\n"


def test_extensions_are_a_setting_the_walk_uses(tmp_path: Path) -> None:
    from citelint.files import collect

    for name in ("a.md", "b.MARKDOWN", "c.txt", "d.text", "e.md.bak"):
        write(tmp_path / name, "x\n")
    assert Settings().extensions == ("md", "markdown") and Settings().suffixes == (".md", ".markdown")
    found = lambda settings: sorted(Path(f).name for f in collect([str(tmp_path)], suffixes=settings.suffixes)[0])  # noqa: E731
    assert found(Settings()) == ["a.md", "b.MARKDOWN"]
    assert found(Settings(extensions=("txt", "text"))) == ["c.txt", "d.text"]


# -- the README's install lines and examples ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_every_install_line_installs_this_project() -> None:
    """The package index's `citelint` is an unrelated drafts_project (a LaTeX citation
    linter): no README or docs example (a command in a code block) may install it
    by that name; each installs this checkout or this repository at a tag."""
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    installs = [
        (document.name, line.strip())
        for document in documents
        for block in document.read_text(encoding="utf-8").split("```")[1::2]
        for line in block.splitlines()
        if re.search(r"\bpip3? install\b|\bpipx install\b|\buv (?:tool|pip) install\b", line)
    ]
    assert any("README.md" == name for name, _ in installs)
    for name, line in installs:
        targets = re.findall(r"install\s+(.*)", line)[0]
        assert re.search(r'(?:^|\s)(?:-e\s+)?"?\.(?:\[[a-z,]+\])?"?(?:\s|$)|(?:^|[\s"])git\+https://\S+/citelint(?:\.git)?@v\d', targets), (name, line)


def test_the_pre_commit_example_fixes_before_it_checks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Use with pre-commit", 1)[1].split("```", 2)[1]
    ids = re.findall(r"- id: (\S+)", example)
    assert ids.index("citelint-fix") < ids.index("citelint")


def test_fix_diff_exits_1_when_it_would_change_a_file_as_the_readme_says(repo: Path) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`--diff` prints a unified diff, writes nothing, and exits 1 when it would change a file" in readme
    before = (repo / "book" / "ch1.md").read_bytes()
    code, out, _ = run("fix", "--diff", "book/ch1.md")
    assert code == 1 and out.startswith("--- a/book/ch1.md") and (repo / "book" / "ch1.md").read_bytes() == before
    write(repo / "book" / "ch1.md", GOOD)
    assert run("fix", "--diff", "book/ch1.md")[:2] == (0, "")


# -- globs: translated once, joined, and the same matches as fnmatch and pathlib ------------


def _glob_matched_one_at_a_time(path: str, pattern: str) -> bool:
    """What a glob matched before globs were joined: fnmatch on the whole path (each
    ``**/`` also matching no folder), or ``PurePosixPath.match`` from the right."""
    from fnmatch import fnmatch
    from pathlib import PurePosixPath

    from citelint.files import _glob_variants

    if any(fnmatch(path, variant) for variant in _glob_variants(pattern)):
        return True
    try:
        return PurePosixPath(path).match(pattern)
    except ValueError:  # "empty pattern" (``.``): an internal error then
        return False


def _excluded_one_at_a_time(path: str, patterns: tuple[str, ...], folders_checked: bool) -> bool:
    import itertools
    from fnmatch import fnmatch

    posix = path.replace(os.sep, "/").removeprefix("./")
    parts = posix.split("/")
    folders = [] if folders_checked else list(itertools.accumulate(parts[:-1], lambda above, part: f"{above}/{part}"))
    names = parts[-1:] if folders_checked else parts
    for pattern in patterns:
        pattern = pattern.removeprefix("./").rstrip("/")
        if _glob_matched_one_at_a_time(posix, pattern) or any(fnmatch(name, pattern) for name in names + folders):
            return True
    return False


_GLOB_PIECES = ["a", "b", "/", "*", "**", "**/", "?", "[", "]", "!", "-", "[a-c]", "[!a]", "[]]", "[!]", ".", "..", "\\", "^", "c.md", "//", "|", "("]
_PATH_PIECES = ["a", "b", "/", "c.md", ".", "..", "-", "]", "[", "!", "^", "\\", "//", "*", "|", "("]


@pytest.mark.parametrize("seed", range(4))
def test_joined_globs_match_what_each_glob_matched_alone(seed: int) -> None:
    """``exclude`` and ``per-file-ignores`` globs are translated once and joined into one
    pattern (``files.GlobSet``): each path, glob and set of globs must match as the globs
    one at a time did (fnmatch, pathlib, and for ``exclude`` each part and folder)."""
    import random

    from citelint.files import GlobSet, _matches_excluded

    rng = random.Random(seed)
    for _ in range(400):
        patterns = tuple("".join(rng.choice(_GLOB_PIECES) for _ in range(rng.randint(0, 6))) for _ in range(rng.choice((1, 1, 2, 5))))
        globs = GlobSet(patterns)
        for _ in range(25):
            path = "".join(rng.choice(_PATH_PIECES) for _ in range(rng.randint(0, 7)))
            assert globs.matches(path) == any(_glob_matched_one_at_a_time(path, pattern) for pattern in patterns), (patterns, path)
            for folders_checked in (False, True):
                assert _matches_excluded(path, patterns, folders_checked) == _excluded_one_at_a_time(path, patterns, folders_checked), (patterns, path)


def test_per_file_ignores_by_code_are_what_each_glob_switched_off() -> None:
    from citelint.config import ignored_for_path

    table = (("book/*.md", ("CIT001",)), ("**/drafts/**", ("CIT002", "CIT003")), ("ch?.md", ("CIT003",)), ("/abs/*.md", ("URL",)))
    settings = Settings(per_file_ignores=table)
    for names in [("book/ch1.md",), ("x/drafts/a/ch2.md",), ("drafts/ch3.md",), ("/abs/x.md",), ("src/book/chapter.md", "other.md"), ("none.md",)]:
        expected = {code for pattern, codes in table for code in codes if any(_glob_matched_one_at_a_time(name, pattern) for name in names)}
        assert set(ignored_for_path(settings, names)) == expected, names


def test_a_glob_of_no_parts_matches_nothing_and_is_no_internal_error(repo: Path) -> None:
    """``per-file-ignores`` of ``"."`` (pathlib refuses an empty pattern) stopped the
    check with an internal error; it matches no file."""
    write(repo / ".citelint.toml", '[per-file-ignores]\n"." = ["CIT003"]\n"" = ["CIT003"]\n')
    result = run("check", "--no-cache", "book/ch1.md")
    assert result.code == 1 and "internal error" not in result.stdout + result.stderr and "CIT003" in result.stdout
