"""Inline suppression comments."""

from __future__ import annotations

import pytest

from helpers import REFS, found

OUT = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n"  # CIT003 at 1:20
LATE = "Late [CITATION 3].\n"  # CIT006


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("<!-- citelint-disable-file -->\n" + OUT + REFS, [], id="disable-file"),
        pytest.param("<!-- citelint-disable-file CIT003 -->\n" + OUT + REFS, [], id="disable-file-code"),
        pytest.param("<!-- citelint-disable-file CIT006 -->\n" + OUT + REFS, [("CIT003", 2, 20)], id="disable-file-other-code"),
        pytest.param("<!-- citelint-disable-next-line CIT003 -->\n" + OUT + REFS, [], id="next-line"),
        pytest.param("<!-- citelint-disable-next-line CIT003 -->\n\n" + OUT + REFS, [("CIT003", 3, 20)], id="next-line-is-literal"),
        pytest.param(OUT.rstrip("\n") + " <!-- citelint-disable-line -->\n" + REFS, [], id="same-line"),
        pytest.param("<!-- citelint-disable CIT00 -->\n" + OUT + "<!-- citelint-enable -->\n\n" + LATE + REFS, [("CIT006", 5, 6)], id="range-prefix"),
        pytest.param("<!-- citelint-disable -->\n" + OUT + "\n" + LATE + REFS, [], id="range-to-end"),
        pytest.param("<!-- citelint-disable CIT006 -->\n" + OUT + "<!-- citelint-enable CIT006 -->\n\n" + LATE + REFS, [("CIT003", 2, 20), ("CIT006", 5, 6)], id="enable-code"),
        pytest.param("<!--citelint-disable-next-line   cit003,CIT006-->\n" + OUT + REFS, [], id="spacing-and-case"),
        pytest.param("<!-- citelint-disable -->\n" + OUT + "<!-- citelint-enable CIT006 -->\n\n" + LATE + REFS, [("CIT006", 5, 6)], id="enable-one-code-inside-disable-all"),
        pytest.param("<!-- citelint-disable CIT00 -->\n<!-- citelint-enable CIT003 -->\n" + OUT + "\n" + LATE + REFS, [("CIT003", 3, 20)], id="enable-a-code-inside-a-disabled-prefix"),
        pytest.param("<!-- citelint-disable CIT003 -->\n<!-- citelint-disable CIT006 -->\n<!-- citelint-enable CIT003 -->\n" + OUT + "\n" + LATE + REFS, [("CIT003", 4, 20)], id="enable-one-of-two"),
        pytest.param("```\n<!-- citelint-disable-file -->\n```\n\n" + OUT + REFS, [("CIT003", 5, 20)], id="directive-in-code-ignored"),
        pytest.param("<!-- citelint-disable-next-line CIT033 -->\n" + OUT + REFS, [("CIT012", 1, 1), ("CIT003", 2, 20)], id="unknown-code-reported"),
        pytest.param("<!-- citelint-disable-next-line citation-out-of-order -->\n" + OUT + REFS, [], id="rule-name"),
        pytest.param("<!-- citelint-disable Misplaced-Citation, CIT003 -->\n" + OUT + "\n" + LATE + REFS, [], id="rule-name-any-case-beside-a-code"),
        pytest.param("<!-- citelint-disable-next-line citation-out-of-ordr -->\n" + OUT + REFS, [("CIT012", 1, 1), ("CIT003", 2, 20)], id="unknown-name-reported"),
        pytest.param("<!-- citelint-disable ALL -->\n" + OUT + "\n" + LATE + REFS, [], id="disable-ALL"),
        pytest.param("<!-- citelint-disable CIT006 -->\n" + LATE + "<!-- citelint-enable CIT006 --><!-- citelint-disable CIT006 -->\n" + LATE + REFS,
                     [("CIT006", 4, 6), ("CIT002", 8, 1), ("CIT002", 9, 1)], id="enable-then-disable-on-one-line-the-later-effect-wins"),
        pytest.param("<!-- citelint-disable-line CIT003 --><!-- citelint-disable-line CIT006 --> " + OUT.replace("[CITATION 2]", "[CITATION 2] .") + REFS,
                     [], id="two-directives-on-one-line"),
    ],
)
def test_suppression(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert found(text) == sorted(expected, key=lambda f: (f[1], f[2], f[0]))


def test_directive_is_never_a_citation() -> None:
    text = "<!-- citelint-disable CIT006 [CITATION 9] -->\nA. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + REFS
    assert [code for code, _, _ in found(text)] == ["CIT012"]
