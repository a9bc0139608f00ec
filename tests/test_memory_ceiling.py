"""Large chapters stay within a memory ceiling (issue 14): linting an accepted file
takes at most ~40 times its size beyond the interpreter's own, and ``--jobs`` never
lints large files side by side.

Each measurement is the peak resident size of a fresh ``citelint`` process, read
by a wrapper process from ``RUSAGE_CHILDREN`` (so nothing of this test process
counts), minus the peak of the same command on a trivial chapter measured in the
same test. Nothing here is timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, NamedTuple

import pytest

MB = 1_000_000
CEILING = 40  # times the input's size

_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "citelint", *sys.argv[1:]], capture_output=True)
print(json.dumps({
    "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "code": done.returncode,
    "stdout": done.stdout.decode("utf-8", "replace")[:3000] + " ... " + done.stdout.decode("utf-8", "replace")[-3000:],
    "stderr": done.stderr.decode("utf-8", "replace")[-4000:],
}))
"""

HEAD = "Prose citing [CITATION 1] and [CITATION 2].\n\n"
TAIL = "\n\n## References\n\n1. Author, A. A title of the work. Press, 2020.\n"


class Run(NamedTuple):
    peak: int  # bytes
    code: int
    stdout: str
    stderr: str


def _run(folder: Path, *args: str) -> Run:
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, cwd=folder, check=True)
    found = json.loads(done.stdout)
    return Run(found["peak_kb"] * 1024, found["code"], found["stdout"], found["stderr"])


