"""Differential: the block scanner reads each document it accepts exactly as
mistune (through mistune_adapter) does, and hands every other to mistune.

Random documents are put together from lines of every kind a manuscript holds
(and many it should not), each perhaps inside quotes or list items, indented or
not. Where the scanner answers, its blocks and items must equal mistune's; where
it declines, ``parse_structure`` must still give mistune's.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from citelint import block_scanner, mistune_adapter
from citelint.block_scanner import Unsupported, parse_structure, scan_structure
from citelint.block_structure import MAX_CONTAINER_STATES, MAX_PARSED_LINE

ROOT = Path(__file__).resolve().parent.parent

LINES = [
    "Plain text here [CITATION 1].", "another line of text", '"Quoted start" text', "1984 was a year.",
    "# Heading", "## Heading two ##", "#NotHeading", "####### seven", "===", "---", "- - -", "***", "___", "* * *",
    "```", "```python", "``` `x`", "~~~", "````", "    code line", "     ", "        ", "    ", "  ", "",
    "> quoted text", ">", "> ", ">> nested", "> > nested two", ">     code in quote", "> ```", "> - item in quote",
    "> # heading", "- item", "* item", "+ item", "1. first", "2. second", "1) paren", "3) three", "10. ten", "0. zero",
    "  - nested item", "    - deeper", "   continuation", "  continuation two", "   1. nested ordered",
    "<!-- comment -->", "<!-- open comment", "still comment", "end -->", "[1] Smith, J. Title.",
    "[CITATION 2] Jones.", "Text with `code` and <b>tag</b>.", "\\# escaped", "- [ ] task", "a\ttab inside",
    "Setext title", "=", "--", "- # heading in item", "- > quote in item", "  > indented quote", "   ```", "  ~~~",
    "\u0661. arabic digit", "\u00b2superscript", "* * * *", "-- -", "  ---", "    ---", "[see\nbelow] text",
]
# Lines the scanner hands to mistune, mixed in more rarely.
DECLINED = ["<div>", "<em>x</em> text", "-\tx", "\tTabbed", "[foo]: http://example.com", "-", "- ", "\u00a0", "\r"]
PREFIXES = ["", "", "", "", " ", "  ", "   ", "    ", "> ", ">", "  > ", "- ", "1. ", "      "]
WIDE = MAX_PARSED_LINE + 1
# Lines over MAX_PARSED_LINE characters, whose kind is decided by their start, their
# end or the characters they hold: read through their ends, by the scanner as by mistune.
LONG = [
    "a" * WIDE, "word " * (WIDE // 5 + 1), "-" * WIDE, "=" * WIDE, "- " * (WIDE // 2 + 1), "* " * (WIDE // 2 + 1),
    "# " + "word " * (WIDE // 5) + "###", "## " + "x" * WIDE + " #a", "```" + "x" * WIDE, "```" + "x" * WIDE + "`" + "y" * 10,
    "~~~" + "`" * WIDE, "- " + "item text " * (WIDE // 10 + 1), "1. " + "entry " * (WIDE // 6 + 1), "> " + "quoted " * (WIDE // 7 + 1),
    "    " + "code " * (WIDE // 5 + 1), " " * WIDE, " " * 2000 + "x" * WIDE, "<!-- " + "c" * WIDE + " -->",
    "[CITATION 1] " * (WIDE // 13 + 1), "x" * 1100 + "-" * WIDE + "x" * 1100, "-" * 1100 + "a" * 3000 + "-" * 1100,
]


def _document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 25)):
        odd = rng.random()
        line = rng.choice(DECLINED) if odd < 0.02 else rng.choice(LONG) if odd < 0.04 else rng.choice(LINES)
        for _ in range(2):
            if rng.random() < 0.25:
                line = rng.choice(PREFIXES) + line
        lines.append(line)
    return "\n".join(lines) + ("\n" if rng.random() < 0.8 else "")


def _agrees(text: str) -> bool:
    """Whether the scanner read ``text`` as mistune does; False when it declined."""
    try:
        scanned = scan_structure(text)
    except Unsupported:
        assert parse_structure(text) == mistune_adapter.parse_structure(text)
        return False
    parsed = mistune_adapter.parse_structure(text)
    assert scanned == parsed, f"{text!r}\nscanned {list(scanned.blocks)} {list(scanned.items)}\nmistune {list(parsed.blocks)} {list(parsed.items)}"
    return True


@pytest.mark.parametrize("seed", range(6))
def test_random_documents_read_as_mistune_reads_them(seed: int) -> None:
    rng = random.Random(seed)
    scanned = sum(_agrees(_document(rng)) for _ in range(1_000))
    assert scanned >= 200  # most documents are read by the scanner, not handed on


# Pieces of Markdown syntax, put together at random: what no writer writes, where a
# reading that differs from mistune's shows first.
SOUP = [" ", " ", "\n", "\n", "\n\n", "-", "*", "+", "1", ".", ")", ">", "#", "`", "~", "=", "_", "<", "!", "[", "]", ":",
        "a", "a b", "    ", "```", "- ", "1. ", "> ", "<!--", "-->"]


@pytest.mark.parametrize("seed", range(3))
def test_syntax_soup_reads_as_mistune_reads_it(seed: int) -> None:
    rng = random.Random(1_000 + seed)
    soups = ("".join(rng.choice(SOUP) for _ in range(rng.randint(1, 80))) for _ in range(2_000))
    assert sum(_agrees(soup) for soup in soups) >= 1_000


def test_the_manuscript_chapter_is_scanned_in_both_forms() -> None:
    markdown = (ROOT / "manuscript" / "chapter-38.md").read_text(encoding="utf-8")
    plain = "\n".join(line.lstrip("#").lstrip() for line in markdown.splitlines()) + "\n"
    for text in (markdown, plain):
        assert _agrees(text)


def test_a_generated_book_chapter_is_scanned() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_book import chapter  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    for number in (1, 2, 3):
        assert _agrees(chapter(number, random.Random(number)))


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\n\n<div>\nhtml\n</div>\n",  # raw HTML other than a comment
        "[label]: https://example.org\n",  # a link reference definition
        "[multi\nline]: https://example.org\n",  # its label across lines
        "> quoted\nlazy line\n",  # a lazy quote line
        "- item\n> quote\n",  # a quote interrupting a list
        "-\n  text\n",  # an empty item
        "\tindented by a tab\n",
        "text\r\nmore\r\n",
        " " * (MAX_PARSED_LINE + 1) + "\tx\n",  # a long line indented by spaces, then a tab
        "".join("  " * depth + "- level\n" for depth in range(block_scanner.MAX_DEPTH + 2)),
        "- item\n" * MAX_CONTAINER_STATES + "\npara\n\n> quote\n",  # a quote opened past mistune's budget
        "- item\n" * MAX_CONTAINER_STATES + "\npara\n\n- list\n",  # a list opened past it
        "- a\n  - b\n" * (MAX_CONTAINER_STATES // 2 + 1),  # a nested list opened past it
        "> > ab\n" * (block_scanner.LARGE_TEXT // 7 + 1),  # a large text of short lines
    ],
)
def test_what_the_scanner_declines_mistune_reads(text: str) -> None:
    with pytest.raises(Unsupported):
        scan_structure(text)
    assert parse_structure(text) == mistune_adapter.parse_structure(text)


@pytest.mark.parametrize(
    "text",
    [
        "Para\n---\n",  # a setext heading
        "Para\n2. not a list\n- but this is\n",
        "- one\n- two\n\n  continued\n- three\n  - nested\n    - deeper\n",
        "1. first\n2. second\n# heading after\n",
        "> quote\n> > nested\n>\n> - item\n\nafter\n",
        "```\nunclosed fence\n- not a list\n",
        "<!-- a comment\nover lines -->\ntext\n",
        "    code\n\n\n    more code\n\ntext\n",
        "text\n     \nstill the paragraph\n",
    ],
)
def test_what_the_scanner_reads_is_mistunes_structure(text: str) -> None:
    assert _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "- item\n" * (3 * MAX_CONTAINER_STATES),  # one list goes on past the budget
        "- item\n" * (MAX_CONTAINER_STATES - 1) + "\npara\n\n> quote\n",  # the last container opened within it
        "1. item\n" * (MAX_CONTAINER_STATES - 1) + "\npara\n\n- list\n- on\n",
        "- a\n  - b\n" * (MAX_CONTAINER_STATES // 2),  # the nested lists: each opened within it
        "> a\n> - b\n\n" * (MAX_CONTAINER_STATES // 2),
    ],
)
def test_the_scanner_reads_many_containers_as_mistune_does(text: str) -> None:
    """The scanner counts the list items and quotes mistune makes a state for, and reads
    a text whose every list and quote opens within mistune's budget (a list of many
    thousand items: ~7 times faster than mistune)."""
    assert scan_structure(text) == mistune_adapter.parse_structure(text)


PROBE = """
import sys
from citelint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    print("exit", exit.code)
print("mistune" in sys.modules)
"""


@pytest.mark.parametrize(("text", "imported"), [("Text [CITATION 1].\n\n## References\n\n1. Source.\n", "False"), ("<div>\nText [CITATION 1].\n</div>\n\n## References\n\n1. Source.\n", "True")])
def test_a_chapter_the_scanner_reads_does_not_import_mistune(tmp_path: Path, text: str, imported: str) -> None:
    chapter = tmp_path / "chapter.md"
    chapter.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, "check", "--no-cache", str(chapter)], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip().splitlines()[-1] == imported, result.stdout + result.stderr


def test_the_nested_documents_of_the_mistune_differential_read_alike() -> None:
    """tests/test_against_mistune.py's generator: quotes and lists holding fences,
    indented code, raw-text HTML, comments and lazy lines."""
    from test_against_mistune import document

    scanned = sum(_agrees(document(random.Random(seed))) for seed in range(1_500))
    assert scanned >= 300


@pytest.mark.slow
def test_the_hostile_shapes_read_alike() -> None:
    """Every shape of tests/test_hostile.py the scanner reads, it reads as mistune
    does; the others it declines quickly and mistune reads."""
    from test_hostile import CASES

    scanned = sum(_agrees(make()) for make in CASES.values())
    assert scanned >= 5


def test_a_failing_scanner_hands_the_text_to_mistune(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the scanner costs speed, never a run: mistune reads the text."""
    text = "Text [CITATION 1].\n\n- item\n"

    def broken(self: object, *args: object) -> None:
        raise IndexError("a bug")

    monkeypatch.setattr(block_scanner._Scanner, "state", broken)
    with pytest.raises(IndexError):
        scan_structure(text)
    assert parse_structure(text) == mistune_adapter.parse_structure(text)


@pytest.mark.parametrize("line", LONG)
@pytest.mark.parametrize("context", ["{}\n", "Para\n{}\n", "{}\n\nafter\n", "- item\n  {}\n", "> {}\n>\n> more\n", "```\n{}\n```\n", "1. a\n\n   {}\n"])
def test_a_long_line_is_scanned_as_mistune_reads_it(line: str, context: str) -> None:
    """Not handed to mistune: read through its ends, it is what mistune is given."""
    assert _agrees(context.format(line))
