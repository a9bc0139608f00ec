"""A pattern compiled on first use answers as the compiled pattern does."""

from __future__ import annotations

import re
import pytest

from citelint.lazy_pattern import LazyPattern, lazy


def test_a_lazy_pattern_is_compiled_by_its_first_use_and_answers_as_re_does() -> None:
    source, flags = r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE
    pattern, compiled = lazy(source, flags), re.compile(source, flags)
    assert isinstance(pattern, LazyPattern) and not pattern.compiled
    text = "Ab-1, cd-22; EF-333"
    assert [m.group("word") for m in pattern.finditer(text)] == ["Ab", "cd", "EF"]
    assert pattern.compiled
    assert pattern.search(text).span() == compiled.search(text).span()  # type: ignore[union-attr]
    assert pattern.match("x") is None and pattern.fullmatch("ab-1") is not None
    assert pattern.findall(text) == compiled.findall(text)
    assert pattern.split(text) == compiled.split(text)
    assert pattern.sub("_", text) == compiled.sub("_", text) and pattern.subn("_", text) == compiled.subn("_", text)
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)


def test_an_attribute_a_pattern_lacks_is_an_attribute_error_and_compiles_nothing() -> None:
    pattern = lazy("a")
    with pytest.raises(AttributeError):
        pattern.nonexistent  # type: ignore[attr-defined]
    assert not pattern.compiled


def test_a_bad_pattern_fails_where_it_is_used() -> None:
    pattern = lazy("(")
    with pytest.raises(re.error):
        pattern.search("x")
