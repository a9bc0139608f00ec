"""Markers as writers and their tools write them (issue 12 B), and what `fix`
does with them: hard-wrapped markers, locators, the near-misses word processors
and chat assistants leave, and text that may cite but cannot be read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citelint import fix_text, lint_text
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.markers import candidate_pattern, written_marker

REFS = (
    "\n\n## References\n\n"
    '1. "One." Example Press, 2020. https://example.com/1\n'
    '2. "Two." Example Press, 2021. https://example.com/2\n'
    '3. "Three." Example Press, 2022. https://example.com/3\n'
)


def codes(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_text(text)]


@pytest.mark.parametrize(
    "prose",
    [
        pytest.param("A [CITATION\n1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-after-keyword"),
        pytest.param("A [CITATION 1,\n2] b [CITATION 3] here.", id="wrapped-in-list"),
        pytest.param("A [CITATION 1,\n  2] b [CITATION 3] here.", id="wrapped-indented"),
        pytest.param("> A [CITATION\n> 1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-in-quote"),
        pytest.param("> A [CITATION\n1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-onto-a-lazy-quote-line"),
        pytest.param("- A [CITATION\n  1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-in-list-item"),
        pytest.param("- A [CITATION\n1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-onto-a-lazy-item-line"),
        pytest.param("> - A [CITATION\n>   1] b [CITATION 2] c [CITATION 3] here.", id="wrapped-in-item-in-quote"),
        pytest.param("A [CITATION 1,\n2,\n3] b here.", id="wrapped-over-three-lines"),
        pytest.param("A [CITATION 1, p. 4] b [CITATION 2, pp. 4\u20135] c [CITATION 3, ch. 3] here.", id="locators"),
        pytest.param("A [CITATION 1, \u00a74] b [CITATION 2, 3, fig. 2] here.", id="section-and-figure"),
        pytest.param("A [CITATION 1,p. 4] b [CITATION 2-3, at 17] here.", id="locator-without-space"),
    ],
)
def test_markers_as_tools_write_them_are_valid(prose: str) -> None:
    assert codes(prose + REFS) == []


@pytest.mark.parametrize(
    ("written", "reason", "replacement"),
    [
        pytest.param("[CITATIONS 2]", "writes the keyword in the plural (`CITATIONS`)", "[CITATION 2]", id="plural"),
        pytest.param("[CITATION: 2]", "writes `:` before its number", "[CITATION 2]", id="colon"),
        pytest.param("[CITATION #2]", "writes `#` before its number", "[CITATION 2]", id="hash"),
        pytest.param("\u3010CITATION 2\u3011", "writes fullwidth brackets", "[CITATION 2]", id="lenticular"),
        pytest.param("\uff3bCITATION 2\uff3d", "writes fullwidth brackets", "[CITATION 2]", id="fullwidth"),
        pytest.param("[CITATION 2 p. 4]", "needs `, ` between its numbers and the locator", "[CITATION 2, p. 4]", id="locator-no-comma"),
        pytest.param("[Citation 2, p. 4]", "spells the keyword `CITATION` in the wrong case", "[CITATION 2, p. 4]", id="case-with-locator"),
        pytest.param("[CITATON 2]", "misspells the keyword `CITATION`", "[CITATION 2]", id="letter-left-out"),
        pytest.param("[CITTATION 2, p. 4]", "misspells the keyword `CITATION`", "[CITATION 2, p. 4]", id="letter-added"),
        pytest.param("[CITATOIN 2]", "misspells the keyword `CITATION`", "[CITATION 2]", id="letters-swapped"),
        pytest.param("[CITATIQN 2]", "misspells the keyword `CITATION`", "[CITATION 2]", id="letter-changed"),
        pytest.param("(CITATION 2)", "is written in parentheses", "[CITATION 2]", id="parentheses"),
        pytest.param("( CITATION 2]", "is written in parentheses", "[CITATION 2]", id="opened-with-a-parenthesis"),
        pytest.param("{CITATION 2}", "is written in braces", "[CITATION 2]", id="braces"),
    ],
)
def test_near_misses_are_reported_with_their_fix(written: str, reason: str, replacement: str) -> None:
    text = f"A [CITATION 1] b {written} c [CITATION 3] end.{REFS}"
    found = [d for d in lint_text(text) if d.code == "CIT005"]
    assert [d.message for d in found] == [f"malformed citation marker: `{written}` {reason}; write `{replacement}`"]
    assert found[0].fix is not None and found[0].fix.edits[0].content == replacement
    fixed = fix_text(text)
    assert fixed.refused is None
    assert replacement in fixed.text and written not in fixed.text


@pytest.mark.parametrize(
    "prose",
    [
        pytest.param("[NOTATION 2]", id="a-word-two-letters-off"),
        pytest.param("[ABSTRACT 2]", id="another-word"),
        pytest.param("[Citaton 2]", id="misspelt-and-not-in-capitals"),
        pytest.param("(CITATION needed)", id="parenthesised-words"),
        pytest.param("[see CITATION 2]", id="words-before-the-keyword"),
        pytest.param("`(CITATION 2)`", id="in-code"),
        pytest.param("XCITATION 2]", id="glued-to-a-word"),
    ],
)
def test_what_only_resembles_a_misbracketed_or_misspelt_marker_is_prose(prose: str) -> None:
    text = f"A [CITATION 1] b [CITATION 2] c {prose} d [CITATION 3] end.{REFS}"
    assert codes(text) == []


def test_a_marker_with_no_opening_bracket_is_a_near_miss() -> None:
    text = f"A [CITATION 1] b see CITATION 2] c [CITATION 3] end.{REFS}"
    [found] = [d for d in lint_text(text) if d.code == "CIT005"]
    assert found.message == "malformed citation marker: `CITATION 2]` has no opening `[`; write `[CITATION 2]`"
    assert (found.line, found.column) == (1, 22)
    assert fix_text(text).text.startswith("A [CITATION 1] b see [CITATION 2] c")


def test_a_misspelt_marker_counts_where_its_number_is_cited_elsewhere() -> None:
    """`[CITATON 2]` rendered as written while 2 was cited elsewhere: nothing was
    reported, the chapter passed with a broken citation in its text."""
    text = f"A [CITATION 1] b [CITATION 2] c [CITATON 2] d [CITATION 3] end.{REFS}"
    assert [code for code, _, _ in codes(text)] == ["CIT005"]
    assert "[CITATION 2] d" in fix_text(text).text


def test_a_short_or_lowercase_keyword_is_not_looked_for_misspelt() -> None:
    """`[REV 2]` is one letter from `REF` and is prose; a keyword in capitals of six
    letters or more is looked for misspelt."""
    short = Settings(marker="REF")
    text = "A [REF 1] b [REF 2] c [REV 2] d [REF 3] end." + REFS
    assert [d.code for d in lint_text(text, short)] == []
    assert [d.code for d in lint_text(text.replace("[REV 2]", "(REF 2)"), short)] == ["CIT005"]  # the brackets are still checked


def test_a_marker_in_an_html_code_element_is_code() -> None:
    """`<code>[CITATION 2]</code>` shows a marker, as backticks do: it was read as a
    citation, and fix renumbered the writer's example."""
    text = f"Write <code>[CITATION 9]</code> or <CODE class=\"x\">[CITATION 8]</CODE>. B [CITATION 2] c [CITATION 1] d [CITATION 3].{REFS}"
    assert [m.numbers for m in Chapter.parse(text, Settings()).citations()] == [(2,), (1,), (3,)]
    fixed = fix_text(text).text
    assert fixed.startswith("Write <code>[CITATION 9]</code> or <CODE class=\"x\">[CITATION 8]</CODE>. B [CITATION 1] c [CITATION 2]")
    never_closed = f"A <code>x [CITATION 1] b [CITATION 2] c [CITATION 3] end.{REFS}"
    assert codes(never_closed) == []  # an element never closed is text: its markers cite
    in_backticks = f"A `<code>` [CITATION 1] b [CITATION 2] `</code>` c [CITATION 3] end.{REFS}"
    assert codes(in_backticks) == []  # tags shown as code open nothing


