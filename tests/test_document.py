"""Positions, line endings, BOM, and the places where markers are not citations."""

from __future__ import annotations

import pytest

from citelint.config import Settings
from citelint.document import Document
from citelint.markers import find_markers
from helpers import ALL3_REFS, found

CHAPTER = "One. [CITATION 1]\n\nTwo. [CITATION 3] Three. [CITATION 2]\n" + ALL3_REFS


def test_crlf_gives_the_same_positions_as_lf() -> None:
    assert found(CHAPTER.replace("\n", "\r\n")) == found(CHAPTER) == [("CIT003", 3, 6)]


def test_cr_only_line_endings() -> None:
    assert found(CHAPTER.replace("\n", "\r")) == [("CIT003", 3, 6)]


def test_bom_is_not_a_column() -> None:
    assert found("\ufeff" + CHAPTER) == [("CIT003", 3, 6)]


def test_bom_before_a_heading_keeps_the_heading() -> None:
    document = Document("\ufeff# Title\n")
    assert [block.kind for block in document.blocks] == ["heading"]


def test_columns_count_characters_not_bytes() -> None:
    text = "\u00c9t\u00e9 \u2014 \U0001f600 [CITATION 2] ok. [CITATION 1] [CITATION 3]\n" + ALL3_REFS
    assert found(text) == [("CIT003", 1, 9)]


def test_tabs_are_one_column() -> None:
    assert found("Two.\t[CITATION 2] One. [CITATION 1] Three. [CITATION 3]\n" + ALL3_REFS) == [("CIT003", 1, 6)]


CODE_CASES = [
    pytest.param("Text `[CITATION 9]` here.", id="inline-code"),
    pytest.param("Text ``a ` [CITATION 9]`` here.", id="double-backtick-code"),
    pytest.param("```\n[CITATION 9]\n```", id="fenced-backticks"),
    pytest.param("~~~ markdown\n[CITATION 9]\n~~~", id="fenced-tildes"),
    pytest.param("````\n```\n[CITATION 9]\n```\n````", id="fence-in-fence"),
    pytest.param("    [CITATION 9] indented code", id="indented-code"),
    pytest.param("- item\n\n      [CITATION 9] code in a list item", id="indented-code-in-list"),
    pytest.param("> ```\n> [CITATION 9]\n> ```", id="fenced-in-quote"),
    pytest.param("1. text\n\n   ```\n   [CITATION 9]\n   ```", id="fenced-in-list"),
    pytest.param("<!-- [CITATION 9] -->", id="html-comment-block"),
    pytest.param("Text <!-- [CITATION 9] --> more.", id="html-comment-inline"),
    pytest.param("<!--\nline\n[CITATION 9]\n-->", id="html-comment-multiline"),
    pytest.param("<pre>\n[CITATION 9]\n</pre>", id="html-pre"),
    pytest.param("```\nunclosed fence [CITATION 9]", id="unclosed-fence-runs-to-end"),
]


@pytest.mark.parametrize("snippet", CODE_CASES)
def test_markers_in_code_are_not_citations(snippet: str) -> None:
    text = "Claim. [CITATION 1]\n\n" + snippet + "\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    if "unclosed" in snippet:  # the marker is not read; the fence hiding it is reported (CIT013)
        text = "Claim. [CITATION 1]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n\n" + snippet + "\n"
        assert found(text) == [("CIT013", 7, 1)]
        return
    assert found(text) == []


def test_front_matter_is_not_prose() -> None:
    text = "---\ntitle: \"[CITATION 9]\"\n---\nClaim. [CITATION 1]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    assert found(text) == []


def test_toml_front_matter() -> None:
    text = "+++\ntitle = \"[CITATION 9]\"\n+++\n\nClaim. [CITATION 1]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    assert found(text) == []


REFS_TWO = "\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n2. \"Two.\" P, 2021. https://e.com/2\n"


