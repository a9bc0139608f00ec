"""Book order: the configuration's chapters, each book tool's own file (mdBook,
Quarto, bookdown, Leanpub, GitBook, MkDocs, Jupyter Book) read from real files on disk, and natural file-name
order; `citelint book` prints it and where it came from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citelint.book_order import natural_order
from citelint.strict_yaml import YamlError, read_yaml
from helpers import Work, assert_linear, cli, count_calls, measure_work


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def chapters(*files: str) -> dict[str, str]:
    return {name: f"# {name}\n\nText.\n" for name in files}


def book(*args: str) -> tuple[int, list[str], str]:
    ran = cli("book", *args)
    return ran.code, ran.stdout.splitlines(), ran.stderr


# -- mdBook --------------------------------------------------------------------------

SUMMARY = """\
# Summary

[Introduction](README.md)

# User Guide

- [Installation](guide/installation.md)
- [Reading Books](guide/reading.md)
    - [Nested chapter](guide/reading/nested.md "a title")
        - [Deeper](<guide/reading/a chapter.md>)
    * [Encoded](guide/reading/b%20chapter.md#section)
- [A draft, not written yet]()
- [Title with [brackets]](guide/brackets.md)

<!-- - [Commented out](guide/commented.md) -->

```
- [In a code block](guide/code.md)
```

# Reference Guide

1. [Command Line](cli/README.md)
   1. [build](cli/build.md)

---

[Contributors](misc/contributors.md)
"""

MDBOOK_ORDER = [
    "book/README.md",
    "book/guide/installation.md",
    "book/guide/reading.md",
    "book/guide/reading/nested.md",
    "book/guide/reading/a chapter.md",
    "book/guide/reading/b chapter.md",
    "book/guide/brackets.md",
    "book/cli/README.md",
    "book/cli/build.md",
    "book/misc/contributors.md",
]


@pytest.fixture
def mdbook(project: Path) -> Path:
    write(project, {"book.toml": '[book]\ntitle = "A Book"\nauthors = ["A. Writer"]\nsrc = "book"\n\n[output.html]\n'})
    write(project, {"book/SUMMARY.md": SUMMARY, **chapters(*MDBOOK_ORDER)})
    return project


def test_mdbook_summary_gives_the_order_nested_items_in_place_drafts_and_comments_left_out(mdbook: Path) -> None:
    code, lines, stderr = book()
    assert (code, stderr) == (0, "")
    assert lines[0] == "Book order from mdBook SUMMARY.md (book/SUMMARY.md): 10 chapters"
    assert lines[1:] == MDBOOK_ORDER


def test_mdbook_is_found_from_its_source_folder_and_quiet_prints_the_chapters_only(mdbook: Path) -> None:
    code, lines, _ = book("--quiet", "book/guide")
    assert code == 0 and lines == MDBOOK_ORDER


def test_a_chapter_summary_names_that_does_not_exist_is_an_error_naming_the_file_line_and_entry(mdbook: Path) -> None:
    (mdbook / "book/guide/reading.md").unlink()
    code, lines, stderr = book()
    assert code == 2
    assert stderr == "citelint: error: book/SUMMARY.md:8: chapter 'guide/reading.md' does not exist (book/guide/reading.md)\n"
    assert "book/guide/reading.md" not in lines and "book/guide/installation.md" in lines  # the others are listed


def test_mdbook_source_folder_defaults_to_src_and_a_missing_summary_is_one_line(project: Path) -> None:
    write(project, {"book.toml": "[book]\n", "src/SUMMARY.md": "# Summary\n\n- [One](one.md)\n", **chapters("src/one.md")})
    assert book("-q") == (0, ["src/one.md"], "")
    (project / "src/SUMMARY.md").unlink()
    code, _, stderr = book()
    assert code == 2 and stderr == "citelint: error: book.toml: the book's source folder 'src' has no SUMMARY.md (src/SUMMARY.md)\n"


COMMONMARK_LINKS = """\
# Summary

- [Chapter 1](ch1.md)
- [Appendix (2024)](appendix(2024).md)
- [Using `]` in code](ch3.md)
- [Part \\[1 of 2](intro.md)
- [See [the [last]] one](last.md "a (title)")
- [Esc](ch\\_3.md)
- [Angle](<with space.md> 'title')
- [Reference](a&amp;b.md)
- [Escaped parenthesis](close\\).md)
- [``code ` span``](code.md)
"""

COMMONMARK_ORDER = ["ch1.md", "appendix(2024).md", "ch3.md", "intro.md", "last.md", "ch_3.md", "with space.md", "a&b.md", "close).md", "code.md"]


def test_mdbook_reads_every_link_commonmark_reads_parentheses_code_spans_escapes_and_references(project: Path) -> None:
    write(project, {"book.toml": "[book]\n", "src/SUMMARY.md": COMMONMARK_LINKS, **chapters(*(f"src/{name}" for name in COMMONMARK_ORDER))})
    assert book("-q") == (0, [f"src/{name}" for name in COMMONMARK_ORDER], "")


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("- [Broken](ch2.md", "is not a link CommonMark reads"),
        ("- [Unbalanced [title](ch2.md)", "is not a link CommonMark reads"),
        ("- [Space](ch 2.md)", "is not a link CommonMark reads"),
        ("- [Title](ch2.md 'unclosed)", "is not a link CommonMark reads"),
        ("- See [the chapter](ch2.md)", "is a list item that does not start with a link"),
        ("[Prefix](<ch2.md)", "is not a link CommonMark reads"),
        ("- [Deep](" + "(" * 40 + "ch2.md" + ")" * 40 + ")", "is not a link CommonMark reads"),
        ("- " + "[" * 200_000 + "](ch2.md)", "is not a link CommonMark reads"),
        ("- [a](" + "(" * 200_000, "is not a link CommonMark reads"),
        ("- [" + "`a``" * 50_000 + "](x.md", "is not a link CommonMark reads"),
        ("- [Two][undefined]", "is not a link CommonMark reads"),
        ("- [Two]", "is not a link CommonMark reads"),
        ("- Two, a chapter without a link", "is a list item that does not start with a link"),
    ],
    ids=["unclosed", "unbalanced", "space", "title", "prose", "prefix", "deep", "brackets", "parentheses", "backticks",
         "undefined-label", "shortcut-undefined", "no-link"],
)
def test_a_summary_line_with_a_link_citelint_cannot_read_is_an_error_naming_the_file_and_line(project: Path, line: str, what: str) -> None:
    write(project, {"book.toml": "[book]\n", "src/SUMMARY.md": f"# Summary\n\n- [One](one.md)\n{line}\n- [Three](three.md)\n", **chapters("src/one.md", "src/ch2.md", "src/three.md")})
    code, lines, stderr = book("-q")
    assert (code, lines) == (2, ["src/one.md", "src/three.md"])  # the others are listed
    assert stderr.startswith(f"citelint: error: src/SUMMARY.md:4: {line[:20]!r}"[:-1]) and f" {what}, so no chapter is read from it" in stderr
    assert stderr.count("\n") == 1


