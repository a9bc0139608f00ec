"""What a one-chapter check pays at start, counted rather than timed: the pre-commit
hook runs it after every edit (issue 15: one chapter cold within 1.15x of
importing mistune and click)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHECK_ONE_CHAPTER = (
    "import sys\n"
    "from citelint import lint_text\n"
    "lint_text('# A\\n\\nClaim. [CITATION 1] [CITATION 2, 3]\\n\\n## References\\n\\n1. A. https://e.org/a\\n2. B.\\n3. C.\\n')\n"
    "import citelint.cli, citelint.check_files, citelint.book_order  # a folder's check reads its book order\n"
)


def test_a_one_chapter_check_compiles_none_of_the_patterns_of_shapes_its_chapter_lacks() -> None:
    """Counted, not timed: a plain chapter (no locator, no suppression comment, no
    configuration file) leaves the patterns for those shapes uncompiled."""
    probe = (
        "from citelint import lint_text\n"
        "import citelint.markers as m, citelint.suppress as s, citelint.config as c\n"
        "lint_text('# A\\n\\nClaim. [CITATION 1]\\n\\n## References\\n\\n1. A. https://e.org/a\\n')\n"
        "print(m._LOCATOR.compiled, s.DIRECTIVE.compiled, c._DOTTED_NAME.compiled)\n"
        "lint_text('# A\\n\\n<!-- citelint-disable-next-line CIT001 -->\\nClaim. [CITATION 2]\\n')\n"
        "print(s.DIRECTIVE.compiled)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "False", "True"]


def test_no_value_on_the_lint_path_has_its_fields_typed_by_strings() -> None:
    """typing.NamedTuple compiles a string annotation (``from __future__ import
    annotations``) into a ForwardRef when the class is made: ~7 microseconds a field,
    ~1.4 ms of every start over the lint path's ~30 values. Their modules leave the
    annotations as written."""
    probe = CHECK_ONE_CHAPTER + (
        "import typing\n"
        "found = []\n"
        "for name, module in list(sys.modules.items()):\n"
        "    if not name.startswith('citelint'):\n"
        "        continue\n"
        "    for value in vars(module).values():\n"
        "        if isinstance(value, type) and issubclass(value, tuple) and hasattr(value, '_fields') and value.__module__ == name:\n"
        "            found.append((f'{name}.{value.__name__}', any(isinstance(t, (str, typing.ForwardRef)) for t in value.__annotations__.values())))\n"
        "print(len(found), sorted(n for n, typed_by_strings in found if typed_by_strings))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    count, typed_by_strings = result.stdout.split(" ", 1)
    assert int(count) >= 25 and typed_by_strings.strip() == "[]", result.stdout


COUNT_COLLECTIONS = (
    "import atexit, gc, sys\n"
    "started = []\n"
    "gc.callbacks.append(lambda phase, info: phase == 'start' and started.append(info['generation']))\n"
    "atexit.register(lambda: print(len(started), file=sys.stderr))  # the console script ends the process itself\n"
    "sys.argv = ['citelint', 'check', '--no-cache', '--jobs', '1', sys.argv[2]]\n"
    "try:\n"
    "    if sys.argv_mode == 'console':\n"
    "        from citelint.__main__ import main\n"
    "    else:\n"
    "        from citelint.cli import main\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
)


def collections_in_a_check(tmp_path: Path, entry: str) -> int:
    book = tmp_path / "book"
    book.mkdir(exist_ok=True)
    references = "\n".join(f"{n}. Author {n}, A. ({2000 + n}). \"Title {n}.\" Press. https://example.org/{n}" for n in range(1, 31))
    prose = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, 31))
    for number in range(1, 41):
        (book / f"chapter-{number:02d}.md").write_text(f"# Chapter {number}\n\n{prose}\n\n## References\n\n{references}\n", encoding="utf-8")
    probe = COUNT_COLLECTIONS.replace("sys.argv_mode", repr(entry))
    result = subprocess.run([sys.executable, "-c", probe, "-", str(book)], capture_output=True, text=True, check=True)
    return int(result.stderr.strip().splitlines()[-1])


def test_the_command_line_lets_the_collector_examine_its_many_long_lived_values_rarely(tmp_path: Path) -> None:
    """Counted, not timed: the console script (``citelint.__main__``) sets the
    collector's pace before it imports the command line, so a 40-chapter check runs a
    few collections where the default pace (the command line called directly, as a
    host program would) runs dozens."""
    assert collections_in_a_check(tmp_path, "console") <= 3
    assert collections_in_a_check(tmp_path, "host") >= 20


def test_the_package_imports_nothing_before_the_console_script_sets_the_pace() -> None:
    """``citelint/__init__.py`` runs before ``__main__`` can set the collector's pace:
    it imports neither typing nor anything else that allocates much (``-S``: no site
    hooks, which may import typing on their own)."""
    import citelint

    root = str(Path(citelint.__file__).resolve().parent.parent)
    probe = "import sys\nbefore = set(sys.modules)\nimport citelint\nprint(*sorted(set(sys.modules) - before))\n"
    result = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, check=True, env={"PYTHONPATH": root})
    assert set(result.stdout.split()) <= {"__future__", "citelint", "citelint.version"}, result.stdout


CONSOLE = (
    "import atexit, os, sys, threading, time, types\n"
    "class Kept:\n"
    "    def __del__(self, write=os.write):\n"
    "        write(1, b'torn down\\n')\n"
    "import citelint.cli, citelint.check_command\n"
    "def made_after_the_freeze(command):\n"
    "    def run(*args, **kwargs):\n"
    "        holder = types.ModuleType('holder')  # freed only by the interpreter's teardown (a frozen value not even then)\n"
    "        holder.kept = Kept()\n"
    "        sys.modules['holder'] = holder\n"
    "        return command(*args, **kwargs)\n"
    "    return run\n"
    "citelint.cli.main = made_after_the_freeze(citelint.cli.main)  # the commands click reads\n"
    "citelint.check_command.run_check = made_after_the_freeze(citelint.check_command.run_check)  # a plain check, read without click\n"
    "atexit.register(lambda: print('exit handler ran', flush=True))\n"
    "if 'thread' in sys.argv[1]:\n"
    "    threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True))).start()\n"
    "sys.argv = ['citelint', *sys.argv[2:]]\n"
    "from citelint.__main__ import main\n"
    "main()\n"
)


def console(tmp_path: Path, mode: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CONSOLE, mode, *arguments], capture_output=True, text=True, cwd=tmp_path, timeout=60)


def test_the_console_script_ends_without_the_interpreters_teardown_and_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: once the command is done, the console script flushes the
    output, runs the exit handlers and ends the process, so the interpreter's
    teardown (freeing every value one by one, ~6 ms of a one-chapter check) never
    runs; the report is whole and the exit status the command's: 1 with findings, 2
    for a file that cannot be read, 0 for a clean chapter."""
    from click.testing import CliRunner

    from citelint.cli import cli

    prose = " ".join(f"Claim {n} [CITATION {n}]." for n in range(2, 400))
    (tmp_path / "drift.md").write_text(f"{prose}\n\n## References\n\n" + "\n".join(f"{n}. Source {n}." for n in range(1, 400)) + "\n", encoding="utf-8")
    (tmp_path / "clean.md").write_text("A claim [CITATION 1].\n\n## References\n\n1. Source one.\n", encoding="utf-8")
    found = console(tmp_path, "plain", "check", "--no-cache", "--format", "json", "drift.md")
    assert found.returncode == 1 and "torn down" not in found.stdout
    assert found.stdout.endswith("exit handler ran\n")
    report = found.stdout.removesuffix("exit handler ran\n")
    monkeypatch.chdir(tmp_path)
    assert report == CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", "drift.md"]).stdout  # whole: as the command wrote it
    assert len(report) > 10_000
    missing = console(tmp_path, "plain", "check", "--no-cache", "nowhere.md", "clean.md")
    assert missing.returncode == 2 and "nowhere.md" in missing.stderr and "torn down" not in missing.stdout
    clean = console(tmp_path, "plain", "check", "--no-cache", "clean.md")
    assert clean.returncode == 0 and "torn down" not in clean.stdout
    fixed = console(tmp_path, "plain", "fix", "--check", "clean.md")  # a command click reads
    assert fixed.returncode == 0 and "torn down" not in fixed.stdout and "exit handler ran" in fixed.stdout


