"""Numbered styles beyond `[CITATION n]` (issue 17): `marker-style = "brackets"`
(IEEE/Vancouver `[1]`, `[1, 3]`, `[2–4]`, `[1]–[3]`) and `"superscript"`
(`<sup>1,3</sup>`, pandoc's `^1,3^`).

Each style on realistic chapters (tests/fixtures/ieee-chapter.md,
vancouver-linkdefs-chapter.md, superscript-chapter.md, full of ordinary links,
footnotes, task lists, code and tables), every rule where it must fire and not
where it must not, `fix` writing markers back in their own form, the command line
with the configuration key, and part A of issue 12 (`fix` never re-points a
citation) as a property test with an oracle of its own in every style.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint import fix_text, lint_text
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import Edit
from helpers import apply_at_positions, check_json, cli

FIXTURES = Path(__file__).parent / "fixtures"
BRACKETS = Settings(marker_style="brackets", placement="any")
SUPERSCRIPT = Settings(marker_style="superscript", placement="any")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def cited(text: str, chosen: Settings) -> list[tuple[str, tuple[int, ...]]]:
    """The markers that cite, as written, with their numbers."""
    return [(marker.text, marker.numbers) for marker in Chapter.parse(text, chosen).citations()]


def codes(text: str, chosen: Settings) -> list[str]:
    return [diagnostic.code for diagnostic in lint_text(text, chosen)]


# -- the realistic chapters ------------------------------------------------------


def test_an_ieee_chapter_reads_its_markers_and_nothing_else() -> None:
    text = fixture("ieee-chapter.md")
    assert cited(text, BRACKETS) == [
        ("[1]", (1,)),
        ("[2]", (2,)),
        ("[3]", (3,)),
        ("[2]–[4]", (2, 3, 4)),
        ("[5, p. 112]", (5,)),
        ("[6, Fig. 3]", (6,)),
        ("[7]", (7,)),  # in a task list item
        ("[2]", (2,)),  # in table cells
        ("[6]", (6,)),
        ("[8]", (8,)),  # in a block quote
    ]
    assert lint_text(text, BRACKETS) == []


def test_a_reference_list_written_as_link_definitions_is_the_list_its_labels_cite() -> None:
    text = fixture("vancouver-linkdefs-chapter.md")
    chapter = Chapter.parse(text, BRACKETS)
    assert chapter.references is not None and [entry.number for entry in chapter.references.entries] == [1, 2, 3, 4]
    assert cited(text, BRACKETS) == [("[1,2]", (1, 2)), ("[3]", (3,)), ("[2-4]", (2, 3, 4)), ("[4, pp. 212–214]", (4,))]
    assert lint_text(text, BRACKETS) == []


def test_a_superscript_chapter_reads_its_markers_and_no_exponent() -> None:
    text = fixture("superscript-chapter.md")
    assert cited(text, SUPERSCRIPT) == [
        ("<sup>1</sup>", (1,)),
        ("<sup>2,3</sup>", (2, 3)),
        ("<sup>2–4</sup>", (2, 3, 4)),
        ("<sup>5</sup>", (5,)),
        ("<sup>3</sup>", (3,)),
        ("<sup>6</sup>", (6,)),
        ("<sup>4</sup>", (4,)),
    ]
    assert lint_text(text, SUPERSCRIPT) == []


@pytest.mark.parametrize("name", ["ieee-chapter.md", "vancouver-linkdefs-chapter.md", "superscript-chapter.md"])
def test_the_default_style_reads_none_of_them_as_markers(name: str) -> None:
    """`[1]` and `<sup>1</sup>` are not `[CITATION n]` markers: the default is unchanged."""
    assert Chapter.parse(fixture(name), Settings()).markers == ()


@pytest.mark.parametrize(
    ("name", "chosen", "swap"),
    [("ieee-chapter.md", BRACKETS, (7, 8)), ("superscript-chapter.md", SUPERSCRIPT, (5, 6))],
)
def test_fix_puts_a_chapter_with_two_references_swapped_back_byte_for_byte(name: str, chosen: Settings, swap: tuple[int, int]) -> None:
    """Swap two references' numbers in the markers and the labels (the list kept in
    label order): CIT003 fires at the first, and `fix` gives back the chapter."""
    text = fixture(name)
    one, two = swap
    swapped = _swap_numbers(text, one, two, chosen.marker_style)
    assert swapped != text
    assert "CIT003" in codes(swapped, chosen)
    result = fix_text(swapped, chosen)
    assert result.refused is None
    assert result.text == text
    assert fix_text(result.text, chosen).text == result.text


def _swap_numbers(text: str, one: int, two: int, style: str) -> str:
    swap = {str(one): str(two), str(two): str(one)}
    marker = r"(?<=\[)(\d+)(?=\])" if style == "brackets" else r"(?<=<sup>)(\d+)(?=</sup>)"
    prose, heading, listed = text.partition("## References\n")
    prose = re.sub(marker, lambda m: swap.get(m.group(1), m.group(1)), prose)
    label = r"^\[(\d+)\]" if style == "brackets" else r"^(\d+)\."
    lines = listed.split("\n")
    relabelled = [re.sub(label, lambda m: m.group().replace(m.group(1), swap.get(m.group(1), m.group(1))), line) for line in lines]
    first, second = (index for index, line in enumerate(relabelled) if re.match(label, line) and re.match(label, line).group(1) in swap)  # type: ignore[union-attr]
    relabelled[first], relabelled[second] = relabelled[second], relabelled[first]
    return prose + heading + "\n".join(relabelled)


# -- every rule, in every style ----------------------------------------------------

# A template: ⟦1, 3⟧ is a marker, ⟨1⟩ an entry label, in the style's own form.
STYLES: dict[str, tuple[Settings, Callable[[str], str], str]] = {
    "brackets": (BRACKETS, lambda body: f" [{body}]", "[{}] "),
    "superscript": (SUPERSCRIPT, lambda body: f"<sup>{body}</sup>", "{}. "),
    "pandoc": (SUPERSCRIPT, lambda body: "^" + body.replace(" ", "") + "^", "{}. "),
}
E1 = '"One." Example Press, 2020. https://example.com/1'
E2 = '"Two." Example Press, 2021. https://example.com/2'
E3 = '"Three." Example Press, 2022. https://example.com/3'
LIST = f"\n## References\n\n⟨1⟩{E1}\n⟨2⟩{E2}\n⟨3⟩{E3}\n"
CLEAN = "One⟦1⟧. Two⟦2⟧. Three⟦3⟧.\n" + LIST


def written(template: str, style: str) -> str:
    _, marker, label = STYLES[style]
    text = re.sub(r" ?⟦([^⟧]*)⟧", lambda m: marker(m.group(1)), template)
    return re.sub(r"⟨(\d+)⟩", lambda m: label.format(m.group(1)), text)


RULE_CASES = [
    pytest.param(CLEAN, set(), id="clean"),
    pytest.param("One⟦1, 2⟧. Three⟦3⟧.\n" + LIST, set(), id="clean-list"),
    pytest.param("One⟦1-3⟧.\n" + LIST, set(), id="clean-range"),
    pytest.param("One⟦1–3⟧.\n" + LIST, set(), id="clean-en-dash-range"),
    pytest.param(CLEAN.replace("Three⟦3⟧.", "Three⟦3⟧. Four⟦4⟧."), {"CIT001"}, id="CIT001"),
    pytest.param(CLEAN.replace(" Three⟦3⟧.", ""), {"CIT002"}, id="CIT002"),
    pytest.param("One⟦1⟧. Three⟦3⟧. Two⟦2⟧.\n" + LIST, {"CIT003"}, id="CIT003"),
    pytest.param(
        f"One⟦1⟧. Three⟦3⟧.\n\n## References\n\n⟨1⟩{E1}\n⟨3⟩{E3}\n", {"CIT004", "CIT011"}, id="CIT004"
    ),
    pytest.param("One⟦1; 2⟧. Three⟦3⟧.\n" + LIST, {"CIT005"}, id="CIT005-semicolon"),
    pytest.param("One⟦1\u00a0-\u00a02⟧. Three⟦3⟧.\n" + LIST, {"CIT005"}, id="CIT005-no-break-space"),
    pytest.param("# Results⟦1⟧\n\n" + CLEAN, {"CIT006"}, id="CIT006-heading"),
    pytest.param(CLEAN.replace(f"⟨3⟩{E3}", f"⟨3⟩{E3} See⟦2⟧."), {"CIT006"}, id="CIT006-in-list"),
    pytest.param(CLEAN.replace(E3, E2.replace("Two", "Again")), {"CIT007"}, id="CIT007"),
    pytest.param(CLEAN.replace(E3, '"Three." Example Press.'), {"CIT008"}, id="CIT008"),
    pytest.param("One⟦1⟧. Two⟦2⟧.\n", {"CIT009"}, id="CIT009"),
    pytest.param("One⟦1, 1⟧. Two⟦2⟧. Three⟦3⟧.\n" + LIST, {"CIT010"}, id="CIT010-within"),
    pytest.param("One⟦1⟧⟦1⟧. Two⟦2⟧. Three⟦3⟧.\n" + LIST, {"CIT010"}, id="CIT010-adjacent"),
    pytest.param(CLEAN.replace("⟨2⟩", "⟨3⟩").replace("⟨3⟩" + E3, "⟨2⟩" + E3), {"CIT011"}, id="CIT011"),
    pytest.param("<!-- citelint-disable CIT999 -->\n" + CLEAN, {"CIT012"}, id="CIT012"),
    pytest.param(CLEAN + "\n```\nLater⟦2⟧.\n", {"CIT013"}, id="CIT013"),
    pytest.param(
        "    Sleep helps recall of word pairs⟦1⟧. The effect is large⟦2⟧. It lasts⟦3⟧.\n" + LIST,
        {"CIT002", "CIT015"},
        id="CIT015",
    ),
]


@pytest.mark.parametrize(
    ("style", "template", "expected"),
    [
        pytest.param(style, *case.values, id=f"{case.id}-{style}")
        for case in RULE_CASES
        for style in STYLES
        if not (style == "pandoc" and "\u00a0" in case.values[0])  # a space of any kind ends pandoc's superscript
    ],
)
def test_every_rule_in_every_style(style: str, template: str, expected: set[str]) -> None:
    chosen = STYLES[style][0]
    text = written(template, style)
    assert set(codes(text, chosen)) == expected, text


@pytest.mark.parametrize("style", list(STYLES))
def test_placement_is_judged_when_set(style: str) -> None:
    """`placement` is "any" by default in these styles (from a configuration file);
    set, it is obeyed."""
    text = written(CLEAN, style)  # markers before the period: IEEE's way
    assert "CIT006" in codes(text, STYLES[style][0]._replace(placement="after"))
    assert "CIT006" not in codes(text, STYLES[style][0]._replace(placement="before"))


@pytest.mark.parametrize("style", list(STYLES))
def test_messages_show_markers_in_the_chapters_style(style: str) -> None:
    chosen, marker, _ = STYLES[style]
    text = written(CLEAN.replace(" Three⟦3⟧.", ""), style)
    [message] = [diagnostic.message for diagnostic in lint_text(text, chosen)]
    shown = "[3]" if style == "brackets" else "<sup>3</sup>"
    assert f"cite it with {shown}" in message


@pytest.mark.parametrize("style", list(STYLES))
def test_a_duplicate_is_to_be_cited_in_the_chapters_style(style: str) -> None:
    """CIT007 said "merge them and cite [CITATION 45]" in a superscript chapter of
    betterscientificsoftware/bssw.io: a marker of another style, which cites nothing there."""
    chosen = STYLES[style][0]
    text = written(CLEAN.replace(E3, E2.replace("Two", "Again")), style)
    [message] = [diagnostic.message for diagnostic in lint_text(text, chosen) if diagnostic.code == "CIT007"]
    shown = "[2]" if style == "brackets" else "<sup>2</sup>"
    assert message.endswith(f"merge them and cite {shown}")


# -- what is not a citation -------------------------------------------------------

BRACKET_NON_CITATIONS = [
    pytest.param("See [1](https://example.com/one) for the data.", id="inline-link"),
    pytest.param("See [1][ref] for the data.\n\n[ref]: https://example.com", id="full-reference-link"),
    pytest.param("See [1][] for the data.\n\n[1]: https://example.com", id="collapsed-reference-link"),
    pytest.param("See [the data][1] here.\n\n[1]: https://example.com", id="reference-link-label"),
    pytest.param("![1](figure-1.png)", id="image"),
    pytest.param("A claim.[^1]\n\n[^1]: A footnote.", id="footnote"),
    pytest.param("- [ ] open\n- [x] done\n- [X] done too", id="task-list"),
    pytest.param("Use `a[1]` here.", id="inline-code"),
    pytest.param("```js\nconst b = a[1] + a[2];\n```", id="fenced-code"),
    pytest.param("The value arr[1] and x_[2] and f(x)[3].", id="index-after-a-word"),
    # Go's array types in prose (lightning/bolts: `var buf [8]byte`, `a [2]int`): read
    # as markers, a one-entry list was "cites 8, it has 1" (CIT001).
    pytest.param("Declare var buf [8]byte, a [2]int and [N]T; a pair [4]T1.", id="array-types-before-a-word"),
    pytest.param("A wiki link [[1]] here.", id="wiki-link"),
    pytest.param("Small caps [1]{.smallcaps} here.", id="pandoc-span"),
    pytest.param('"The summer [2003] was hot," she wrote. Versions [2016, 2019, 2022].', id="years"),
    pytest.param("The first element [0], a class [0-9], a reversed [3-1], a padded [01].", id="zero-and-odd"),
    pytest.param("Slices [1:2], versions [1.2], and [ ] boxes.", id="slices-versions"),
    pytest.param("<!-- [1] -->\n\n%% [2] %%", id="comments"),
    pytest.param("See the map [4].\n\n[4]: https://example.com/map\n\n## References\n\n[1] " + E1 + "\n\nCited [1].", id="shortcut-link-to-a-definition-outside-the-list"),
]


@pytest.mark.parametrize("text", BRACKET_NON_CITATIONS)
def test_bracket_style_does_not_take_markdown_syntax_for_citations(text: str) -> None:
    markers = Chapter.parse(text, BRACKETS).markers
    assert [marker.text for marker in markers if marker.text != "[1]" or "Cited [1]" not in text] == []
    assert "CIT005" not in codes(text, BRACKETS)


def test_a_bracket_glued_to_a_word_cites_only_before_a_letter_that_is_not_ascii() -> None:
    """`[8]byte` is a Go type, not a citation; in Chinese or Japanese prose the marker
    is written with no space before the next word, and cites."""
    text = "研究[1]表明，见[2]。Typed var buf [3]byte or [4]_x. Then [5]—and [6]."
    assert [marker.text for marker in Chapter.parse(text, BRACKETS).markers] == ["[1]", "[2]", "[5]", "[6]"]


@pytest.mark.parametrize(
    ("prose", "fixed"),
    [
        ("Keys [2] in var buf [8]byte, then [1].", "Keys [1] in var buf [8]byte, then [2]."),
        ("研究[2]表明，见[1]。", "研究[1]表明，见[2]。"),
    ],
    ids=["go-type-in-prose", "chinese-prose"],
)
def test_fix_renumbers_around_a_go_type_and_in_chinese_prose(prose: str, fixed: str) -> None:
    """fix's own reading of the markers (``Chapter.unread_markers``) bounds a bracket
    as the parse does: `[8]byte` is no marker it missed, `研究[2]` one it read."""
    listed = '\n\n## References\n\n1. A. One. "First." 2020.\n2. B. Two. "Second." 2021.\n'
    relisted = '\n\n## References\n\n1. B. Two. "Second." 2021.\n2. A. One. "First." 2020.\n'
    result = fix_text(prose + listed, BRACKETS)
    assert result.refused is None
    assert result.text == fixed + relisted


def test_a_bracket_after_an_ideograph_is_a_citation(project: Path) -> None:
    """Chinese and Japanese write no space before a marker (`原论文[1]`, `参见[5]第 5-6 页`,
    `論文[2]`): read as an index after a word, a chapter of datawhalechina/pumpkin-book
    was "reference 5 is never cited" while its text cited it. An index stays one
    after a Latin word or a digit (`arr[1]`, `x2[3]`)."""
    text = (
        "西瓜书中的推导和原论文[2]上有差异，arr[9] 是下标。\n\n"
        "官方版本参见[1]第 5-6 页。この論文[3]によると、x2[9] も下标。\n\n"
        "## References\n\n[1] A. One. Title one. 2000.\n\n[2] B. Two. Title two. 2001.\n\n[3] C. Three. Title three. 2002.\n"
    )
    assert cited(text, BRACKETS) == [("[2]", (2,)), ("[1]", (1,)), ("[3]", (3,))]
    chapter = project / "chapter.md"
    chapter.write_text(text, encoding="utf-8")
    (project / ".citelint.toml").write_text('marker-style = "brackets"\nrequire-url = false\n', encoding="utf-8")
    code, report, _ = check_json(str(chapter))
    assert [diagnostic["code"] for diagnostic in report["diagnostics"]] == ["CIT003"]
    assert cli("fix", str(chapter)).code == 0
    fixed = chapter.read_text(encoding="utf-8")
    assert "原论文[1]上" in fixed and "参见[2]第" in fixed and "論文[3]に" in fixed
    assert "[1] B. Two." in fixed and "[2] A. One." in fixed


def test_a_bracket_after_an_ideograph_hidden_in_code_is_named_where_it_hides() -> None:
    """`参见[2]` in inline code is not read (as `arr[2]` in code is not); the reference
    it cites is then "cited only inside inline code", as one after a space is."""
    text = "官方版本参见[1]第 5 页，`原论文[2]` 中。\n\n## References\n\n[1] A. One. Title one. 2000.\n\n[2] B. Two. Title two. 2001.\n"
    [message] = [diagnostic.message for diagnostic in lint_text(text, BRACKETS._replace(require_url=False))]
    assert message.startswith("reference 2 is cited only inside inline code at line 1")


def test_inline_code_in_an_html_block_is_code() -> None:
    """MkDocs Material's ``<div class="annotate" markdown>`` (Python-Markdown's
    md_in_html, kramdown's ``markdown="1"``) holds Markdown, its table's
    `` `{'a': [1, 2]}` `` code: it was read as citing 1 and 2 (CIT001, CIT009 in a chapter
    without a list). Found on sdelquin/aprendepython. Text outside backticks there still cites."""
    table = '<div class="annotate" markdown>\n| `config.json` | `#!python \'{"a": [1, 2], "b": [3, 4]}\'` |\nSee the manual [2].\n</div>\n'
    text = f"A claim [1].\n\n{table}\n## References\n\n[1] A. One, \"Title one,\" 2000.\n\n[2] B. Two, \"Title two,\" 2001.\n"
    assert cited(text, BRACKETS) == [("[1]", (1,)), ("[2]", (2,))]
    assert codes(text, BRACKETS._replace(require_url=False)) == []
    assert cited("Text [1].\n\n<p>`x = [3, 4]`</p>\n", BRACKETS) == [("[1]", (1,))]


def test_brackets_in_tex_math_are_not_citations(project: Path) -> None:
    """TeX math (`$…$`, `$$…$$`, as pandoc, GitHub and MathJax render it) holds vectors
    and intervals: datawhalechina/pumpkin-book's `$\\nabla f=[6,8]^{T}$` was "[6,8]
    cites reference 8, but the list has no entry 8" and `$$\\mathbb{E}[1]$$` moved the
    first citation. A dollar amount opens no math (`$5 [1] and $6`), nor does `$` in code."""
    text = (
        "The gradient $\\nabla f(x_k)=[6,8]^{\\mathrm{T}}$ points up, on $[3, 4]$ too.\n\n"
        "$$\n\\mathbb{E}[3]-2 \\mathbb{E}[f(x)]\n$$\n\n"
        "It costs $5 [1] and $6 more, and `$HOME` [2] and `$PATH` are set.\n\n"
        "## References\n\n1. A. One. https://one.example 2000\n2. B. Two. https://two.example 2001\n"
    )
    assert cited(text, BRACKETS) == [("[1]", (1,)), ("[2]", (2,))]
    chapter = project / "chapter.md"
    chapter.write_text(text, encoding="utf-8")
    (project / ".citelint.toml").write_text('marker-style = "brackets"\n', encoding="utf-8")
    code, report, _ = check_json(str(chapter))
    assert (code, report["diagnostics"]) == (0, [])
    only_in_math = text.replace("$5 [1]", "$5").replace("[6,8]", "[1]")
    chapter.write_text(only_in_math, encoding="utf-8")
    _, report, _ = check_json(str(chapter))
    [finding] = report["diagnostics"]
    assert finding["code"] == "CIT002" and "inside TeX math at line 1" in finding["message"]


def test_fullwidth_brackets_are_the_brackets_style_of_chinese_and_japanese_text() -> None:
    """The Chinese translation of Designing Data-Intensive Applications (Vonng/ddia)
    cites `值【1】。` and lists its sources under 参考文献: nothing was read, and every
    entry was "never cited". Each pair closes itself; a year alone is none; fix
    renumbers the number in place and keeps the brackets."""
    text = (
        "返回相同的值【2】。敛到相同的值［1, 3］，在2020年【2020】，又见【2-3】。\n\n## 参考文献\n\n"
        '1. A. One. "First." 2020.\n2. B. Two. "Second." 2021.\n3. C. Three. "Third." 2022.\n'
    )
    assert cited(text, BRACKETS) == [("【2】", (2,)), ("［1, 3］", (1, 3)), ("【2-3】", (2, 3))]
    assert [d.code for d in lint_text(text, BRACKETS._replace(require_url=False))] == ["CIT003"]
    result = fix_text(text, BRACKETS._replace(require_url=False))
    assert result.refused is None
    assert result.text.startswith("返回相同的值【1】。敛到相同的值［2, 3］，在2020年【2020】，又见【1, 3】。")
    assert '1. B. Two. "Second." 2021.\n2. A. One. "First." 2020.\n3. C. Three.' in result.text
    assert [marker.role for marker in Chapter.parse("【1】 A list's label.\n", BRACKETS).markers] == ["label"]


SUPERSCRIPT_NON_CITATIONS = [
    pytest.param("A million is 10^6^ and 10<sup>6</sup>.", id="powers-of-ten"),
    pytest.param("The square x^2^ and x<sup>2</sup> and *x*<sup>2</sup>.", id="one-letter-names"),
    pytest.param("Einstein's E = mc^2^ and E = mc<sup>2</sup>.", id="formula"),
    pytest.param("An area of 4 km<sup>2</sup>, a volume of 30 m<sup>3</sup>.", id="units"),
    pytest.param("The 1<sup>st</sup> and 2^nd^ editions, Fitbit<sup>TM</sup>.", id="ordinals-and-marks"),
    pytest.param("The term (a+b)^2^ expands.", id="parenthesised"),
    pytest.param("In code, `x^2^` and `<sup>1</sup>`.", id="inline-code"),
    pytest.param("```\ny = x^2^ + a<sup>1</sup>\n```", id="fenced-code"),
    pytest.param("A claim.[^1]\n\n[^1]: A note.", id="footnote"),
    pytest.param("A link.<sup><a href=\"#fn1\">1</a></sup>", id="html-footnote-link"),
    pytest.param("A caret ^ alone, and ^1 2^ with a space (not pandoc superscript).", id="carets"),
    pytest.param("An area of 4 m\u00b2, 10\u2076 cells, x\u00b2, E = mc\u00b2, \u00be and \u00b3\u2044\u2084 cup, (a+b)\u00b2.", id="unicode-exponents"),
    # An EIP's table (`| 10⁻⁶ | 10⁻⁷ |`) and its formulas (`denoted Hᵣ²`, `Hᵣ¹⁶`):
    # read as markers, they made the chapter "cite 6" with no list (CIT004, CIT009).
    pytest.param("| n | 10\u207b\u2076 | 10\u207b\u00b9\u2076 |\n|---|---|---|\n| 1 | 0.38 | 0.39 |", id="negative-exponents"),
    pytest.param("The root is denoted H\u1d63\u00b2, the other H\u1d63\u00b9\u2076, and x\u2081\u00b2 or x\u2081^2^.", id="subscripted-symbols"),
    # A patent converted by docling: ions' charges read as citations 4 and 2.
    pytest.param("An Mn\u2074\u207a-activated fluorogermanate, an Eu\u00b2\u207a-activated nitride, and O\u00b2\u207b ions.", id="ion-charges"),
    # A CIP's cost model: `$26.35/month²` read as citing 2.
    pytest.param("It costs $26.35/month\u00b2 and grows 5/day^2^ or 3/week<sup>2</sup>.", id="a-rates-unit"),
]


@pytest.mark.parametrize("text", SUPERSCRIPT_NON_CITATIONS)
def test_superscript_style_does_not_take_exponents_for_citations(text: str) -> None:
    assert Chapter.parse(text, SUPERSCRIPT).markers == ()


def test_a_superscript_after_a_year_is_a_citation() -> None:
    text = "Rates fell since 2020<sup>2</sup>, as in the 1990s^3^, but 10<sup>6</sup>, 12000^2^ and 5 s<sup>2</sup> are powers."
    assert [marker.text for marker in Chapter.parse(text, SUPERSCRIPT).markers] == ["<sup>2</sup>", "^3^"]


def test_a_superscript_after_a_chinese_or_japanese_character_is_a_citation() -> None:
    """One character is a word there, not a one-letter name such as `x^2^`."""
    text = "研究<sup>1</sup>表明，见^2^。又\u00b3，そして書<sup>4</sup>。But x^2^ and \u03c3\u00b2 are powers."
    assert [marker.text for marker in Chapter.parse(text, SUPERSCRIPT).markers] == ["<sup>1</sup>", "^2^", "\u00b3", "<sup>4</sup>"]


def test_a_bracketed_superscript_after_a_number_is_a_citation() -> None:
    """No power is written in brackets: an EIP's `| 500<sup>[1]</sup> |` cites. Read
    as a power, the chapter seemed to cite only 3 (CIT004: "1-2 neither cited nor listed")."""
    text = "| Cost | 500<sup>[1]</sup> | 80 000 * k + 100 000<sup>[2]</sup> |\n|---|---|---|\n\nBy benchmarks<sup>[3]</sup>, but 10<sup>6</sup> is a power."
    assert [marker.numbers for marker in Chapter.parse(text, SUPERSCRIPT).markers] == [(1,), (2,), (3,)]


def test_a_superscript_of_several_bracketed_numbers_cites_them_all(project: Path) -> None:
    """Wikis and betterscientificsoftware/bssw.io write several sources as
    `<sup>[9],[10]</sup>`. It was read as no marker: `check` said 9 and 10 were
    never cited, and `fix` renumbered the others around it, so it named other sources."""
    text = (
        "First.<sup>[2]</sup> Second.<sup>[1]</sup> Both.<sup>[2],[3]</sup> Range.<sup>[1]\u2013[3]</sup>\n\n"
        "## References\n\n1. One. https://one.example/ 2001\n2. Two. https://two.example/ 2002\n3. Three. https://three.example/ 2003\n"
    )
    assert cited(text, SUPERSCRIPT)[2:] == [("<sup>[2],[3]</sup>", (2, 3)), ("<sup>[1]\u2013[3]</sup>", (1, 2, 3))]
    chapter = project / "chapter.md"
    chapter.write_text(text, encoding="utf-8")
    (project / ".citelint.toml").write_text('marker-style = "superscript"\n', encoding="utf-8")
    assert cli("fix", str(chapter)).code == 0
    fixed = chapter.read_text(encoding="utf-8")
    assert fixed.startswith("First.<sup>[1]</sup> Second.<sup>[2]</sup> Both.<sup>[1],[3]</sup> Range.<sup>[2, 1, 3]</sup>")
    assert "1. Two." in fixed and "2. One." in fixed


def test_fix_refuses_to_renumber_a_superscript_that_links_to_a_definition(project: Path) -> None:
    """betterscientificsoftware/bssw.io's articles link each `<sup>[2]</sup>` to a
    `[2]: #anchor "Title"` definition before the list, the anchor on the entry. `fix`
    renumbered the marker and moved the entries but not the definitions: the marker
    shown as 1 linked to the source that became 2. It refuses, naming both lines."""
    text = (
        "First.<sup>[2]</sup> Second.<sup>[1]</sup>\n\n"
        '[1]: #ref-1 "One"\n[2]: #ref-2 "Two"\n\n'
        "## References\n\n"
        '1. <a name="ref-1"></a>One. https://one.example/ 2001\n'
        '2. <a name="ref-2"></a>Two. https://two.example/ 2002\n'
    )
    refused = fix_text(text, SUPERSCRIPT).refused
    assert refused == (
        "<sup>[2]</sup> on line 1 links to the definition [2]: on line 4, which renumbering would leave "
        "pointing at the old source; renumber the definitions by hand or remove them"
    )
    chapter = project / "chapter.md"
    chapter.write_text(text, encoding="utf-8")
    (project / ".citelint.toml").write_text('marker-style = "superscript"\n', encoding="utf-8")
    ran = cli("fix", str(chapter))
    assert chapter.read_text(encoding="utf-8") == text and "links to the definition [2]:" in ran.stderr + ran.stdout
    plain = text.replace("[1]: #ref-1", "[3]: #ref-1").replace("[2]: #ref-2", "[4]: #ref-2")
    assert fix_text(plain, SUPERSCRIPT).refused is None  # no definition of a renumbered number


def test_a_bullet_that_starts_with_a_superscript_is_that_entry(project: Path) -> None:
    """A wiki's list (betterscientificsoftware/bssw.io) writes its labels
    `* <a name="ref-1"></a><sup>1</sup>[Title](url)`. Each label was "inside the
    reference list, where it cites nothing; remove it" (CIT006), and CIT014 took the
    anchor's name for the title, matching every article's entry 1 with every other's."""
    text = (
        "One.<sup>[2]</sup> Two.<sup>[1]</sup>\n\n### References\n\n"
        '* <a name="ref-1"></a><sup>1</sup>[One](https://one.example/) 2001\n'
        "* <sup>2</sup> Two. https://two.example/ 2002\n"
    )
    chapter = Chapter.parse(text, SUPERSCRIPT)
    assert [(entry.label, entry.text) for entry in chapter.references.entries] == [(1, "[One](https://one.example/) 2001"), (2, "Two. https://two.example/ 2002")]
    assert [marker.text for marker in chapter.markers] == ["<sup>[2]</sup>", "<sup>[1]</sup>"]
    assert codes(text, SUPERSCRIPT) == ["CIT003"]
    path = project / "chapter.md"
    path.write_text(text, encoding="utf-8")
    (project / ".citelint.toml").write_text('marker-style = "superscript"\n', encoding="utf-8")
    assert cli("fix", str(path)).code == 0
    assert path.read_text(encoding="utf-8") == (
        "One.<sup>[1]</sup> Two.<sup>[2]</sup>\n\n### References\n\n"
        "* <sup>1</sup> Two. https://two.example/ 2002\n"
        '* <a name="ref-1"></a><sup>2</sup>[One](https://one.example/) 2001\n'
    )