REFERENCE_LINKS = """# Summary

[Preface]

- [One][one]
- [Two][]
- [THREE  chapter]
- [Draft][draft]

[preface]: preface.md
[One]: <one.md> "The first"
[two]: two.md
[three chapter]: three%20x.md#start
[draft]: <>
"""


def test_mdbook_reads_reference_links_by_their_definitions(project: Path) -> None:
    """``[Title][label]``, ``[Title][]`` and ``[Title]`` name a definition, its label
    matched in any case and spacing, as pulldown-cmark (mdBook's parser) reads them;
    they were left out silently, so a book missing those chapters passed."""
    names = ["preface.md", "one.md", "two.md", "three x.md"]
    write(project, {"book.toml": "[book]\n", "src/SUMMARY.md": REFERENCE_LINKS, **chapters(*(f"src/{name}" for name in names))})
    assert book("-q") == (0, [f"src/{name}" for name in names], "")


def test_book_numbering_checks_the_chapters_of_links_with_parentheses_and_code_spans(project: Path) -> None:
    summary = "# Summary\n\n- [Chapter 1](ch1.md)\n- [Appendix (2024)](appendix(2024).md)\n- [Using `]` in code](ch3.md)\n"
    write(project, {".citelint.toml": 'numbering = "book"\n', "book.toml": "[book]\n", "src/SUMMARY.md": summary})
    write(project, {
        "src/ch1.md": '# One\n\nA claim. [CITATION 1]\n\n## References\n\n1. "One." Example Press, 2020. https://example.com/1\n',
        "src/appendix(2024).md": "# Appendix\n\nAnother claim. [CITATION 7]\n",
        "src/ch3.md": "# Three\n\nA third claim. [CITATION 9]\n",
    })
    ran = cli("check")
    assert ran.code == 1
    assert [line.split(" ", 2)[:2] for line in ran.stdout.splitlines()[:2]] == [["src/appendix(2024).md:3:16:", "CIT001"], ["src/ch3.md:3:16:", "CIT001"]]
    assert "in 3 files" in ran.stdout


def test_a_broken_summary_line_fails_check_in_book_numbering(project: Path) -> None:
    write(project, {".citelint.toml": 'numbering = "book"\n', "book.toml": "[book]\n", "src/SUMMARY.md": "- [One](one.md)\n- [Two](two.md\n", **chapters("src/one.md", "src/two.md")})
    ran = cli("check")
    assert ran.code == 2 and "citelint: error: src/SUMMARY.md:2: '- [Two](two.md' is not a link CommonMark reads" in ran.stderr


# -- Quarto --------------------------------------------------------------------------

QUARTO = """\
project:
  type: book
  output-dir: _book

book:
  title: "Citations in Practice"
  author: "A. Writer"
  description: |
    A book about citing: - not a list,
    chapters: [not, these]
  chapters:
  - index.qmd   # the preface
  - intro.qmd
  - part: "Part I: Sources"
    chapters:
      - chapters/sources.qmd
      - 'chapters/finding it''s.qmd'
  - part: chapters/part2.qmd
    chapters: [chapters/citing.qmd, "chapters/numbers.qmd"]
  - summary.qmd
  appendices:
    - appendix-a.qmd

bibliography: references.bib
format:
  html:
    theme: cosmo
    include-in-header:
      text: |
        <style> a { color: red } </style>
  pdf:
    documentclass: scrreprt
"""

QUARTO_ORDER = [
    "index.qmd",
    "intro.qmd",
    "chapters/sources.qmd",
    "chapters/finding it's.qmd",
    "chapters/part2.qmd",
    "chapters/citing.qmd",
    "chapters/numbers.qmd",
    "summary.qmd",
    "appendix-a.qmd",
]


def test_quarto_book_chapters_with_parts_and_appendices(project: Path) -> None:
    write(project, {"_quarto.yml": QUARTO, **chapters(*QUARTO_ORDER)})
    code, lines, stderr = book()
    assert (code, stderr) == (0, "")
    assert lines == ["Book order from Quarto _quarto.yml: 9 chapters", *QUARTO_ORDER]


def test_quarto_missing_chapter_names_its_line(project: Path) -> None:
    write(project, {"_quarto.yml": QUARTO, **chapters(*(name for name in QUARTO_ORDER if name != "chapters/numbers.qmd"))})
    code, _, stderr = book()
    assert code == 2 and stderr == "citelint: error: _quarto.yml:19: chapter 'chapters/numbers.qmd' does not exist (chapters/numbers.qmd)\n"


@pytest.mark.parametrize("manifest", ["_quarto.yml", "_bookdown.yml"])
def test_an_empty_chapters_entry_is_an_error_naming_its_line(project: Path, manifest: str) -> None:
    """A chapter's name deleted from its line (``-`` alone) was skipped silently: the
    book was checked without it."""
    key, names = ("book:\n  chapters:", ["index.qmd", "two.qmd"]) if manifest == "_quarto.yml" else ("rmd_files:", ["index.Rmd", "two.Rmd"])
    write(project, {manifest: f"{key}\n  - {names[0]}\n  -\n  - {names[1]}\n", **chapters(*names)})
    code, lines, stderr = book()
    assert code == 2 and lines[1:] == names
    empty_line = key.count("\n") + 3
    assert stderr.startswith(f"citelint: error: {manifest}:{empty_line}: an empty entry in ") and "no chapter is read from it" in stderr and stderr.count("\n") == 1


