"""citelint fix: renumbering, byte-exact preservation, refusals, safe writes."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint import lint_text
from citelint.cli import cli as main
from citelint.config import Settings
from citelint import fix_text
from citelint.atomic_write import ChangedOnDisk, write_atomically
from helpers import ENTRIES, apply_at_positions, refs

FIXTURES = Path(__file__).parent / "fixtures"
MANUSCRIPT = Path(__file__).parent.parent / "manuscript"


def fixed(text: str) -> str:
    result = fix_text(text)
    assert result.refused is None, result.refused
    return result.text


# -- the seed chapter ------------------------------------------------------


@pytest.mark.parametrize("path", [FIXTURES / "chapter-38.txt", MANUSCRIPT / "chapter-38.md"], ids=["txt", "md"])
def test_seed_swaps_markers_and_references_and_nothing_else(path: Path) -> None:
    source = path.read_bytes().decode("utf-8")
    result = fix_text(source)
    assert result.summary() == "renumbered 2 markers, moved 2 references"
    before, after = source.split("\n"), result.text.split("\n")
    assert len(before) == len(after)
    changed = [n for n, (a, b) in enumerate(zip(before, after)) if a != b]
    marker4 = next(n for n, line in enumerate(before) if "[CITATION 4]" in line)
    marker3 = next(n for n, line in enumerate(before) if "[CITATION 3]" in line)
    entries = [n for n, line in enumerate(before) if "https://" in line]
    assert changed == sorted([marker4, marker3, entries[2], entries[3]])
    assert after[marker4] == before[marker4].replace("[CITATION 4]", "[CITATION 3]")
    assert after[marker3] == before[marker3].replace("[CITATION 3]", "[CITATION 4]")
    strip = lambda line: line.split(". ", 1)[1] if path.suffix == ".md" else line  # noqa: E731
    assert strip(after[entries[2]]) == strip(before[entries[3]])
    assert strip(after[entries[3]]) == strip(before[entries[2]])
    assert lint_text(result.text) == []
    assert fix_text(result.text).text == result.text


# -- renumbering -----------------------------------------------------------

THREE = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + refs()


def test_markers_and_entries_follow_first_citation() -> None:
    assert fixed(THREE) == "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + refs(entries=(ENTRIES[0], ENTRIES[2], ENTRIES[1]))


def test_uncited_references_keep_their_order_after_the_cited_ones() -> None:
    text = "A. [CITATION 3] B. [CITATION 1]\n" + refs()
    result = fix_text(text)
    assert result.text == "A. [CITATION 1] B. [CITATION 2]\n" + refs(entries=(ENTRIES[2], ENTRIES[0], ENTRIES[1]))
    assert [d.code for d in lint_text(result.text)] == ["CIT002"]  # still reported, never deleted


def test_range_that_stays_contiguous_stays_a_range() -> None:
    text = "A. [CITATION 2] B. [CITATION 1\u20133]\n" + refs()
    # 2 -> 1, 1 -> 2, 3 -> 3: the range 1-3 becomes 2, 1, 3 -> not contiguous
    assert fixed(text).startswith("A. [CITATION 1] B. [CITATION 2, 1, 3]\n")


def test_range_stays_a_range_when_shifted() -> None:
    entries = ENTRIES + ('"Four." P, 2023. https://example.com/4',)
    text = "A. [CITATION 4] B. [CITATION 1-3]\n" + refs(("1. ", "2. ", "3. ", "4. "), entries)
    assert fixed(text).startswith("A. [CITATION 1] B. [CITATION 2-4]\n")


def test_list_separator_style_is_kept() -> None:
    text = "A. [CITATION 2,1] B. [CITATION 3]\n" + refs()
    assert fixed(text).startswith("A. [CITATION 1,2] B. [CITATION 3]\n")


def test_gap_is_closed_and_labels_rewritten() -> None:
    text = "A. [CITATION 1] B. [CITATION 4]\n\n## References\n\n1. \"One.\" P, 2020. https://e.com/1\n4. \"Four.\" P, 2021. https://e.com/4\n"
    result = fix_text(text)
    assert result.text == text.replace("[CITATION 4]", "[CITATION 2]").replace("4. \"Four", "2. \"Four")
    assert result.summary() == "renumbered 1 marker, relabelled 1 reference"


def test_lazy_numbering_is_kept_lazy() -> None:
    text = "A. [CITATION 2] B. [CITATION 1]\n" + refs(("1. ", "1. ", "1. "), ENTRIES[:2])
    assert fixed(text) == "A. [CITATION 1] B. [CITATION 2]\n" + refs(("1. ", "1. "), (ENTRIES[1], ENTRIES[0]))


def test_bracket_labels_and_link_definitions() -> None:
    for labels in (("[1] ", "[2] ", "[3] "), ("[1]: ", "[2]: ", "[3]: ")):
        text = "A. [CITATION 2] B. [CITATION 1] C. [CITATION 3]\n" + refs(labels)
        expected = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + refs(labels, (ENTRIES[1], ENTRIES[0], ENTRIES[2]))
        assert fixed(text) == expected


def test_multiline_entries_move_whole() -> None:
    text = (
        "A. [CITATION 2] B. [CITATION 1]\n\n## References\n\n"
        "1. \"One.\" P, 2020.\n   https://e.com/1\n2. \"Two.\" P, 2021.\n   https://e.com/2\n"
    )
    assert fixed(text) == (
        "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n"
        "1. \"Two.\" P, 2021.\n   https://e.com/2\n2. \"One.\" P, 2020.\n   https://e.com/1\n"
    )


def test_markers_in_code_are_untouched() -> None:
    text = "`[CITATION 2]` A. [CITATION 2] B. [CITATION 1]\n\n```\n[CITATION 1]\n```\n" + refs(entries=ENTRIES[:2])
    out = fixed(text)
    assert out.startswith("`[CITATION 2]` A. [CITATION 1] B. [CITATION 2]\n\n```\n[CITATION 1]\n```\n")


def test_a_numbering_check_calls_right_is_not_renumbered() -> None:
    """Only what check reports is fixed: an uncited entry in the middle of the list
    (CIT002) is no reason to move it or renumber the markers after it, and a cited
    number with no entry (CIT001) is no renumbering to refuse."""
    uncited_middle = "A [CITATION 1] B [CITATION 3]\n" + refs()
    assert [d.code for d in lint_text(uncited_middle)] == ["CIT002"]
    result = fix_text(uncited_middle)
    assert result.text == uncited_middle and result.summary() == "nothing to fix" and result.notes == []
    undefined = "A [CITATION 1] B [CITATION 2] C [CITATION 3] D [CITATION 4]\n" + refs()
    assert [d.code for d in lint_text(undefined)] == ["CIT001"]
    result = fix_text(undefined)
    assert result.refused is None and result.text == undefined
    near_miss = uncited_middle.replace("[CITATION 3]", "[Citation 3]")
    assert fix_text(near_miss).text == uncited_middle  # the near-miss alone is normalised


# -- near-misses ------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("[Citation 2]", "[CITATION 2]"),
        ("[ CITATION 2 ]", "[CITATION 2]"),
        ("[CITATION 02]", "[CITATION 2]"),
        ("[CITATION  2]", "[CITATION 2]"),
        ("[citation 2; 3]", "[CITATION 2, 3]"),
        ("[CITATION\u00a02]", "[CITATION 2]"),
        ("[\u200bCITATION 2\u200b]", "[CITATION 2]"),
        ("[CITATION\u202f2,\u20093]", "[CITATION 2, 3]"),
        ("[CITATION 2\uff0c3]", "[CITATION 2, 3]"),
        ("&#91;CITATION 2&#93;", "[CITATION 2]"),
    ],
    ids=["wrong-case", "stray-spaces", "leading-zero", "double-space", "semicolon", "no-break-space", "zero-width-spaces", "narrow-spaces",
         "fullwidth-comma", "character-references"],
)
def test_unambiguous_near_misses_are_normalised(marker: str, expected: str) -> None:
    text = "A. [CITATION 1] B. " + marker + " C. [CITATION 3]\n" + refs()
    result = fix_text(text)
    assert result.text.startswith("A. [CITATION 1] B. " + expected + " C. [CITATION 3]\n")
    assert result.normalised == 1


@pytest.mark.parametrize("marker", ["[CITATION]", "[CITATION two]", "[CITATION 0]", "[CITATION 3-1]"])
def test_ambiguous_near_misses_are_left_and_reported(marker: str) -> None:
    text = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3] " + marker + "\n" + refs()
    assert fix_text(text).text == text
    assert "CIT005" in [d.code for d in lint_text(text)]


def test_a_file_with_every_rule_disabled_is_left_alone() -> None:
    text = "<!-- citelint-disable-file -->\n" + THREE
    assert fix_text(text).text == text
    assert fix_text("<!-- citelint-disable-file CIT006 -->\n" + THREE).changed


def test_escaped_markers_are_renumbered_in_their_own_style() -> None:
    text = "A. \\[CITATION 1\\] B. \\[CITATION 3\\] C. [Citation 2\\]\n" + refs()
    assert fixed(text).startswith("A. \\[CITATION 1\\] B. \\[CITATION 2\\] C. [CITATION 3\\]\n")


def test_a_suppressed_order_is_kept_and_near_misses_still_normalised() -> None:
    """Renumbering is all or nothing: a deliberate out-of-order citation, suppressed,
    keeps every number and the list as they are; the note says why."""
    text = "<!-- citelint-disable-next-line CIT003 -->\nA [CITATION 2] B [CITATION 1] C [Citation 3]\n" + refs()
    result = fix_text(text)
    assert result.refused is None and result.notes == ["kept the numbering: CIT003 is suppressed on line 2"]
    assert result.text == text.replace("[Citation 3]", "[CITATION 3]")
    assert lint_text(result.text) == []


def test_a_suppressed_near_miss_is_left_as_it_is() -> None:
    text = "A [CITATION 1] [Citation 3]\n\n<!-- citelint-disable CIT005 -->\nB [Citation 2]\n<!-- citelint-enable -->\n" + refs()
    result = fix_text(text)  # 1, 3, 2 would become 1, 2, 3: the left near-miss keeps the numbering
    assert result.text == text.replace("[Citation 3]", "[CITATION 3]")
    assert result.notes == ["kept the numbering: CIT005 is suppressed on line 4, and its marker would be renumbered"]
    in_order = text.replace("[Citation 3]", "[Citation 2]", 1).replace("B [Citation 2]", "B [Citation 3]")
    result = fix_text(in_order)  # no renumbering needed: only the other near-miss is normalised
    assert result.text == in_order.replace("[Citation 2]", "[CITATION 2]", 1) and result.notes == []


@pytest.mark.parametrize(
    ("settings", "path"),
    [
        (Settings(ignore=("CIT003",)), "ch.md"),
        (Settings(select=("CIT001", "CIT002")), "ch.md"),
        (Settings(per_file_ignores=(("drafts/*", ("CIT003",)),)), "drafts/ch.md"),
    ],
    ids=["ignored", "not-selected", "per-file-ignore"],
)
def test_a_numbering_rule_left_out_of_the_selection_keeps_the_numbering(settings: Settings, path: str) -> None:
    """A user who ignores CIT003 has said the order is theirs: ``fix`` (a pre-commit
    hook, often) must not renumber what ``check`` calls clean."""
    text = "A [CITATION 2] B [CITATION 1]\n" + refs(("1. ", "2. "), ENTRIES[:2])
    result = fix_text(text, settings, path)
    assert result.text == text and not result.changed
    assert result.notes == ["kept the numbering: CIT003 is not selected"]
    if path.startswith("drafts/"):
        assert fix_text(text, settings, "ch.md").changed  # the ignore is for drafts only


def test_near_misses_are_left_when_cit005_is_not_selected() -> None:
    text = "A [CITATION 1] B [Citation 2]\n" + refs(("1. ", "2. "), ENTRIES[:2])
    assert fix_text(text, Settings(ignore=("CIT005",))).text == text
    out_of_order = "A [CITATION 1] B [Citation 3] C [CITATION 2]\n" + refs()
    result = fix_text(out_of_order, Settings(ignore=("CIT005",)))
    assert result.text == out_of_order
    assert result.notes == [
        "kept the numbering: CIT005 is not selected, and the malformed marker on line 1 would be renumbered"
    ]
    assert fix_text(text).text == text.replace("[Citation 2]", "[CITATION 2]")


def test_the_cli_says_what_it_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ch.md").write_text("<!-- citelint-disable-file CIT003 -->\nA [CITATION 2] B [CITATION 1]\n" + refs(("1. ", "2. "), ENTRIES[:2]), encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "ch.md"])
    assert result.exit_code == 0
    assert result.stdout == "ch.md: kept the numbering: CIT003 is suppressed on line 2\n"


def test_the_cli_keeps_the_numbering_the_configuration_ignores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.citelint]\nper-file-ignores = { "drafts/*" = ["CIT003"] }\n', encoding="utf-8")
    text = "A [CITATION 2] B [CITATION 1]\n" + refs(("1. ", "2. "), ENTRIES[:2])
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "ch.md").write_text(text, encoding="utf-8")
    (tmp_path / "ch.md").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "drafts/ch.md", "ch.md"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "drafts" / "ch.md").read_text(encoding="utf-8") == text
    assert (tmp_path / "ch.md").read_text(encoding="utf-8") != text
    assert "drafts/ch.md: kept the numbering: CIT003 is not selected" in result.stdout


def test_fix_takes_select_and_ignore_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "A [CITATION 2] B [Citation 1]\n" + refs(("1. ", "2. "), ENTRIES[:2])
    (tmp_path / "ch.md").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--diff", "--ignore", "CIT003", "ch.md"])
    assert result.stderr == "ch.md: kept the numbering: CIT003 is not selected\n"
    assert "+A [CITATION 2] B [CITATION 1]" in result.stdout  # the near-miss is still normalised
    result = CliRunner().invoke(main, ["fix", "--diff", "--select", "CIT003", "ch.md"])
    assert result.stdout == ""  # CIT005 not selected: the near-miss stays, and with it the numbering
    assert result.stderr == "ch.md: kept the numbering: CIT005 is not selected, and the malformed marker on line 1 would be renumbered\n"
    result = CliRunner().invoke(main, ["fix", "--select", "CIT999", "ch.md"])
    assert result.exit_code == 2 and "unknown rule code(s) or name(s): CIT999" in result.stderr
    assert (tmp_path / "ch.md").read_text(encoding="utf-8") == text


# -- refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("A. [CITATION 4] B. [CITATION 2] C. [CITATION 1]\n" + refs(), "reference 4 is cited but not in the reference list"),
        ("A. [CITATION 2] B. [CITATION 1]\n", "the chapter cites references but has no reference list to renumber"),
        ("A. [CITATION 2] B. [CITATION 1]\n" + refs(("1. ", "2. ", "2. ")), "two entries are labelled 2; say which is which first"),
        (
            "A. [CITATION 2] B. [CITATION 1] C. [CITATION 3]\n" + refs(("[1] ", "", "[3] "), between="\n\n"),
            'the entry on line 7 ("Two." Example Press, 2021. https://example.com/2) has no label among labelled entries '
            "and may be the rest of another entry; label it, or join it to the entry it belongs to",
        ),
    ],
    ids=["undefined", "no-list", "duplicate-labels", "unlabelled-among-labels"],
)
def test_refusals_leave_the_text_untouched(text: str, reason: str) -> None:
    result = fix_text(text)
    assert result.refused == reason
    assert result.text == text and not result.changed


# -- byte-exact preservation ----------------------------------------------------


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: t.rstrip("\n"), id="no-final-newline"),
        pytest.param(lambda t: t.replace("B. ", "B.   \t").replace("\n\n", "  \n\n"), id="trailing-spaces"),
        pytest.param(lambda t: t.replace("\n", "\r\n", 3), id="mixed-endings"),
        pytest.param(lambda t: "\ufeff" + t.replace("\n", "\r\n").rstrip("\r\n"), id="bom-crlf-no-final"),
    ],
)
def test_bytes_outside_the_edits_are_kept(transform) -> None:  # type: ignore[no-untyped-def]
    source = transform(THREE)
    out = fixed(source)
    expected = transform("A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + refs(entries=(ENTRIES[0], ENTRIES[2], ENTRIES[1])))
    assert out == expected
    assert out.encode("utf-8").count(b"\r") == source.encode("utf-8").count(b"\r")


SWAPPED_TWO = refs(("1. ", "2. "), (ENTRIES[1], ENTRIES[0]))

CRLF_WRAPPED = (
    b'A claim. [CITATION\r\n2] Another. [CITATION 1]\r\n\r\n## References\r\n\r\n'
    b'1. "Alpha." Press, 2001. https://example.com/a\r\n2. "Beta." Press, 2002. https://example.com/b\r\n'
)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        pytest.param("A claim. [CITATION\n2] Another. [CITATION 1]\n", "A claim. [CITATION\n1] Another. [CITATION 2]\n", id="after-keyword"),
        pytest.param("> A claim [CITATION\n> 2] and [CITATION 1] here.\n", "> A claim [CITATION\n> 1] and [CITATION 2] here.\n", id="in-quote"),
        pytest.param("A claim [CITATION 2,\n1] and [CITATION 1] here.\n", "A claim [CITATION 1,\n2] and [CITATION 2] here.\n", id="in-list"),
    ],
)
def test_a_wrapped_marker_keeps_the_files_line_ending(prose: str, expected: str, ending: str) -> None:
    source = (prose + refs(("1. ", "2. "), ENTRIES[:2])).replace("\n", ending)
    assert fixed(source).encode("utf-8") == (expected + SWAPPED_TWO).replace("\n", ending).encode("utf-8")


def test_a_wrapped_marker_keeps_its_own_line_ending_in_mixed_endings() -> None:
    source = "A claim. [CITATION\r\n2] Another. [CITATION\n1]\n" + refs(("1. ", "2. "), ENTRIES[:2])
    assert fixed(source) == "A claim. [CITATION\r\n1] Another. [CITATION\n2]\n" + SWAPPED_TWO


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_moved_entries_keep_their_line_endings_and_wrapped_markers(ending: str) -> None:
    text = (
        "A. [CITATION 2] B. [CITATION 1]\n\n## References\n\n"
        "1. \"One.\" P, 2020.\n   https://e.com/1\n2. \"Two.\" P, 2021. (see [CITATION\n   1])\n   https://e.com/2\n"
    )
    expected = (
        "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n"
        "1. \"Two.\" P, 2021. (see [CITATION\n   2])\n   https://e.com/2\n2. \"One.\" P, 2020.\n   https://e.com/1\n"
    )
    assert fixed(text.replace("\n", ending)).encode("utf-8") == expected.replace("\n", ending).encode("utf-8")


# -- the fix in the JSON report ---------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(THREE, id="lf"),
        pytest.param(THREE.replace("\n", "\r\n"), id="crlf"),
        pytest.param("\ufeff" + THREE.replace("\n", "\r\n", 3).rstrip("\n"), id="bom-mixed-no-final"),
        pytest.param(CRLF_WRAPPED.decode("utf-8"), id="crlf-wrapped-marker"),
        pytest.param("A [CITATION 1] B [Citation 3] C [CITATION 2-3]\n" + refs(("[1] ", "[3] ", "[2] ")), id="near-miss-range-labels"),
        pytest.param((FIXTURES / "chapter-38.txt").read_text(encoding="utf-8"), id="seed-txt"),
        pytest.param((MANUSCRIPT / "chapter-38.md").read_text(encoding="utf-8"), id="seed-md"),
    ],
)
def test_the_first_renumbering_finding_carries_what_fix_would_do(source: str) -> None:
    """An editor that applies the JSON report's fix gets exactly ``citelint fix``'s text."""
    assert all(d.fix is None for d in lint_text(source) if d.code != "CIT005")  # only when asked: a parse more
    diagnostics = lint_text(source, Settings(), fixes=True)
    renumbering = [d for d in diagnostics if d.code in ("CIT003", "CIT004", "CIT011")]
    assert renumbering, "the case must need renumbering"
    first, *others = renumbering
    assert first.fix is not None and first.fix.description.startswith("renumber in order of first citation: renumbered")
    assert apply_at_positions(source, first.fix.edits) == fixed(source)
    assert all(d.fix is None for d in others)  # one renumbering fixes them all: attached once


FOUR = (*ENTRIES, '"Four." Example Press, 2023. https://example.com/4')
TWO_SWAPS = "A [CITATION 2] B [CITATION 1]\n\nC [CITATION 4] D [CITATION 3]\n" + refs(("1. ", "2. ", "3. ", "4. "), FOUR)


@pytest.mark.parametrize(
    ("source", "settings", "why"),
    [
        pytest.param("A. [CITATION 4] B. [CITATION 2] C. [CITATION 1]\n" + refs(), Settings(), "refused", id="refused"),
        pytest.param("<!-- citelint-disable-next-line CIT003 -->\n" + TWO_SWAPS, Settings(), "kept", id="suppressed"),
        pytest.param(THREE.replace(refs(), refs(("1. ", "3. ", "2. "))), Settings(ignore=("CIT011",)), "kept", id="not-selected"),
    ],
)
def test_no_renumbering_fix_where_fix_would_not_renumber(source: str, settings: Settings, why: str) -> None:
    diagnostics = lint_text(source, settings, fixes=True)
    assert any(d.code in ("CIT003", "CIT004", "CIT011") for d in diagnostics)
    assert all(d.fix is None for d in diagnostics)
    result = fix_text(source, settings)
    assert (result.refused is not None, result.numbering_kept) == (why == "refused", why == "kept")


# -- the command and safe writes -------------------------------------------------


@pytest.fixture
def chapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    path = tmp_path / "ch.md"
    path.write_bytes(THREE.replace("\n", "\r\n").encode("utf-8"))
    path.chmod(0o640)
    return path


def test_fix_writes_and_keeps_permissions(chapter: Path) -> None:
    result = CliRunner().invoke(main, ["fix", "ch.md"])
    assert result.exit_code == 0
    assert result.stdout == "ch.md: renumbered 2 markers, moved 2 references\n"
    assert stat.S_IMODE(chapter.stat().st_mode) == 0o640
    assert chapter.read_bytes() == fixed(THREE.replace("\n", "\r\n")).encode("utf-8")
    assert [p.name for p in chapter.parent.iterdir() if p.name.startswith(".citelint-")] == []


def test_a_read_only_file_is_not_replaced(chapter: Path) -> None:
    """A rename would replace a read-only file all the same (and root may write
    anything): the mode says no, so the file is reported and left as it is."""
    before = chapter.read_bytes()
    chapter.chmod(0o444)
    result = CliRunner().invoke(main, ["fix", "ch.md"])
    assert result.exit_code == 2
    assert result.stderr == "citelint: error: ch.md: cannot be written: it is read-only (mode 444)\n"
    assert chapter.read_bytes() == before and stat.S_IMODE(chapter.stat().st_mode) == 0o444


def test_a_hard_linked_file_is_not_split(chapter: Path) -> None:
    before = chapter.read_bytes()
    os.link(chapter, chapter.parent / "same.md")
    result = CliRunner().invoke(main, ["fix", "ch.md"])
    assert result.exit_code == 2
    assert result.stderr == "citelint: error: ch.md: cannot be written: it has 2 hard links and a safe rewrite would split them\n"
    assert chapter.read_bytes() == before == (chapter.parent / "same.md").read_bytes()


def test_fix_diff_writes_nothing(chapter: Path) -> None:
    before = chapter.read_bytes()
    result = CliRunner().invoke(main, ["fix", "--diff", "ch.md"])
    assert result.exit_code == 1
    assert b"-A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\r\n" in result.stdout_bytes
    assert b"+A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\r\n" in result.stdout_bytes
    assert chapter.read_bytes() == before


def test_fix_check(chapter: Path) -> None:
    before = chapter.read_bytes()
    result = CliRunner().invoke(main, ["fix", "--check", "ch.md"])
    assert result.exit_code == 1 and "ch.md: would be fixed: renumbered 2 markers" in result.stdout
    assert chapter.read_bytes() == before
    CliRunner().invoke(main, ["fix", "ch.md"])
    assert CliRunner().invoke(main, ["fix", "--check", "ch.md"]).exit_code == 0


def test_fix_refusal_is_printed_and_exits_one(chapter: Path) -> None:
    chapter.write_text("A. [CITATION 9] B. [CITATION 2] C. [CITATION 1]\n" + refs(), encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "ch.md"])
    assert result.exit_code == 1
    assert result.stdout == "ch.md: not fixed: reference 9 is cited but not in the reference list\n"


def test_fix_through_a_symlink_keeps_the_link(chapter: Path) -> None:
    os.symlink("ch.md", "link.md")
    assert CliRunner().invoke(main, ["fix", "link.md"]).exit_code == 0
    assert os.path.islink("link.md")
    assert "[CITATION 2] C. [CITATION 3]" in chapter.read_text(encoding="utf-8")


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_bytes(b"edited by the writer meanwhile\n")
    with pytest.raises(ChangedOnDisk):
        write_atomically(str(path), b"what citelint read\n", b"what citelint would write\n")
    assert path.read_bytes() == b"edited by the writer meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ch.md"]


# -- sub-items under `[n]` entries --------------------------------------------------

CITATION = re.compile(r"\[CITATION ([\d, ]+)\]")
LABEL_LINE = re.compile(r"\\?\[(\d+)\\?\]:? ")


def cited_entries(text: str) -> list[list[str]]:
    """What each marker cites, read by hand: under the heading, each `[n]` line
    starts entry n, and every other line that is not blank belongs to the entry above."""
    prose, _, listed = text.partition("## References\n")
    entries: dict[int, list[str]] = {}
    lines: list[str] = []
    for line in listed.split("\n"):
        label = LABEL_LINE.match(line)
        if label:
            lines = entries[int(label.group(1))] = [line[label.end() :]]
        elif line.strip():
            lines.append(line.strip())
    return [entries[int(number)] for marker in CITATION.findall(prose) for number in marker.split(",")]


SUB_ITEM_A = (
    b'A. [CITATION 4] B. [CITATION 2] C. [CITATION 3, 1]\n\n## References\n\n[1] "Alpha." Press, 2001. https://example.com/a\n\n'
    b'[2] "Beta." Press, 2002. https://example.com/b\n[3] "Gamma." Press, 2003. https://example.com/c\n   - a note on Gamma\n'
    b'[4] "Delta." Press, 2004. https://example.com/d\n'
).decode()
SUB_ITEM_B = (
    b'A. [CITATION 2] B. [CITATION 1] C. [CITATION 3]\n\n## References\n\n[1] "Alpha." Press, 2001. https://example.com/a\n'
    b'[2] "Beta." Press, 2002. https://example.com/b\n   - a note on Beta\n[3] "Gamma." Press, 2003. https://example.com/c\n'
).decode()
OUT_OF_ORDER_FOUR = "A. [CITATION 4] B. [CITATION 2] C. [CITATION 1] D. [CITATION 3]\n\n## References\n\n"
ALPHA, BETA, GAMMA, DELTA = (f'"{title}." Press, {year}. https://example.com/{title[0].lower()}' for title, year in (("Alpha", 2001), ("Beta", 2002), ("Gamma", 2003), ("Delta", 2004)))
SUB_ITEM_SHAPES = [
    pytest.param(SUB_ITEM_A, id="input-a"),
    pytest.param(SUB_ITEM_B, id="input-b"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1]: {ALPHA}\n  - a note on Alpha\n[2]: {BETA}\n[3]: {GAMMA}\n[4]: {DELTA}\n", id="colon-labels"),
    pytest.param(OUT_OF_ORDER_FOUR + f"\\[1\\] {ALPHA}\n\\[2\\] {BETA}\n   - a note on Beta\n\\[3\\] {GAMMA}\n\\[4\\] {DELTA}\n", id="pandoc-escaped-labels"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1] {ALPHA}\n[2] {BETA}\n   - a note on Beta\n\n[3] {GAMMA}\n[4] {DELTA}\n", id="sub-item-then-a-blank-line"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1] {ALPHA}\n   - one note\n   - another note\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", id="two-sub-items"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1] {ALPHA}\n   - on Alpha\n[2] {BETA}\n   - on Beta\n[3] {GAMMA}\n   - on Gamma\n[4] {DELTA}\n", id="sub-items-under-three-entries"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1] {ALPHA}\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n   - a note on Delta\n", id="under-the-last-entry"),
    pytest.param(OUT_OF_ORDER_FOUR + f"[1] {ALPHA}\n   - a note\n     - a note on the note\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", id="nested-sub-items"),
]


@pytest.mark.parametrize("text", SUB_ITEM_SHAPES)
def test_a_sub_item_moves_with_its_bracket_labelled_entry(text: str) -> None:
    result = fixed(text)
    assert cited_entries(result) == cited_entries(text)
    assert sorted(re.sub(r"\d", "", line) for line in result.split("\n")) == sorted(re.sub(r"\d", "", line) for line in text.split("\n"))
    assert list(lint_text(result)) == []
    assert fixed(result) == result


def test_input_a_is_renumbered_with_the_note_under_gamma() -> None:
    assert fixed(SUB_ITEM_A) == (
        'A. [CITATION 1] B. [CITATION 2] C. [CITATION 3, 4]\n\n## References\n\n[1] "Delta." Press, 2004. https://example.com/d\n\n'
        '[2] "Beta." Press, 2002. https://example.com/b\n[3] "Gamma." Press, 2003. https://example.com/c\n   - a note on Gamma\n'
        '[4] "Alpha." Press, 2001. https://example.com/a\n'
    )


def test_input_b_moves_the_note_with_beta() -> None:
    assert fixed(SUB_ITEM_B) == (
        'A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n## References\n\n[1] "Beta." Press, 2002. https://example.com/b\n'
        '   - a note on Beta\n[2] "Alpha." Press, 2001. https://example.com/a\n[3] "Gamma." Press, 2003. https://example.com/c\n'
    )


def test_the_cli_fixes_input_a_and_check_then_passes(tmp_path: Path) -> None:
    chapter = tmp_path / "chapter.md"
    chapter.write_bytes(SUB_ITEM_A.encode())
    runner = CliRunner()
    assert runner.invoke(main, ["fix", str(chapter)]).exit_code == 0
    written = chapter.read_bytes().decode()
    assert written.count("[4]") == 1 and "[1] " in written
    assert '[3] "Gamma." Press, 2003. https://example.com/c\n   - a note on Gamma\n[4] ' in written
    assert cited_entries(written) == cited_entries(SUB_ITEM_A)
    assert runner.invoke(main, ["check", str(chapter)]).exit_code == 0


@pytest.mark.parametrize(
    ("body", "line"),
    [
        pytest.param(f"[1] {ALPHA}\n- a note on Alpha\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", 6, id="right-under"),
        pytest.param(f"[1] {ALPHA}\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n\n- a note on Delta\n", 10, id="after-a-blank-line"),
    ],
)
def test_an_unindented_bullet_under_a_bracket_labelled_entry_is_not_guessed_at(body: str, line: int) -> None:
    text = OUT_OF_ORDER_FOUR + body
    result = fix_text(text)
    assert result.refused == (
        f"the bullet on line {line} may be a note on the entry above it or an entry of its own; "
        "indent it under that entry, or give it a label"
    )
    assert result.text == text


def test_a_bracket_labelled_line_taken_lazily_by_a_bullet_entry_is_not_moved_with_it() -> None:
    """A `[n]` line that Markdown reads as the text of a bullet entry above it is an
    entry of its own: `fix` does not carry its label along unrewritten."""
    text = OUT_OF_ORDER_FOUR.replace("D. [CITATION 3]", "") + f"[1] {ALPHA}\n\n### Online\n\n- a note\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n"
    result = fix_text(text)
    assert result.refused == "two entries are labelled 2; say which is which first"
    assert result.text == text


def test_a_marker_split_where_a_heading_ends_is_not_a_citation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`## Results [CITATION` is a heading and `2]` a paragraph (as Markdown renders
    them): no marker cites 2, so nothing is out of order and `fix` rewrites no `2]`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    data = (
        b'## Results [CITATION\n2]\n\nA claim. [CITATION 1]\n\n## References\n\n'
        b'1. "Alpha." Press, 2001. https://example.com/a\n2. "Beta." Press, 2002. https://example.com/b\n'
    )
    (tmp_path / "h.md").write_bytes(data)
    checked = CliRunner().invoke(main, ["check", "h.md"])
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[:2] == [
        "h.md:1:12: CIT005 malformed citation marker: `[CITATION` is never closed with `]`",
        "h.md:9:1: CIT002 reference 2 is never cited; cite it with [CITATION 2] or remove it",
    ]
    diff = CliRunner().invoke(main, ["fix", "--diff", "h.md"])
    assert (diff.exit_code, diff.stdout) == (0, "")
    assert CliRunner().invoke(main, ["fix", "h.md"]).exit_code == 0
    assert (tmp_path / "h.md").read_bytes() == data


def test_fix_writes_a_wrapped_marker_with_the_files_crlf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "crlf.md").write_bytes(CRLF_WRAPPED)
    diff = CliRunner().invoke(main, ["fix", "--diff", "crlf.md"])
    assert diff.exit_code == 1
    assert b"\n A claim. [CITATION\r\n-2] Another. [CITATION 1]\r\n+1] Another. [CITATION 2]\r\n" in diff.stdout_bytes  # the first line kept
    assert CliRunner().invoke(main, ["fix", "crlf.md"]).exit_code == 0
    assert (tmp_path / "crlf.md").read_bytes() == (
        b'A claim. [CITATION\r\n1] Another. [CITATION 2]\r\n\r\n## References\r\n\r\n'
        b'1. "Beta." Press, 2002. https://example.com/b\r\n2. "Alpha." Press, 2001. https://example.com/a\r\n'
    )


def test_book_numbering_writes_a_wrapped_marker_with_the_files_crlf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "book.toml").write_text('[book]\ntitle = "A book"\n', encoding="utf-8")
    (tmp_path / "src" / "SUMMARY.md").write_text("# Summary\n\n- [One](ch1.md)\n- [Two](ch2.md)\n", encoding="utf-8")
    (tmp_path / ".citelint.toml").write_text('numbering = "book"\n', encoding="utf-8")
    (tmp_path / "src" / "ch1.md").write_bytes(
        b"# One\r\n\r\nFirst. [CITATION\r\n2] Second. [CITATION 1]\r\n\r\n## References\r\n\r\n"
        b'1. "One." P, 2001. https://e.com/1\r\n2. "Two." P, 2002. (see [CITATION\r\n   1]) https://e.com/2\r\n'
    )
    (tmp_path / "src" / "ch2.md").write_bytes(b'# Two\r\n\r\nThird. [CITATION 3]\r\n\r\n## References\r\n\r\n3. "Three." P, 2003. https://e.com/3\r\n')
    assert CliRunner().invoke(main, ["fix"]).exit_code == 0
    assert (tmp_path / "src" / "ch1.md").read_bytes() == (
        b"# One\r\n\r\nFirst. [CITATION\r\n1] Second. [CITATION 2]\r\n\r\n## References\r\n\r\n"
        b'1. "Two." P, 2002. (see [CITATION\r\n   2]) https://e.com/2\r\n2. "One." P, 2001. https://e.com/1\r\n'
    )


def test_a_cross_reference_inside_the_list_is_named_as_one_and_keeps_its_entry_through_fix() -> None:
    """CIT006 said "cites nothing; remove it" of `See also [CITATION 2]` in an entry,
    advice that deletes the writer's text, while fix renumbers it with the list."""
    text = 'One [CITATION 2]. Two [CITATION 1].\n\n## References\n\n1. A. One. "First." 2020. See also [CITATION 2].\n2. B. Two. "Second." 2021.\n'
    [message] = [d.message for d in lint_text(text, Settings(placement="any")) if d.code == "CIT006"]
    assert message == (
        "[CITATION 2] is inside the reference list, where it counts as no citation: a cross-reference between entries "
        "(fix renumbers it with the list); cite the source in the text it supports"
    )
    fixed = fix_text(text, Settings(placement="any")).text
    assert fixed.endswith('1. B. Two. "Second." 2021.\n2. A. One. "First." 2020. See also [CITATION 1].\n')
