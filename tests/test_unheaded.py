"""Unheaded trailing reference blocks and plain-text chapters."""

from __future__ import annotations

from citelint.chapter import Chapter
from citelint.config import Settings
from helpers import found

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
