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
from helpers import REFS

OUT_OF_ORDER = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + REFS
LATE = "A. [CITATION 1] B. [CITATION 2] C [CITATION 3].\n" + REFS  # CIT006 only


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "ch1.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    (tmp_path / "book" / "ch2.md").write_text(LATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


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


def test_pyproject_without_citelint_table_is_skipped(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n')
    write(repo / "book" / "pyproject.toml", '[tool.black]\nline-length = 80\n')
    assert run("check", "book/ch1.md")[0] == 1


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
        (".citelint.toml", 'numbering = "book"\n', ".citelint.toml: 'numbering' must be \"chapter\" (each file numbered on its own; \"book\", one numbering across chapters, is not available yet), not a string ('book')"),
        (".citelint.toml", 'reference-headings = ["Sources", " "]\n', ".citelint.toml: 'reference-headings' must be a non-empty list of non-empty strings"),
        (".citelint.toml", 'marker = "CIT[ATION"\n', ".citelint.toml: 'marker' must be a non-empty string without brackets"),
        (".citelint.toml", "[urls]\ntimeout = inf\n", ".citelint.toml: 'urls.timeout' must be a positive number of seconds, at most 600, not a number (inf)"),
        (".citelint.toml", "[urls]\nexpire-after = nan\n", ".citelint.toml: 'urls.expire-after' must be a positive number of seconds, not a number (nan)"),
    ],
    ids=["typo-key", "unknown-code", "string-for-list", "bad-choice", "int-for-bool", "zero-workers", "huge-per-host", "url-typo", "bad-severity", "bad-toml",
         "deep-arrays", "deep-tables", "huge-integer", "book-numbering", "blank-heading", "bracket-marker", "infinite-timeout", "nan-expiry"],
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
            "pyproject.toml: is larger than 4 MiB; not read as a configuration file",
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
