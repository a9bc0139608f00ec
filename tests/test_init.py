"""`citelint init` in realistic writers' repositories on disk: it finds the manuscript
folder, marker style, keyword, reference headings and book tool; what it writes loads
with citelint's own loader, `citelint check` runs without a configuration error,
pre-commit accepts the hook entry, and nothing is overwritten without --force."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from citelint.config import load_settings
from citelint.init_project import ACTION, RELEASE, REPOSITORY_URL
from helpers import cli

ROOT = Path(__file__).resolve().parent.parent

ENTRIES = (
    'Smith, J. "On Order." Journal of Citing 4 (2019): 1-9. https://example.com/order',
    'Jones, K. "Numbers in Text." Press, 2021. https://example.com/numbers',
    'Lee, A. "The Third Source." Review, 2022. https://doi.org/10.1000/xyz3',
)


def citation_chapter(title: str, keyword: str = "CITATION", heading: str = "## References", order: tuple[int, int, int] = (1, 2, 3)) -> str:
    first, second, third = order
    return (
        f"# {title}\n\nThe first claim is made here. [{keyword} {first}] A second follows, "
        f"as the record shows. [{keyword} {second}]\n\nA link to [the site](https://example.com) and a task:\n\n"
        f"- [ ] check the sources\n\nThe third is cited last. [{keyword} {third}]\n\n{heading}\n\n"
        + "\n".join(f"{n}. {entry}" for n, entry in enumerate(ENTRIES, 1))
        + "\n"
    )


def bracket_chapter(title: str, order: tuple[int, int, int] = (1, 2, 3)) -> str:
    first, second, third = order
    return (
        f"# {title}\n\nIEEE style cites like this [{first}], and links like [this one][1] or [1](https://example.com/x) "
        f"are not citations, nor is `a[1]` or a footnote.[^1] Two at once [{second}, {third}].\n\n"
        "- [x] a task box\n\n[^1]: A footnote.\n\n## References\n\n"
        + "\n".join(f"[{n}] {entry}" for n, entry in enumerate(ENTRIES, 1))
        + "\n"
    )


def superscript_chapter(title: str, heading: str) -> str:
    return (
        f"# {title}\n\nPandoc writes superscripts.^1^ Some write HTML.<sup>2</sup> And both at once.^2,3^\n\n"
        f"{heading}\n\n" + "\n".join(f"{n}. {entry}" for n, entry in enumerate(ENTRIES, 1)) + "\n"
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file() and ".git" not in path.parts and ".citelint-cache" not in path.parts}


def init(*args: str) -> tuple[int, str, str]:
    ran = cli("init", *args)
    return ran.code, ran.stdout, ran.stderr


def check_runs_clean_of_configuration_errors() -> tuple[int, str]:
    """`citelint check` with the configuration init wrote: no error line on stderr."""
    ran = cli("check", "--no-cache")
    assert ran.stderr == "" and ran.code in (0, 1), ran.stderr
    return ran.code, ran.stdout


def precommit_accepts(root: Path) -> dict[str, object]:
    """pre-commit's own validation of the configuration, and the configuration read by PyYAML."""
    ran = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"], cwd=root, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def citelint_hook(config: dict[str, object]) -> dict[str, object]:
    (repo,) = [repo for repo in config["repos"] if repo["repo"] == REPOSITORY_URL]  # type: ignore[index]
    assert repo["rev"] == RELEASE
    (hook,) = repo["hooks"]
    return hook


# -- a plain folder book ---------------------------------------------------------------------


@pytest.fixture
def folder_book(project: Path) -> Path:
    write(project, {f"manuscript/chapter-{n}.md": citation_chapter(f"Chapter {n}") for n in (1, 2, 10)})
    write(project, {"notes/research.md": citation_chapter("Notes"), "README.md": "# My book\n\nSee [1] for more.\n", "docs/plan.md": "# Plan\n\n1. write\n2. cite\n"})
    write(project, {f"tests/fixtures/case{n}.md": citation_chapter(f"Case {n}") for n in range(5)})  # the build scripts' tests
    return project


