"""Find citation markers and near-misses in a Document.

A candidate is an opening bracket (or a fullwidth one), optional blanks and the
marker keyword in any case (or its plural), not followed by a letter. What
follows up to the closing bracket (before any other bracket, on the same line or,
for a hard-wrapped marker, over a few lines of its paragraph) decides
what it is: a well-formed marker (numbers, ranges, perhaps a locator such as
``p. 4``), a malformed one (CIT005), or prose such as ``[citation needed]``. A
marker keeps where each number is written (``Marker.parts``), so renumbering
rewrites the numbers in place.

That is the default ``marker-style``, ``"citation"``. The numbered styles of IEEE
and Vancouver chapters are read by their own scanners, used only when configured:
``"brackets"`` (``[1]``, ``[1, 3]``, ``[2–4]``, ``[1]–[3]``, ``[1, p. 4]``), where
link syntax, task boxes, footnotes and indexes such as ``a[1]`` are not markers,
and ``"superscript"`` (``<sup>1,3</sup>``, pandoc's ``^1^``, ``¹,³`` typed as
characters), where an exponent
(``10^6^``, ``x<sup>2</sup>``, ``km<sup>2</sup>``) is not. Their near-misses are
only the clear ones (``[1; 3]``, ``[1 - 3]``, a no-break space or an em dash
copied in): ordinary Markdown uses brackets and superscripts for much else. A
bracket marker that may be a reference list's label or a link to a ``[1]: url``
definition is settled once the list is known (``settle_markers``).
"""

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, NamedTuple, Optional, Protocol, Sequence

from citelint.diagnostics import shorten
from citelint.document import Document
from citelint.lazy_pattern import lazy

