"""Hostile input: nothing crashes, nothing hangs, work grows linearly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint import lint_text
from citelint.config import Settings
from citelint.diagnostics import FileError
from citelint.files import collect, read_source
from helpers import Work, assert_linear, measure_work

CASES: dict[str, Callable[[], str]] = {
    "10 MB single-line paragraph": lambda: "word " * 2_000_000 + "[CITATION 1]\n",
    "100,000 nested quotes": lambda: ">" * 100_000 + " [CITATION 1]\n",
    "100,000 nested list markers": lambda: "- " * 100_000 + "[CITATION 1]\n",
    "100,000 nested ordered markers": lambda: "1. " * 100_000 + "x\n",
    "quotes and lists interrupting each other": lambda: "".join(("> " if i % 2 else "- ") * (i % 50) + "x\n" for i in range(20_000)),
    "deep indentation": lambda: "".join("   " * (i % 40) + "1. x\n" for i in range(30_000)),
    "50,000 unclosed markers on a line": lambda: "[CITATION " * 50_000 + "\n",
    "50,000 unclosed markers on lines": lambda: "[CITATION 3 and\n" * 50_000,
    "100,000 brackets": lambda: "[" * 100_000 + "\n",
    "100,000 backticks": lambda: "`" * 100_000 + " [CITATION 1]\n",
    "100,000 unclosed comments": lambda: "<!--" * 100_000 + "\n",
    "50,000 opening character references": lambda: "&#91;CITATION 1 " * 50_000 + "\n",
    "100,000 unclosed comments in prose": lambda: "x " + "<!--" * 100_000 + " [CITATION 1]\n",
    "50,000 unclosed directives": lambda: "<!-- citelint-disable " * 50_000 + "\n",
    "100,000 emphasis markers": lambda: "*_" * 100_000 + "\n",
    "a 1,000,000-character setext underline": lambda: "a\n" + "=" * 1_000_000 + "\n",
    "a 1,000,000-character URL": lambda: "x [CITATION 1]\n\n## References\n\n1. https://" + "a" * 1_000_000 + "\n",
    "many quoted titles without dates": lambda: "x [CITATION 1]\n\n" + '"aaa ' * 100_000 + "\n",
    "unclosed fence": lambda: "```\n" + "[CITATION 1]\n" * 50_000,
    "front matter never closed": lambda: "---\n" + "a: [CITATION 1]\n" * 50_000,
    "20,000 references": lambda: "x [CITATION 1]\n\n## References\n\n" + "".join(f"{n}. \"T\" P, 2020. https://e.com/{n}\n" for n in range(1, 20_001)),
    "huge range": lambda: "x [CITATION 1-999999999]\n\n## References\n\n1. \"T\" P, 2020. https://e.com/1\n",
    "huge numbers": lambda: "x [CITATION 99999999999999999999] [CITATION 1]\n\n## References\n\n1. \"T\" P, 2020. https://e.com/1\n",
    "numbers longer than Python reads": lambda: "".join(f"x [CITATION {d}] [Citation {d}] [CITATION 1-{d}] [CITATION 0{d}, 2]\n" for d in ("9" * 5_000, "0" * 5_000 + "1")),
    "a list of 300,000 numbers": lambda: "x [CITATION " + ", ".join(["1"] * 300_000) + "] [Citation " + ", ".join(["1"] * 300_000) + "]\n",
    "control characters": lambda: "".join(chr(c) for c in range(1, 32)) * 1000 + "[CITATION 1]\n",
    "lone surrogates and noncharacters": lambda: "\ufffe\uffff\U0010ffff [CITATION 1]\u2028\u2029x\n",
    "a URL of 1,000,000 parentheses": lambda: "x [CITATION 1]\n\n## References\n\n1. 2020 https://e.com/" + "(" * 500_000 + ")" * 500_000 + "\n",
    "a URL of 500,000 unclosed parentheses": lambda: "x [CITATION 1]\n\n## References\n\n1. 2020 https://e.com/" + "(a" * 500_000 + ")\n",
    "a DOI of 300,000 unclosed angle brackets": lambda: "x [CITATION 1]\n\n## References\n\n1. 2020 doi:10.1002/" + "<a" * 300_000 + "\n",
    "100,000 IPv6 openings": lambda: "x [CITATION 1]\n\n## References\n\n1. 2020 " + "http://[" * 100_000 + "\n",
    "20,000 reference headings": lambda: "x [CITATION 1] [CITATION 2]\n\n" + "## Notes\n\n1. a 2020\n2. b 2021\n\n" * 20_000,
    "50,000 closing headings": lambda: "x [CITATION 1]\n\n" + "**See also**\n\n\"T\" 2020 https://e.com\n\n" * 50_000,
    "a table of 50,000 rows": lambda: "x [CITATION 1]\n\n## Sources\n\n| # | S |\n|---|---|\n" + "".join(f"| {i} | \"T\" 2020 https://e.com/{i} |\n" for i in range(1, 50_001)),
    "a table row of 100,000 cells": lambda: "x [CITATION 1]\n\n## Sources\n\n" + "|a" * 100_000 + "\n" + "|-" * 100_000 + "\n" + "|1" * 100_000 + "\n",
    "20,000 link definitions with markers in their titles": lambda: "".join(f'[d{n}]: https://e.org/{n} "[CITATION 2]"\n' for n in range(20_000))
    + "\nA [CITATION 2] b [CITATION 1].\n" * 2_000 + "\n## References\n\n1. \"A.\" P, 2020. https://a.org\n2. \"B.\" P, 2021. https://b.org\n",
}


@pytest.mark.parametrize("make", CASES.values(), ids=list(CASES))
@pytest.mark.slow
def test_hostile_text_gives_findings_in_bounded_time(make: Callable[[], str]) -> None:
    text = make()
    started = time.monotonic()
    found = lint_text(text)
    assert time.monotonic() - started < 30
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for diagnostic in found:
        assert 1 <= diagnostic.line <= len(lines)
        assert 1 <= diagnostic.column <= len(lines[diagnostic.line - 1]) + 1


@pytest.mark.parametrize("make", CASES.values(), ids=list(CASES))
@pytest.mark.slow
def test_hostile_text_is_fixed_or_refused_in_bounded_time(make: Callable[[], str]) -> None:
    """``fix`` plans, applies and verifies on the same shapes: a text back (the
    same or fixed), or a refusal; never an exception."""
    from citelint import fix_text

    text = make()
    started = time.monotonic()
    result = fix_text(text)
    assert time.monotonic() - started < 60
    if result.refused is not None or not result.changed:
        assert result.text == text
    else:
        assert not [d.code for d in lint_text(result.text, Settings(), fixes=True) if d.code in ("CIT003", "CIT004", "CIT005", "CIT011") and d.fix]


def test_numbers_of_more_than_nine_digits_are_malformed_markers() -> None:
    """Python refuses to read an integer of more than 4,300 digits (and no list holds
    a billion references): such a marker is a near-miss, not an internal error."""
    for digits in ("9" * 5_000, "1234567890", "0" * 5_000 + "1" + "0" * 9):
        for marker in (f"[CITATION {digits}]", f"[CITATION 1-{digits}]", f"[CITATION 2, {digits}]", f"[citation {digits}]"):
            (diagnostic,) = lint_text(f"x {marker}\n")
            assert diagnostic.code == "CIT005", marker
            assert diagnostic.message.endswith("has a number of more than 9 digits, more than any reference list holds")
    assert [d.code for d in lint_text("x [CITATION 0000000000001]\n\n## References\n\n1. \"T\" P, 2020. https://e.com/1\n")] == ["CIT005"]


def test_messages_quote_a_huge_marker_shortened() -> None:
    """A finding stays one readable line; the edit keeps the whole text."""
    numbers = ", ".join(["1"] * 100_000)
    found = lint_text(f"x [Citation {numbers}]\n\n## References\n\n1. \"T\" P, 2020. https://e.com/1\n")
    assert sorted(d.code for d in found) == ["CIT005", "CIT010"]
    assert all(len(d.message) < 300 for d in found)
    (malformed,) = (d for d in found if d.code == "CIT005")
    assert malformed.fix is not None and len(malformed.fix.description) < 300
    assert malformed.fix.edits[0].content == f"[CITATION {numbers}]"


def test_unclosed_directives_are_scanned_once() -> None:
    """Each unclosed ``<!-- citelint-disable`` stops the search for its ``-->`` at the
    next comment instead of scanning on for 1,000 characters (2 s here before)."""
    text = "<!-- citelint-disable " * 50_000 + "\n"
    started = time.perf_counter()
    assert lint_text(text) == []
    assert time.perf_counter() - started < 0.5


def test_findings_past_the_limit_are_counted_not_kept() -> None:
    from citelint.rules import MAX_FINDINGS_PER_RULE

    text = "A claim [Citation 1]. " * (MAX_FINDINGS_PER_RULE + 50) + "\n"
    malformed = [d for d in lint_text(text) if d.code == "CIT005"]
    assert len(malformed) == MAX_FINDINGS_PER_RULE + 1
    note = malformed[-1]
    assert note.message == f"50 more findings of this rule are not shown (at most {MAX_FINDINGS_PER_RULE:,} per file); fix these and run citelint again"
    assert note.fix is None and note.column > malformed[-2].column
    # the summary and --statistics count every finding, shown or not
    from citelint.report import Run, render

    found = lint_text(text)
    total = MAX_FINDINGS_PER_RULE + 50  # of CIT005 (errors) and of CIT006 (warnings), plus CIT009
    assert render("text", Run(found, [], 1)).endswith(f"Found {2 * total + 1} problems ({total + 1} errors, {total} warnings) in 1 file.\n")
    assert render("statistics", Run(found, [], 1)).startswith(f"{total}  CIT005  malformed-marker (error)\n{total}  CIT006  misplaced-citation (warning)\n")


def test_suppressed_findings_do_not_count_toward_the_limit() -> None:
    from citelint.rules import MAX_FINDINGS_PER_RULE

    text = ("<!-- citelint-disable CIT005 -->\n" + "A claim [Citation 1]. " * (MAX_FINDINGS_PER_RULE + 50)
            + "\n<!-- citelint-enable -->\n\n" + "More [Citation 1]. " * 5 + "\n")
    malformed = [d for d in lint_text(text) if d.code == "CIT005"]
    assert [d.line for d in malformed] == [5] * 5


def _work(make: Callable[[int], str], size: int) -> Work:
    text = make(size)
    return measure_work(lambda: lint_text(text))


LINEAR = {
    "prose with markers": lambda n: "Claim. [CITATION 1] " * n + "\n",
    "unclosed markers": lambda n: "[CITATION 3 and\n" * n,
    "nested containers": lambda n: "".join("- " * (i % 30) + "> " * (i % 7) + "y\n" for i in range(n)),
    "interrupting siblings": lambda n: "".join(("> " if i % 2 else "- ") * (i % 50) + "x\n" for i in range(n)),
    "references": lambda n: "x [CITATION 1]\n\n## References\n\n" + "".join(f"{i}. \"T\" P, 2020. https://e.com/{i}\n" for i in range(1, n)),
    "backtick runs": lambda n: "a `b`` c``` [CITATION 1]\n" * n,
    "comments": lambda n: "<!-- a --> [CITATION 1] <!--\n" * n,
    "code spans in one paragraph": lambda n: "`a` [CITATION 1] `b` " * n + "\n",
    "distinct suppression codes": lambda n: "".join(f"<!-- citelint-disable CIT{i} -->\n<!-- citelint-enable CIT{i}1 -->\nx [Citation 1]\n\n" for i in range(n)),
    "numbering gaps": lambda n: " ".join(f"[CITATION {2 * i}]" for i in range(1, n + 1)) + "\n",
    "plain text with code spans": lambda n: "a `b` [CITATION 1] c\n" * n,
    "unclosed comments in prose": lambda n: "x <!--" * n + " [CITATION 1]\n",
    "unclosed fences in list items": lambda n: "- ```\n  [CITATION 1]\n" * n,
    "tags never closed before a code span": lambda n: "a " + "<? <!-- <!x <![CDATA[ " * n + "`b` [CITATION 1]\n",
    "autolinks and tags among code spans": lambda n: "<https://e.com/a`b> `c` <b title='`'>[CITATION 1] " * n + "\n",
    "dollars that never close": lambda n: "$a $b $$c [CITATION 1] " * n + "\n",
    "math between markers": lambda n: "$x$ [CITATION 1] $$y$$ `$` " * n + "\n",
    "myst directives": lambda n: "```{note}\n:class: tip\nA claim. [CITATION 1]\n```\n" * n,
    "myst directives in one never closed": lambda n: "~~~~{note}\n" + "````{tip}\n```\nx [CITATION 1]\n" * n,
    "mkdocs admonitions nested": lambda n: "".join(" " * (4 * (i % 9)) + "!!! note\n" + " " * (4 * (i % 9) + 4) + "x [CITATION 1]\n" for i in range(n)),
    "mkdocs tabs holding fences never closed": lambda n: '=== "Tab"\n    ```\n    [CITATION 1]\n' * n,
    "footnotes with indented paragraphs": lambda n: "[^a]: x\n\n    y [CITATION 1]\n\n" * n,
    "definitions with indented paragraphs": lambda n: "Term\n:   x\n\n    y [CITATION 1]\n\n" * n,
}


@pytest.mark.parametrize("make", LINEAR.values(), ids=list(LINEAR))
@pytest.mark.slow
def test_work_grows_linearly(make: Callable[[int], str]) -> None:
    """Four times the input costs about four times the work: at most 5x the function
    calls and 8x the CPU time (quadratic work would be 16x)."""
    assert_linear(_work(make, 2_000), _work(make, 8_000), 4)


def test_the_linearity_check_catches_quadratic_work() -> None:
    """The measure itself can fail: work that calls a function per pair of items."""

    def quadratic(n: int) -> Work:
        items = list(range(n))
        return measure_work(lambda: [abs(a - b) for a in items[: n // 10] for b in items])

    small, large = quadratic(100), quadratic(400)
    with pytest.raises(AssertionError, match="calls"):
        assert_linear(small, large, 4)


def _reversed_chapter(n: int) -> str:
    body = " ".join(f"Claim {i}. [CITATION {n - i}]" for i in range(n))
    return body + "\n\n## References\n\n" + "".join(f'{i}. "T{i}" P, 2020. https://e.com/{i}\n' for i in range(1, n + 1))


@pytest.mark.slow
def test_fix_work_grows_linearly() -> None:
    """Renumbering every marker and moving every entry: four times the chapter costs
    about four times the work, in calls and CPU time (each edit once rebuilt the
    whole text: quadratic)."""
    from citelint import fix_text

    def work(n: int) -> Work:
        text = _reversed_chapter(n)
        assert fix_text(text, Settings()).changed
        return measure_work(lambda: fix_text(text, Settings()))

    assert_linear(work(1_500), work(6_000), 4)


def test_an_entry_of_many_links_is_read_in_linear_work() -> None:
    """CIT008 asks whether an entry's year lies outside its links: it searched the
    text for each of the entry's links, each search from the start, quadratic in an
    entry of thousands of links (20,000 links, 280 KB: 0.8 s; 16 MiB would take
    hours). Eight times the links cost about eight times the CPU time now."""

    def work(n: int) -> Work:
        text = "x [CITATION 1]\n\n## References\n\n1. T 2020 " + " ".join(f"https://e.com/{i}" for i in range(n)) + "\n"
        return measure_work(lambda: lint_text(text))

    assert_linear(work(2_500), work(20_000), 8)


@pytest.mark.parametrize(("unit", "path", "most"), [("a\n", "chapter.txt", 8), ("Some words of a line\n", "chapter.txt", 8), ("a\n\n", "chapter.md", 40)])
def test_a_short_line_that_is_no_heading_costs_a_few_calls(unit: str, path: str, most: int) -> None:
    """Each line of a plain-text chapter is a paragraph of its own, and each one-line
    paragraph may be a heading word (``Sources:``): each was read for one by three
    substitutions, twice, its block made and remade, ~77 calls a line (500 KB of
    ``a`` lines took 2.4 s, 16 MiB ~80 s). The lines that may be one are found by one
    search of the text now, and the blocks made in arrays: a line costs a few calls."""
    from tests.helpers import count_calls

    def calls(lines: int) -> int:
        text = unit * lines
        lint_text(text, path=path)  # warm: patterns compiled on first use
        return count_calls(lambda: lint_text(text, path=path))

    small, large = calls(2_000), calls(4_000)
    assert (large - small) / 2_000 <= most, f"{(large - small) / 2_000:.1f} calls a line"


# -- the regular expressions, each on its worst case --------------------------


@pytest.mark.slow
def test_every_regex_on_a_long_run_of_its_hardest_characters() -> None:
    """Every pattern in citelint, searched over long runs of the characters that make
    patterns backtrack, finishes quickly."""
    import importlib
    import pkgutil

    import citelint

    from citelint.lazy_pattern import LazyPattern

    patterns: list[tuple[str, re.Pattern[str] | LazyPattern]] = []
    for module_info in pkgutil.walk_packages(citelint.__path__, "citelint."):
        if module_info.name.endswith(("urls.http", "urls.checker", "__main__")):
            continue  # the HTTP stack is tested with the URL checker; __main__ runs the CLI
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, LazyPattern)):  # patterns compiled only when first used are tested too
                patterns.append((f"{module_info.name}.{name}", value))
    assert len(patterns) > 20
    hard = [" " * 20_000 + "x", "\t" * 20_000, "[" * 20_000, "- " * 10_000 + "x", "> " * 10_000, "1. " * 7_000,
            '"' * 20_000, '"a' * 10_000, "*" * 20_000, "_a" * 10_000, "http://" * 3_000, "10.1234/" * 2_500,
            "www." * 5_000, "<!--" * 5_000, "citelint-disable " * 1_000, "9" * 20_000, "1," * 10_000, "1-" * 10_000,
            "`" * 20_000, "~" * 20_000, "#" * 20_000, "<pre" * 5_000, "</pre" * 5_000,
            "(" * 20_000, "()" * 10_000, "https://(" * 2_000, "10.1234/<" * 2_000, "<a" * 10_000, "http://[" * 2_500,
            "| " * 10_000, "|-" * 10_000, "appendix " * 2_000, "{" * 20_000]
    for name, pattern in patterns:
        for text in hard:
            subject = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text  # a PDF's patterns read bytes
            started = time.perf_counter()
            list(pattern.finditer(subject))
            pattern.match(subject)
            assert time.perf_counter() - started < 0.5, (name, text[:20])


# -- files ------------------------------------------------------------------------


def test_file_that_vanishes_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "b.md").write_text("y", encoding="utf-8")
    files, errors = collect([str(tmp_path)])
    assert len(files) == 2 and errors == []
    (tmp_path / "a.md").unlink()
    outcome = read_source(files[0])
    assert isinstance(outcome, FileError) and "no such file" in outcome.message
    assert not isinstance(read_source(files[1]), FileError)


def test_folders_nested_thousands_deep(tmp_path: Path) -> None:
    """os.walk recurses in Python 3.11; the walk must not."""
    folders = [tmp_path]
    for _ in range(1_200):
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    (folders[-1] / "deep.md").write_text("x\n", encoding="utf-8")
    try:
        files, errors = collect([str(tmp_path)])
        assert errors == [] and len(files) == 1 and files[0].endswith("deep.md")
    finally:  # shutil.rmtree recurses too: pytest could not clean this up
        (folders[-1] / "deep.md").unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()


def test_exclude_globs_over_folders_nested_deep_take_linear_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each folder of a walk was matched against every ``exclude`` glob with every
    folder above it again, the path parsed again for each glob: a pull request's
    folders nested 200 deep under a configuration of 1,000 globs took 65 s. Eight
    times the depth costs about eight times the calls now, and a glob still excludes
    a folder anywhere on the path."""
    from tests.helpers import count_calls

    monkeypatch.chdir(tmp_path)
    globs = tuple(f"zz{number}*" for number in range(50))
    for depth in (25, 200):
        folder = tmp_path / f"d{depth}" / Path(*["a"] * depth)
        folder.mkdir(parents=True)
        (folder / "ch.md").write_text("x", encoding="utf-8")
    assert len(collect(["d200"], globs, root=str(tmp_path))[0]) == 1
    assert collect(["d200"], (*globs, "d200/a/a"), root=str(tmp_path))[0] == []
    assert collect(["d200"], (*globs, "a/a/a"), root=str(tmp_path))[0] == []
    small, large = (count_calls(lambda: collect([f"d{depth}"], globs, root=str(tmp_path))) for depth in (25, 200))
    assert large <= 1.25 * 8 * small, f"{small:,} calls -> {large:,}"