def test_fix_keeps_line_breaks_and_locators_while_renumbering() -> None:
    text = "A [CITATION 2, p. 4] b [CITATION\n1] c [CITATION 2,\n3] d [CITATION 3, ch. 2] end." + REFS
    fixed = fix_text(text)
    assert fixed.refused is None
    prose = fixed.text.split("\n\n## References")[0]
    assert prose == "A [CITATION 1, p. 4] b [CITATION\n2] c [CITATION 1,\n3] d [CITATION 3, ch. 2] end."
    assert fixed.text.split("## References\n\n")[1].splitlines()[0] == '1. "Two." Example Press, 2021. https://example.com/2'


def test_a_locator_marker_is_renumbered_with_the_rest() -> None:
    """The issue's reproduction: `[CITATION 1, p. 4]` must follow reference 1 when it moves."""
    text = "Claim. [CITATION 3] Other. [CITATION 1, p. 4] Third. [CITATION 2] Fourth. [CITATION 1]" + REFS
    fixed = fix_text(text)
    assert fixed.refused is None
    assert fixed.text.startswith("Claim. [CITATION 1] Other. [CITATION 2, p. 4] Third. [CITATION 3] Fourth. [CITATION 2]")
    entries = fixed.text.split("## References\n\n")[1].splitlines()
    assert [entry.split('"')[1] for entry in entries] == ["Three.", "One.", "Two."]


