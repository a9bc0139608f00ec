"""numbering = "book": one numbering across the chapters of a real book on disk,
checked and fixed through the command line (a process of its own, except where a
test seam inside the fix is needed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import cli

ENTRY = {n: f'"Work {n}." Example Press, 20{10 + n}. https://example.com/{n}' for n in range(1, 30)}


def entry(n: int, label: Optional[int] = None) -> str:
    return f"{label if label is not None else n}. {ENTRY[n]}"


def chapter(title: str, prose: str, entries: list[str]) -> str:
    text = f"# {title}\n\n{prose}\n"
    if entries:
        text += "\n## References\n\n" + "\n".join(entries) + "\n"
    return text


# A 4-chapter mdBook, numbered across the book: each chapter lists what it cites first.
BOOK = {
    "ch1.md": chapter("Chapter 1", "First claim. [CITATION 1] Second claim. [CITATION 2]", [entry(1), entry(2)]),
    "ch2.md": chapter("Chapter 2", "Third claim. [CITATION 3] Again. [CITATION 1] Fourth. [CITATION 4]", [entry(3), entry(4)]),
    "ch3.md": chapter("Chapter 3", "Fifth claim. [CITATION 5]", [entry(5)]),
    "ch4.md": chapter("Chapter 4", "Back to two. [CITATION 2] Sixth. [CITATION 6]", [entry(6)]),
}
BOOK_CONFIG = 'numbering = "book"\n'


def make_book(root: Path, chapters: dict[str, str], config: str = BOOK_CONFIG, extra: Optional[dict[str, str]] = None) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "book.toml").write_text('[book]\ntitle = "A book"\n', encoding="utf-8")
    summary = "# Summary\n\n" + "".join(f"- [{name}]({name})\n" for name in chapters)
    (root / "src" / "SUMMARY.md").write_text(summary, encoding="utf-8")
    for name, text in chapters.items():
        (root / "src" / name).write_text(text, encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / ".citelint.toml").write_text(config, encoding="utf-8")
    return root


def citelint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citelint", *args], cwd=root, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def findings(root: Path, *args: str) -> list[tuple[str, str, int]]:
    ran = citelint(root, "check", "--no-cache", "--format", "json", *args)
    assert ran.returncode in (0, 1), ran.stderr
    return [(d["code"], d["path"], d["line"]) for d in json.loads(ran.stdout)["diagnostics"]]


def texts(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.md"))}


# -- check -------------------------------------------------------------------------


def test_a_book_numbered_across_its_chapters_is_clean(tmp_path: Path) -> None:
    root = make_book(tmp_path, BOOK)
    ran = citelint(root, "check", "--no-cache")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "in 4 files" in ran.stdout


@pytest.mark.parametrize(
    ("break_it", "error"),
    [
        (lambda chapter: chapter.unlink(), "src/SUMMARY.md:4: chapter 'ch2.md' does not exist (src/ch2.md)"),
        (lambda chapter: chapter.write_bytes("# Two\n".encode("utf-16")), "src/ch2.md: is UTF-16 encoded, not UTF-8"),
    ],
    ids=["listed-chapter-missing", "chapter-unreadable"],
)
def test_a_book_with_a_chapter_that_cannot_be_read_is_not_judged_across_the_book(tmp_path: Path, break_it, error: str) -> None:
    """Judged without chapter 2, every later chapter's labels looked off by two and
    check said "label it 3 (run `citelint fix`)" at each, which fix then refused:
    the book-wide rules are not judged over a book missing a chapter, and say so."""
    root = make_book(tmp_path, BOOK)
    break_it(root / "src" / "ch2.md")
    ran = citelint(root, "check", "--no-cache", "--format", "json")
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert error in ran.stderr
    assert [d["code"] for d in json.loads(ran.stdout)["diagnostics"]] == []
    assert "citelint: note: book: the numbering across the book (CIT001, CIT002, CIT003, CIT004, CIT009, CIT011, CIT016) was not judged: not every chapter of the book could be read" in ran.stderr
    assert citelint(root, "fix").returncode == 2


def test_the_same_book_numbered_per_chapter_is_what_chapter_numbering_reports(tmp_path: Path) -> None:
    """The default: each file numbered on its own, so the continued numbers are
    defects there (CIT001/CIT011...), exactly as before book numbering existed."""
    root = make_book(tmp_path, BOOK, config="")
    codes = {code for code, _, _ in findings(root, "src")}
    assert {"CIT001", "CIT004", "CIT011"} <= codes
    assert "CIT016" not in codes


def test_one_bibliography_for_the_book(tmp_path: Path) -> None:
    chapters = {name: text.split("\n## References")[0] for name, text in BOOK.items()}
    back = chapter("References", "", [entry(n) for n in range(1, 7)]).replace("# References\n\n\n\n## References", "# References")
    config = BOOK_CONFIG + 'bibliography = "back-matter/references.md"\n'
    root = make_book(tmp_path, chapters, config, {"back-matter/references.md": back})
    ran = citelint(root, "check", "--no-cache")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "in 5 files" in ran.stdout
    # an entry nobody cites is reported in the bibliography file, at its line
    (root / "back-matter/references.md").write_text(back + entry(7) + "\n", encoding="utf-8")
    assert findings(root) == [("CIT002", "back-matter/references.md", back.count("\n") + 1)]


def test_a_bibliography_that_does_not_exist_is_an_error_naming_it(tmp_path: Path) -> None:
    root = make_book(tmp_path, BOOK, BOOK_CONFIG + 'bibliography = "refs.md"\n')
    ran = citelint(root, "check", "--no-cache")
    assert ran.returncode == 2
    assert "refs.md: the configured bibliography does not exist" in ran.stderr


def test_bibliography_without_book_numbering_is_a_configuration_error(tmp_path: Path) -> None:
    root = make_book(tmp_path, BOOK, 'bibliography = "refs.md"\n')
    ran = citelint(root, "check", "--no-cache")
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr == "citelint: error: .citelint.toml: 'bibliography' needs numbering = \"book\" (one reference list for the whole book)\n"


def _planted(name: str) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    book = dict(BOOK)
    if name == "CIT003":  # 5 first cited in chapter 2, before 4 is first cited in chapter 3
        book["ch2.md"] = chapter("Chapter 2", "Third claim. [CITATION 3] Again. [CITATION 1] Fifth. [CITATION 5]", [entry(3), entry(4)])
        book["ch3.md"] = chapter("Chapter 3", "Fourth claim. [CITATION 4]", [entry(5)])
        return book, [("CIT003", "src/ch2.md", 3)]
    if name == "CIT001":
        book["ch4.md"] = chapter("Chapter 4", "Back to two. [CITATION 2] Sixth. [CITATION 6] Ninth. [CITATION 9]", [entry(6)])
        return book, [("CIT001", "src/ch4.md", 3)]
    if name == "CIT002":
        book["ch4.md"] = chapter("Chapter 4", "Back to two. [CITATION 2]", [entry(6)])
        return book, [("CIT002", "src/ch4.md", 7)]
    if name == "CIT004":  # chapter 4 lists and cites 8: 6 and 7 are nowhere
        book["ch4.md"] = chapter("Chapter 4", "Back to two. [CITATION 2] Eighth. [CITATION 8]", [entry(8)])
        return book, [("CIT004", "src/ch4.md", 3), ("CIT011", "src/ch4.md", 7)]
    assert name == "CIT016"  # chapter 3's list starts again at 1
    book["ch3.md"] = chapter("Chapter 3", "Fifth claim. [CITATION 1]", [entry(5, label=1)])
    return book, [("CIT004", "src/ch4.md", 3), ("CIT016", "src/ch3.md", 7)]  # 5 is now nowhere: a gap before 6


@pytest.mark.parametrize("name", ["CIT003", "CIT001", "CIT002", "CIT004", "CIT016"])
def test_planted_cross_chapter_defects_at_their_file_and_line(tmp_path: Path, name: str) -> None:
    book, expected = _planted(name)
    root = make_book(tmp_path, book)
    assert sorted(findings(root)) == sorted(expected)


def test_each_format_names_the_right_file(tmp_path: Path) -> None:
    book, _ = _planted("CIT003")
    root = make_book(tmp_path, book)
    sarif = json.loads(citelint(root, "check", "--no-cache", "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("CIT003", "src/ch2.md", 3)
    ]
    github = citelint(root, "check", "--no-cache", "--format", "github").stdout
    assert "::error file=src/ch2.md,line=3,col=" in github and "title=CIT003" in github
    text = citelint(root, "check", "--no-cache").stdout
    assert text.startswith("src/ch2.md:3:")
    assert "first cited in src/ch3.md (line 3)" in text


def test_cross_chapter_out_of_order_message_names_the_other_chapter(tmp_path: Path) -> None:
    book, _ = _planted("CIT003")
    root = make_book(tmp_path, book)
    report = json.loads(citelint(root, "check", "--no-cache", "--format", "json").stdout)
    (finding,) = report["diagnostics"]
    assert finding["message"].startswith("reference 5 is first cited before reference 4 (first cited in src/ch3.md (line 3))")
    assert "run `citelint fix`" in finding["message"]


def test_check_of_one_chapter_checks_the_whole_book_and_says_so(tmp_path: Path) -> None:
    """What a pre-commit hook gives (the staged files): the book is checked."""
    book, expected = _planted("CIT003")
    root = make_book(tmp_path, book)
    ran = citelint(root, "check", "--no-cache", "src/ch4.md")
    assert ran.returncode == 1
    assert "src/ch2.md:3:" in ran.stdout and "in 4 files" in ran.stdout
    assert 'note: book: numbering = "book": checking the whole book (4 files, in order from mdBook SUMMARY.md (src/SUMMARY.md)), not only the paths given' in ran.stderr
    assert findings(root, "src/ch4.md") == expected


def name_ordered_book(root: Path, chapters: dict[str, str]) -> Path:
    """A book whose order comes from its file names: its chapters in ``book/``, no
    book tool, no ``chapters`` or ``paths`` in the configuration."""
    (root / ".git").mkdir(parents=True)
    (root / ".citelint.toml").write_text(BOOK_CONFIG, encoding="utf-8")
    (root / "book").mkdir()
    for name, text in chapters.items():
        (root / "book" / name).write_text(text, encoding="utf-8")
    return root


def test_with_the_order_from_file_names_one_chapter_is_checked_in_its_folders_book(tmp_path: Path) -> None:
    """ch2 lists 3 and 4, which continue ch1's list: alone it would be a book of one
    (CIT001, CIT011 ...). Given alone, it is judged in the book of its folder."""
    root = name_ordered_book(tmp_path, BOOK)
    assert findings(root, "book") == []
    ran = citelint(root, "check", "--no-cache", "book/ch2.md")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "in 4 files" in ran.stdout
    assert 'checking the whole book (4 files, in order from file names (numbers compared as numbers)), not only the paths given' in ran.stderr


def test_files_given_in_thousands_of_folders_are_placed_in_linear_work(project: Path) -> None:
    """With the order from file names, the folder of each file given was compared with
    every other one (is it inside it?), and the reading boundary made again for each
    folder: quadratic in the files a pre-commit hook names, one in each of 2,000
    folders took 120 s before any chapter was linted. Eight times the folders cost
    about eight times the calls now, and a folder inside another given is still left
    to it."""
    from citelint.book_order import book_files, book_folders
    from citelint.config import Settings
    from tests.helpers import count_calls

    (project / ".citelint.toml").write_text(BOOK_CONFIG, encoding="utf-8")
    given = []
    for number in range(400):
        (project / "book" / f"part{number}").mkdir(parents=True)
        (project / "book" / f"part{number}" / "ch.md").write_text(chapter(f"Part {number}", "Text.", []), encoding="utf-8")
        given.append(f"book/part{number}/ch.md")
    settings = Settings(numbering="book", root=str(project), source=str(project / ".citelint.toml"))
    assert len(book_files(given, settings).files) == 400
    assert book_folders(("book/part1/ch.md", "book", "book/part2")) == ("book",)
    small, large = (count_calls(lambda: book_files(given[:n], settings)) for n in (50, 400))
    assert large <= 1.25 * 8 * small, f"{small:,} calls -> {large:,}"


def test_with_the_order_from_file_names_one_chapter_does_not_pass_a_broken_book(tmp_path: Path) -> None:
    """ch2's list starts again at 1: each chapter is right alone, the book is not
    (CIT016 at ch2); checking ch2 alone, as a pre-commit hook does, finds it."""
    broken = {"ch1.md": chapter("Chapter 1", "One. [CITATION 1]", [entry(1)]), "ch2.md": chapter("Chapter 2", "Two. [CITATION 1]", [entry(2, label=1)])}
    root = name_ordered_book(tmp_path, broken)
    expected = findings(root, "book")
    assert ("CIT016", "book/ch2.md", 7) in expected
    assert findings(root, "book/ch2.md") == findings(root, "book/ch1.md", "book/ch2.md") == expected


def test_with_the_order_from_file_names_fix_of_one_chapter_does_not_renumber_it_alone(tmp_path: Path) -> None:
    """ch2 cites and lists 3 and 4, after ch1's 1 and 2: the book is right. Fixed
    alone as a book of one, ch2 would be renumbered 1 and 2, the numbers of ch1's
    sources."""
    right = {"ch1.md": chapter("Chapter 1", "One. [CITATION 1] Two. [CITATION 2]", [entry(1), entry(2)]), "ch2.md": chapter("Chapter 2", "Three. [CITATION 3] Four. [CITATION 4]", [entry(3), entry(4)])}
    root = name_ordered_book(tmp_path, right)
    before = texts(root)
    ran = citelint(root, "fix", "book/ch2.md")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert texts(root) == before


def test_a_file_that_is_no_chapter_is_named_and_not_checked(tmp_path: Path) -> None:
    root = make_book(tmp_path, BOOK, extra={"src/draft.md": "Draft. [CITATION 7]\n"})
    ran = citelint(root, "check", "--no-cache", "src")
    assert ran.returncode == 0, ran.stdout
    assert "src/SUMMARY.md, src/draft.md are not in the book" in ran.stderr


def test_selection_and_suppression_apply_at_the_reported_file(tmp_path: Path) -> None:
    book, _ = _planted("CIT003")
    book["ch2.md"] = book["ch2.md"].replace("Fifth.", "<!-- citelint-disable-next-line CIT003 -->\nFifth.")
    root = make_book(tmp_path, book)
    assert findings(root) == []
    book, _ = _planted("CIT001")
    root = make_book(tmp_path / "b", book, BOOK_CONFIG + '[per-file-ignores]\n"src/ch4.md" = ["CIT001"]\n')
    assert findings(root) == []


def test_the_result_cache_gives_the_same_book_findings(tmp_path: Path) -> None:
    book, expected = _planted("CIT016")
    root = make_book(tmp_path, book)
    cold = citelint(root, "check", "--format", "json")
    warm = citelint(root, "check", "--format", "json")
    assert cold.stdout == warm.stdout
    assert sorted((d["code"], d["path"], d["line"]) for d in json.loads(warm.stdout)["diagnostics"]) == sorted(expected)
    # a chapter changed: the book-wide part is judged again
    (root / "src/ch3.md").write_text(BOOK["ch3.md"], encoding="utf-8")
    assert json.loads(citelint(root, "check", "--format", "json").stdout)["diagnostics"] == []


# -- fix ---------------------------------------------------------------------------

UNORDERED = {
    "ch1.md": chapter("Chapter 1", "First. [CITATION 1] Second. [CITATION 3]", [entry(1), entry(2)]),
    "ch2.md": chapter("Chapter 2", "Third. [CITATION 2] Fourth. [CITATION 4]", [entry(3), entry(4)]),
    "ch3.md": chapter("Chapter 3", "Fifth. [CITATION 6]", [entry(5)]),
    "ch4.md": chapter("Chapter 4", "Sixth. [CITATION 5] Again. [CITATION 1]", [entry(6)]),
}
# Written by hand: new numbers in order of first citation (1, 3, 2, 4, 6, 5 become
# 1-6); each list keeps its place and size, and takes the entries of its numbers.
RENUMBERED = {
    "src/ch1.md": f"# Chapter 1\n\nFirst. [CITATION 1] Second. [CITATION 2]\n\n## References\n\n1. {ENTRY[1]}\n2. {ENTRY[3]}\n",
    "src/ch2.md": f"# Chapter 2\n\nThird. [CITATION 3] Fourth. [CITATION 4]\n\n## References\n\n3. {ENTRY[2]}\n4. {ENTRY[4]}\n",
    "src/ch3.md": f"# Chapter 3\n\nFifth. [CITATION 5]\n\n## References\n\n5. {ENTRY[6]}\n",
    "src/ch4.md": f"# Chapter 4\n\nSixth. [CITATION 6] Again. [CITATION 1]\n\n## References\n\n6. {ENTRY[5]}\n",
}


def test_fix_renumbers_the_book_across_its_files(tmp_path: Path) -> None:
    root = make_book(tmp_path, UNORDERED)
    assert {code for code, _, _ in findings(root)} == {"CIT003"}
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "src/ch1.md: renumbered 1 marker, moved 1 reference, relabelled 1 reference" in ran.stdout
    after = texts(root)
    for path, expected in RENUMBERED.items():
        assert after[path] == expected, path
    assert findings(root) == []
    again = citelint(root, "fix")
    assert again.returncode == 0 and texts(root) == after  # idempotent


def test_fix_of_a_book_leaves_a_list_with_text_between_its_entries_alone(tmp_path: Path) -> None:
    """A note at the margin between two entries stayed where it was while the entries
    around it changed places, under another source."""
    noted = chapter("Chapter 1", "First. [CITATION 1] Second. [CITATION 3]", [entry(1), "\nThis one is out of print.\n", entry(2)])
    root = make_book(tmp_path, {**UNORDERED, "ch1.md": noted})
    before = texts(root)
    ran = citelint(root, "fix")
    assert ran.returncode == 1
    assert "src/ch1.md: not fixed: line 9 (This one is out of print.) lies between two entries of the list and is part of neither" in ran.stdout + ran.stderr
    assert texts(root) == before


def test_fix_names_a_comment_whose_number_now_means_another_source(tmp_path: Path) -> None:
    """The book's renumbering leaves markers in comments as written, as a chapter's
    does, and says which now name another source (3 became 2 here; 1 stays 1)."""
    book = {**UNORDERED, "ch4.md": UNORDERED["ch4.md"].replace("Sixth.", "<!-- recheck [CITATION 3] and [CITATION 1] -->\n\nSixth.")}
    root = make_book(tmp_path, book)
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "<!-- recheck [CITATION 3] and [CITATION 1] -->" in texts(root)["src/ch4.md"]
    notes = [line for line in (ran.stdout + ran.stderr).splitlines() if "left as written" in line]
    assert notes == ["src/ch4.md: [CITATION 3] inside a comment on line 3 is left as written: the source it named is now [CITATION 2]"]


def test_fix_diff_and_check_write_nothing(tmp_path: Path) -> None:
    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    diff = citelint(root, "fix", "--diff")
    assert diff.returncode == 1
    assert "--- a/src/ch3.md" in diff.stdout and "+5. " + ENTRY[6] in diff.stdout
    assert citelint(root, "fix", "--check").returncode == 1
    assert texts(root) == before


def test_fix_with_one_bibliography(tmp_path: Path) -> None:
    chapters = {name: text.split("\n## References")[0] for name, text in UNORDERED.items()}
    back = "# References\n\n" + "\n".join(entry(n) for n in range(1, 7)) + "\n"
    config = BOOK_CONFIG + 'bibliography = "back-matter/references.md"\n'
    root = make_book(tmp_path, chapters, config, {"back-matter/references.md": back})
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert texts(root)["back-matter/references.md"] == "# References\n\n" + "\n".join(
        f"{new}. {ENTRY[old]}" for new, old in enumerate([1, 3, 2, 4, 6, 5], start=1)
    ) + "\n"
    assert texts(root)["src/ch4.md"] == "# Chapter 4\n\nSixth. [CITATION 6] Again. [CITATION 1]\n"
    assert findings(root) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("ch3.md", "Fifth. [CITATION 6]", "Fifth. [CITATION 6] Or [CITATION 2 or 3]."), "[CITATION 2 or 3] on line 3 may cite a reference but cannot be read; write it as a marker first"),
        (("ch4.md", "Again. [CITATION 1]", "Again. [CITATION 9]"), "reference 9 is cited on line 3, but no reference list of the book has it"),
        (("ch2.md", "3. ", "1. "), "reference 1 (line 7) has the number of reference 1 in src/ch1.md (line 7); say which is which first"),
    ],
    ids=["unreadable-near-miss", "cited-but-not-listed", "duplicate-label"],
)
def test_fix_refuses_for_a_blocker_in_one_chapter_and_changes_no_file(tmp_path: Path, change: tuple[str, str, str], reason: str) -> None:
    book = dict(UNORDERED)
    name, old, new = change
    book[name] = book[name].replace(old, new, 1)
    root = make_book(tmp_path, book)
    before = texts(root)
    ran = citelint(root, "fix")
    assert ran.returncode == 1
    assert f"src/{name}: not fixed: {reason}\n" in ran.stdout, ran.stdout
    assert texts(root) == before


# -- entries moving between lists written in different forms ------------------------

ALPHA = 'Smith, Jane. "Alpha Study of Rivers." Example Press, 2019. https://example.com/alpha'
BETA = 'Jones, Ann. "Beta Study of Lakes." Example Press, 2020. https://example.com/beta'
GAMMA = 'Brown, Bob. "Gamma Study of Seas." Example Press, 2021. https://example.com/gamma'
DELTA = 'Lee, Kim. "Delta Study of Ice." Example Press, 2022. https://example.com/delta'


def _two_chapters(first: str, second: str) -> dict[str, str]:
    return {
        "ch1.md": f"# One\n\nClaim. [CITATION 3] Other. [CITATION 1]\n\n## References\n\n{first}\n",
        "ch2.md": f"# Two\n\nClaim. [CITATION 2] Again. [CITATION 4]\n\n## References\n\n{second}\n",
    }


@pytest.mark.parametrize(
    ("first", "second", "fixed_first", "fixed_second"),
    [
        (f"1. {ALPHA}\n2. {BETA}", f"[3] {GAMMA}\n[4] {DELTA}", f"1. {GAMMA}\n2. {ALPHA}", f"[3] {BETA}\n[4] {DELTA}"),
        (f"[1] {ALPHA}\n[2] {BETA}", f"3) {GAMMA}\n4) {DELTA}", f"[1] {GAMMA}\n[2] {ALPHA}", f"3) {BETA}\n4) {DELTA}"),
        (f"> 1. {ALPHA}\n> 2. {BETA}", f"  \\[3\\] {GAMMA}\n  \\[4\\] {DELTA}", f"> 1. {GAMMA}\n> 2. {ALPHA}", f"  \\[3\\] {BETA}\n  \\[4\\] {DELTA}"),
        (f"- {ALPHA}\n- {BETA}", f"1. {GAMMA}\n1. {DELTA}", f"- {GAMMA}\n- {ALPHA}", f"1. {BETA}\n1. {DELTA}"),
        # one form, written in a block quote or indented in one list and not in the
        # other: the quote marks and indentation are the list's, not the entry's
        (f"> 1. {ALPHA}\n> 2. {BETA}", f"3. {GAMMA}\n4. {DELTA}", f"> 1. {GAMMA}\n> 2. {ALPHA}", f"3. {BETA}\n4. {DELTA}"),
        (f"- {ALPHA}\n- {BETA}", f"> - {GAMMA}\n> - {DELTA}", f"- {GAMMA}\n- {ALPHA}", f"> - {BETA}\n> - {DELTA}"),
        (f"   [1] {ALPHA}\n   [2] {BETA}", f"[3] {GAMMA}\n[4] {DELTA}", f"   [1] {GAMMA}\n   [2] {ALPHA}", f"[3] {BETA}\n[4] {DELTA}"),
    ],
    ids=[
        "numbered-and-brackets", "brackets-and-parenthesis", "quoted-and-escaped-brackets", "bullets-and-lazy-numbers",
        "quoted-and-plain-numbers", "plain-and-quoted-bullets", "indented-and-plain-brackets",
    ],
)
def test_a_moved_entry_takes_the_label_form_of_its_new_list(tmp_path: Path, first: str, second: str, fixed_first: str, fixed_second: str) -> None:
    """An entry that moves to a list written otherwise (`1.` items, `[n]` lines,
    bullets) is written as that list writes its entries, its text as it was: in the
    `1.` list a `[1] Brown` line would be read as the rest of the entry above it."""
    root = make_book(tmp_path, _two_chapters(first, second))
    assert "(run `citelint fix`)" in citelint(root, "check", "--no-cache").stdout
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    after = texts(root)
    assert after["src/ch1.md"] == f"# One\n\nClaim. [CITATION 1] Other. [CITATION 2]\n\n## References\n\n{fixed_first}\n"
    assert after["src/ch2.md"] == f"# Two\n\nClaim. [CITATION 3] Again. [CITATION 4]\n\n## References\n\n{fixed_second}\n"
    assert findings(root) == []


_TABLE = f"| # | Reference |\n|---|---|\n| 3 | {GAMMA} |\n| 4 | {DELTA} |"


@pytest.mark.parametrize(
    ("book", "path", "reason"),
    [
        (
            _two_chapters(f"1. {ALPHA}\n2. {BETA}", _TABLE),
            "src/ch1.md",
            "reference 3 (src/ch2.md, line 9) would move to the list at line 7, whose entries are `1.` list items, not table rows: "
            "citelint writes a moved entry in another list's form only between `1.` list items, `[1]` lines and bullets; write both lists alike first",
        ),
        (
            _two_chapters(f"1. {ALPHA}\n2. {BETA}", f"[3] {GAMMA}\n    Reprinted 2023.\n[4] {DELTA}"),
            "src/ch1.md",
            "reference 3 (src/ch2.md, line 7) would move to the list at line 7, whose entries are `1.` list items, not `[1]` lines: "
            "it is written on 2 lines, and citelint writes a moved entry in another list's form only when it is on one line; write both lists alike first",
        ),
        (
            {
                "ch1.md": f"# One\n\nClaim. [CITATION 2] Other. [CITATION 1]\n\n## References\n\n- {ALPHA}\n",
                "ch2.md": f"# Two\n\nClaim. [CITATION 2]\n\n## References\n\n2. {BETA}\n",
            },
            "src/ch1.md",
            "reference 2 (src/ch2.md, line 7) would move to the list at line 7, and one of the two lists numbers its entries while the other does not; number both lists alike first",
        ),
        (
            {
                "ch1.md": f"# One\n\nClaim. [CITATION 3] Other. [CITATION 1]\n\n## References\n\n1. {ALPHA}\n2. {BETA}\n",
                "ch2.md": f"<!-- citelint-disable-file -->\n# Two\n\nClaim. [CITATION 2]\n\n## References\n\n3. {GAMMA}\n",
            },
            "src/ch2.md",
            "the file is switched off with citelint-disable-file, and its markers would be renumbered",
        ),
        (
            {
                "ch1.md": f"# One\n\nClaim. [CITATION 2] Other. [CITATION 1]\n\n## References\n\n1. {ALPHA}\n2. {BETA}\n",
                "ch2.md": f"# Two\n\nAgain. [Citation 2] <!-- citelint-disable-line CIT005 -->\n\n## References\n\n",
            },
            "src/ch2.md",
            "the malformed marker [Citation 2] on line 3 is left as written (CIT005 is not selected or is suppressed) and would need a new number",
        ),
        (
            {
                "ch1.md": f"# One\n\nClaim. [CITATION 2] Other. [CITATION 1]\n\n## References\n\n1. {ALPHA}\n2. {BETA}\n",
                "ch2.md": f"# Two\n\nAgain. [CITATION 3]\n\n## References\n\n3. {GAMMA} See also [CITATION 9].\n",
            },
            "src/ch2.md",
            "[CITATION 9] on line 7 (in the reference list) cites a number the book does not list",
        ),
        (
            _two_chapters(f"> 1. {ALPHA}\n> 2. {BETA}", f"3. {GAMMA}\n   Reprinted 2023.\n4. {DELTA}"),
            "src/ch1.md",
            "reference 3 (src/ch2.md, line 7) would move to the list at line 7, whose entries are written after `> `, not at the margin: "
            "it is written on 2 lines, and citelint writes a moved entry in another list's form only when it is on one line; write both lists alike first",
        ),
    ],
    ids=[
        "table-rows", "entry-of-two-lines", "bullets-and-numbers", "file-switched-off", "near-miss-left", "entry-cites-a-number-not-listed",
        "entry-of-two-lines-into-a-quote",
    ],
)
def test_check_names_the_reason_fix_refuses_and_fix_changes_nothing(tmp_path: Path, book: dict[str, str], path: str, reason: str) -> None:
    """``check`` never says "run `citelint fix`" when ``fix`` refuses: both read one
    answer (``Book.blocker``), and the refusal comes before any plan is made."""
    root = make_book(tmp_path, book)
    before = texts(root)
    checked = citelint(root, "check", "--no-cache").stdout
    assert "CIT003" in checked and "run `citelint fix`" not in checked, checked
    assert f"(`citelint fix` cannot renumber: {path}: {reason})" in checked, checked
    ran = citelint(root, "fix")
    assert ran.returncode == 1
    assert f"{path}: not fixed: {reason}\n" in ran.stdout, ran.stdout
    assert texts(root) == before


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Plumage[3] varies.",
            "`Plumage[3]` on line 3 is read as an index after a word, and renumbering would leave it naming another source if it cites; "
            "put a space before the bracket if it cites, or write it as code (in backticks) if it is an index",
        ),
        (
            "A list [3, 1, 3] of data.",
            "[3, 1, 3] on line 3 names a number twice, so it may be data rather than a citation, and renumbering would change it; "
            "name each source once if it cites, or write it as code (in backticks) if it is data",
        ),
    ],
    ids=["bracket-glued-to-a-word", "number-named-twice"],
)
def test_check_names_the_reason_fix_refuses_once_it_knows_the_new_numbers(tmp_path: Path, text: str, reason: str) -> None:
    """What makes fix refuse only once the new numbers are known (``markers_left_as_written``)
    is read by check across the book too: it used to say "run `citelint fix`", which
    then refused. The chapter is parsed again for it, its summary saying it may refuse."""
    book = {
        "ch1.md": f"# One\n\nClaim [3], then [1] and [2]. {text}\n\n## References\n\n[1] {ALPHA}\n[2] {BETA}\n",
        "ch2.md": f"# Two\n\nClaim [3].\n\n## References\n\n[3] {GAMMA}\n",
    }
    root = make_book(tmp_path, book, config='numbering = "book"\nmarker-style = "brackets"\n')
    before = texts(root)
    for cached in ("--no-cache", "--no-cache", ""):  # twice to fill the result cache, then from it
        checked = citelint(root, "check", *filter(None, [cached])).stdout
        assert "CIT003" in checked and "run `citelint fix`" not in checked, checked
        assert f"(`citelint fix` cannot renumber: src/ch1.md: {reason}" in checked, checked
    ran = citelint(root, "fix")
    assert ran.returncode == 1
    assert f"src/ch1.md: not fixed: {reason}" in ran.stdout, ran.stdout
    assert texts(root) == before


def test_a_file_switched_off_that_the_renumbering_leaves_as_it_is_does_not_stop_it(tmp_path: Path) -> None:
    switched_off = f"<!-- citelint-disable-file -->\n# Two\n\nClaim. [CITATION 3]\n\n## References\n\n3. {GAMMA}\n"
    root = make_book(tmp_path, {"ch1.md": f"# One\n\nClaim. [CITATION 2] Other. [CITATION 1]\n\n## References\n\n1. {ALPHA}\n2. {BETA}\n", "ch2.md": switched_off})
    assert "(run `citelint fix`)" in citelint(root, "check", "--no-cache").stdout
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert texts(root)["src/ch1.md"] == f"# One\n\nClaim. [CITATION 1] Other. [CITATION 2]\n\n## References\n\n1. {BETA}\n2. {ALPHA}\n"
    assert texts(root)["src/ch2.md"] == switched_off


def test_a_moved_entry_takes_the_line_endings_of_its_new_file(tmp_path: Path) -> None:
    root = make_book(tmp_path, {"ch1.md": "", "ch2.md": ""})
    (root / "src" / "ch1.md").write_bytes(b'# One\n\nClaim. [CITATION 2]\n\n## References\n\n1. Smith, Jane. "Alpha Study." Example Press, 2019. https://example.com/a\n')
    (root / "src" / "ch2.md").write_bytes(
        b'# Two\r\n\r\nClaim. [CITATION 1]\r\n\r\n## References\r\n\r\n2. Jones, Ann. "Beta Study." Example Press, 2020. https://example.com/b\r\n    - Reprinted 2023.\r\n'
    )
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (root / "src" / "ch1.md").read_bytes() == (
        b'# One\n\nClaim. [CITATION 1]\n\n## References\n\n1. Jones, Ann. "Beta Study." Example Press, 2020. https://example.com/b\n    - Reprinted 2023.\n'
    )
    assert (root / "src" / "ch2.md").read_bytes() == (
        b'# Two\r\n\r\nClaim. [CITATION 2]\r\n\r\n## References\r\n\r\n2. Smith, Jane. "Alpha Study." Example Press, 2019. https://example.com/a\r\n'
    )


# -- a file changed on disk during the fix (the test seam: fix_book.before_write) ---


def test_a_file_changed_before_its_write_stops_the_whole_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import fix_book

    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    monkeypatch.chdir(root)

    def someone_saves(path: str) -> None:
        if path.endswith("ch1.md"):
            Path(path).write_text(Path(path).read_text(encoding="utf-8") + "A new paragraph.\n", encoding="utf-8")

    monkeypatch.setattr(fix_book, "before_write", someone_saves)
    ran = cli("fix")
    assert ran.code == 1
    assert "src/ch1.md: not fixed: it changed on disk while citelint was fixing it; not overwritten; the book was not renumbered (no file changed)" in ran.stdout
    after = texts(root)
    assert after["src/ch1.md"] == before["src/ch1.md"] + "A new paragraph.\n"  # the writer's text is kept
    assert {path: text for path, text in after.items() if path != "src/ch1.md"} == {path: text for path, text in before.items() if path != "src/ch1.md"}


def test_a_later_file_changed_puts_the_earlier_writes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import fix_book

    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    monkeypatch.chdir(root)
    seen: list[str] = []

    def someone_saves_chapter_3(path: str) -> None:
        seen.append(path)
        if path.endswith("ch3.md"):
            Path(path).write_text("# Chapter 3\n\nRewritten.\n", encoding="utf-8")

    monkeypatch.setattr(fix_book, "before_write", someone_saves_chapter_3)
    ran = cli("fix")
    assert ran.code == 1
    assert seen == ["src/ch1.md", "src/ch2.md", "src/ch3.md"]
    assert "src/ch3.md: not fixed: it changed on disk" in ran.stdout
    assert "the 2 files written before it were put back as they were" in ran.stdout
    after = texts(root)
    assert after["src/ch3.md"] == "# Chapter 3\n\nRewritten.\n"
    assert {path: text for path, text in after.items() if path != "src/ch3.md"} == {path: text for path, text in before.items() if path != "src/ch3.md"}


# -- the invariant, on generated books ---------------------------------------------

_MARKER = re.compile(r"\[(?:CITATION|Citation) ([\d, –-]+?)(?:, p\. \d+)?\]")
_ENTRY = re.compile(r"^(\d+)\. (.*)$", re.MULTILINE)


def _numbers(written: str) -> list[int]:
    """``1, 3`` or ``2-4`` (``2–4``) as the numbers they cite."""
    found = []
    for part in written.split(","):
        first, _, last = part.strip().replace("–", "-").partition("-")
        found += list(range(int(first), int(last or first) + 1))
    return found


def cited_works(book: dict[str, str]) -> list[list[tuple[str, ...]]]:
    """Independently of citelint: for each chapter, the entry texts each marker of its
    prose points to (a locator aside), the entries read from every chapter's list
    (numbers run on)."""
    entries = {int(number): text for text in book.values() if "## References" in text for number, text in _ENTRY.findall(text.split("## References")[1])}
    return [
        [tuple(entries.get(n, f"<none {n}>") for n in _numbers(written)) for written in _MARKER.findall(text.split("## References")[0])]
        for text in book.values()
    ]


@st.composite
def markers(draw: st.DrawFn, total: int) -> str:
    """A marker as writers write them: one number, with a locator, a list, a range,
    or a near-miss whose intent is clear (`[Citation 2]`, which fix normalises)."""
    number = st.integers(1, total)
    kind = draw(st.sampled_from(["plain", "locator", "list", "range", "near-miss"]))
    if kind == "locator":
        return f"[CITATION {draw(number)}, p. {draw(st.integers(1, 99))}]"
    if kind == "list":
        return f"[CITATION {draw(number)}, {draw(number)}]"
    if kind == "range" and total >= 2:
        first = draw(st.integers(1, total - 1))
        return f"[CITATION {first}-{draw(st.integers(first + 1, total))}]"
    if kind == "near-miss":
        return f"[Citation {draw(number)}]"
    return f"[CITATION {draw(number)}]"


@st.composite
def books(draw: st.DrawFn) -> dict[str, str]:
    """2-4 chapters; entries 1..N spread over the chapters' lists in a shuffled order
    (labels continuing the numbering or not); each chapter cites some of them."""
    count = draw(st.integers(2, 4))
    total = draw(st.integers(count, 9))
    numbers = draw(st.permutations(list(range(1, total + 1))))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=count - 1, max_size=count - 1)))
    lists = [numbers[a:b] for a, b in zip([0, *cuts], [*cuts, total])]
    book = {}
    for index, listed in enumerate(lists, start=1):
        cites = draw(st.lists(markers(total), min_size=1, max_size=5))
        prose = " ".join(f"Claim {i}. {marker}" for i, marker in enumerate(cites))
        book[f"ch{index}.md"] = chapter(f"Chapter {index}", prose, [entry(n) for n in listed])
    return book


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_fix_keeps_what_every_citation_points_to_across_files(book: dict[str, str]) -> None:
    from citelint.config import Settings
    from citelint.fix_book import fix_book_paths

    with tempfile.TemporaryDirectory() as folder:
        root = make_book(Path(folder), book)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            outcome = fix_book_paths((), Settings(numbering="book", root=str(root), source=str(root / ".citelint.toml")), write=True)
        finally:
            os.chdir(cwd)
        after = {name: (root / "src" / name).read_text(encoding="utf-8") for name in book}
    refused = [report.refused for report in outcome.reports if report.refused]
    assert not outcome.errors
    assert not refused  # a generated book has no blocker: every number cited is listed once
    assert cited_works(after) == cited_works(book)
    # every list kept its size, and the book's numbering now runs 1..N in order
    assert [len(_ENTRY.findall(t.split("## References")[1])) if "## References" in t else 0 for t in after.values()] == [
        len(_ENTRY.findall(t.split("## References")[1])) if "## References" in t else 0 for t in book.values()
    ]
    labels = [int(n) for t in after.values() if "## References" in t for n, _ in _ENTRY.findall(t.split("## References")[1])]
    assert labels == list(range(1, len(labels) + 1))


def test_an_unchanged_book_is_reported_from_the_cache_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import book_numbering

    book, expected = _planted("CIT003")
    root = make_book(tmp_path, book)
    monkeypatch.chdir(root)
    first = cli("check", "--format", "json")

    def must_not_run(*args: object) -> None:
        raise AssertionError("the book-wide part was worked out again for an unchanged book")

    monkeypatch.setattr(book_numbering, "findings_of_files", must_not_run)
    monkeypatch.setattr(book_numbering, "parsed", must_not_run)
    second = cli("check", "--format", "json")
    assert second.stdout == first.stdout
    assert [(d["code"], d["path"], d["line"]) for d in json.loads(second.stdout)["diagnostics"]] == expected


def test_chapter_numbering_imports_nothing_of_book_mode(tmp_path: Path) -> None:
    """The default's speed is unchanged: book mode is neither run nor imported (the
    book's order is read to order CIT014's comparison of two or more files, only)."""
    root = make_book(tmp_path, BOOK, config="")
    probe = (
        "import sys\nfrom citelint.cli import cli\n"
        "for args in (['check', '--no-cache', 'src'], ['fix', '--check', 'src'], ['check', '--no-cache', 'src/ch1.md']):\n"
        "    try:\n        cli(args)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in sys.modules if m in ('citelint.book_numbering', 'citelint.fix_book', 'citelint.book_order')))\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert ran.stdout.strip().splitlines()[-1] == "['citelint.book_order']", ran.stdout + ran.stderr
    one_file = probe.replace("['check', '--no-cache', 'src'], ['fix', '--check', 'src'], ", "")
    ran = subprocess.run([sys.executable, "-c", one_file], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert ran.stdout.strip().splitlines()[-1] == "[]", ran.stdout + ran.stderr
    book_mode = subprocess.run([sys.executable, "-c", probe], cwd=make_book(tmp_path / "b", BOOK), capture_output=True, text=True, timeout=120, check=False)
    assert book_mode.stdout.strip().splitlines()[-1] == "['citelint.book_numbering', 'citelint.book_order', 'citelint.fix_book']"


def test_an_interrupt_between_two_writes_puts_the_book_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import fix_book
    from citelint.atomic_write import Interrupted

    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    monkeypatch.chdir(root)

    def interrupted_at_chapter_3(path: str) -> None:
        if path.endswith("ch3.md"):
            raise Interrupted(15)

    monkeypatch.setattr(fix_book, "before_write", interrupted_at_chapter_3)
    ran = cli("fix")
    assert ran.code == 128 + 15
    assert "citelint: interrupted; the book (every file) was left as it was" in ran.stderr
    assert texts(root) == before


def test_a_suppressed_renumbering_finding_keeps_the_book_numbering(tmp_path: Path) -> None:
    book = dict(UNORDERED)
    book["ch1.md"] = book["ch1.md"].replace("Second.", "<!-- citelint-disable-next-line CIT003 -->\nSecond.")
    root = make_book(tmp_path, book)
    before = texts(root)
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "book: kept the numbering: CIT003 is suppressed on line 4 of src/ch1.md" in ran.stdout
    assert texts(root) == before


def test_a_chapter_whose_markers_may_point_at_two_lists_is_still_told_so(tmp_path: Path) -> None:
    """CIT009's warning is a chapter's own decision; in book mode it is reported too."""
    two_lists = (
        "# Chapter 3\n\nA claim. [CITATION 5] Another. [CITATION 6]\n"
        '\n## Notes\n\n5. Smith, "One," 2020, 4.\n6. Doe, "Two," 2021, 9.\n'
        '\n## References\n\n5. Smith, "One," 2020, 4.\n6. Doe, "Two," 2021, 9.\n'
    )
    book = {**BOOK, "ch3.md": two_lists, "ch4.md": chapter("Chapter 4", "Back to two. [CITATION 2]", [])}
    root = make_book(tmp_path, book)
    assert [found for found in findings(root) if found[0] != "CIT008"] == [("CIT009", "src/ch3.md", 10)]  # the notes have no URL
    # and fix, asked to renumber the book (chapter 1 out of order), refuses: which list is a guess
    (root / "src/ch1.md").write_text(BOOK["ch1.md"].replace("[CITATION 1] Second claim. [CITATION 2]", "[CITATION 2] Second claim. [CITATION 1]"), encoding="utf-8")
    before = texts(root)
    ran = citelint(root, "fix")
    assert ran.returncode == 1
    assert "src/ch3.md: not fixed: the markers may point at the list at line 5 (## Notes) or at the one at line 10 (## References)" in ran.stdout
    assert texts(root) == before


def test_a_chapter_that_cannot_be_parsed_stops_the_book_fix_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import fix_book

    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    monkeypatch.chdir(root)
    real = fix_book.parsed

    def too_deep_in_chapter_3(path: str, *args: object) -> object:
        if path.endswith("ch3.md"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fix_book, "parsed", too_deep_in_chapter_3)
    ran = cli("fix")
    assert ran.code == 2
    assert ran.stderr.strip().splitlines() == ["citelint: error: src/ch3.md: is nested too deeply to fix; the book was not renumbered"]
    assert texts(root) == before


def test_labels_past_a_thousand_continue_the_book_and_are_no_wrapped_years(tmp_path: Path) -> None:
    """A chapter alone reads a label of 1000 or more past twice its entries as a year
    wrapped onto its own line; in a book of a thousand references it is a number."""
    works = {n: f'"Work {n}." Example Press, 2020. https://example.com/{n}' for n in range(1, 1002)}
    first = chapter("Chapter 1", " ".join(f"Claim. [CITATION {n}]" for n in range(1, 1000)), [f"{n}. {works[n]}" for n in range(1, 1000)])
    second = chapter("Chapter 2", "Later. [CITATION 1001] Earlier. [CITATION 1000]", [f"1000. {works[1000]}", f"1001. {works[1001]}"])
    root = make_book(tmp_path, {"ch1.md": first, "ch2.md": second})
    assert findings(root) == [("CIT003", "src/ch2.md", 3)]
    ran = citelint(root, "fix")
    assert ran.returncode == 0, ran.stdout
    assert (root / "src/ch2.md").read_text(encoding="utf-8") == chapter(
        "Chapter 2", "Later. [CITATION 1000] Earlier. [CITATION 1001]", [f"1000. {works[1001]}", f"1001. {works[1000]}"]
    )


# -- the per-file summary the book-wide rules read -----------------------------------

# Every book-wide rule fires somewhere: an out-of-order first citation (its advice
# names a blocker: chapter 3's unreadable near-miss), a cited number no list has, an
# unused entry, a gap, a label that is not its place, a list starting again at 1, a
# chapter whose markers may point at two lists, a suppression comment and a book
# compiled into one file.
SUMMARISED = {
    "ch1.md": chapter("Chapter 1", "One. [CITATION 2] Two. [CITATION 1]\n\n<!-- citelint-disable-next-line CIT001 -->\nGone. [CITATION 40]", [entry(1), entry(2)]),
    "ch2.md": chapter("Chapter 2", "Three. [CITATION 3] Nine. [CITATION 9] Far. [CITATION 41]", [entry(3), entry(4), entry(9, label=9)]),
    "ch3.md": chapter("Chapter 3", "Again. [CITATION 1] Odd [CITATION 3a] here.", [entry(5, label=1)]),
    "ch4.md": (
        "# Chapter 4\n\nA claim. [CITATION 10] Another. [CITATION 11]\n"
        '\n## Notes\n\n10. Smith, "One," 2020, 4.\n11. Doe, "Two," 2021, 9.\n'
        '\n## References\n\n10. Smith, "One," 2020, 4.\n11. Doe, "Two," 2021, 9.\n'
    ),
    "ch5.md": "# Part A\n\nClaim. [CITATION 12]\n\n## References\n\n12. " + ENTRY[12] + "\n\n# Part B\n\nClaim. [CITATION 14]\n\n## References\n\n14. " + ENTRY[14] + "\n",
}


def _book_files(root: Path) -> list[tuple[str, str]]:
    return [(str(root / "src" / name), f"src/{name}") for name in SUMMARISED]


def test_the_per_file_summary_gives_the_findings_a_parse_gives(tmp_path: Path) -> None:
    """The book-wide findings from each file's summary (as the per-file lint makes
    it, and as the result cache gives it back) are those of parsing every chapter."""
    from citelint.book_numbering import decode_summary, encode_summary, findings_of_files, summary_of
    from citelint.chapter import Chapter
    from citelint.config import load_settings

    root = make_book(tmp_path, SUMMARISED)
    old = os.getcwd()
    os.chdir(root)
    try:
        settings = load_settings(None, {})
        files = _book_files(root)
        parsed_again = findings_of_files([(path, shown, None) for path, shown in files], settings)
        summaries = [summary_of(Chapter.parse(Path(path).read_text(encoding="utf-8"), settings)) for path, _ in files]
        assert all(summary is not None for summary in summaries)
        from_summaries = findings_of_files([(path, shown, summary) for (path, shown), summary in zip(files, summaries)], settings)
        kept = [decode_summary(json.loads(json.dumps(encode_summary(summary))), settings) for summary in summaries]
        from_cache = findings_of_files([(path, shown, summary) for (path, shown), summary in zip(files, kept)], settings)
    finally:
        os.chdir(old)
    codes = {d.code for d in parsed_again}
    assert {"CIT001", "CIT002", "CIT003", "CIT004", "CIT009", "CIT011", "CIT016"} <= codes, codes
    assert "cannot renumber" in next(d.message for d in parsed_again if d.code == "CIT003")
    assert from_summaries == parsed_again
    assert from_cache == parsed_again
    # what the cache holds is checked: anything else is no summary (the file is parsed again)
    well_formed = '[[],[[[[3,9,[1],"[1]",true]],null,[[3,1,2],[9,1,8]],[],null,[],null,"x",[],false]]]'
    assert decode_summary(well_formed, settings) is not None
    for stored in (None, 3, "[1,", "[[],[[1]]]", well_formed.replace('"x"', "5"), well_formed.replace("[3,9,[1]", "[3,9,[1.5]"), well_formed.replace(',"[1]"', ""), well_formed.replace(",true", ",1"), well_formed.replace(",false]", ",0]"), well_formed.replace("[9,1,8]", f"[{2**70},1,8]"), "[" * 100_000):
        assert decode_summary(stored, settings) is None


def test_a_summary_gives_the_positions_of_its_offsets_as_the_document_does() -> None:
    from citelint.book_numbering import SummaryDocument, summary_of
    from citelint.chapter import Chapter
    from citelint.config import Settings

    chapter = Chapter.parse("# A\n\nOne. [CITATION 1]\n> Two. [CITATION 2]\n\n## References\n\n1. A.\n2. B.\n", Settings())
    (part,) = summary_of(chapter).parts
    assert len(part.document.offsets) >= 6
    for offset in part.document.offsets:
        assert part.document.position(offset) == chapter.document.position(offset)
        assert part.document.line_of(offset) == chapter.document.line_of(offset)
    with pytest.raises(KeyError):
        part.document.position(1 + max(part.document.offsets))
    import pickle

    assert pickle.loads(pickle.dumps(summary_of(chapter))) == summary_of(chapter)  # as a forked process sends it
    assert SummaryDocument.of([(9, 2, 3), (4, 1, 5), (9, 2, 4)]).position(9) == (2, 4)


@pytest.mark.parametrize("listed", [10, 700, 1600])  # twice the book's entries below, between and past its labels 1000 and 3000
def test_labels_of_a_thousand_or_more_give_the_blocker_a_parse_gives(tmp_path: Path, listed: int) -> None:
    from citelint.book_numbering import findings_of_files, summary_of
    from citelint.chapter import Chapter
    from citelint.config import load_settings

    works = {n: f'"Work {n}." Example Press, 2020. https://example.com/{n}' for n in [*range(1, listed + 1), 1000, 3000]}
    first = chapter("Chapter 1", " ".join(f"Claim. [CITATION {n}]" for n in range(1, listed + 1)), [f"{n}. {works[n]}" for n in range(1, listed + 1)])
    second = chapter("Chapter 2", "Later. [CITATION 3000] Earlier. [CITATION 1000]", [f"1000. {works[1000]}", f"3000. {works[3000]}"])
    root = make_book(tmp_path, {"ch1.md": first, "ch2.md": second})
    old = os.getcwd()
    os.chdir(root)
    try:
        settings = load_settings(None, {})
        files = [(str(root / "src" / name), f"src/{name}") for name in ("ch1.md", "ch2.md")]
        parsed_again = findings_of_files([(path, shown, None) for path, shown in files], settings)
        summaries = [summary_of(Chapter.parse(Path(path).read_text(encoding="utf-8"), settings)) for path, _ in files]
        from_summaries = findings_of_files([(path, shown, summary) for (path, shown), summary in zip(files, summaries)], settings)
    finally:
        os.chdir(old)
    assert any(d.code in ("CIT003", "CIT016") for d in parsed_again)
    assert from_summaries == parsed_again


def test_a_cold_check_of_the_book_parses_each_chapter_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19's time bound: the book-wide rules read the per-file lint's summaries."""
    from citelint import book_numbering

    root = make_book(tmp_path, SUMMARISED)
    monkeypatch.chdir(root)
    expected = findings(root)

    def must_not_run(*args: object) -> None:
        raise AssertionError("a chapter was parsed again for the book-wide rules")

    monkeypatch.setattr(book_numbering, "parsed", must_not_run)
    ran = cli("check", "--no-cache", "--format", "json")
    assert [(d["code"], d["path"], d["line"]) for d in json.loads(ran.stdout)["diagnostics"]] == expected