def test_quarto_yaml_citelint_cannot_read_in_the_chapters_is_one_line_naming_file_and_line(project: Path) -> None:
    write(project, {"_quarto.yml": "book:\n  chapters: &chapters\n    - index.qmd\n", "index.qmd": "x\n"})
    code, lines, stderr = book()
    assert code == 2 and lines == []
    assert stderr.startswith("citelint: error: _quarto.yml:2: YAML's '&' syntax cannot be read") and stderr.count("\n") == 1


def test_quarto_yaml_that_is_not_yaml_is_one_line(project: Path) -> None:
    write(project, {"_quarto.yml": 'book:\n  chapters:\n    - "index.qmd\n'})
    code, _, stderr = book()
    assert code == 2 and stderr.startswith("citelint: error: _quarto.yml: line 3: has a quoted string that is not closed") and stderr.count("\n") == 1


def test_a_quarto_website_is_not_a_book(project: Path) -> None:
    write(project, {"_quarto.yml": "project:\n  type: website\nwebsite:\n  title: x\n", **chapters("ch10.qmd", "ch2.md")})
    code, lines, _ = book()
    assert code == 0 and lines == ["Book order from file names (numbers compared as numbers): 1 chapter", "ch2.md"]


# -- bookdown ------------------------------------------------------------------------


def test_bookdown_rmd_files_by_format_takes_html_and_reads_a_list_over_lines(project: Path) -> None:
    yml = 'book_filename: "citing"\nrmd_files:\n  latex: ["index.Rmd", "02-b.Rmd"]\n  html: ["index.Rmd",\n         "01-a.Rmd", # first\n         "02-b.Rmd"]\ndelete_merged_file: true\n'
    write(project, {"_bookdown.yml": yml, **chapters("index.Rmd", "01-a.Rmd", "02-b.Rmd")})
    code, lines, _ = book()
    assert code == 0 and lines == ["Book order from bookdown _bookdown.yml (rmd_files, html): 3 chapters", "index.Rmd", "01-a.Rmd", "02-b.Rmd"]


def test_bookdown_rmd_files_closed_by_a_bracket_at_the_keys_indentation(project: Path) -> None:
    """A flow list whose ``]`` is on a line of its own at the key's indentation, as
    tidymodels/TMwR writes ``rmd_files`` (libyaml, and so bookdown, reads it): it was
    "a list that is never closed", exit 2."""
    yml = 'new_session: yes\n\nrmd_files: [\n  "index.Rmd",\n\n  "01-a.Rmd",\n  "02-b.Rmd"\n]\n\nbefore_chapter_script: "_common.R"\n'
    write(project, {"_bookdown.yml": yml, **chapters("index.Rmd", "01-a.Rmd", "02-b.Rmd")})
    code, lines, _ = book()
    assert code == 0 and lines == ["Book order from bookdown _bookdown.yml (rmd_files): 3 chapters", "index.Rmd", "01-a.Rmd", "02-b.Rmd"]
    assert read_yaml("a:\n  b: [x,\n    y\n  ]\n  c: z\n") == {"a": {"b": ["x", "y"], "c": "z"}}


def test_bookdown_rmd_files_list_and_default(project: Path) -> None:
    write(project, {"_bookdown.yml": "rmd_files:\n  - intro.Rmd\n  - index.Rmd\n", **chapters("index.Rmd", "intro.Rmd", "_setup.Rmd", "a.Rmd")})
    assert book("-q") == (0, ["intro.Rmd", "index.Rmd"], "")
    write(project, {"_bookdown.yml": "book_filename: citing\n"})
    assert book("-q") == (0, ["index.Rmd", "a.Rmd", "intro.Rmd"], "")  # bookdown merges them so, _setup.Rmd left out


# -- Leanpub -------------------------------------------------------------------------


def test_leanpub_book_txt(project: Path) -> None:
    write(project, {"manuscript/Book.txt": "frontmatter:\npreface.md\nmainmatter:\nchapter10.md\n\nchapter2.md\n", **chapters("manuscript/preface.md", "manuscript/chapter2.md", "manuscript/chapter10.md")})
    code, lines, _ = book()
    assert code == 0
    assert lines == ["Book order from Leanpub Book.txt (manuscript/Book.txt): 3 chapters", "manuscript/preface.md", "manuscript/chapter10.md", "manuscript/chapter2.md"]


# -- GitBook -------------------------------------------------------------------------

GITBOOK_SUMMARY = """\
# Table of contents

* [Welcome](README.md)

## Getting started

* Overview
  * [Installing](start/install.md)
  * [First steps](start/first.md "the first steps")
    * [Deeper](start/first/deeper.md#top)
* [The project site](https://example.com/docs)

## Reference

* [Sources](<reference/our sources.md>)
"""

GITBOOK_ORDER = ["docs/README.md", "docs/start/install.md", "docs/start/first.md", "docs/start/first/deeper.md", "docs/reference/our sources.md"]


@pytest.fixture
def gitbook(project: Path) -> Path:
    write(project, {".gitbook.yaml": "root: ./docs/\n\nstructure:\n  readme: README.md\n  summary: SUMMARY.md\n\nredirects:\n  old/page: start/install.md\n"})
    write(project, {"docs/SUMMARY.md": GITBOOK_SUMMARY, **chapters(*GITBOOK_ORDER)})
    return project


def test_gitbook_summary_where_gitbook_yaml_puts_it_titles_and_links_off_the_book_left_out(gitbook: Path) -> None:
    code, lines, stderr = book()
    assert (code, stderr) == (0, "")
    assert lines == ["Book order from GitBook SUMMARY.md (docs/SUMMARY.md): 5 chapters", *GITBOOK_ORDER]
    assert book("-q", "docs/start") == (0, GITBOOK_ORDER, "")  # found from a folder inside the book