@pytest.mark.parametrize(
    "unreadable",
    [
        pytest.param("[CITATION 1, xyz 4]", id="words-after-number"),
        pytest.param("[CITATION 1 and 2]", id="and"),
    ],
)
def test_fix_refuses_to_move_entries_under_text_it_cannot_read(unreadable: str) -> None:
    text = f"Claim. [CITATION 3] Other. {unreadable} Third. [CITATION 2] Fourth. [CITATION 1]{REFS}"
    fixed = fix_text(text)
    assert fixed.text == text
    assert fixed.refused is not None and unreadable in fixed.refused and "line 1" in fixed.refused


def test_a_wrapped_bracket_of_words_is_still_an_unclosed_marker() -> None:
    text = "Also [CITATION 3 and more\nwords follow here] x [CITATION 1] [CITATION 2] end." + REFS
    messages = [d.message for d in lint_text(text) if d.code == "CIT005"]
    assert messages == ["malformed citation marker: `[CITATION` is never closed with `]`"]


def test_markers_inside_the_list_follow_their_entries() -> None:
    text = (
        "A [CITATION 2] b [CITATION 1].\n\n## References\n\n"
        '1. "One." Example Press, 2020. https://example.com/1\n'
        '2. "Two." Example Press, 2021. https://example.com/2 (see also [CITATION 1])\n'
    )
    fixed = fix_text(text)
    assert fixed.refused is None
    assert '1. "Two." Example Press, 2021. https://example.com/2 (see also [CITATION 2])' in fixed.text


def test_a_blank_line_ends_a_marker() -> None:
    text = "A [CITATION\n\n1] b [CITATION 1] end." + REFS.replace("2. \"Two.\"", "2. \"Two.\"")
    found = [d.message for d in lint_text(text) if d.code == "CIT005"]
    assert found == ["malformed citation marker: `[CITATION` is never closed with `]`"]