def _growth(folder: Path, name: str, text: str, *args: str) -> tuple[int, Run]:
    """What linting ``text`` costs beyond a trivial chapter, and the run itself."""
    (folder / "trivial.md").write_text(HEAD + TAIL, encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    baseline = _run(folder, *args, "trivial.md")
    run = _run(folder, *args, name)
    return run.peak - baseline.peak, run


def _assert_within(folder: Path, text: str, *args: str, ceiling: int = CEILING) -> Run:
    growth, run = _growth(folder, "chapter.md", text, *args)
    size = len(text.encode("utf-8"))
    assert growth <= ceiling * size, f"{growth / MB:.0f} MB for {size / MB:.1f} MB ({growth / size:.0f}x)"
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    return run


def _assert_findings(run: Run) -> None:
    assert run.code == 1, (run.code, run.stderr)
    assert "CIT001" in run.stdout, run.stdout[-500:]


def _chapter(body: str) -> str:
    return HEAD + body + TAIL


SHAPES: dict[str, Callable[[int], str]] = {
    # One line of list markers: a thematic break mistune matched with a backtracking
    # stack per marker (4.4 GB at 16 MiB).
    "a line of list markers": lambda size: "- " * (size // 2),
    # The same line going on to text: a list nested as deep as citelint reads, then text.
    "list markers then text": lambda size: "- " * (size // 2) + "text [CITATION 1]",
    # One line of quote markers (3.0 GB at 16 MiB).
    "a line of quote markers": lambda size: ">" * size + " quoted",
    "blank lines": lambda size: "\n" * size,
    "fenced code blocks": lambda size: "```\ncode\n```\n\n" * (size // 14),
    # A block a line: each parser state held an object a block (a heading every four bytes: 60x).
    "one-line headings": lambda size: "# a\n" * (size // 4),
    "one-line paragraphs": lambda size: "One line paragraph [CITATION 1].\n\n" * (size // 34),
    "one-line list items": lambda size: "- item\n" * (size // 7),
    # A marker every 13 bytes: each held its own text, numbers, and a line and a set in the list's index (48x).
    "a file of markers": lambda size: "[CITATION 1] " * (size // 13),
    # The block scanner holds a string a line, and a quote's or item's lines again
    # for each level it is nested (35x for quotes four deep): a large text of short
    # lines goes to mistune's arrays.
    "two-character lines": lambda size: "ab\n" * (size // 3),
    "quotes four deep": lambda size: "> > > > ab\n" * (size // 11),
    "list items four deep": lambda size: "- - - - item\n" + "        ab\n" * (size // 11),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_large_chapter_stays_under_the_ceiling(tmp_path: Path, shape: str) -> None:
    run = _assert_within(tmp_path, _chapter(SHAPES[shape](2 * MB)), "check", "--no-cache")
    _assert_findings(run)


def _references(size: int) -> str:
    """A chapter that cites its references out of order, and a long list (280,000
    references took 1.6 GB at 16 MiB)."""
    entries = "".join(f"{number}. Author, A. A work, part {number}. Press, 2020.\n" for number in range(1, size // 50))
    return "Prose citing [CITATION 2] then [CITATION 1] and [CITATION 99999999].\n\n## References\n\n" + entries


def test_a_long_reference_list_stays_under_the_ceiling(tmp_path: Path) -> None:
    run = _assert_within(tmp_path, _references(2 * MB), "check", "--no-cache")
    assert run.code == 1 and "CIT001" in run.stdout and "CIT003" in run.stdout, run.stdout[-500:]


def test_a_json_report_that_plans_a_renumbering_stays_under_the_ceiling(tmp_path: Path) -> None:
    text = _references(2 * MB).replace(" and [CITATION 99999999]", "")
    run = _assert_within(tmp_path, text, "check", "--no-cache", "--format", "json")
    assert run.code == 1 and '"CIT003"' in run.stdout and '"fix": {' in run.stdout, run.stdout[:1000]


def test_fix_of_a_long_reference_list_stays_under_the_ceiling(tmp_path: Path) -> None:
    text = _references(2 * MB).replace(" and [CITATION 99999999]", "")
    run = _assert_within(tmp_path, text, "fix")
    fixed = (tmp_path / "chapter.md").read_text(encoding="utf-8")
    assert run.code == 0, (run.code, run.stderr)
    assert fixed.startswith("Prose citing [CITATION 1] then [CITATION 2]"), fixed[:80]


@pytest.mark.slow
def test_setext_headings_stay_bounded(tmp_path: Path) -> None:
    """``a`` underlined by ``=``, repeated: a heading every four bytes (4.2 GB at
    16 MiB), at 1 MB (under the size from which a document is kept compact: it
    is, by its count of lines) and at 2 MB."""
    for size in (MB, 2 * MB):
        run = _assert_within(tmp_path, _chapter("a\n=\n" * (size // 4)), "check", "--no-cache")
        _assert_findings(run)


# -- --jobs ------------------------------------------------------------------


def test_large_files_are_linted_alone_and_the_output_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over IN_FLIGHT_CHARS / jobs is linted in this process once every child
    has exited; the outcomes are a serial run's, in order."""
    import citelint.check_files as check_files
    import citelint.processes as processes
    from citelint.config import Settings
    from citelint.files import SourceFile

    monkeypatch.setattr(processes, "IN_FLIGHT_CHARS", 4_000)
    small = HEAD + TAIL
    large = _chapter("More prose [CITATION 3].\n\n" * 100)
    sources = [SourceFile(f"f{n}.md", large if n in (2, 5) else small + f"<!-- {n} -->") for n in range(8)]
    serial = [check_files.lint_one(source, Settings()) for source in sources]
    real_lint_one = check_files.lint_one
    children_alive_during_large: list[bool] = []

    def watching_lint_one(source: SourceFile, settings: Settings):  # type: ignore[no-untyped-def]
        if len(source.text) > 2_000:
            try:
                os.waitpid(-1, os.WNOHANG)
                children_alive_during_large.append(True)
            except ChildProcessError:  # no child process at all
                children_alive_during_large.append(False)
        return real_lint_one(source, settings)

    sizes = [len(source.text) for source in sources]
    shares, alone = processes.schedule(sizes, 2)
    assert alone == [2, 5]
    assert sorted(index for share in shares for index in share) == [0, 1, 3, 4, 6, 7]
    assert processes.run_in_processes(watching_lint_one, sources, sizes, Settings(), 2) == serial
    assert children_alive_during_large == [False, False]


def test_small_files_still_share_the_processes() -> None:
    from citelint.processes import IN_FLIGHT_CHARS, schedule

    sizes = [IN_FLIGHT_CHARS // 4 - 1] * 4
    shares, alone = schedule(sizes, 4)
    assert alone == [] and sorted(len(share) for share in shares) == [1, 1, 1, 1]
    shares, alone = schedule(sizes, 8)  # over IN_FLIGHT_CHARS / 8 each
    assert alone == [0, 1, 2, 3]


# -- --urls --------------------------------------------------------------------------


@pytest.mark.parametrize("in_flight", [10**9, 100], ids=["held", "streamed"])
def test_a_url_check_holds_one_parsed_file_at_a_time_past_the_in_flight_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_flight: int
) -> None:
    """`check --urls` reads every file's links before it checks them, then makes each
    file's findings: a book larger than the bytes linted at once is parsed again
    for the second pass instead of being held parsed, with the same report."""
    import weakref

    from click.testing import CliRunner

    import citelint.document as document
    import citelint.processes as processes
    from citelint.cli import cli

    for number in range(6):
        (tmp_path / f"ch{number}.md").write_text(
            f"Claim [CITATION 2] and [CITATION 1].\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/{number}/a\n2. \"Two.\" P, 2021. https://e.com/b\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    args = ["check", "--format", "json", "--urls", "--offline", "--cache-dir", str(tmp_path / "cache"), "."]
    expected = CliRunner().invoke(cli, args).stdout
    monkeypatch.setattr(processes, "IN_FLIGHT_CHARS", in_flight)
    alive: "weakref.WeakSet[document.Document]" = weakref.WeakSet()
    most = [0]
    real_init = document.Document.__init__

    def counting_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        real_init(self, *args, **kwargs)
        alive.add(self)
        most[0] = max(most[0], len(alive))

    monkeypatch.setattr(document.Document, "__init__", counting_init)
    assert CliRunner().invoke(cli, args).stdout == expected
    assert '"CIT003"' in expected and '"URL004"' in expected  # out of order; offline: not checked
    # streamed: a file, and the renumbering the JSON report verifies on a parse of its own
    assert most[0] >= 6 if in_flight > 100 else most[0] <= 2