def test_gitbook_readme_is_the_first_page_when_the_summary_leaves_it_out(gitbook: Path) -> None:
    write(gitbook, {".gitbook.yaml": "root: docs\nstructure:\n  readme: welcome.md\n", **chapters("docs/welcome.md")})
    code, lines, _ = book("-q")
    assert code == 0 and lines == ["docs/welcome.md", *GITBOOK_ORDER]


def test_gitbook_missing_chapter_and_broken_link_name_their_lines(gitbook: Path) -> None:
    (gitbook / "docs/start/first.md").unlink()
    write(gitbook, {"docs/SUMMARY.md": GITBOOK_SUMMARY + "* [Broken](broken.md\n"})
    code, lines, stderr = book()
    assert code == 2 and "docs/start/first.md" not in lines and "docs/start/install.md" in lines
    assert stderr.splitlines() == [
        "citelint: error: docs/SUMMARY.md:9: chapter 'start/first.md' does not exist (docs/start/first.md)",
        "citelint: error: docs/SUMMARY.md:16: '* [Broken](broken.md' is not a link CommonMark reads, so no chapter is read from it; write it as [Title](chapter.md)",
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('root: "docs\n', ".gitbook.yaml: line 1: has a quoted string that is not closed"),
        ("root: [docs]\n", ".gitbook.yaml: 'root' must be a path"),
        ("root: ''\n", ".gitbook.yaml:1: 'root' must be a path"),
        ("root: ../outside\n", ".gitbook.yaml: 'root' '../outside' is outside the project"),
        ("structure:\n  summary: ../../outside/SUMMARY.md\n", ".gitbook.yaml: 'structure.summary' '../../outside/SUMMARY.md' is outside the project"),
        ("root: missing/\n", ".gitbook.yaml: 'root' 'missing/' is not a folder (missing)"),
        ("root: docs\nstructure:\n  summary: toc.md\n", ".gitbook.yaml: the summary 'toc.md' does not exist (docs/toc.md)"),
    ],
)
def test_a_gitbook_yaml_citelint_cannot_follow_is_one_line(project: Path, config: str, message: str) -> None:
    (project.parent / "outside").mkdir(exist_ok=True)
    write(project.parent, {"outside/SUMMARY.md": "* [Secret](secret.md)\n"})
    write(project, {".gitbook.yaml": config, "docs/SUMMARY.md": "* [One](one.md)\n", **chapters("docs/one.md")})
    code, lines, stderr = book()
    assert (code, lines) == (2, []) and stderr.startswith(f"citelint: error: {message}") and stderr.count("\n") == 1


@pytest.mark.parametrize("source", ["../outside", "/abs"], ids=["relative", "absolute"])
def test_an_mdbook_source_folder_outside_the_project_is_refused_unread(project: Path, source: str) -> None:
    """book.toml's `src` was followed wherever it led: a pull request's book.toml
    pointing out of the repository had the SUMMARY.md there read, and its lines
    quoted in the errors (as GitBook's `root` and MkDocs's `docs_dir` are refused)."""
    outside = project.parent / "outside"
    outside.mkdir(exist_ok=True)
    write(project.parent, {"outside/SUMMARY.md": "- the runner's secret line\n"})
    written = str(outside) if source == "/abs" else source
    write(project, {"book.toml": f'[book]\nsrc = "{written}"\n', "src/SUMMARY.md": "- [One](one.md)\n", **chapters("src/one.md")})
    code, lines, stderr = book()
    assert (code, lines) == (2, []) and "secret" not in stderr
    assert stderr.startswith("citelint: error: book.toml: 'book.src' ") and "is outside the project" in stderr and stderr.count("\n") == 1
    write(project, {"book.toml": '[book]\nsrc = "src"\n'})
    (project / "src" / "SUMMARY.md").unlink()
    (project / "src" / "SUMMARY.md").symlink_to(outside / "SUMMARY.md")
    code, lines, stderr = book()
    assert (code, lines) == (2, []) and "secret" not in stderr
    assert stderr.startswith("citelint: error: book.toml: the summary 'src/SUMMARY.md' is outside the project")


def test_gitbook_without_configuration_a_summary_at_the_root_but_mdbook_keeps_its_own(project: Path) -> None:
    write(project, {"SUMMARY.md": "# Summary\n\n* Part one\n  * [Two](two.md)\n* [One](one.md)\n", **chapters("README.md", "one.md", "two.md")})
    assert book() == (0, ["Book order from GitBook SUMMARY.md: 3 chapters", "README.md", "two.md", "one.md"], "")
    write(project, {"manual/book.toml": "[book]\n", "manual/src/SUMMARY.md": "- [B](b.md)\n- [A](a.md)\n", **chapters("manual/src/a.md", "manual/src/b.md")})
    code, lines, _ = book("manual/src")  # mdBook's src/SUMMARY.md is mdBook's, found above it
    assert code == 0 and lines == ["Book order from mdBook SUMMARY.md (manual/src/SUMMARY.md): 2 chapters", "manual/src/b.md", "manual/src/a.md"]


def test_outside_a_repository_an_mdbook_source_folder_is_not_taken_for_gitbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the folder given is searched outside a repository: the book.toml above
    src/ is not seen, and src/SUMMARY.md must not then pass for GitBook's."""
    write(tmp_path, {"book.toml": "[book]\n", "src/SUMMARY.md": "- [B](b.md)\n- [A](a.md)\n", **chapters("src/a.md", "src/b.md")})
    write(tmp_path, {"guide/SUMMARY.md": "* [Two](two.md)\n* [One](one.md)\n", **chapters("guide/one.md", "guide/two.md")})
    monkeypatch.chdir(tmp_path)
    code, lines, _ = book("src")
    assert code == 0 and lines[0].startswith("Book order from file names")
    assert book("-q") == (0, ["src/b.md", "src/a.md"], "")
    assert book("guide") == (0, ["Book order from GitBook SUMMARY.md (guide/SUMMARY.md): 2 chapters", "guide/two.md", "guide/one.md"], "")