@pytest.mark.parametrize(
    ("prose", "column"),
    [
        pytest.param("## Results [CITATION\n2]\n\nA claim [CITATION 1] and [CITATION 3] here.", 12, id="atx-heading"),
        pytest.param("> ## Results [CITATION\n> 2]\n\nA claim [CITATION 1] and [CITATION 3] here.", 14, id="heading-in-quote"),
        pytest.param("A claim [CITATION\n> 2] goes on [CITATION 1] and [CITATION 3] here.", 9, id="quote-starts"),
        pytest.param("> A claim [CITATION\n>> 2] goes on [CITATION 1] and [CITATION 3] here.", 11, id="nested-quote-starts"),
        pytest.param("A claim [CITATION 2,\n> 1] goes on [CITATION 1] and [CITATION 3] here.", 9, id="list-into-quote"),
        pytest.param("A claim [CITATION\n# 2] heading\n\nThen [CITATION 1] and [CITATION 3] here.", 9, id="heading-starts"),
    ],
)
def test_a_marker_does_not_wrap_into_another_block(prose: str, column: int) -> None:
    """Markdown renders `## Results [CITATION` as a heading and `2]` as a paragraph of its
    own: no marker, so no citation of 2, nothing to renumber, and entry 2 is uncited."""
    text = prose + REFS
    found = lint_text(text)
    assert [(d.code, d.line, d.column) for d in found if d.code in ("CIT002", "CIT003", "CIT005")] == [
        ("CIT005", 1, column),
        ("CIT002", text.count("\n", 0, text.index("2. ")) + 1, 1),
    ]
    assert "is never closed with `]`" in next(d.message for d in found if d.code == "CIT005")
    fixed = fix_text(text)
    assert fixed.refused is None and fixed.text == text


def test_a_bracket_marker_does_not_wrap_out_of_a_heading() -> None:
    text = "## Results [2,\n1]\n\nA claim [1] and [3] here." + REFS
    brackets = Settings(marker_style="brackets")
    assert [(d.code, d.line) for d in lint_text(text, brackets)] == [("CIT002", 9)]
    assert fix_text(text, brackets).text == text


def test_obsidian_comments_hide_markers() -> None:
    text = (
        "A [CITATION 1] b.\n\n%% TODO [CITATION 5] %%\n\n%%\nblock [CITATION 7]\n%%\n\n"
        "`%%` is code [CITATION 2] and <!-- %% --> stays [CITATION 3] here.\n" + REFS
    )
    assert codes(text) == []


def test_an_obsidian_comment_never_closed_hides_nothing() -> None:
    text = "A [CITATION 1] b [CITATION 2] c [CITATION 3] end. %% a note [CITATION 5] here\n" + REFS
    assert [code for code, _, _ in codes(text)] == ["CIT001"]


# -- one defect, one finding (issue 12 D) ---------------------------------------


def test_a_mistyped_number_is_one_finding() -> None:
    text = "A [CITATION 1] b [CITATION 2] c [CITATION 5] d [CITATION 3] end." + REFS
    found = lint_text(text)
    assert [(d.code, d.column) for d in found] == [("CIT001", 33)]
    assert fix_text(text).summary() == "nothing to fix"


def test_fix_advice_only_where_fix_acts() -> None:
    fixable = "A [CITATION 2] b [CITATION 1] c [CITATION 3] end." + REFS
    blocked = "A [CITATION 2] b [CITATION 1] c [CITATION 3] d [CITATION 4] end." + REFS
    [order] = [d.message for d in lint_text(fixable) if d.code == "CIT003"]
    assert order.endswith("(run `citelint fix`)")
    [blocked_order] = [d.message for d in lint_text(blocked) if d.code == "CIT003"]
    assert "run `citelint fix`" not in blocked_order
    assert blocked_order.endswith("(`citelint fix` cannot renumber: reference 4 is cited but not in the reference list)")
    assert fix_text(blocked).refused == "reference 4 is cited but not in the reference list"


