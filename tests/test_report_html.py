"""`citelint report`: the book at a glance as one self-contained HTML page.

The page is opened in a real headless Chromium (tests/browser.py): it loads
with no error and no request but its own file, reads on a laptop's screen
without sideways scrolling, prints, and its numbers are those of `check
--format json`. A screenshot and the printed PDF are made in the run.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest

import helpers
from browser import Browser
from urlserver import TrapServer

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> \u202eevil"


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with TrapServer() as running:
        yield running


def chapter(citations: str, entries: list[str]) -> str:
    listed = "\n".join(f"{number}. {entry}" for number, entry in enumerate(entries, start=1))
    return f"# A chapter\n\n{citations}\n\n## References\n\n{listed}\n"


def write_book(root: Path, server: TrapServer) -> Path:
    """Three chapters: one cites out of order and shares a source with the third,
    one cites a number it does not list, one is clean; one entry is hostile HTML."""
    book = root / "book"
    book.mkdir()
    shared = f'Lovelace, Ada. "Notes on the Analytical Engine." Taylor, 1843. {server.url("/ok")}'
    (book / "ch1.md").write_text(
        chapter(
            "First [CITATION 2]. Then [CITATION 1]. Again [CITATION 1]. And [CITATION 3].",
            [shared, f'Hopper, Grace. "{HOSTILE}." Navy Press, 1952. {server.url("/404")}', 'Turing, Alan. "On Computable Numbers." 1936.'],
        ),
        encoding="utf-8",
    )
    (book / "ch2.md").write_text(
        chapter(
            "One [CITATION 1]. Two [CITATION 1]. Three [CITATION 1]. Four [CITATION 1]. Missing [CITATION 4]. Fine [CITATION 2].",
            ['Knuth, Donald. "The Art of Computer Programming." Addison-Wesley, 1968.', 'Dijkstra, Edsger. "Go To Statement Considered Harmful." 1968.'],
        ),
        encoding="utf-8",
    )
    (book / "ch10.md").write_text(chapter("Cited once [CITATION 1].", [shared]), encoding="utf-8")
    return book


def counted_by_path(report: dict) -> dict[str, Counter[str]]:  # type: ignore[type-arg]
    counts: dict[str, Counter[str]] = {}
    for diagnostic in report["diagnostics"]:
        counts.setdefault(diagnostic["path"], Counter())[diagnostic["code"]] += 1
    return counts


PAGE_NUMBERS = """(() => {
  const rows = [...document.querySelectorAll('table.chapters tbody tr')].map(row => ({
    path: row.dataset.path,
    findings: Number(row.querySelector('[data-count=findings]').textContent.replace(/,/g, '')),
    citations: Number(row.querySelector('[data-count=citations]').textContent.replace(/,/g, '')),
    rules: Object.fromEntries([...row.querySelectorAll('[data-rule]')].map(b => [b.dataset.rule, Number(b.dataset.count)])),
    firsts: Object.fromEntries([...row.querySelectorAll('a > [data-rule]')].map(b => {
      const target = document.querySelector(b.parentElement.getAttribute('href'));
      return [b.dataset.rule, {rule: target.dataset.rule, chapter: target.closest('section.chapter').dataset.path}];
    })),
    links: Object.fromEntries([...row.querySelectorAll('[data-links]')].map(s => [s.dataset.links, parseInt(s.textContent)])),
  }));
  const totals = Object.fromEntries([...document.querySelectorAll('[data-total]')].map(t => [t.dataset.total, Number(t.querySelector('.value').textContent.replace(/,/g, ''))]));
  const sources = [...document.querySelectorAll('table.map tbody tr')].map(row => ({
    key: row.dataset.source,
    total: Number(row.querySelector('[data-count=total]').textContent),
    cells: Object.fromEntries([...row.querySelectorAll('td[data-chapter]')].map(c => [c.dataset.chapter, Number(c.textContent)])),
  }));
  const findings = [...document.querySelectorAll('ol.findings li')].map(li => ({rule: li.dataset.rule, line: Number(li.dataset.line), href: li.querySelector('a').getAttribute('href'), chapter: li.closest('section.chapter').dataset.path}));
  const linkRows = [...document.querySelectorAll('table.links tbody tr')].map(r => ({state: r.dataset.state, text: r.innerText}));
  return {rows, totals, sources, findings, linkRows, scripts: document.scripts.length, text: document.body.innerText,
          width: document.documentElement.scrollWidth, viewport: innerWidth};
})()"""


@pytest.mark.slow
def test_the_report_opens_in_a_real_browser_and_says_what_check_says(project: Path, server: TrapServer) -> None:
    book = write_book(project, server)
    helpers.cli("check", "--urls", "--allow-private", "book")  # the URL cache the report reads
    (book / "ch3.md").write_text(chapter("New [CITATION 1].", [f'Babbage, Charles. "Passages." 1864. {server.url("/plain")}']), encoding="utf-8")
    hits = sum(server.hits.values())
    (project / "out").mkdir()
    ran = helpers.cli("report", "book", "-o", "out/report.html", "--allow-private")
    assert ran.code == 0, ran.stderr
    assert sum(server.hits.values()) == hits  # the report sends no request
    _, checked, _ = helpers.check_json("book")
    expected = counted_by_path(checked)

    with Browser() as browser:
        browser.open((project / "out" / "report.html").as_uri())
        page = browser.evaluate(PAGE_NUMBERS)
        shot = browser.screenshot(str(project / "out" / "report.png"))
        full = browser.screenshot(str(project / "out" / "report-full.png"), full_page=True)
        printed = browser.pdf()
        problems, requested = browser.problems(), browser.requested()

    assert problems == []
    assert requested == [(project / "out" / "report.html").as_uri()]  # nothing but the page itself
    assert page["scripts"] == 0
    assert page["width"] <= page["viewport"]  # no sideways scrolling on a laptop screen
    assert shot.startswith(PNG_SIGNATURE) and int.from_bytes(shot[16:20], "big") == 1366
    assert full.startswith(PNG_SIGNATURE) and int.from_bytes(full[20:24], "big") > 768
    assert printed.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page(?!s)", printed)) >= 2

    # in book order (ch10 after ch3), each with the findings check reports
    assert [row["path"] for row in page["rows"]] == ["book/ch1.md", "book/ch2.md", "book/ch3.md", "book/ch10.md"]
    for row in page["rows"]:
        assert row["rules"] == dict(expected.get(row["path"], {})), row["path"]
        assert row["findings"] == sum(expected.get(row["path"], Counter()).values())
    assert page["rows"][0]["rules"]["CIT003"] == 1 and page["rows"][1]["rules"]["CIT001"] == 1
    assert set(page["rows"][0]["firsts"]) == set(page["rows"][0]["rules"])
    for row in page["rows"]:  # each rule's count links to its first finding in the chapter
        for rule, target in row["firsts"].items():
            assert target["rule"] == rule and target["chapter"] == row["path"]
    assert [row["citations"] for row in page["rows"]] == [4, 6, 1, 1]
    severities = Counter(d["severity"] for d in checked["diagnostics"])
    assert page["totals"]["findings"] == len(checked["diagnostics"])
    assert page["totals"]["errors"] == severities["error"] and page["totals"]["warnings"] == severities["warning"]
    assert page["totals"]["chapters"] == checked["files_checked"] == 4
    assert sorted((f["chapter"], f["rule"], f["line"]) for f in page["findings"]) == sorted((d["path"], d["code"], d["line"]) for d in checked["diagnostics"])
    assert all((project / "out" / finding["href"]).resolve() == (project / finding["chapter"]).resolve() for finding in page["findings"])

    # where each source is cited: Lovelace's notes, listed in ch1 and ch10, is one source
    lovelace = next(source for source in page["sources"] if source["key"].startswith("lovelace"))
    assert lovelace["cells"] == {"1": 2, "4": 1} and lovelace["total"] == 3
    assert page["totals"]["sources"] == len(page["sources"]) == 6
    knuth = next(source for source in page["sources"] if source["key"].startswith("knuth"))
    assert knuth["cells"] == {"2": 4}
    assert "carries the chapter" in page["text"]

    # links: the cache's verdicts with their dates; a link it does not know is not checked, never fine
    assert page["rows"][0]["links"] == {"ok": 1, "broken": 1}
    assert page["rows"][2]["links"] == {"unchecked": 1}
    broken = next(row for row in page["linkRows"] if "/404" in row["text"])
    assert broken["state"] == "broken" and "URL001" in broken["text"] and re.search(r"\d{4}-\d\d-\d\d", broken["text"])
    assert "never" in next(row for row in page["linkRows"] if "/plain" in row["text"])["text"]

    # the hostile entry is text on the page, not markup
    assert "<script>alert(1)</script>" in page["text"] and "<U+202E>evil" in page["text"]


class _Elements(HTMLParser):
    """The page's elements that carry data attributes, as (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_output_must_be_an_html_file_so_no_chapter_is_overwritten(project: Path) -> None:
    (project / "ch1.md").write_text(chapter("A [CITATION 1].", ['"One." 2020.']), encoding="utf-8")
    before = (project / "ch1.md").read_bytes()
    ran = helpers.cli("report", ".", "-o", "ch1.md")
    assert ran.code == 2 and "name it *.html" in ran.stderr and "Traceback" not in ran.stderr
    assert (project / "ch1.md").read_bytes() == before