def test_a_summary_of_prose_is_no_table_of_contents(project: Path) -> None:
    write(project, {"SUMMARY.md": "# Summary of the findings\n\n- Rivers rise.\n- See the [appendix](https://example.com).\n", **chapters("ch10.md", "ch2.md")})
    code, lines, _ = book()
    assert code == 0 and lines == ["Book order from file names (numbers compared as numbers): 3 chapters", "ch2.md", "ch10.md", "SUMMARY.md"]


def test_legacy_gitbook_book_json_root(project: Path) -> None:
    write(project, {"book.json": '{"title": "A book", "root": "./manuscript", "plugins": ["-lunr"]}\n'})
    write(project, {"manuscript/SUMMARY.md": "# Summary\n\n* [Intro](intro.md)\n", **chapters("manuscript/README.md", "manuscript/intro.md")})
    assert book() == (0, ["Book order from GitBook SUMMARY.md (manuscript/SUMMARY.md): 2 chapters", "manuscript/README.md", "manuscript/intro.md"], "")
    write(project, {"book.json": '{"root": "./manuscript",}\n'})
    code, _, stderr = book()
    assert code == 2 and stderr.startswith("citelint: error: book.json: not valid JSON: ") and stderr.count("\n") == 1


# -- MkDocs --------------------------------------------------------------------------

MKDOCS = """\
site_name: Citations in Practice
docs_dir: manual
theme:
  name: material
  features: [navigation.tabs]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
  analytics: !ENV [ANALYTICS, none]
nav:
  - index.md
  - 'Getting started':
      - Installing: start/install.md
      - start/first.md
      - Deeper:
          - start/deep/one.md
          - Two: "start/deep/two.md#part"
  - Notebook: start/demo.ipynb
  - The project site: https://example.com/
  - Home page: /
  - Reference: reference/sources.md
"""

MKDOCS_ORDER = ["manual/index.md", "manual/start/install.md", "manual/start/first.md", "manual/start/deep/one.md", "manual/start/deep/two.md", "manual/reference/sources.md"]


def test_mkdocs_nav_sections_titles_and_links_off_the_docs_left_out(project: Path) -> None:
    write(project, {"mkdocs.yml": MKDOCS, **chapters(*MKDOCS_ORDER), "manual/start/demo.ipynb": "{}\n", "manual/unlisted.md": "x\n"})
    code, lines, stderr = book()
    assert code == 0
    assert lines == ["Book order from MkDocs mkdocs.yml (nav): 6 chapters", *MKDOCS_ORDER]
    assert stderr == "citelint: note: mkdocs.yml: start/demo.ipynb is not Markdown; citelint reads Markdown chapters only, and leaves it out of the book\n"


def test_mkdocs_missing_page_and_unreadable_nav_entries_are_errors_naming_them(project: Path) -> None:
    write(project, {"mkdocs.yml": "nav:\n  - index.md\n  - gone.md\n  - Empty:\n  - A: a.md\n    B: b.md\n  -\n", **chapters("docs/index.md", "docs/a.md")})
    code, lines, stderr = book()
    assert code == 2 and lines[1:] == ["docs/index.md"]
    assert stderr.splitlines() == [
        "citelint: error: mkdocs.yml:3: chapter 'gone.md' does not exist (docs/gone.md)",
        "citelint: error: mkdocs.yml: the 'nav' entry 'Empty' names no page: write 'Title: page.md', or a list of pages under it",
        "citelint: error: mkdocs.yml: a 'nav' entry is not 'page.md', 'Title: page.md' or 'Section:' with a list ({'A': 'a.md', 'B': 'b.md'})",
        "citelint: error: mkdocs.yml:7: an empty entry in 'nav': no chapter is read from it; write the page's file name, or remove the line",
    ]


def test_mkdocs_without_nav_orders_pages_as_mkdocs_does(project: Path) -> None:
    files = ["docs/about.md", "docs/index.md", "docs/ch10.md", "docs/ch2.md", "docs/guide/README.md", "docs/guide/b.md", "docs/guide/a/x.md", "docs/api/z.md", "docs/api/index.md", "docs/api/README.md", "docs/.hidden.md", "docs/templates/t.md", "docs/notes.txt"]
    write(project, {"mkdocs.yml": "site_name: x\n", **chapters(*files)})
    code, lines, stderr = book()
    assert (code, stderr) == (0, "")
    assert lines == [
        "Book order from MkDocs's default (no nav): the docs folder's pages by name, index.md first (mkdocs.yml): 9 chapters",
        "docs/index.md", "docs/about.md", "docs/ch10.md", "docs/ch2.md", "docs/api/index.md", "docs/api/z.md", "docs/guide/README.md", "docs/guide/b.md", "docs/guide/a/x.md",
    ]


def test_mkdocs_a_plugin_that_orders_pages_without_nav_is_said(project: Path) -> None:
    write(project, {"mkdocs.yml": "plugins:\n  - search\n  - awesome-pages:\n      collapse_single_pages: true\n", **chapters("docs/index.md")})
    code, lines, stderr = book()
    assert code == 0 and lines[1:] == ["docs/index.md"]
    assert stderr.startswith("citelint: note: mkdocs.yml: the 'awesome-pages' plugin orders the pages, and citelint does not read its files")


