"""Finding the reference list the markers point to (issue 12, part C), reading
URLs and DOIs whole, and what a list that nothing cites gets."""

from __future__ import annotations

from typing import Optional

import pytest

from citelint import lint_text
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Severity
from citelint.document import PSEUDO_HEADING_LEVEL, is_closing_heading, is_heading_word
from citelint import fix_text
from citelint.patterns import find_dois, find_urls, iter_urls, without_links
from citelint.references import ReferenceList
from citelint.urls import links_of
from helpers import found

TWO_CITED = "A claim. [CITATION 1] Another. [CITATION 2]\n"
NOTES = '\n## Notes\n\n1. Smith, "One," 2020, 4.\n2. Doe, "Two," 2021, 9.\n'
BIBLIOGRAPHY = (
    '\n## Bibliography\n\n- Adams, A. "Alpha." Press, 2019. https://e.com/a\n'
    '- Baker, B. "Beta." Press, 2018. https://e.com/b\n- Clark, C. "Gamma." Press, 2017. https://e.com/c\n'
)


def reference_list(text: str) -> ReferenceList:
    references = Chapter.parse(text, Settings()).references
    assert references is not None
    return references


def heading_of(text: str) -> Optional[str]:
    references = reference_list(text)
    return None if references.heading is None else text.split("\n")[references.heading.first_line]


def entry_lines(text: str) -> list[tuple[int, int]]:
    return [(entry.number, entry.first_line + 1) for entry in reference_list(text).entries]


def lint(text: str) -> list[Diagnostic]:
    return list(lint_text(text, Settings()))


# -- 1. several candidate lists: chosen by evidence ------------------------------


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        pytest.param(TWO_CITED + NOTES + BIBLIOGRAPHY, "## Notes", id="numbered-notes-then-bullet-bibliography"),
        pytest.param(
            TWO_CITED + NOTES + BIBLIOGRAPHY.replace("- Adams", "1. Adams").replace("- Baker", "2. Baker").replace("- Clark", "3. Clark"),
            "## Notes",
            id="notes-fit-the-highest-marker-better-than-a-numbered-bibliography",
        ),
        pytest.param(
            "A claim. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]\n" + NOTES.replace("2. Doe", "Doe") + BIBLIOGRAPHY,
            "## Bibliography",
            id="only-the-bibliography-holds-the-cited-numbers",
        ),
        pytest.param(
            TWO_CITED + "\n## Notes\n\nA note that cites. [CITATION 1]\n" + BIBLIOGRAPHY,
            "## Bibliography",
            id="markers-inside-a-list-are-not-evidence-for-it",
        ),
        pytest.param(
            TWO_CITED + "\n## Sources\n\n- Talk with the editor.\n- Check the spelling.\n" + BIBLIOGRAPHY.replace("Bibliography", "References"),
            "## References",
            id="prose-notes-lose-to-references",
        ),
    ],
)
def test_the_list_the_markers_point_to_is_chosen_by_evidence(text: str, heading: str) -> None:
    assert heading_of(text) == heading
    assert reference_list(text).ambiguous_with is None
    assert "CIT009" not in [d.code for d in lint(text)]


def test_notes_then_bibliography_lints_clean_and_fix_reorders_the_notes() -> None:
    text = "A claim. [CITATION 2] Another. [CITATION 1]\n" + NOTES + BIBLIOGRAPHY
    assert found(text) == [("CIT003", 1, 10)]
    result = fix_text(text)
    assert result.refused is None
    assert result.text == (
        "A claim. [CITATION 1] Another. [CITATION 2]\n"
        + NOTES.replace('1. Smith, "One," 2020, 4.\n2. Doe, "Two," 2021, 9.', '1. Doe, "Two," 2021, 9.\n2. Smith, "One," 2020, 4.')
        + BIBLIOGRAPHY
    )


def test_notes_before_a_bibliography_may_be_short_forms() -> None:
    short = NOTES.replace('Smith, "One," 2020, 4.', "Smith, 47.")
    assert reference_list(TWO_CITED + short + BIBLIOGRAPHY).bibliography_at == 7  # 0-based
    assert found(TWO_CITED + short + BIBLIOGRAPHY) == []
    assert found(TWO_CITED + short) == [("CIT008", 5, 1), ("CIT008", 6, 1)]  # alone, notes are the references
    malformed = short.replace("Smith, 47.", "Smith, 47. https:/e.com/smith")
    assert found(TWO_CITED + malformed + BIBLIOGRAPHY) == [("CIT008", 5, 1)]