def test_fix_refuses_a_number_that_a_link_definition_outside_the_list_takes() -> None:
    """A `[1]: url` definition outside the list makes `[1]` a link: renumbering
    `[3]` to 1 would make it stop citing. `fix` refused "the renumbering did not
    verify …; please report this" (an article of betterscientificsoftware/bssw.io with
    two groups of definitions); it now says which definition is in the way."""
    text = 'Text cites [3].\n\n[1]: https://elsewhere.example/\n\n## References\n\n[3] A. Author. "Title." 2020. https://a.example/\n'
    assert fix_text(text, BRACKETS).refused == (
        "renumbering would write [3] on line 1 as citing 1, but the link definition [1]: on line 3 makes [1] a link; "
        "rename or remove that definition first"
    )
    assert fix_text(text.replace("[1]: https://elsewhere", "[site]: https://elsewhere"), BRACKETS).text.startswith("Text cites [1].")


def test_a_superscript_after_words_in_parentheses_is_a_citation() -> None:
    text = "Adults sleep less (in most surveys)<sup>2</sup> and (over 65)^3^, but (a+b)^2^ and (x)<sup>2</sup> are powers."
    assert [marker.text for marker in Chapter.parse(text, SUPERSCRIPT).markers] == ["<sup>2</sup>", "^3^"]