def test_an_unreadable_chapter_is_named_and_the_others_are_reported(project: Path) -> None:
    (project / "ch1.md").write_text(chapter("A [CITATION 1].", ['"One." 2020.']), encoding="utf-8")
    (project / "ch2.md").write_bytes(b"Bad \xff byte [CITATION 1].\n")
    ran = helpers.cli("report", ".", "-o", "report.html")
    assert ran.code == 2
    assert "ch2.md: is not valid UTF-8" in ran.stderr
    page = elements(project / "report.html")
    assert [attrs["data-path"] for tag, attrs in page.found if tag == "tr" and "data-path" in attrs] == ["ch1.md", "ch2.md"]
    assert any(attrs.get("data-error") == "ch2.md" for _, attrs in page.found)


def test_a_folder_that_does_not_exist_is_one_line_and_exit_2(project: Path) -> None:
    (project / "ch1.md").write_text(chapter("A [CITATION 1].", ['"One." 2020.']), encoding="utf-8")
    ran = helpers.cli("report", ".", "-o", "missing/report.html")
    assert ran.code == 2 and ran.stderr.count("\n") == 1 and "cannot be written" in ran.stderr


def test_the_order_is_the_book_tools(project: Path) -> None:
    (project / "src").mkdir()
    for name in ("intro", "middle", "end"):
        (project / "src" / f"{name}.md").write_text(chapter(f"{name} [CITATION 1].", [f'"{name.title()}." 2020.']), encoding="utf-8")
    (project / "book.toml").write_text('[book]\ntitle = "T"\n', encoding="utf-8")
    (project / "src" / "SUMMARY.md").write_text("# Summary\n\n- [End](end.md)\n- [Intro](intro.md)\n- [Middle](middle.md)\n", encoding="utf-8")
    ran = helpers.cli("report", "src", "-o", "report.html")
    assert ran.code == 0, ran.stderr
    page = elements(project / "report.html")
    rows = [attrs["data-path"] for tag, attrs in page.found if tag == "tr" and "data-path" in attrs]
    assert rows == ["src/end.md", "src/intro.md", "src/middle.md"]
    assert "mdBook" in "".join(page.text)