@pytest.mark.parametrize("kind", ["exclude", "per-file-ignores"])
def test_many_globs_over_many_files_cost_calls_a_file_not_a_glob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """Each file was matched against each glob, one fnmatch call a pair: a pull
    request's configuration of 1,000 globs over 2,000 chapters held ``check`` for 26 s
    (``exclude``) and 15 s (``per-file-ignores``). The globs are translated once and
    joined into one pattern (``files.GlobSet``): a file costs the same calls under
    400 globs as under 50."""
    from citelint.config import ignored_for_path
    from tests.helpers import count_calls

    monkeypatch.chdir(tmp_path)
    for n in (100, 200):
        (tmp_path / f"b{n}").mkdir()
        for number in range(n):
            (tmp_path / f"b{n}" / f"ch{number}.md").write_text("x", encoding="utf-8")

    def per_file(globs: int) -> float:
        patterns = tuple(f"zz{number}*" for number in range(globs))
        settings = Settings(per_file_ignores=tuple((pattern, ("CIT003",)) for pattern in patterns))

        def run(n: int) -> object:
            if kind == "exclude":
                return collect([f"b{n}"], patterns, root=str(tmp_path))
            return [ignored_for_path(settings, (f"b{n}/ch{number}.md",)) for number in range(n)]

        run(100)  # warm: the globs joined once a run
        return (count_calls(lambda: run(200)) - count_calls(lambda: run(100))) / 100

    assert len(collect(["b100"], ("zz*", "b100/ch1?.md"), root=str(tmp_path))[0]) == 90
    few, many = per_file(50), per_file(400)
    assert many <= 1.25 * few, f"{few:.0f} calls a file -> {many:.0f}"