@pytest.mark.parametrize("how", ["suppressed", "not selected"])
def test_fix_advice_names_a_near_miss_left_as_written_that_keeps_the_numbering(how: str) -> None:
    """A near-miss fix leaves as written cannot take a new number, so fix keeps the
    numbering: the renumbering finding says so, not "run `citelint fix`"."""
    comment = " <!-- citelint-disable-line CIT005 -->" if how == "suppressed" else ""
    text = f"A [CITATION 2] b [CITATION 1] c [Citation 2].{comment}" + REFS
    settings = Settings() if how == "suppressed" else Settings(ignore=("CIT005",))
    [order] = [d.message for d in lint_text(text, settings) if d.code == "CIT003"]
    fixed = fix_text(text, settings)
    assert fixed.text == text and fixed.numbering_kept
    reason = "CIT005 is suppressed on line 1, and its marker" if how == "suppressed" else "CIT005 is not selected, and the malformed marker on line 1"
    assert order.endswith(f"(`citelint fix` keeps the numbering: {reason} would be renumbered)"), order
    assert fixed.notes == [f"kept the numbering: {reason} would be renumbered"]
    plain = "A [CITATION 2] b [CITATION 1] c [CITATION 2]." + REFS  # no near-miss: fix renumbers
    assert [d.message for d in lint_text(plain, settings) if d.code == "CIT003"][0].endswith("(run `citelint fix`)")


def test_fix_advice_names_an_entry_citing_a_number_the_list_does_not_have() -> None:
    text = "A [CITATION 2] b [CITATION 1] end.\n\n## References\n\n1. \"One.\" P, 2020. See also [CITATION 9].\n2. \"Two.\" P, 2021.\n"
    reason = "[CITATION 9] on line 5 (in the reference list) cites a number the list does not have"
    [order] = [d.message for d in lint_text(text) if d.code == "CIT003"]
    assert order.endswith(f"(`citelint fix` cannot renumber: {reason})"), order
    assert fix_text(text).refused == reason


def test_a_gap_at_the_start_says_where_numbering_starts() -> None:
    text = "A [CITATION 3] b [CITATION 4] end.\n\n## References\n\n3. \"Three.\" P, 2020. https://e.com/3\n4. \"Four.\" P, 2021. https://e.com/4\n"
    [gap] = [d.message for d in lint_text(text) if d.code == "CIT004"]
    assert gap.startswith("numbering starts at 3: references 1-2 are neither cited nor listed")
    assert "from 0" not in gap


def test_an_ignored_marker_does_not_vanish_silently() -> None:
    text = (
        "A [CITATION 1] b `[CITATION 2]` c.\n\n```\n[CITATION 3]\n```\n\n<!-- [CITATION 4] -->\n\n%% [CITATION 5] %%\n\n"
        "## References\n\n"
        + "".join(f'{n}. "T{n}." P, 202{n}. https://e.com/{n}\n' for n in range(1, 7))
    )
    messages = [d.message for d in lint_text(text) if d.code == "CIT002"]
    assert messages == [
        "reference 2 is cited only inside inline code at line 1, where markers are not read; move [CITATION 2] into the prose, or remove the reference",
        "reference 3 is cited only inside a code block at line 4, where markers are not read; move [CITATION 3] into the prose, or remove the reference",
        "reference 4 is cited only inside a comment at line 7, where markers are not read; move [CITATION 4] into the prose, or remove the reference",
        "reference 5 is cited only inside a comment at line 9, where markers are not read; move [CITATION 5] into the prose, or remove the reference",
        "reference 6 is never cited; cite it with [CITATION 6] or remove it",
    ]