def test_mkdocs_inherit_gives_nav_and_docs_dir(project: Path) -> None:
    write(project, {"base/base.yml": "docs_dir: ../pages\nnav:\n  - two.md\n  - one.md\n", "mkdocs.yml": "INHERIT: base/base.yml\ndocs_dir: pages\n", **chapters("pages/one.md", "pages/two.md")})
    assert book("-q") == (0, ["pages/two.md", "pages/one.md"], "")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("nav: !ENV NAV\n", "mkdocs.yml:1: YAML's '!' syntax cannot be read"),
        ("nav:\n\t- index.md\n", "mkdocs.yml: line 2: is indented with a tab"),
        ("nav: index.md\n  - two.md\n", "mkdocs.yml:1: a value continued on the next lines cannot be read"),
        ("docs_dir: ../outside\n", "mkdocs.yml: 'docs_dir' '../outside' is outside the project"),
        ("docs_dir: manual\n", "mkdocs.yml: the docs folder 'manual' does not exist (manual)"),
        ("INHERIT: ../outside/base.yml\n", "mkdocs.yml: 'INHERIT' '../outside/base.yml' is outside the project"),
        ("- nav\n", "mkdocs.yml: is not a mapping of MkDocs settings"),
    ],
)
def test_a_mkdocs_yml_citelint_cannot_read_is_one_line(project: Path, config: str, message: str) -> None:
    (project.parent / "outside").mkdir(exist_ok=True)
    write(project, {"mkdocs.yml": config, **chapters("docs/index.md")})
    code, lines, stderr = book()
    assert (code, lines) == (2, []) and stderr.startswith(f"citelint: error: {message}") and stderr.count("\n") == 1


# -- Jupyter Book --------------------------------------------------------------------

JUPYTER_BOOK = """\
# Table of contents
format: jb-book
root: intro
parts:
  - caption: Getting started
    numbered: true
    chapters:
    - file: start/install
    - file: start/first.md
      sections:
      - file: start/first/deeper
        sections:
        - file: start/first/deepest
      - file: start/notebook
      - url: https://example.com/tutorial
        title: The tutorial
  - caption: Reference
    chapters:
    - file: reference/sources
    - file: reference/api
    - glob: appendix/*
"""

JUPYTER_BOOK_ORDER = [
    "intro.md",
    "start/install.md",
    "start/first.md",
    "start/first/deeper.md",
    "start/first/deepest.md",
    "reference/sources.md",
    "appendix/a.md",
    "appendix/b.md",
]


def jupyter_book(root: Path, toc: str = JUPYTER_BOOK) -> None:
    write(root, {"book/_toc.yml": toc, "book/_config.yml": "title: A book\n", **chapters(*(f"book/{name}" for name in JUPYTER_BOOK_ORDER))})
    write(root, {"book/start/notebook.ipynb": "{}\n", "book/start/install.ipynb": "{}\n", "book/reference/api.rst": "API\n===\n"})


def test_jupyter_book_parts_chapters_and_nested_sections(project: Path) -> None:
    jupyter_book(project)
    code, lines, stderr = book("book")
    assert code == 0
    assert lines == ["Book order from Jupyter Book _toc.yml (book/_toc.yml): 8 chapters", *(f"book/{name}" for name in JUPYTER_BOOK_ORDER)]
    assert stderr == "citelint: note: book/_toc.yml: start/notebook.ipynb and reference/api.rst are not Markdown; citelint reads Markdown chapters only, and leaves them out of the book\n"


def test_jupyter_book_article_and_the_older_list_form(project: Path) -> None:
    jupyter_book(project, "format: jb-article\nroot: intro\nsections:\n- file: reference/sources\n- file: start/install\n")
    assert book("-q", "book") == (0, ["book/intro.md", "book/reference/sources.md", "book/start/install.md"], "")
    jupyter_book(project, "- file: intro\n- header: Part one\n- file: start/first\n  sections:\n  - title: Deeper\n    file: start/first/deeper\n- file: reference/sources\n")
    assert book("-q", "book") == (0, ["book/intro.md", "book/start/first.md", "book/start/first/deeper.md", "book/reference/sources.md"], "")


def test_jupyter_book_missing_chapter_and_entry_without_a_file_name_their_lines(project: Path) -> None:
    jupyter_book(project, "format: jb-book\nroot: intro\nchapters:\n- file: gone\n- title: No file\n- file: start/install\n")
    code, lines, stderr = book("book")
    assert code == 2 and lines[1:] == ["book/intro.md", "book/start/install.md"]
    assert stderr.splitlines() == [
        "citelint: error: book/_toc.yml:4: chapter 'gone' does not exist (book/gone.md, .ipynb or .rst)",
        "citelint: error: book/_toc.yml: an entry names no file ('file:', 'url:' or 'glob:'): {'title': 'No file'}",
    ]


@pytest.mark.parametrize(
    ("toc", "message"),
    [
        ("format: jb-custom\nroot: intro\n", "book/_toc.yml: format 'jb-custom' is not one citelint reads (jb-book, jb-article)"),
        ("format: jb-book\nchapters:\n- file: intro\n", "book/_toc.yml: has no 'root' (the book's first page)"),
        ("format: jb-book\nroot: intro\nchapters: &all\n  - file: intro\n", "book/_toc.yml:3: YAML's '&' syntax cannot be read"),
        ("format: jb-book\nroot: intro\nchapters:\n- start/install\n", "book/_toc.yml:4: an entry is not a mapping"),
        ("format: jb-book\nroot: 'intro\n", "book/_toc.yml: line 2: has a quoted string that is not closed"),
    ],
)
def test_a_toc_citelint_cannot_read_is_one_line(project: Path, toc: str, message: str) -> None:
    jupyter_book(project, toc)
    code, lines, stderr = book("book")
    assert (code, lines) == (2, []) and stderr.startswith(f"citelint: error: {message}") and stderr.count("\n") == 1


def test_jupyter_book_glob_stays_in_the_book(project: Path) -> None:
    jupyter_book(project, "format: jb-book\nroot: intro\nchapters:\n- glob: ../*\n")
    code, lines, stderr = book("book")
    assert code == 2 and lines[1:] == ["book/intro.md"] and "reaches out of the book's folder" in stderr


@pytest.mark.parametrize("tool", ["mkdocs", "jupyter-book"])
def test_book_numbering_checks_the_book_in_the_tools_order(project: Path, tool: str) -> None:
    """ch-b comes first in the book: numbered in file-name order, ch-a would cite 2 before 1."""
    cite = '# {0}\n\nClaim. [CITATION {1}]\n\n## References\n\n{1}. "Work {1}." Press, 2020. https://example.com/{1}\n'
    files = {"docs/ch-b.md": cite.format("B", 1), "docs/ch-a.md": cite.format("A", 2), ".citelint.toml": 'numbering = "book"\n'}
    files |= {"mkdocs.yml": "nav:\n  - ch-b.md\n  - ch-a.md\n"} if tool == "mkdocs" else {"docs/_toc.yml": "format: jb-book\nroot: ch-b\nchapters:\n- file: ch-a\n"}
    write(project, files)
    ran = cli("check", "docs")
    assert ran.code == 0, ran.stdout + ran.stderr


