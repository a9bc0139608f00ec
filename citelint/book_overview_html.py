"""`citelint report`'s page: the book at a glance (``book_overview``) as one
self-contained HTML file.

No script, no font, no image and no style sheet is loaded from anywhere: the
style is inline, and the page's Content-Security-Policy forbids every other
load, so the report opens the same offline, from a CI artifact or an e-mail.
Everything quoted from the manuscript (paths, entries, messages, URLs) is
escaped twice over: ``printable`` for control and bidirectional characters,
then HTML. It reads on a laptop screen (only the sources map scrolls
sideways, within its own box) and prints (the map and tables break across
pages with their headers repeated; navigation is not printed).
"""

from __future__ import annotations

import html
import time
from collections import Counter
from typing import Iterable, Iterator, Optional

from citelint.book_overview import FINDINGS_SHOWN, LINKS_SHOWN, BookOverview, ChapterState, LinkState, SourceState, relative_href
from citelint.diagnostics import Diagnostic, printable

MAP_MAX_CHAPTERS = 60  # columns of the chapters x sources map; a larger book gets the map as a list
MAP_MAX_CELLS = 200_000
MAP_MAX_ROWS = 10_000  # sources listed in the map (all are counted)
CARRIES_SHARE = 0.5  # a source with this share of a chapter's citations carries the chapter
CARRIES_MIN_CITATIONS = 4  # ... when the chapter cites at least this often
LINK_STATES = ("ok", "broken", "warning", "unchecked")

STYLE = """
:root { --ink: #1d2330; --muted: #5b6474; --line: #d8dce3; --soft: #f4f6f9;
  --error: #b3261e; --warning: #8a5a00; --info: #245fa8; --ok: #1e7a3c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 84rem; padding: 1.5rem 2rem 3rem; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
a { color: #1a4f9c; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
.meta, .hint { color: var(--muted); font-size: .9rem; }
nav { margin: .8rem 0 0; font-size: .9rem; }
nav a { margin-right: 1rem; }
.totals { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0 0; padding: 0; list-style: none; }
.totals li { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .45rem .8rem; min-width: 8.5rem; }
.totals .value { display: block; font-size: 1.35rem; font-weight: 650; }
.totals .name { color: var(--muted); font-size: .82rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.path { overflow-wrap: anywhere; min-width: 9rem; }
.rule { display: inline-block; margin: 0 .3rem .15rem 0; padding: 0 .35rem; border-radius: 4px; background: var(--soft);
  border: 1px solid var(--line); font-size: .8rem; white-space: nowrap; }
.sev-error { color: var(--error); font-weight: 600; }
.sev-warning { color: var(--warning); font-weight: 600; }
.sev-info { color: var(--info); }
.state-ok { color: var(--ok); }
.state-broken { color: var(--error); font-weight: 600; }
.state-warning { color: var(--warning); }
.state-unchecked { color: var(--muted); }
.clean { color: var(--ok); }
.map-scroll { display: inline-block; max-width: 100%; overflow: auto; max-height: 75vh; border: 1px solid var(--line); }
table.map { width: auto; font-size: .8rem; }
table.map th, table.map td { border: 1px solid var(--line); padding: .15rem .3rem; }
table.map thead th { position: sticky; top: 0; z-index: 2; }
table.map th.source { position: sticky; left: 0; z-index: 1; background: #fff; font-weight: 400; min-width: 16rem; max-width: 26rem; }
table.map thead th.source { z-index: 3; background: var(--soft); }
table.map td.use { text-align: center; min-width: 1.7rem; }
.u1 { background: #e3edfb; } .u2 { background: #bcd3f5; } .u3 { background: #86afe9; } .u4 { background: #4b82d1; color: #fff; }
tr.once th.source::after { content: " \\00b7 cited once"; color: var(--muted); }
ol.findings { padding-left: 1.4rem; }
ol.findings li { margin: .35rem 0; }
.excerpt { display: block; color: var(--muted); white-space: pre-wrap; overflow-wrap: anywhere; }
.links td.url { overflow-wrap: anywhere; }
section.chapter { border-top: 1px solid var(--line); }
.flags { margin: .3rem 0 0; padding-left: 1.2rem; }
@media (max-width: 52rem) { body { padding: 1rem; } .totals li { min-width: 7rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav, .screen-only { display: none; }
  a { color: inherit; text-decoration: none; }
  .map-scroll { overflow: visible; max-height: none; border: 0; }
  table.map thead th, table.map th.source { position: static; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  section.chapter { break-inside: auto; }
}
"""


def render(overview: BookOverview, report_folder: str) -> str:
    """The whole page. ``report_folder``: where it is written, for the links to the chapters."""
    return "".join(_page(overview, report_folder))


def _e(text: object) -> str:
    """Text quoted from anywhere, safe in HTML content and attributes."""
    return html.escape(printable(str(text)), quote=True)