@pytest.mark.parametrize("listed", [1, 9])
def test_a_list_cited_only_in_code_names_a_hidden_marker_only_of_its_own(listed: int) -> None:
    """A Lightning BOLT in the brackets style: Go code's `var buf [8]byte` was named as
    the hidden marker of a list of one entry ("[8] is inside a code block …; move the
    markers into the prose"), though 8 is no entry of it. (`[8]byte` itself, glued to
    the word after it, is no marker anywhere now: the code here spaces it.)"""
    entries = "".join(f"{n}. <a id=\"reference-{n}\">https://example.com/{n}</a>\n" for n in range(1, listed + 1))
    text = "Prose.\n\n```golang\nvar buf [8] // bytes\n```\n\n## References\n\n" + entries
    [message] = [d.message for d in lint_text(text, Settings(marker_style="brackets")) if d.code == "CIT002"]
    if listed < 8:
        assert message.startswith(f"the reference list has {listed} entry and the chapter cites none; cite them with markers such as [1]")
    else:
        assert "([8] is inside a code block at line 4, where markers are not read)" in message


def test_a_bracket_glued_to_a_word_is_named_when_its_entry_is_never_cited() -> None:
    """Brackets style: `plumage[2]` (as some Wikipedia exports write it) reads as an
    index, like `arr[1]`; the entry it meant to cite is not orphaned silently."""
    entries = "".join(f'{n}. A. Author. "T{n}." P, 202{n}. https://e.com/{n}\n' for n in range(1, 4))
    text = "The plumage[2] is bright. A claim [1]. In code, arr[3] is typed.\n\n## References\n\n" + entries
    messages = {d.message.split(" is never cited")[0]: d.message for d in lint_text(text, Settings(marker_style="brackets")) if d.code == "CIT002"}
    assert messages["reference 2"].endswith(": `plumage[2]` at line 1 is read as an index after a word, not as a citation; if it cites, put a space before the bracket, or remove the reference")
    assert "`arr[3]` at line 1" in messages["reference 3"]
    alone = "The plumage[1] is bright.\n\n## References\n\n" + entries.split("\n")[0] + "\n"
    [message] = [d.message for d in lint_text(alone, Settings(marker_style="brackets")) if d.code == "CIT002"]
    assert message.startswith("the reference list has 1 entry and the chapter cites none: `plumage[1]` at line 1 is read as an index")
    assert [d.message for d in lint_text(alone.replace("plumage[1]", "`plumage[1]`"), Settings(marker_style="brackets")) if "index" in d.message] == []


@pytest.mark.parametrize("style", ["citation", "brackets", "superscript"])
def test_links_to_the_entries_anchors_are_named_as_links_not_citations(style: str) -> None:
    """lightning/bolts cites with links to anchors in its list (`<sup>[1](#ref-1)</sup>`
    to `- <a id="ref-1">…`): "the chapter cites none" was all CIT002 said of it."""
    entries = "".join(f'- <a id="ref-{n}">[RFC {n}](https://www.ietf.org/rfc/rfc{n}.txt)</a>\n' for n in range(1, 4))
    text = "Specified in RFCs 1035<sup>[1](#ref-1)</sup> and 3596<sup>[2](#ref-2)</sup>.\n\n## References\n" + entries
    [message] = [d.message for d in lint_text(text, Settings(marker_style=style)) if d.code == "CIT002"]
    assert message.startswith("the reference list has 3 entries and the chapter cites none with markers: it links to them instead (`[1](#ref-1)` at line 1)")
    cited = text.replace("3596<sup>[2](#ref-2)</sup>", "3596 [CITATION 2] [2] <sup>2</sup>")
    messages = [d.message for d in lint_text(cited, Settings(marker_style=style)) if d.code == "CIT002"]
    assert messages == [
        "reference 1 is never cited with a marker: the link `[1](#ref-1)` at line 1 points to it, and citelint does not read a link as a citation; "
        f"cite it with {written_marker(1, 'CITATION', style)}, or remove the reference",
        f"reference 3 is never cited; cite it with {written_marker(3, 'CITATION', style)} or remove it",
    ]