def test_book_numbering_maps_each_number_to_the_books_one_list(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\nbibliography = "refs.md"\n', encoding="utf-8"
    )
    (project / "ch1.md").write_text("# One\n\nA [CITATION 1]. B [CITATION 2].\n", encoding="utf-8")
    (project / "ch2.md").write_text("# Two\n\nC [CITATION 3]. A again [CITATION 1].\n", encoding="utf-8")
    (project / "refs.md").write_text('# References\n\n1. "Alpha Work Title." 2001.\n2. "Beta Work Title." 2002.\n3. "Gamma Work Title." 2003.\n', encoding="utf-8")
    ran = helpers.cli("report", "-o", "report.html")
    assert ran.code == 0, ran.stderr
    text = (project / "report.html").read_text(encoding="utf-8")
    assert "numbers run on across the book" in text
    page = elements(project / "report.html")
    rows = [attrs["data-path"] for tag, attrs in page.found if tag == "tr" and "data-path" in attrs]
    assert rows == ["ch1.md", "ch2.md", "refs.md"]
    alpha = re.search(r'<tr id="source-\d+" class="once"|<tr id="source-\d+" data-source="[^"]*alpha[^"]*">.*?</tr>', text)
    assert alpha is not None
    row = alpha.group(0)
    assert 'data-chapter="1"' in row and 'data-chapter="2"' in row and '<td class="num" data-count="total">2</td>' in row


