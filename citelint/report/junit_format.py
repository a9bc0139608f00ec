"""JUnit XML, as Jenkins (junit), Azure Pipelines (PublishTestResults), CircleCI
(store_test_results) and GitLab (reports: junit) read it.

One ``<testsuite name="citelint">`` for the run; one ``<testcase>`` per file with
findings, an error or a warning each a ``<failure>`` in it (info findings go to
the test case's ``<system-out>``), and one with an ``<error>`` per file that could
not be linted. A run with nothing to report has one passing test case, so a CI
that refuses an empty report does not fail a clean manuscript. Every text is
shown as ``printable`` shows it, then escaped for XML: no character XML 1.0
forbids is ever written.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

from citelint.diagnostics import Diagnostic, Severity, printable
from citelint.report import Run

# What XML 1.0 forbids, even as a character reference, beyond what printable escapes.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FAILING = (Severity.ERROR, Severity.WARNING)


def text(value: str) -> str:
    """``value`` shown escaped, as character data."""
    return escape(_xml_safe(value))


def attribute(value: str) -> str:
    """``value`` shown escaped, as a quoted attribute."""
    return quoteattr(_xml_safe(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xml_safe(value: str) -> str:
    shown = printable(value)
    return shown if shown.isprintable() else _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def _where(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code}"


def _testcase(path: str, findings: Sequence[Diagnostic]) -> str:
    parts = [f"    <testcase classname=\"citelint\" name={attribute(path)} file={attribute(path)}>\n"]
    notes = []
    for diagnostic in findings:
        if diagnostic.severity in _FAILING:
            parts.append(
                f"      <failure type={attribute(diagnostic.code)} "
                f"message={attribute(f'{diagnostic.code} {diagnostic.message}')}>"
                f"{text(_where(diagnostic))} {text(diagnostic.name)} ({diagnostic.severity.value}): "
                f"{text(diagnostic.message)}</failure>\n"
            )
        else:
            notes.append(f"{_where(diagnostic)} {diagnostic.name} (info): {diagnostic.message}")
    if notes:
        parts.append(f"      <system-out>{''.join(text(note) + chr(10) for note in notes)}</system-out>\n")
    parts.append("    </testcase>\n")
    return "".join(parts)


def _by_file(run: Run) -> list[tuple[str, list[Diagnostic]]]:
    ordered = sorted(run.diagnostics, key=Diagnostic.sort_key)
    return [(path, list(findings)) for path, findings in groupby(ordered, key=lambda d: d.path)]


def chunks(run: Run) -> Iterator[str]:
    files = _by_file(run)
    failed = sum(any(d.severity in _FAILING for d in findings) for _, findings in files)
    tests = len(files) + len(run.errors)
    counts = f'tests="{max(tests, 1)}" failures="{failed}" errors="{len(run.errors)}"'
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<testsuites name="citelint" {counts}>\n'
    yield f'  <testsuite name="citelint" {counts} skipped="0">\n'
    for error in run.errors:
        yield (
            f"    <testcase classname=\"citelint\" name={attribute(error.path)} file={attribute(error.path)}>\n"
            f"      <error type=\"not-linted\" message={attribute(error.message)}>{text(error.path)}: {text(error.message)}</error>\n"
            "    </testcase>\n"
        )
    for path, findings in files:
        yield _testcase(path, findings)
    if not tests:
        checked = f"{run.files_checked} file{'' if run.files_checked == 1 else 's'} checked: no problems"
        yield f'    <testcase classname="citelint" name="citelint"><system-out>{checked}</system-out></testcase>\n'
    yield "  </testsuite>\n</testsuites>\n"