@pytest.mark.parametrize(
    ("text", "named", "kept"),
    [
        pytest.param(
            TWO_CITED + NOTES + NOTES.replace("Notes", "References"),
            3,
            8,
            id="two-numbered-lists-that-hold-the-markers-equally",
        ),
        pytest.param(
            "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n"
            + NOTES
            + BIBLIOGRAPHY.replace("- Clark", "- Clark, C. Again, 2016. https://e.com/d\n- Clark"),
            3,
            8,
            id="a-numbered-list-missing-one-against-a-longer-unnumbered-one",
        ),
    ],
)
def test_when_the_evidence_does_not_decide_one_warning_names_both_lists(text: str, named: int, kept: int) -> None:
    references = reference_list(text)
    assert references.ambiguous_with is not None and references.ambiguous_with + 1 == named
    assert references.line + 1 == kept
    warnings = [d for d in lint(text) if d.code == "CIT009"]
    assert len(warnings) == 1
    assert warnings[0].severity is Severity.WARNING and warnings[0].line == kept
    assert f"line {named} (" in warnings[0].message and f"line {kept} (" in warnings[0].message


def test_fix_does_not_renumber_when_the_evidence_does_not_decide() -> None:
    text = "A. [CITATION 2] B. [CITATION 1]\n" + NOTES + NOTES.replace("Notes", "References")
    result = fix_text(text)
    assert result.refused is not None and result.text == text


def test_a_single_list_or_no_marker_keeps_the_last_heading() -> None:
    assert heading_of(NOTES + BIBLIOGRAPHY) == "## Bibliography"
    assert reference_list(NOTES + BIBLIOGRAPHY).ambiguous_with is None


# -- 2. notes in the middle of a chapter -----------------------------------------

MIDDLE_NOTES = [
    pytest.param("Notes:", id="colon-line"),
    pytest.param("**Notes**", id="bold-line"),
    pytest.param("## Notes", id="heading"),
]
TRAILING = '"One." P, 2020. https://e.com/1\n"Two." P, 2021. https://e.com/2\n'


@pytest.mark.parametrize("heading", MIDDLE_NOTES)
def test_notes_in_the_middle_of_a_chapter_are_not_the_list(heading: str) -> None:
    text = f"First claim. [CITATION 1]\n\n{heading}\n- check the date with the archive\n\nSecond claim. [CITATION 2]\n\n{TRAILING}"
    references = reference_list(text)
    assert references.heading is None and entry_lines(text) == [(1, 8), (2, 9)]
    assert found(text) == []


@pytest.mark.parametrize("heading", MIDDLE_NOTES)
def test_notes_in_the_middle_then_a_headed_list(heading: str) -> None:
    text = (
        f"First claim. [CITATION 1]\n\n{heading}\n- check the date\n\nSecond claim. [CITATION 2]\n\n"
        f"## References\n\n1. {TRAILING.splitlines()[0]}\n2. {TRAILING.splitlines()[1]}\n"
    )
    assert heading_of(text) == "## References"
    assert found(text) == []


# -- 3. sections that end a list and are never one ---------------------------------

CLOSING = [
    "## Further reading",
    "### Further Reading",
    "**Further reading**",
    "Further reading:",
    "## Recommended reading",
    "**Selected Reading**",
    "## See also",
    "*See also*",
    "## Acknowledgements",
    "**Acknowledgments**",
    "## About the author",
    "**About the Author:**",
    "## Appendix",
    "### Appendix A: Survey questions",
    "**Appendix B**",
    "# Appendix 2 \u2014 Data",
]
FURTHER = '\n- Lee, L. "Extra." Press, 2015. https://e.com/x\n- Moss, M. "More." Press, 2014. https://e.com/y\n'


@pytest.mark.parametrize("closing", CLOSING)
def test_a_closing_section_ends_the_headed_list(closing: str) -> None:
    text = TWO_CITED + f"\n## References\n\n1. {TRAILING.splitlines()[0]}\n2. {TRAILING.splitlines()[1]}\n\n{closing}\n{FURTHER}"
    assert entry_lines(text) == [(1, 5), (2, 6)]
    assert found(text) == []


@pytest.mark.parametrize("closing", CLOSING)
def test_a_closing_section_after_an_unheaded_list(closing: str) -> None:
    text = PROSE_TWO + TRAILING + f"\n{closing}\n\nJane Doe writes about trade and lives in Lyon.\n"
    assert entry_lines(text) == [(1, 5), (2, 6)]
    assert found(text) == []