def test_a_plain_folder_book(folder_book: Path) -> None:
    code, out, err = init()
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "citelint init: found 3 chapters with numbered citations in manuscript/ ([CITATION 3]; References)"
    assert "wrote .citelint.toml" in out and "wrote .pre-commit-config.yaml" in out and out.endswith("Next: citelint check manuscript\n")
    settings = load_settings(str(folder_book / ".citelint.toml"), {})
    assert settings.paths == ("manuscript",) and settings.marker_style == "citation" and settings.marker == "CITATION"
    text = (folder_book / ".citelint.toml").read_text(encoding="utf-8")
    assert text.startswith("# Written by `citelint init`") and "reference-headings" not in text.replace("# Reference", "")
    assert citelint_hook(precommit_accepts(folder_book)) == {"id": "citelint", "files": "^manuscript/"}
    code, out = check_runs_clean_of_configuration_errors()
    assert code == 0 and out == "Found 0 problems (0 errors, 0 warnings) in 3 files.\n"  # the three chapters, not notes/ or README.md
    assert not (folder_book / ".github").exists()  # only with --github


def test_running_it_twice_changes_nothing_and_says_so(folder_book: Path) -> None:
    assert init("--github")[0] == 0
    before = snapshot(folder_book)
    code, out, err = init("--github")
    assert (code, err) == (0, "")
    assert "left .citelint.toml as it is: it exists (--force replaces it)" in out
    assert "left .pre-commit-config.yaml as it is: it has a citelint hook already" in out
    assert "left .github/workflows/citelint.yml as it is: it exists (--force replaces it)" in out
    assert snapshot(folder_book) == before


def test_nothing_is_overwritten_without_force_and_force_replaces_only_citelints_files(folder_book: Path) -> None:
    write(folder_book, {".citelint.toml": 'paths = ["notes"]  # mine\n', ".github/workflows/citelint.yml": "name: mine\n"})
    before = snapshot(folder_book)
    code, out, _ = init("--github")
    assert code == 0 and "left .citelint.toml as it is" in out and "left .github/workflows/citelint.yml as it is" in out
    after = snapshot(folder_book)
    assert {name: data for name, data in after.items() if name in before} == before  # only the new pre-commit file was added
    assert set(after) - set(before) == {".pre-commit-config.yaml"}
    code, out, _ = init("--github", "--force")
    assert code == 0 and "replaced .citelint.toml" in out and "replaced .github/workflows/citelint.yml" in out
    assert load_settings(str(folder_book / ".citelint.toml"), {}).paths == ("manuscript",)
    assert (folder_book / ".pre-commit-config.yaml").read_bytes() == after[".pre-commit-config.yaml"]  # a hook it has is kept


def test_dry_run_prints_and_writes_nothing(folder_book: Path) -> None:
    before = snapshot(folder_book)
    code, out, _ = init("--dry-run", "--github")
    assert code == 0 and snapshot(folder_book) == before
    assert "would write .citelint.toml:" in out and '    paths = ["manuscript"]' in out
    assert "would write .github/workflows/citelint.yml:" in out and f"    uses: {ACTION}" in out.replace("  - uses", "uses").replace("    -", "    ")


