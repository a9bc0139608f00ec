"""Differential: the markers citelint reads as code agree with mistune's own AST.

citelint records block structure while mistune's block parser runs and finds code
spans itself; mistune's full parse (with inline parsing) is the reference. Random
nested documents (quotes and lists holding fences, indented code, raw-text HTML,
comments, code spans, lazy lines ...) put a marker with its own number in each
construct; the numbers mistune places inside code, raw-text HTML or a comment must
be exactly those citelint does not read as prose (and a code span in an HTML block,
as Markdown in HTML reads it, ``<div markdown>``, is code too).
"""

from __future__ import annotations

import random
import re

import mistune
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint.chapter import Chapter
from citelint.config import Settings

MARK = re.compile(r"\[CITATION (\d+)\]")
RAW_TEXT = re.compile(r"\s*<(pre|script|style|textarea)", re.IGNORECASE)
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_markdown = mistune.create_markdown(renderer=None)


def _parse(text: str) -> list[dict]:  # type: ignore[type-arg]
    tokens = _markdown(text)
    assert isinstance(tokens, list)
    return tokens


def not_prose_by_mistune(tokens: list[dict], found: set[int]) -> set[int]:  # type: ignore[type-arg]
    for token in tokens:
        raw = token.get("raw") or ""
        if token.get("type") in ("codespan", "block_code"):
            found.update(int(n) for n in MARK.findall(raw))
        elif token.get("type") in ("block_html", "inline_html"):
            parts = [raw] if RAW_TEXT.match(raw) else COMMENT.findall(raw)
            found.update(int(n) for part in parts for n in MARK.findall(part))
            if token.get("type") == "block_html" and not RAW_TEXT.match(raw):  # its code spans, as Markdown in HTML reads them
                not_prose_by_mistune([span for span in _markdown.inline(raw, {}) if span.get("type") == "codespan"], found)
        if isinstance(token.get("children"), list):
            not_prose_by_mistune(token["children"], found)
    return found


def not_prose_by_citelint(text: str) -> set[int]:
    document = Chapter.parse(text, Settings()).document
    return {int(m.group(1)) for m in MARK.finditer(document.text) if not document.is_prose(m.start())}


def document(rng: random.Random, depth: int = 0) -> str:
    """A random Markdown document; it opens with a paragraph and a blank line, so that
    it is never read as plain text (one paragraph a line), where citelint and mistune
    differ on purpose."""
    return "Intro.\n\n" + _blocks(rng, depth)


def _blocks(rng: random.Random, depth: int = 0) -> str:
    blocks = []
    for _ in range(rng.randint(1, 6)):
        m = f"[CITATION {rng.randint(1, 10**9)}]"
        kind = rng.randrange(26)
        if kind in (0, 1):
            inner = _blocks(rng, depth + 1) if depth < 2 else f"q {m}"
            blocks.append("\n".join("> " + line if line else ">" for line in inner.split("\n")))
        elif kind in (2, 3):
            inner = _blocks(rng, depth + 1) if depth < 2 else f"i {m}"
            bullet = rng.choice(["- ", "1. ", "* ", "10) "])
            lines = inner.split("\n")
            blocks.append("\n".join([bullet + lines[0]] + [" " * len(bullet) + line if line else "" for line in lines[1:]]))
        else:
            blocks.append([
                f"Text {m} more.", f"```\ncode {m}\n```", f"~~~~\n{m}\n~~~~", f"    code {m}", f"<div>\n{m}\n</div>",
                f"<!-- {m} -->", f"a `x {m}` b ``{m}`` c", f"<pre>\n{m}\n</pre>", f"## H {m}", "", f"para\n    {m} continued",
                f"Title {m}\n---", "***", f"<!--\nline {m}\n-->", f"\tcode {m}", f"```\n{m}", f"<script>\nx = '{m}'\n</script>",
                f'[ref]: https://e.com/1 "{m}"', f"> quoted\nlazy {m}", f"  ````\n  {m}\n  ````", f"<textarea>\n\n{m}\n</textarea>",
                f"* a\n\n      code {m}",
            ][kind - 4])
    return rng.choice(["\n\n", "\n"]).join(blocks) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_code_regions_agree_with_mistune(rng: random.Random) -> None:
    text = document(rng)
    assert not_prose_by_citelint(text) == not_prose_by_mistune(_parse(text), set()), text


def test_raw_text_html_inside_containers_is_not_prose() -> None:
    """Found by the differential test: `<pre>` in a quote or list item was read as prose."""
    for text in ("> <pre>\n> [CITATION 7]\n> </pre>\n", "1. item\n\n   <pre>\n   [CITATION 7]\n   </pre>\n", "- <pre>\n  [CITATION 7]\n  </pre>\n"):
        assert not_prose_by_citelint(text) == {7} == not_prose_by_mistune(_parse(text), set()), text


