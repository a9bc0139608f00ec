"""``--statistics``: how many findings of each rule, most first, and the summary."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from citelint.report import Run
from citelint.report.text_format import summary


def chunks(run: Run) -> Iterator[str]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for diagnostic in run.diagnostics:  # past the per-file limit, one finding counts the rest
        counts[(diagnostic.code, diagnostic.name, diagnostic.severity.value)] += diagnostic.stands_for
    width = len(str(max(counts.values(), default=0)))
    for (code, name, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        yield f"{count:>{width}}  {code}  {name} ({severity})\n"
    if not run.quiet:
        yield summary(run) + "\n"