PROSE_TWO = "First claim. [CITATION 1]\n\nSecond claim. [CITATION 2]\n\n"


@pytest.mark.parametrize(
    ("line", "level", "closes"),
    [
        ("Further reading", PSEUDO_HEADING_LEVEL, True),
        ("**See also:**", PSEUDO_HEADING_LEVEL, True),
        ("Appendix A: Methods", PSEUDO_HEADING_LEVEL, True),
        ("Appendix A shows that the rates fell.", PSEUDO_HEADING_LEVEL, False),
        ("Appendix A shows that the rates fell", 2, True),
        ("Appendix A: the rates, as reported [CITATION 3].", PSEUDO_HEADING_LEVEL, False),
        ("Further reading matters to the argument.", PSEUDO_HEADING_LEVEL, False),
        ("Appendixes are fun", PSEUDO_HEADING_LEVEL, False),
        ("References", PSEUDO_HEADING_LEVEL, False),
    ],
)
def test_what_counts_as_a_closing_heading(line: str, level: int, closes: bool) -> None:
    assert is_closing_heading(line, level) is closes


def test_a_sentence_starting_with_appendix_is_prose() -> None:
    text = "Claim. [CITATION 1]\n\nAppendix A shows that the rates fell. [CITATION 2]\n\n" + TRAILING
    assert entry_lines(text) == [(1, 5), (2, 6)]
    assert found(text) == []


# -- 4. pandoc/Quarto heading attributes -------------------------------------------


@pytest.mark.parametrize(
    "heading",
    ["## References {#sec-refs .unnumbered}", "# Bibliography {-}", "## Notes {.unnumbered}", "References {#refs}\n----------"],
)
def test_heading_attributes_are_not_part_of_the_heading_word(heading: str) -> None:
    text = TWO_CITED + f"\n{heading}\n\n1. {TRAILING.splitlines()[0]}\n2. {TRAILING.splitlines()[1]}\n"
    assert reference_list(text).heading is not None
    assert found(text) == []


def test_heading_attributes_unit() -> None:
    words = Settings().heading_words
    assert is_heading_word("References {#sec-refs .unnumbered}", words)
    assert not is_heading_word("Referencesx {#sec-refs}", words)


HEADING_LINES = [
    "References", "**Sources:**", "_Notes_", "5 References", "7.2. 参考文献", "IV. Bibliography", "WORKS CITED",
    "References {#sec-refs .unnumbered}", "Further reading", "**See also:**", "Acknowledgements", "About the Authors",
    "Appendix A: Methods", "APPENDICES", "Straße", "STRASSE", "ǄEMAL", "Appendix A shows that the rates fell.",
    "Referencesx", "a references b", "Notes on method", "Reading", "append", "x" * 90 + " Notes",
]


@pytest.mark.parametrize("filler", ["a", "Some words of a line"])
def test_in_a_text_of_many_short_lines_the_heading_lines_are_found_by_a_search(filler: str) -> None:
    """A plain-text chapter of short lines (each a paragraph) has only the lines that
    hold a heading word or a closing section's key word read as a heading may be:
    each line that is a heading by ``is_list_heading`` is made one, and no other."""
    from citelint.document import Document, is_list_heading

    words = Settings(reference_headings=("References", "Sources", "Notes", "Bibliography", "Works Cited", "参考文献", "Strasse", "ǅemal")).heading_words
    lines = [line for heading in HEADING_LINES for line in (heading, filler, filler)] * 40
    document = Document("\n".join(lines) + "\n", words, plain_text=True)
    assert document.plain and len(document.blocks) == len(lines)  # many short blocks: the search reads it
    headings = [block.first_line for block in document.blocks.of_kind("heading")]
    expected = [number for number, line in enumerate(lines) if is_list_heading(line, words, PSEUDO_HEADING_LEVEL)]
    assert headings == expected and len(expected) == 40 * 17


# -- 5. reference tables ------------------------------------------------------------

TABLE = (
    "\n## Sources\n\n| # | Source | Link |\n|---|:-------|------|\n"
    '| 1 | "Mercury." Wikipedia, 2024 | [wiki](https://en.wikipedia.org/wiki/Mercury_(planet)) |\n'
    '| 2 | "Outbreak." The Lancet, 2020 | <https://doi.org/10.1016/S0140-6736(20)30183-5> |\n'
    '| 3 | "Clinical features." The Lancet, 2020 | https://doi.org/10.1016/S0140-6736(20)30185-9 |\n'
)
THREE_CITED = "One. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]\n"


