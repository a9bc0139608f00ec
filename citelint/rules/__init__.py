"""The rule registry: every rule module, in code order."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Iterator

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule
from citelint.rules import cit001, cit002, cit003, cit004, cit005, cit006, cit007, cit008, cit009, cit010, cit011, cit012

RULE_MODULES: tuple[ModuleType, ...] = (
    cit001,
    cit002,
    cit003,
    cit004,
    cit005,
    cit006,
    cit007,
    cit008,
    cit009,
    cit010,
    cit011,
    cit012,
)
_EXAMPLE = re.compile(r"^(Failing|Passing):\n\n```markdown\n(.*?)```", re.MULTILINE | re.DOTALL)


def all_rules() -> list[Rule]:
    return [module.RULE for module in RULE_MODULES]


def rule_module(code: str) -> ModuleType:
    for module in RULE_MODULES:
        if module.RULE.code == code.upper():
            return module
    raise KeyError(code)


def summary(module: ModuleType) -> str:
    """The first line of the rule's documentation."""
    return (module.__doc__ or "").strip().splitlines()[0]


def examples(module: ModuleType) -> dict[str, str]:
    """The rule's ``Failing`` and ``Passing`` Markdown examples."""
    return {kind.lower(): text for kind, text in _EXAMPLE.findall(module.__doc__ or "")}


def run_rules(chapter: Chapter, codes: frozenset[str]) -> Iterator[Diagnostic]:
    for module in RULE_MODULES:
        if module.RULE.code in codes:
            yield from module.check(chapter)