def test_a_reference_lists_own_labels_are_not_citations() -> None:
    """`[1] A. Author, …` under the heading is the entry's label; a `[2]` inside an
    entry is a cross-reference and still points into the list."""
    text = f"One [1]. Two [2].\n\n## References\n\n[1] {E1}\n[2] {E2} See also [1].\n"
    chapter = Chapter.parse(text, BRACKETS)
    assert [marker.text for marker in chapter.markers] == ["[1]", "[2]", "[1]"]
    assert [entry.number for entry in chapter.references.entries] == [1, 2]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two studies [1][2] agree.", [(1,), (2,)]),
        ("Three [1][2][3].", [(1,), (2,), (3,)]),
        ("A link [1][2].\n\n[2]: https://example.com", []),
        ("A link [1][2](https://example.com).", []),
    ],
)
def test_citations_written_together_are_citations_unless_markdown_makes_a_link(text: str, expected: list[tuple[int, ...]]) -> None:
    """`[1][2]` is text in Markdown unless `[2]: url` is defined: two citations."""
    assert [marker.numbers for marker in Chapter.parse(text, BRACKETS).markers] == expected


# IEEE's `[1]–[3]` with the reference list in each of its forms: a list written as
# `[1]: url "title"` definitions must not make the range's brackets links.
LIST_FORMS = {
    "link-definitions": '[{n}]: https://example.com/{n} "{title}. Example Press, {year}."',
    "labelled-lines": '[{n}] "{title}." Example Press, {year}. https://example.com/{n}',
    "numbered-items": '{n}. "{title}." Example Press, {year}. https://example.com/{n}',
}