@pytest.mark.slow
def test_exclude_globs_over_a_deep_path_given_take_linear_work() -> None:
    """A path given (a hook's staged file) is matched with each folder it goes through:
    each folder was matched on its own against each glob, quadratic in the path's depth
    for a glob that reads to its end (``*zz1``: 100 such globs over a path 4,000 deep
    took 1.5 s a path). The folders are matched by one search of the path now."""
    from citelint.files import is_excluded

    patterns = tuple(f"*zz{number}" for number in range(100))

    def work(depth: int) -> Work:
        path = "/".join(["a"] * depth) + "/ch.md"
        assert not is_excluded(path, patterns) and is_excluded(path, (*patterns, "a/a"))
        return measure_work(lambda: [is_excluded(path, patterns) for _ in range(5)])

    assert_linear(work(500), work(4_000), 8)


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run as root, for whom chmod 000 hides nothing: the refusal is made here."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "b.md").write_text("x\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, errors = collect([str(tmp_path)])
    assert [Path(f).name for f in files] == ["b.md"]
    assert [(Path(e.path).name, e.message) for e in errors] == [("locked", "folder cannot be read: Permission denied; skipped")]


def test_symbolic_links_are_followed_but_loops_are_not(tmp_path: Path) -> None:
    (tmp_path / "book" / "part").mkdir(parents=True)
    (tmp_path / "book" / "part" / "a.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.md").write_text("x\n", encoding="utf-8")
    os.symlink(tmp_path / "book", tmp_path / "book" / "part" / "up")
    os.symlink(tmp_path / "elsewhere", tmp_path / "book" / "linked")
    files, errors = collect([str(tmp_path / "book")])
    assert errors == [] and sorted(Path(f).name for f in files) == ["a.md", "b.md"]


