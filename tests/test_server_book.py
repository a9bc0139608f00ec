"""``citelint server`` with ``numbering = "book"``: an open chapter shows the
book-wide findings that ``citelint check`` reports at it, judged against the
book as the editor has it (open chapters' unsaved texts, the others from disk),
through pygls's own client over stdio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helpers
from test_server import Session, run_session

CONFIG = '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\nbibliography = "refs.md"\n'
CH1 = "# One\n\nFirst [CITATION 2]. Then [CITATION 1].\n"
CH2 = "# Two\n\nLater [CITATION 3].\n"
REFS = '# References\n\n1. "Alpha Work Title." 2001.\n2. "Beta Work Title." 2002.\n3. "Gamma Work Title." 2003.\n'


def write_book(root: Path) -> None:
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in (("ch1.md", CH1), ("ch2.md", CH2), ("refs.md", REFS)):
        (root / name).write_text(text, encoding="utf-8")


def as_checked(root: Path, name: str) -> list[tuple[str, int]]:
    """What ``check --format json`` reports in one file of the book: (code, 0-based line)."""
    _, report, _ = helpers.check_json("--no-cache")
    return sorted((d["code"], d["line"] - 1) for d in report["diagnostics"] if d["path"] == name)


def shown(found: list[Any]) -> list[tuple[str, int]]:
    return sorted((d.code, d.range.start.line) for d in found)


def test_an_open_chapter_shows_the_book_wide_findings_check_reports(tmp_path: Path, monkeypatch: Any) -> None:
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    expected_ch1 = as_checked(tmp_path, "ch1.md")
    assert ("CIT003", 2) in expected_ch1  # reference 2 is first cited before reference 1, across the book

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, CH1)
        found = await session.wait_for(ch1, lambda found: bool(found))
        assert shown(found) == expected_ch1
        assert next(d for d in found if d.code == "CIT003").range.start.character == CH1.splitlines()[2].index("[CITATION 2]")

    run_session(scenario, cwd=tmp_path)


def test_an_unsaved_edit_of_one_chapter_changes_what_another_open_one_shows(tmp_path: Path, monkeypatch: Any) -> None:
    """refs.md lists 3, which only ch2 cites; ch2 edited in the editor (not saved) to
    cite 1 instead leaves 3 unused: refs.md, open too, shows CIT002 at entry 3, as
    check does once the edit is saved."""
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    edited = CH2.replace("[CITATION 3]", "[CITATION 1]")

    async def scenario(session: Session) -> None:
        refs, ch2 = (tmp_path / "refs.md").as_uri(), (tmp_path / "ch2.md").as_uri()
        session.open(refs, REFS)
        session.open(ch2, CH2)
        assert shown(await session.wait_for(refs)) == []
        session.change_all(ch2, edited, 2)
        found = await session.wait_for(refs, lambda found: bool(found))
        assert (tmp_path / "ch2.md").read_text(encoding="utf-8") == CH2  # nothing saved
        (tmp_path / "ch2.md").write_text(edited, encoding="utf-8")
        assert shown(found) == as_checked(tmp_path, "refs.md") == [("CIT002", 4)]

    run_session(scenario, cwd=tmp_path)


def test_a_closed_chapter_is_read_from_disk_and_its_change_seen(tmp_path: Path, monkeypatch: Any) -> None:
    """ch2 is not open: its text on disk is the book's. Changing it on disk (and
    editing ch1 again) changes ch1's findings: a kept summary is not used once the
    file's status changed."""
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, CH1)
        before = shown(await session.wait_for(ch1, lambda found: bool(found)))
        assert ("CIT001", 2) not in before
        (tmp_path / "refs.md").write_text(REFS.replace('2. "Beta Work Title." 2002.\n', ""), encoding="utf-8")  # no entry 2 any more: [CITATION 2] is undefined
        session.change_all(ch1, CH1 + "\n", 2)
        found = await session.wait_for(ch1, lambda found: ("CIT001", 2) in shown(found))
        assert shown(found) == as_checked(tmp_path, "ch1.md")

    run_session(scenario, cwd=tmp_path)