def test_a_long_book_gets_its_map_as_a_list(project: Path) -> None:
    for number in range(1, 66):
        (project / f"ch{number}.md").write_text(chapter(f"Claim [CITATION 1].", [f'"Work number {number} of the book." 2020.']), encoding="utf-8")
    ran = helpers.cli("report", ".", "-o", "report.html")
    assert ran.code == 0, ran.stderr
    text = (project / "report.html").read_text(encoding="utf-8")
    assert 'class="map-list"' in text and 'class="map"' not in text
    assert text.count('data-count="total">1</td>') == 65


def test_the_report_uses_the_result_cache_and_says_the_same(project: Path) -> None:
    (project / "ch1.md").write_text(chapter("B [CITATION 2]. A [CITATION 1].", ['"One." 2020.', '"Two." 2021.']), encoding="utf-8")
    first = helpers.cli("report", ".", "-o", "one.html")
    second = helpers.cli("report", ".", "-o", "two.html")
    uncached = helpers.cli("report", ".", "--no-cache", "-o", "three.html")
    assert first.code == second.code == uncached.code == 0
    findings = [
        [(attrs["data-rule"], attrs["data-line"]) for tag, attrs in elements(project / name).found if tag == "li" and "data-rule" in attrs]
        for name in ("one.html", "two.html", "three.html")
    ]
    assert findings[0] == findings[1] == findings[2] and ("CIT003", "3") in findings[0]
    assert list((project / ".citelint-cache" / "lint").glob("index-*.json"))


def test_a_hostile_chapter_cannot_make_the_page_huge(project: Path) -> None:
    """Every finding is counted; at most FINDINGS_SHOWN of a chapter are listed."""
    from citelint.book_overview import FINDINGS_SHOWN

    markers = " ".join(f"Claim [CITATION {n}]." for n in range(2, FINDINGS_SHOWN + 102))  # each cites past the list: CIT001
    (project / "ch1.md").write_text(chapter(markers, ['"One." 2020.']), encoding="utf-8")
    ran = helpers.cli("report", ".", "-o", "report.html")
    assert ran.code == 0, ran.stderr
    _, checked, _ = helpers.check_json(".")
    page = elements(project / "report.html")
    listed = [attrs for tag, attrs in page.found if tag == "li" and "data-rule" in attrs]
    assert len(listed) == FINDINGS_SHOWN < len(checked["diagnostics"])
    text = (project / "report.html").read_text(encoding="utf-8")
    assert f'data-count="findings">{len(checked["diagnostics"]):,}</td>' in text
    assert f"{len(checked['diagnostics']) - FINDINGS_SHOWN:,} more findings are not listed here" in text


def test_a_link_the_check_would_not_ask_about_says_why_not_that_the_cache_lacks_it(project: Path) -> None:
    """Not checked, never fine: an excluded URL says it is excluded; one the URL cache
    does not know says to run `check --urls`."""
    (project / "pyproject.toml").write_text('[tool.citelint.urls]\nexclude = ["example\\\\.org/skip"]\n', encoding="utf-8")
    (project / "ch1.md").write_text(
        chapter("A [CITATION 1]. B [CITATION 2].", ['"One." 2020. https://example.org/skip/1', '"Two." 2021. https://example.org/unknown/2']),
        encoding="utf-8",
    )
    ran = helpers.cli("report", ".", "-o", "report.html")
    assert ran.code == 0, ran.stderr
    text = (project / "report.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-state="([a-z]+)">.*?</tr>', text)
    assert rows == ["unchecked", "unchecked"]
    skipped = re.search(r"<tr data-state=\"unchecked\">(?:(?!</tr>).)*skip/1(?:(?!</tr>).)*</tr>", text)
    unknown = re.search(r"<tr data-state=\"unchecked\">(?:(?!</tr>).)*unknown/2(?:(?!</tr>).)*</tr>", text)
    assert skipped is not None and "excluded by the configuration" in skipped.group()
    assert unknown is not None and "not in the URL cache" in unknown.group()
    assert "links fine" in text and '<li data-total="links-ok"><span class="value">0</span>' in text
