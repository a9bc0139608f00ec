"""Which findings a file reports, decided in one place (as flake8's
DecisionEngine): ``select``, ``ignore`` and ``per-file-ignores`` say which codes
apply to the file, ``severity`` overrides a code's default, and the file's
suppression comments switch codes off on lines. Lint rules, ``fix`` and URL
findings all ask the same ``Selection``; the comments are read once per file.
"""

from __future__ import annotations

import os
from typing import Optional

from citelint.catalog import CIT_CODES, CODES, matches
from citelint.config import Settings, ignored_for_path
from citelint.files import posix
from citelint.diagnostics import Diagnostic, Severity
from citelint.chapter import Chapter
from citelint.suppress import Suppressions, suppressions_of


class Selection:
    """The codes one file reports, and what its comments suppress."""

    def __init__(self, settings: Settings, names: tuple[str, ...], suppressions: Optional[Suppressions]) -> None:
        """``names``: the file's names as ``per-file-ignores`` match them
        (``config.project_names``, resolved by the driver: no file-system call here)."""
        ignored = tuple(settings.ignore) + ignored_for_path(settings, names)
        self.codes = frozenset(
            code for code in CODES if (not settings.select or matches(code, settings.select)) and not matches(code, ignored)
        )
        self.rule_codes = self.codes & frozenset(CIT_CODES)
        self.suppressions = suppressions
        self._severity = {code: Severity(value) for code, value in settings.severity}
        self.excluded = False  # a chapter of the book that ``exclude`` names (book numbering): nothing reported, left alone

    def of_excluded(self) -> "Selection":
        """The same file as a chapter of the book that ``exclude`` names: its
        citations and entries count in the book's numbering, but it reports nothing
        and ``fix`` leaves it alone, as a file switched off with ``citelint-disable-file``."""
        other = object.__new__(Selection)
        other.__dict__.update(self.__dict__, excluded=True)
        return other

    @classmethod
    def of(cls, chapter: Chapter, path: str, names: Optional[tuple[str, ...]] = None) -> "Selection":
        """The selection for a file: its settings, its names (by default the path as
        given) and its comments."""
        return cls(chapter.settings, names or (posix(os.path.normpath(path)),), suppressions_of(chapter.directives))

    def for_text_of(self, chapter: Chapter) -> "Selection":
        """The same codes and severities for another text of the file (a fixed one),
        with that text's comments."""
        other = object.__new__(Selection)  # not ``copy.copy``: its module is not imported for this
        other.__dict__.update(self.__dict__, suppressions=suppressions_of(chapter.directives))
        return other

    def suppressed_at(self, line: int, code: str) -> bool:
        """Whether a comment switches ``code`` off on the 0-based ``line``."""
        return self.excluded or (self.suppressions is not None and self.suppressions.suppressed(line, code))

    def suppressed(self, diagnostic: Diagnostic) -> bool:
        return self.suppressed_at(diagnostic.line - 1, diagnostic.code)

    def wanted(self, diagnostic: Diagnostic) -> bool:
        """Selected for the file and not suppressed where it is."""
        return diagnostic.code in self.codes and not self.suppressed(diagnostic)

    def reported(self, diagnostic: Diagnostic, path: str) -> Diagnostic:
        """The finding as the file reports it: its severity as configured, its path."""
        severity = self._severity.get(diagnostic.code)
        if severity is not None:
            diagnostic = diagnostic._replace(severity=severity)
        return diagnostic._replace(path=path)

    def file_disabled(self) -> bool:
        """``<!-- citelint-disable-file -->`` with no codes (or ``exclude``, in book
        numbering): the file is left alone."""
        return self.excluded or (self.suppressions is not None and self.suppressions.file_codes >= self.suppressions.known)

    def left_alone(self) -> str:
        """Why the file is left alone (``file_disabled``), as a message says it."""
        return "the file is excluded (the configuration's exclude)" if self.excluded else "the file is switched off with citelint-disable-file"
