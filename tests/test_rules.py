"""Table-driven rule tests: (markdown, expected (code, line, column) findings)."""

from __future__ import annotations

import pytest

from citelint import lint_text
from citelint.config import Settings
from helpers import ENTRIES, REFS, found, refs, with_entry

ALL3 = "One. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]\n"


CASES = [
    # -- clean chapters ------------------------------------------------------
    pytest.param(ALL3 + REFS, [], id="clean-headed-ordered"),
    pytest.param(ALL3 + refs(("- ",) * 3), [], id="clean-bullets"),
    pytest.param(ALL3 + refs(("1. ",) * 3), [], id="clean-lazy-numbering"),
    pytest.param(ALL3 + refs(("[1] ", "[2] ", "[3] ")), [], id="clean-bracket-labels"),
    pytest.param(ALL3 + refs(("[1]: ", "[2]: ", "[3]: ")), [], id="clean-link-definitions"),
    pytest.param(ALL3 + refs(("",) * 3), [], id="clean-plain-lines"),
    pytest.param(
        ALL3 + "\n## Sources:\n\n"
        '"One." Example Press, 2020. https://example.com/1\n\n'
        "Two, a book without a link to it,\nwrapped over two lines, 2021. https://example.com/2\n\n"
        '"Three." Example Press, 2022. https://example.com/3\n',
        [],
        id="clean-plain-paragraphs",
    ),
    pytest.param("One. [CITATION 1, 2] Then. [CITATION 3]\n" + REFS, [], id="clean-list-marker"),
    pytest.param("One. [CITATION 1-3]\n" + REFS, [], id="clean-range"),
    pytest.param("One. [CITATION 1\u20133]\n" + REFS, [], id="clean-en-dash-range"),
    pytest.param("One. [CITATION 1,3] Two. [CITATION 2]\n" + REFS, [("CIT003", 1, 6)], id="list-without-space-valid"),
    pytest.param("No citations here.\n\nJust prose, [citation needed].\n", [], id="no-markers-no-list"),
    pytest.param("", [], id="empty-file"),
    # -- CIT001 ---------------------------------------------------------------
    pytest.param(ALL3.rstrip("\n") + " Four. [CITATION 4]\n" + REFS, [("CIT001", 1, 63)], id="cit001-one"),
    pytest.param(ALL3.rstrip("\n") + " More. [CITATION 4, 5]\n" + REFS, [("CIT001", 1, 63)], id="cit001-list"),
    # -- CIT002 ---------------------------------------------------------------
    pytest.param("One. [CITATION 1] Two. [CITATION 2]\n" + REFS, [("CIT002", 7, 1)], id="cit002-last-entry"),
    pytest.param(
        "One. [CITATION 1] Two. [CITATION 2]\n" + refs(("- ",) * 3),
        [("CIT002", 7, 1)],
        id="cit002-bullet",
    ),
    # -- CIT003 ---------------------------------------------------------------
    pytest.param("A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + REFS, [("CIT003", 1, 20)], id="cit003-simple"),
    pytest.param("A. [CITATION 2] B. [CITATION 3] C. [CITATION 1]\n" + REFS, [("CIT003", 1, 4), ("CIT003", 1, 20)], id="cit003-two"),
    pytest.param("A. [CITATION 1, 3, 2]\n" + REFS, [("CIT003", 1, 4)], id="cit003-inside-marker"),
    pytest.param("A. [CITATION 1]\n\nB. [CITATION 3]\n\nC. [CITATION 2] D. [CITATION 3]\n" + REFS, [("CIT003", 3, 4)], id="cit003-first-marker-of-n"),
    # -- CIT004 ---------------------------------------------------------------
    pytest.param(
        "A. [CITATION 1] B. [CITATION 4]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n4. \"Four.\" P, 2020. https://e.com/4\n",
        [("CIT004", 1, 20), ("CIT011", 6, 1)],
        id="cit004-gap-run",
    ),
    pytest.param(
        "A. [CITATION 1] B. [CITATION 3] C. [CITATION 5]\n\n## References\n\n[1] \"One.\" P, 2020. https://e.com/1\n\n[3] \"Three.\" P, 2020. https://e.com/3\n\n[5] \"Five.\" P, 2020. https://e.com/5\n",
        [("CIT004", 1, 20), ("CIT004", 1, 36), ("CIT011", 7, 1), ("CIT011", 9, 1)],
        id="cit004-two-gaps",
    ),
    # -- CIT005 ---------------------------------------------------------------
    pytest.param(ALL3.replace("[CITATION 2]", "[Citation 2]") + REFS, [("CIT005", 1, 24)], id="cit005-wrong-case"),
    pytest.param(ALL3.replace("[CITATION 2]", "[ CITATION 2 ]") + REFS, [("CIT005", 1, 24)], id="cit005-stray-spaces"),
    pytest.param(ALL3.replace("[CITATION 2]", "[CITATION  2]") + REFS, [("CIT005", 1, 24)], id="cit005-double-space"),
    pytest.param(ALL3.replace("[CITATION 2]", "[CITATION 02]") + REFS, [("CIT005", 1, 24)], id="cit005-leading-zero"),
    pytest.param(ALL3 + "Also [CITATION].\n" + REFS, [("CIT005", 2, 6)], id="cit005-no-number"),
    pytest.param(ALL3 + "Also [CITATION two].\n" + REFS, [("CIT005", 2, 6)], id="cit005-words"),
    pytest.param(ALL3 + "Also [CITATION 0].\n" + REFS, [("CIT005", 2, 6)], id="cit005-zero"),
    pytest.param(ALL3 + "Also [CITATION 3-1].\n" + REFS, [("CIT005", 2, 6)], id="cit005-reversed-range"),
    pytest.param(ALL3 + "Also [CITATION 3 and more\n" + REFS, [("CIT005", 2, 6)], id="cit005-unclosed"),
    pytest.param(ALL3 + "Also [citation needed] and [Citation] x.\n" + REFS, [("CIT005", 2, 28)], id="cit005-prose-not-flagged"),
    # A link named so is a link (pandoc's manual, a Rust RFC): `([citation](url))`,
    # `[Citations]` with its `[Citations]: #type` definition, a span `[Citation]{.x}`.
    pytest.param(
        ALL3 + "About it ([citation](https://e.com/c)), see [Citation][t], [Citations] and [Citation]{.type}.\n\n[Citations]: #type\n[t]: #type\n" + REFS,
        [],
        id="cit005-links-not-flagged",
    ),
    pytest.param(ALL3 + "Linked [Citation 2](#ref-2) and [CITATION](#x).\n" + REFS, [("CIT005", 2, 8)], id="cit005-linked-near-miss-with-a-number"),
    # -- CIT006 ---------------------------------------------------------------
    pytest.param(ALL3.replace("Three. [CITATION 3]", "Three [CITATION 3].") + REFS, [("CIT006", 1, 43)], id="cit006-before-period"),
    pytest.param("[CITATION 1] starts. Two. [CITATION 2] Three. [CITATION 3]\n" + REFS, [("CIT006", 1, 1)], id="cit006-paragraph-start"),
    pytest.param("# Title [CITATION 1]\n\n" + ALL3.replace("[CITATION 1]", "[CITATION 1]") + REFS, [("CIT006", 1, 9)], id="cit006-heading"),
    pytest.param(ALL3 + REFS + "4. Extra see [CITATION 2] https://example.com/4 2020\n", [("CIT002", 8, 1), ("CIT006", 8, 14)], id="cit006-in-reference-list"),
    pytest.param("The deal [CITATION 1] was signed. Two. [CITATION 2] Three. [CITATION 3]\n" + REFS, [], id="cit006-mid-clause-ok"),
    # -- CIT007 ---------------------------------------------------------------
    pytest.param(
        ALL3 + refs(entries=with_entry(2, '"Three." P, 2022. http://www.Example.com/1/#top')),
        [("CIT007", 7, 1)],
        id="cit007-url",
    ),
    pytest.param(
        ALL3 + refs(entries=(ENTRIES[0], '"Two." P, 2021. doi:10.1000/ABC', '"Three." P, 2022. https://doi.org/10.1000/abc')),
        [("CIT007", 7, 1)],
        id="cit007-doi",
    ),
    # -- CIT008 ---------------------------------------------------------------
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press, 2021.')), [("CIT008", 6, 1)], id="cit008-no-url"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press. https://example.com/2')), [("CIT008", 6, 1)], id="cit008-no-year"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press, n.d. https://example.com/2')), [], id="cit008-nd-is-a-year"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press. https://example.com/2021/two')), [("CIT008", 6, 1)], id="cit008-year-only-in-url"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press. doi:10.2019/two')), [("CIT008", 6, 1)], id="cit008-year-only-in-doi"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press. https://example.com/2021/two (2021)')), [], id="cit008-year-after-url"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press, 2021. www.example.com/2')), [("CIT008", 6, 1)], id="cit008-no-scheme"),
    pytest.param(ALL3 + refs(entries=with_entry(1, '"Two." Example Press, 2021.')), [], id="cit008-require-url-off"),
    # -- CIT009 ---------------------------------------------------------------
    pytest.param("A claim. [CITATION 1] Another. [CITATION 2]\n", [("CIT009", 1, 10)], id="cit009-no-list"),
    pytest.param("A claim. [CITATION 1]\n\n## References\n", [("CIT009", 1, 10)], id="cit009-empty-heading"),
    # -- CIT010 ---------------------------------------------------------------
    pytest.param(ALL3.replace("[CITATION 2]", "[CITATION 2, 2]") + REFS, [("CIT010", 1, 24)], id="cit010-within"),
    pytest.param(ALL3.replace("[CITATION 2]", "[CITATION 2] [CITATION 2]") + REFS, [("CIT010", 1, 37)], id="cit010-adjacent"),
    pytest.param(ALL3.replace("[CITATION 3]", "[CITATION 2] [CITATION 3]") + REFS, [], id="cit010-adjacent-different"),
    # -- CIT011 ---------------------------------------------------------------
    pytest.param(ALL3 + refs(("1. ", "3. ", "2. ")), [("CIT011", 6, 1), ("CIT011", 7, 1)], id="cit011-swapped"),
    pytest.param(ALL3 + refs(("1. ", "2. ", "2. ")), [("CIT001", 1, 44), ("CIT011", 7, 1)], id="cit011-duplicate-label"),
    pytest.param(ALL3 + refs(("[1] ", "", "[3] "), between="\n\n"), [("CIT011", 7, 1)], id="cit011-unlabelled-between-labels"),
    pytest.param(ALL3 + refs(("1. ", "", "3. "), between="\n\n"), [("CIT011", 7, 1)], id="cit011-unlabelled-between-ordered-items"),
    pytest.param(ALL3 + refs(("[1] ", "[2] ", ""), between="\n\n"), [("CIT011", 9, 1)], id="cit011-unlabelled-last"),
    pytest.param(ALL3 + refs(("", "", ""), between="\n\n"), [], id="cit011-unlabelled-throughout"),
    pytest.param(ALL3 + refs(("[1] ", "[2] ", "[3] "), between="\n\n"), [], id="cit011-labelled-throughout"),
    # -- CIT013 ---------------------------------------------------------------
    pytest.param("One. [CITATION 1]\n\n```\ncode\n\nTwo. [CITATION 2]\n" + REFS, [("CIT009", 1, 6), ("CIT013", 3, 1)], id="cit013-fence-hides-the-rest"),
    pytest.param("One. [CITATION 1]\n\n~~~~\ncode\n~~~\n" + REFS, [("CIT009", 1, 6), ("CIT013", 3, 1)], id="cit013-shorter-closer"),
    pytest.param(ALL3 + "\n```\ncode\n```\n" + REFS, [], id="cit013-closed"),
    pytest.param(ALL3 + REFS + "\n```\nan example, no marker\n", [], id="cit013-hides-nothing"),
    pytest.param("One. [CITATION 1]\n\n- a list\n\n  ```\n  code [CITATION 9]\n- next\n" + refs(("1. ",), ENTRIES[:1]), [("CIT013", 5, 3)], id="cit013-in-a-list-item"),
    pytest.param("One. [CITATION 1]\n\n<!-- a note\n" + REFS, [("CIT009", 1, 6), ("CIT013", 3, 1)], id="cit013-comment-hides-the-list"),
    pytest.param(ALL3 + "\nA literal <!-- in prose is no comment.\n" + REFS, [], id="cit013-inline-unclosed-is-text"),
    pytest.param(ALL3 + "\n<pre>\n[CITATION 3]\n" + REFS, [("CIT009", 1, 6), ("CIT013", 3, 1)], id="cit013-pre"),
    pytest.param(ALL3 + "\n<pre>\n[CITATION 3]\n</pre>\n" + REFS, [], id="cit013-pre-closed"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rule_cases(text: str, expected: list[tuple[str, int, int]], request: pytest.FixtureRequest) -> None:
    settings = Settings(require_url=False) if "require-url-off" in request.node.callspec.id else Settings()
    assert found(text, settings) == sorted(expected, key=lambda f: (f[1], f[2], f[0]))


@pytest.mark.parametrize(("markers", "start"), [
    ("[CITATION 1]", "[CITATION 1] cites a reference, but"),
    ("[CITATION 1] [CITATION 2]", "[CITATION 1] and 1 other marker cite references, but"),
    ("[CITATION 1] [CITATION 2] [CITATION 2]", "[CITATION 1] and 2 other markers cite references, but"),
])
def test_missing_reference_list_message_counts_the_markers(markers: str, start: str) -> None:
    (diagnostic,) = [d for d in lint_text(f"A claim. {markers}\n") if d.code == "CIT009"]
    assert diagnostic.message.startswith(start)


def test_digits_of_other_scripts_are_a_near_miss_not_a_number() -> None:
    """`\\d` matches every script's digits; a marker's number is written 0-9."""
    text = "A [CITATION ١] B [CITATION 𝟐] C [CITATION ³]\n" + REFS
    messages = [(d.code, d.column, d.message) for d in lint_text(text) if d.code == "CIT005"]
    assert messages == [
        ("CIT005", 3, "malformed citation marker: `[CITATION ١]` writes digits other than 0-9; write `[CITATION 1]`"),
        ("CIT005", 18, "malformed citation marker: `[CITATION 𝟐]` writes digits other than 0-9; write `[CITATION 2]`"),
        ("CIT005", 33, "malformed citation marker: `[CITATION ³]` cites words, not a number; write `[CITATION n]`"),
    ]


def test_spaces_and_invisible_characters_copied_into_a_marker_are_named() -> None:
    """A no-break space or a zero-width space looks like a marker and is not one:
    the message shows where it is and what it is, and the fix is the plain marker."""
    text = "A [CITATION\u00a01] B [\u200bCITATION 2] C [CITATION 3\ufeff]\n" + REFS
    messages = [(d.code, d.column, d.message) for d in lint_text(text)]
    assert messages == [
        ("CIT005", 3, "malformed citation marker: `[CITATION<U+00A0>1]` has a no-break space (U+00A0), as copied text often does; write `[CITATION 1]`"),
        ("CIT005", 18, "malformed citation marker: `[<U+200B>CITATION 2]` has an invisible zero width space (U+200B), as copied text often does; write `[CITATION 2]`"),
        ("CIT005", 34, "malformed citation marker: `[CITATION 3<U+FEFF>]` has an invisible zero width no-break space (U+FEFF), as copied text often does; write `[CITATION 3]`"),
    ]


def test_an_unclosed_fence_says_what_it_hides_and_how_to_close_it() -> None:
    """A bare `~~~` is often meant as a scene break: the advice says so."""
    text = "One. [CITATION 1]\n\n~~~\n\nTwo. [CITATION 2]\n" + REFS
    (unclosed,) = [d for d in lint_text(text) if d.code == "CIT013"]
    assert unclosed.message == (
        'the code fence "~~~" opened on line 3 is never closed, so the rest of the file is hidden from citelint, '
        '1 marker and the reference heading on line 7 included; close it with "~~~", or, for a scene break, write "***" instead'
    )
    (unclosed,) = [d for d in lint_text(text.replace("~~~", "```python")) if d.code == "CIT013"]
    assert unclosed.message.endswith('included; close it with "```"')


def test_dashes_and_commas_of_word_processors_in_a_marker_are_named() -> None:
    """An em dash (what "--" becomes in a word processor), a minus sign or a fullwidth
    comma reads as a range or list; it is a near-miss with a clear fix, not "words"."""
    text = "A [CITATION 1\u20142] B [CITATION 1\u22122] C [CITATION 1\uff0c2]\n" + REFS
    messages = [(d.code, d.message) for d in lint_text(text) if d.code == "CIT005"]
    assert messages == [
        ("CIT005", "malformed citation marker: `[CITATION 1<U+2014>2]` has an em dash (U+2014) where a range takes a hyphen or an en dash; write `[CITATION 1-2]`"),
        ("CIT005", "malformed citation marker: `[CITATION 1<U+2212>2]` has a minus sign (U+2212) where a range takes a hyphen or an en dash; write `[CITATION 1-2]`"),
        ("CIT005", "malformed citation marker: `[CITATION 1<U+FF0C>2]` has a fullwidth comma (U+FF0C) where a list takes `,`; write `[CITATION 1, 2]`"),
    ]
    assert found("A [CITATION 1\u20132]\n" + REFS) == [("CIT002", 7, 1)]  # the en dash is a range's own


def test_brackets_written_as_character_references_are_a_near_miss() -> None:
    """`&#91;CITATION 2&#93;` renders as `[CITATION 2]`: it cites, and it is fixed to
    the plain marker; in code, or as prose (`&#91;citation needed&#93;`), it is not."""
    text = "A &#91;CITATION 1&#93; B &lbrack;Citation 2, 3&rbrack; C `&#91;CITATION 9&#93;` &#91;citation needed&#93;.\n" + REFS
    found = [(d.code, d.column, d.message) for d in lint_text(text)]
    assert found == [
        ("CIT005", 3, "malformed citation marker: `&#91;CITATION 1&#93;` writes its brackets as HTML character references; write `[CITATION 1]`"),
        ("CIT005", 26, "malformed citation marker: `&lbrack;Citation 2, 3&rbrack;` writes its brackets as HTML character references; write `[CITATION 2, 3]`"),
    ]


def test_a_marker_in_a_heading_made_by_an_underline_is_told_how() -> None:
    """A line of --- right under a paragraph, often meant as a break, makes the
    paragraph a heading: the message says so."""
    text = "A claim. [CITATION 1]\n---\n\nTitle [CITATION 2]\n===\n\n# Atx [CITATION 3]\n" + REFS
    messages = [d.message for d in lint_text(text) if d.code == "CIT006"]
    assert messages == [
        '[CITATION 1] is in a heading (the "---" line under its paragraph makes one; with a blank line before it, it is a break); '
        "move it into the text it supports",
        '[CITATION 2] is in a heading (the "===" line under its paragraph makes one); move it into the text it supports',
        "[CITATION 3] is in a heading; move it into the text it supports",
    ]


def test_urls_without_a_host_do_not_make_entries_duplicates() -> None:
    text = "A [CITATION 1] B [CITATION 2]\n\n## References\n\n" \
        '1. "One." P, 2020. http://[::1\n' \
        '2. "Two." Q, 2021. http://:80/\n'
    assert [code for code, _, _ in found(text)] == ["CIT008", "CIT008"]


def test_escaped_brackets_are_a_marker() -> None:
    """Exporters (pandoc, Google Docs) write `\\[CITATION 1\\]`; it renders `[CITATION 1]`."""
    text = "A claim \\[CITATION 1\\] here, and \\[CITATION 2] there, [CITATION 3\\] too.\n" + REFS
    assert found(text) == []
    near = [d.message for d in lint_text("A \\[Citation 1\\] b.\n" + REFS) if d.code == "CIT005"]
    # quoted as the writer wrote it (issue 12 D), not half-escaped
    assert near == ["malformed citation marker: `\\[Citation 1\\]` spells the keyword `CITATION` in the wrong case; write `\\[CITATION 1\\]`"]
