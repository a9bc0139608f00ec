"""Shared test helpers: lint text and reduce findings to (code, line, column), run
citelint's command line in this process, and measure how work grows with the input."""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any, Callable, Mapping, NamedTuple, Optional, Union

from click.testing import CliRunner

from citelint import lint_text
from citelint.config import Settings
from citelint.cli import cli as command_line
from citelint.diagnostics import Edit

ENTRIES = (
    '"One." Example Press, 2020. https://example.com/1',
    '"Two." Example Press, 2021. https://example.com/2',
    '"Three." Example Press, 2022. https://example.com/3',
)


def refs(
    labels: tuple[str, ...] = ("1. ", "2. ", "3. "), entries: tuple[str, ...] = ENTRIES, heading: str = "## References", between: str = "\n"
) -> str:
    """A reference section: a blank line, the heading, a blank line, one entry per
    line (``between`` them: ``"\\n\\n"`` for a paragraph an entry)."""
    lines = [label + entry for label, entry in zip(labels, entries)]
    return f"\n{heading}\n\n" + between.join(lines) + "\n"


def with_entry(index: int, text: str) -> tuple[str, ...]:
    return tuple(text if number == index else entry for number, entry in enumerate(ENTRIES))


REFS = refs()


def found(text: str, settings: Settings | None = None) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_text(text, settings or Settings())]


def codes(text: str, settings: Settings | None = None) -> list[str]:
    return [code for code, _, _ in found(text, settings)]

ALL3_REFS = REFS


def apply_at_positions(text: str, edits: tuple[Edit, ...]) -> str:
    """Apply edits the way an editor would: 1-based lines and character columns, a
    BOM not a column, CR, LF and CRLF all ending a line."""
    starts = [1 if text.startswith("\ufeff") else 0] + [m.end() for m in re.finditer(r"\r\n?|\n", text)]
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start = starts[edit.line - 1] + edit.column - 1
        end = starts[edit.end_line - 1] + edit.end_column - 1
        text = text[:start] + edit.content + text[end:]
    return text


class Ran(NamedTuple):
    """What a run of the command line did."""

    code: int
    stdout: str
    stderr: str


def cli(*args: str, input: Optional[Union[str, bytes]] = None, env: Optional[Mapping[str, str]] = None) -> Ran:
    """citelint's command line with ``args``, run in this process by click's runner;
    an exception that escapes it is not caught (a test sees the traceback)."""
    result = CliRunner().invoke(command_line, list(args), input=input, env=env, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def check_json(*args: str) -> tuple[int, Any, str]:
    """``citelint check --format json`` with ``args``: the exit code, the report, stderr."""
    ran = cli("check", "--format", "json", *args)
    return ran.code, json.loads(ran.stdout), ran.stderr


# -- how work grows with the input (the scaling tests) ------------------------------


class Work(NamedTuple):
    """What one run cost, measured two ways a busy machine does not change."""

    calls: int  # Python and C function calls made: deterministic
    cpu: float  # this process's CPU seconds (best of three): not wall-clock, so other processes' load does not count


def count_calls(run: Callable[[], object]) -> int:
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


def measure_work(run: Callable[[], object]) -> Work:
    run()  # warm: compiled patterns and lazy imports are not the input's work
    cpu = float("inf")
    for _ in range(3):
        started = time.process_time()
        run()
        cpu = min(cpu, time.process_time() - started)
    return Work(count_calls(run), cpu)


def assert_linear(small: Work, large: Work, factor: int) -> None:
    """The input grew ``factor`` times: linear work grows about as much, quadratic
    work by its square. Calls may grow 1.25x the factor; CPU time, noisier, 2x (still
    half of what quadratic work would take)."""
    assert large.calls <= 1.25 * factor * small.calls, f"{small.calls:,} calls -> {large.calls:,}"
    assert large.cpu < 2 * factor * small.cpu + 0.05, f"{small.cpu:.3f} s CPU -> {large.cpu:.3f} s"
