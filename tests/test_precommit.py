"""A real `pre-commit try-repo` of this repository in a temporary git repository.

pre-commit pip-installs the hook repository from the package index, so these
tests are slow (one install, shared by the module) and need the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REFS

pytestmark = pytest.mark.slow  # real subprocesses and servers: the fast loop leaves them out

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_ORDER = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + REFS
CLEAN = "A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n" + REFS
GIT = ["git", "-c", "user.name=citelint tests", "-c", "user.email=tests@citelint.invalid", "-c", "commit.gpgsign=false"]


def index_reachable(folder: Path) -> bool:
    """Whether pip can fetch a package (what pre-commit needs to install the hook)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), "click"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result.returncode == 0


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit tests")
    if not index_reachable(tmp_path_factory.mktemp("pip-probe")):
        pytest.skip("no package index can be reached; pre-commit cannot install the hook")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run([*GIT, "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "ch.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    (tmp_path / "clean.md").write_text(CLEAN, encoding="utf-8")
    subprocess.run([*GIT, "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def try_repo(repo: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--verbose", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_hook_fails_on_a_chapter_with_a_defect(repo: Path, pre_commit_home: Path) -> None:
    result = try_repo(repo, pre_commit_home, "citelint", "ch.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ch.md:1:20: CIT003" in result.stdout
    assert "Failed" in result.stdout


def test_hook_passes_on_a_clean_chapter(repo: Path, pre_commit_home: Path) -> None:
    result = try_repo(repo, pre_commit_home, "citelint", "clean.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_fix_hook_rewrites_the_file(repo: Path, pre_commit_home: Path) -> None:
    result = try_repo(repo, pre_commit_home, "citelint-fix", "ch.md")
    assert result.returncode == 1, result.stdout + result.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in result.stdout
    assert (repo / "ch.md").read_text(encoding="utf-8").startswith("A. [CITATION 1] B. [CITATION 2] C. [CITATION 3]\n")
    again = try_repo(repo, pre_commit_home, "citelint", "ch.md")
    assert again.returncode == 0, again.stdout


def install_hook(repo: Path, home: Path, hook: str) -> dict[str, str]:
    """This repository's hook, at its HEAD, installed in ``repo`` as a writer would
    (``hook``: the hook's lines in .pre-commit-config.yaml); the environment to commit with."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "citelint", "pyproject.toml", ".pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True, check=False).stdout
    if not head or dirty:
        pytest.skip("needs this repository committed: the hook is installed from its HEAD")
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n{hook}", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True, capture_output=True)
    return env


def commit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Everything in ``repo`` staged and committed, through its hooks."""
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    return subprocess.run([*GIT, "commit", "-m", "chapters"], cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_commit_is_blocked_then_let_through(repo: Path, pre_commit_home: Path) -> None:
    """The hook installed in the repository stops a commit with CIT003 and lets the fixed one through."""
    env = install_hook(repo, pre_commit_home, "      - id: citelint\n")
    blocked = commit(repo, env)
    assert blocked.returncode != 0 and "CIT003" in blocked.stdout + blocked.stderr
    (repo / "ch.md").write_text(CLEAN, encoding="utf-8")
    passed = commit(repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr


BOOK_CONFIG = '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\nbibliography = "refs.md"\n'
BOOK_REFS = '# References\n\n1. "Alpha Work Title." 2001.\n2. "Beta Work Title." 2002.\n'


@pytest.fixture
def book_repo(tmp_path: Path) -> Path:
    """A book numbered across chapters: chapter 1 first cites reference 2, chapter 2
    then cites reference 1. Neither chapter is wrong alone; the book is (CIT003 in ch1)."""
    subprocess.run([*GIT, "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pyproject.toml").write_text(BOOK_CONFIG, encoding="utf-8")
    (tmp_path / "ch1.md").write_text("# One\n\nFirst [CITATION 2].\n", encoding="utf-8")
    (tmp_path / "ch2.md").write_text("# Two\n\nThen [CITATION 1].\n", encoding="utf-8")
    (tmp_path / "refs.md").write_text(BOOK_REFS, encoding="utf-8")
    subprocess.run([*GIT, "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_in_book_numbering_the_hook_judges_the_whole_book_whatever_files_it_is_given(book_repo: Path, pre_commit_home: Path) -> None:
    """pre-commit passes the staged chapter (ch2) alone; the book-wide finding is in ch1."""
    result = try_repo(book_repo, pre_commit_home, "citelint", "ch2.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ch1.md:3:7: CIT003" in result.stdout
    assert 'numbering = "book": checking the whole book' in result.stdout + result.stderr


def test_in_book_numbering_the_hook_takes_the_book_from_the_configuration(book_repo: Path, pre_commit_home: Path) -> None:
    """`pass_filenames: false` (README): the hook names no file, and the book comes from
    the configuration; a commit that breaks the book's order is stopped, the fixed one is not."""
    env = install_hook(book_repo, pre_commit_home, "      - id: citelint\n        pass_filenames: false\n")
    blocked = commit(book_repo, env)
    assert blocked.returncode != 0 and "ch1.md:3:7: CIT003" in blocked.stdout + blocked.stderr
    assert "not only the paths given" not in blocked.stdout + blocked.stderr  # no paths were given
    (book_repo / "ch1.md").write_text("# One\n\nFirst [CITATION 1].\n", encoding="utf-8")
    (book_repo / "ch2.md").write_text("# Two\n\nThen [CITATION 2].\n", encoding="utf-8")
    passed = commit(book_repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