def test_a_marker_in_a_link_reference_definitions_title_cites_nothing() -> None:
    """A definition renders nothing (its title is at most a tooltip): a source cited
    only there is not cited, and a number it names is not missing from the list."""
    text = (
        'A [CITATION 1] b [docs][x] c.\n\n[x]: https://docs.example/ "Docs [CITATION 2]"\n[y]: <https://e.org>\n  "[CITATION 9]"\n\n'
        "## References\n\n" + "".join(f'{n}. "T{n}." P, 202{n}. https://e.com/{n}\n' for n in range(1, 3))
    )
    findings = [(d.code, d.message) for d in lint_text(text)]
    assert findings == [
        ("CIT002", "reference 2 is cited only inside a link reference definition at line 3, where markers are not read; move [CITATION 2] into the prose, or remove the reference")
    ]


def test_a_reference_list_of_definitions_is_still_read_with_its_markers() -> None:
    text = "A [2] b [1].\n\n## References\n\n[1]: https://e.com/1 \"One, see also [2]\"\n[2]: https://e.com/2 \"Two\"\n"
    chapter = Chapter.parse(text, Settings(marker_style="brackets"))
    assert chapter.references is not None and chapter.references.numbers() == {1, 2}
    assert [m.numbers for m in chapter.markers if m.cites] == [(2,), (1,), (2,)]


def test_a_list_nothing_cites_gets_one_finding_also_with_wrong_labels() -> None:
    text = "No markers here.\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/1\n3. \"B.\" P, 2021. https://e.com/2\n"
    assert [d.code for d in lint_text(text)] == ["CIT002"]


def test_a_mistyped_label_is_not_also_a_gap() -> None:
    text = "A [CITATION 1] b [CITATION 2] c [CITATION 3] end.\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/1\n3. \"B.\" P, 2021. https://e.com/2\n4. \"C.\" P, 2022. https://e.com/3\n"
    assert sorted({d.code for d in lint_text(text)}) == ["CIT001", "CIT002", "CIT011"]  # no CIT004 saying 2 is not cited


def test_markers_only_in_code_are_named_when_nothing_else_cites() -> None:
    text = "Intro `[CITATION 1]` text.\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/1\n"
    [finding] = lint_text(text)
    assert "[CITATION 1] is inside inline code at line 1" in finding.message


def test_fix_refuses_to_relabel_a_year_that_a_wrap_left_at_a_line_start() -> None:
    text = (
        "A [CITATION 2] b [CITATION 1] end.\n\n## References\n\n"
        '1. "A." Example, March 3,\n2024.\nhttps://e.com/1\n2. "B." P, 2021. https://e.com/2\n'
    )
    fixed = fix_text(text)
    assert fixed.text == text
    assert fixed.refused is not None and "looks like a year wrapped onto its own line" in fixed.refused


# -- the candidate search ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "CITATION", "citations", " ", "\t", "\u200b", "*", "1", "x", "\n", "\u3010", "\uff3b"]), max_size=20).map("".join))
def test_the_literal_bracket_search_finds_what_the_class_search_finds(text: str) -> None:
    """Without a fullwidth bracket in the text, the pattern that opens with a literal
    `[` (searched faster) matches exactly where the full pattern does."""
    full = [(match.span(), match.group(1)) for match in candidate_pattern("CITATION").finditer(text)]
    if "\u3010" in text or "\uff3b" in text:
        assert len(full) >= len(list(candidate_pattern("CITATION", fullwidth=False).finditer(text)))
        return
    literal = [(match.span(), match.group(1)) for match in candidate_pattern("CITATION", fullwidth=False).finditer(text)]
    assert literal == full


