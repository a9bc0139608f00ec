"""Manuscripts in the shapes writers' tools export them (issue 12 C): a book
compiled into one file, and plain-text chapters with indented paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint import fix_text, lint_text
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.cli import cli


def chapter(number: int, prose: str, titles: tuple[str, ...]) -> str:
    entries = "".join(f'{n}. "{title}." Example Press, 202{n}. https://example.com/{number}/{n}\n' for n, title in enumerate(titles, 1))
    return f"# Chapter {number}\n\n{prose}\n\n## References\n\n{entries}\n"


GOOD_37 = chapter(37, "First. [CITATION 1] Second. [CITATION 2]", ("Alpha", "Beta"))
SWAPPED_38 = chapter(38, "A claim. [CITATION 2] Another. [CITATION 1]", ("Gamma", "Delta"))


def test_each_chapter_of_a_compiled_book_is_checked_with_its_own_list() -> None:
    found = lint_text(GOOD_37 + SWAPPED_38)
    assert [(d.code, d.line) for d in found] == [("CIT003", 12)]


def test_markers_of_one_chapter_never_resolve_against_another_chapters_list() -> None:
    """Chapter 37 cites 3 and has two entries; chapter 38 has three: still CIT001."""
    ch37 = chapter(37, "First. [CITATION 1] Second. [CITATION 2] Third. [CITATION 3]", ("Alpha", "Beta"))
    ch38 = chapter(38, "One. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]", ("Gamma", "Delta", "Epsilon"))
    found = lint_text(ch37 + ch38)
    assert [(d.code, d.line) for d in found] == [("CIT001", 3)]


def test_fix_renumbers_each_chapter_of_a_compiled_book_on_its_own() -> None:
    fixed = fix_text(GOOD_37 + SWAPPED_38)
    assert fixed.refused is None
    assert fixed.text.startswith(GOOD_37)
    rest = fixed.text[len(GOOD_37) :]
    assert "A claim. [CITATION 1] Another. [CITATION 2]" in rest
    assert rest.index('"Delta."') < rest.index('"Gamma."')
    assert lint_text(fixed.text) == []


def test_a_refusal_in_one_chapter_of_a_book_leaves_the_whole_file() -> None:
    broken = chapter(38, "A claim. [CITATION 2] Another. [CITATION 1] And [CITATION 3] here.", ("Gamma", "Delta"))
    text = SWAPPED_38.replace("38", "36") + broken
    fixed = fix_text(text)
    assert fixed.text == text
    assert fixed.refused == "in the chapter from line 10: reference 3 is cited but not in the reference list"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "# Chapter 1\n\nA [CITATION 1] b [CITATION 2].\n\n## References\n\n"
            '1. "A." P, 2020. https://e.com/1\n2. "B." P, 2021. https://e.com/2\n\n'
            "# Appendix\n\nMore [CITATION 1] here.\n",
            id="appendix-after-references",
        ),
        pytest.param(
            "# One chapter\n\nA [CITATION 1] b [CITATION 2].\n\n## References\n\n"
            '1. "A." P, 2020. https://e.com/1\n2. "B." P, 2021. https://e.com/2\n\n'
            "# Afterword\n\nNo citations here.\n\n## Sources\n\n- \"Other.\" P, 2022. https://e.com/3\n",
            id="second-list-without-markers",
        ),
        pytest.param(  # found on solana-foundation/solana-improvement-documents
            "# Proposal\n\n## Design\n\nWhy recompute it? [CITATION 1]\n\nNotes:\n\n- The order is irrelevant.\n- The result is the same.\n\n"
            "## Alternatives\n\nKnown attacks exist. [CITATION 2]\n\n## Bibliography\n\n"
            '1. "A." P, 2020. https://e.com/1\n2. "B." P, 2021. https://e.com/2\n',
            id="notes-aside-in-a-section-then-the-bibliography",
        ),
        pytest.param(
            "# Proposal\n\n## Design\n\nWhy recompute it? [CITATION 1]\n\n### Notes\n\n- The order is irrelevant.\n- The result is the same.\n\n"
            "## Alternatives\n\nKnown attacks exist. [CITATION 2]\n\n## Bibliography\n\n"
            '1. "A." P, 2020. https://e.com/1\n2. "B." P, 2021. https://e.com/2\n',
            id="notes-subsection-then-the-bibliography",
        ),
    ],
)
def test_a_single_chapter_is_not_split(text: str) -> None:
    from citelint.chapter import Chapter
    from citelint.config import Settings

    assert Chapter.parse(text, Settings()).parts == ()


def test_a_notes_aside_before_the_bibliography_is_neither_a_chapter_nor_its_list() -> None:
    """A proposal whose design section ends with a ``Notes:`` aside, cited later from
    its Bibliography: one chapter, its notes not reported as references never cited
    ("remove it") nor without a URL (found on solana-foundation/solana-improvement-documents)."""
    text = (
        "# Proposal\n\n## Design\n\nWhy recompute it? [CITATION 1]\n\nNotes:\n\n- The order is irrelevant.\n- The result is the same.\n\n"
        "## Alternatives\n\nKnown attacks exist. [CITATION 3]\n\nAnd this. [CITATION 2]\n\n## Bibliography\n\n"
        '1. "A." P, 2020. https://e.com/1\n2. "B." P, 2021. https://e.com/2\n3. "C." P, 2022. https://e.com/3\n'
    )
    assert [(d.code, d.line) for d in lint_text(text)] == [("CIT003", 14)]


# -- plain text -------------------------------------------------------------------

SCRIVENER = (
    "The Deal\n\n"
    "\tThe summit changed everything. [CITATION 2]\n\n"
    "\tLater events followed. [CITATION 1]\n\n"
    '\t"The Summit." Example News, 2023. https://example.com/summit\n\n'
    '\t"Later." Example News, 2024. https://example.com/later\n'
)


def test_indented_paragraphs_of_a_plain_text_chapter_are_prose(tmp_path: Path) -> None:
    (tmp_path / "ch.txt").write_text(SCRIVENER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--no-cache", str(tmp_path / "ch.txt")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == ["CIT003"]
    assert lines[0].startswith(f"{tmp_path / 'ch.txt'}:3:33: CIT003")


def test_fix_renumbers_an_indented_plain_text_chapter(tmp_path: Path) -> None:
    path = tmp_path / "ch.txt"
    path.write_text(SCRIVENER, encoding="utf-8")
    assert CliRunner().invoke(cli, ["fix", str(path)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "everything. [CITATION 1]" in text and "followed. [CITATION 2]" in text
    assert text.index('"Later."') < text.index('"The Summit."')
    assert text.count("\t") == SCRIVENER.count("\t")


def test_markers_only_in_indented_prose_are_one_warning() -> None:
    text = (
        "    The summit changed everything. [CITATION 2]\n\n    Later events followed. [CITATION 1]\n\n"
        "## References\n\n1. \"A.\" P, 2020. https://e.com/1\n2. \"B.\" P, 2021. https://e.com/2\n"
    )
    found = [d for d in lint_text(text) if d.code == "CIT015"]
    assert [(d.line, d.column) for d in found] == [(1, 5)]
    assert found[0].message.startswith("2 markers sit only in an indented code block that reads as prose")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("A claim. [CITATION 1]\n\n    Example: [CITATION 1] is how a marker looks.\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/1\n", id="prose-markers-too"),
        pytest.param("Intro.\n\n    if (x) { cite([CITATION 1]); }\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/1\n", id="real-code"),
    ],
)
def test_indented_code_that_is_code_or_beside_prose_markers_is_fine(text: str) -> None:
    assert [d.code for d in lint_text(text) if d.code == "CIT015"] == []


# -- hard-wrapped reference entries (pandoc at 72 columns, editors' reflow) -----

WRAPPED_ENTRIES = (
    'Smith, John. "The Summit That Changed Everything." Example News, March 3,\n'
    "2023. https://example.com/news/summit-changed-everything\n\n"
    'Doe, Jane. "Later Events." Example Weekly, 2024.\n'
    "https://example.com/weekly/later\n\n"
    'Panda, Ankit. "What Did Russia and North Korea Actually Agree To?"\n'
    "Carnegie Endowment for International Peace, September 15, 2023.\n"
    "https://example.com/carnegie\n\n"
    'Roe, Richard. "Spring." Example Monthly, 2022. https://example.com/spring\n'
)
WRAPPED_PROSE = "First. [CITATION 1] Second. [CITATION 2] Third. [CITATION 4] Fourth. [CITATION 3]\n\n"


@pytest.mark.parametrize("heading", [pytest.param("## References\n\n", id="headed"), pytest.param("", id="unheaded")])
def test_a_hard_wrapped_entry_is_one_entry(heading: str) -> None:
    text = WRAPPED_PROSE + heading + WRAPPED_ENTRIES
    assert [(d.code, d.column) for d in lint_text(text)] == [("CIT003", 49)]
    fixed = fix_text(text)
    assert fixed.refused is None and fixed.moved == 2
    assert fixed.text.index('"Spring."') < fixed.text.index('"What Did Russia')
    assert "Carnegie Endowment for International Peace, September 15, 2023.\nhttps://example.com/carnegie\n" in fixed.text


def test_entries_one_per_line_are_still_one_entry_each() -> None:
    lines = "".join(f'"Title {n}." Press, 202{n}.\n' for n in range(1, 4))
    text = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n\n## References\n\n" + lines
    assert {d.code for d in lint_text(text)} <= {"CIT008"}
    from citelint.chapter import Chapter
    from citelint.config import Settings

    references = Chapter.parse(text, Settings()).references
    assert references is not None and len(references.entries) == 3


def test_a_compiled_book_of_many_chapters_is_linted_in_bounded_work() -> None:
    """Each chapter of a compiled book is parsed over the file's lines: past a bound
    the file is one chapter, never thousands of parses."""
    from citelint.chapter import MAX_BOOK_CHAPTERS, Chapter
    from citelint.config import Settings

    one = "# Chapter {n}\n\nA [CITATION 1] b.\n\n## References\n\n1. \"A.\" P, 2020. https://e.com/{n}\n\n"
    assert len(Chapter.parse("".join(one.format(n=n) for n in range(20)), Settings()).parts) == 20
    assert Chapter.parse("".join(one.format(n=n) for n in range(MAX_BOOK_CHAPTERS + 1)), Settings()).parts == ()


# A paper converted from PDF (docling, marker) writes its reference list as bullets
# that each start with the entry's `[n]` label, and sometimes breaks one entry over
# two bullets where the PDF's column broke it.
BULLETED_LABELS = (
    "## References\n\n"
    '- [1] A. Adams. "Alpha." Example Press, 2020. https://example.com/alpha\n'
    '- [2] B. Baker. "Beta." Example Press, 2021. https://example.com/beta\n'
    '- [3] C. Clark. "Gamma." Example Press, 2022. https://example.com/gamma\n'
)


def test_a_bullets_bracketed_label_is_its_label_in_every_style() -> None:
    """Read by position, the labels were "[1] is inside the reference list, where it
    cites nothing; remove it" (CIT006), and a list whose first entry was broken over
    two bullets had every later entry one place off its label."""
    brackets = Settings(marker_style="brackets", placement="any")
    text = "Gamma first [3], then alpha [1] and beta [2].\n\n" + BULLETED_LABELS
    references = Chapter.parse(text, brackets).references
    assert references is not None and [(e.number, e.label) for e in references.entries] == [(1, 1), (2, 2), (3, 3)]
    assert [d.code for d in lint_text(text, brackets)] == ["CIT003"]
    fixed = fix_text(text, brackets)
    assert fixed.refused is None
    assert fixed.text.startswith("Gamma first [1], then alpha [2] and beta [3].\n")
    assert '- [1] C. Clark. "Gamma."' in fixed.text and '- [3] B. Baker. "Beta."' in fixed.text
    cited = "One. [CITATION 1] Two. [CITATION 2] Three. [CITATION 3]\n\n" + BULLETED_LABELS
    assert lint_text(cited) == []


def test_an_entry_broken_over_two_bullets_is_reported_not_read_one_place_off() -> None:
    brackets = Settings(marker_style="brackets", placement="any")
    broken = BULLETED_LABELS.replace("Example Press, 2020.", "Example\n\n- Press, 2020.")
    text = "Alpha [1], beta [2] and gamma [3].\n\n" + broken
    found = [(d.code, d.line) for d in lint_text(text, brackets) if d.code != "CIT008"]
    assert ("CIT002", 8) not in found and ("CIT002", 9) not in found  # `[3]` cites the entry labelled 3
    assert ("CIT011", 8) in found  # two entries numbered 2: the chapter is not passed
    assert fix_text(text, brackets).refused == "two entries are labelled 2; say which is which first"


@pytest.mark.parametrize(
    "anchored",
    [
        pytest.param(lambda n: f'- <span id="page-7-{n}"></span>[{n}]', id="marker-bullets"),
        pytest.param(lambda n: f'<a name="ref{n}"></a>[{n}]', id="anchored-lines"),
    ],
)
def test_an_empty_anchor_before_a_label_is_part_of_the_label(anchored) -> None:  # type: ignore[no-untyped-def]
    """marker (PDF to Markdown) writes `- <span id="page-7-4"></span>[1] A. Author`:
    the label was read as a citation inside the list ("[1] is inside the reference
    list, where it cites nothing; remove it") and the entries were numbered by place."""
    brackets = Settings(marker_style="brackets", placement="any")
    listed = "".join(f'{anchored(n)} {author}. "{title}." Example Press, 202{n}. https://example.com/{n}\n' for n, author, title in [(1, "A. Adams", "Alpha"), (2, "B. Baker", "Beta")])
    text = "Beta first [2], then alpha [1].\n\n## References\n\n" + listed
    assert [d.code for d in lint_text(text, brackets)] == ["CIT003"]
    fixed = fix_text(text, brackets)
    assert fixed.refused is None
    assert fixed.text == "Beta first [1], then alpha [2].\n\n## References\n\n" + "".join(
        f'{anchored(old)} {author}. "{title}." Example Press, 202{old}. https://example.com/{old}\n'.replace(f"[{old}]", f"[{new}]", 1)
        for new, old, author, title in [(1, 2, "B. Baker", "Beta"), (2, 1, "A. Adams", "Alpha")]
    )


# -- MyST (Jupyter Book) directives --------------------------------------------------

MYST = (
    "# Chapter\n\nFirst claim. [CITATION 1]\n\n"
    "```{note}\nAs the note says. [CITATION 2]\n```\n\n```{admonition} On $[5,6]$\n:class: tip\nNothing cited.\n```\n\n"
    "```{figure} images/plot.png\n:name: fig-plot\n:width: 80%\n\nThe data of the survey. [CITATION 3]\n```\n\n"
    "````{dropdown} More\n---\nopen: true\n---\nDetails. [CITATION 4]\n\n```python\nx = '[CITATION 8]'\n```\n````\n\n"
    "```{code-cell} python\ny = '[CITATION 9]'\n```\n\n"
    "````md\n```{note}\nAn example of the syntax. [CITATION 7]\n```\n````\n\n"
    "## References\n\n"
    + "".join(f'{n}. A. Author, "Title {n}," 200{n}. https://e.com/{n}\n' for n in range(1, 5))
)


def test_the_markdown_body_of_a_myst_directive_is_prose() -> None:
    """Jupyter Book shows the body of ```` ```{note} ````, a figure's caption, a
    dropdown as text: their markers cite. A code cell, and an example in a code block,
    stay code. Read as code, the note's marker was "cited only inside a code block …
    remove the reference" (CIT002), and `fix` left it as it was while renumbering the
    list: it then cited another source."""
    chapter = Chapter.parse(MYST, Settings())
    assert [marker.numbers for marker in chapter.citations()] == [(1,), (2,), (3,), (4,)]
    assert lint_text(MYST) == []


@pytest.mark.parametrize(
    ("block", "renumbered"),
    [
        ("```{note}\nAs the note says. [CITATION 1]\n```\n\n", "```{note}\nAs the note says. [CITATION 2]\n```"),
        ('!!! note "As the note says"\n\n    The note cites this. [CITATION 1]\n\n', "    The note cites this. [CITATION 2]\n"),
    ],
    ids=["myst-note", "mkdocs-admonition"],
)
def test_fix_renumbers_a_marker_in_a_note_with_the_others(block: str, renumbered: str) -> None:
    text = (
        "# Chapter\n\nFirst claim. [CITATION 2] Second claim. [CITATION 1]\n\n"
        + block
        + "## References\n\n"
        '1. A. One, "T1," 2001. https://e.com/1\n2. B. Two, "T2," 2002. https://e.com/2\n'
    )
    fixed = fix_text(text)
    assert fixed.refused is None
    assert renumbered in fixed.text
    assert fixed.text.index('"T2,"') < fixed.text.index('"T1,"') and lint_text(fixed.text) == []


def test_a_myst_directive_never_closed_is_still_an_unclosed_block() -> None:
    text = "# Chapter\n\nA claim. [CITATION 1]\n\n```{note}\nHidden. [CITATION 2]\n\n## References\n\n1. A. One, \"T1,\" 2001. https://e.com/1\n"
    assert [d.code for d in lint_text(text)] == ["CIT009", "CIT013"]  # as any fence never closed


# -- MkDocs (Python-Markdown) admonitions, details and tabs ------------------------------

MKDOCS = (
    "# Chapter\n\nFirst claim. [CITATION 1]\n\n"
    '!!! note "As the note says"\n\n    The note cites this. [CITATION 2]\n\n'
    "??? tip\n    A collapsed tip cites. [CITATION 3]\n\n"
    '=== "Python"\n\n    ```python\n    x = "[CITATION 8]"\n    ```\n\n    In prose. [CITATION 4]\n\n'
    '!!! warning\n\n    Outer. [CITATION 5]\n\n    !!! example\n\n    \tInner. [CITATION 6]\n\n'
    '=== "Range: $[7,8]$"\n\n    Nothing cited.\n\n'
    '```md\n!!! note\n\n    An example of the syntax. [CITATION 7]\n```\n\n'
    "An indented block after prose is code:\n\n    y = '[CITATION 9]'\n\n"
    "## References\n\n"
    + "".join(f'{n}. A. Author, "Title {n}," 200{n}. https://e.com/{n}\n' for n in range(1, 7))
)


def test_the_body_of_an_mkdocs_admonition_is_prose() -> None:
    """MkDocs shows the four-space body of `!!! note`, `??? tip` and a `=== "Tab"` as
    text (Python-Markdown's admonition, pymdownx's details and tabbed): its markers
    cite. In CommonMark it is an indented code block, and `fix` renumbered the chapter
    around the note's marker, which then cited another source. Code stays code: a fence
    in a tab, an example in a code block, an indented block after prose."""
    chapter = Chapter.parse(MKDOCS, Settings())
    assert [marker.numbers for marker in chapter.citations()] == [(1,), (2,), (3,), (4,), (5,), (6,)]
    assert lint_text(MKDOCS) == []


def test_math_in_a_directive_or_tab_title_is_no_citation() -> None:
    """A title's TeX math (`$[5,6]$`) holds no marker in the brackets style: the
    title of a MyST directive, on its fence, is read as the fence (not prose), and a
    tab's title stays a line of text, its math read as math (found on
    sdelquin/aprendepython: `=== "Rango: $[1,3,5]$"`)."""
    text = (
        "A claim [1].\n\n```{admonition} On $[5,6]$\n:class: tip\nThe tip [2].\n```\n\n"
        '=== "Range $[7,8]$"\n\n    The tab [3].\n\n## References\n\n'
        + "".join(f'[{n}] A. Author, "Title {n}," 200{n}. https://e.com/{n}\n\n' for n in range(1, 4))
    )
    assert [marker.numbers for marker in Chapter.parse(text, Settings(marker_style="brackets")).citations()] == [(1,), (2,), (3,)]


def test_a_footnotes_later_paragraphs_are_prose_and_fix_renumbers_them() -> None:
    """A footnote's second paragraph is indented four spaces (pandoc, GitHub,
    Python-Markdown): CommonMark alone reads an indented code block there, and `fix`
    renumbered the chapter around its marker, which then cited another source. Code
    indented past the footnote's body stays code."""
    text = (
        "# Chapter\n\nFirst claim. [CITATION 2] Second claim.[^a] More. [CITATION 1]\n\n"
        "[^a]: A footnote's first paragraph cites. [CITATION 1]\n\n    Its second paragraph cites too. [CITATION 2]\n\n"
        "        code = '[CITATION 9]'\n\n## References\n\n"
        '1. A. One, "T1," 2001. https://e.com/1\n2. B. Two, "T2," 2002. https://e.com/2\n'
    )
    assert [marker.numbers for marker in Chapter.parse(text, Settings()).citations()] == [(2,), (1,), (1,), (2,)]
    fixed = fix_text(text)
    assert fixed.refused is None
    assert "    Its second paragraph cites too. [CITATION 1]\n" in fixed.text and "code = '[CITATION 9]'" in fixed.text
    assert lint_text(fixed.text) == []


def test_a_footnote_holding_a_fenced_code_block_keeps_it_code() -> None:
    """EIP-1's footnotes hold their CSL-JSON in a fence on the line after `[^1]:`:
    code, not a paragraph of `[2022, 12, 31]` citations (found on ethereum/EIPs)."""
    text = 'A sentence.[^1] A claim [1].\n\n[^1]:\n    ```csl-json\n    {"date-parts": [\n      [2022, 12, 31]\n    ]}\n    ```\n\n## References\n\n[1] A. One, "T1," 2001. https://e.com/1\n'
    assert [marker.numbers for marker in Chapter.parse(text, Settings(marker_style="brackets")).citations()] == [(1,)]


def test_a_definitions_later_paragraphs_are_prose_and_fix_renumbers_them() -> None:
    """A definition list's `:   text` goes on in paragraphs indented four spaces
    (pandoc, Python-Markdown, PHP Markdown Extra): read as an indented code block, its
    marker was left by `fix` while the list was renumbered, and then cited another source."""
    text = (
        "# Glossary\n\nA claim. [CITATION 2] Another. [CITATION 1]\n\n"
        "Term\n:   First paragraph of the definition. [CITATION 1]\n\n    Second paragraph. [CITATION 2]\n\n## References\n\n"
        '1. A. One, "T1," 2001. https://e.com/1\n2. B. Two, "T2," 2002. https://e.com/2\n'
    )
    assert [marker.numbers for marker in Chapter.parse(text, Settings()).citations()] == [(2,), (1,), (1,), (2,)]
    fixed = fix_text(text)
    assert fixed.refused is None and "    Second paragraph. [CITATION 1]\n" in fixed.text and lint_text(fixed.text) == []
