"""The result cache, --jobs, and what a plain lint imports."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import helpers

from citelint.cli import cli

CHAPTER = "A. [CITATION 1] B. [CITATION 3] C [CITATION 2].\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/a\n2. \"B.\" P. https://e.com/b\n3. \"C.\" P, 2022.\n"


@pytest.fixture
def book(project: Path) -> Path:
    folder = project / "book"
    folder.mkdir()
    for number in range(12):
        text = CHAPTER if number % 3 else CHAPTER.replace("[CITATION 3]", "[Citation 3]")
        (folder / f"ch{number:02d}.md").write_text(text * (1 + number % 4) + ("x" * 100_000 if number % 2 else ""), encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    return tuple(helpers.cli("check", "--format", "json", *args))  # type: ignore[return-value]


def index_file() -> Path:
    """The result cache's one index (one per project and settings)."""
    (found,) = Path(".citelint-cache/lint").glob("index-*.json")
    return found


def index() -> dict:  # type: ignore[type-arg]
    return json.loads(index_file().read_text(encoding="utf-8"))


def test_cached_results_are_identical_and_skip_parsing(book: Path) -> None:
    cold = run("book")
    assert Path(".citelint-cache/lint").is_dir()
    assert sorted(index()["files"]) == sorted(f"book/ch{n:02d}.md" for n in range(12))
    warm = run("book")
    uncached = run("--no-cache", "book")
    assert cold == warm == uncached
    assert json.loads(cold[1])["diagnostics"]
    # an unchanged file is served from the cache: tamper with an entry and it shows
    data = index()
    data["files"]["book/ch00.md"][4] = []  # same content hash, no findings
    index_file().write_text(json.dumps(data), encoding="utf-8")
    assert run("book")[1] != cold[1]
    assert run("--no-cache", "book")[1] == cold[1]


