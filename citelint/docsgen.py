"""Generate docs/rules.md from the rule docstrings: ``python -m citelint.docsgen``."""

from __future__ import annotations

import sys
from pathlib import Path

from citelint.rules import RULE_MODULES, summary

HEADER = """# Rules

Generated from the rule docstrings by `python -m citelint.docsgen`; do not edit by
hand (a test checks that this file is current). `citelint explain CODE` prints the
same text.

| code | name | default severity | what it finds |
|---|---|---|---|
"""


def rules_markdown() -> str:
    table = "".join(
        f"| [{m.RULE.code}](#{m.RULE.code.lower()}-{m.RULE.name}) | {m.RULE.name} | {m.RULE.severity.value} | {summary(m)} |\n"
        for m in RULE_MODULES
    )
    sections = []
    for module in RULE_MODULES:
        rule = module.RULE
        body = (module.__doc__ or "").strip()
        sections.append(f"## {rule.code} {rule.name}\n\nDefault severity: **{rule.severity.value}**.\n\n{body}\n")
    return HEADER + table + "\n" + "\n".join(sections)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules.md")
    target.write_text(rules_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
