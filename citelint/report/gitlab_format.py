"""GitLab Code Quality: the JSON array a merge request's Code Quality widget reads
(``artifacts: reports: codequality``), one issue per finding.

GitLab matches an issue across pipelines by its ``fingerprint`` and shows only
the first issue of a fingerprint. So a fingerprint is a hash of the file's
repository-relative path, the rule's code, the message with line numbers taken
out, and which occurrence of that path, code and message in the file it is: it
stays the same when text above the finding moves it down, and two identical
findings in a file stay two issues.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from citelint.diagnostics import Diagnostic, Severity, printable
from citelint.report import Run
from citelint.report.json_format import array
from citelint.report.sarif_format import repository_root

# GitLab's scale is info, minor, major, critical, blocker: an error fails the
# check (major), a warning only with --strict (minor).
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
_LINE_NUMBERS = re.compile(r"\b(lines?) \d+(?:\s*[-–]\s*\d+)?")


def relative_path(path: str, root: Path) -> str:
    """``path`` relative to the repository root with ``/`` separators (as GitLab
    links it in the merge request), or as given when it lies outside."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    """An MD5 hex digest (as GitLab's own examples) that does not depend on the
    finding's line: ``occurrence`` counts earlier findings of the same path, code
    and line-free message."""
    key = "\0".join((path, code, _LINE_NUMBERS.sub(r"\1", message), str(occurrence)))
    return hashlib.md5(key.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def _issue(diagnostic: Diagnostic, path: str, occurrence: int) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": diagnostic.code,
        "description": printable(f"{diagnostic.code} {diagnostic.message}"),
        "categories": ["Style"],
        "severity": SEVERITIES[diagnostic.severity],
        "fingerprint": fingerprint(path, diagnostic.code, diagnostic.message, occurrence),
        "location": {"path": printable(path), "lines": {"begin": diagnostic.line, "end": diagnostic.end_line}},
    }


def _error_issue(path: str, message: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": "citelint-error",
        "description": printable(f"not linted: {message}"),
        "categories": ["Bug Risk"],
        "severity": "critical",
        "fingerprint": fingerprint(path, "citelint-error", message, 0),
        "location": {"path": printable(path), "lines": {"begin": 1}},
    }


def _issues(run: Run, root: Path) -> Iterator[dict[str, Any]]:
    paths: dict[str, str] = {}  # each path resolved once, however many findings it has
    seen: Counter[tuple[str, str, str]] = Counter()
    for error in run.errors:
        yield _error_issue(relative_path(error.path, root), error.message)
    for diagnostic in sorted(run.diagnostics, key=Diagnostic.sort_key):
        path = paths.get(diagnostic.path)
        if path is None:
            path = paths[diagnostic.path] = relative_path(diagnostic.path, root)
        key = (path, diagnostic.code, _LINE_NUMBERS.sub(r"\1", diagnostic.message))
        yield _issue(diagnostic, path, seen[key])
        seen[key] += 1


def chunks(run: Run) -> Iterator[str]:
    yield from array(_issues(run, repository_root()), "")
    yield "\n"