def listed_as(form: str, numbers: tuple[int, ...] = (1, 2, 3)) -> str:
    entries = [LIST_FORMS[form].format(n=n, title=TITLES[n - 1], year=2000 + n) for n in numbers]
    return "\n\n## References\n\n" + "\n".join(entries) + "\n"


def cited_entries(text: str) -> list[tuple[str, ...]]:
    """For each citation, the texts of the entries it cites."""
    chapter = Chapter.parse(text, BRACKETS)
    entries = {entry.number: entry.text for entry in chapter.references.entries}  # type: ignore[union-attr]
    return [tuple(entries.get(number, f"<no entry {number}>") for number in marker.numbers) for marker in chapter.citations()]


IEEE_RANGES = [
    pytest.param("A [3]. Then [1]–[2] agree.", [(3,), (1, 2)], id="en-dash"),
    pytest.param("A [3]. Then [1]-[2] agree.", [(3,), (1, 2)], id="hyphen"),
    pytest.param("A [3]. Then [1]--[2] agree.", [(3,), (1, 2)], id="double-hyphen"),
    pytest.param("A [3]. Then [1] – [2] agree.", [(3,), (1, 2)], id="spaced"),
    pytest.param("A [3]. Then \\[1\\]–\\[2\\] agree.", [(3,), (1, 2)], id="pandoc-escaped"),
    pytest.param("A [2]. Then [1]–[3] agree.", [(2,), (1, 2, 3)], id="middle-defined-too"),
    pytest.param("A [3]. Then\n[1]–[2] agree.", [(3,), (1, 2)], id="at-line-start"),
    pytest.param("A [3]. Then [1], [2] agree.", [(3,), (1,), (2,)], id="comma-list"),
    pytest.param("A [3]. Then [1]—[2] agree.", [(3,), (1,), (2,)], id="em-dash-is-two-markers"),
]


