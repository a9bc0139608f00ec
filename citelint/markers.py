"""Find citation markers and near-misses in a Document.

A candidate is an opening bracket, optional blanks and the marker keyword in
any case, not followed by a letter. What follows up to the closing bracket (on
the same line, before any other bracket) decides what it is: a well-formed
marker, a malformed one (CIT005), or prose such as ``[citation needed]``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional

from citelint.diagnostics import shorten
from citelint.document import Document

MAX_RANGE = 500
MAX_DIGITS = 9  # as CommonMark's list numbers: no reference list holds a billion entries
# What word processors and web pages leave in a marker that looks like a space, a
# hyphen or a comma, or like nothing, and what each stands for. Read with
# str.translate: a character class of them would cost ~0.5 ms to compile.
_LOOKALIKES = {
    **dict.fromkeys("\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))), " "),  # spaces
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),  # invisible
    **dict.fromkeys("\u2010\u2011\u2012\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),  # dashes (en dash is valid)
    **dict.fromkeys("\uff0c\u3001\ufe50", ","),  # commas
    "\uff1b": ";",
}
_AS_WRITTEN = str.maketrans(_LOOKALIKES)
_BODY_END = re.compile(r"[^\[\]\n]*")
_NUMBER_LIKE = re.compile(r"[\s\d,;\-\u2013]*")
_VALID_BODY = re.compile(r" (?:[1-9][0-9]*(?:[-\u2013][1-9][0-9]*)?)(?:, ?[1-9][0-9]*(?:[-\u2013][1-9][0-9]*)?)*")
_SEPARATOR = re.compile(r"(?<!\s)\s*[,;]\s*")
_ITEM = re.compile(r"([0-9]+)(?:\s*[-\u2013]\s*([0-9]+))?")


class Marker(NamedTuple):
    """A marker or near-miss, as offsets into ``Document.text``.

    ``numbers`` lists the cited numbers in text order with ranges expanded; it
    is empty when the text cites nothing for sure. ``problem`` says what is
    wrong with a near-miss, and ``replacement`` is its well-formed text when
    the intent is unambiguous.
    """

    start: int
    end: int
    text: str
    numbers: tuple[int, ...]
    problem: Optional[str] = None
    replacement: Optional[str] = None

    @property
    def well_formed(self) -> bool:
        return self.problem is None

    @property
    def cites(self) -> bool:
        return bool(self.numbers)

    @property
    def shown(self) -> str:
        """The marker's text as messages quote it (shortened when very long)."""
        return shorten(self.text)


@lru_cache(maxsize=16)
def candidate_pattern(keyword: str) -> re.Pattern[str]:
    """An opening bracket, blanks, and the keyword in any case, not followed by a
    letter. Up to three other characters that are neither letters nor brackets
    may come before the keyword: a zero-width space copied in is one, and the
    rest are turned away in ``_classify``."""
    return re.compile(r"\[[ \t]*(?:[^\w\[\]\n][ \t]*){0,3}?(" + re.escape(keyword) + r")(?![^\W\d_])", re.IGNORECASE)


@lru_cache(maxsize=16)
def simple_pattern(keyword: str) -> re.Pattern[str]:
    """The common case, ``[CITATION 12]``, recognised without further work."""
    return re.compile(r"\[" + re.escape(keyword) + r" ([1-9][0-9]{0,8})\]")


def find_markers(document: Document, keyword: str = "CITATION") -> list[Marker]:
    """Every marker and near-miss in the prose of ``document``, in text order."""
    text = document.text
    markers: list[Marker] = []
    simple = simple_pattern(keyword)
    for match in candidate_pattern(keyword).finditer(text):
        start = match.start()
        if not document.is_prose(start):
            continue
        quick = simple.match(text, start)
        if quick:
            markers.append(Marker(start, quick.end(), quick.group(), (int(quick.group(1)),)))
            continue
        marker = _classify(text, match, keyword)
        if marker is not None:
            markers.append(marker)
    # Brackets written as character references render as a marker too. Looked for only
    # where one may be: a search for one character is cheap, three for words are not.
    if "&" in text and ("&#" in text or "brack;" in text or "sqb;" in text):
        found = [marker for marker in _entity_markers(document, keyword) if document.is_prose(marker.start)]
        if found:
            markers = sorted(markers + found, key=lambda marker: marker.start)
    return markers