def test_the_console_script_ends_the_usual_way_while_another_thread_runs(tmp_path: Path) -> None:
    """A thread that is not a daemon is waited for, as the usual exit does (and the
    interpreter's teardown runs then)."""
    (tmp_path / "clean.md").write_text("A claim [CITATION 1].\n\n## References\n\n1. Source one.\n", encoding="utf-8")
    result = console(tmp_path, "thread", "check", "--no-cache", "clean.md")
    assert result.returncode == 0
    assert "thread done" in result.stdout and "torn down" in result.stdout and "exit handler ran" in result.stdout


def test_the_console_script_ends_the_usual_way_under_a_profiler(tmp_path: Path) -> None:
    """A profiler writes what it saw after the command returns: under one (``python -m
    cProfile -m citelint``) the process ends the usual way, and the profile is written."""
    (tmp_path / "clean.md").write_text("A claim [CITATION 1].\n\n## References\n\n1. Source one.\n", encoding="utf-8")
    command = [sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "citelint", "check", "--no-cache", "clean.md"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "run.prof").stat().st_size > 1000


def test_a_script_that_calls_the_console_scripts_main_goes_on_after_it(tmp_path: Path) -> None:
    """Only citelint's own process ends itself: a script of the writer's that runs
    ``main`` and catches its exit goes on, and ``python -m citelint`` ends as the
    console script does (no teardown)."""
    (tmp_path / "clean.md").write_text("A claim [CITATION 1].\n\n## References\n\n1. Source one.\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from citelint.__main__ import main\n"
        "sys.argv[1:] = ['check', '--no-cache', 'clean.md']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    print('went on after', exit.code)\n"
    )
    (tmp_path / "mine.py").write_text(script, encoding="utf-8")
    result = subprocess.run([sys.executable, "mine.py"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.stdout.strip().endswith("went on after 0"), result.stderr
    probe = "import atexit, runpy, sys\natexit.register(lambda: print('exit handler ran'))\nsys.argv = [sys.argv[1], 'check', '--no-cache', 'clean.md']\nrunpy.run_path(sys.argv[0], run_name='__main__')\nprint('went on after')\n"
    import citelint.__main__ as console

    ran = subprocess.run([sys.executable, "-c", probe, console.__file__], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert ran.returncode == 0 and ran.stdout.endswith("exit handler ran\n") and "went on after" not in ran.stdout, (ran.stdout, ran.stderr)


def test_the_http_cache_opens_without_importing_the_backends_and_formats_it_never_uses(tmp_path: Path) -> None:
    """requests-cache's package imports every backend and format whose library is
    installed (boto3 alone ~90 ms of a link check's start). Stand-ins for them on the
    path record an import: opening citelint's HTTP cache makes none, and each imports
    as usual afterwards."""
    for name in ("boto3", "redis", "yaml", "ujson"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"import sys\nsys.stderr.write('imported {name}\\n')\n")
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from pathlib import Path\n"
        "from citelint.urls.http import make_session\n"
        "from citelint.urls.policy import AddressPolicy\n"
        f"session = make_session(AddressPolicy(), 4, Path({str(tmp_path / 'cache' / 'http.sqlite')!r}), 60.0, print)\n"
        "print(type(session).__name__, 'requests_cache' in sys.modules)\n"
        "sys.stderr.write('opened\\n')\n"
        "import boto3, yaml\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["CachedSession", "True"]
    assert result.stderr.split("\n") == ["opened", "imported boto3", "imported yaml", ""]
