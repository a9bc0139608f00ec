"""``path:line:col: CODE message`` lines and a summary."""

from __future__ import annotations

from typing import Iterator

from citelint.diagnostics import Severity, line_start, printable
from citelint.report import Run

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(run: Run) -> str:
    """``Found N problems (E errors, W warnings) in F files.``, counting the findings
    left out past the per-file limit of a rule too."""
    counts = {severity: 0 for severity in Severity}
    for diagnostic in run.diagnostics:
        counts[diagnostic.severity] += diagnostic.stands_for
    parts = [_plural(counts[Severity.ERROR], "error"), _plural(counts[Severity.WARNING], "warning")]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    return (
        f"Found {_plural(sum(counts.values()), 'problem')} ({', '.join(parts)}) "
        f"in {_plural(run.files_checked, 'file')}."
    )


def chunks(run: Run) -> Iterator[str]:
    for diagnostic in run.diagnostics:
        code = diagnostic.code
        if run.color:
            code = f"\x1b[1;{_COLORS[diagnostic.severity]}m{code}\x1b[0m"
        path, message = line_start(diagnostic.path), printable(diagnostic.message)
        yield f"{path}:{diagnostic.line}:{diagnostic.column}: {code} {message}\n"
    if not run.quiet:
        yield summary(run) + "\n"