def test_a_fullwidth_bracket_anywhere_keeps_the_full_search() -> None:
    found = lint_text("Text [CITATION 1] and \u3010CITATION 2\u3011.\n\n## References\n\n1. A\n2. B\n")
    assert any("fullwidth" in finding.message for finding in found)


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u200d", "\u200c", "\u2060", "\ufeff"])
@pytest.mark.parametrize("at", [1, 4, 7])
def test_an_invisible_character_inside_the_keyword_is_a_near_miss(invisible: str, at: int) -> None:
    """Found by an audit: `[CITA\u200bTION 2]` looks exactly like a marker and was read
    as nothing at all (one after `[` or before the number was reported). It is a
    near-miss that names the character, and `fix` rewrites it."""
    keyword = "CITATION"[:at] + invisible + "CITATION"[at:]
    text = f"A claim. [CITATION 1] Another. [CITATION 2] More. [{keyword} 2]" + REFS.replace("3. \"Three.\" Example Press, 2022. https://example.com/3\n", "")
    found = lint_text(text)
    assert [(d.code, d.column) for d in found] == [("CIT005", 51)]
    assert f"U+{ord(invisible):04X}" in found[0].message and "write `[CITATION 2]`" in found[0].message
    fixed = fix_text(text)
    assert fixed.text == text.replace(f"[{keyword} 2]", "[CITATION 2]")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "CITATION", "citations", " ", "\t", "1", "x", "\n", "CI", "TATION"]), max_size=20).map("".join))
def test_the_search_for_invisible_characters_finds_what_the_plain_search_finds_without_them(text: str) -> None:
    """Where the text has no invisible character between a keyword's letters, the
    search that allows them matches exactly where the plain search does."""
    plain = [(match.span(), match.group(1)) for match in candidate_pattern("CITATION", fullwidth=False).finditer(text)]
    allowing = [(match.span(), match.group(1)) for match in candidate_pattern("CITATION", fullwidth=False, invisible=True).finditer(text)]
    assert allowing == plain


def test_fix_refuses_a_renumbering_that_would_change_a_number_glued_to_a_word() -> None:
    """Brackets style: `plumage[2]` reads as an index, but an export may cite so; fix
    renumbering the list around it would leave it naming another source if it cites.
    check's advice says the same as fix; a glued number the renumbering keeps is no bar."""
    brackets = Settings(marker_style="brackets", require_url=False)
    listed = '\n\n## References\n\n1. A. One. "First." 2020.\n2. B. Two. "Second." 2021.\n3. C. Three. "Third." 2022.\n'
    text = "The plumage[2] is bright. A claim [2]. Then [1]. And [3]." + listed
    reason = (
        "`plumage[2]` on line 1 is read as an index after a word, and renumbering would leave it naming another source "
        "if it cites; put a space before the bracket if it cites, or write it as code (in backticks) if it is an index"
    )
    assert fix_text(text, brackets).refused == reason
    [advice] = [d.message for d in lint_text(text, brackets) if d.code == "CIT003"]
    assert advice.endswith(f"(`citelint fix` cannot renumber: {reason})")
    kept = text.replace("plumage[2]", "plumage[3]")
    result = fix_text(kept, brackets)
    assert result.refused is None and "plumage[3]" in result.text and result.text.startswith("The plumage[3] is bright. A claim [1]. Then [2].")
    coded = fix_text(text.replace("plumage[2]", "`plumage[2]`"), brackets)
    assert coded.refused is None


def test_checks_advice_says_fix_refuses_when_a_link_definition_would_take_the_new_number() -> None:
    """A `[1]: url` outside the list makes `[1]` a link in the brackets style: fix
    refuses to renumber `[3]` to 1; check said "run `citelint fix`" all the same."""
    text = 'Text cites [3].\n\n[1]: https://elsewhere.example/\n\n## References\n\n[3] A. Author. "Title." 2020. https://a.example/\n'
    brackets = Settings(marker_style="brackets")
    refused = fix_text(text, brackets).refused
    assert refused is not None and "link definition [1]:" in refused
    [advice] = [d.message for d in lint_text(text, brackets) if d.code == "CIT004"]
    assert advice.endswith(f"(`citelint fix` cannot renumber: {refused})")
