"""Property-based tests of citelint fix over generated chapters."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint import lint_text
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint import fix_text
from citelint.renumbering import cited_texts
from helpers import apply_at_positions

WORDS = st.sampled_from(["The", "deal", "was", "signed", "in", "2023.", "Kim", "Putin", "rockets", "shells,", "and"])


@st.composite
def markers(draw: st.DrawFn, count: int) -> str:
    kind = draw(st.sampled_from(["single", "list", "range", "near-miss", "escaped"]))
    number = draw(st.integers(1, count))
    if kind == "single":
        return f"[CITATION {number}]"
    if kind == "escaped":  # as exporters write it
        return draw(st.sampled_from([f"\\[CITATION {number}\\]", f"[CITATION {number}\\]", f"\\[Citation {number}\\]"]))
    if kind == "near-miss":
        return draw(st.sampled_from([
            f"[Citation {number}]", f"[ CITATION {number} ]", f"[CITATION 0{number}]",
            f"[CITATION\u00a0{number}]", f"[\u200bCITATION {number}]", f"[CITATION {number}\ufeff]",
            f"[CITATION {number}\u2014{number}]", f"[CITATION 1\uff0c{number}]",
        ]))
    if kind == "list":
        other = draw(st.integers(1, count))
        return f"[CITATION {number}, {other}]" if other != number else f"[CITATION {number}]"
    last = draw(st.integers(number, count))
    return f"[CITATION {number}-{last}]" if last > number else f"[CITATION {number}]"


@st.composite
def chapters(draw: st.DrawFn) -> tuple[str, int]:
    count = draw(st.integers(1, 6))
    paragraphs = []
    for _ in range(draw(st.integers(1, 5))):
        words = draw(st.lists(WORDS, min_size=1, max_size=6))
        pieces = []
        for word in words:
            pieces.append(word)
            if draw(st.booleans()):
                pieces.append(draw(markers(count)))
        paragraphs.append(" ".join(pieces))
        if draw(st.integers(0, 4)) == 0:
            paragraphs.append("```\n[CITATION %d] in code\n```" % draw(st.integers(1, 9)))
    style = draw(st.sampled_from(["ordered", "bullet", "lazy", "bracket", "plain-lines"]))
    entries = []
    for index in range(1, count + 1):
        text = f'"Source {index}." Press {index}, {2000 + index}. https://example.com/{index}'
        label = {"ordered": f"{index}. ", "bullet": "- ", "lazy": "1. ", "bracket": f"[{index}] ", "plain-lines": ""}[style]
        entries.append(label + text)
    heading = draw(st.sampled_from(["## References", "# Sources", "## Notes:"]))
    text = "\n\n".join(paragraphs) + f"\n\n{heading}\n\n" + "\n".join(entries) + "\n"
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = text.replace("\n", ending)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text, count


def prose_without_markers(text: str) -> str:
    text = re.sub(r"\[[\s\u200b\ufeff]*citation[^\]\n]*\]", "[M]", text, flags=re.IGNORECASE)
    return text.split("# ")[0] if "# " in text else text


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(chapters())
def test_fix_is_idempotent_and_leaves_no_numbering_defect(case: tuple[str, int]) -> None:
    text, _ = case
    result = fix_text(text)
    assert result.refused is None, result.refused
    again = fix_text(result.text)
    assert again.text == result.text
    remaining = {d.code for d in lint_text(result.text)}
    assert not remaining & {"CIT003", "CIT004", "CIT011", "CIT005"}


@SETTINGS
@given(chapters())
def test_fix_keeps_what_each_marker_cites(case: tuple[str, int]) -> None:
    text, _ = case
    before = Chapter.parse(text, Settings())
    after = Chapter.parse(fix_text(text).text, Settings())
    assert cited_texts(before) == cited_texts(after)
    assert sorted(e.text for e in before.references.entries) == sorted(e.text for e in after.references.entries)  # type: ignore[union-attr]


@SETTINGS
@given(chapters())
def test_fix_changes_no_other_text(case: tuple[str, int]) -> None:
    text, _ = case
    out = fix_text(text).text
    assert prose_without_markers(out) == prose_without_markers(text)
    assert len(out.splitlines()) == len(text.splitlines())
    assert out.count("\r") == text.count("\r")


DIRECTIVES = st.sampled_from([
    "<!-- citelint-disable-next-line CIT003 -->\n", "<!-- citelint-disable-next-line CIT005 -->\n",
    "<!-- citelint-disable CIT005 -->\n", "<!-- citelint-enable -->\n", "<!-- citelint-disable-file CIT011 -->\n", "",
])


@SETTINGS
@given(chapters(), st.lists(DIRECTIVES, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_fix_respects_suppressed_findings(case: tuple[str, int], directives: list[str], random) -> None:  # type: ignore[no-untyped-def]
    """With suppression comments anywhere: idempotent, every marker cites the same
    sources; either the chapter is renumbered clean, or the numbering is kept whole
    (every marker keeps its numbers) and the note says which suppression kept it."""
    text, _ = case
    paragraphs = text.split("\n\n")
    for directive in directives:  # on the line before a paragraph
        index = random.randrange(len(paragraphs))
        paragraphs[index] = directive + paragraphs[index]
    text = "\n\n".join(paragraphs)
    result = fix_text(text)
    assert result.refused is None, result.refused
    assert fix_text(result.text).text == result.text
    before, after = Chapter.parse(text, Settings()), Chapter.parse(result.text, Settings())
    assert cited_texts(before) == cited_texts(after)
    if result.notes:
        assert result.notes[0].startswith("kept the numbering: ")
        assert [m.numbers for m in before.citations()] == [m.numbers for m in after.citations()]
    else:
        assert not {d.code for d in lint_text(result.text)} & {"CIT003", "CIT004", "CIT011"}


@SETTINGS
@given(chapters(), st.lists(DIRECTIVES, max_size=3), st.randoms(use_true_random=False))
def test_the_reported_renumbering_is_what_fix_does(case: tuple[str, int], directives: list[str], random) -> None:  # type: ignore[no-untyped-def]
    """The JSON report's renumbering fix, applied at its lines and columns, gives
    ``fix``'s text exactly; there is one exactly when ``fix`` renumbers."""
    text, _ = case
    paragraphs = text.split("\n\n")
    for directive in directives:
        index = random.randrange(len(paragraphs))
        paragraphs[index] = directive + paragraphs[index]
    text = "\n\n".join(paragraphs)
    carried = [d.fix for d in lint_text(text, Settings(), fixes=True) if d.code in ("CIT003", "CIT004", "CIT011") and d.fix is not None]
    result = fix_text(text)
    renumbers = result.changed and not result.numbering_kept
    reported = any(d.code in ("CIT003", "CIT004", "CIT011") for d in lint_text(text))
    assert len(carried) == (1 if renumbers and reported else 0)
    if carried:
        assert apply_at_positions(text, carried[0].edits) == result.text
