"""What a stranger's pull request cannot make citelint read: files outside the
project, reached through the configuration (``paths``, ``chapters``,
``bibliography``), a book tool's list of chapters or a symbolic link in the
checkout. Their text would be quoted in findings, in public CI logs.

Each test has a repository (``repo``, holding ``.git``) and, beside it, a file
that is no part of it: ``secret.md``, whose reference entry carries a malformed
URL that CIT008 would quote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import cli

SECRET = 'Claim [CITATION 1]\n\n## References\n\n1. "S." P, 2020. http://token-ab12cd/x\n'
CHAPTER = 'Claim. [CITATION 1]\n\n## References\n\n1. "A." Press, 2020. https://example.com/a\n'
REFUSED = "is outside the project"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "book").mkdir()
    (root / "book" / "ch1.md").write_text(CHAPTER, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def secret_quoted(output: str) -> bool:
    return "token-ab12cd" in output


@pytest.mark.parametrize("entry", ["../outside/secret.md", "{tmp}/outside/secret.md", "../outside"])
def test_configured_paths_outside_the_project_are_refused_and_the_rest_linted(repo: Path, entry: str) -> None:
    entry = entry.format(tmp=repo.parent.as_posix())
    (repo / ".citelint.toml").write_text(f'paths = ["book", "{entry}"]\n', encoding="utf-8")
    ran = cli("check")
    assert ran.code == 2 and not secret_quoted(ran.stdout + ran.stderr)
    assert REFUSED in ran.stderr and ran.stderr.count("\n") == 1
    assert "in 1 file" in ran.stdout  # book/ch1.md is still linted


def test_a_symbolic_link_out_of_the_project_is_not_followed_by_a_folder_walk(repo: Path) -> None:
    os.symlink(repo.parent / "outside" / "secret.md", repo / "book" / "ch2.md")
    os.symlink(repo.parent / "outside", repo / "book" / "linked")
    (repo / "shared").mkdir()
    (repo / "shared" / "ch3.md").write_text(CHAPTER, encoding="utf-8")
    os.symlink(repo / "shared", repo / "book" / "inside")  # a link within the project is followed
    ran = cli("check", "book")
    assert ran.code == 2 and not secret_quoted(ran.stdout + ran.stderr)
    secret = repo.parent / "outside" / "secret.md"
    assert sorted(ran.stderr.splitlines()) == [
        f"citelint: error: book/{name}: {REFUSED} ({secret}); not read (outside the project, only paths the command line names there are)"
        for name in ("ch2.md", "linked/secret.md")
    ]
    assert "in 2 files" in ran.stdout  # ch1.md and inside/ch3.md


def test_a_staged_file_that_links_out_of_the_project_is_refused(repo: Path) -> None:
    """pre-commit names the staged files on the command line: a name inside the
    project is judged by where it leads."""
    os.symlink(repo.parent / "outside" / "secret.md", repo / "book" / "ch2.md")
    ran = cli("check", "book/ch1.md", "book/ch2.md")
    assert ran.code == 2 and not secret_quoted(ran.stdout + ran.stderr)
    assert ran.stderr.startswith(f"citelint: error: book/ch2.md: {REFUSED}")


def test_fix_reads_nothing_outside_the_project_either(repo: Path) -> None:
    (repo / ".citelint.toml").write_text('paths = ["../outside/secret.md"]\n', encoding="utf-8")
    before = (repo.parent / "outside" / "secret.md").read_text(encoding="utf-8")
    ran = cli("fix")
    assert ran.code == 2 and REFUSED in ran.stderr
    assert (repo.parent / "outside" / "secret.md").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "files",
    [
        {".citelint.toml": 'numbering = "book"\nchapters = ["book/ch1.md", "../outside/secret.md"]\n'},
        {".citelint.toml": 'numbering = "book"\nbibliography = "../outside/secret.md"\npaths = ["book"]\n'},
        {".citelint.toml": 'numbering = "book"\n', "book.toml": "[book]\nsrc = \"book\"\n", "book/SUMMARY.md": "- [One](ch1.md)\n- [Two](../../outside/secret.md)\n"},
        {".citelint.toml": 'numbering = "book"\n', ".gitbook.yaml": "root: book\n", "book/SUMMARY.md": "- [One](ch1.md)\n- [Two](../../outside/secret.md)\n"},
        {".citelint.toml": 'numbering = "book"\n', "mkdocs.yml": "docs_dir: book\nnav:\n  - ch1.md\n  - Two: ../../outside/secret.md\n"},
        {".citelint.toml": 'numbering = "book"\n', "_toc.yml": "format: jb-book\nroot: book/ch1\nchapters:\n- file: ../outside/secret\n"},
    ],
    ids=["chapters", "bibliography", "mdbook-summary", "gitbook-summary", "mkdocs-nav", "jupyter-book-toc"],
)
def test_a_book_reads_no_chapter_outside_the_project(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    ran = cli("check")
    assert ran.code == 2 and not secret_quoted(ran.stdout + ran.stderr), ran.stdout + ran.stderr
    assert REFUSED in ran.stderr


def test_a_path_outside_the_project_that_the_command_line_names_is_read(repo: Path) -> None:
    """The command line is the CI job's own: what it names outside the project is read."""
    ran = cli("check", "../outside/secret.md")
    assert ran.code == 0 and secret_quoted(ran.stdout)
    ran = cli("check", str(repo.parent / "outside"))
    assert ran.code == 0 and secret_quoted(ran.stdout)


@pytest.mark.parametrize("command", [("book",), ("report", "--output", "report.html")])
def test_the_book_order_and_the_report_read_no_chapter_outside_the_project(repo: Path, command: tuple[str, ...]) -> None:
    (repo / "book.toml").write_text('[book]\nsrc = "book"\n', encoding="utf-8")
    (repo / "book" / "SUMMARY.md").write_text("- [One](ch1.md)\n- [Two](../../outside/secret.md)\n", encoding="utf-8")
    ran = cli(*command)
    report = (repo / "report.html").read_text(encoding="utf-8") if (repo / "report.html").exists() else ""
    assert REFUSED in ran.stderr and not secret_quoted(ran.stdout + ran.stderr + report)
    assert "secret.md" not in ran.stdout