def _inline_texts(tokens: list[dict]) -> list[str]:  # type: ignore[type-arg]
    found = []
    for token in tokens:
        if token.get("type") == "text":
            found.append(token.get("raw") or "")
        if isinstance(token.get("children"), list):
            found += _inline_texts(token["children"])
    return found


Place = tuple[str, int]  # "heading" or "paragraph", and how many list items hold it


def places_by_mistune(tokens: list[dict], depth: int, found: dict[int, Place]) -> dict[int, Place]:  # type: ignore[type-arg]
    """Marker number -> the block its prose text is in, for markers in headings and paragraphs."""
    for token in tokens:
        kind = token.get("type")
        if kind == "list":
            for item in token.get("children") or []:
                places_by_mistune(item.get("children") or [], depth + 1, found)
        elif kind in ("heading", "paragraph", "block_text"):
            place = ("heading" if kind == "heading" else "paragraph", depth)
            for raw in _inline_texts(token.get("children") or []):
                found.update((int(number), place) for number in MARK.findall(raw))
        elif isinstance(token.get("children"), list):
            places_by_mistune(token["children"], depth, found)
    return found


def places_by_citelint(text: str) -> dict[int, Place]:
    document = Chapter.parse(text, Settings()).document
    found = {}
    for match in MARK.finditer(document.text):
        block = document.block_at(match.start())
        if document.is_prose(match.start()) and block is not None and block.kind in ("heading", "paragraph"):
            depth = 0 if block.item is None else document.items[block.item].depth + 1
            found[int(match.group(1))] = (block.kind, depth)
    return found


def kinds(places: dict[int, Place]) -> dict[int, str]:
    return {number: kind for number, (kind, _) in places.items()}


def depths(places: dict[int, Place]) -> dict[int, int]:
    return {number: depth for number, (_, depth) in places.items()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_headings_and_paragraphs_agree_with_mistune(rng: random.Random) -> None:
    """CIT006 reports markers in headings and at paragraph starts: the blocks must be mistune's."""
    text = document(rng)
    assert kinds(places_by_citelint(text)) == kinds(places_by_mistune(_parse(text), 0, {})), text


def test_a_file_without_blank_lines_is_plain_text_one_paragraph_a_line() -> None:
    """Where citelint parts from mistune on purpose (SPEC §2): a file with no blank line
    between its text lines is plain text, each line a paragraph, so a backtick (an
    old-style ``quote'') cannot open a code span that swallows the markers of the
    lines after it. mistune, reading Markdown, joins the lines into one paragraph."""
    text = "``Well,'' she said. [CITATION 5]\nLater [CITATION 6] and\nthen ``so'' [CITATION 7].\n"
    assert not_prose_by_citelint(text) == set()
    assert not_prose_by_mistune(_parse(text), set()) == {5, 6}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_list_items_agree_with_mistune(rng: random.Random) -> None:
    """Reference entries are list items: each marker's list nesting must be mistune's."""
    text = document(rng)
    assert depths(places_by_citelint(text)) == depths(places_by_mistune(_parse(text), 0, {})), text


_INLINE_PIECES = ["`", "``", "```", "\\", "\\`", "C:\\", "<https://e.com/a", "<a@b.org", "<a href=\"x`y\">", "<b>", "</span>", "\">", ">", "<!-- ", " -->", " ", "x"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_INLINE_PIECES), st.integers(1, 99)), max_size=16))
def test_code_spans_agree_with_mistune(pieces: list) -> None:  # type: ignore[type-arg]
    """A paragraph of backtick runs, backslashes, autolinks and HTML tags around markers:
    the markers mistune reads as code are exactly those citelint does not read as prose
    (a backslash escapes an opening backtick, never a closing one; a backtick inside an
    autolink or a tag that begins before it opens no span)."""
    body = "".join(f"[CITATION {piece}]" if isinstance(piece, int) else piece for piece in pieces)
    text = f"Intro.\n\nA{body}\n"
    assert not_prose_by_citelint(text) == not_prose_by_mistune(_parse(text), set()), text


def test_a_backslash_before_a_closing_backtick_is_literal() -> None:
    """Found by an audit: `C:\\` closes its span (CommonMark: no escapes in code), so the
    marker after it is prose; a run inside an autolink opens nothing."""
    for text, hidden in (
        ("Intro.\n\nFiles under `C:\\` on Windows. [CITATION 2] The `dir` command. [CITATION 1]\n", set()),
        ("Intro.\n\nEscape with `\\` and write `[CITATION 3]` to show one. [CITATION 2]\n", {3}),
        ("Intro.\n\nData at <https://example.com/a`b> for all. [CITATION 2] Run `ls`. [CITATION 1]\n", set()),
        ('Intro.\n\nA <span title="`">tip</span> [CITATION 2] and `code`.\n', set()),
    ):
        assert not_prose_by_citelint(text) == hidden == not_prose_by_mistune(_parse(text), set()), text
