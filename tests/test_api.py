"""The public Python API: lint_text, lint_paths and fix_text from ``citelint``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import citelint
from citelint.config import Settings

MANUSCRIPT = Path(__file__).resolve().parent.parent / "manuscript"


def test_lint_text_lint_paths_and_fix_text_on_the_seed_chapter(tmp_path: Path) -> None:
    text = (MANUSCRIPT / "chapter-38.md").read_text(encoding="utf-8")
    (found,) = citelint.lint_text(text, path="chapter-38.md")
    assert (found.code, found.line, found.column, found.path) == ("CIT003", 11, 623, "chapter-38.md")

    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "chapter-38.md").write_text(text, encoding="utf-8")
    (tmp_path / "book" / "broken.md").write_bytes(b"\xff\xfe\x00")
    result = citelint.lint_paths([str(tmp_path / "book")])
    assert result.files_checked == 1
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("CIT003", 11, 623)]
    assert [error.message for error in result.errors] == ["is UTF-16 encoded, not UTF-8; save it as UTF-8"]
    assert not list(tmp_path.rglob(".citelint-cache"))  # a library call leaves no cache behind

    fixed = citelint.fix_text(text)
    assert fixed.summary() == "renumbered 2 markers, moved 2 references"
    assert citelint.lint_text(fixed.text) == []
    assert citelint.fix_text(text, Settings(ignore=("CIT003",))).text == text


def test_importing_citelint_imports_no_parser() -> None:
    """``import citelint`` (for its version, say) stays cheap: the lint path is
    imported by the first call."""
    code = "import sys, citelint; print(sorted(m for m in ('mistune', 'click', 'citelint.api') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
