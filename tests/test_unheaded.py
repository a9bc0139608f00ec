"""Unheaded trailing reference blocks and plain-text chapters."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint import fix_text
from citelint.chapter import Chapter
from citelint.config import Settings
from helpers import cli, found

PROSE = "First claim. [CITATION 1]\n\nSecond claim. [CITATION 2]\n\n"


def entries(text: str) -> list[tuple[int, int]]:
    chapter = Chapter.parse(text, Settings())
    assert chapter.references is not None
    return [(entry.number, entry.first_line + 1) for entry in chapter.references.entries]


def test_unheaded_lines_in_markdown() -> None:
    text = PROSE + '"One." P, 2020. https://e.com/1\n"Two." P, 2021. https://e.com/2\n'
    assert found(text) == []
    assert entries(text) == [(1, 5), (2, 6)]


def test_unheaded_paragraphs_separated_by_blank_lines() -> None:
    text = PROSE + '"One." P, 2020. https://e.com/1\n\n"Two." P, 2021. https://e.com/2\n'
    assert entries(text) == [(1, 5), (2, 7)]


def test_unheaded_numbered_list_uses_labels() -> None:
    text = PROSE + '1. "One." P, 2020. https://e.com/1\n3. "Two." P, 2021. https://e.com/2\n'
    assert found(text) == [("CIT001", 3, 15), ("CIT002", 6, 1), ("CIT011", 6, 1)]


def test_quoted_title_and_date_without_url() -> None:
    text = PROSE + 'Smith, J. "A Book Title." Example Press, 2019.\nDoe, A. "Another Title." Example Press, n.d. https://e.com/2\n'
    assert entries(text) == [(1, 5), (2, 6)]
    assert found(text) == [("CIT008", 5, 1)]


def test_indented_continuation_belongs_to_the_entry_above() -> None:
    text = PROSE + '"One." P, 2020. https://e.com/1\n    continued text\n"Two." P, 2021. https://e.com/2\n'
    assert entries(text) == [(1, 5), (2, 7)]
    text = PROSE + '"One." P, 2020. https://e.com/1\n"Two." P, 2021. https://e.com/2\n  more about two\n'
    assert entries(text) == [(1, 5), (2, 6)]


def test_prose_ending_does_not_become_a_reference() -> None:
    text = "A claim. [CITATION 1]\n\nThe end of the chapter, with no sources.\n"
    assert found(text) == [("CIT009", 1, 10)]


def test_no_unheaded_list_without_markers() -> None:
    text = 'Prose only.\n\n"One." P, 2020. https://e.com/1\n'
    assert Chapter.parse(text, Settings()).references is None
    assert found(text) == []


def test_plain_text_heading_word_starts_the_list() -> None:
    text = "Claim one. [CITATION 1]\nClaim two. [CITATION 2]\nSources:\nFirst source, a letter\nSecond source, an interview\n"
    assert entries(text) == [(1, 4), (2, 5)]
    assert [code for code, _, _ in found(text)] == ["CIT008", "CIT008"]


def test_plain_text_every_line_is_a_paragraph() -> None:
    text = "[CITATION 1] starts line one.\nLine two. [CITATION 2]\n\"One.\" P, 2020. https://e.com/1\n\"Two.\" P, 2021. https://e.com/2\n"
    assert found(text) == [("CIT006", 1, 1)]


def test_markers_in_the_unheaded_block_stop_it() -> None:
    text = PROSE + 'See "Three" in 2020. [CITATION 3]\n"One." P, 2020. https://e.com/1\n"Two." P, 2021. https://e.com/2\n'
    assert entries(text) == [(1, 6), (2, 7)]


def test_bold_heading_word_opens_the_list() -> None:
    text = PROSE + '**References:**\n\n1. "One." P, 2020. https://e.com/1\n2. "Two." P, 2021. https://e.com/2\n'
    assert entries(text) == [(1, 7), (2, 8)]
    assert Chapter.parse(text, Settings()).references.heading is not None  # type: ignore[union-attr]


def test_lines_with_years_under_a_heading_are_one_entry_each() -> None:
    text = PROSE + "## References\n\nSmith, J. Book One. Press, 2019.\nDoe, A. Book Two. Press, 2020.\n"
    assert entries(text) == [(1, 7), (2, 8)]


def test_wrapped_entry_under_a_heading_is_one_entry() -> None:
    text = PROSE + "## References\n\nSmith, J. A very long book title that wraps\nonto a second line. Press, 2019.\n\nDoe, A. Two. Press, 2020.\n"
    assert entries(text) == [(1, 7), (2, 10)]


def test_named_link_definitions_are_never_entries() -> None:
    text = PROSE + '"One." P, 2020. https://e.com/1\n[map]: https://maps.example/x\n"Two." P, 2021. https://e.com/2\n'
    assert entries(text) == [(1, 5), (2, 7)]
    headed = PROSE + "## References\n\n[1]: https://e.com/1 \"One\" \n[map]: https://maps.example/x\n[2]: https://e.com/2\n"
    assert [number for number, _ in entries(headed)] == [1, 2]


def test_the_last_matching_heading_holds_the_list() -> None:
    text = (
        "## Notes\n\nA note that cites. [CITATION 1]\n\n"
        "## Bibliography\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    )
    assert entries(text) == [(1, 7)]
    assert found(text) == []


def test_heading_words_are_case_insensitive_with_an_optional_colon() -> None:
    for heading in ("## works cited:", "### ENDNOTES", "# Citations", "Bibliography\n============"):
        text = PROSE + f"{heading}\n\n1. \"One.\" P, 2020. https://e.com/1\n2. \"Two.\" P, 2021. https://e.com/2\n"
        assert found(text) == [], heading


def test_section_ends_at_the_next_heading_of_the_same_level() -> None:
    text = "## References\n\n1. \"One.\" P, 2020. https://e.com/1\n\n## Appendix\n\nLater claim. [CITATION 1]\n"
    assert entries(text) == [(1, 3)]
    assert found(text) == []


# -- comments after the list: they render nothing ---------------------------------

TWO_OF_THREE = (
    "A claim. [CITATION 1] Another. [CITATION 2] A third. [CITATION 3]\n\n"
    '1. "One." Example Press, 2020. https://example.com/1\n'
    '2. "Two." Example Press, 2021. https://example.com/2\n'
)
INVISIBLE_ENDINGS = [
    pytest.param("\n<!-- TODO: add the third source -->\n", id="comment"),
    pytest.param("<!-- TODO: add the third source -->\n", id="comment-right-after"),
    pytest.param("\n<!--\nTODO: add the third source\n-->\n", id="comment-over-lines"),
    pytest.param("\n<!-- one -->\n\n<!-- two --> <!-- three -->\n\n\n", id="comments-and-blank-lines"),
    pytest.param("\n<!-- citelint-enable -->\n", id="enable-comment"),
    pytest.param("\n<!-- citelint-disable CIT008 -->\n", id="disable-comment"),
    pytest.param("\n%% TODO: add the third source %%\n", id="obsidian-comment"),
    pytest.param("\n%%\nTODO: add the third source\n%%\n", id="obsidian-comment-over-lines"),
]


@pytest.mark.parametrize("ending", INVISIBLE_ENDINGS)
def test_comments_after_an_unheaded_list_leave_it_the_list(ending: str) -> None:
    assert found(TWO_OF_THREE) == [("CIT001", 1, 54)]
    assert found(TWO_OF_THREE + ending) == [("CIT001", 1, 54)]
    assert entries(TWO_OF_THREE + ending) == [(1, 3), (2, 4)]


def test_a_trailing_comment_reports_the_missing_entry_on_the_command_line(tmp_path: Path) -> None:
    chapter = tmp_path / "chapter.md"
    chapter.write_text(TWO_OF_THREE + "\n<!-- TODO: add the third source -->\n")
    ran = cli("check", str(chapter))
    assert ran.code == 1
    assert f"{chapter}:1:54: CIT001 [CITATION 3] cites reference 3, but the reference list has no entry 3 (it has 2)" in ran.stdout
    assert "CIT009" not in ran.stdout


def test_a_comment_between_unheaded_entries_is_neither_an_entry_nor_the_end() -> None:
    text = PROSE + '"One." P, 2020. https://e.com/1\n<!-- checked in May -->\n"Two." P, 2021. https://e.com/2\n%% ask the press %%\n'
    assert entries(text) == [(1, 5), (2, 7)]
    assert found(text) == []


@pytest.mark.parametrize("ending", INVISIBLE_ENDINGS)
def test_fix_moves_the_entries_and_leaves_a_trailing_comment_where_it_is(ending: str) -> None:
    text = "A. [CITATION 2] B. [CITATION 1]\n\n" + TWO_OF_THREE.split("\n\n", 1)[1] + ending
    result = fix_text(text)
    assert result.refused is None, result.refused
    assert result.text == (
        "A. [CITATION 1] B. [CITATION 2]\n\n"
        '1. "Two." Example Press, 2021. https://example.com/2\n'
        '2. "One." Example Press, 2020. https://example.com/1\n' + ending
    )


# -- sub-items under `[n]` entries ------------------------------------------------

UNHEADED_BRACKETS = (
    "A. [CITATION 2] B. [CITATION 1] C. [CITATION 3]\n\n"
    '[1] "Alpha." Press, 2001. https://example.com/a\n[2] "Beta." Press, 2002. https://example.com/b\n'
    '{note}[3] "Gamma." Press, 2003. https://example.com/c\n'
)


def test_an_indented_sub_item_moves_with_its_unheaded_entry() -> None:
    text = UNHEADED_BRACKETS.format(note="   - a note on Beta\n")
    assert entries(text) == [(1, 3), (2, 4), (3, 6)]
    result = fix_text(text)
    assert result.refused is None, result.refused
    assert result.text == (
        "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n"
        '[1] "Beta." Press, 2002. https://example.com/b\n   - a note on Beta\n[2] "Alpha." Press, 2001. https://example.com/a\n'
        '[3] "Gamma." Press, 2003. https://example.com/c\n'
    )


def test_a_bracket_label_after_an_unindented_bullet_starts_an_entry() -> None:
    """A bullet at the margin under `[2]` is a note or an entry: the `[3]` line after
    it is never read as its wrapped rest, and `fix` does not guess."""
    text = UNHEADED_BRACKETS.format(note="- a note on Beta\n")
    assert [number for number, _ in entries(text)][-1] == 3
    assert entries(text)[-1] == (3, 6)
    result = fix_text(text)
    assert result.refused is not None
    assert result.text == text


@pytest.mark.parametrize("item", ["1. ", "* ", "- "])
@pytest.mark.parametrize("indent", ["", " ", "  "])
def test_an_unheaded_list_of_items_has_an_entry_per_item_however_indented(item: str, indent: str) -> None:
    """A list written ` 1. …` (one space in, as some exporters and a blog's ` * …`
    write it) was read line by line, each indented line as the wrapped rest of the
    line above: a list of no entries, and every marker "cites reference 1, but the
    reference list has no entry 1 (it has 0)"."""
    listed = "".join(f'{indent}{item}"{title}." Press, 200{n}. https://example.com/{n}\n' for n, title in enumerate(["Beta", "Alpha"], 1))
    text = "A. [CITATION 2] B. [CITATION 1]\n\n" + listed
    assert entries(text) == [(1, 3), (2, 4)]
    assert [code for code, _, _ in found(text)] == ["CIT003"]
    result = fix_text(text)
    assert result.refused is None and result.text.startswith("A. [CITATION 1] B. [CITATION 2]\n\n" + indent + item + '"Alpha."')
