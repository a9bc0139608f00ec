"""Regular expressions compiled on first use.

Compiling a pattern costs ~0.1-0.6 ms, and a one-chapter check (what the
pre-commit hook runs after every edit) uses only some of the patterns its
modules define: a pattern for a rare shape (a locator, a closing section, a
suppression comment) is made with ``lazy`` and compiled the first time it is
used. After that its methods are plain attributes of the object, as fast to
reach as a compiled pattern's.
"""

from __future__ import annotations

import re
from typing import Any

# What a compiled pattern offers, copied onto the lazy one when it is compiled.
_ATTRIBUTES = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "split",
    "sub",
    "subn",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class LazyPattern:
    """A ``re.Pattern`` that compiles itself when one of its attributes is first read."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # only for attributes not yet set
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    @property
    def compiled(self) -> bool:
        """Whether the pattern has been compiled (it has been used)."""
        return "search" in self.__dict__

    def __repr__(self) -> str:
        return f"lazy({self._source!r}, {self._flags!r})"


def lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled when first used (typed as the pattern it stands for)."""
    return LazyPattern(source, flags)  # type: ignore[return-value]
