"""A plain ``citelint check`` run by the console script without click
(check_options.read_plain, check_command.run_plain, console.echo) reads its command
line as click reads it and writes, byte for byte, what the click command writes, with
the same exit code; whatever it cannot read as click would goes to click."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint.check_options import CHECK_OPTIONS, WATCH, read_plain
from citelint.cli import cli
from helpers import REFS

CHECK = cli.get_command(None, "check")  # type: ignore[arg-type]
assert CHECK is not None

# Each option's names, the values hooks and people type, and values click refuses.
TOKENS = sorted(
    {name for option in CHECK_OPTIONS for name in (*option.names, option.off) if name}
    | {
        "--format=json", "--format=xml", "--format=", "--select=CIT001", "--select=", "--select=nope", "--ignore=cit00,misplaced-citation",
        "--jobs=0", "--jobs=2", "-j4", "-j0", "-j=4", "-jx", "-qj4", "-qq", "--", "-", "-x", "--help", "-h", "--urls=1", "--quiet=",
        "--timeout=5", "--version", "--cache-dir=d", "--config=c.toml", "--config=d",
        "json", "text", "github", "sarif", "xml", "after", "before", "CIT00", "cit003,misplaced-citation", "ALL", "nope", ",",
        "0", "1", "3", "-1", " 2", "٣", "1_0", "1e1", "nan", "inf", "0.05", "0.1", "600", "600.1", "2.5",
        "a.md", "d", "c.toml", "missing.md", "é.md", "x=y",
    }
)


def clicks_reading(args: list[str]) -> dict[str, object] | None:
    """The parameters click gives the check function, or None where click refuses the line."""
    try:
        context = CHECK.make_context("check", list(args))
    except (click.exceptions.ClickException, click.exceptions.Exit):
        return None
    parameters = dict(context.params)
    parameters.pop(WATCH.dest)
    return parameters


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.md").write_text("Claim. [CITATION 1]\n" + REFS, encoding="utf-8")
    (tmp_path / "c.toml").write_text("", encoding="utf-8")
    (tmp_path / "d").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=7), variable=st.sampled_from([None, "", "json", "xml", "github"]))
def test_what_is_read_without_click_is_what_click_reads(folder: Path, tokens: list[str], variable: str | None) -> None:
    environ = {key: value for key, value in os.environ.items() if key != "CITELINT_FORMAT"}
    if variable is not None:
        environ["CITELINT_FORMAT"] = variable
    with mock.patch.dict(os.environ, environ, clear=True):
        plain = read_plain(["check", *tokens], os.environ)
        if plain is not None:
            assert plain == clicks_reading(tokens), tokens


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "a.md"],
        ["check", "a.md", "d", "--quiet"],
        ["check", "--format", "github", "a.md"],
        ["check", "--format=json", "-q", "a.md"],
        ["check", "--urls", "--allow-private", "--timeout", "2.5", "--cache-dir", "d", "a.md"],
        ["check", "--no-allow-private", "--offline", "--refresh", "--accept-changes", "--archive", "--urls", "a.md"],
        ["check", "-j", "2", "--select", "CIT00", "--ignore", "cit006", "--strict", "--no-cache", "a.md"],
        ["check", "-j3", "--config", "c.toml", "--placement", "after", "--stdin-filename", "x.md", "-"],
        ["check", "--statistics", "a.md"],
    ],
)
def test_the_lines_hooks_ci_and_people_type_are_read_without_click(folder: Path, args: list[str]) -> None:
    environ = {key: value for key, value in os.environ.items() if key != "CITELINT_FORMAT"}
    plain = read_plain(args, environ)
    assert plain is not None
    with mock.patch.dict(os.environ, environ, clear=True):
        assert plain == clicks_reading(args[1:])


@pytest.mark.parametrize(
    "args, environ",
    [
        (["check", "--watch", "a.md"], {}),  # needs click's context
        (["check", "--statistics", "--format", "json"], {}),  # a usage error: click says it
        (["check", "--statistics"], {"CITELINT_FORMAT": "json"}),
        (["check", "--help"], {}),
        (["check", "-qj2"], {}),
        (["check", "--", "a.md"], {}),
        (["check", "--config", "d"], {}),  # a folder given as the file: click says so
        (["check", "--cache-dir", "a.md"], {}),
        (["check", "--format", "--quiet"], {}),  # click would take --quiet as the format
        (["check", "--jobs", "0"], {}),
        (["check", "--timeout", "nan"], {}),
        (["check", "--select", "nope"], {}),
        (["check"], {"CITELINT_FORMAT": "xml"}),
        (["check"], {"_CITELINT_COMPLETE": "bash_complete"}),  # shell completion
        (["fix", "a.md"], {}),
        (["--version"], {}),
        ([], {}),
    ],
)
def test_what_click_would_refuse_or_do_otherwise_is_left_to_click(folder: Path, args: list[str], environ: dict[str, str]) -> None:
    assert read_plain(args, environ) is None


# The console script, and the click command run by the same interpreter on the same line.
CONSOLE_SCRIPT = [sys.executable, "-m", "citelint"]
CLICK_COMMAND = [sys.executable, "-c", "import sys; from citelint.cli import main; main(prog_name='citelint')"]


def both(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    environment = {**os.environ, **(env or {})}
    environment.pop("CITELINT_FORMAT", None)
    plain = subprocess.run([*CONSOLE_SCRIPT, *args], cwd=cwd, capture_output=True, env=environment, timeout=120)
    with_click = subprocess.run([*CLICK_COMMAND, *args], cwd=cwd, capture_output=True, env=environment, timeout=120)
    return plain, with_click


@pytest.fixture
def chapters(tmp_path: Path) -> Path:
    (tmp_path / "clean.md").write_text('Claim. [CITATION 1]\n\n## References\n\n1. "One." Example Press, 2020. https://example.com/1\n', encoding="utf-8")
    (tmp_path / "drift.md").write_text("First [CITATION 2], then [CITATION 1]; [Citation 3] and [CITATION 9].\n" + REFS, encoding="utf-8")
    (tmp_path / "é-\x1b[31mred.md").write_text("Claim [CITATION 4] \x1b[2J.\n" + REFS, encoding="utf-8")
    (tmp_path / "ü.md").write_text("Über [CITATION 5].\n" + REFS, encoding="utf-8")
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe not UTF-8 [CITATION 1]\n")
    (tmp_path / "broken.toml").write_text("[tool.citelint\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "args, env",
    [
        pytest.param(["check", "."], {}, id="text"),
        pytest.param(["check", "--format", "json", "."], {}, id="json"),
        pytest.param(["check", "--format", "sarif", "drift.md"], {}, id="sarif"),
        pytest.param(["check", "--format", "github", "."], {}, id="github"),
        pytest.param(["check", "--format=rdjson", "--strict", "drift.md"], {}, id="rdjson"),
        pytest.param(["check", "--statistics", "--no-cache", "."], {}, id="statistics"),
        pytest.param(["check", "clean.md"], {}, id="clean"),
        pytest.param(["check", "missing.md", "clean.md"], {}, id="missing file"),
        pytest.param(["check", "--config", "broken.toml", "."], {}, id="configuration error"),
        pytest.param(["check", "."], {"PYTHONIOENCODING": "ascii"}, id="ascii output"),
        pytest.param(["check", "--format", "junit", "."], {"PYTHONIOENCODING": "latin-1:backslashreplace"}, id="latin-1 output"),
        pytest.param(["check", "--format", "json", "."], {"CITELINT_FORMAT": "gitlab"}, id="variable and option"),
    ],
)
def test_the_console_script_without_click_writes_what_the_click_command_writes(chapters: Path, args: list[str], env: dict[str, str]) -> None:
    plain, with_click = both(args, chapters, env)
    assert (plain.returncode, plain.stdout, plain.stderr) == (with_click.returncode, with_click.stdout, with_click.stderr)
    assert plain.returncode in (1, 2) or args[-1] == "clean.md"
    assert plain.stdout or plain.stderr


def test_the_format_variable_is_read_as_click_reads_it(chapters: Path) -> None:
    environment = {**os.environ, "CITELINT_FORMAT": "github"}
    plain = subprocess.run([*CONSOLE_SCRIPT, "check", "drift.md"], cwd=chapters, capture_output=True, env=environment, timeout=120)
    with_click = subprocess.run([*CLICK_COMMAND, "check", "drift.md"], cwd=chapters, capture_output=True, env=environment, timeout=120)
    assert plain.stdout == with_click.stdout and plain.stdout.startswith(b"::error ")


IMPORTS_CLICK = (
    "import sys\n"
    "sys.argv = ['probe', *sys.argv[1:]]\n"
    "from citelint.__main__ import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    print('click' in sys.modules, file=sys.stderr)\n"
)


@pytest.mark.parametrize("args, imports_click", [(["check", "clean.md"], False), (["check", "-q", "--format", "json", "."], False), (["check", "--help"], True), (["rules"], True)])
def test_a_plain_check_imports_no_click(chapters: Path, args: list[str], imports_click: bool) -> None:
    """Counted, not timed: click's import is ~40% of an unchanged book's check."""
    result = subprocess.run([sys.executable, "-c", IMPORTS_CLICK, *args], cwd=chapters, capture_output=True, text=True, timeout=120)
    assert result.stderr.splitlines()[-1] == str(imports_click), result.stderr


def test_a_closed_output_pipe_ends_both_the_same_way(tmp_path: Path) -> None:
    """click ends a command whose reader went away with exit 1 and nothing on standard
    error; so does the check without click."""
    (tmp_path / "many.md").write_text("".join(f"Claim [CITATION {n}].\n\n" for n in range(1, 4001)), encoding="utf-8")
    outcomes = []
    for command in (CONSOLE_SCRIPT, CLICK_COMMAND):
        process = subprocess.Popen([*command, "check", "--no-cache", "many.md"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(100)
        process.stdout.close()
        outcomes.append((process.wait(timeout=120), process.stderr.read()))
    assert outcomes[0] == outcomes[1] == (1, b"")


@pytest.mark.parametrize("failure, code, said", [(KeyboardInterrupt, 1, "\nAborted!\n"), (RuntimeError("boom"), 2, "citelint: internal error: RuntimeError: boom (please report this)\n")])
def test_an_interruption_or_a_bug_ends_both_the_same_way(folder: Path, capsys: pytest.CaptureFixture[str], failure: BaseException, code: int, said: str) -> None:
    from citelint import check_command
    from citelint.cli import main

    def fails(**parameters: object) -> int:
        raise failure

    outcomes = []
    with mock.patch.object(check_command, "run_check", fails):
        for run in (lambda: check_command.run_plain(read_plain(["check", "a.md"], {}) or {}), lambda: main(["check", "a.md"])):
            with pytest.raises(SystemExit) as ended:
                run()
            outcomes.append((ended.value.code, capsys.readouterr().err))
    assert outcomes[0] == outcomes[1] == (code, said)


ECHO = (
    "import sys\n"
    "from citelint import console\n"
    "import click\n"
    "for message in ['plain', 'é', 'é and \\x1b[31mred\\x1b[0m', '']:\n"
    "    for err in (False, True):\n"
    "        (console.echo if sys.argv[1] == 'console' else click.echo)(message, err=err)\n"
    "        (console.echo if sys.argv[1] == 'console' else click.echo)(message, err=err, nl=False)\n"
)


@pytest.mark.parametrize("encoding", [None, "ascii", "latin-1:replace", "utf-16"])
def test_echo_writes_what_clicks_echo_writes(tmp_path: Path, encoding: str | None) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONIOENCODING"}
    if encoding:
        environment["PYTHONIOENCODING"] = encoding
    ours, clicks = (subprocess.run([sys.executable, "-c", ECHO, which], capture_output=True, env=environment, timeout=60) for which in ("console", "click"))
    assert (ours.returncode, ours.stdout, ours.stderr) == (clicks.returncode, clicks.stdout, clicks.stderr)
    assert ours.stdout.replace(b"\x00", b"").startswith(b"plain")


@pytest.mark.skipif(sys.platform.startswith("win"), reason="a pseudo-terminal")
def test_echo_on_a_terminal_keeps_the_colours_as_click_does(tmp_path: Path) -> None:
    import pty

    written = []
    for which in ("console", "click"):
        main, secondary = pty.openpty()
        process = subprocess.Popen([sys.executable, "-c", ECHO, which], stdout=secondary, stderr=secondary)
        os.close(secondary)
        out = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError as error:  # the terminal closed with the process
                assert error.errno == errno.EIO
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert process.wait(timeout=60) == 0
        written.append(out)
    assert written[0] == written[1] and b"\x1b[31m" in written[0]
