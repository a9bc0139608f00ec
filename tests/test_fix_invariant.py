"""Part A of issue 12: `fix` never changes what a citation points to.

Chapters are generated with every kind of text that cites — markers, lists,
ranges, locators, hard-wrapped markers, near-misses whose intent is clear and
near-misses that cannot be read — and with other candidate lists around the
real one. Each piece of citing text knows the titles it was written to cite.
After `fix`, an oracle that shares no code with citelint reads every piece of
citing text of the output and the output's reference list, and checks each still
points at exactly the titles it pointed at before.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint import fix_text, lint_text
from citelint.chapter import Chapter
from citelint.config import Settings

TITLES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]

# The oracle's reading of citing text: the keyword in any case (or its plural), in
# any bracket, then numbers and ranges before anything else (a locator, words).
CITING = re.compile(
    r"(?:\\?[\[\u3010\uff3b])[ \t]*(?:CITATIONS?|Citations?|citations?)[ \t\n>:#]*"
    r"((?:\d+(?:[ \t]*[-\u2013][ \t]*\d+)?)(?:[ \t]*,[ \t\n>]*\d+(?:[ \t]*[-\u2013][ \t]*\d+)?)*)"
    r"[^\[\]\u3011\uff3d]*[\]\u3011\uff3d]"
)
ENTRY = re.compile(r'^(\d+)\. "(\w+)\." ', re.MULTILINE)


def numbers_of(written: str) -> list[int]:
    found: list[int] = []
    for item in re.split(r"\s*,\s*", re.sub(r"[\n>]", " ", written).strip()):
        first, _, last = re.sub(r"\s", "", item).replace("\u2013", "-").partition("-")
        found.extend(range(int(first), int(last or first) + 1))
    return found


def oracle(text: str) -> list[tuple[str, ...]]:
    """For each piece of citing text in the prose, the titles it cites."""
    prose, _, listed = text.partition("\n## References\n")
    titles = {int(number): title for number, title in ENTRY.findall(listed)}
    return [tuple(titles.get(n, f"?{n}") for n in numbers_of(match.group(1))) for match in CITING.finditer(prose)]


def form(draw: st.DrawFn, numbers: list[int]) -> str:
    body = ", ".join(map(str, numbers))
    kind = draw(
        st.sampled_from(
            ["plain", "plain", "locator", "wrapped", "wrapped-list", "case", "colon", "plural", "fullwidth", "hash", "unreadable", "no-comma-locator"]
        )
    )
    return {
        "plain": f"[CITATION {body}]",
        "locator": f"[CITATION {body}, p. {draw(st.integers(1, 400))}]",
        "wrapped": f"[CITATION\n{body}]",
        "wrapped-list": f"[CITATION {body.replace(', ', ',' + chr(10), 1)}]",
        "case": f"[Citation {body}]",
        "colon": f"[CITATION: {body}]",
        "plural": f"[CITATIONS {body}]",
        "fullwidth": f"\u3010CITATION {body}\u3011",
        "hash": f"[CITATION #{body}]",
        "unreadable": f"[CITATION {body}, see xyz]",
        "no-comma-locator": f"[CITATION {body} p. 4]",
    }[kind]


@st.composite
def chapters(draw: st.DrawFn) -> str:
    count = draw(st.integers(2, 6))
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        pieces = []
        for _ in range(draw(st.integers(1, 4))):
            numbers = draw(st.lists(st.integers(1, count), min_size=1, max_size=2, unique=True))
            pieces.append("A claim here. " + form(draw, numbers))
        paragraphs.append(" ".join(pieces) + " End.")
    order = draw(st.permutations(range(count)))
    entries = [f'{n}. "{TITLES[index]}." Example Press, {2000 + n}. https://example.com/{TITLES[index].lower()}' for n, index in enumerate(order, 1)]
    before = draw(st.sampled_from(["", "## Notes\n\nA note that cites nothing, written in prose.\n\n"]))
    after = draw(st.sampled_from(["", "\n## Further reading\n\n- \"Omega.\" Other Press, 1999. https://example.com/omega\n"]))
    return "\n\n".join(paragraphs) + "\n\n" + before + "## References\n\n" + "\n".join(entries) + "\n" + after


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chapters())
def test_fix_never_changes_what_a_citation_points_to(text: str) -> None:
    result = fix_text(text)
    if result.refused is not None:
        assert result.text == text
        return
    assert oracle(result.text) == oracle(text), result.text
    assert fix_text(result.text).text == result.text  # idempotent


def test_the_oracle_sees_a_re_pointed_citation() -> None:
    """The oracle can fail: swap two entries without renumbering the markers."""
    text = '[CITATION 1, p. 4] x [CITATION 2]\n## References\n1. "Alpha." P, 2000. u\n2. "Beta." P, 2001. u\n'
    swapped = text.replace('1. "Alpha."', '1. "Beta!."').replace('2. "Beta."', '2. "Alpha."').replace("Beta!", "Beta")
    assert oracle(text) == [("Alpha",), ("Beta",)]
    assert oracle(swapped) != oracle(text)


# -- markers left as written, and a marker the parse did not read ---------------------

SWAPPED = '{prose}\n\n## References\n\n1. "A." Press, 2020. https://a.org\n2. "B." Press, 2021. https://b.org\n'


def test_a_renumbered_source_named_in_a_comment_or_a_definition_title_is_told() -> None:
    """Markers in comments and definition titles are not read, so fix leaves them; the
    number they name now belongs to another source, and fix says so."""
    text = SWAPPED.format(prose='Claim [CITATION 2] and [CITATION 1].\n\n<!-- check [CITATION 2] again -->\n\n[x]: https://x.org "[CITATION 1]"')
    fixed = fix_text(text)
    assert fixed.refused is None and fixed.changed
    assert "<!-- check [CITATION 2] again -->" in fixed.text and '"[CITATION 1]"' in fixed.text
    assert fixed.notes == [
        "[CITATION 2] inside a comment on line 3 is left as written: the source it named is now [CITATION 1]",
        "[CITATION 1] inside a link reference definition on line 5 is left as written: the source it named is now [CITATION 2]",
    ]


def test_markers_left_as_written_are_named_up_to_a_few_then_counted() -> None:
    comments = "\n\n".join(f"<!-- [CITATION {1 + n % 2}] -->" for n in range(6))
    fixed = fix_text(SWAPPED.format(prose=f"Claim [CITATION 2] and [CITATION 1].\n\n{comments}"))
    assert len(fixed.notes) == 4 and fixed.notes[-1] == "and 3 more markers in comments left as written"


def test_no_note_when_the_numbers_stay_or_for_code() -> None:
    text = SWAPPED.format(prose="Claim [CITATION 1] and [CITATION 2] `[CITATION 2]`.\n\n<!-- [CITATION 2] -->\n\n```\n[CITATION 1]\n```")
    assert fix_text(text).notes == []
    reordered = SWAPPED.format(prose="Claim [CITATION 2] and [CITATION 1] `[CITATION 2]`.\n\n```\n[CITATION 1]\n```")
    assert fix_text(reordered).notes == []  # code is an example, not a note to the writer


def test_a_marker_in_the_prose_the_parse_did_not_read_refuses_the_renumbering() -> None:
    """A second reading of the text, independent of the parse: were a parser bug to
    drop a marker, it would keep its number while the sources move. Here the parse is
    made to drop one, as such a bug would."""
    from citelint.chapter import Chapter
    from citelint.config import Settings
    from citelint.renumbering import fix_chapter

    chapter = Chapter.parse(SWAPPED.format(prose="Claim [CITATION 2] and [CITATION 1], again [CITATION 2]."), Settings())
    dropped = chapter._replace(markers=chapter.markers[:2], cited=chapter.cited[:2])
    assert fix_chapter(chapter)[0].refused is None
    refused = fix_chapter(dropped)[0].refused
    assert refused == "[CITATION 2] on line 1 is not read as a marker, and renumbering would leave it naming another source"


@pytest.mark.parametrize(
    ("style", "cite"),
    [("citation", "[CITATION {}]"), ("brackets", "[{}]")],
)
def test_entries_that_name_each_other_are_reordered(style: str, cite: str) -> None:
    """Two entries that each name the other ("See also [2]"), or themselves (a PDF
    converter's `<span id="…"></span>[1]` anchor before the label), swap places: the
    markers inside them move with them. The check on the result read them in file
    order and refused: "the renumbering did not verify …; please report this"."""
    chosen = Settings(marker_style=style, placement="any")
    text = (
        f"Beta first {cite.format(2)}, then alpha {cite.format(1)}.\n\n## References\n\n"
        f'1. "Alpha." Example Press, 2020. See also {cite.format(2)}.\n'
        f'2. "Beta." Example Press, 2021. See also {cite.format(1)}.\n'
    )
    fixed = fix_text(text, chosen)
    assert fixed.refused is None
    assert fixed.text == (
        f"Beta first {cite.format(1)}, then alpha {cite.format(2)}.\n\n## References\n\n"
        f'1. "Beta." Example Press, 2021. See also {cite.format(2)}.\n'
        f'2. "Alpha." Example Press, 2020. See also {cite.format(1)}.\n'
    )
    anchored = (
        "Beta first [2], then alpha [1].\n\n## References\n\n"
        '- <span id="page-7-4"></span>[1] A. Adams. "Alpha." Example Press, 2020.\n'
        '- <span id="page-7-3"></span>[2] B. Baker. "Beta." Example Press, 2021.\n'
    )
    assert fix_text(anchored, Settings(marker_style="brackets")).text == (
        "Beta first [1], then alpha [2].\n\n## References\n\n"
        '- <span id="page-7-3"></span>[1] B. Baker. "Beta." Example Press, 2021.\n'
        '- <span id="page-7-4"></span>[2] A. Adams. "Alpha." Example Press, 2020.\n'
    )


@pytest.mark.parametrize(
    "between",
    [
        pytest.param("This one is out of print.\n", id="a-note-at-the-margin"),
        pytest.param("counting. In Proceedings of the IEEE Conference, pages 5744-5752, 2017.\n", id="a-converters-broken-entry"),
        pytest.param("### Articles\n", id="a-subheading"),
    ],
)
def test_text_between_entries_that_belongs_to_neither_stops_a_reordering(between: str) -> None:
    """Entries swap places, text between them does not: the note on Alpha ended up
    under Beta (and a PDF converter's rest of an entry under another entry)."""
    text = (
        "Beta first [CITATION 2], then alpha [CITATION 1].\n\n## References\n\n"
        '1. "Alpha." Example Press, 2020. https://example.com/alpha\n\n' + between + "\n"
        '2. "Beta." Example Press, 2021. https://example.com/beta\n'
    )
    fixed = fix_text(text)
    assert fixed.text == text
    assert fixed.refused is not None and fixed.refused.startswith("line 7 (")
    assert "lies between two entries of the list" in fixed.refused
    in_order = text.replace("[CITATION 2], then alpha [CITATION 1]", "[CITATION 1], then alpha [CITATION 2]")
    assert fix_text(in_order).refused is None  # nothing moves: the text stays with its entry


@pytest.mark.parametrize(
    "before_list",
    [
        pytest.param("Beta first [CITATION 2], then alpha [CITATION 1].\n[a site](https://example.com/site)\n\n", id="a-citing-paragraphs-last-line"),
        pytest.param("Beta first [CITATION 2], then alpha [CITATION 1].\n\nSee <https://example.com/site> too.\n\n", id="a-paragraph-with-a-link"),
        pytest.param("Beta first [CITATION 2], then alpha [CITATION 1].\n\n1) First point.\n2) Second point.\n", id="a-list-of-points-right-before"),
        pytest.param(
            "Beta first [CITATION 2], then alpha [CITATION 1].\n\n1) First point.\n2) Second point, see\n[a site](https://example.com/site).\n\n",
            id="a-list-of-points-with-a-link",
        ),
        pytest.param(
            "Beta first [CITATION 2], then alpha [CITATION 1].\n\n1) A point [CITATION 1] makes.\n2) See <https://example.com/site>.\n", id="a-list-of-points-ending-in-a-link"
        ),
    ],
)
def test_prose_before_an_unheaded_list_is_not_its_first_entries(before_list: str) -> None:
    """Prose just before an unheaded bullet list was read as the list's first entries:
    a line with a link, or a list of points that CommonMark shows as a list of its own
    (its delimiter is not the bullet). fix moved the prose among the items, or swapped
    the points instead of the references, and the bullets it counted as 3 and 4 are 1
    and 2 to a reader."""
    text = before_list + '- "Alpha." Example Press, 2020. https://example.com/alpha\n- "Beta." Example Press, 2021. https://example.com/beta\n'
    fixed = fix_text(text)
    assert fixed.refused is None
    swapped = text.replace("[CITATION 1]", "[CITATION 0]").replace("[CITATION 2]", "[CITATION 1]").replace("[CITATION 0]", "[CITATION 2]")
    assert fixed.text == swapped.replace(
        '- "Alpha." Example Press, 2020. https://example.com/alpha\n- "Beta." Example Press, 2021. https://example.com/beta\n',
        '- "Beta." Example Press, 2021. https://example.com/beta\n- "Alpha." Example Press, 2020. https://example.com/alpha\n',
    )


def test_a_bracket_marker_in_underscore_emphasis_is_renumbered() -> None:
    """`_[1]_` and `__[1]__` are emphasis around a citation as Markdown shows them; the
    `_` was taken for part of a word (as in `arr_[1]`), so fix left them as written
    while it renumbered the list: they named another source."""
    brackets = Settings(marker_style="brackets")
    text = (
        "Beta first [2], then alpha _[1]_ and __[1]__, gamma _[3] in a phrase_.\n\n## References\n\n"
        '1. "Alpha." Example Press, 2020. https://example.com/alpha\n'
        '2. "Beta." Example Press, 2021. https://example.com/beta\n'
        '3. "Gamma." Example Press, 2022. https://example.com/gamma\n'
    )
    fixed = fix_text(text, brackets)
    assert fixed.refused is None
    assert fixed.text.startswith("Beta first [1], then alpha _[2]_ and __[2]__, gamma _[3] in a phrase_.\n")
    indexed = "An index arr_[2], then [1] and [2].\n\n## References\n\n" + text.split("## References\n\n")[1]
    assert [number for marker in Chapter.parse(indexed, brackets).cited for number in marker.numbers] == [1, 2]


@pytest.mark.parametrize("bullet", ["- ", "+ ", "* ", "> - "])
def test_a_superscript_after_a_short_word_in_a_bullet_is_renumbered(bullet: str) -> None:
    """A superscript after a short word just after a bullet (`- in<sup>2</sup>`) was
    taken for an exponent after an operator (as in `E = mc<sup>2</sup>`): fix left it
    as written while it renumbered the list, and it named another source."""
    superscript = Settings(marker_style="superscript")
    text = (
        f"{bullet}in<sup>2</sup>, then<sup>1</sup>.\n\n## References\n\n"
        '1. "Alpha." Example Press, 2020. https://example.com/alpha\n'
        '2. "Beta." Example Press, 2021. https://example.com/beta\n'
    )
    fixed = fix_text(text, superscript)
    assert fixed.refused is None
    assert fixed.text.startswith(f"{bullet}in<sup>1</sup>, then<sup>2</sup>.\n")
    formula = "E = mc<sup>2</sup> and a - be<sup>2</sup>, cited<sup>2</sup> then<sup>1</sup>.\n\n## References\n\n" + text.split("## References\n\n")[1]
    assert [number for marker in Chapter.parse(formula, superscript).cited for number in marker.numbers] == [2, 1]


def test_a_bracket_marker_before_a_colon_in_a_table_cell_is_renumbered() -> None:
    """`[1, 2]:` in a table's cell was taken for a link definition (`[1]: url`, which
    only begins a line): fix renumbered the list around it and it named other sources."""
    brackets = Settings(marker_style="brackets")
    text = (
        "Beta first [2].\n\n| claim | source |\n|---|---|\n| both | see [1]: and [1, 2]: |\n\n## References\n\n"
        '1. "Alpha." Example Press, 2020. https://example.com/alpha\n'
        '2. "Beta." Example Press, 2021. https://example.com/beta\n'
    )
    fixed = fix_text(text, brackets)
    assert fixed.refused is None
    assert "| both | see [2]: and [2, 1]: |\n" in fixed.text
    definition = "Beta first [2].\n\n[1]: https://example.com/site\n\n## References\n\n" + text.split("## References\n\n")[1]
    assert [number for marker in Chapter.parse(definition, brackets).cited for number in marker.numbers] == [2]  # a definition still cites nothing


@pytest.mark.parametrize(
    ("opened", "where", "line", "opening"),
    [
        ("> A quote.\n> ~~~python\ncode\n", "a code block", 6, 4),
        ("> <!-- a note\n", "a comment", 4, 3),
        ("> A quote.\n> ~~~python\ncode\n> ", "a code block", 6, 4),  # a `>` after the line opens another quote
    ],
)
def test_a_marker_on_a_line_a_quoted_block_goes_on_to_without_the_quote_refuses(opened: str, where: str, line: int, opening: int) -> None:
    """A fence or comment opened in a block quote goes on, as mistune reads it, on lines
    without `>`; CommonMark (GitHub, pandoc, markdown-it) ends it with the quote and
    shows the marker on such a line as prose. fix renumbered the list and left the
    marker naming another source for every reader of the second kind."""
    text = (
        f"Beta first [CITATION 2], then alpha [CITATION 1].\n\n{opened}[CITATION 1] as shown.\n\n## References\n\n"
        '1. "Alpha." Example Press, 2020. https://example.com/alpha\n'
        '2. "Beta." Example Press, 2021. https://example.com/beta\n'
    )
    fixed = fix_text(text)
    assert fixed.text == text
    assert fixed.refused == (
        f"[CITATION 1] on line {line} is read as inside {where} opened in a block quote on line {opening} "
        "and going on past a line without `>`; other Markdown renderers end it with the quote and show the marker, so renumbering would "
        "leave it naming another source if it cites: put `>` before the lines, or close the block in the quote"
    )
    quoted = text.replace("\ncode\n", "\n> code\n").replace("\n[CITATION 1] as shown.", "\n> [CITATION 1] as shown.")
    assert fix_text(quoted).refused is None  # in the quote it is code (or a comment) to every reader


@pytest.mark.parametrize(
    "opener",
    ["> [^1]: A note.", "> !!! note", '> === "Tab"', "> Term\n> : A definition."],
    ids=["footnote", "admonition", "tab", "definition"],
)
def test_a_marker_in_the_indented_body_of_a_quoted_footnote_or_admonition_refuses(opener: str) -> None:
    """A footnote's (or an admonition's) body indented under it in a block quote is an
    indented code block to mistune, so fix left its marker as written; renderers that
    read footnotes show it as the footnote's text, where it then named another source.
    Outside a quote such a body is read as prose and renumbered."""
    references = '1. "Alpha." Example Press, 2020. https://example.com/alpha\n2. "Beta." Example Press, 2021. https://example.com/beta\n'
    text = f"Beta first [CITATION 2], then alpha [CITATION 1].\n\n{opener}\n>\n>     more on beta [CITATION 2] here\n\n## References\n\n" + references
    fixed = fix_text(text)
    assert fixed.text == text
    opening = 3 if not opener.startswith("> Term") else 4
    assert fixed.refused is not None and fixed.refused.startswith(
        f"[CITATION 2] on line {opening + 2} is read as an indented code block in a block quote, under the footnote, admonition or definition on line {opening}"
    )
    assert "(`citelint fix` cannot renumber: [CITATION 2] on line" in " ".join(d.message for d in lint_text(text))
    code = text.replace(f"{opener}\n>\n", "> A quote.\n>\n")  # after a paragraph, the indented lines are code to every reader
    assert fix_text(code).refused is None
    unquoted = text.replace("\n> ", "\n").replace("\n>\n", "\n\n")
    assert "more on beta [CITATION 1] here" in fix_text(unquoted).text