def test_a_dangling_link_is_named_as_such(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.md", tmp_path / "link.md")
    files, errors = collect([str(tmp_path)])
    assert errors == [] and len(files) == 1
    outcome = read_source(files[0])
    assert isinstance(outcome, FileError) and outcome.message == "is a symbolic link to nothing (its target does not exist)"


def test_nul_byte_deep_in_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "late.md"
    path.write_bytes(b"x [CITATION 1]\n" * 100_000 + b"\x00")
    outcome = read_source(str(path))
    assert isinstance(outcome, FileError) and "binary" in outcome.message


def test_cli_on_a_folder_of_hostile_files(tmp_path: Path) -> None:
    """Each bad file gets one line naming it, the others are linted, no traceback, exit 2."""
    folder = tmp_path / "book"
    folder.mkdir()
    (tmp_path / ".git").mkdir()
    (folder / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "latin1.md").write_bytes("Caf\xe9 [CITATION 1]".encode("latin-1"))
    (folder / "empty.md").write_bytes(b"")
    (folder / "deep.md").write_text(">" * 100_000 + " [CITATION 1]\n", encoding="utf-8")
    (folder / "long.md").write_text("word " * 2_000_000 + "\n", encoding="utf-8")
    (folder / "good.md").write_text("A. [CITATION 2] B. [CITATION 1]\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/a\n2. \"B.\" P, 2021. https://e.com/b\n", encoding="utf-8")
    os.symlink(".", folder / "loop")
    result = subprocess.run(
        [sys.executable, "-m", "citelint", "check", str(folder)], capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("citelint: error:")]
    assert len(errors) == 2 and any("binary.md" in line for line in errors) and any("latin1.md" in line for line in errors)
    assert "good.md:1:4: CIT003" in result.stdout


OUT_OF_ORDER = 'B [CITATION 2] A [CITATION 1]\n\n## References\n\n1. "T" P, 2020. https://e.com/1\n2. "U" P, 2021. https://e.com/2\n'


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_file_names_that_are_not_printable(tmp_path: Path, fmt: str) -> None:
    """A newline, an escape sequence or a byte that is not UTF-8 in a file name: every
    format reports the file, one finding per line, and nothing raw reaches the terminal."""
    book = tmp_path / "book"
    book.mkdir()
    names = [b"new\nline.md", b"esc\x1b[2Jape.md", b"bad\xffbyte.md"]
    for name in names:
        with open(os.path.join(os.fsencode(book), name), "w", encoding="utf-8") as handle:
            handle.write(OUT_OF_ORDER)
    result = subprocess.run(
        [sys.executable, "-m", "citelint", "check", "--format", fmt, "--no-cache", "book"],
        capture_output=True, cwd=tmp_path, timeout=60, check=False,
    )
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr and b"\x1b" not in result.stdout and b"\xff" not in result.stdout
    if fmt == "text":
        findings = [line for line in result.stdout.decode().splitlines() if "CIT003" in line]
        assert sorted(line.split(":")[0] for line in findings) == [
            "book/bad\\xffbyte.md", "book/esc\\x1b[2Jape.md", "book/new\\nline.md"
        ]


def test_fix_diff_of_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.md"), "w", encoding="utf-8") as handle:
        handle.write(OUT_OF_ORDER)
    result = subprocess.run(
        [sys.executable, "-m", "citelint", "fix", "--diff", "."], capture_output=True, cwd=tmp_path, timeout=60, check=False
    )
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"--- a/caf\\xe9.md" in result.stdout


def test_control_characters_quoted_from_the_text_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "bell.md").write_text("A [CITATION\x07 2] B [CITATION 1]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "citelint", "check", "bell.md"], capture_output=True, cwd=tmp_path, timeout=60, check=False
    )
    assert b"\x07" not in result.stdout and b"[CITATION\\x07 2]" in result.stdout


