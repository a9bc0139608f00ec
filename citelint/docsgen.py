"""Generate docs/rules.md from the rule docstrings: ``python -m citelint.docsgen``."""

from __future__ import annotations

import sys
from pathlib import Path

from citelint.diagnostics import Rule
from citelint.rules import RULE_MODULES, summary
from citelint.urls import URL_DOCS, URL_RULES

HEADER = """# Rules

Generated from the rule docstrings by `python -m citelint.docsgen`; do not edit by
hand (a test checks that this file is current). `citelint explain CODE` prints the
same text.

| code | name | default severity | what it finds |
|---|---|---|---|
"""


def documented() -> list[tuple[Rule, str, str]]:
    """(rule, one-line summary, full documentation) for every rule, CIT then URL."""
    rows = [(m.RULE, summary(m), (m.__doc__ or "").strip()) for m in RULE_MODULES]
    rows += [(rule, URL_DOCS[code].splitlines()[0] + " (with `--urls`)", URL_DOCS[code].strip()) for code, rule in URL_RULES.items()]
    return rows


def rules_markdown() -> str:
    rows = documented()
    table = "".join(
        f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | {rule.severity.value} | {line} |\n"
        for rule, line, _ in rows
    )
    sections = [
        f"## {rule.code} {rule.name}\n\nDefault severity: **{rule.severity.value}**.\n\n{text}\n" for rule, _, text in rows
    ]
    return HEADER + table + "\n" + "\n".join(sections)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules.md")
    target.write_text(rules_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