def test_the_cache_keeps_itself_out_of_git(book: Path) -> None:
    """Like .ruff_cache and .pytest_cache: a .gitignore inside, so `git add .` never
    stages it even where the user's own .gitignore does not name it."""
    subprocess.run(["git", "init", "-q", "."], check=True)
    run("book")
    assert Path(".citelint-cache/.gitignore").read_text(encoding="utf-8").endswith("\n*\n")
    assert Path(".citelint-cache/CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True).stdout
    assert status and ".citelint-cache" not in status


def test_an_edited_file_replaces_its_entry(book: Path) -> None:
    """One entry per file: months of edits do not grow the cache; a removed file's entry goes."""
    run("book")
    for round_ in range(3):
        (book / "ch01.md").write_text(CHAPTER + f"\nEdit {round_}.\n", encoding="utf-8")
        assert run("book")[1] == run("--no-cache", "book")[1]
    assert len(index()["files"]) == 12
    (book / "ch02.md").unlink()
    (book / "ch01.md").write_text(CHAPTER, encoding="utf-8")
    run("book")
    assert len(index()["files"]) == 11 and len(list(Path(".citelint-cache/lint").iterdir())) == 1


def test_changed_file_or_settings_are_linted_again(book: Path) -> None:
    run("book")
    (book / "ch00.md").write_text(CHAPTER.replace("[CITATION 3]", "[CITATION 2]"), encoding="utf-8")
    assert run("book")[1] == run("--no-cache", "book")[1]
    assert run("--placement", "before", "book")[1] == run("--no-cache", "--placement", "before", "book")[1]


@pytest.mark.parametrize(
    "garbage",
    [b"\x00garbage{", b"[" * 100_000 + b"]" * 100_000, b'{"format": 4, "files": []}', b'{"format": 4, "files": {"book/ch00.md": [1]}}'],
    ids=["bytes", "nested-too-deep", "files-not-a-table", "short-entry"],
)
def test_a_corrupt_index_is_ignored(book: Path, garbage: bytes) -> None:
    expected = run("book")
    index_file().write_bytes(garbage)
    assert run("book") == expected
    assert len(index()["files"]) == 12  # and written again whole


@pytest.mark.parametrize(
    "spoil",
    [[["CIT003"]], [[1, 2, 3, 4, 5, 6, 7, 8, [1, [[1]]], 1]], [["CIT003", "x", "error", "one", 1, 1, 1, "m", None, 1]], [["CIT003", "x", "loud", 1, 1, 1, 1, "m", None, 1]]],
    ids=["short-item", "bad-fix", "text-line", "unknown-severity"],
)
def test_index_entries_with_unexpected_findings_are_misses(book: Path, spoil: list) -> None:  # type: ignore[type-arg]
    expected = run("book")
    data = index()
    for entry in data["files"].values():
        entry[4] = spoil
        entry[2] = True  # trusted by status: the findings alone decide
    index_file().write_text(json.dumps(data), encoding="utf-8")
    assert run("book") == expected


def test_an_index_that_is_not_a_regular_file_is_a_miss(book: Path) -> None:
    """A pipe or device in the index's place is not waited on or read without end."""
    expected = run("book")
    path = index_file()
    for replace in (lambda: os.mkfifo(path), lambda: os.symlink("/dev/zero", path)):
        path.unlink()
        replace()
        result = subprocess.run(
            [sys.executable, "-m", "citelint", "check", "--format", "json", "book"], capture_output=True, text=True, timeout=60, check=False
        )
        assert (result.returncode, result.stdout, result.stderr) == expected


def test_unwritable_cache_warns_once_and_lints(book: Path) -> None:
    Path(".citelint-cache").write_text("a file where the folder should be", encoding="utf-8")
    code, out, err = run("book")
    assert code == 1 and json.loads(out)["files_checked"] == 12
    assert err.count("citelint: warning: the result cache") == 1


def test_parallel_output_is_identical_to_serial(book: Path) -> None:
    serial = run("--no-cache", "--jobs", "1", "book")
    parallel = run("--no-cache", "--jobs", "2", "book")
    assert serial == parallel
    text_serial = CliRunner().invoke(cli, ["check", "--no-cache", "-j", "1", "book"]).stdout
    text_parallel = CliRunner().invoke(cli, ["check", "--no-cache", "-j", "3", "book"]).stdout
    assert text_serial == text_parallel


def _sources() -> list:
    from citelint.files import SourceFile

    return [SourceFile(f"f{n}.md", CHAPTER * (1 + n % 3) + f"<!-- {n} -->") for n in range(7)]


def _sizes(sources: list) -> list[int]:  # type: ignore[type-arg]
    return [len(source.text) for source in sources]


def test_parallel_lint_really_uses_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each share but the first goes to a forked child; results come back in order."""
    import os

    from citelint.config import Settings
    from citelint.processes import run_in_processes
    from citelint.check_files import lint_one

    forks = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    sources = _sources()
    outcomes = run_in_processes(lint_one, sources, _sizes(sources), Settings(), 3)
    assert len(forks) == 2
    assert outcomes == [lint_one(source, Settings()) for source in sources]
    assert [outcome[0].path for outcome in outcomes if isinstance(outcome, list)] == [source.path for source in sources]


def test_a_child_that_fails_has_its_share_linted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that cannot send its results exits non-zero; its files are linted here."""
    import pickle  # processes imports it when it forks: the child sends with this module's dumps

    import citelint.processes as processes
    from citelint.config import Settings
    from citelint.check_files import lint_one

    def broken_dumps(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("cannot send")

    monkeypatch.setattr(pickle, "dumps", broken_dumps)
    sources = _sources()
    assert processes.run_in_processes(lint_one, sources, _sizes(sources), Settings(), 2) == [lint_one(source, Settings()) for source in sources]


def test_no_fork_means_linting_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import citelint.processes as processes
    from citelint.config import Settings
    from citelint.check_files import lint_one

    def no_fork() -> int:
        raise OSError("no processes left")

    monkeypatch.setattr(os, "fork", no_fork)
    sources = _sources()
    assert processes.run_in_processes(lint_one, sources, _sizes(sources), Settings(), 4) == [lint_one(source, Settings()) for source in sources]


def test_shares_are_balanced_by_size() -> None:
    from citelint.processes import split

    sizes = [900, 100, 500, 500, 100, 800]
    shares = split(sizes, 2)
    assert sorted(index for share in shares for index in share) == list(range(6))
    loads = [sum(sizes[index] for index in share) for share in shares]
    assert max(loads) - min(loads) <= 100
    assert all(share == sorted(share) for share in shares)


PROBE = """
import sys
from citelint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    print("exit", exit.code)
print(sorted(name for name in ("requests", "requests_cache", "urllib3", "json", "mistune", "tempfile", "_hashlib") if name in sys.modules))
"""
WATCHED = ("requests", "requests_cache", "urllib3", "json", "mistune", "tempfile", "_hashlib")


def _imported_by_click() -> set[str]:
    """What ``import click`` brings of the watched modules itself (click 8.4 imports
    tempfile): citelint answers only for what it adds."""
    probe = f"import sys, click; print(sorted(n for n in {WATCHED!r} if n in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True).stdout
    return set(ast.literal_eval(out))


def _added_by_citelint(printed: str) -> list[str]:
    return sorted(set(ast.literal_eval(printed)) - _imported_by_click())


def test_plain_lint_does_not_import_the_http_stack(book: Path) -> None:
    (book / "html.md").write_text("<div>\n\n" + CHAPTER, encoding="utf-8")  # HTML: the scanner hands it to mistune
    result = subprocess.run([sys.executable, "-c", PROBE, "check", "--no-cache", str(book)], capture_output=True, text=True, timeout=60, check=False)
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "exit 1", result.stderr
    assert _added_by_citelint(lines[-1]) == ["mistune"]


def test_the_scanner_reads_long_lines_without_the_parser(book: Path) -> None:
    """Half the chapters end in a 100,000-character line: read through its ends."""
    result = subprocess.run([sys.executable, "-c", PROBE, "check", "--no-cache", str(book)], capture_output=True, text=True, timeout=60, check=False)
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "exit 1", result.stderr
    assert _added_by_citelint(lines[-1]) == []


def test_warm_run_does_not_even_import_the_parser(book: Path) -> None:
    subprocess.run([sys.executable, "-m", "citelint", "check", str(book)], capture_output=True, check=False, timeout=60)
    result = subprocess.run([sys.executable, "-c", PROBE, "check", str(book)], capture_output=True, text=True, timeout=60, check=False)
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "exit 1", result.stderr
    # json reads the entries; not the parser, nor tempfile or OpenSSL's hashes (milliseconds each)
    assert _added_by_citelint(lines[-1]) == ["json"]


def test_new_code_under_the_same_version_does_not_answer_from_old_results(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed again from source, or edited in place, without a new version number."""
    import citelint.cache as cache

    run("book")
    first = index_file()
    stamp = cache.code_stamp()
    assert stamp > 0
    monkeypatch.setattr(cache, "code_stamp", lambda: stamp + 1)
    run("book")
    assert len(list(Path(".citelint-cache/lint").glob("index-*.json"))) == 2 and first.exists()  # a new index, the old one unused


def test_one_entry_a_file_serves_every_report(book: Path) -> None:
    """What a report shows (format, --strict, the renumbering a JSON report carries)
    is not part of the cache key: one entry a file, and each report as uncached."""
    out_of_order = CHAPTER.replace("[CITATION 1]", "[CITATION 9]").replace("[CITATION 2]", "[CITATION 1]").replace("[CITATION 9]", "[CITATION 2]")
    assert out_of_order != CHAPTER
    (book / "swapped.md").write_text(out_of_order, encoding="utf-8")
    formats = [("--format", "text"), ("--format", "json"), ("--format", "sarif"), ("--format", "json", "--strict"), ("--format", "text", "--strict")]
    uncached = {args: CliRunner().invoke(cli, ["check", "--no-cache", *args, "book"]).output for args in formats}
    assert '"edits"' in uncached[("--format", "json")]
    for order in (formats, formats[::-1]):
        shutil.rmtree(".citelint-cache", ignore_errors=True)
        for args in order:
            assert CliRunner().invoke(cli, ["check", *args, "book"]).output == uncached[args], args
    assert len(index()["files"]) == 13 and len(list(Path(".citelint-cache/lint").iterdir())) == 1


def _age(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the chapters count as older than the same-tick guard, which a test
    cannot wait out (it reads the change time, which only the clock sets)."""
    import citelint.cache as cache

    monkeypatch.setattr(cache, "RACY_NS", -1)


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import citelint.files as files

    reads: list[str] = []
    real = files.read_with_status

    def counting(path: str, limit: int):  # type: ignore[no-untyped-def]
        reads.append(os.path.basename(path))
        return real(path, limit)

    monkeypatch.setattr(files, "read_with_status", counting)
    return reads


def test_an_unchanged_chapter_is_not_even_read(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm path's shape (issue 15): a chapter whose status (size, times, inode)
    is unchanged since the cache saw it is answered without reading it."""
    _age(book, monkeypatch)
    cold = CliRunner().invoke(cli, ["check", "--format", "json", "book"]).stdout
    reads = _counting_reads(monkeypatch)
    warm = CliRunner().invoke(cli, ["check", "--format", "json", "book"]).stdout
    assert warm == cold and reads == []
    (book / "ch03.md").write_text(CHAPTER, encoding="utf-8")  # edited: read again, alone
    edited = CliRunner().invoke(cli, ["check", "--format", "json", "book"]).stdout
    assert reads == ["ch03.md"]
    assert json.loads(edited) == json.loads(run("--no-cache", "book")[1])


def test_a_chapter_changed_in_the_same_clock_tick_is_read(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file linted within the same-tick guard of its last change is vouched for by
    its content, not its status: an edit of the same size in the same tick (coarse
    file system clocks) would leave the status as it was."""
    run("book")  # the chapters were written just now
    reads = _counting_reads(monkeypatch)
    CliRunner().invoke(cli, ["check", "book"])
    assert len(reads) == 12


def test_an_edit_that_restores_the_modification_time_is_seen(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same size, modification time put back: the change time still tells."""
    _age(book, monkeypatch)
    cold = run("book")
    path = book / "ch01.md"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[CITATION 3]", "[CITATION 4]", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert run("book") == run("--no-cache", "book") != cold


def test_one_cache_whatever_the_path_is_called(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check book/`, `check ./book` and an absolute path share the cache's entries."""
    _age(book, monkeypatch)
    run("book")
    reads = _counting_reads(monkeypatch)
    for spelling in ("book/", "./book", str(book.resolve()), "book/../book"):
        assert CliRunner().invoke(cli, ["check", spelling]).exit_code == 1
    assert reads == [] and len(index()["files"]) == 12