def test_table_rows_are_entries_labelled_by_their_number_column() -> None:
    references = reference_list(THREE_CITED + TABLE)
    assert [(e.number, e.label, e.first_line + 1) for e in references.entries] == [(1, 1, 7), (2, 2, 8), (3, 3, 9)]
    assert references.entries[0].text == '"Mercury." Wikipedia, 2024 [wiki](https://en.wikipedia.org/wiki/Mercury_(planet))'
    assert [e.urls for e in references.entries] == [
        ("https://en.wikipedia.org/wiki/Mercury_(planet)",),
        ("https://doi.org/10.1016/S0140-6736(20)30183-5",),
        ("https://doi.org/10.1016/S0140-6736(20)30185-9",),
    ]
    assert found(THREE_CITED + TABLE) == []  # the two Lancet papers are not duplicates


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(TABLE.replace("| 2 |", "| 4 |"), [("CIT001", 1, 24), ("CIT002", 8, 1), ("CIT011", 8, 1)], id="wrong-label"),  # and CIT004's
        pytest.param(TABLE.replace("| # ", "").replace("|---", "").replace("| 1 ", "").replace("| 2 ", "").replace("| 3 ", ""), [], id="no-number-column"),
        pytest.param(TABLE.replace("| 1 |", "| [1] |").replace("| 2 |", "| 2. |").replace("| 3 |", "| 3) |"), [], id="bracketed-and-dotted-numbers"),
        pytest.param(TABLE.replace('| 1 | "Mercury."', '| "Mercury."'), [], id="a-row-without-its-number-numbers-by-position"),
        pytest.param(TABLE.replace("\n## Sources\n", "\n**Sources**\n"), [], id="under-a-bold-line"),
        pytest.param(TABLE.replace("\n## Sources\n", ""), [], id="unheaded-table-ending-the-file"),
        pytest.param(
            TABLE.replace("| # ", "| Year ").replace("| 1 |", "| 2024 |").replace("| 2 |", "| 2020 |").replace("| 3 |", "| 2020 |"),
            [],
            id="a-column-of-years-is-not-a-numbering",
        ),
        pytest.param(
            TABLE.replace("| # ", "| No. ").replace("| 3 |", "| 30 |"),
            [("CIT001", 1, 44), ("CIT002", 9, 1), ("CIT011", 9, 1)],
            id="a-numbering-column-by-its-title-keeps-a-typo",
        ),
    ],
)
def test_reference_tables(table: str, expected: list[tuple[str, int, int]]) -> None:
    actual = found(THREE_CITED + table)
    assert [finding for finding in actual if finding[0] != "CIT004"] == expected


def test_fix_renumbers_table_rows() -> None:
    text = "One. [CITATION 2] Two. [CITATION 1] Three. [CITATION 3]\n" + TABLE
    result = fix_text(text)
    assert result.refused is None and result.moved == 2
    rows = result.text.split("\n")[6:9]
    assert rows[0].startswith('| 1 | "Outbreak."') and rows[1].startswith('| 2 | "Mercury."') and rows[2].startswith("| 3 |")


# -- 6. a list that nothing cites ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "# Crypto\n\nProse about hashing.\n\n## References\n\n"
            '1. "One." P, 2020. https://e.com/1\n2. "Two." P.\n3. Three, no link\n4. "One." P, 2020. https://e.com/1\n',
            [("CIT002", 5, 1)],
            id="references-and-no-marker-one-warning",
        ),
        pytest.param(
            "Prose.\n\n## Notes\n\n- Keep the API stable.\n- Mind the gap between releases.\n- Use *emphasis* sparingly.\n",
            [],
            id="prose-notes-nothing",
        ),
        pytest.param("Prose.\n\nSources:\nA talk with the editor\nAn interview in Lyon\n", [], id="plain-text-prose-sources-nothing"),
        pytest.param("Prose.\n\n## Notes\n\n1. Keep it short.\n3. Ask the editor.\n", [], id="prose-notes-with-odd-numbers-nothing"),
        pytest.param(
            "Prose.\n\n## Notes\n\n* The [plan](https://github.com/nodejs/Release) covers LTS releases.\n"
            "* Release versions in **bold** text are the most recent supported releases.\n",
            [],
            id="notes-that-mention-a-link-nothing",
        ),
        pytest.param(
            'Prose.\n\nNotes:\n\n* Dates listed below as _"YYYY-MM-DD"_ are UTC.\n* Examples use the version `1.2.3`.\n'
            "* Follow the security steps.\n",
            [],
            id="notes-with-a-quoted-format-nothing",
        ),
        pytest.param(
            "Prose with `[CITATION 1]` in code.\n\n## Sources\n\n- Smith, 2020.\n",
            [("CIT002", 3, 1)],
            id="markers-only-in-code",
        ),
    ],
)
def test_a_list_that_nothing_cites_gets_at_most_one_finding(text: str, expected: list[tuple[str, int, int]]) -> None:
    diagnostics = lint(text)
    assert [(d.code, d.line, d.column) for d in diagnostics] == expected
    if not expected:
        assert Chapter.parse(text, Settings()).references is None  # prose notes are not a reference list
    for diagnostic in diagnostics:
        assert diagnostic.severity is Severity.WARNING
        assert "cites none" in diagnostic.message