@pytest.mark.parametrize(("data", "encoding"), [
    ("\ufeffA [CITATION 1]\n".encode("utf-16-le"), "UTF-16"),
    ("\ufeffA [CITATION 1]\n".encode("utf-16-be"), "UTF-16"),
    ("\ufeffA [CITATION 1]\n".encode("utf-32-le"), "UTF-32"),
], ids=["utf-16-le", "utf-16-be", "utf-32-le"])
def test_a_wide_encoding_is_named(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "wide.md"
    path.write_bytes(data)
    outcome = read_source(str(path))
    assert isinstance(outcome, FileError) and outcome.message == f"is {encoding} encoded, not UTF-8; save it as UTF-8"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A sparse 10 GiB file: refused from its size, at once, without reading it."""
    from citelint.files import MAX_FILE_BYTES

    path = tmp_path / "huge.md"
    with open(path, "wb") as handle:
        handle.truncate(10 * 1024**3)
    started = time.monotonic()
    outcome = read_source(str(path))
    assert time.monotonic() - started < 1
    assert isinstance(outcome, FileError) and f"larger than {MAX_FILE_BYTES // 1024**2} MiB" in outcome.message


# -- property-based: generated Markdown ---------------------------------------------

PIECES = st.sampled_from([
    "[CITATION 1]", "[CITATION 2, 3]", "[CITATION 2-4]", "[Citation 2]", "[CITATION", "[ CITATION 1 ]", "[CITATION 0]",
    "`", "``", "```", "~~~", "\n", "\n\n", "\r\n", "> ", "- ", "1. ", "    ", "\t", "# ", "## References\n", "Sources:",
    "<!--", "-->", "<!-- citelint-disable -->", "<!-- citelint-enable -->", "[1]: https://e.com/1", "https://e.com/x",
    "\"Title,\" Press, 2020.", "---\n", "===", "*", "_", "é", "😀", "\u2028", "\ufeff", "word", " ", ".", "]", "[",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=60), st.booleans())
def test_generated_markdown_never_crashes_and_positions_are_inside_the_file(pieces: list[str], bom: bool) -> None:
    text = ("\ufeff" if bom else "") + "".join(pieces)
    found = lint_text(text)
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for diagnostic in found:
        assert 1 <= diagnostic.line <= len(lines)
        assert 1 <= diagnostic.column <= len(lines[diagnostic.line - 1]) + 1
        assert (diagnostic.end_line, diagnostic.end_column) >= (diagnostic.line, diagnostic.column)


CODE_WRAPPERS = st.sampled_from([
    "`{}`", "``{}``", "```\n{}\n```", "~~~~\n{}\n~~~~", "    {}", "<!-- {} -->", "<!--\n{}\n-->", "> ```\n> {}\n> ```",
    "- item\n\n  ```\n  {}\n  ```",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Some prose.", "More text", "> quoted", "- listed", "## Heading"]), CODE_WRAPPERS), min_size=1, max_size=8))
def test_markers_in_code_are_never_reported(blocks: list[tuple[str, str]]) -> None:
    # A plain paragraph between: indented text right after a list item continues the item.
    body = "\n\n".join(f"{prose}\n\nText.\n\n{wrapper.format('[CITATION 77] [Citation 78] [CITATION]')}" for prose, wrapper in blocks)
    text = "Claim. [CITATION 1]\n\n" + body + "\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    assert lint_text(text) == []


def test_lazily_compiled_patterns_are_all_reachable_by_the_regex_test() -> None:
    """Patterns compiled on first use (``lazy``) are made at a module's top level, where
    the regex test finds them, never inside a function or a class where it would not."""
    import ast
    import importlib

    import citelint
    from citelint.lazy_pattern import LazyPattern

    package = Path(citelint.__file__).parent
    top_level = 0
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "lazy"]
        if not calls:
            continue
        module_name = ".".join(("citelint", *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
        module = importlib.import_module(module_name)
        assigned = [node for node in tree.body if isinstance(node, ast.Assign) and node.value in calls]
        assert len(assigned) == len(calls), f"{module_name}: lazy() outside a top-level assignment"
        for node in assigned:
            for target in node.targets:
                assert isinstance(target, ast.Name) and isinstance(getattr(module, target.id), LazyPattern), (module_name, ast.dump(target))
                top_level += 1
    assert top_level >= 40


def test_a_run_in_the_citation_style_compiles_no_numbered_style_pattern() -> None:
    """What a one-chapter run pays at start (counted, not timed): the numbered styles'
    patterns are compiled by the first run in a numbered style, not by the default."""
    probe = (
        "import citelint.markers as m\n"
        "from citelint import lint_text\n"
        "from citelint.config import Settings\n"
        "chapter = '# A\\n\\nClaim. [CITATION 1] [CITATION 2-3]\\n\\n## References\\n\\n1. A.\\n2. B.\\n3. C.\\n'\n"
        "lint_text(chapter, Settings())\n"
        "print(m._BARE_VALID_BODY.compiled, m._SUPERSCRIPT.compiled)\n"
        "lint_text(chapter.replace('CITATION ', ''), Settings(marker_style='brackets'))\n"
        "print(m._BARE_VALID_BODY.compiled)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "True"]