# -- the configuration and file names --------------------------------------------------


def test_file_names_in_natural_order() -> None:
    names = ["ch10.md", "ch2.md", "ch1.md", "Ch3.md", "appendix.md", "ch02b.md", "part2/ch1.md", "part10/ch1.md", "x" + "9" * 5000 + ".md", "x1.md"]
    assert natural_order(names) == ["appendix.md", "ch1.md", "ch2.md", "ch02b.md", "Ch3.md", "ch10.md", "part2/ch1.md", "part10/ch1.md", "x1.md", "x" + "9" * 5000 + ".md"]


def test_a_plain_folder_is_ordered_by_file_name_with_numbers_as_numbers(project: Path) -> None:
    write(project, chapters(*(f"manuscript/chapter-{n}.md" for n in (1, 2, 10, 11, 3))))
    code, lines, _ = book("manuscript")
    assert code == 0 and lines[1:] == [f"manuscript/chapter-{n}.md" for n in (1, 2, 3, 10, 11)]


def test_configured_chapters_with_globs_relative_to_the_configuration_win_over_the_book_tool(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, {"book.toml": "[book]\n", "src/SUMMARY.md": "- [A](a.md)\n", **chapters("src/a.md", "src/intro.md", "src/ch10.md", "src/ch9.md")})
    write(project, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.citelint]\nchapters = ["src/intro.md", "src/ch*.md"]\n'})
    monkeypatch.chdir(project / "src")
    code, lines, _ = book()
    assert code == 0 and lines == ["Book order from the configuration's chapters (../pyproject.toml): 3 chapters", "intro.md", "ch9.md", "ch10.md"]


def test_configured_chapters_that_name_no_file_are_errors_naming_the_configuration(project: Path) -> None:
    write(project, {".citelint.toml": 'chapters = ["a.md", "missing.md", "parts/*.md"]\n', **chapters("a.md")})
    code, lines, stderr = book()
    assert code == 2 and lines[1:] == ["a.md"]
    assert stderr.splitlines() == [
        "citelint: error: .citelint.toml: 'chapters' entry 'missing.md': no such file",
        "citelint: error: .citelint.toml: 'chapters' entry 'parts/*.md' matches no file",
    ]


@pytest.mark.parametrize("value", ['"a.md"', '[1]', '[""]'])
def test_chapters_must_be_a_list_of_paths(project: Path, value: str) -> None:
    write(project, {".citelint.toml": f"chapters = {value}\n"})
    code, _, stderr = book()
    assert code == 2 and stderr.startswith("citelint: error: .citelint.toml: 'chapters' must be a list of chapter files or globs")


def test_a_book_file_that_is_not_utf8_is_one_line(project: Path) -> None:
    (project / "manuscript").mkdir()
    (project / "manuscript/Book.txt").write_bytes(b"caf\xe9.md\n")
    code, _, stderr = book()
    assert code == 2 and stderr == "citelint: error: manuscript/Book.txt: is not valid UTF-8\n"


# -- the YAML reader -------------------------------------------------------------------


def test_yaml_subset() -> None:
    text = "---\n# comment\na: 1\nb:\n  - x\n  - [y, 'z z', \"w\\u00e9\"]\n  -\n  - k: v\n    l: ~\nc: 'it''s' # note\nd: http://example.com/a#b\n...\nignored: after the end\n"
    read = read_yaml(text)
    assert read == {"a": "1", "b": ["x", ["y", "z z", "wé"], "", {"k": "v", "l": None}], "c": "it's", "d": "http://example.com/a#b"}
    assert read["b"][2].line == 7  # an empty list item is an empty string on its line, for a reader to name
    assert read_yaml("a: [1,\n  2]\n")["a"][1].line == 2 - 1  # a list's items carry its first line


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a:\n    b: 1\n  c: 2\n", 3, "is not 'key: value'"),
        ("a:\n\t- x\n", 2, "is indented with a tab"),
        ("a: [x, y\n", 1, "never closed"),
        ("a: 'x' y\n", 1, "text after a quoted string"),
        ("- x\nb: 1\n", 2, "is indented less than the first line, or is not part of the document"),
        ("a:" + "\n" + "".join(" " * n + "- \n" for n in range(1, 200)), 66, "nested more than 64"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", 1, "nested more than 64"),
    ],
)
def test_yaml_it_cannot_read_is_an_error_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlError) as raised:
        read_yaml(text)
    assert str(raised.value).startswith(f"line {line}: ") and message in str(raised.value)


def test_a_line_of_dashes_is_read_in_linear_work() -> None:
    """A line of list dashes (``- - - … x``) is read dash by dash where each one is:
    the line was cut after each dash, quadratic (a 1 MiB _quarto.yml of dashes took
    13 s before the nesting limit refused it). Eight times the dashes cost about
    eight times the CPU time now."""

    def work(n: int) -> Work:
        text = "- " * n + "x\n"
        with pytest.raises(YamlError, match="nested more than 64"):
            read_yaml(text)
        return measure_work(lambda: pytest.raises(YamlError, read_yaml, text))

    assert_linear(work(40_000), work(320_000), 8)  # sizes whose CPU time a busy machine's noise does not drown