@lru_cache(maxsize=16)
def entity_pattern(keyword: str) -> re.Pattern[str]:
    """``&#91;CITATION 2&#93;``, ``&lbrack;…&rbrack;`` and the like: brackets written
    as character references, which Markdown renders as brackets."""
    opening = r"&(?:#0{0,5}91|#[xX]0{0,5}5[bB]|lbrack|lsqb);"
    closing = r"(?:&(?:#0{0,5}93|#[xX]0{0,5}5[dD]|rbrack|rsqb);|\])"
    return re.compile(opening + r"[ \t]*(" + re.escape(keyword) + r")(?![^\W\d_])([^\[\]\n&]{0,200}?)" + closing, re.IGNORECASE)


def _entity_markers(document: Document, keyword: str) -> list[Marker]:
    found = []
    for match in entity_pattern(keyword).finditer(document.text):
        body = match.group(2)
        plain = body if body.isascii() else _plain(body)
        if _NUMBER_LIKE.fullmatch(plain) is None or not plain.strip():
            continue  # prose, e.g. &#91;citation needed&#93;
        raw = match.group()
        shown = _visible(shorten(raw))
        numbers, problem = _expand(_ascii_digits(plain.strip()))
        if problem is not None:
            found.append(Marker(match.start(), match.end(), raw, (), f"`{shown}` {problem}"))
            continue
        replacement = f"[{keyword} {_canonical(_ascii_digits(plain.strip()))}]"
        message = f"`{shown}` writes its brackets as HTML character references; write `{shorten(replacement)}`"
        found.append(Marker(match.start(), match.end(), raw, numbers, message, replacement))
    return found


def _classify(text: str, match: re.Match[str], keyword: str) -> Optional[Marker]:
    before_keyword = text[match.start() + 1 : match.start(1)].strip(" \t")
    if before_keyword and (before_keyword.isascii() or _plain(before_keyword).strip()):
        return None  # `[*CITATION`, `["Citation`: not a marker, only odd spaces may stand there
    body_match = _BODY_END.match(text, match.end())
    assert body_match is not None
    body = body_match.group()
    closed = body_match.end() < len(text) and text[body_match.end()] == "]"
    if closed and body.endswith("\\") and not body.endswith("\\\\"):
        body = body[:-1]  # `[CITATION 3\]`: an escaped bracket, as exporters write it, renders `]`
    exact = match.group(1) == keyword and match.group().startswith("[" + keyword)
    number_like = _NUMBER_LIKE.fullmatch(body if body.isascii() else _plain(body)) is not None
    if not exact and not number_like:
        return None  # prose, e.g. [citation needed]
    start = match.start()
    if not closed:
        end = match.end() + len(body.rstrip()) if number_like else match.end()
        return Marker(start, end, text[start:end], (), f"`{_visible(shorten(text[start:end]))}` is never closed with `]`")
    end = body_match.end() + 1
    raw = text[start:end]
    return Marker(start, end, raw, *_reading(raw, body, keyword, exact))


Reading = tuple[tuple[int, ...], Optional[str], Optional[str]]  # numbers, problem, replacement


@lru_cache(maxsize=4096)
def _reading(raw: str, body: str, keyword: str, exact: bool) -> Reading:
    """What a closed marker's text cites and what is wrong with it. Remembered: a
    chapter repeats its markers, and a hostile file repeats one a million times."""
    if exact and _VALID_BODY.fullmatch(body):
        numbers, problem = _expand(body)
        if problem is None:
            return numbers, None, None
    return _near_miss(raw, body, keyword, exact)


def _near_miss(raw: str, body: str, keyword: str, exact: bool) -> Reading:
    odd = None if raw.isascii() else next((character for character in raw if character in _LOOKALIKES), None)
    if odd is not None:  # read as the plain characters they stand for
        body = _plain(body)
    stripped = body.strip()
    shown = _visible(shorten(raw))
    if not stripped:
        return (), f"`{shown}` has no number; write `[{keyword} n]`", None
    if _NUMBER_LIKE.fullmatch(body) is None:
        return (), f"`{shown}` cites words, not a number; write `[{keyword} n]`", None
    foreign = not stripped.isascii()
    if foreign:  # digits of another script (١٢, 𝟏): the number is clear
        stripped = _ascii_digits(stripped)
    numbers, problem = _expand(stripped)
    if problem is not None:
        return (), f"`{shown}` {problem}", None
    replacement = f"[{keyword} {_canonical(stripped)}{closing_escape(raw)}]"
    if odd is not None:
        reason = _lookalike(odd)
    else:
        reason = "writes digits other than 0-9" if foreign else _what_is_off(raw, body, keyword, exact)
    return numbers, f"`{shown}` {reason}; write `{shorten(replacement)}`", replacement