def test_the_one_finding_counts_the_entries() -> None:
    text = "Prose.\n\n## Sources\n\n- Smith, 2020.\n- Doe, 2021.\n"
    [diagnostic] = lint(text)
    assert diagnostic.message.startswith("the reference list has 2 entries and the chapter cites none")


# -- 7. CIT008 says what to add --------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'Smith, J. "A Study." Press.',
            "reference 1 has no URL or DOI and no year; add the source's URL or DOI and the year it was published (n.d. if undated)",
        ),
        ('Smith, J. "A Study." Press. https://e.com/s', "reference 1 has no year; add the year it was published (n.d. if undated)"),
        ('Smith, J. "A Study." Press, 2019.', "reference 1 has no URL or DOI; add the source's URL or DOI"),
        (
            'Smith, J. "A Study." Press, 2019. www.e.com/study',
            "reference 1 has a malformed URL `www.e.com/study` (a URL needs a scheme and a host); write `https://www.e.com/study`",
        ),
        pytest.param(  # as Wikipedia's references end an address: the period is the sentence's
            '"Pacific Black Duck". www.wiresnr.org. Retrieved 2018-04-27.',
            "reference 1 has a malformed URL `www.wiresnr.org` (a URL needs a scheme and a host); write `https://www.wiresnr.org`",
            id="schemeless-before-a-period",
        ),
        (
            'Smith, J. "A Study." Press. https:/e.com/study',
            "reference 1 has a malformed URL `https:/e.com/study` (a URL needs a scheme and a host) and no year; "
            "write it with `https://` and the host; add the year it was published (n.d. if undated)",
        ),
        ('Smith, J. "A Study." Press. https://e.com/2019/study', "reference 1 has no year; add the year it was published (n.d. if undated)"),
        ('Smith, J. "A Study." Press, n.d. https://e.com/study', None),
    ],
)
def test_cit008_says_what_to_add(entry: str, message: Optional[str]) -> None:
    text = f"A claim. [CITATION 1]\n\n## References\n\n1. {entry}\n"
    messages = [d.message for d in lint(text) if d.code == "CIT008"]
    assert messages == ([] if message is None else [message])


@pytest.mark.parametrize(
    ("url", "malformed"),
    [
        ("http://LOCALHOST:8080/page", False),
        ("http://user@LocalHost/x", False),
        ("http://2130706433/x", False),
        ("http://0x7f000001/x", False),
        ("http://[::1]:8080/x", False),
        ("https://EXAMPLE.com:443/x", False),
        ("http://example/x", True),
        ("http://localhostile/x", True),
        ("http://:80/x", True),
        ("http://user@/x", True),
    ],
)
def test_cit008_reads_the_host_of_a_url(url: str, malformed: bool) -> None:
    """The host is read past any user and before any port, in any case; an IPv4
    address written as one number is a host, a single word is not."""
    text = f'A claim. [CITATION 1]\n\n## References\n\n1. Smith, J. "A Study." Press, 2019. {url}\n'
    messages = [d.message for d in lint(text) if d.code == "CIT008"]
    assert messages == ([f"reference 1 has a malformed URL `{url}` (a URL needs a scheme and a host); write the address in full, with its host"] if malformed else [])


