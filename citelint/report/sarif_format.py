"""SARIF 2.1.0, as GitHub code scanning accepts it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import quote

from citelint import files
from citelint.diagnostics import Diagnostic, printable
from citelint.report import Run
from citelint.report.json_format import array
from citelint.version import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def repository_root(start: Optional[Path] = None) -> Path:
    """The folder holding ``.git`` above the working folder, else the working folder."""
    folder = (start or Path.cwd()).resolve()
    found = files.repository_root(str(folder))
    return Path(found) if found is not None else folder


def artifact_uri(path: str, root: Path) -> str:
    """A repository-relative URI with ``/`` separators, percent-encoded."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri()
    return quote(relative.as_posix())


def _rules() -> list[dict[str, Any]]:
    from citelint.docsgen import documented

    described = []
    for rule, summary, doc in documented():
        full = doc.split("\n\nFailing:")[0]
        described.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": " ".join(full.split())},
                "help": {"text": doc, "markdown": doc},
                "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
                "properties": {"tags": ["citations" if rule.code.startswith("CIT") else "links"]},
            }
        )
    return described


def chunks(run: Run) -> Iterator[str]:
    """The document's frame indented as usual, its results one per line as they come
    (a file with a hundred thousand findings is never one tree of dictionaries)."""
    root = repository_root()
    rules = _rules()
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    uris: dict[str, str] = {}  # one path resolved once, however many findings it has
    notifications = [
        {"level": "error", "message": {"text": printable(f"{error.path}: {error.message}")}} for error in run.errors
    ]
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "citelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "invocations": [
                    {"executionSuccessful": not run.errors, "toolExecutionNotifications": notifications}
                ],
                "results": _RESULTS,
            }
        ],
    }
    head, tail = json.dumps(document, indent=2, ensure_ascii=False).split(json.dumps(_RESULTS))
    yield head
    results = (_result(diagnostic, index, uris, root) for diagnostic in run.diagnostics)
    yield from array(results, "      ")
    yield tail + "\n"


_RESULTS = "\0results\0"  # where the results go in the frame


def _result(diagnostic: Diagnostic, index: dict[str, int], uris: dict[str, str], root: Path) -> dict[str, Any]:
    uri = uris.get(diagnostic.path)
    if uri is None:
        uri = uris[diagnostic.path] = artifact_uri(diagnostic.path, root)
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": LEVELS[diagnostic.severity.value],
        "message": {"text": printable(diagnostic.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": diagnostic.line,
                        "startColumn": diagnostic.column,
                        "endLine": diagnostic.end_line,
                        "endColumn": diagnostic.end_column,
                    },
                }
            }
        ],
    }
    if diagnostic.code in index:
        result["ruleIndex"] = index[diagnostic.code]
    return result