def _when(timestamp: float, with_time: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d", time.gmtime(timestamp))


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def _page(overview: BookOverview, folder: str) -> Iterator[str]:
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
        f'<meta name="generator" content="citelint {_e(overview.version)}">\n'
        f"<title>{_e(overview.title)} \u2014 citations report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    )
    yield from _header(overview)
    yield from _summary(overview)
    yield from _chapters_table(overview, folder)
    yield from _sources_map(overview)
    yield from _chapter_details(overview, folder)
    yield from _problems(overview)
    yield "</body>\n</html>\n"


def _header(overview: BookOverview) -> Iterator[str]:
    numbering = "numbers run on across the book" if overview.numbering == "book" else "each chapter numbers its own references"
    yield (
        f"<header>\n<h1>{_e(overview.title)}</h1>\n"
        f'<p class="meta">Citations report made {_when(overview.generated_at, True)} by citelint {_e(overview.version)}. '
        f"Chapters in order from {_e(overview.order_source)}; {numbering}. "
        "Link verdicts are read from the URL cache, with the date each was checked; this report sends no request.</p>\n"
        '<nav><a href="#summary">Summary</a><a href="#chapters">Chapters</a><a href="#sources">Sources</a>'
        '<a href="#details">Findings and links</a>'
        + ('<a href="#problems">Files not checked</a>' if overview.errors or overview.notes else "")
        + "</nav>\n</header>\n"
    )


def _severities(overview: BookOverview) -> Counter[str]:
    counts = Counter[str]()
    for chapter in overview.chapters:
        for finding in chapter.findings:
            counts[finding.severity.value] += finding.stands_for
    return counts


def _link_counts(links: Iterable[LinkState]) -> Counter[str]:
    return Counter(link.state for link in links)


def _summary(overview: BookOverview) -> Iterator[str]:
    chapters = overview.chapters
    severities = _severities(overview)
    links = _link_counts(link for chapter in chapters for link in chapter.links)
    totals = [
        ("chapters", len(chapters), "chapters"),
        ("citations", sum(c.citations for c in chapters), "citations"),
        ("references", sum(c.references for c in chapters), "reference entries"),
        ("sources", len(overview.sources), "distinct sources"),
        ("findings", sum(severities.values()), "findings"),
        ("errors", severities["error"], "errors"),
        ("warnings", severities["warning"], "warnings"),
        ("links-ok", links["ok"], "links fine"),
        ("links-broken", links["broken"] + links["warning"], "links with a problem"),
        ("links-unchecked", links["unchecked"], "links not checked"),
    ]
    yield '<section id="summary">\n<h2>Summary</h2>\n<ul class="totals">\n'
    for key, value, name in totals:
        yield f'<li data-total="{key}"><span class="value">{value:,}</span><span class="name">{name}</span></li>\n'
    yield "</ul>\n"
    if not any(c.findings for c in chapters) and not overview.errors:
        yield '<p class="clean">No findings: every citation points at a listed reference, in order.</p>\n'
    yield "</section>\n"


def _chapters_table(overview: BookOverview, folder: str) -> Iterator[str]:
    yield (
        '<section id="chapters">\n<h2>Chapters</h2>\n<table class="chapters">\n<thead><tr>'
        '<th class="num">#</th><th>Chapter</th><th class="num">Citations</th><th class="num">References</th>'
        '<th class="num">Findings</th><th>By rule</th><th>Links</th><th>Most cited source</th></tr></thead>\n<tbody>\n'
    )
    for chapter in overview.chapters:
        yield f'<tr data-path="{_e(chapter.path)}">'
        yield f'<td class="num">{chapter.place}</td><td class="path"><a href="#ch-{chapter.place}">{_e(chapter.path)}</a></td>'
        if chapter.error:
            yield f'<td colspan="6" class="sev-error">not checked: {_e(chapter.error)}</td></tr>\n'
            continue
        yield f'<td class="num" data-count="citations">{chapter.citations:,}</td><td class="num" data-count="references">{chapter.references:,}</td>'
        yield f'<td class="num" data-count="findings">{chapter.finding_count:,}</td><td>'
        yield "".join(_rule_badge(chapter, code, count) for code, count in chapter.findings_by_rule())
        yield f"</td><td>{_link_summary(chapter.links)}</td><td>{_top_source(overview, chapter)}</td></tr>\n"
    yield "</tbody>\n</table>\n</section>\n"


def _rule_badge(chapter: ChapterState, code: str, count: int) -> str:
    """A rule's count in a chapter, linking to its first finding there."""
    first = next((number for number, finding in enumerate(chapter.findings[:FINDINGS_SHOWN], start=1) if finding.code == code), None)
    badge = f'<span class="rule" data-rule="{_e(code)}" data-count="{count}">{_e(code)} \u00d7{count}</span>'
    return f'<a href="#ch-{chapter.place}-f{first}">{badge}</a>' if first is not None else badge


def _link_summary(links: tuple[LinkState, ...]) -> str:
    if not links:
        return '<span class="hint">none</span>'
    counts = _link_counts(links)
    shown = [f'<span class="state-{state}" data-links="{state}">{counts[state]:,} {state}</span>' for state in LINK_STATES if counts[state]]
    checked = [link.checked_at for link in links if link.checked_at is not None]
    oldest = f' <span class="hint">(oldest check {_when(min(checked))})</span>' if checked else ""
    return ", ".join(shown) + oldest


def _top_source(overview: BookOverview, chapter: ChapterState) -> str:
    if not chapter.uses:
        return '<span class="hint">\u2014</span>'
    index, count = chapter.uses[0]
    share = count / max(1, sum(uses for _, uses in chapter.uses))
    carries = share >= CARRIES_SHARE and chapter.citations >= CARRIES_MIN_CITATIONS and len(overview.sources) > 1
    label = _e(overview.sources[index].label)
    flag = ' <strong class="sev-warning">carries the chapter</strong>' if carries else ""
    return f'<a href="#source-{index + 1}">{label}</a> <span class="hint">{share:.0%} of citations</span>{flag}'


def _sources_map(overview: BookOverview) -> Iterator[str]:
    sources, chapters = overview.sources, overview.chapters
    uses = overview.uses_by_source()
    once = sum(1 for counts in uses if sum(counts.values()) == 1)
    never = sum(1 for counts in uses if not counts)
    yield '<section id="sources">\n<h2>Where each source is cited</h2>\n'
    yield (
        f'<p class="hint">{_plural(len(sources), "source")} (the same work listed in several chapters is one: same DOI, '
        f'normalised URL, or title and first author). {_plural(once, "source is", "sources are")} cited once in the whole book; '
        f'{_plural(never, "source is", "sources are")} listed but never cited.</p>\n'
    )
    if not sources:
        yield "<p>No reference entries.</p>\n</section>\n"
        return
    shown = sources[:MAP_MAX_ROWS]
    if len(chapters) <= MAP_MAX_CHAPTERS and len(chapters) * len(shown) <= MAP_MAX_CELLS:
        yield from _map_table(shown, chapters, uses)
    else:
        yield from _map_list(shown, chapters, uses)
    if len(sources) > len(shown):
        yield f'<p class="hint" data-left-out="sources">{len(sources) - len(shown):,} more sources are not shown (at most {MAP_MAX_ROWS:,}); `citelint refs` lists them all.</p>\n'
    yield "</section>\n"


def _level(count: int) -> str:
    return "u1" if count == 1 else "u2" if count <= 3 else "u3" if count <= 9 else "u4"


def _map_table(sources: tuple[SourceState, ...], chapters: tuple[ChapterState, ...], uses: list[dict[int, int]]) -> Iterator[str]:
    yield '<div class="map-scroll">\n<table class="map">\n<thead><tr><th class="source">Source</th><th class="num">Total</th>'
    yield "".join(f'<th class="num" title="{_e(c.path)}"><a href="#ch-{c.place}">{c.place}</a></th>' for c in chapters)
    yield "</tr></thead>\n<tbody>\n"
    for index, source in enumerate(sources):
        counts = uses[index]
        total = sum(counts.values())
        cells = "".join(
            f'<td class="use {_level(counts[c.place])}" data-chapter="{c.place}" title="{_e(c.path)}: {counts[c.place]}">{counts[c.place]}</td>'
            if counts.get(c.place)
            else "<td></td>"
            for c in chapters
        )
        row_class = ' class="once"' if total == 1 else ""
        yield f'<tr id="source-{index + 1}"{row_class} data-source="{_e(source.key)}"><th class="source">{_source_label(source)}</th><td class="num" data-count="total">{total}</td>{cells}</tr>\n'
    yield "</tbody>\n</table>\n</div>\n"


def _map_list(sources: tuple[SourceState, ...], chapters: tuple[ChapterState, ...], uses: list[dict[int, int]]) -> Iterator[str]:
    yield f'<p class="hint">The book has {len(chapters):,} chapters: the map is a list, each source with the chapters that cite it.</p>\n'
    yield '<table class="map-list">\n<thead><tr><th>Source</th><th class="num">Total</th><th>Cited in (chapter \u00d7 citations)</th></tr></thead>\n<tbody>\n'
    for index, source in enumerate(sources):
        counts = uses[index]
        total = sum(counts.values())
        where = ", ".join(f'<a href="#ch-{place}">{place}</a>\u00a0\u00d7{count}' for place, count in sorted(counts.items())) or '<span class="hint">never cited</span>'
        yield f'<tr id="source-{index + 1}" data-source="{_e(source.key)}"><td>{_source_label(source)}</td><td class="num" data-count="total">{total}</td><td>{where}</td></tr>\n'
    yield "</tbody>\n</table>\n"


def _source_label(source: SourceState) -> str:
    listed = "; ".join(f"chapter {place}, reference {number}" for place, number in source.listed_in)
    return f'<span title="{_e(listed)}">{_e(source.label)}</span> <span class="hint mono">{_e(source.key)}</span>'


def _chapter_details(overview: BookOverview, folder: str) -> Iterator[str]:
    yield '<section id="details">\n<h2>Findings and links, chapter by chapter</h2>\n'
    for chapter in overview.chapters:
        href = relative_href(chapter.path, folder)
        yield f'<section class="chapter" id="ch-{chapter.place}" data-path="{_e(chapter.path)}">\n'
        yield f'<h3>{chapter.place}. <a href="{_e(href)}">{_e(chapter.path)}</a></h3>\n'
        if chapter.error:
            yield f'<p class="sev-error">Not checked: {_e(chapter.error)}</p>\n</section>\n'
            continue
        yield (
            f'<p class="hint">{_plural(chapter.citations, "citation")} of {_plural(chapter.cited_numbers, "number")}; '
            f'{_plural(chapter.references, "reference entry", "reference entries")}; {_plural(len(chapter.links), "link")}.</p>\n'
        )
        yield from _findings(chapter, href)
        yield from _links(chapter)
        yield "</section>\n"
    yield "</section>\n"


def _findings(chapter: ChapterState, href: str) -> Iterator[str]:
    if not chapter.findings:
        yield '<p class="clean">No findings.</p>\n'
        return
    excerpts = dict(chapter.excerpts)
    yield '<ol class="findings">\n'
    for number, finding in enumerate(chapter.findings[:FINDINGS_SHOWN], start=1):
        yield _finding(chapter, number, finding, href, excerpts.pop(finding.line, None))  # a line's text once, at its first finding
    yield "</ol>\n"
    left_out = len(chapter.findings) - FINDINGS_SHOWN
    if left_out > 0:
        yield f'<p class="hint" data-left-out="findings">{left_out:,} more findings are not listed here (at most {FINDINGS_SHOWN:,} a chapter); `citelint check {_e(chapter.path)}` lists them all.</p>\n'



def _finding(chapter: ChapterState, number: int, finding: Diagnostic, href: str, excerpt: Optional[str]) -> str:
    where = f"{chapter.path}:{finding.line}:{finding.column}"
    quoted = f'<code class="excerpt">{_e(excerpt)}</code>' if excerpt else ""
    return (
        f'<li id="ch-{chapter.place}-f{number}" data-rule="{_e(finding.code)}" data-line="{finding.line}">'
        f'<a href="{_e(href)}" class="mono">{_e(where)}</a> '
        f'<span class="sev-{finding.severity.value}">{_e(finding.code)}</span> '
        f"{_e(finding.message)}{quoted}</li>\n"
    )


def _links(chapter: ChapterState) -> Iterator[str]:
    if not chapter.links:
        return
    yield '<table class="links">\n<thead><tr><th class="num">Line</th><th>Link</th><th>Verdict</th><th>Checked</th></tr></thead>\n<tbody>\n'
    for link in chapter.links[:LINKS_SHOWN]:
        verdict = "fine" if link.code is None and link.checked_at is not None else f"{link.code or ''} {link.detail}".strip()
        checked = _when(link.checked_at) if link.checked_at is not None else "never"
        yield (
            f'<tr data-state="{link.state}"><td class="num">{link.line}</td><td class="url mono">{_link(link.shown)}</td>'
            f'<td class="state-{link.state}">{_e(verdict)}</td><td class="num">{checked}</td></tr>\n'
        )
    yield "</tbody>\n</table>\n"
    if len(chapter.links) > LINKS_SHOWN:
        yield f'<p class="hint" data-left-out="links">{len(chapter.links) - LINKS_SHOWN:,} more links are not listed here (at most {LINKS_SHOWN:,} a chapter).</p>\n'


def _link(url: str) -> str:
    """An http(s) link the editor can open (no other scheme is made clickable)."""
    if url[:8].lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return _e(url)


def _problems(overview: BookOverview) -> Iterator[str]:
    if not overview.errors and not overview.notes:
        return
    yield '<section id="problems">\n<h2>Files not checked, and notes</h2>\n<ul>\n'
    for error in overview.errors:
        yield f'<li class="sev-error" data-error="{_e(error.path)}">{_e(error.path)}: {_e(error.message)}</li>\n'
    for note in overview.notes:
        yield f"<li>{_e(note.path)}: {_e(note.message)}</li>\n"
    yield "</ul>\n</section>\n"