# -- 8. URLs and DOIs read whole ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see https://en.wikipedia.org/wiki/Mercury_(planet).", ("https://en.wikipedia.org/wiki/Mercury_(planet)",)),
        ("[Mercury](https://en.wikipedia.org/wiki/Mercury_(planet))", ("https://en.wikipedia.org/wiki/Mercury_(planet)",)),
        ("<https://en.wikipedia.org/wiki/Mercury_(planet)>", ("https://en.wikipedia.org/wiki/Mercury_(planet)",)),
        ("(see https://x.org/a)", ("https://x.org/a",)),
        ("(see https://x.org/a).", ("https://x.org/a",)),
        ("[text](https://x.org/a) and https://x.org/b, then", ("https://x.org/a", "https://x.org/b")),
        ("https://doi.org/10.1016/S0140-6736(20)30183-5;", ("https://doi.org/10.1016/S0140-6736(20)30183-5",)),
        ("https://x.org/a_(b_(c))!", ("https://x.org/a_(b_(c))",)),
        ("https://x.org/a(b", ("https://x.org/a(b",)),
        ("http://[2001:db8::1]/path and http://[::1]:8080/", ("http://[2001:db8::1]/path", "http://[::1]:8080/")),
        ("https://x.org/page?q=1#top.", ("https://x.org/page?q=1#top",)),
        ('"https://x.org/quoted"', ("https://x.org/quoted",)),
        (
            "https://doi.org/10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J",
            ("https://doi.org/10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J",),
        ),
        ("https://", ("https://",)),
        ("no link here", ()),
    ],
)
def test_urls_are_read_whole(text: str, urls: tuple[str, ...]) -> None:
    assert find_urls(text) == urls
    for found_url in iter_urls(text):
        assert text[found_url.start : found_url.end] == found_url.text


@pytest.mark.parametrize(
    ("text", "dois"),
    [
        ("doi:10.1016/S0140-6736(20)30183-5.", ("10.1016/S0140-6736(20)30183-5",)),
        ("(doi:10.1000/xyz123)", ("10.1000/xyz123",)),
        (
            "doi:10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J.",
            ("10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J",),
        ),
        ("https://doi.org/10.1000/abc, 2020", ("10.1000/abc",)),
        ("10.1000/a<b", ("10.1000/a",)),
        ("version 10.2 of it", ()),
    ],
)
def test_dois_are_read_whole(text: str, dois: tuple[str, ...]) -> None:
    assert find_dois(text) == dois


def test_a_year_inside_a_link_is_not_a_year() -> None:
    assert without_links("Paper https://e.com/2019/x doi:10.2000/1999 2020").split() == ["Paper", "doi:", "2020"]


def test_two_lancet_papers_are_not_duplicates_but_one_cited_twice_is() -> None:
    lancet = (
        "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n"
        '1. Huang, C. "Clinical features." Lancet, 2020. https://doi.org/10.1016/S0140-6736(20)30183-5\n'
        '2. Chen, N. "Epidemiological features." Lancet, 2020. https://doi.org/10.1016/S0140-6736(20)30211-7\n'
    )
    assert found(lancet) == []
    twice = lancet.replace("https://doi.org/10.1016/S0140-6736(20)30211-7", "doi:10.1016/s0140-6736(20)30183-5")
    assert found(twice) == [("CIT007", 6, 1)]


def test_url_checks_take_the_whole_address() -> None:
    text = (
        "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n## References\n\n"
        "1. Mercury, 2024. [wiki](https://en.wikipedia.org/wiki/Mercury_(planet)).\n"
        "2. Local, 2024. http://[::1]:8080/page\n"
        "3. Wiley, 1996. doi:10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J.\n"
    )
    chapter = Chapter.parse(text, Settings())
    links = list(links_of(chapter))
    assert [link.url for link in links] == [
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        "http://[::1]:8080/page",
        "https://doi.org/10.1002/(SICI)1097-4636(199603)30:3<385::AID-JBM13>3.0.CO;2-J",
    ]
    for link in links[:2]:
        assert chapter.document.text[link.start : link.end] == link.url


