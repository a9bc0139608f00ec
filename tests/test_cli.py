"""The command line, through click's runner and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint import __version__
from citelint.cli import cli as main
from helpers import REFS

CLEAN = "One. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]\n" + REFS
OUT_OF_ORDER = "One. [CITATION 1] Two. [CITATION 3] Three. [CITATION 2]\n" + REFS
WARNING_ONLY = "One. [CITATION 1] Two. [CITATION 2] Three [CITATION 3].\n" + REFS


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # stop config discovery here
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "book" / "b.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    return tmp_path


def test_text_output_and_exit_code(book: Path) -> None:
    code, out, err = run("check", "book")
    assert code == 1
    assert out == (
        "book/b.md:1:24: CIT003 reference 3 is first cited before reference 2; "
        "number references in order of first citation (run `citelint fix`)\n"
        "Found 1 problem (1 error, 0 warnings) in 2 files.\n"
    )
    assert err == ""


def test_statistics_counts_each_rule_most_first(book: Path) -> None:
    Path("book/c.md").write_text(
        "A [CITATION 2] B [CITATION 1] C [Citation 3]. D [Citation 3]. E [CITATION 1].\n\n## References\n\n"
        '1. "One." P, 2020. https://e.com/1\n2. "Two." P, 2020. https://e.com/2\n3. "Three." P, 2020. https://e.com/3\n',
        encoding="utf-8",
    )
    code, out, _ = run("check", "--statistics", "book")
    assert code == 1
    assert out == (
        "3  CIT006  misplaced-citation (warning)\n"
        "2  CIT003  citation-out-of-order (error)\n"
        "2  CIT005  malformed-marker (error)\n"
        "Found 7 problems (4 errors, 3 warnings) in 3 files.\n"
    ), out
    code, _, err = run("check", "--statistics", "--format", "json", "book")
    assert code == 2 and "--statistics prints a table of counts" in err


def test_clean_file_exits_zero(book: Path) -> None:
    code, out, _ = run("check", "book/a.md")
    assert code == 0
    assert out == "Found 0 problems (0 errors, 0 warnings) in 1 file.\n"


def test_json_output_is_the_documented_contract(book: Path) -> None:
    code, out, _ = run("check", "--format", "json", "book", "missing.md")
    document = json.loads(out)
    assert code == 2
    assert document["version"] == 1
    assert document["files_checked"] == 2
    assert document["errors"] == [{"path": "missing.md", "message": "no such file or directory"}]
    (diagnostic,) = document["diagnostics"]
    assert set(diagnostic) == {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "fix"}
    assert (diagnostic["path"], diagnostic["line"], diagnostic["column"], diagnostic["end_column"]) == ("book/b.md", 1, 24, 36)
    assert (diagnostic["code"], diagnostic["name"], diagnostic["severity"]) == ("CIT003", "citation-out-of-order", "error")
    assert diagnostic["fix"]["description"].startswith("renumber in order of first citation: renumbered 2 markers")


def test_a_text_run_then_a_json_run_both_answer_fully_from_the_cache(book: Path) -> None:
    """The renumbering plan is made only for JSON; the two runs keep separate entries."""
    first_text, first_json = run("check", "book")[1], run("check", "--format", "json", "book")[1]
    assert run("check", "book")[1] == first_text
    (diagnostic,) = json.loads(run("check", "--format", "json", "book")[1])["diagnostics"]
    assert diagnostic["fix"] is not None and json.loads(first_json)["diagnostics"][0]["fix"] == diagnostic["fix"]


def test_json_fix_for_a_malformed_marker(book: Path) -> None:
    Path("c.md").write_text(CLEAN.replace("[CITATION 2]", "[Citation 2]"), encoding="utf-8")
    _, out, _ = run("check", "--format", "json", "c.md")
    (diagnostic,) = json.loads(out)["diagnostics"]
    assert diagnostic["fix"] == {
        "description": "replace `[Citation 2]` with `[CITATION 2]`",
        "edits": [{"line": 1, "column": 24, "end_line": 1, "end_column": 36, "content": "[CITATION 2]"}],
    }


def test_format_from_environment(book: Path) -> None:
    _, out, _ = run("check", "book", env={"CITELINT_FORMAT": "json"})
    assert json.loads(out)["files_checked"] == 2


def test_select_and_ignore(book: Path) -> None:
    assert run("check", "--select", "CIT001,CIT002", "book")[0] == 0
    assert run("check", "--ignore", "CIT003", "book")[0] == 0
    assert run("check", "--ignore", "cit00", "book")[0] == 0
    assert run("check", "--select", "ALL", "book")[0] == 1


def test_unknown_code_is_a_usage_error(book: Path) -> None:
    code, _, err = run("check", "--select", "CIT999", "book")
    assert code == 2
    assert "unknown rule code(s) or name(s): CIT999" in err


def test_strict_fails_on_warnings(book: Path) -> None:
    Path("w.md").write_text(WARNING_ONLY, encoding="utf-8")
    assert run("check", "w.md")[0] == 0
    assert run("check", "--strict", "w.md")[0] == 1


def test_quiet_prints_findings_only(book: Path) -> None:
    _, out, _ = run("check", "--quiet", "book")
    assert out.count("\n") == 1 and "Found" not in out


def test_color_only_on_a_terminal_and_never_with_no_color(book: Path) -> None:
    _, out, _ = run("check", "book")
    assert "\x1b[" not in out


def test_rules_lists_every_code() -> None:
    code, out, _ = run("rules")
    assert code == 0
    from citelint.catalog import CODES

    assert [line.split()[0] for line in out.splitlines()] == list(CODES)
    assert {"CIT001", "CIT015", "URL001", "URL006"} <= set(CODES)
    assert "citation-out-of-order" in out and "warning" in out


def test_explain_shows_examples() -> None:
    code, out, _ = run("explain", "cit003")
    assert code == 0
    assert out.startswith("CIT003 citation-out-of-order (error)")
    assert "Failing:" in out and "Passing:" in out


def test_explain_url_rule() -> None:
    code, out, _ = run("explain", "URL006")
    assert code == 0 and out.startswith("URL006 unverifiable-link (info)") and "bot wall" in out


@pytest.mark.parametrize("name", ["citation-out-of-order", "Citation-Out-Of-Order", "unclosed-block", "dead-link"])
def test_explain_takes_a_rule_name_too(name: str) -> None:
    code, out, _ = run("explain", name)
    assert code == 0 and f" {name.lower()} (" in out.splitlines()[0]


def test_explain_unknown_code() -> None:
    code, _, err = run("explain", "CIT099")
    assert code == 2 and "unknown rule code" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"citelint {__version__}"


# -- bad input: one line each, exit 2, the other files still linted -----------------


def test_missing_path(book: Path) -> None:
    code, out, err = run("check", "nope.md", "book/b.md")
    assert code == 2
    assert err == "citelint: error: nope.md: no such file or directory\n"
    assert "book/b.md:1:24: CIT003" in out


def test_an_empty_path_names_no_file(book: Path) -> None:
    code, out, err = run("check", "", "book/b.md")
    assert code == 2
    assert err == 'citelint: error: "": an empty path names no file\n'
    assert "book/b.md:1:24: CIT003" in out


# -- standard input (editors pipe the buffer in) --------------------------------


def piped(*args: str, data: bytes) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, list(args), input=data)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_check_reads_standard_input_under_a_name(book: Path) -> None:
    data = Path("book/b.md").read_bytes()
    code, out, err = piped("check", "-", data=data)
    assert code == 1 and out.decode().startswith("-:1:24: CIT003")
    Path(".citelint.toml").write_text('[per-file-ignores]\n"book/*.md" = ["CIT003"]\n', encoding="utf-8")
    code, out, err = piped("check", "--stdin-filename", "book/b.md", "-", data=data)
    assert code == 0 and out == b"Found 0 problems (0 errors, 0 warnings) in 1 file.\n"  # the name's ignores apply


def test_fix_reads_standard_input_and_writes_standard_output(book: Path) -> None:
    data = Path("book/b.md").read_bytes().replace(b"\n", b"\r\n")
    before = sorted(p.read_bytes() for p in Path("book").iterdir())
    code, out, err = piped("fix", "--stdin-filename", "ch.md", "-", data=data)
    assert code == 0 and err == "ch.md: renumbered 2 markers, moved 2 references\n"
    assert out.count(b"\r\n") == data.count(b"\r\n") and out != data
    assert piped("check", "-", data=out)[0] == 0
    assert sorted(p.read_bytes() for p in Path("book").iterdir()) == before  # no file written


def test_fix_of_standard_input_that_cannot_be_fixed_passes_it_through(book: Path) -> None:
    data = b"A [CITATION 4] B [CITATION 2] C [CITATION 1]\n\n## References\n\n1. \"A\" P, 2020. https://e.com/1\n2. \"B\" P, 2021. https://e.com/2\n"
    code, out, err = piped("fix", "-", data=data)
    assert code == 1 and out == data
    assert err == "-: not fixed: reference 4 is cited but not in the reference list\n"


def test_fix_diff_of_standard_input(book: Path) -> None:
    code, out, err = piped("fix", "--diff", "-", data=Path("book/b.md").read_bytes())
    assert code == 1 and out.startswith(b"--- a/-\n+++ b/-\n") and err == ""


def test_standard_input_that_is_not_utf8(book: Path) -> None:
    code, out, err = piped("check", "-", data="\ufeffA".encode("utf-16-le"))
    assert code == 2 and err == "citelint: error: -: is UTF-16 encoded, not UTF-8; save it as UTF-8\n"


def test_directory_without_markdown(book: Path) -> None:
    Path("empty").mkdir()
    code, _, err = run("check", "empty")
    assert code == 2
    assert err == "citelint: error: empty: no Markdown files (*.md, *.markdown) in this directory\n"


def test_invalid_utf8_is_named_and_others_are_linted(book: Path) -> None:
    Path("book/bad.md").write_bytes(b"Caf\xe9 [CITATION 1]\n")
    code, out, err = run("check", "book")
    assert code == 2
    assert err == "citelint: error: book/bad.md: is not valid UTF-8 (byte 0xe9 at line 1, byte 4); save it as UTF-8\n"
    assert "book/b.md:1:24: CIT003" in out
    assert "in 2 files" in out


def test_binary_file(book: Path) -> None:
    Path("book/image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, _, err = run("check", "book")
    assert code == 2
    assert "book/image.md: looks like a binary file" in err


def test_empty_file_is_a_note_not_an_error(book: Path) -> None:
    Path("book/empty.md").write_text("", encoding="utf-8")
    code, _, err = run("check", "book/empty.md")
    assert code == 0
    assert err == "citelint: note: book/empty.md: is empty; nothing to check\n"


def _read_as_nobody(path: str) -> str:
    """read_source in a forked child that dropped root, the only way root meets a permission error."""
    from citelint.files import read_source

    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.setgid(65534)
            os.setuid(65534)
            outcome = read_source(path)
            os.write(writer, getattr(outcome, "message", "read").encode("utf-8"))
        finally:
            os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader) as pipe:
        return pipe.read()


def test_unreadable_file(book: Path) -> None:
    path = Path("book/secret.md")
    path.write_text(CLEAN, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        assert _read_as_nobody(str(path.resolve())) == "cannot be read: permission denied"
        return
    code, out, err = run("check", "book")
    assert code == 2 and "book/secret.md: cannot be read: permission denied" in err
    assert "book/b.md:1:24: CIT003" in out


def test_fifo_is_refused_not_waited_on(book: Path) -> None:
    os.mkfifo("book/pipe.md")
    code, out, err = run("check", "book")
    assert code == 2 and "book/b.md:1:24: CIT003" in out
    assert err == "citelint: error: book/pipe.md: is not a regular file (a pipe, socket or device); not linted\n"


def test_broken_symlink(book: Path) -> None:
    os.symlink("gone.md", "book/dangling.md")
    code, _, err = run("check", "book")
    assert code == 2 and "book/dangling.md: is a symbolic link to nothing (its target does not exist)" in err


def test_explicit_file_with_any_extension(book: Path) -> None:
    Path("chapter.txt").write_text(OUT_OF_ORDER, encoding="utf-8")
    assert run("check", "chapter.txt")[0] == 1


def test_hidden_files_and_folders_are_skipped(book: Path) -> None:
    Path("book/.hidden").mkdir()
    Path("book/.hidden/x.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    Path("book/.y.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    _, out, _ = run("check", "book")
    assert "hidden" not in out and ".y.md" not in out


def test_installed_software_folders_are_skipped(book: Path) -> None:
    for folder in ("node_modules/pkg", "venv/lib", "book/site-packages"):
        Path(folder).mkdir(parents=True)
        Path(folder, "README.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    _, out, _ = run("check", ".")
    assert "node_modules" not in out and "venv" not in out and "site-packages" not in out
    assert run("check", "node_modules/pkg/README.md")[0] == 1  # explicit paths are linted


def test_symlink_loop_terminates(book: Path) -> None:
    os.symlink("..", "book/loop")
    code, out, _ = run("check", "book")
    assert code == 1 and "in 2 files" in out


def test_installed_console_script_runs() -> None:
    manuscript = Path(__file__).resolve().parent.parent / "manuscript"
    script = Path(sys.executable).parent / "citelint"
    result = subprocess.run(
        [str(script), "check", str(manuscript)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "chapter-38.md:11:623: CIT003" in result.stdout
    assert result.stderr == ""
    assert "Traceback" not in result.stdout + result.stderr


def _run_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    import pty

    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "citelint", *args], stdout=secondary, stderr=secondary, cwd=cwd, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_unless_no_color(book: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "CI")}
    coloured = _run_on_a_terminal(["check", "--no-cache", "book/b.md"], env, book)
    assert "\x1b[1;31mCIT003\x1b[0m" in coloured
    plain = _run_on_a_terminal(["check", "--no-cache", "book/b.md"], {**env, "NO_COLOR": "1"}, book)
    assert "CIT003" in plain and "\x1b[" not in plain


# -- paths and help, as citelint makes them (no gettext lookup at start) -------------


def test_help_is_offered_by_every_command_as_click_words_it() -> None:
    for command in ([], ["check"], ["fix"], ["rules"], ["explain"]):
        for flag in ("--help", "-h"):
            code, out, _ = run(*command, flag)
            assert code == 0 and out.startswith("Usage: ") and "  -h, --help" in out and "Show this message and exit." in out, (command, flag)
    code, out, _ = run("--help")
    assert "--version" in out and "Show the version and exit." in out


def test_a_configuration_path_that_is_a_folder_is_refused(book: Path) -> None:
    code, _, err = run("check", "--config", "book", "book/a.md")
    assert code == 2 and "Invalid value for '--config': File 'book' is a directory." in err


def test_a_cache_folder_that_is_a_file_is_refused(book: Path) -> None:
    code, _, err = run("check", "--cache-dir", "book/a.md", "book/a.md")
    assert code == 2 and "Invalid value for '--cache-dir': Directory 'book/a.md' is a file." in err


def test_paths_complete_as_files_and_the_cache_folder_as_a_folder(book: Path) -> None:
    import click
    from click.shell_completion import ShellComplete

    completion = ShellComplete(main, {}, "citelint", "_CITELINT_COMPLETE")
    files = completion.get_completions(["check"], "bo")
    folders = completion.get_completions(["check", "--cache-dir"], "bo")
    assert [item.type for item in files] == ["file"] and [item.type for item in folders] == ["dir"]
    assert isinstance(main, click.Group)


def test_a_one_chapter_check_looks_up_no_translation() -> None:
    """Counted, not timed: click looks its texts up in gettext's catalogs (and imports
    locale the first time) whenever it makes a help option or a Path type unless the
    text is given: ~3 ms of a one-chapter check, which the pre-commit hook runs after
    every edit."""
    probe = (
        "import gettext, sys\n"
        "looked_up = []\n"
        "lookup = gettext.dgettext\n"
        "gettext.dgettext = lambda domain, message: looked_up.append(message) or lookup(domain, message)\n"
        "gettext.gettext = lambda message: gettext.dgettext('messages', message)\n"
        "from citelint.cli import main\n"
        "try:\n"
        "    main(['check', '--no-cache', '-'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(looked_up, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], input="Claim. [CITATION 1]\n\n## References\n\n1. A.\n", capture_output=True, text=True, env={**os.environ, "LANG": "C.UTF-8"})
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


def test_each_command_makes_its_help_option_once() -> None:
    """click orders the eager options' callbacks by the objects it was given: the same
    ``--help`` each time it asks."""
    import click

    root = click.Context(main, **main.context_settings)
    check = main.get_command(root, "check")
    assert check is not None
    for command, context in ((main, root), (check, click.Context(check, parent=root))):
        first = command.get_help_option(context)
        assert first is not None and first is command.get_help_option(context) and set(first.opts) == {"-h", "--help"}