def test_globs_matching_the_same_files_take_linear_work(project: Path) -> None:
    """Each glob of ``chapters`` made every chapter listed before it a name again
    and sorted and looked at each of its matches, listed or not: a configuration of
    1,000 globs each matching the same 2,000 files took 28 s. Eight times the globs
    and the files cost about eight times the calls now; a glob written again still
    lists nothing new, and one matching no file is still a problem each time."""
    from citelint.book_order import configured_order
    from citelint.config import Settings

    for n in (50, 400):
        (project / f"book{n}").mkdir()
        for number in range(1, n + 1):
            (project / f"book{n}" / f"ch{number}.md").write_text("# Chapter\n", encoding="utf-8")

    def order(n: int, globs: int) -> tuple[tuple[str, ...], int]:
        chapters = (f"book{n}/ch1.md", *[f"book{n}/ch*.md"] * globs, "book/none*.md", "book/none*.md")
        found = configured_order(Settings(chapters=chapters))
        return found.chapters, len(found.problems)

    chapters, problems = order(400, 3)
    assert chapters[:3] == ("book400/ch1.md", "book400/ch2.md", "book400/ch3.md") and len(chapters) == 400 and problems == 2
    small, large = (count_calls(lambda: order(n, n)) for n in (50, 400))
    assert large <= 1.25 * 8 * small, f"{small:,} calls -> {large:,}"


def test_different_globs_over_many_files_cost_calls_a_file_not_a_glob(project: Path) -> None:
    """1,000 different ``chapters`` globs each listed the folder and matched each name
    (glob.glob): 4,000 files took 2.8 s, and more files more. A folder's globs are
    matched together now, the folder listed once: a file costs the same calls under
    400 globs as under 50."""
    from citelint.book_order import configured_order
    from citelint.config import Settings

    for n in (100, 200):
        (project / f"b{n}").mkdir()
        for number in range(n):
            (project / f"b{n}" / f"ch{number}.md").write_text("# C\n", encoding="utf-8")

    def per_file(globs: int) -> float:
        def order(n: int) -> object:
            return configured_order(Settings(chapters=(*[f"b{n}/zz{number}*" for number in range(globs)], f"b{n}/ch*.md")))

        found = order(100)
        assert len(found.chapters) == 100 and len(found.problems) == globs  # type: ignore[attr-defined]
        return (count_calls(lambda: order(200)) - count_calls(lambda: order(100))) / 100

    few, many = per_file(50), per_file(400)
    assert many <= 1.25 * few, f"{few:.0f} calls a file -> {many:.0f}"


def test_book_and_init_are_commands_that_check_never_imports() -> None:
    import subprocess
    import sys

    assert {"book", "init"} <= set(cli("--help").stdout.split())
    probe = "import sys, citelint.cli; citelint.cli.cli.get_command(None, 'check'); print(sorted(m for m in sys.modules if m.startswith(('citelint.book', 'citelint.init'))))"
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "[]"


def _configured_one_glob_at_a_time(chapters: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The chapters and the entries that match no file, as each glob was expanded on
    its own by ``glob.glob`` (before a folder's globs were matched together)."""
    import glob

    from citelint.files import display_path

    found: list[str] = []
    listed: set[str] = set()
    matched: dict[str, bool] = {}
    no_match: list[str] = []
    for entry in chapters:
        if entry in matched:
            new = []
        else:
            matches = glob.glob(entry, recursive=True)
            new = [match for match in matches if display_path(match) not in listed and os.path.isfile(match)]
            matched[entry] = bool(new) or any(display_path(match) in listed for match in matches)
        if not matched[entry]:
            no_match.append(entry)
        found.extend(natural_order(new))
        listed.update(map(display_path, new))
    return found, no_match


@pytest.mark.parametrize("seed", range(3))
def test_a_folders_globs_matched_together_list_what_glob_listed(project: Path, seed: int) -> None:
    """The ``chapters`` globs of names in one folder are matched together, the folder
    listed once: each entry must list the chapters, and be a problem, as each glob
    expanded by ``glob.glob`` on its own was (hidden names, folders that match,
    globs written again, a later glob matching only chapters listed already)."""
    import random

    from citelint.book_listing import unique_chapters
    from citelint.book_order import configured_order
    from citelint.config import Settings

    for folder in ("", "part1/", "part1/sub/"):
        (project / folder).mkdir(parents=True, exist_ok=True)
        for file in ("ch1.md", "ch2.md", "ch10.md", "Ch3.md", ".hidden.md", "notes.txt", "a[b].md", "x-y.md"):
            (project / folder / file).write_text("# C\n", encoding="utf-8")
        (project / folder / "chdir.md").mkdir(exist_ok=True)
    rng = random.Random(seed)
    pieces = ["ch*.md", "*.md", "ch?.md", "ch[0-9]*.md", "[!c]*", ".*", "*", "c*", "none*.md", "a[[]b].md", "*-*", "[a-c]*.md", "**/*.md", "part*/ch1.md", "*/*.md"]
    for _ in range(60):
        entries = tuple(rng.choice(["", "part1/", "./part1/", "part1/sub/", "nowhere/"]) + rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        entries += tuple(rng.sample(entries, min(2, len(entries))))  # globs written again
        if rng.random() < 0.3:
            entries = ("part1/ch2.md", *entries)
        order = configured_order(Settings(chapters=entries))
        chapters, no_match = _configured_one_glob_at_a_time(entries)
        assert order.chapters == unique_chapters(chapters, "configuration")[0], entries
        assert [problem.message for problem in order.problems] == [f"'chapters' entry {entry!r} matches no file" for entry in no_match], entries


def test_globs_that_walk_folders_are_bounded_in_number(project: Path) -> None:
    """Each glob with a wildcard in a folder (or a ``**`` name) walks the folders on its
    own: 64 at most, one clear error past that (1,000 such globs over 4,000 files would
    list the folders a thousand times)."""
    (project / ".citelint.toml").write_text("chapters = [" + ", ".join(f'"part*/ch{number}.md"' for number in range(65)) + "]\n", encoding="utf-8")
    result = cli("book", ".")
    assert result.code == 2 and "'chapters' has 65 globs with a wildcard in a folder" in result.stderr and "Traceback" not in result.stderr
    (project / ".citelint.toml").write_text("chapters = [" + ", ".join(['"part*/ch1.md"'] * 100 + [f'"ch{number}*.md"' for number in range(900)]) + "]\n", encoding="utf-8")
    assert "wildcard in a folder" not in cli("book", ".").stderr