@pytest.mark.parametrize(
    "text",
    [
        "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n1. Smith. 2020. https://e.com/a [CITATION 2]\n2. Doe. 2021. https://e.com/b [CITATION 1]",
        "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n1. Smith. 2020. https://e.com/a\n2. Doe. 2021. https://e.com/b [CITATION 1]\n",
        "A. [CITATION 1]\n\n## References\n\n1. Smith. 2020. https://e.com/a\n\nAfter the list. [CITATION 1]\n",
        "[CITATION 1] first.\n\n1. Smith. 2020. https://e.com/a [CITATION 1]\n",
    ],
)
def test_a_marker_is_in_the_list_exactly_when_its_line_is(text: str) -> None:
    """Whether a marker is within the reference list is decided by offsets (asked for
    every marker); it must agree with the list's lines, at the list's first and last
    line, at the end of a file with or without its last newline, and just after it."""
    chapter = Chapter.parse(text, Settings())
    references = chapter.references
    assert references is not None
    by_line = [references.holds_line(chapter.document.line_of(marker.start)) for marker in chapter.markers]
    assert [chapter.in_reference_list(marker) for marker in chapter.markers] == by_line
    assert chapter.citations() == [marker for marker, inside in zip(chapter.markers, by_line) if marker.cites and not inside]
    inside = [d.line for d in lint_text(text) if d.code == "CIT006" and "inside the reference list" in d.message]
    assert inside == [chapter.document.line_of(m.start) + 1 for m, held in zip(chapter.markers, by_line) if held]
    assert any(by_line) == ("[CITATION" in text.split("\n1. ", 1)[1].split("\n\n")[0])


# -- sub-items under `[n]` entries ------------------------------------------------
# Markdown reads `[n] …` lines as one paragraph and an indented `- note` under one of
# them as a list, whose paragraph takes the `[n]` lines after it lazily; citelint reads
# `[n]` entries line by line: each `[n]` line starts an entry, and a sub-item belongs
# to the entry above it, as under a `1.` entry.

ALPHA = '"Alpha." Press, 2001. https://example.com/a'
BETA = '"Beta." Press, 2002. https://example.com/b'
GAMMA = '"Gamma." Press, 2003. https://example.com/c'
DELTA = '"Delta." Press, 2004. https://example.com/d'
CITES_FOUR = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3] D. [CITATION 4]\n\n## References\n\n"


def entry_spans(text: str) -> list[tuple[int, int, int]]:
    """Each entry's number, first and last line (1-based)."""
    return [(entry.number, entry.first_line + 1, entry.last_line + 1) for entry in reference_list(text).entries]


