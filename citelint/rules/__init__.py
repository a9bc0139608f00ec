"""The rule registry: every rule module, in code order."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Callable, Iterator, Optional

from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Rule
from citelint.lazy_pattern import lazy
from citelint.rules import cit001, cit002, cit003, cit004, cit005, cit006, cit007, cit008, cit009, cit010, cit011, cit012, cit013, cit014, cit015, cit016

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
    cit013,
    cit014,
    cit015,
    cit016,
)
MAX_FINDINGS_PER_RULE = 10_000
_EXAMPLE = lazy(r"^(Failing|Passing):\n\n```markdown\n(.*?)```", re.MULTILINE | re.DOTALL)


def all_rules() -> list[Rule]:
    return [module.RULE for module in RULE_MODULES]


def summary(module: ModuleType) -> str:
    """The first line of the rule's documentation."""
    return (module.__doc__ or "").strip().splitlines()[0]


def examples(module: ModuleType) -> dict[str, str]:
    """The rule's ``Failing`` and ``Passing`` Markdown examples."""
    return {kind.lower(): text for kind, text in _EXAMPLE.findall(module.__doc__ or "")}


def run_rules(
    chapter: Chapter,
    codes: frozenset[str],
    suppressed: Optional[Callable[[Diagnostic], bool]] = None,
    limit: int = MAX_FINDINGS_PER_RULE,
) -> Iterator[Diagnostic]:
    """Each selected rule's findings that are not ``suppressed``, at most ``limit``
    of each rule in a file; past that they are counted, not kept, and one more
    finding of the rule says how many were left out (a hostile file cannot make
    millions of findings fill memory)."""
    for module in RULE_MODULES:
        if module.RULE.code in codes:
            chapters = (chapter,) if getattr(module, "WHOLE_FILE", False) else chapter.chapters()
            yield from _limited(module, chapters, suppressed, limit)


def _limited(
    module: ModuleType,
    chapters: tuple[Chapter, ...],
    suppressed: Optional[Callable[[Diagnostic], bool]],
    limit: int,
) -> Iterator[Diagnostic]:
    """One rule's findings over ``chapters`` (the parts of a compiled book, or the
    chapter), at most ``limit`` of them, then one that counts the rest."""
    shown = left_out = 0
    first_left_out: Optional[Diagnostic] = None
    for diagnostic in (found for chapter in chapters for found in module.check(chapter)):
        if suppressed is not None and suppressed(diagnostic):
            continue
        if shown < limit:
            shown += 1
            yield diagnostic
        else:
            left_out += 1
            first_left_out = first_left_out or diagnostic
    if first_left_out is not None:
        message = f"{left_out:,} more findings of this rule are not shown (at most {limit:,} per file); fix these and run citelint again"
        yield first_left_out._replace(message=message, fix=None, stands_for=left_out)