def test_the_github_workflow_uses_the_action_with_its_inputs(folder_book: Path) -> None:
    assert init("--github")[0] == 0
    workflow = yaml.safe_load((folder_book / ".github/workflows/citelint.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["citelint"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4"} and steps[1] == {"uses": ACTION, "with": {"paths": "manuscript"}}
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert set(steps[1]["with"]) <= set(action["inputs"])


# -- book tools ---------------------------------------------------------------------------------


def test_an_mdbook_with_its_own_keyword(project: Path) -> None:
    summary = "# Summary\n\n[Preface](preface.md)\n\n- [One](part1/one.md)\n    - [Two](part1/two.md)\n- [Draft]()\n"
    write(project, {"book.toml": '[book]\ntitle = "T"\nsrc = "src"\n', "src/SUMMARY.md": summary, "src/preface.md": "# Preface\n\nNo citations.\n"})
    write(project, {"src/part1/one.md": citation_chapter("One", "REF"), "src/part1/two.md": citation_chapter("Two", "REF", order=(2, 1, 3))})
    write(project, {"notes/a.md": citation_chapter("A"), "notes/b.md": citation_chapter("B"), "notes/c.md": citation_chapter("C")})  # more, but not the book
    code, out, _ = init()
    assert code == 0
    assert out.splitlines()[0] == "citelint init: found 2 chapters with numbered citations in src/ ([REF 3]; References; book tool: mdBook SUMMARY.md)"
    settings = load_settings(str(project / ".citelint.toml"), {})
    assert settings.paths == ("src",) and settings.marker == "REF" and settings.marker_style == "citation"
    assert "# Book tool: mdBook SUMMARY.md (src/SUMMARY.md)" in (project / ".citelint.toml").read_text(encoding="utf-8")
    assert citelint_hook(precommit_accepts(project))["files"] == "^src/"
    code, out = check_runs_clean_of_configuration_errors()
    assert code == 1 and "src/part1/two.md" in out and "CIT003" in out  # the REF markers are read


def test_a_quarto_book_with_superscripts_and_its_own_heading(project: Path) -> None:
    quarto = "project:\n  type: book\nbook:\n  title: T\n  chapters:\n    - index.qmd\n    - part: Part I\n      chapters:\n        - chapters/one.qmd\n        - chapters/two.qmd\n"
    write(project, {"_quarto.yml": quarto, "index.qmd": "# Preface\n", "README.md": "# About\n"})
    write(project, {"chapters/one.qmd": superscript_chapter("One", "## Bronnen"), "chapters/two.qmd": superscript_chapter("Two", "**Bronnen**")})
    code, out, _ = init()
    assert code == 0 and "found 2 chapters with numbered citations in the repository root (<sup>3</sup>, ^3^; Bronnen; book tool: Quarto _quarto.yml)" in out
    settings = load_settings(str(project / ".citelint.toml"), {})  # Quarto's source folder is the project's
    assert settings.marker_style == "superscript" and settings.extensions == ("qmd",) and settings.paths == (".",)
    assert settings.reference_headings[-1] == "Bronnen" and "References" in settings.reference_headings
    hook = citelint_hook(precommit_accepts(project))
    assert hook["types_or"] == ["text"] and hook["files"] == r"\.(qmd)$"
    code, out = check_runs_clean_of_configuration_errors()
    assert code == 0 and out == "Found 0 problems (0 errors, 0 warnings) in 3 files.\n"  # the .qmd chapters, not README.md
    write(project, {"chapters/two.qmd": superscript_chapter("Two", "## Bronnen").replace("^1^", "^9^")})
    code, out = check_runs_clean_of_configuration_errors()
    assert code == 1 and "chapters/two.qmd" in out  # the superscripts are read as markers


def test_a_mkdocs_site_s_manuscript_is_its_docs_folder(project: Path) -> None:
    """The cited pages are all in docs/guide, but the book is docs_dir (its index too)."""
    write(project, {"mkdocs.yml": "site_name: T\nnav:\n  - index.md\n  - Guide:\n    - guide/one.md\n    - guide/two.md\n", "docs/index.md": "# Home\n"})
    write(project, {"docs/guide/one.md": citation_chapter("One"), "docs/guide/two.md": citation_chapter("Two")})
    code, out, _ = init()
    assert code == 0 and "found 2 chapters with numbered citations in docs/ ([CITATION 3]; References; book tool: MkDocs mkdocs.yml (nav))" in out
    assert load_settings(str(project / ".citelint.toml"), {}).paths == ("docs",)


# -- a repository with pyproject.toml and .pre-commit-config.yaml ----------------------------------

PYPROJECT = """\
[project]
name = "my-book"   # the book's build scripts
version = "1.0"

[tool.black]
line-length = 100
"""

PRECOMMIT = """\
# my hooks
default_stages: [pre-commit]
repos:
- repo: https://github.com/pre-commit/pre-commit-hooks
  rev: v4.6.0
  hooks:
  - id: trailing-whitespace
  - id: end-of-file-fixer
    exclude: |
      (?x)^(
        build/.*
      )$

# pre-commit.ci
ci:
  autofix_prs: false
"""


@pytest.fixture
def python_repo(project: Path) -> Path:
    write(project, {"pyproject.toml": PYPROJECT, ".pre-commit-config.yaml": PRECOMMIT})
    write(project, {f"book/ch{n}.md": citation_chapter(f"Chapter {n}") for n in (1, 2)})
    return project


def test_an_existing_pyproject_and_precommit_configuration_are_added_to_not_rewritten(python_repo: Path) -> None:
    code, out, _ = init()
    assert code == 0
    assert "added a [tool.citelint] table to pyproject.toml" in out and "added a citelint hook to .pre-commit-config.yaml" in out
    assert not (python_repo / ".citelint.toml").exists()
    pyproject = (python_repo / "pyproject.toml").read_text(encoding="utf-8")
    assert pyproject.startswith(PYPROJECT + "\n[tool.citelint]\n")
    assert load_settings(None, {}).paths == ("book",)  # found as the project's configuration
    config = precommit_accepts(python_repo)
    assert config["ci"] == {"autofix_prs": False} and config["default_stages"] == ["pre-commit"]
    assert [repo["repo"] for repo in config["repos"]] == ["https://github.com/pre-commit/pre-commit-hooks", REPOSITORY_URL]
    precommit = (python_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert precommit.startswith(PRECOMMIT.split("\n# pre-commit.ci")[0]) and precommit.endswith("\n# pre-commit.ci\nci:\n  autofix_prs: false\n")
    assert citelint_hook(config) == {"id": "citelint", "files": "^book/"}
    check_runs_clean_of_configuration_errors()


def test_force_replaces_only_the_citelint_table_of_pyproject(python_repo: Path) -> None:
    with (python_repo / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[tool.citelint]\npaths = ["old"]\n\n[tool.citelint.urls]\ntimeout = 5\n\n# ruff: the build scripts\n[tool.ruff]\nline-length = 90\n')
    before = snapshot(python_repo)["pyproject.toml"]
    code, out, _ = init()
    assert code == 0 and "left pyproject.toml as it is: it has a [tool.citelint] table (--force replaces it)" in out
    assert (python_repo / "pyproject.toml").read_bytes() == before
    code, out, _ = init("--force")
    assert code == 0 and "replaced the [tool.citelint] table of pyproject.toml" in out
    import tomllib

    data = tomllib.loads((python_repo / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["tool"]["ruff"] == {"line-length": 90} and data["tool"]["black"] == {"line-length": 100} and data["project"]["name"] == "my-book"
    assert data["tool"]["citelint"]["paths"] == ["book"] and "urls" not in data["tool"]["citelint"]
    text = (python_repo / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(PYPROJECT + "\n# ruff: the build scripts\n[tool.ruff]\nline-length = 90\n\n[tool.citelint]\n") and text.count("[tool.citelint") == 1
    assert init("--force")[0] == 0 and (python_repo / "pyproject.toml").read_text(encoding="utf-8") == text  # the same again


def test_a_precommit_configuration_it_cannot_read_is_left_with_the_entry_to_add_by_hand(python_repo: Path) -> None:
    write(python_repo, {".pre-commit-config.yaml": "repos: [{repo: local, hooks: []}]\n"})
    code, out, _ = init()
    assert code == 0 and "left .pre-commit-config.yaml as it is: citelint init cannot add to it safely" in out
    assert f"- repo: {REPOSITORY_URL}" in out
    assert (python_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: [{repo: local, hooks: []}]\n"


# -- a brackets-style book ---------------------------------------------------------------------------


def test_a_brackets_style_book(project: Path) -> None:
    write(project, {f"chapters/{n:02d}-chapter.md": bracket_chapter(f"Chapter {n}") for n in (1, 2, 3)})
    write(project, {"README.md": "# Thesis\n\nSee [the chapters](chapters/).\n"})
    code, out, _ = init()
    assert code == 0 and out.splitlines()[0] == "citelint init: found 3 chapters with numbered citations in chapters/ ([3], [1, 3], [2-4]; References)"
    assert load_settings(str(project / ".citelint.toml"), {}).marker_style == "brackets"
    assert check_runs_clean_of_configuration_errors() == (0, "Found 0 problems (0 errors, 0 warnings) in 3 files.\n")
    write(project, {"chapters/02-chapter.md": bracket_chapter("Chapter 2", order=(2, 1, 3))})
    code, out = check_runs_clean_of_configuration_errors()
    assert code == 1 and "chapters/02-chapter.md" in out and "CIT003" in out


# -- what it cannot find out ------------------------------------------------------------------------


def test_a_repository_without_citations_is_one_line_and_folder_names_it(project: Path) -> None:
    write(project, {"README.md": "# Hello\n", "drafts/one.md": "# One\n\nNo sources yet.\n"})
    code, out, err = init()
    assert code == 2 and out == "" and err.startswith("citelint: error: found no chapter with numbered citations") and err.count("\n") == 1
    assert not (project / ".citelint.toml").exists()
    code, out, _ = init("--folder", "drafts")
    assert code == 0 and load_settings(str(project / ".citelint.toml"), {}).paths == ("drafts",)


def test_the_repository_and_release_are_the_ones_the_docs_give() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"- repo: {REPOSITORY_URL}" in readme and f"rev: {RELEASE}" in readme
    assert f"uses: {ACTION}" in readme and f"uses: {ACTION}" in (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")


def test_a_bookdown_book_of_rmd_chapters_in_brackets_style(project: Path) -> None:
    write(project, {"_bookdown.yml": 'book_filename: "thesis"\nrmd_files: ["index.Rmd", "01-intro.Rmd", "02-methods.Rmd"]\n', "index.Rmd": "# Preface\n"})
    write(project, {"01-intro.Rmd": bracket_chapter("Intro"), "02-methods.Rmd": bracket_chapter("Methods")})
    code, out, _ = init()
    assert code == 0 and "found 2 chapters with numbered citations in the repository root ([3], [1, 3], [2-4]; References; book tool: bookdown" in out
    settings = load_settings(str(project / ".citelint.toml"), {})
    assert settings.marker_style == "brackets" and settings.extensions == ("rmd",)
    hook = citelint_hook(precommit_accepts(project))
    assert hook == {"id": "citelint", "files": r"\.([rR]md)$", "types_or": ["text"]}
    assert check_runs_clean_of_configuration_errors() == (0, "Found 0 problems (0 errors, 0 warnings) in 3 files.\n")


def test_a_leanpub_book_and_a_manuscript_in_parts(project: Path) -> None:
    write(project, {"manuscript/Book.txt": "part1/a.md\npart2/b.md\n", "manuscript/part1/a.md": citation_chapter("A"), "manuscript/part2/b.md": citation_chapter("B")})
    code, out, _ = init("--dry-run")
    assert code == 0 and "in manuscript/ ([CITATION 3]; References; book tool: Leanpub Book.txt)" in out
    (project / "manuscript/Book.txt").unlink()  # no book tool: the parts' folder is widened to the manuscript
    write(project, {"manuscript/part1/c.md": citation_chapter("C")})
    code, out, _ = init()
    assert code == 0 and "found 3 chapters with numbered citations in manuscript/ (" in out


def test_a_crlf_precommit_configuration_keeps_its_line_endings(python_repo: Path) -> None:
    (python_repo / ".pre-commit-config.yaml").write_bytes(PRECOMMIT.replace("\n", "\r\n").encode())
    assert init()[0] == 0
    data = (python_repo / ".pre-commit-config.yaml").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"") and citelint_hook(precommit_accepts(python_repo))["files"] == "^book/"


def test_what_is_not_a_numbered_citation_is_not_counted() -> None:
    from citelint.init_project import scan_text

    text = (
        "# Author-date\n\nAs [Smith 2019] and [Jones 2020] say, see [Figure 2] and [Table 3] and [Chapter 4].\n"
        "A [link][1], [another](https://example.com), [^1] a footnote, `code [1]`, a[1], [2019], ![img][2].\n\n"
        "```\n[CITATION 1] [1] <sup>1</sup>\n```\n\n<!-- [CITATION 2] -->\n\n[1]: https://example.com\n\n[^1]: Note.\n"
    )
    scan = scan_text(text)
    assert (scan.styles, scan.keywords, scan.cites) == ({}, {}, False)
    steps = "## Steps\n\n1. Open the file.\n2. Save it.\n"
    assert scan_text(steps).headings == ()  # a numbered list that does not read as references