@pytest.mark.parametrize(
    "opening",
    [
        '---\n\n*"The past is never dead."* William Faulkner [CITATION 2]\n\n---\n',  # a rule, an epigraph, a rule
        "---\n*The past is never dead.* [CITATION 2]\n---\n",  # no blank lines: still no key
        "---\nAn epigraph line [CITATION 2]\n...\n",  # closed by an ellipsis paragraph
        "+++\nAn epigraph line [CITATION 2]\n+++\n",
        "---\n\ntitle: Chapter [CITATION 2]\n---\n",  # pandoc allows no blank line after the opening
    ],
)
def test_a_rule_and_prose_at_the_top_are_not_front_matter(opening: str) -> None:
    """Found by an audit: any first line `---` hid everything up to the next `---` or
    `...` as front matter, so a chapter opening with an epigraph between two rules
    passed with a real order defect. Front matter begins with a key."""
    text = opening + "\nThe chapter opens with a claim. [CITATION 1] And goes on. [CITATION 2]\n" + REFS_TWO
    codes = [code for code, _, _ in found(text)]
    assert "CIT003" in codes and "CIT002" not in codes  # (a marker in a setext heading is CIT006 too)


@pytest.mark.parametrize(
    "front",
    ["---\ntitle: \"[CITATION 2]\"\n---\n", "---\n# a comment\ntitle: x [CITATION 2]\n...\n", "---\n\"quoted key\": [CITATION 2]\n---\n",
     "+++\ntitle = \"[CITATION 2]\"\n+++\n", "+++\n[params]\nnote = \"[CITATION 2]\"\n+++\n", "+++\nsite.title = \"[CITATION 2]\"\n+++\n", "---\n---\n"],
)
def test_front_matter_that_begins_with_a_key_is_not_prose(front: str) -> None:
    text = front + "\nA claim. [CITATION 1] And another. [CITATION 2]\n" + REFS_TWO
    assert found(text) == []


def test_backticks_that_do_not_close_are_literal() -> None:
    text = "A ` lone backtick, then [CITATION 9].\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    assert ("CIT001", 1, 25) in found(text)


def test_escaped_backtick_does_not_open_code() -> None:
    document = Document("a \\`[CITATION 1]` b\n")
    assert [m.text for m in find_markers(document)] == ["[CITATION 1]"]  # the lone backtick opens nothing
    document = Document("a \\``[CITATION 1]` b\n")
    assert [m.text for m in find_markers(document)] == []  # the second backtick opens a span
    document = Document("a \\` [CITATION 1] \\` b\n")
    assert [m.text for m in find_markers(document)] == ["[CITATION 1]"]


def test_markers_in_quotes_and_lists_cite() -> None:
    text = "> Quoted. [CITATION 1]\n\n- Listed. [CITATION 2]\n" + ALL3_REFS.replace("3. \"Three.\" Example Press, 2022. https://example.com/3\n", "")
    assert found(text) == []


def test_setext_heading_marker_is_in_a_heading() -> None:
    text = "Title [CITATION 1]\n=====\n\nClaim. [CITATION 1]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n"
    assert found(text) == [("CIT006", 1, 7)]


def test_positions_of_every_marker_are_exact() -> None:
    text = "> a [CITATION 1]\n>\n> > b [CITATION 2]\n\n1. x\n   - y [CITATION 3]\n"
    document = Document(text)
    got = [document.position(m.start) for m in find_markers(document)]
    assert got == [(1, 5), (3, 7), (6, 8)]


def test_marker_keyword_is_configurable() -> None:
    settings = Settings(marker="REF")
    text = "Claim. [REF 2] Other. [REF 1]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n2. \"Two.\" P, 2020. https://e.com/2\n"
    assert found(text, settings) == [("CIT003", 1, 8)]
    assert found(text.replace("[REF", "[CITATION")) == [("CIT003", 1, 8)]