MAX_RANGE = 500
MAX_DIGITS = 9  # as CommonMark's list numbers: no reference list holds a billion entries
# What word processors and web pages leave in a marker that looks like a space, a
# hyphen or a comma, or like nothing, and what each stands for. Read with
# str.translate: a character class of them would cost ~0.5 ms to compile.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_LOOKALIKES = {
    **dict.fromkeys("\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))), " "),  # spaces
    **dict.fromkeys(_INVISIBLE, ""),  # invisible
    **dict.fromkeys("\u2010\u2011\u2012\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),  # dashes (en dash is valid)
    **dict.fromkeys("\uff0c\u3001\ufe50", ","),  # commas
    "\uff1b": ";",
}
_AS_WRITTEN = str.maketrans(_LOOKALIKES)
_OPENING = "[\u3010\uff3b"  # `[`, and the fullwidth `【` and `［` of CJK text
_CLOSING = "]\u3011\uff3d"
_BODY_END = re.compile(r"[^\[\]\n\u3010\u3011\uff3b\uff3d]*")
MAX_WRAPPED_LINES = 3  # a marker hard-wrapped by pandoc, Prettier or an editor's reflow
MAX_WRAPPED_BODY = 200
# A line break inside a marker (Markdown renders it as a space), with the next
# line's indentation or quote prefix.
_BREAK = r"\n[ \t]*(?:>[ \t]*)*"
_SPACE = r"(?: |" + _BREAK + r")"
_ITEM_TEXT = r"[1-9][0-9]*(?:[-\u2013][1-9][0-9]*)?"
# A locator names the part of the source: `p. 4`, `pp. 4–5`, `ch. 3`, `§4`, `fig. 2`.
_LOCATOR_WORD = (
    r"(?:pp?|ch|chaps?|figs?|paras?|secs?|vols?|nn?|ll?|cols?|tabs?|apps?|arts?|pts?|fols?|nos?|loc|bks?|fnn?)\.|§§?|¶"
    r"|(?:pages?|chapters?|sections?|figures?|tables?|notes?|lines?|appendix|parts?|volumes?|columns?|paragraphs?|book|at)(?![^\W\d_])"
)
_LOCATOR_TEXT = r"(?:" + _LOCATOR_WORD + r")[^\[\]]*?[^\s\[\]]"
_LIST_TEXT = r"(?P<list>" + _ITEM_TEXT + r"(?:," + _SPACE + r"?" + _ITEM_TEXT + r")*)"
# A marker's body: its numbers alone (most markers: `` 2, 5-7``), else its numbers
# and a locator, whose words take ~0.8 ms to compile: not before the first one.
_VALID_LIST = re.compile(_SPACE + _LIST_TEXT)
_VALID_BODY = lazy(_SPACE + _LIST_TEXT + r"(?:," + _SPACE + r"?(?P<locator>" + _LOCATOR_TEXT + r"))?", re.IGNORECASE)
_LIST_ITEM = re.compile(r"([1-9][0-9]*)(?:[-\u2013]([1-9][0-9]*))?")
_LINE_BREAKS = lazy(_BREAK)
_NUMBER_LIKE = lazy(r"[\s\d,;\-\u2013]*")
# What writers put between the keyword and the number: `[CITATION: 2]`, `[CITATION #2]`, `[CITATION No. 2]`.
_NUMBER_PREFIX = lazy(r"\s{0,3}(?::|#|no\.|nr\.)\s{0,3}", re.IGNORECASE)
_LOCATOR_START = lazy(r"(?<=[\s,;:\d])(?:" + _LOCATOR_WORD + r")", re.IGNORECASE)
_LOCATOR = lazy(_LOCATOR_TEXT + r"\s*", re.IGNORECASE)
_SEPARATOR = lazy(r"(?<!\s)\s*[,;]\s*")
_ITEM = lazy(r"([0-9]+)(?:\s*[-\u2013]\s*([0-9]+))?")


_new_tuple = tuple.__new__  # makes a NamedTuple from all its fields in one C call (the common markers and blocks)

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
    parts: tuple["Part", ...] = ()  # where each number or range is written in ``text``
    escaped: bool = False  # written ``\\[CITATION 3\\]``, as exporters escape brackets
    # Bracket style (and a superscript after a bullet): "label" (at a line start or in a table row: perhaps a
    # reference list's label), "linked" (a ``[1]: url`` definition exists: a link
    # unless the definition is the reference entry), or "".
    role: str = ""

    @property
    def well_formed(self) -> bool:
        return self.problem is None

    @property
    def cites(self) -> bool:
        return bool(self.numbers)

    @property
    def repeated_number(self) -> Optional[int]:
        """The first number the marker names twice (``[CITATION 1-3, 2]``), or None:
        CIT010 reports it, and in the numbered styles fix refuses to renumber it (data)."""
        if len(self.numbers) < 2 or len(set(self.numbers)) == len(self.numbers):
            return None
        seen: set[int] = set()
        for number in self.numbers:
            if number in seen:
                return number
            seen.add(number)
        return None

    @property
    def shown(self) -> str:
        """The marker's text as the writer wrote it, as messages quote it (shortened when very long)."""
        return shorten(("\\" if self.escaped else "") + self.text)


class Part(NamedTuple):
    """One number or range of a well-formed marker: where it is written in the
    marker's text (offsets relative to the marker's start) and what it cites."""

    start: int
    end: int
    first: int
    last: int


@lru_cache(maxsize=16)
def candidate_pattern(keyword: str, fullwidth: bool = True, invisible: bool = False) -> re.Pattern[str]:
    """An opening bracket (or a fullwidth one), blanks, and the keyword in any case
    (or its plural), not followed by a letter. Up to three other characters that are neither letters nor brackets
    may come before the keyword: a zero-width space copied in is one, and the
    rest are turned away in ``_classify``.

    ``fullwidth=False`` for a text with no fullwidth bracket: a pattern that begins
    with one literal character is searched for ~5x faster than one with a class.
    ``invisible``: for a text that holds an invisible character (a zero-width space,
    a soft hyphen …), which may then also stand between the keyword's letters
    (`[CITA\u200bTION 2]` looks like a marker and is a near-miss, CIT005)."""
    opening = r"[\[\u3010\uff3b]" if fullwidth else r"\["
    word = f"[{_INVISIBLE}]*".join(map(re.escape, keyword)) if invisible else re.escape(keyword)
    return re.compile(
        opening + r"[ \t]*(?:[^\w\[\]\n][ \t]*){0,3}?(" + word + r"(?:S(?=[^\w]))?)(?![^\W\d_])",
        re.IGNORECASE,
    )


def _has_fullwidth_bracket(text: str) -> bool:
    return any(bracket in text for bracket in _OPENING[1:])


def _has_invisible(text: str) -> bool:
    return not text.isascii() and any(character in text for character in _INVISIBLE)


@lru_cache(maxsize=16)
def simple_pattern(keyword: str) -> re.Pattern[str]:
    """The common case, ``[CITATION 12]``, recognised without further work."""
    return re.compile(r"\[" + re.escape(keyword) + r" ([1-9][0-9]{0,8})\]")


def find_markers(document: Document, keyword: str = "CITATION", style: str = "citation") -> list[Marker]:
    """Every marker and near-miss in the prose of ``document``, in text order.
    ``style``: the ``marker-style`` setting (the keyword is the citation style's)."""
    if style != "citation":
        return _bracket_markers(document) if style == "brackets" else _superscript_markers(document)
    text = document.text
    markers: list[Marker] = []
    simple = simple_pattern(keyword)
    # A chapter repeats its markers: the same marker's text, numbers and parts are held once.
    shared: dict[str, tuple[str, tuple[int, ...], tuple[Part, ...]]] = {}
    labels: dict[str, frozenset[str]] = {}  # the chapter's link definitions, read when a `[Citation]` may be a link
    for match in candidate_pattern(keyword, _has_fullwidth_bracket(text), _has_invisible(text)).finditer(text):
        start = match.start()
        if not document.is_prose(start):
            continue
        quick = simple.match(text, start)
        if quick:
            escaped = start > 0 and text[start - 1] == "\\"
            written = quick.group()
            known = shared.get(written)
            if known is None:
                number = int(quick.group(1))
                known = shared[written] = (written, (number,), _simple_parts(len(keyword), number))
            markers.append(_new_tuple(Marker, (start, quick.end(), known[0], known[1], None, None, known[2], escaped, "")))  # Marker(...), without its Python __new__
            continue
        marker = _classify(document, match, keyword, labels)
        if marker is not None:
            markers.append(marker)
    # Brackets written as character references render as a marker too. Looked for only
    # where one may be: a search for one character is cheap, three for words are not.
    if "&" in text and ("&#" in text or "brack;" in text or "sqb;" in text):
        found = [marker for marker in _entity_markers(document, keyword) if document.is_prose(marker.start)]
        if found:
            markers = sorted(markers + found, key=lambda marker: marker.start)
    stray = _stray_markers(document, keyword, markers)
    if stray:
        markers = sorted(markers + stray, key=lambda marker: marker.start)
    return markers


MIN_TYPO_KEYWORD = 6  # a keyword this long, in capitals, is looked for misspelt by one letter (`[CITATON 3]`)


@lru_cache(maxsize=16)
def typo_pattern(keyword: str) -> Optional[re.Pattern[str]]:
    """``[`` and a word in capitals one letter longer or shorter than the keyword or
    as long, not the keyword, then a body up to ``]``: a misspelt keyword, when the
    word is one edit from it (``_one_edit``). None for a keyword short or not in
    capitals (``[REV 2]`` is one edit from ``REF`` and is prose). It begins with a
    literal bracket: searched for fast."""
    if len(keyword) < MIN_TYPO_KEYWORD or not (keyword.isascii() and keyword.isalpha() and keyword.isupper()):
        return None
    size = len(keyword)
    return re.compile(rf"\[(?!{re.escape(keyword)}[^A-Z])[ \t]*+([A-Z]{{{size - 1},{size + 1}}})(?![^\W\d_])([^\[\]\n]{{0,200}}?)\]")


@lru_cache(maxsize=16)
def misbracketed_pattern(keyword: str) -> re.Pattern[str]:
    """The keyword not right after an opening bracket, then a body up to a closing
    bracket, parenthesis or brace: ``(CITATION 3)``, ``CITATION 3]``
    (``_misbracketed`` reads what stands before it). It begins with the keyword:
    searched for fast, and a well-formed marker is turned away at once."""
    word = re.escape(keyword)
    after_opening = "".join(f"(?<!{re.escape(opening)}{word})" for opening in _OPENING)
    return re.compile(rf"{word}{after_opening}(?![^\W\d_])([^\[\](){{}}\n]{{0,200}}?)[)}}\]]")


def _stray_markers(document: Document, keyword: str, found: list[Marker]) -> list[Marker]:
    """Markers written almost right that the keyword's search does not meet, each
    with a number: the keyword misspelt by one letter (``[CITATON 3]``), in
    parentheses or braces (``(CITATION 3)``), or with no opening bracket
    (``CITATION 3]``). Each renders as written, a citation the reader sees broken,
    so it is a near-miss (CIT005); its number is clear, so ``fix`` writes it right.
    Misspellings are looked for in capitals only."""
    text = document.text
    candidates: list[tuple[int, int, str, str]] = []  # start, end, body, what is off
    typos = typo_pattern(keyword)
    if typos is not None:
        for match in typos.finditer(text):
            if _one_edit(match.group(1), keyword):
                candidates.append((match.start(), match.end(), match.group(2), f"misspells the keyword `{keyword}`"))
    for match in misbracketed_pattern(keyword).finditer(text):
        misbracketed = _misbracketed(text, match.start())
        if misbracketed is not None:
            candidates.append((misbracketed[0], match.end(), match.group(1), misbracketed[1]))
    if not candidates:
        return []
    taken = [(marker.start, marker.end) for marker in found]
    strays = []
    for start, end, body, what in candidates:
        if not document.is_prose(start) or _overlaps(taken, start, end):
            continue
        plain = _plain(body)
        if not plain.strip() or not _number_like(plain):
            continue  # `[ABSTRACTS]`, `(CITATION needed)`: words, not a citation
        raw = text[start:end]
        numbers, _, replacement = _near_miss(raw, body, keyword, False, False)
        if numbers and replacement is not None:
            message = f"`{_visible(shorten(raw))}` {what}; write `{shorten(replacement)}`"
            strays.append(Marker(start, end, raw, numbers, message, replacement))
    return strays


def _one_edit(word: str, keyword: str) -> bool:
    """Whether ``word`` is ``keyword`` with one letter left out, added, changed, or
    two neighbours swapped."""
    if word == keyword or abs(len(word) - len(keyword)) > 1:
        return False
    if len(word) == len(keyword):
        differ = [index for index, (a, b) in enumerate(zip(word, keyword)) if a != b]
        if len(differ) == 1:
            return True
        first = differ[0]
        return len(differ) == 2 and differ[1] == first + 1 and word[first] == keyword[first + 1] and word[first + 1] == keyword[first]
    shorter, longer = sorted((word, keyword), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _misbracketed(text: str, keyword_start: int) -> Optional[tuple[int, str]]:
    """Where a keyword not opened by a bracket starts its would-be marker, and what
    is off: a parenthesis or brace before it (blanks between), or nothing (a word or
    a space); None where a bracket or a letter stands right before it, or a bracket
    opened earlier on the line is still open (``[see CITATION 3]``: the writer's)."""
    start = keyword_start
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    before = text[start - 1] if start > 0 else ""
    if before in "({":
        return start - 1, "is written in parentheses" if before == "(" else "is written in braces"
    if before in _OPENING and before or start == keyword_start and (before.isalnum() or before == "_"):
        return None
    if _inside_brackets(text, keyword_start):
        return None
    return keyword_start, "has no opening `[`"


def _inside_brackets(text: str, offset: int) -> bool:
    """Whether a ``[`` opened earlier on the line is still open at ``offset``."""
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    return line.count("[") > line.count("]")


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start``-``end`` overlaps one of ``spans`` (sorted, not overlapping)."""
    index = bisect_right(spans, (start, float("inf"))) - 1
    return (index >= 0 and spans[index][1] > start) or (index + 1 < len(spans) and spans[index + 1][0] < end)


@lru_cache(maxsize=4096)
def _simple_parts(keyword_length: int, number: int) -> tuple[Part, ...]:
    """The one part of ``[KEYWORD n]``: a chapter repeats its markers, so they share it."""
    return (Part(1 + keyword_length + 1, 1 + keyword_length + 1 + len(str(number)), number, number),)


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


def _classify(document: Document, match: re.Match[str], keyword: str, labels: dict[str, frozenset[str]]) -> Optional[Marker]:
    text = document.text
    before_keyword = text[match.start() + 1 : match.start(1)].strip(" \t")
    if before_keyword and (before_keyword.isascii() or _plain(before_keyword).strip()):
        return None  # `[*CITATION`, `["Citation`: not a marker, only odd spaces may stand there
    start = match.start()
    escaped = start > 0 and text[start - 1] == "\\" and (start < 2 or text[start - 2] != "\\")
    body, closed, body_end = _marker_body(document, match.end())
    if closed and body.endswith("\\") and not body.endswith("\\\\"):
        body = body[:-1]  # `[CITATION 3\]`: an escaped bracket, as exporters write it, renders `]`
    exact = match.group(1) == keyword and match.group().startswith("[" + keyword)
    if not exact and not _number_like(_plain(_LINE_BREAKS.sub(" ", body))):
        return None  # prose, e.g. [citation needed]
    if closed:
        end = body_end + 1
        if not escaped and text[start] == "[" and text[end - 1] == "]" and _a_link(document, start, end, body, labels):
            return None  # `[Citation](#type)`, `[Citations]` with `[Citations]: #type`: a link named so
        marker = Marker(start, end, text[start:end], *_reading(text[start:end], body, keyword, exact, escaped), escaped=escaped)
        if "\n" not in body or marker.cites or marker.problem is None:
            return marker
    # Never closed on its line (a wrapped marker that reads as words is taken as unclosed).
    first_line = _BODY_END.match(text, match.end())
    assert first_line is not None
    line_body = first_line.group()
    number_like = _number_like(_plain(line_body))
    end = match.end() + len(line_body.rstrip()) if number_like else match.end()
    shown = _visible(shorten(("\\" if escaped else "") + text[start:end]))
    return Marker(start, end, text[start:end], (), f"`{shown}` is never closed with `]`", escaped=escaped)


def _a_link(document: Document, start: int, end: int, body: str, labels: dict[str, frozenset[str]]) -> bool:
    """``[Citation]`` with no number at ``start``..``end`` is a link, as Markdown
    renders it: followed by ``(url)``, ``[label]`` or ``{attributes}``, or named by a
    ``[Citation]: url`` definition (its label matched in any case). ``labels``
    remembers the chapter's definitions, read at its first such bracket."""
    if any(character.isdigit() for character in body):
        return False  # a marker, or a near-miss of one, even when linked
    text = document.text
    if text[end : end + 1] in _LINK_AFTER:
        return True
    if "]:" not in text:
        return False
    defined = labels.get("")
    if defined is None:
        defined = labels[""] = frozenset(_link_label(found.group(1)) for found in _LINK_DEFINITION.finditer(text) if document.is_prose(found.start()))
    return _link_label(text[start + 1 : end - 1]) in defined


def _link_label(text: str) -> str:
    """A link label as CommonMark matches it: in any case, its spaces collapsed."""
    return " ".join(text.split()).casefold()


def _marker_body(document: Document, position: int) -> tuple[str, bool, int]:
    """The text from ``position`` to the closing bracket, whether there is one, and
    where the body ends. A marker may be hard-wrapped over a few lines of its
    paragraph (or heading), as pandoc (at 72 columns), Prettier and editors' reflow
    write it; a blank line ends it, and so does a line of another block (a heading
    ends at its line's end, a quote or list item that starts is a block of its own),
    as Markdown renders it."""
    text = document.text
    match = _BODY_END.match(text, position)
    assert match is not None
    end = stop = match.end()
    if end < len(text) and text[end] in _CLOSING:
        return text[position:end], True, end
    line = block = -1  # looked up only for a marker that wraps
    for _ in range(MAX_WRAPPED_LINES):
        if stop >= len(text) or text[stop] != "\n":
            break
        following = _BODY_END.match(text, stop + 1)
        assert following is not None
        if not text[stop + 1 : following.end()].strip(" \t>") or following.end() - position > MAX_WRAPPED_BODY:
            break
        if line < 0:
            line = document.line_of(position)
            block = document.line_block[line]
        line += 1
        if document.line_block[line] != block:
            break
        stop = following.end()
        if stop < len(text) and text[stop] in _CLOSING:
            return text[position:stop], True, stop
    return text[position:end], False, end


def _number_like(body: str) -> bool:
    """Digits and separators, perhaps after `:` or `#`, perhaps followed by a locator."""
    prefix = _NUMBER_PREFIX.match(body)
    rest = body[prefix.end() :] if prefix else body
    return _NUMBER_LIKE.fullmatch(rest) is not None or _split_locator(rest) is not None


class _Located(NamedTuple):
    numbers: str
    separator: str
    locator: str


def _split_locator(body: str) -> Optional[_Located]:
    """``1 p. 4`` -> numbers ``1``, separator `` ``, locator ``p. 4``; None when the
    body is not numbers followed by a locator."""
    start = _LOCATOR_START.search(body)
    if start is None or _LOCATOR.fullmatch(body, start.start()) is None:
        return None
    head = body[: start.start()]
    numbers = head.rstrip(" \t\n,;:")
    if not any(character.isdigit() for character in numbers) or _NUMBER_LIKE.fullmatch(numbers) is None:
        return None
    return _Located(numbers, head[len(numbers) :], body[start.start() :].strip())


Reading = tuple[tuple[int, ...], Optional[str], Optional[str], tuple[Part, ...]]  # numbers, problem, replacement, parts


@lru_cache(maxsize=4096)
def _reading(raw: str, body: str, keyword: str, exact: bool, escaped: bool = False) -> Reading:
    """What a closed marker's text cites and what is wrong with it. Remembered: a
    chapter repeats its markers, and a hostile file repeats one a million times."""
    if exact:
        valid = _valid_reading(body, 1 + len(keyword))
        if valid is not None:
            return valid
    return (*_near_miss(raw, body, keyword, exact, escaped), ())


def _valid_reading(body: str, body_offset: int, pattern: Optional[re.Pattern[str]] = None) -> Optional[Reading]:
    """The numbers and parts of a well-formed body (`` 1, 3-4``, `` 2, p. 4``,
    wrapped over lines), or None. ``pattern``: a numbered style's (default: the
    citation style's, numbers alone or with a locator)."""
    match = pattern.fullmatch(body) if pattern is not None else _VALID_LIST.fullmatch(body) or _VALID_BODY.fullmatch(body)
    if match is None:
        return None
    numbers: list[int] = []
    parts: list[Part] = []
    for item in _LIST_ITEM.finditer(body, match.start("list"), match.end("list")):
        if any(len(digits) > MAX_DIGITS for digits in item.groups() if digits):
            return None
        first = int(item.group(1))
        last = int(item.group(2)) if item.group(2) else first
        if last < first or last - first > MAX_RANGE:
            return None
        numbers.extend(range(first, last + 1))
        parts.append(Part(body_offset + item.start(), body_offset + item.end(), first, last))
    return tuple(numbers), None, None, tuple(parts)


def read_parts(text: str, keyword: str, style: str = "citation") -> tuple[Part, ...]:
    """The parts of a well-formed marker's text (a near-miss's replacement)."""
    if style != "citation":
        return _styled_parts(text)
    body = text[1 + len(keyword) : -1]
    if body.endswith("\\"):
        body = body[:-1]
    reading = _valid_reading(body, 1 + len(keyword))
    return reading[3] if reading is not None else ()


def _near_miss(raw: str, body: str, keyword: str, exact: bool, escaped: bool) -> tuple[tuple[int, ...], str, Optional[str]]:
    odd = None if raw.isascii() else next((character for character in raw if character in _LOOKALIKES), None)
    if odd is not None:  # read as the plain characters they stand for
        body = _plain(body)
    body = _LINE_BREAKS.sub(" ", body)
    shown = _visible(shorten(("\\" if escaped else "") + raw))
    prefix = _NUMBER_PREFIX.match(body)
    numbers_text = body[prefix.end() :] if prefix and prefix.group().strip() else body
    locator = ""
    split = _split_locator(numbers_text)
    if split is not None:
        numbers_text, locator = split.numbers, split.locator
    stripped = numbers_text.strip()
    if not stripped:
        return (), f"`{shown}` has no number; write `[{keyword} n]`", None
    if _NUMBER_LIKE.fullmatch(numbers_text) is None:
        return (), f"`{shown}` cites words, not a number; write `[{keyword} n]`", None
    foreign = not stripped.isascii()
    if foreign:  # digits of another script (١٢, 𝟏): the number is clear
        stripped = _ascii_digits(stripped)
    numbers, problem = _expand(stripped)
    if problem is not None:
        return (), f"`{shown}` {problem}", None
    written_locator = f", {locator}" if locator else ""
    replacement = f"[{keyword} {_canonical(stripped)}{written_locator}{closing_escape(raw)}]"
    if odd is not None:
        reason = _lookalike(odd)
    elif foreign:
        reason = "writes digits other than 0-9"
    elif prefix and prefix.group().strip():
        reason = f"writes `{prefix.group().strip()}` before its number"
    elif split is not None and split.separator != ", ":
        reason = "needs `, ` between its numbers and the locator"
    else:
        reason = _what_is_off(raw, numbers_text, keyword, exact)
    suggested = shorten(("\\" if escaped else "") + replacement)
    return numbers, f"`{shown}` {reason}; write `{suggested}`", replacement


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
    if raw[0] != "[":
        return "writes fullwidth brackets"
    written = raw[1:].lstrip()
    if written[: len(keyword) + 1].casefold() == (keyword + "s").casefold():
        return f"writes the keyword in the plural (`{written[: len(keyword) + 1]}`)"
    if not exact and written[: len(keyword)] != keyword:
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


# -- numbered styles: `[1]` and superscripts ------------------------------------------

# In the numbered styles a locator is any word after the numbers and a comma, as
# IEEE writes them: `[3, Th. 2]`, `[3, Eq. (5)]`, `[3, Lemma 1]`, `[1, p. 4]`.
_STYLED_LOCATOR_TEXT = r"(?:" + _LOCATOR_WORD + r"|[^\W\d_]{1,12}\.?(?=[\s(\d]))[^\[\]]*?[^\s\[\]]"
# The numbered styles' patterns are compiled the first time a numbered style is
# read (``lazy``): ~3 ms that a run in the citation style, the default, does not
# pay at every start.
_BARE_VALID_BODY_SOURCE = (
    r"(?P<list>" + _ITEM_TEXT + r"(?:," + _SPACE + r"?" + _ITEM_TEXT + r")*)"
    r"(?:," + _SPACE + r"?(?P<locator>" + _STYLED_LOCATOR_TEXT + r"))?"
)
_NOT_BEFORE_BRACKET = "[!^)"  # `[[1]]`, `![1](img)`, footnote-ish carets, `f(x)[1]` (after `]`: see _citation_pair)
# An empty anchor a converter writes before an entry's label (`<span id="page-7-4"></span>[1]`,
# `<a name="ref1"></a>[1]`), read by the reference list as part of the label's prefix.
LABEL_ANCHOR = r"(?:<(?:a|span)\b[^<>\n]{0,200}>[ \t]*</(?:a|span)>[ \t]*)"
_LABEL_ANCHOR = lazy(LABEL_ANCHOR, re.IGNORECASE)
_LINK_AFTER = "([{"  # `[1](url)`, `[1][ref]`, `[1][]`, `[1]{.class}`
_LINK_DEFINITION = lazy(r"^[ \t]{0,3}\[([^\[\]\n]{1,999})\]:", re.MULTILINE)  # `[Citations]: #type-citation`
# Units that take exponents (km<sup>2</sup>): a superscript after them is not a citation.
_UNITS = frozenset({"m", "km", "cm", "mm", "nm", "\u00b5m", "\u03bcm", "dm", "ft", "s", "kg", "mi", "yd"})
_SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"  # ⁰ to ⁹
_FROM_SUPERSCRIPT = str.maketrans({**{digit: str(value) for value, digit in enumerate(_SUPERSCRIPT_DIGITS)}, "\u207b": "-"})
_TO_SUPERSCRIPT = str.maketrans({str(value): digit for value, digit in enumerate(_SUPERSCRIPT_DIGITS)})
_SUPERSCRIPT_NUMBER = "[" + _SUPERSCRIPT_DIGITS[1:] + "][" + _SUPERSCRIPT_DIGITS + "]*"
_UNICODE_SUPERSCRIPT_SOURCE = _SUPERSCRIPT_NUMBER + "(?:[,\u207b\u2013-]" + _SUPERSCRIPT_NUMBER + ")*"
# After superscript digits: a fraction's slash (`³⁄₄`) or an ion's charge sign (`Eu²⁺`, `O²⁻`).
_AFTER_NO_CITATION = ("\u2044", "/", "\u207a", "\u207b")
_OPERATORS = frozenset("=+-*/\u00d7\u00b7")
# A superscript sign (`10⁻⁶`: the exponent's minus) or a subscript (`Hᵣ²`, `x₁²`: a
# symbol of a formula) before a superscript makes it an exponent.
_BEFORE_EXPONENT = frozenset("\u207a\u207b\u207c" + "".join(map(chr, range(0x2080, 0x209D))) + "".join(map(chr, range(0x1D62, 0x1D6B))))
YEAR_LIKE = range(1000, 3000)  # `[2020]` alone is an inserted year, not reference 2020

_BARE_VALID_BODY = lazy(_BARE_VALID_BODY_SOURCE, re.IGNORECASE)
# pandoc's `^1,3^`: a space ends it, so pandoc writes one escaped (`^1,\ 3^`)
_CARET_BODY = lazy(r"(?P<list>" + _ITEM_TEXT + r"(?:,(?:\\ )?" + _ITEM_TEXT + r")*)")
_BRACKET_START = lazy(r"\[(?=[ \t]{0,2}[0-9])")
# Chinese and Japanese typesetting writes a numbered citation in fullwidth brackets
# (`值【1】。`, `［2］`): a marker of the brackets style, its own pair closing it.
_FULLWIDTH_BRACKETS = lazy(r"\u3010([0-9][0-9 ,\-\u2013]{0,40})\u3011|\uff3b([0-9][0-9 ,\-\u2013]{0,40})\uff3d")
_NEXT_BRACKET_NUMBER = lazy(r"[ \t]?(?:--|[-\u2013])[ \t]?(\\?)\[([1-9][0-9]{0,8})(\\?)\]")  # IEEE's `[1]–[3]`, pandoc's `\[1\]–\[3\]`
# A `[1]: url` link reference definition, after any quote or list prefix.
_DEFINITION = lazy(r"^[ \t]{0,3}(?:(?:>|[-*+]|\d{1,9}[.)])[ \t]*+)*+\[([1-9][0-9]{0,8})\]:", re.MULTILINE)
_NUMBER_IN_BRACKETS = lazy(r"\[([1-9][0-9]{0,8})\]")
_BRACKET_SEPARATOR = lazy(r"[ \t]*(?:,[ \t]*)?")  # between `<sup>[9],[10]</sup>`'s brackets
_NUMBER_IN_BRACKETS_BEFORE = lazy(r"\[([1-9][0-9]{0,8})\]\Z")
_SUPERSCRIPT = lazy(r"<sup>([^<>\n]{1,200}?)</sup>|\^((?:[^\s\^\[\]\\]|\\ ){1,200}?)\^", re.IGNORECASE)
_STYLED_BODY_CHARACTERS = lazy(r"[\d\s,;\-\u2013]*")
_LEADING_ZERO = lazy(r"(?<![0-9])0")
_UNICODE_SUPERSCRIPT = lazy(_UNICODE_SUPERSCRIPT_SOURCE)
_MASKED_BRACKETS = lazy(r"(?<![A-Za-z0-9_\[\]!^)])\[[ \t]{0,2}[0-9][^\[\]\n]*\](?![(\[{A-Za-z0-9_])")
_MASKED_SUPERSCRIPTS = lazy(r"<sup>[^<>\n]*</sup>|\^[^\s\^\[\]]+\^|" + _UNICODE_SUPERSCRIPT_SOURCE, re.IGNORECASE)


def defined_labels(document: Document) -> dict[str, int]:
    """The numeric labels of ``[1]: url`` definitions in prose, with their 0-based lines."""
    found: dict[str, int] = {}
    if "]:" not in document.text:
        return found
    for match in _DEFINITION.finditer(document.text):
        if document.is_prose(match.start(1)):
            found.setdefault(match.group(1), document.line_of(match.start()))
    return found


def _at_line_start(document: Document, offset: int, starts: dict[int, int]) -> bool:
    """The offset is where its line's text starts (after quote and list markers and
    an empty anchor, ``<span id="…"></span>``), or the line is a table row: where a
    reference list writes its labels. ``starts`` remembers each line's text start (a
    line may hold many markers)."""
    line = document.line_of(offset)
    start = starts.get(line)
    if start is None:
        start = starts[line] = document.offset(line, document.content_column(line))
    text = document.text
    if offset == start or (offset == start + 1 and text[offset - 1] == "\\") or text[start : start + 1] == "|":
        return True
    return text[start : start + 1] == "<" and _LABEL_ANCHOR.fullmatch(text, start, offset - (text[offset - 1] == "\\")) is not None


def _in_table_row(document: Document, offset: int) -> bool:
    """The offset is past the start of a line that begins with ``|``, a table's row."""
    line = document.line_of(offset)
    start = document.offset(line, document.content_column(line))
    return document.text[start : start + 1] == "|" and offset > start


def _after_a_bullet(document: Document, offset: int, starts: dict[int, int]) -> bool:
    """The offset is where a bullet item's text starts (after an empty anchor):
    where a superscript style's list writes its labels, ``- <sup>1</sup> …``."""
    line = document.line_of(offset)
    text = document.lines[line]
    bullet = text.lstrip(" \t>")[:1]
    return bullet in ("-", "*", "+") and _at_line_start(document, offset, starts)


def _citation_pair(text: str, start: int, end: int, defined: dict[str, int]) -> bool:
    """``[1][2]`` with no ``[2]: url`` definition: two citations written together,
    which Markdown shows as text, not a reference link. ``start``..``end`` is one of them."""
    second = _NUMBER_IN_BRACKETS.match(text, end)
    if second is not None and text[start + 1 : end - 1].isdigit():
        return second.group(1) not in defined and text[second.end() : second.end() + 1] not in ("(", "{")
    first = _NUMBER_IN_BRACKETS_BEFORE.search(text, max(0, start - 11), start)
    return first is not None and text[start + 1 : end - 1].isdigit() and text[start + 1 : end - 1] not in defined


def _underscore_in_word(text: str, position: int, step: int) -> bool:
    """The run of ``_`` at ``position`` joins a word (``arr_[1]``, ``[1]_x``), going
    away from the bracket by ``step``; a run with no ASCII letter or digit beyond it
    is emphasis (``_[1]_``, ``__[1]__``), as Markdown reads it, and a citation shows in it."""
    while 0 <= position < len(text) and text[position] == "_":
        position += step
    beyond = text[position] if 0 <= position < len(text) else ""
    return beyond.isascii() and beyond.isalnum()


def _bracket_markers(document: Document) -> list[Marker]:
    """``[1]``-style markers and their clear near-misses, in text order."""
    text = document.text
    defined = defined_labels(document)
    markers: list[Marker] = []
    covered = 0  # the end of the last `[1]–[3]` read: its second bracket is not read again
    line_starts: dict[int, int] = {}
    for match in _BRACKET_START.finditer(text):
        start = match.start()
        if start < covered or not document.is_prose(start):
            continue
        escaped = start > 0 and text[start - 1] == "\\" and (start < 2 or text[start - 2] != "\\")
        before = text[start - 2 if escaped else start - 1] if start > (1 if escaped else 0) else ""
        if before and ((before.isascii() and before.isalnum()) or before in _NOT_BEFORE_BRACKET or (before == "_" and _underscore_in_word(text, start - 1 - escaped, -1))):
            continue  # `a[1]`, `![1](image)`, `[[1]]`, `f(x)[1]` (`研究[1]`: Chinese and Japanese prose put no space before a marker)
        body, closed, body_end = _marker_body(document, start + 1)
        if not closed or text[body_end] != "]":
            continue
        end = body_end + 1
        if closed and body.endswith("\\") and not body.endswith("\\\\"):
            body = body[:-1]
        following = text[end : end + 1]
        if following.isascii() and (following.isalnum() or (following == "_" and _underscore_in_word(text, end, 1))):
            continue  # `[8]byte`, `[2]int`: a type or an index glued to a word, not a citation (`研究[1]表明` is one)
        if (before == "]" or following == "[") and not _citation_pair(text, start, end, defined):
            continue  # `[text][1]`, `[1][ref]`, `[1][]`: a reference link
        line_start = _at_line_start(document, start, line_starts)
        if following and (following in "({" or (following == ":" and line_start and not _in_table_row(document, start))):
            continue  # a link, a span with attributes, a definition (a table's cell holds none: `| … [1, 2]: |` cites)
        marker = _bracket_marker(text, start, end, body, escaped)
        if marker is None:
            continue
        if marker.well_formed and len(marker.numbers) == 1 and marker.text in (f"[{marker.numbers[0]}]", f"[{marker.numbers[0]}\\]"):
            marker, covered = _ieee_range(text, marker)
        if all(number in YEAR_LIKE for number in marker.numbers):
            continue  # `[2020]`, `[2016, 2019]`: years put in, as in a quotation
        labels = (body.strip(),) if marker.end == end else _range_labels(marker)
        role = "label" if line_start else "linked" if any(label in defined for label in labels) else ""
        markers.append(marker._replace(role=role) if role else marker)
    if "\u3010" in text or "\uff3b" in text:
        markers += _fullwidth_bracket_markers(document, line_starts)
        markers.sort(key=lambda marker: marker.start)
    return markers


def _fullwidth_bracket_markers(document: Document, line_starts: dict[int, int]) -> list[Marker]:
    """``【1】``, ``［1, 3］``, ``【2-4】``: the brackets style as Chinese and Japanese
    text typesets it. Only a well-formed body is a marker (a year alone is none); one
    that begins a line may be a list's label, as ``[1]`` there may."""
    text = document.text
    markers: list[Marker] = []
    for match in _FULLWIDTH_BRACKETS.finditer(text):
        start, end = match.span()
        if not document.is_prose(start):
            continue
        body = match.group(1) if match.group(1) is not None else match.group(2)
        valid = _valid_reading(body, 1, _BARE_VALID_BODY)
        if valid is None or all(number in YEAR_LIKE for number in valid[0]):
            continue
        marker = Marker(start, end, match.group(), valid[0], None, None, valid[3])
        markers.append(marker._replace(role="label") if _at_line_start(document, start, line_starts) else marker)
    return markers


def _bracket_marker(text: str, start: int, end: int, body: str, escaped: bool) -> Optional[Marker]:
    raw = text[start:end]
    valid = _valid_reading(body, 1, _BARE_VALID_BODY)
    if valid is not None:
        return Marker(start, end, raw, valid[0], None, None, valid[3], escaped)
    near = _styled_near_miss(raw, body, "[", "]" if not raw.endswith("\\]") else "\\]", ", ")
    if near is None:
        return None
    return Marker(start, end, raw, near[0], near[1], near[2], (), escaped)


def _ieee_range(text: str, marker: Marker) -> tuple[Marker, int]:
    """``[1]–[3]``, IEEE's range, as one marker citing 1 to 3; else the marker as it is."""
    following = _NEXT_BRACKET_NUMBER.match(text, marker.end)
    if following is None:
        return marker, marker.end
    after = text[following.end() : following.end() + 1]
    if after and after in _LINK_AFTER:
        return marker, marker.end  # `[1]-[3](url)`: the second is a link
    first, last = marker.numbers[0], int(following.group(2))
    if not first < last <= first + MAX_RANGE or bool(following.group(1)) != marker.escaped:
        return marker, marker.end  # `[1]–\[3\]`: not written as one
    end = following.end()
    raw = text[marker.start : end]
    part = Part(1, following.end(2) - marker.start, first, last)
    return marker._replace(end=end, text=raw, numbers=tuple(range(first, last + 1)), parts=(part,)), end


def _range_labels(marker: Marker) -> tuple[str, str]:
    """The labels of the two brackets of ``[1]–[3]``: a ``[3]: url`` definition
    makes the second a link as it does a ``[3]`` alone."""
    return str(marker.numbers[0]), str(marker.numbers[-1])


def _range_ends(text: str, marker: Marker) -> tuple[Marker, Marker]:
    """The two brackets of ``[1]–[3]`` (or pandoc's ``\\[1\\]–\\[3\\]``), each as the marker it is alone."""
    first_end = marker.start + marker.text.index("]") + 1
    following = _NEXT_BRACKET_NUMBER.match(text, first_end)
    assert following is not None
    second_start = following.start(2) - 1
    return _bracket_single(text, marker.start, first_end, marker.escaped), _bracket_single(text, second_start, following.end(), marker.escaped)


def _bracket_single(text: str, start: int, end: int, escaped: bool) -> Marker:
    """``[3]`` (or ``[3\\]``) from ``start`` to ``end``, a well-formed marker citing its number."""
    digits = text[start + 1 : end - 1].rstrip("\\")
    return Marker(start, end, text[start:end], (int(digits),), parts=(Part(1, 1 + len(digits), int(digits), int(digits)),), escaped=escaped)


def _superscript_markers(document: Document) -> list[Marker]:
    """``<sup>1,3</sup>`` and pandoc's ``^1,3^`` markers and their clear near-misses."""
    text = document.text
    markers = _unicode_superscripts(document) if any(digit in text for digit in _SUPERSCRIPT_DIGITS[1:]) else []
    if "<" not in text and "^" not in text:
        return markers
    found = len(markers)
    line_starts: dict[int, int] = {}
    for match in _SUPERSCRIPT.finditer(text):
        start = match.start()
        caret = match.group(2) is not None
        body = match.group(2) if caret else match.group(1)
        bracketed = not caret and body.startswith("[") and body.endswith("]")
        if (caret and start > 0 and text[start - 1] == "\\") or (not bracketed and _exponent(text, start)) or not document.is_prose(start):
            continue  # `\^2^` is a caret, `x^2^` an exponent; `500<sup>[1]</sup>` cites (no power is bracketed)
        opening_length = 1 if caret else 5
        if bracketed and "]" in body[1:-1]:  # `<sup>[9],[10]</sup>`, `<sup>[1]–[3]</sup>`
            marker = _bracketed_list(match.group(), start, body, opening_length)
        else:
            if bracketed:  # `<sup>[1]</sup>`, as wikis write it
                body = body[1:-1]
                opening_length += 1
            marker = _superscript_marker(match.group(), start, body, caret, opening_length)
        if marker is not None:
            label = not caret and _after_a_bullet(document, start, line_starts)
            markers.append(marker._replace(role="label") if label else marker)  # `- <sup>1</sup>[Title](url)`: perhaps an entry's label
    return sorted(markers, key=lambda marker: marker.start) if found else markers


def _unicode_superscripts(document: Document) -> list[Marker]:
    """Superscript digits typed or pasted as characters: ``¹``, ``²,³``, ``¹⁻³``."""
    text = document.text
    markers = []
    for match in _UNICODE_SUPERSCRIPT.finditer(text):
        start, end = match.span()
        if text[end : end + 1] in _AFTER_NO_CITATION or _exponent(text, start) or not document.is_prose(start):
            continue  # `³⁄₄`, `Eu²⁺`, `O²⁻`, `m²`, `10⁶`, `x²`
        raw = match.group()
        valid = _valid_reading(raw.translate(_FROM_SUPERSCRIPT), 0, _CARET_BODY)
        if valid is not None:
            markers.append(Marker(start, end, raw, valid[0], None, None, valid[3]))
    return markers


def in_form(written: str, renumbered: str) -> str:
    """A renumbered marker's text in the marker's own digits: superscript characters
    stay superscript characters (``²`` for 2), the other forms are returned as they are."""
    if written[:1] not in _SUPERSCRIPT_DIGITS or any(character.isascii() and character.isdigit() for character in written):
        return renumbered
    return renumbered.translate(_TO_SUPERSCRIPT)


def _superscript_marker(raw: str, start: int, body: str, caret: bool, opening_length: int) -> Optional[Marker]:
    valid = _valid_reading(body, opening_length, _CARET_BODY if caret else _BARE_VALID_BODY)
    if valid is not None:
        return Marker(start, start + len(raw), raw, valid[0], None, None, valid[3])
    opening, closing = raw[:opening_length], raw[opening_length + len(body) :]
    near = _styled_near_miss(raw, body.replace("\\ ", " ") if caret else body, opening, closing, "," if caret else ", ")
    if near is None:
        return None
    return Marker(start, start + len(raw), raw, near[0], near[1], near[2])


def _ideographic(character: str) -> bool:
    """A Chinese, Japanese or Korean character (ideograph, kana, hangul syllable)."""
    code = ord(character)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def _bracketed_list(raw: str, start: int, body: str, opening_length: int) -> Optional[Marker]:
    """``<sup>[9],[10]</sup>`` (as wikis write several sources) and IEEE's range
    ``<sup>[1]–[3]</sup>``: a well-formed marker, each bracket's number a part of it
    (renumbered in place); anything else in the brackets reads as no marker."""
    numbers: list[int] = []
    parts: list[Part] = []
    position = 0
    while position < len(body):
        item = _NUMBER_IN_BRACKETS.match(body, position)
        if item is None:
            return None
        first = last = int(item.group(1))
        end = item.end(1)
        following = _NEXT_BRACKET_NUMBER.match(body, item.end())
        if following is not None and not following.group(1) and not following.group(3):
            last = int(following.group(2))
            if not first < last <= first + MAX_RANGE:
                return None
            end, position = following.end(2), following.end()
        else:
            position = item.end()
        numbers.extend(range(first, last + 1))
        parts.append(Part(opening_length + item.start(1), opening_length + end, first, last))
        separator = _BRACKET_SEPARATOR.match(body, position)
        position = separator.end()  # type: ignore[union-attr]
        if position < len(body) and separator.group() == "" and body[position] != "[":  # type: ignore[union-attr]
            return None
    return Marker(start, start + len(raw), raw, tuple(numbers), None, None, tuple(parts))


def _exponent(text: str, start: int) -> bool:
    """A superscript that is an exponent or a unit's power: after a digit, a
    superscript sign (``10⁻⁶``), a subscript (``Hᵣ²``), a parenthesis holding a
    formula (``(a+b)^2^``), a one-letter name (``x^2^``), a unit (``km<sup>2</sup>``)
    or a short name after an operator (``E = mc^2^``)."""
    if start == 0:
        return False
    before = text[start - 1]
    if before in _BEFORE_EXPONENT:
        return True
    if before.isdigit():
        return not _year_before(text, start)  # `10^6^`, not `since 2020^5^`
    if before == "[":
        return True
    if _ideographic(before):
        return False  # `见^2^`, `又¹`: one Chinese or Japanese character is a word, not a name in a formula
    if before == ")":
        opening = text.rfind("(", max(0, start - 40), start)
        inside = text[opening + 1 : start - 1] if opening >= 0 else ""
        return opening < 0 or len(inside) <= 3 or any(character in inside for character in "+-*/=^")  # `(a+b)^2^`, not `(in adults)^2^`
    end = start
    while end > 0 and text[end - 1] in "*_":
        end -= 1  # `*x*<sup>2</sup>`: the name in emphasis
    word_start = end
    while word_start > 0 and end - word_start <= 3 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start:end]
    if word == "s" and _year_before(text, word_start):
        return False  # `the 1990s^3^`
    if len(word) == 1 or word in _UNITS:
        return True
    whole = word_start
    while whole > 0 and word_start - whole < 16 and text[whole - 1].isalpha():
        whole -= 1
    if whole > 1 and text[whole - 1] == "/" and text[whole - 2].isdigit():
        return True  # `$26.35/month²`, `5/day^2^`: the unit of a rate after its number
    operator = text[max(0, word_start - 4) : word_start].rstrip(" *_")
    if not (0 < len(word) <= 2 and operator[-1:] in _OPERATORS):
        return False
    position = max(0, word_start - 4) + len(operator) - 1
    line_start = text.rfind("\n", 0, position) + 1
    return operator[-1] not in "-+*" or text[line_start:position].strip(" \t>") != ""  # `E = mc^2^`, not a bullet's `- in^2^`


def _year_before(text: str, end: int) -> bool:
    """A year (four digits, 1000-2999, not part of a longer number) ends at ``end``."""
    digits = text[max(0, end - 5) : end]
    return len(digits) >= 4 and digits[-4:].isdigit() and digits[-4] in "12" and not (len(digits) == 5 and digits[0].isdigit())


def _styled_near_miss(raw: str, body: str, opening: str, closing: str, separator: str) -> Optional[tuple[tuple[int, ...], str, str]]:
    """A clear near-miss of a bracket or superscript marker: numbers separated by
    `;`, stray spaces, or a lookalike space, dash or comma copied in. Anything else
    (zero, leading zeros, a reversed range, words) is left alone: ordinary Markdown
    writes `[0]`, `[0-9]` and `[3-1]` for other things."""
    odd = None if raw.isascii() else next((character for character in raw if character in _LOOKALIKES), None)
    plain = _LINE_BREAKS.sub(" ", _plain(body) if odd is not None else body)
    if not any(character.isdigit() for character in plain) or _STYLED_BODY_CHARACTERS.fullmatch(plain) is None:
        return None
    stripped = plain.strip()
    if not stripped[:1].isdigit() or not stripped[-1:].isdigit() or _LEADING_ZERO.search(stripped):
        return None
    numbers, problem = _expand(stripped)
    if problem is not None or not numbers:
        return None
    canonical = _canonical(stripped)
    if separator == ",":
        canonical = canonical.replace(", ", ",")
    replacement = f"{opening}{canonical}{closing}"
    if replacement == raw:
        return None
    if odd is not None:
        reason = _lookalike(odd)
    elif ";" in stripped:
        reason = "separates numbers with `;`"
    else:
        reason = "has stray spaces"
    shown = _visible(shorten(raw))
    return numbers, f"`{shown}` {reason}; write `{shorten(replacement)}`", replacement


def _styled_parts(text: str) -> tuple[Part, ...]:
    """The parts of a well-formed ``[1, 3]``, ``<sup>1, 3</sup>`` or ``^1,3^``."""
    if text.startswith("^"):
        reading = _valid_reading(text[1:-1], 1, _CARET_BODY)
    elif text[:5].lower() == "<sup>":
        body = text[5:-6]
        bracketed = body.startswith("[") and body.endswith("]")
        reading = _valid_reading(body[1:-1] if bracketed else body, 6 if bracketed else 5, _BARE_VALID_BODY)
    else:
        body = text[1:-1]
        if body.endswith("\\"):
            body = body[:-1]
        reading = _valid_reading(body, 1, _BARE_VALID_BODY)
    return reading[3] if reading is not None else ()


class _ReferenceList(Protocol):
    """What ``settle_markers`` reads of ``references.ReferenceList`` (imported the other way)."""

    @property
    def entries(self) -> Sequence[Any]: ...

    def holds_line(self, line: int) -> bool: ...


def settle_markers(markers: tuple[Marker, ...], document: Document, references: Optional[_ReferenceList]) -> tuple[Marker, ...]:
    """The bracket markers that cite, once the reference list is known: a ``[1]``
    that is an entry's own label is the list's, and a ``[1]`` with a ``[1]: url``
    definition is a link unless that definition is an entry of the list."""
    if not any(marker.role for marker in markers):
        return markers
    labels = set()
    if references is not None:
        labels = {entry.label_span.start for entry in references.entries if entry.label_span is not None}
    defined = defined_labels(document) if any(marker.role == "linked" for marker in markers) else {}
    kept: list[Marker] = []
    for marker in markers:
        if marker.role and marker.parts and marker.start + marker.parts[0].start in labels:
            continue  # an entry's label, `[1] A. Author, …`
        if marker.role == "linked":
            kept += _unlinked(marker, document.text, defined, references)
            continue
        kept.append(marker)
    return tuple(kept)


def _unlinked(marker: Marker, text: str, defined: dict[str, int], references: Optional[_ReferenceList]) -> list[Marker]:
    """A marker with a ``[1]: url`` definition, as it cites: a bracket whose
    definition is not an entry of the list is a link. ``[1]–[3]`` is one marker
    when neither bracket is such a link, else each bracket is read alone."""
    if marker.text.count("[") != 2:  # one bracket: a marker's body holds none
        return [] if _links_elsewhere(str(marker.numbers[0]), defined, references) else [marker]
    if not any(_links_elsewhere(label, defined, references) for label in _range_labels(marker)):
        return [marker]
    ends = _range_ends(text, marker)
    return [end for end in ends if end.numbers[0] not in YEAR_LIKE and not _links_elsewhere(str(end.numbers[0]), defined, references)]


def _links_elsewhere(label: str, defined: dict[str, int], references: Optional[_ReferenceList]) -> bool:
    """``[label]`` is a link to a ``[label]: url`` definition that is not an entry of the list."""
    line = defined.get(label)
    return line is not None and (references is None or not references.holds_line(line))


def evidence(markers: tuple[Marker, ...]) -> list[Marker]:
    """The markers that cite, as evidence of which list they point to: not those
    that may be a list's own labels."""
    return [marker for marker in markers if marker.cites and marker.role != "label"]


@lru_cache(maxsize=16)
def hidden_pattern(keyword: str, style: str = "citation") -> re.Pattern[str]:
    """A plain marker of the style, its number the first group: looked for where
    markers are not read (code, comments), to say where a citation hides."""
    if style == "brackets":
        return re.compile(r"(?<![A-Za-z0-9_\[\]!^)])\[([1-9][0-9]{0,8})\](?![(\[{:A-Za-z0-9_])")  # as _bracket_markers bounds them
    if style == "superscript":
        return re.compile(r"(?:<sup>|\^)([1-9][0-9]{0,8})(?:</sup>|\^)", re.IGNORECASE)
    return simple_pattern(keyword)


_GLUED_BRACKET = lazy(r"(?<=[A-Za-z0-9_])\[([1-9][0-9]{0,8})\](?![(\[{:A-Za-z0-9_])")


def glued_brackets(document: Document) -> dict[int, int]:
    """Brackets style: each number written as ``plumage[3]``, glued to the word
    before it (read as an index, ``a[1]``, not a citation), with its first such
    offset in prose."""
    found: dict[int, int] = {}
    text = document.text
    for match in _GLUED_BRACKET.finditer(text):
        number = int(match.group(1))
        if text[match.start() - 1] == "_" and not _underscore_in_word(text, match.start() - 1, -1):
            continue  # `_[3] and more_`: emphasis, read as a marker
        if number not in found and document.is_prose(match.start()):
            found[number] = match.start()
    return found


_ANCHOR_LINK = lazy(r"\[([^\[\]\n]{1,40})\]\(#([^()\s]{1,200})\)")
_ANCHOR_ID = lazy(r"""(?:\b(?:id|name)[ \t]*=[ \t]*["']?|\{[ \t]*#)([^"'\s<>{}]{1,200})""")


def anchor_links(document: Document) -> list[tuple[int, str, str]]:
    """Each link to an anchor of the page in prose (``[1](#ref-1)``): its offset,
    its text as written and the anchor it names."""
    if "](#" not in document.text:
        return []
    return [(match.start(), match.group(), match.group(2)) for match in _ANCHOR_LINK.finditer(document.text) if document.is_prose(match.start())]


def anchor_ids(text: str) -> list[tuple[int, str]]:
    """Each anchor named in ``text`` (``<a id="ref-1">``, ``name=ref1``, pandoc's
    ``{#ref-1}``), with its offset."""
    return [(match.start(), match.group(1)) for match in _ANCHOR_ID.finditer(text)]


def may_hide(text: str, keyword: str, style: str = "citation") -> bool:
    """A quick look: whether ``text`` may hold a plain marker at all."""
    if style == "brackets":
        return "[" in text
    if style == "superscript":
        return "^" in text or "<" in text
    return "[" + keyword in text


@lru_cache(maxsize=16)
def candidate_pattern_for(keyword: str, style: str = "citation") -> re.Pattern[str]:
    """What may start a marker of the style (counted where a block hides markers)."""
    if style == "brackets":
        return re.compile(r"(?<![A-Za-z0-9_\[\]!^)])\[[ \t]{0,2}[0-9]")
    if style == "superscript":
        return re.compile(r"<sup>[ \t]*\[?[0-9]|\^[0-9][^\s\^]{0,200}\^", re.IGNORECASE)
    return candidate_pattern(keyword)


def written_marker(number: int, keyword: str, style: str = "citation") -> str:
    """How a marker citing ``number`` is written in the style: ``[CITATION 3]``, ``[3]``, ``<sup>3</sup>``."""
    if style == "brackets":
        return f"[{number}]"
    if style == "superscript":
        return f"<sup>{number}</sup>"
    return f"[{keyword} {number}]"


def list_separator(written: str) -> str:
    """What a renumbered range that is no longer contiguous is joined with: as the
    marker writes its lists, and never a space in pandoc's ``^1,3^`` (a space ends it)."""
    if written.startswith("^"):
        return ",\\ " if ",\\ " in written else ","
    if written[:1] in _SUPERSCRIPT_DIGITS:
        return ","  # `²,³`: a space would end the superscript run
    return ", " if ", " in written or "," not in written else ","


def masked(text: str, keyword: str, style: str = "citation") -> str:
    """``text`` (a reference entry's) with the markers in it as ``[…]``."""
    if style == "citation":
        return re.sub(r"\[[ \t]*" + re.escape(keyword) + r"[^\[\]]*\]", "[…]", text, flags=re.IGNORECASE)
    if style == "brackets":
        return _MASKED_BRACKETS.sub("[…]", text)
    return _MASKED_SUPERSCRIPTS.sub("[…]", text)