def _plain(text: str) -> str:
    """Lookalike spaces, dashes and commas as the plain ones, invisible characters removed."""
    return text.translate(_AS_WRITTEN)


def _visible(text: str) -> str:
    """``text`` with its lookalike and invisible characters shown as ``<U+00A0>``."""
    if text.isascii():
        return text
    return "".join(f"<U+{ord(character):04X}>" if character in _LOOKALIKES else character for character in text)


def _lookalike(character: str) -> str:
    import unicodedata

    name = unicodedata.name(character, "").lower() or "character"
    code = f"U+{ord(character):04X}"
    stands_for = _LOOKALIKES[character]
    if stands_for == "":
        return f"has an invisible {name} ({code}), as copied text often does"
    article = "an" if name[0] in "aeiou" else "a"
    if stands_for == " ":
        return f"has {article} {name} ({code}), as copied text often does"
    if stands_for == "-":
        return f"has {article} {name} ({code}) where a range takes a hyphen or an en dash"
    return f"has {article} {name} ({code}) where a list takes `{stands_for}`"


def closing_escape(raw: str) -> str:
    """``\\`` when the marker closes with an escaped bracket (kept as written), else ""."""
    return "\\" if raw.endswith("\\]") and not raw.endswith("\\\\]") else ""


def _ascii_digits(text: str) -> str:
    return "".join(str(int(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def _what_is_off(raw: str, body: str, keyword: str, exact: bool) -> str:
    if not exact and raw[1:].lstrip()[: len(keyword)] != keyword:
        return f"spells the keyword `{keyword}` in the wrong case"
    if any(len(number) > 1 and number.startswith("0") for number in re.findall(r"[0-9]+", body)):
        return "writes a number with leading zeros"
    if ";" in body:
        return "separates numbers with `;`"
    if not body.startswith(" "):
        return f"needs one space after `{keyword}`"
    return "has stray spaces"


def _expand(body: str) -> tuple[tuple[int, ...], Optional[str]]:
    """Numbers cited by a list/range body, or the reason it cites nothing."""
    numbers: list[int] = []
    for part in _SEPARATOR.split(body.strip()):
        item = _ITEM.fullmatch(part)
        if item is None:
            what = f"`{shorten(part)}`, which is neither a number nor a range" if part else "an empty item in its list"
            return (), f"has {what}; separate numbers with commas"
        if any(len(digits.lstrip("0")) > MAX_DIGITS for digits in item.group(1, 2) if digits):
            return (), f"has a number of more than {MAX_DIGITS} digits, more than any reference list holds"
        first = read_number(item.group(1))
        last = read_number(item.group(2)) if item.group(2) else first
        if first == 0 or last == 0:
            return (), "cites reference 0; references are numbered from 1"
        if last < first:
            return (), f"has a reversed range {first}-{last}; write {last}-{first}"
        if last - first > MAX_RANGE:
            return (), f"has a range of more than {MAX_RANGE} references"
        numbers.extend(range(first, last + 1))
    return tuple(numbers), None


def read_number(digits: str) -> int:
    """The value of a marker's digits; leading zeros do not count toward Python's
    limit on the length of an integer (the marker's other digits are at most 9)."""
    return int(digits.lstrip("0") or "0")


def _canonical(body: str) -> str:
    """The well-formed form of a number list, e.g. ``02 ; 3 - 5`` -> ``2, 3-5``."""
    parts = []
    for part in _SEPARATOR.split(body.strip()):
        item = _ITEM.fullmatch(part)
        assert item is not None
        first = read_number(item.group(1))
        last = read_number(item.group(2)) if item.group(2) else first
        parts.append(str(first) if first == last else f"{first}-{last}")
    return ", ".join(parts)


def format_numbers(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``1-3, 5``: runs of three or more become ranges."""
    parts: list[str] = []
    index = 0
    while index < len(numbers):
        run_end = index
        while run_end + 1 < len(numbers) and numbers[run_end + 1] == numbers[run_end] + 1:
            run_end += 1
        if run_end - index >= 2:
            parts.append(f"{numbers[index]}-{numbers[run_end]}")
            index = run_end + 1
        else:
            parts.append(str(numbers[index]))
            index += 1
    return ", ".join(parts)