def test_one_chapter_edited_the_others_summaries_come_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import book_numbering

    root = make_book(tmp_path, SUMMARISED)
    monkeypatch.chdir(root)
    cli("check", "--format", "json")
    with (root / "src/ch2.md").open("a", encoding="utf-8") as out:
        out.write("\nMore. [CITATION 4]\n")
    expected = findings(root)

    def must_not_run(*args: object) -> None:
        raise AssertionError("an unchanged chapter was parsed again for the book-wide rules")

    monkeypatch.setattr(book_numbering, "parsed", must_not_run)
    ran = cli("check", "--format", "json")
    assert [(d["code"], d["path"], d["line"]) for d in json.loads(ran.stdout)["diagnostics"]] == expected


# -- the formats: every book-wide finding at its own file ------------------------------

_AT_MARKER = {"CIT001", "CIT003", "CIT004", "CIT005"}
_AT_ENTRY = {"CIT002", "CIT008", "CIT011", "CIT016"}


def test_json_sarif_and_github_name_the_right_file_for_every_book_wide_finding(tmp_path: Path) -> None:
    root = make_book(tmp_path, SUMMARISED)
    report = json.loads(citelint(root, "check", "--no-cache", "--format", "json").stdout)
    found = [(d["code"], d["path"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert {"CIT001", "CIT002", "CIT003", "CIT004", "CIT009", "CIT011", "CIT016"} <= {code for code, *_ in found}
    assert {path for _, path, *_ in found} == {f"src/{name}" for name in SUMMARISED}
    for code, path, line, column in found:  # each at what it is about, in that file
        text = (root / path).read_text(encoding="utf-8").splitlines()[line - 1]
        if code in _AT_MARKER:
            assert text[column - 1:].startswith("[CITATION"), (code, path, line, text)
        elif code in _AT_ENTRY:
            assert re.match(r"\d+\. ", text), (code, path, line, text)
        else:
            assert code == "CIT009" and text.startswith("## "), (code, path, line, text)
    sarif = json.loads(citelint(root, "check", "--no-cache", "--format", "sarif").stdout)
    located = [(r["ruleId"], r["locations"][0]["physicalLocation"]) for r in sarif["runs"][0]["results"]]
    assert sorted((code, at["artifactLocation"]["uri"], at["region"]["startLine"], at["region"]["startColumn"]) for code, at in located) == sorted(found)
    github = citelint(root, "check", "--no-cache", "--format", "github").stdout
    commands = re.findall(r"^::(?:error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),[^:]*title=(CIT\d+)", github, re.MULTILINE)
    assert sorted((code, path, int(line), int(column)) for path, line, column, code in commands) == sorted(found)


def test_the_json_fix_of_a_book_wide_finding_is_null_and_its_message_says_run_fix(tmp_path: Path) -> None:
    """A renumbering of the book changes several files as one transaction, checked as
    a whole; a finding's ``fix`` holds edits of its own file only, and one file's
    share applied alone would make its markers point at other entries. So the
    book-wide findings carry no edits (docs/book.md says why) and their message
    says to run `citelint fix`; a chapter's own fix (a near-miss marker) is kept."""
    book, _ = _planted("CIT003")
    book["ch4.md"] = book["ch4.md"].replace("[CITATION 6]", "[Citation 6]")
    root = make_book(tmp_path, book)
    report = json.loads(citelint(root, "check", "--no-cache", "--format", "json").stdout)
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert set(by_code) == {"CIT003", "CIT005"}
    assert by_code["CIT003"]["fix"] is None and "run `citelint fix`" in by_code["CIT003"]["message"]
    assert by_code["CIT005"]["fix"]["edits"] and by_code["CIT005"]["path"] == "src/ch4.md"
    diff = citelint(root, "fix", "--diff").stdout
    assert "src/ch2.md" in diff and "src/ch3.md" in diff  # the fix exists, across two files


def test_parallel_jobs_carry_the_summaries_and_find_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citelint import book_numbering, check_files

    book = {**SUMMARISED, **{f"ch{n}.md": chapter(f"Chapter {n}", f"Claim. [CITATION {n + 9}]", [entry(n + 9)]) for n in range(6, 10)}}
    root = make_book(tmp_path, book)
    monkeypatch.chdir(root)
    serial = cli("check", "--no-cache", "--jobs", "1", "--format", "json").stdout
    monkeypatch.setattr(check_files, "PARALLEL_MIN_BYTES", 0)

    def must_not_run(*args: object) -> None:
        raise AssertionError("a chapter was parsed again for the book-wide rules")

    monkeypatch.setattr(book_numbering, "parsed", must_not_run)
    forked = []
    real_fork = os.fork

    def counted_fork() -> int:
        forked.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    assert cli("check", "--no-cache", "--jobs", "2", "--format", "json").stdout == serial
    assert forked
    assert len(json.loads(serial)["diagnostics"]) > 10


def test_an_unchanged_book_imports_neither_the_book_rules_nor_the_parser(tmp_path: Path) -> None:
    """Issue 19: an unchanged book from the cache as fast as before: its files are
    found (book_order) and its findings read from the index, nothing more."""
    book, _ = _planted("CIT003")
    root = make_book(tmp_path, book)
    citelint(root, "check")
    probe = (
        "import sys\nfrom citelint.cli import cli\n"
        "try:\n    cli(['check'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m in ('citelint.book_numbering', 'citelint.chapter', 'mistune', 'citelint.book_order')))\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert "src/ch2.md:3:" in ran.stdout
    assert ran.stdout.strip().splitlines()[-1] == "['citelint.book_order']", ran.stdout + ran.stderr


# -- one file listed twice, or under two names ---------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
@pytest.mark.parametrize("second", ["reprint.md", "./ch1.md"], ids=["symbolic link", "listed twice"])
def test_a_chapter_listed_under_two_names_is_one_file_of_the_book_said_in_a_note(tmp_path: Path, second: str) -> None:
    out_of_order = {"ch1.md": chapter("One", "A claim. [CITATION 2]", [entry(1, 2)]), "ch2.md": chapter("Two", "B claim. [CITATION 1]", [entry(2, 1)])}
    root = make_book(tmp_path, out_of_order)
    (root / "src/reprint.md").symlink_to("ch1.md")
    with (root / "src/SUMMARY.md").open("a", encoding="utf-8") as summary:
        summary.write(f"- [Again]({second})\n")
    note = "src/reprint.md and src/ch1.md are the same file" if second == "reprint.md" else "src/ch1.md is listed more than once"
    listed = citelint(root, "book")
    assert listed.returncode == 0 and listed.stdout.splitlines()[1:] == ["src/ch1.md", "src/ch2.md"]
    assert listed.stderr.startswith(f"citelint: note: src/SUMMARY.md: {note}; it is one chapter, checked at its first place in the book")
    checked = citelint(root, "check", "--no-cache")
    assert checked.returncode == 1 and "in 2 files" in checked.stdout and "CIT016" not in checked.stdout and note in checked.stderr
    fixed = citelint(root, "fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "changed on disk" not in fixed.stdout + fixed.stderr and note in fixed.stdout + fixed.stderr
    assert citelint(root, "check", "--no-cache").returncode == 0
    assert (root / "src/reprint.md").is_symlink()


def test_a_configured_glob_that_matches_a_chapter_listed_already_says_nothing(tmp_path: Path) -> None:
    root = make_book(tmp_path, BOOK, config='numbering = "book"\nchapters = ["src/ch2.md", "src/ch*.md"]\n')
    listed = citelint(root, "book", "-q")
    assert (listed.returncode, listed.stdout.splitlines(), listed.stderr) == (0, ["src/ch2.md", "src/ch1.md", "src/ch3.md", "src/ch4.md"], "")


# -- a chapter that exclude names -------------------------------------------------------

THREE = {
    "ch1.md": chapter("One", "A. [CITATION 1] B. [CITATION 2]", [entry(1), entry(2)]),
    "ch2.md": chapter("Two", "C. [CITATION 3] D. [CITATION 4]", [entry(3), entry(4)]),
    "ch3.md": chapter("Three", "E. [CITATION 5] F. [CITATION 6]", [entry(5), entry(6)]),
}
EXCLUDED = 'numbering = "book"\nchapters = ["src/ch1.md", "src/ch2.md", "src/ch3.md"]\nexclude = ["src/ch2.md"]\n'


def test_an_excluded_chapter_counts_in_the_book_numbering_and_reports_nothing(tmp_path: Path) -> None:
    root = make_book(tmp_path, THREE, config=EXCLUDED)
    assert citelint(root, "book", "-q").stdout.splitlines() == ["src/ch1.md", "src/ch2.md", "src/ch3.md"]
    checked = citelint(root, "check", "--no-cache")
    assert (checked.returncode, checked.stdout) == (0, "Found 0 problems (0 errors, 0 warnings) in 2 files.\n"), checked.stdout  # no CIT004 "skips from 2 to 5", no CIT011
    assert citelint(root, "fix", "--check").returncode == 0
    (root / "src/ch2.md").write_text(chapter("Two", "C. [CITATION 4] D. [CITATION 3]", [entry(3), entry(4)]), encoding="utf-8")
    before = texts(root)
    assert findings(root) == []  # its own CIT003 is not reported
    fixed = citelint(root, "fix")
    assert fixed.returncode == 0 and "kept the numbering: src/ch2.md is excluded" in fixed.stdout + fixed.stderr and texts(root) == before


def test_fix_leaves_an_excluded_chapter_alone_or_refuses_naming_it(tmp_path: Path) -> None:
    swapped = {**THREE, "ch1.md": chapter("One", "A. [CITATION 2] B. [CITATION 1]", [entry(1), entry(2)])}
    root = make_book(tmp_path, swapped, config=EXCLUDED)
    assert findings(root) == [("CIT003", "src/ch1.md", 3)]
    assert citelint(root, "fix").returncode == 0
    assert texts(root)["src/ch2.md"] == THREE["ch2.md"] and findings(root) == []
    ahead = {**THREE, "ch1.md": chapter("One", "A. [CITATION 3] B. [CITATION 1] C. [CITATION 2]", [entry(1), entry(2)])}
    make_book(tmp_path, ahead, config=EXCLUDED)
    before = texts(root)
    refused = citelint(root, "fix")
    assert refused.returncode == 1 and "src/ch2.md" in refused.stdout + refused.stderr and "excluded" in refused.stdout + refused.stderr
    assert texts(root) == before


def test_the_cached_book_findings_follow_an_edit_of_an_excluded_chapter(tmp_path: Path) -> None:
    root = make_book(tmp_path, THREE, config=EXCLUDED)
    assert citelint(root, "check").returncode == 0
    (root / "src/ch2.md").write_text(chapter("Two", "C. [CITATION 3]", [entry(3)]), encoding="utf-8")  # 4 is gone: ch3's labels are off by one
    checked = citelint(root, "check")
    assert checked.returncode == 1 and "src/ch3.md" in checked.stdout and "CIT011" in checked.stdout
