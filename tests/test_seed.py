"""The author's chapter 38, as written (plain text) and as Markdown in manuscript/."""

from __future__ import annotations

from pathlib import Path

from citelint import lint_text
from citelint.chapter import Chapter
from citelint.config import Settings

FIXTURES = Path(__file__).parent / "fixtures"
MANUSCRIPT = Path(__file__).parent.parent / "manuscript"


def test_plain_text_seed_reports_only_the_out_of_order_marker() -> None:
    text = (FIXTURES / "chapter-38.txt").read_text(encoding="utf-8")
    found = [(d.code, d.line, d.column) for d in lint_text(text)]
    line6 = text.split("\n")[5]
    assert found == [("CIT003", 6, line6.index("[CITATION 4]") + 1)]


def test_plain_text_seed_structure() -> None:
    chapter = Chapter.parse((FIXTURES / "chapter-38.txt").read_text(encoding="utf-8"), Settings())
    assert chapter.document.plain
    assert [m.numbers for m in chapter.citations()] == [(1,), (2,), (4,), (3,)]
    assert chapter.references is not None and chapter.references.heading is None
    assert [(e.number, e.first_line + 1) for e in chapter.references.entries] == [(1, 9), (2, 10), (3, 11), (4, 12)]
    assert chapter.references.entries[2].urls == (
        "https://carnegieendowment.org/2023/09/15/what-did-russia-and-north-korea-actually-agree-to-pub-90576",
    )


def test_markdown_seed_reports_only_the_out_of_order_marker() -> None:
    text = (MANUSCRIPT / "chapter-38.md").read_text(encoding="utf-8")
    found = [(d.code, d.line) for d in lint_text(text)]
    assert found == [("CIT003", 11)]
    chapter = Chapter.parse(text, Settings())
    assert chapter.references is not None and chapter.references.heading is not None
    assert len(chapter.references.entries) == 4


def test_markdown_seed_keeps_the_authors_text() -> None:
    plain = (FIXTURES / "chapter-38.txt").read_text(encoding="utf-8").split("\n")
    markdown = (MANUSCRIPT / "chapter-38.md").read_text(encoding="utf-8")
    for line in plain:
        assert line in markdown