@pytest.mark.parametrize("form", list(LIST_FORMS))
@pytest.mark.parametrize(("prose", "numbers"), IEEE_RANGES)
def test_an_ieee_range_cites_the_same_whatever_form_the_list_takes(form: str, prose: str, numbers: list[tuple[int, ...]]) -> None:
    """Cited out of order: one CIT003, no CIT002, and `fix` renumbers the range with
    the rest, so that every citation still points at the entries it pointed at."""
    text = prose + listed_as(form)
    assert [marker.numbers for marker in Chapter.parse(text, BRACKETS).citations()] == numbers
    assert codes(text, BRACKETS) == ["CIT003"]
    result = fix_text(text, BRACKETS)
    assert result.refused is None
    assert cited_entries(result.text) == cited_entries(text)
    assert codes(result.text, BRACKETS) == []
    assert fix_text(result.text, BRACKETS).text == result.text


@pytest.mark.parametrize("form", list(LIST_FORMS))
def test_an_ieee_range_to_a_number_the_list_lacks_is_cit001_and_fix_refuses(form: str) -> None:
    text = "A [3]. Then [2]–[4] agree. And [1]." + listed_as(form)
    assert sorted(set(codes(text, BRACKETS))) == ["CIT001", "CIT003"]
    result = fix_text(text, BRACKETS)
    assert result.refused is not None and result.text == text


