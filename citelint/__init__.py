"""citelint: keeps the citation markers and reference lists of a manuscript honest.

The Python API, for editors and scripts::

    from citelint import lint_text, lint_paths, fix_text

Each imports the lint path when first called, so ``import citelint`` stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING's value, without importing typing before
# the console script (``__main__``) has set the garbage collector's pace

if TYPE_CHECKING:
    from typing import Iterable, Optional

    from citelint.config import Settings
    from citelint.diagnostics import Diagnostic
    from citelint.renumbering import FixResult
    from citelint.check_files import CheckResult

from citelint.version import __version__

__all__ = ["__version__", "fix_text", "lint_paths", "lint_text"]


def lint_text(text: str, settings: Optional[Settings] = None, path: str = "", fixes: bool = False) -> list[Diagnostic]:
    """Lint one chapter's text: its findings, sorted by position. ``path`` is the
    name per-file ignores match and findings carry. With ``fixes`` (what the JSON
    report shows) the first renumbering finding carries what ``fix`` would change,
    as edits."""
    from citelint.chapter import Chapter
    from citelint.config import Settings as DefaultSettings
    from citelint.config import project_names
    from citelint.files import reads_as_plain_text
    from citelint.lint import lint_chapter
    from citelint.selection import Selection

    chapter = Chapter.parse(text, settings or DefaultSettings(), reads_as_plain_text(path))
    selection = Selection.of(chapter, path, project_names(chapter.settings, path))
    found = lint_chapter(chapter, path, selection=selection)
    if fixes:
        from citelint.renumbering import attach_renumbering

        found = attach_renumbering(chapter, path, found, selection)
    return found


def lint_paths(paths: Iterable[str], settings: Optional[Settings] = None, jobs: int = 1) -> CheckResult:
    """Lint files and folders (folders are searched for ``*.md`` and ``*.markdown``):
    the findings, the files that could not be read, and how many were checked. No
    result cache is read or written; ``jobs`` > 1 lints in forked processes."""
    from citelint.config import Settings as DefaultSettings
    from citelint.check_files import check_paths

    return check_paths(paths, settings or DefaultSettings(), jobs=jobs)


def fix_text(text: str, settings: Optional[Settings] = None, path: str = "") -> FixResult:
    """Fix one chapter's text as ``citelint fix`` would: the new text and what was
    done, or the text unchanged and why (``refused``)."""
    from citelint.config import Settings as DefaultSettings
    from citelint.config import project_names
    from citelint.renumbering import fix_source

    settings = settings or DefaultSettings()
    return fix_source(text, settings, path, project_names(settings, path))