@pytest.mark.parametrize(
    ("body", "spans"),
    [
        pytest.param(f"[1] {ALPHA}\n[2] {BETA}\n   - a note on Beta\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 5), (2, 6, 7), (3, 8, 8), (4, 9, 9)], id="sub-item"),
        pytest.param(f"[1] {ALPHA}\n\n[2] {BETA}\n[3] {GAMMA}\n   - a note on Gamma\n[4] {DELTA}\n", [(1, 5, 5), (2, 7, 7), (3, 8, 9), (4, 10, 10)], id="after-a-blank-line"),
        pytest.param(f"[1]: {ALPHA}\n  - a note on Alpha\n[2]: {BETA}\n[3]: {GAMMA}\n[4]: {DELTA}\n", [(1, 5, 6), (2, 7, 7), (3, 8, 8), (4, 9, 9)], id="colon-labels"),
        pytest.param(f"\\[1\\] {ALPHA}\n\\[2\\] {BETA}\n   - a note on Beta\n\\[3\\] {GAMMA}\n\\[4\\] {DELTA}\n", [(1, 5, 5), (2, 6, 7), (3, 8, 8), (4, 9, 9)], id="pandoc-escaped-labels"),
        pytest.param(f"[1] {ALPHA}\n[2] {BETA}\n   - a note on Beta\n\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 5), (2, 6, 7), (3, 9, 9), (4, 10, 10)], id="sub-item-then-a-blank-line"),
        pytest.param(f"[1] {ALPHA}\n[2] {BETA}\n   - one note\n   - another note\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 5), (2, 6, 8), (3, 9, 9), (4, 10, 10)], id="two-sub-items"),
        pytest.param(f"[1] {ALPHA}\n   - on Alpha\n[2] {BETA}\n   - on Beta\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 6), (2, 7, 8), (3, 9, 9), (4, 10, 10)], id="sub-items-under-two-entries"),
        pytest.param(f"[1] {ALPHA}\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n   - a note on Delta\n", [(1, 5, 5), (2, 6, 6), (3, 7, 7), (4, 8, 9)], id="under-the-last-entry"),
        pytest.param(f"[1] {ALPHA}\n   - a note\n     - a note on the note\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 7), (2, 8, 8), (3, 9, 9), (4, 10, 10)], id="nested-sub-items"),
        pytest.param(f"[1] {ALPHA}\n   1. a numbered note\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 6), (2, 7, 7), (3, 8, 8), (4, 9, 9)], id="numbered-sub-item"),
        pytest.param(f"[1] {ALPHA}\n   Note: a note on Alpha\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 6), (2, 7, 7), (3, 8, 8), (4, 9, 9)], id="indented-note"),
        pytest.param(f"[1] {ALPHA}\n   - a note\nthat wraps\n[2] {BETA}\n[3] {GAMMA}\n[4] {DELTA}\n", [(1, 5, 7), (2, 8, 8), (3, 9, 9), (4, 10, 10)], id="wrapped-sub-item"),
    ],
)
def test_a_sub_item_belongs_to_the_bracket_labelled_entry_above_it(body: str, spans: list[tuple[int, int, int]]) -> None:
    text = CITES_FOUR + body
    assert entry_spans(text) == spans
    assert found(text) == []


def test_a_sub_item_is_part_of_its_entrys_text() -> None:
    text = CITES_FOUR + f"[1] {ALPHA}\n[2] {BETA}\n   - a note on Beta\n[3] {GAMMA}\n[4] {DELTA}\n"
    assert [entry.text for entry in reference_list(text).entries] == [ALPHA, f"{BETA} - a note on Beta", GAMMA, DELTA]


def test_a_sub_item_does_not_hide_the_entries_after_it() -> None:
    text = f"A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n## References\n\n[1] {ALPHA}\n  - about Alpha\n[2] {BETA}\n[3] {GAMMA}\n"
    assert found(text) == []
    assert [entry.number for entry in reference_list(text).entries] == [1, 2, 3]


def test_a_sub_item_under_a_numbered_entry_reads_as_it_did() -> None:
    text = CITES_FOUR + f"1. {ALPHA}\n2. {BETA}\n   - a note on Beta\n3. {GAMMA}\n4. {DELTA}\n"
    assert entry_spans(text) == [(1, 5, 5), (2, 6, 7), (3, 8, 8), (4, 9, 9)]
    assert found(text) == []


def test_an_unindented_bullet_that_is_a_reference_stays_an_entry_of_its_own() -> None:
    text = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n## References\n\n" + f"[1] {ALPHA}\n[2] {BETA}\n- {GAMMA}\n"
    assert entry_spans(text) == [(1, 5, 5), (2, 6, 6), (3, 7, 7)]
    assert found(text) == []


@pytest.mark.parametrize("heading", ["# 参考文献", "## 5 参考文献", "### 7.2. References", "## Literaturverzeichnis", "## Bibliografía:", "## Список литературы", "## 参考文献："])
def test_a_reference_heading_in_another_language_or_with_a_section_number_opens_the_list(heading: str) -> None:
    """pumpkin-book and spark-ml-source-analysis (Chinese) list their sources under
    `# 5 参考文献`: with entries that do not look like references on their own (a link
    to a local PDF), the list was not found, and every chapter was "CIT009: no
    reference list" with CIT006 on each entry's label."""
    text = (
        "X [2] y [1] z [3].\n\n" + heading + "\n\n[1] [A](http://a.com/1)\n\n[2] [B](docs/B.pdf)\n\n[3] [C](docs/C.pdf)\n"
    )
    chapter = Chapter.parse(text, Settings(marker_style="brackets"))
    assert chapter.references is not None and [entry.number for entry in chapter.references.entries] == [1, 2, 3]
    found = [(d.code, d.line) for d in lint_text(text, Settings(marker_style="brackets"))]
    assert ("CIT003", 1) in found and not [code for code, line in found if code in ("CIT009", "CIT006") and line > 1]


def test_fullwidth_labels_are_the_entries_labels_in_chinese_text() -> None:
    """`【1】[Title](url)` (no space after the label, as Chinese text writes it) labels
    entry 1; its label is no marker citing it from inside the list."""
    text = "见【2】，又【1】。\n\n# 5 参考文献\n\n【1】[A](http://a.com/1)\n\n【2】[B](docs/B.pdf)\n\n【3】[C](docs/C.pdf)\n"
    chapter = Chapter.parse(text, Settings(marker_style="brackets"))
    assert chapter.references is not None
    assert [(entry.number, entry.label, entry.form) for entry in chapter.references.entries] == [(1, 1, "bracketed"), (2, 2, "bracketed"), (3, 3, "bracketed")]
    assert [marker.text for marker in chapter.citations()] == ["【2】", "【1】"]
    result = fix_text(text, Settings(marker_style="brackets", require_url=False))
    assert result.refused is None
    assert result.text == "见【1】，又【2】。\n\n# 5 参考文献\n\n【1】[B](docs/B.pdf)\n\n【2】[A](http://a.com/1)\n\n【3】[C](docs/C.pdf)\n"