@pytest.mark.parametrize(
    ("stray", "expected"),
    [pytest.param(1, [("[2]", (2,)), ("[3]", (3,))], id="first"), pytest.param(3, [("[2]", (2,)), ("[1]", (1,))], id="second")],
)
def test_a_range_bracket_with_a_definition_outside_the_list_is_a_link_and_the_other_cites(stray: int, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    """As a `[1]` alone with a `[1]: url` that is not an entry: a link, not a citation."""
    text = f"A [2]. Then [1]–[3] agree.\n\n[{stray}]: https://elsewhere.example/\n" + listed_as("labelled-lines")
    assert cited(text, BRACKETS) == expected
    result = fix_text(text, BRACKETS)
    assert result.refused is None
    assert cited_entries(result.text) == cited_entries(text)


def test_a_reference_tables_number_cells_are_labels_not_citations() -> None:
    text = 'One [1]. Two [2].\n\n## References\n\n| # | Source | Link |\n|---|---|---|\n| [1] | "One." 2020 | https://example.com/1 |\n| [2] | "Two." 2021 | https://example.com/2 |\n'
    chapter = Chapter.parse(text, BRACKETS)
    assert [(marker.text, marker.start) for marker in chapter.markers] == [("[1]", 4), ("[2]", 13)]
    assert lint_text(text, BRACKETS) == []


def test_ieee_locators_are_kept_and_renumbered_around() -> None:
    text = f"A [2, Th. 2]. B [1, Eq. (5)]. C [2, 3, Lemma 1]. D [1,p. 4].\n\n## References\n\n[1] {E1}\n[2] {E2}\n[3] {E3}\n"
    assert [marker.numbers for marker in Chapter.parse(text, BRACKETS).markers] == [(2,), (1,), (2, 3), (1,)]
    assert fix_text(text, BRACKETS).text.startswith("A [1, Th. 2]. B [2, Eq. (5)]. C [1, 3, Lemma 1]. D [2,p. 4].\n")


@pytest.mark.parametrize("separator", ["\n", "\n\n"], ids=["lines", "paragraphs"])
def test_an_unheaded_list_that_nothing_cites_yet_is_one_warning(separator: str) -> None:
    """`[1] A. Author, …` lines ending a draft that cites nothing yet are its
    reference list (one CIT002 warning), not citations without a list."""
    text = "Some prose without citations yet.\n\n" + separator.join(f"[{n}] A. Author, {entry}" for n, entry in enumerate((E1, E2, E3), 1)) + "\n"
    assert codes(text, BRACKETS) == ["CIT002"]
    assert Chapter.parse(text, BRACKETS).markers == ()


def test_near_misses_are_only_the_clear_ones() -> None:
    text = "A [1; 3]. B [1 - 2]. C [1 ,2]. Dog<sup>1; 3</sup>. Eel^1;3^.\n" + written(LIST, "brackets")
    found = {marker.text: marker.replacement for marker in Chapter.parse(text, BRACKETS).markers if marker.problem}
    assert found == {"[1; 3]": "[1, 3]", "[1 - 2]": "[1-2]", "[1 ,2]": "[1, 2]"}
    found = {marker.text: marker.replacement for marker in Chapter.parse(text, SUPERSCRIPT).markers if marker.problem}
    assert found == {"<sup>1; 3</sup>": "<sup>1, 3</sup>", "^1;3^": "^1,3^"}


@pytest.mark.parametrize(("chosen", "near"), [(BRACKETS, "[7;4]"), (BRACKETS, "[ 9 ]"), (SUPERSCRIPT, "<sup>7; 4</sup>")], ids=["bit-range", "spaced", "superscript"])
def test_a_near_miss_of_numbers_the_list_lacks_is_reported_and_left_as_written(chosen: Settings, near: str) -> None:
    """`bits [7;4] of the header` in a spec is as likely a range as a citation: fix
    rewrote it to `[7, 4]`, changing text that cites nothing the list holds. It is
    still reported (CIT001, and CIT005 saying fix leaves it); a near-miss of listed
    numbers is still rewritten."""
    text = f"The field occupies bits {near} of the byte, as said before [1]. Later [1; 2].\n" + written(LIST, "brackets" if chosen is BRACKETS else "superscript")
    text = text.replace("Later [1; 2]", "Later <sup>1; 2</sup>") if chosen is SUPERSCRIPT else text
    found = {d.code: d for d in lint_text(text, chosen) if near in d.message or d.code == "CIT005" and "leaves it" in d.message}
    assert set(found) == {"CIT001", "CIT005"} and found["CIT005"].fix is None
    assert "`fix` leaves it as written" in found["CIT005"].message
    fixed = fix_text(text, chosen).text
    assert near in fixed and ("Later [1, 2]" in fixed or "Later <sup>1, 2</sup>" in fixed)


@pytest.mark.parametrize(("chosen", "data"), [(BRACKETS, "[3, 1, 3]"), (SUPERSCRIPT, "<sup>3, 1, 3</sup>")], ids=["brackets", "superscript"])
def test_a_marker_naming_a_number_twice_is_not_renumbered_as_data(chosen: Settings, data: str) -> None:
    """`The list [3, 1, 3] is data` (a Python list in a tutorial's prose) was
    renumbered to `[1, 2, 1]`: in the numbered styles a marker that names a number
    twice may be data, so fix refuses to change it and says how to write it either
    way; check's advice says the same. Unchanged by the renumbering, it is no
    obstacle; in the citation style the keyword says it cites."""
    style = "brackets" if chosen is BRACKETS else "superscript"
    text = written(f"The list {data} is data, and a claim⟦1⟧ then⟦2⟧ and⟦3⟧.\n" + LIST, style)
    fixed = fix_text(text, chosen)
    assert fixed.refused is not None and "names a number twice, so it may be data" in fixed.refused and fixed.text == text
    [advice] = [d.message for d in lint_text(text, chosen) if d.code == "CIT003"]
    assert "`citelint fix` cannot renumber:" in advice and "names a number twice" in advice
    kept = text.replace(data, data.replace("3, 1, 3", "1, 2, 1"))  # the renumbering leaves it as it is
    assert fix_text(kept, chosen).refused is None
    keyword = f"The list [CITATION 3, 1, 3] is a list of sources [CITATION 1] [CITATION 2].\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n"
    assert fix_text(keyword).text.startswith("The list [CITATION 1, 2, 1]")


def test_ordinary_markdown_gives_no_finding_in_either_style(root: Path) -> None:
    """The project's own documentation is ordinary Markdown full of brackets and
    links: in a numbered style it holds no citation, so nothing is reported."""
    documents = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    assert len(documents) > 3
    for path in documents:
        text = path.read_text(encoding="utf-8")
        for chosen in (BRACKETS, SUPERSCRIPT):
            assert Chapter.parse(text, chosen).markers == (), path


@pytest.mark.parametrize("count", [200, 2000])
def test_a_line_of_many_markers_after_a_long_prefix_is_read_once(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """Where a line's text starts is looked up once a line, not once a marker: a
    quote prefix of n markers then n markers would otherwise cost n squared."""
    from citelint.document import Document

    calls = []
    original = Document.content_column

    def counted(self: Document, line: int) -> int:
        calls.append(line)
        return original(self, line)

    monkeypatch.setattr(Document, "content_column", counted)
    text = "> " * count + "A claim" + " [1]" * count + "\n"
    markers = Chapter.parse(text, BRACKETS).markers
    assert len(markers) == count
    assert len(calls) <= 2


# -- fix ---------------------------------------------------------------------------

FIX_CASES = [
    pytest.param(
        BRACKETS,
        f"One [2]. Both [1, 3]. Range [1]–[3] and [2-3], at [3, p. 4]. Near [1; 3].\n\n## References\n\n[1] {E1}\n[2] {E2}\n[3] {E3}\n",
        f"One [1]. Both [2, 3]. Range [2, 1, 3] and [1, 3], at [3, p. 4]. Near [2, 3].\n\n## References\n\n[1] {E2}\n[2] {E1}\n[3] {E3}\n",
        id="brackets",
    ),
    pytest.param(
        BRACKETS,
        f"One [3]. Two [1]–[2].\n\n## References\n\n[1] {E1}\n[2] {E2}\n[3] {E3}\n",
        f"One [1]. Two [2]–[3].\n\n## References\n\n[1] {E3}\n[2] {E1}\n[3] {E2}\n",
        id="ieee-range-stays-a-range",
    ),
    pytest.param(
        BRACKETS,
        f"One [3]. Two [1] – [2], \\[1\\]--\\[2\\].\n\n## References\n\n[1] {E1}\n[2] {E2}\n[3] {E3}\n",
        f"One [1]. Two [2] – [3], \\[2\\]--\\[3\\].\n\n## References\n\n[1] {E3}\n[2] {E1}\n[3] {E2}\n",
        id="ieee-range-spaced-and-pandoc-escaped",
    ),
    pytest.param(
        BRACKETS,
        'A claim [3]. Another [1]. A third [2]. Two agree [1]–[2].\n\n## References\n\n'
        '[1]: https://example.com/a "Alpha. Press, 2001"\n[2]: https://example.com/b "Beta. Press, 2002"\n[3]: https://example.com/c "Gamma. Press, 2003"\n',
        'A claim [1]. Another [2]. A third [3]. Two agree [2]–[3].\n\n## References\n\n'
        '[1]: https://example.com/c "Gamma. Press, 2003"\n[2]: https://example.com/a "Alpha. Press, 2001"\n[3]: https://example.com/b "Beta. Press, 2002"\n',
        id="ieee-range-with-link-definitions",
    ),
    pytest.param(
        BRACKETS,
        "Dose [2]. Harm [1].\n\n[1]: https://example.com/a \"Alpha, 2001.\"\n[2]: https://example.com/b \"Beta, 2002.\"\n",
        "Dose [1]. Harm [2].\n\n[1]: https://example.com/b \"Beta, 2002.\"\n[2]: https://example.com/a \"Alpha, 2001.\"\n",
        id="link-definitions",
    ),
    pytest.param(
        SUPERSCRIPT,
        f"One.<sup>2</sup> Both.<sup>1,3</sup> Range<sup>2–3</sup>. Near<sup>1; 3</sup>.\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n",
        f"One.<sup>1</sup> Both.<sup>2,3</sup> Range<sup>1, 3</sup>. Near<sup>2, 3</sup>.\n\n## References\n\n1. {E2}\n2. {E1}\n3. {E3}\n",
        id="superscript",
    ),
    pytest.param(
        SUPERSCRIPT,
        f"One.^2^ Both.^1,3^ Range^1-2^. Near^1;3^.\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n",
        f"One.^1^ Both.^2,3^ Range^2,1^. Near^2,3^.\n\n## References\n\n1. {E2}\n2. {E1}\n3. {E3}\n",
        id="pandoc-superscript",
    ),
    pytest.param(
        SUPERSCRIPT,
        f"One.\u00b2 Both.\u00b9,\u00b3 Range\u00b9\u207b\u00b3 of 4 m\u00b2.\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n",
        f"One.\u00b9 Both.\u00b2,\u00b3 Range\u00b2,\u00b9,\u00b3 of 4 m\u00b2.\n\n## References\n\n1. {E2}\n2. {E1}\n3. {E3}\n",
        id="unicode-superscript-digits",
    ),
]


def fix_case(name: str) -> tuple[Settings, str, str]:
    return next(case.values for case in FIX_CASES if case.id == name)  # type: ignore[return-value]


@pytest.mark.parametrize(("chosen", "before", "after"), FIX_CASES)
def test_fix_writes_markers_back_in_their_own_form(chosen: Settings, before: str, after: str) -> None:
    result = fix_text(before, chosen)
    assert result.refused is None
    assert result.text == after
    assert lint_text(after, chosen) == []
    assert fix_text(after, chosen).text == after


def test_pandocs_escaped_space_is_part_of_a_superscript_and_an_escaped_caret_is_not() -> None:
    """pandoc writes a superscript `1, 2` from Word as `^1,\\ 2^`; `\\^2^` is a caret."""
    text = f"A.^3^ B.^1,\\ 2^ C.^1;\\ 2^ E \\^2^\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n"
    assert [(marker.text, marker.numbers) for marker in Chapter.parse(text, SUPERSCRIPT).markers] == [
        ("^3^", (3,)),
        ("^1,\\ 2^", (1, 2)),
        ("^1;\\ 2^", (1, 2)),
    ]
    assert fix_text(text, SUPERSCRIPT).text.startswith("A.^1^ B.^2,\\ 3^ C.^2,3^ E \\^2^\n")


@pytest.mark.parametrize("chosen", [BRACKETS, Settings(placement="any")], ids=["brackets", "citation"])
def test_a_reference_list_pandoc_escaped_keeps_its_labels_right(chosen: Settings) -> None:
    """pandoc writes `[1]` from Word as `\\[1\\]`: markers and labels alike. The
    labels are labels (not citations in the list), and fix relabels the moved entries."""
    cite = (lambda n: f"\\[{n}\\]") if chosen.marker_style == "brackets" else (lambda n: f"[CITATION {n}]")
    text = f"A {cite(2)}. B {cite(1)}.\n\n## References\n\n\\[1\\] {E1}\n\n\\[2\\] {E2}\n"
    assert codes(text, chosen) == ["CIT003"]
    fixed = fix_text(text, chosen).text
    assert fixed == f"A {cite(1)}. B {cite(2)}.\n\n## References\n\n\\[1\\] {E2}\n\n\\[2\\] {E1}\n"


def test_a_pandoc_range_that_breaks_up_is_written_without_a_space() -> None:
    """A space ends pandoc's superscript: `^2,1,3^`, never `^2, 1, 3^`."""
    text = f"A.^2^ B.^1-3^\n\n## References\n\n1. {E1}\n2. {E2}\n3. {E3}\n"
    assert fix_text(text, SUPERSCRIPT).text.startswith("A.^1^ B.^2,1,3^\n")


# -- the command line --------------------------------------------------------------


def test_check_reads_the_configured_style(project: Path) -> None:
    (project / ".citelint.toml").write_text('marker-style = "brackets"\n', encoding="utf-8")
    text = fixture("ieee-chapter.md")
    (project / "chapter.md").write_text(text, encoding="utf-8")
    ran = cli("check", "chapter.md")
    assert ran.code == 0, ran.stdout
    (project / "chapter.md").write_text(text.replace("century [1]", "century [9]"), encoding="utf-8")
    ran = cli("check", "chapter.md")
    assert ran.code == 1
    assert "chapter.md:9:" in ran.stdout and "CIT001" in ran.stdout and "[9]" in ran.stdout
    assert "CIT006" not in ran.stdout  # `[1].` is IEEE's placement: "any" unless set


@pytest.mark.parametrize(
    ("configured", "flags", "judged"),
    [("", (), False), ('placement = "after"\n', (), True), ("", ("--placement", "after"), True)],
    ids=["any-by-default", "set-in-the-file", "set-by-the-flag"],
)
def test_placement_in_a_numbered_style_is_judged_only_when_set(project: Path, configured: str, flags: tuple[str, ...], judged: bool) -> None:
    (project / ".citelint.toml").write_text('marker-style = "brackets"\n' + configured, encoding="utf-8")
    (project / "chapter.md").write_text(fixture("ieee-chapter.md"), encoding="utf-8")
    ran = cli("check", *flags, "chapter.md")
    assert ("CIT006" in ran.stdout) is judged, ran.stdout


def test_the_style_is_part_of_the_result_caches_key(project: Path) -> None:
    """A file linted in one style and then another is not answered from the cache."""
    (project / "chapter.md").write_text(fixture("superscript-chapter.md"), encoding="utf-8")
    first = cli("check", "chapter.md")
    assert "CIT002" in first.stdout and "cites none" in first.stdout  # no `[CITATION n]` markers
    (project / "pyproject.toml").write_text('[tool.citelint]\nmarker-style = "superscript"\n', encoding="utf-8")
    second = cli("check", "chapter.md")
    assert second.code == 0 and "CIT002" not in second.stdout, second.stdout


@pytest.mark.parametrize("value", ['"numbers"', '"Brackets"', "1", '["brackets"]'])
def test_a_bad_style_is_one_line_naming_the_key(project: Path, value: str) -> None:
    (project / ".citelint.toml").write_text(f"marker-style = {value}\n", encoding="utf-8")
    (project / "chapter.md").write_text("Text.\n", encoding="utf-8")
    ran = cli("check", "chapter.md")
    assert ran.code == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and ".citelint.toml: 'marker-style' must be" in lines[0] and "Traceback" not in ran.stderr


def test_fix_through_the_command_line(project: Path) -> None:
    (project / ".citelint.toml").write_text('marker-style = "superscript"\n', encoding="utf-8")
    _, before, after = fix_case("superscript")
    (project / "chapter.md").write_text(before, encoding="utf-8")
    ran = cli("fix", "chapter.md")
    assert ran.code == 0, ran.stderr
    assert (project / "chapter.md").read_text(encoding="utf-8") == after


@pytest.mark.parametrize("case", ["brackets", "superscript", "pandoc-superscript", "unicode-superscript-digits"])
def test_the_json_reports_edits_are_the_fix(project: Path, case: str) -> None:
    chosen, before, after = fix_case(case)
    (project / ".citelint.toml").write_text(f'marker-style = "{chosen.marker_style}"\n', encoding="utf-8")
    (project / "chapter.md").write_text(before, encoding="utf-8")
    code, report, _ = check_json("chapter.md")
    assert code == 1
    fixes = [finding["fix"] for finding in report["diagnostics"] if finding["fix"] and finding["code"] in ("CIT003", "CIT004", "CIT011")]
    assert len(fixes) == 1, json.dumps(report)[:2000]
    edits = tuple(Edit(**edit) for edit in fixes[0]["edits"])
    assert apply_at_positions(before, edits) == after


@pytest.mark.parametrize(
    ("style", "near", "replacement"),
    [("brackets", " [1; 2]", " [1, 2]"), ("superscript", "<sup>1 ;2</sup>", "<sup>1, 2</sup>"), ("superscript", "^1;2^", "^1,2^")],
)
def test_the_json_reports_near_miss_edit_writes_the_style(project: Path, style: str, near: str, replacement: str) -> None:
    (project / ".citelint.toml").write_text(f'marker-style = "{style}"\n', encoding="utf-8")
    label = "[{}] " if style == "brackets" else "{}. "
    before = f"One{near}. Three{written('⟦3⟧', 'brackets' if style == 'brackets' else 'superscript')}.\n\n## References\n\n"
    before += "".join(label.format(n) + entry + "\n" for n, entry in enumerate((E1, E2, E3), 1))
    (project / "chapter.md").write_text(before, encoding="utf-8")
    code, report, _ = check_json("chapter.md")
    assert code == 1
    [finding] = report["diagnostics"]
    assert finding["code"] == "CIT005"
    edits = tuple(Edit(**edit) for edit in finding["fix"]["edits"])
    assert apply_at_positions(before, edits) == before.replace(near, replacement)


# -- part A of issue 12 in every style: fix never re-points a citation ---------------

TITLES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


def _numbers(body: str) -> list[int]:
    """The numbers of a marker's body, read by the oracle: items before a locator."""
    found: list[int] = []
    for item in re.split(r"\s*[,;]\s*", body.strip()):
        item = item.replace("\u2013", "-").replace("\u00a0", "").replace(" ", "")
        if not re.fullmatch(r"\d+(-\d+)?", item):
            break  # a locator: `p. 4`
        first, _, last = item.partition("-")
        found.extend(range(int(first), int(last or first) + 1))
    return found


SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
ORACLE_MARKERS = {
    "brackets": re.compile(r"(?<![\w\]\[!^])\[(\d+)\][-\u2013]\[(\d+)\]|(?<![\w\]\[!^])\[(\d[^\[\]\n]*)\](?![(\[{])"),
    "superscript": re.compile(r"<sup>([^<>]*)</sup>|\^([^\s^]+)\^|([" + SUPERSCRIPT_DIGITS + ",\u207b]+)"),
}
ORACLE_ENTRY = re.compile(r'^(?:\[(\d+)\]:? (?:https://\S+ )?|(\d+)\. )"?(\w+)', re.MULTILINE)


def oracle(text: str, style: str) -> list[tuple[str, ...]]:
    """For each piece of citing text in the prose, the titles it cites; shares no code with citelint."""
    prose, _, listed = text.partition("\n## References\n")
    for noise in NOISE:  # what the generator put in that cites nothing
        prose = prose.replace(noise, "")
    titles = {int(a or b): title for a, b, title in ORACLE_ENTRY.findall(listed)}
    cites = []
    for match in ORACLE_MARKERS[style].finditer(prose):
        groups = match.groups()
        if style == "brackets" and groups[0]:
            numbers = list(range(int(groups[0]), int(groups[1]) + 1))
        else:
            body = next(group for group in groups if group)
            numbers = _numbers(body.translate(str.maketrans(SUPERSCRIPT_DIGITS + "\u207b", "0123456789-")))
        if numbers:
            cites.append(tuple(titles.get(n, f"?{n}") for n in numbers))
    return cites


def _form(draw: st.DrawFn, style: str, numbers: list[int]) -> str:
    body = ", ".join(map(str, numbers))
    if style == "brackets":
        kinds = {
            "plain": f" [{body}]",
            "tight": f" [{body.replace(' ', '')}]",
            "locator": f" [{body}, p. {draw(st.integers(1, 400))}]",
            "semicolon": f" [{body.replace(',', ';')}]",
            "wrapped": f" [{body.replace(', ', ',' + chr(10), 1)}]",
            "ieee-range": f" [{numbers[0]}]–[{numbers[0] + 1}]",
        }
    else:
        kinds = {
            "plain": f"<sup>{body}</sup>",
            "tight": f"<sup>{body.replace(' ', '')}</sup>",
            "locator": f"<sup>{body}, p. {draw(st.integers(1, 400))}</sup>",
            "semicolon": f"<sup>{body.replace(',', ';')}</sup>",
            "caret": "^" + body.replace(" ", "") + "^",
            "caret-semicolon": "^" + body.replace(", ", ";") + "^",
            "unicode": body.replace(" ", "").translate(str.maketrans("0123456789", SUPERSCRIPT_DIGITS)),
        }
    return kinds[draw(st.sampled_from(sorted(kinds)))]


NOISE = [
    " See [the data](https://example.com/data).",
    " A [1](https://example.com/one) link.",
    " Index arr[2] here.",
    " Code `a[1]` and `x^2^`.",
    " A footnote.[^1]",
    " Ten is 10^1^ and x<sup>2</sup>.",
    " An area of 4 m\u00b2.",
]


@st.composite
def styled_chapters(draw: st.DrawFn, style: str, definitions: bool = False) -> str:
    """A chapter in the style; ``definitions``: its list written as `[1]: url "title"`."""
    count = draw(st.integers(2, 6))
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        pieces = []
        for _ in range(draw(st.integers(1, 4))):
            numbers = draw(st.lists(st.integers(1, count - 1), min_size=1, max_size=2, unique=True))
            pieces.append("A claim here" + _form(draw, style, numbers) + "." + draw(st.sampled_from(["", *NOISE])))
        paragraphs.append(" ".join(pieces))
    order = draw(st.permutations(range(count)))
    label = "[{n}] " if style == "brackets" else "{n}. "
    entry = '[{n}]: https://example.com/{slug} "{title}. Example Press, {year}."' if definitions else label + '"{title}." Example Press, {year}. https://example.com/{slug}'
    entries = [entry.format(n=n, title=TITLES[index], slug=TITLES[index].lower(), year=2000 + n) for n, index in enumerate(order, 1)]
    tail = "\n\n[^1]: A footnote.\n" if any("[^1]" in paragraph for paragraph in paragraphs) else "\n"
    return "\n\n".join(paragraphs) + tail + "\n## References\n\n" + "\n".join(entries) + "\n"


@pytest.mark.parametrize(("style", "definitions"), [("brackets", False), ("brackets", True), ("superscript", False)], ids=["brackets", "brackets-link-definitions", "superscript"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fix_never_changes_what_a_citation_points_to_in_any_style(style: str, definitions: bool, data: st.DataObject) -> None:
    text = data.draw(styled_chapters(style, definitions))
    chosen = BRACKETS if style == "brackets" else SUPERSCRIPT
    result = fix_text(text, chosen)
    if result.refused is not None:
        assert result.text == text
        return
    assert oracle(result.text, style) == oracle(text, style), result.text
    assert fix_text(result.text, chosen).text == result.text  # idempotent


@pytest.mark.parametrize("style", ["brackets", "superscript"])
def test_the_oracle_sees_a_re_pointed_citation(style: str) -> None:
    """The oracle can fail: swap two entries without renumbering the markers."""
    marker = " [1, p. 4] x [2]" if style == "brackets" else "<sup>1, p. 4</sup> x^2^"
    label = "[{}] " if style == "brackets" else "{}. "
    text = f'A{marker}\n## References\n{label.format(1)}"Alpha." P, 2000.\n{label.format(2)}"Beta." P, 2001.\n'
    swapped = text.replace('"Alpha."', '"Gamma."').replace('"Beta."', '"Alpha."').replace('"Gamma."', '"Beta."')
    assert oracle(text, style) == [("Alpha",), ("Beta",)]
    assert oracle(swapped, style) != oracle(text, style)
