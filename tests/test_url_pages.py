"""Page checks of ``check --urls`` (issue 16): URL007 wrong-page from what a page says
of itself, URL008 soft-404, against real HTTP servers on 127.0.0.1 serving
realistic pages. Each page is tested for the finding it must give and the ones
it must not: a false alarm fails as a miss does."""

from __future__ import annotations

import json
import sqlite3
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Iterator, Optional

import pytest

from citelint.urls.page_meta import PageMeta, html_meta, pdf_meta
from citelint.urls.soft404 import PROBE_PREFIX
from citelint.urls.titles import titles_match
from helpers import check_json, cli
from urlserver import ARTICLE, TrapServer

BODY = " ".join(
    f"Paragraph {n}: negotiators from both delegations said the talks on arms control had stalled over verification and sanctions."
    for n in range(30)
)

NEWS = f"""<!doctype html><html lang="en"><head>
<meta charset="utf-8">
<title>Summit talks collapse as leaders walk out | BBC News</title>
<meta name="citation_title" content="Summit talks collapse as leaders walk out">
<meta name="citation_author" content="Smith, Jane">
<meta name="citation_author" content="Doe, John">
<meta name="citation_publication_date" content="2021/03/04">
<meta property="og:title" content="Summit talks collapse as leaders walk out">
<meta property="og:site_name" content="BBC News">
<meta property="article:published_time" content="2021-03-04T09:12:00Z">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Summit talks collapse as leaders walk out", "datePublished": "2021-03-04T09:12:00Z",
 "author": [{{"@type": "Person", "name": "Jane Smith"}}, {{"@type": "Person", "name": "John Doe"}}],
 "publisher": {{"@type": "Organization", "name": "BBC News"}}}}</script>
</head><body><header><a href="/">Home</a> <a href="/news">News</a></header>
<h1>Summit talks collapse as leaders walk out</h1><p>{BODY}</p>
<p>Readers who reach a "page not found" error on the old site should use the search box.</p></body></html>"""

JOURNAL = f"""<html><head><title>Measuring the effects of X on Y in rural areas: evidence from Kenya | Journal of Development Studies</title>
<meta name="citation_title" content="Measuring the effects of X on Y in rural areas: evidence from Kenya">
<meta name="citation_author" content="Okafor, Chidi"><meta name="citation_author" content="Mensah, Kwame">
<meta name="citation_journal_title" content="Journal of Development Studies">
<meta name="citation_publication_date" content="2020/11/30">
<meta name="citation_doi" content="10.1234/jds.2020.17">
<meta name="dc.title" content="Measuring the effects of X on Y in rural areas">
</head><body><nav>Journal of Development Studies</nav><h1 class="article-title">Measuring the effects of X on Y in rural areas: evidence from Kenya</h1>
<section class="abstract"><p>{ARTICLE}</p></section></body></html>"""

SMART = f"""<html><head><title>&ldquo;Don&rsquo;t Panic&rdquo; &mdash; The Truth About Population | BBC Two</title></head>
<body><h1>&#8220;Don&#8217;t Panic&#8221;</h1><p>{ARTICLE}</p></body></html>"""

MOVED = f"""<html><head><title>10 ways to improve your sleep tonight - Health News</title>
<meta property="og:title" content="10 ways to improve your sleep tonight"></head>
<body><h1>10 ways to improve your sleep tonight</h1><p>{ARTICLE}</p></body></html>"""

ABOUT_404 = f"""<html><head><title>Why "page not found" errors hurt your site | Web Weekly</title></head>
<body><h1>Why "page not found" errors hurt your site</h1><p>{ARTICLE}</p></body></html>"""

NOT_FOUND_EN = """<html><head><title>Page not found | The Daily Planet</title></head><body>
<header><a href="/">The Daily Planet</a></header><h1>Oops!</h1>
<p>We're sorry, the page you requested could not be found. Try the search box or go to the home page.</p></body></html>"""

NOT_FOUND_DE = """<html><head><title>Seite nicht gefunden – ZEIT ONLINE</title></head><body>
<h1>Fehler 404</h1><p>Die angeforderte Seite existiert leider nicht.</p></body></html>"""

NOT_FOUND_FR = """<html><head><title>Le Quotidien</title></head><body>
<h1>Oups</h1><p>Désolé, la page que vous recherchez n'existe pas ou a été déplacée.</p></body></html>"""

PARKED = """<html><head><title>oldjournal-example.org - This domain may be for sale!</title>
<script>window.park = "eyJ1dWlkIjoiMTIzIn0=";</script></head><body>
<div id="target"><h1>oldjournal-example.org</h1><p>Related searches: Journals, Research, Academic Publishing</p>
<p>Buy this domain. The domain oldjournal-example.org may be for sale by its owner!</p></div></body></html>"""

NOT_FOUND_APACHE = """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>Not Found</title></head><body>
<h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>"""

NOT_FOUND_ES = """<html><head><meta charset="utf-8"><title>Página no encontrada - El Diario</title></head><body>
<h1>¡Vaya!</h1><p>Lo sentimos, la página que buscas no existe.</p></body></html>"""

GUIDELINE = f"""<html><head><title>Guidelines for the pharmacological treatment of hypertension in adults</title></head>
<body><h1>Guidelines for the pharmacological treatment of hypertension in adults</h1><p>{BODY}</p></body></html>"""
BOOK = f"""<html><head><title>The Future of Work | Urban Press</title></head><body><h1>The Future of Work</h1><p>{BODY}</p></body></html>"""
HOME = f"""<html><head><title>The Daily Planet - News, sport and opinion</title></head>
<body><h1>The Daily Planet</h1><p>{ARTICLE}</p></body></html>"""

NO_TITLE_TEXT = """Network Working Group                                          J. Postel
Request for Comments: 791                                            ISI
                                                          September 1981

                           INTERNET PROTOCOL
                 DARPA INTERNET PROGRAM PROTOCOL SPECIFICATION
""" + ARTICLE


def pdf_bytes(title: str, author: str) -> bytes:
    """A small real-looking PDF with an uncompressed Info dictionary."""
    escaped = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"3 0 obj\n<< /Producer (pdfTeX-1.40.21) /Title (" + escaped.encode("latin-1") + b") /Author (" + author.encode("latin-1") + b")"
        b" /CreationDate (D:20200612000000Z) >>\nendobj\n"
        + b"4 0 obj\n<< /Length 40 >>\nstream\n" + bytes(range(256)) * 20 + b"\nendstream\nendobj\n"
        b"trailer\n<< /Root 1 0 R /Info 3 0 R >>\n%%EOF\n"
    )


PDF = pdf_bytes("The State of the World\x90s Forests 2020", "FAO")  # 0x90: PDFDocEncoding's right single quote


class PageServer(TrapServer):
    """The trap server, with realistic pages first (``pages``: path -> reply)."""

    def __init__(self, pages: dict[str, tuple[int, str, bytes, dict[str, str]]], catch_all: Optional[bytes] = None) -> None:
        super().__init__()
        self.pages = pages
        self.catch_all = catch_all

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        path = request.path.split("?")[0]
        reply = self.pages.get(path)
        if reply is None and self.catch_all is not None:
            reply = (200, "text/html; charset=utf-8", self.catch_all, {})
        if reply is None:
            super().handle(request, head)
            return
        status, content_type, body, headers = reply
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            request.send_header(key, value)
        request.end_headers()
        if not head:
            request.wfile.write(body)

    def probes(self) -> int:
        return sum(count for path, count in self.hits.items() if PROBE_PREFIX in path)


def html(text: str) -> tuple[int, str, bytes, dict[str, str]]:
    return 200, "text/html; charset=utf-8", text.encode("utf-8"), {}


def moved(location: str, status: int = 302) -> tuple[int, str, bytes, dict[str, str]]:
    return status, "text/html", b"", {"Location": location}


PAGES = {
    "/news/world-56271234": html(NEWS),
    "/doi/full/10.1234/jds.2020.17": html(JOURNAL),
    "/tv/dont-panic": html(SMART),
    "/old/sleep-tips": moved("/health/10-ways-to-improve-your-sleep"),
    "/health/10-ways-to-improve-your-sleep": html(MOVED),
    "/web/why-404s-hurt": html(ABOUT_404),
    "/2019/05/lost-story": html(NOT_FOUND_EN),
    "/wissen/2018/artikel-123": html(NOT_FOUND_DE),
    "/archive/2015/planet-history": html(NOT_FOUND_APACHE),
    "/sociedad/2016/articulo": (200, "text/html", NOT_FOUND_ES.encode("utf-8"), {}),  # no charset: requests reads Latin-1
    "/international/article/2017/un-sommet": html(NOT_FOUND_FR),
    "/publications/annual-report-2019": moved("/"),
    "/publications/annual-report-2018": moved("/", 301),
    "/": html(HOME),
    "/features/2020/old-feature": html('<html><head><meta http-equiv="refresh" content="0; URL=/"><title>Redirecting</title></head><body></body></html>'),
    "/parked/journal": html(PARKED),
    "/publications/i/item/9789240033986": html(GUIDELINE),
    "/books/the-future-of-work": html(BOOK),
    "/rfc/rfc791.txt": (200, "text/plain; charset=utf-8", NO_TITLE_TEXT.encode(), {}),
    "/files/2016/notes.txt": (200, "text/plain; charset=utf-8", b"404 page not found\n", {}),
    "/pdf/forests-2020.pdf": (200, "application/pdf", PDF, {}),
    "/files/forests.pdf": (200, "application/octet-stream", PDF, {}),
}


@pytest.fixture
def server() -> Iterator[PageServer]:
    with PageServer(PAGES) as running:
        yield running


def chapter(entries: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(entries) + 1))
    listed = "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1))
    return f"{markers}\n\n## References\n\n{listed}\n"


def url_findings(document: dict) -> dict[int, set[str]]:  # type: ignore[type-arg]
    """The URL codes found on each entry (by its number: the line after the heading)."""
    found: dict[int, set[str]] = {}
    for diagnostic in document["diagnostics"]:
        if diagnostic["code"].startswith("URL"):
            found.setdefault(diagnostic["line"] - 4, set()).add(diagnostic["code"])
    return found


def run(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    return check_json("--urls", "--allow-private", "--timeout", "3", "--cache-dir", "cache", *args, "ch.md")


# Each entry and the URL findings it must give: any other finding is a false alarm.
CASES: list[tuple[str, str, set[str]]] = [
    # the news article: Highwire, OG and JSON-LD tags, " | BBC News" in <title>
    ('Smith, Jane, and John Doe. "Summit Talks Collapse as Leaders Walk Out." BBC News, March 4, 2021. {u}', "/news/world-56271234", set()),
    ('Smith, J. (2021). "Summit talks collapse." BBC News. {u}', "/news/world-56271234", set()),
    ("BBC News. (2021, March 4). Summit talks collapse as leaders walk out. {u}", "/news/world-56271234", set()),  # an organisation as author
    ("Summit talks collapse as leaders walk out. (2021). BBC News. {u}", "/news/world-56271234", set()),  # no author: the title first
    # APA's form for a work without authors (title, year, then the publisher), on a page titled without the site's name
    ("Guidelines for the pharmacological treatment of hypertension in adults. (2021). World Health Organization. {u}", "/publications/i/item/9789240033986", set()),
    ("Guidelines for the management of asthma in children. (2021). World Health Organization. {u}", "/publications/i/item/9789240033986", {"URL007"}),
    # a chapter cited at its book's page, its editors and pages written plainly (APA)
    ("Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), The future of work (pp. 1-20). Urban Press. {u}", "/books/the-future-of-work", set()),
    ("Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), Gardening for beginners (pp. 1-20). Urban Press. {u}", "/books/the-future-of-work", {"URL007"}),
    ("Mensah, K. Guidelines for the pharmacological treatment of hypertension in adults. World Health Organization Press; 2021. {u}", "/publications/i/item/9789240033986", set()),  # an initial runs on
    ('Smith, Jane. "Tomato Growing for Beginners." Gardeners\' World, 2021. {u}', "/news/world-56271234", {"URL007"}),
    ('Garcia, Maria, and Lee Chen. "Summit Talks Collapse as Leaders Walk Out." BBC News, 2021. {u}', "/news/world-56271234", {"URL007"}),
    ('Smith, Jane. "Summit Talks Collapse as Leaders Walk Out." BBC News, 2015. {u}', "/news/world-56271234", {"URL007"}),
    ('Smith, Jane. "Summit Talks Collapse as Leaders Walk Out." BBC News, 2022. {u}', "/news/world-56271234", set()),  # a year off: tolerated
    # the journal landing page (online 2020, issue 2021), subtitle left out by the entry
    ("Okafor, C., & Mensah, K. (2021). Measuring the effect of X on Y in rural areas. *Journal of Development Studies*, 57(3). {u}", "/doi/full/10.1234/jds.2020.17", set()),
    ('Okafor, C. "Measuring poverty in urban India." Journal of Development Studies, 2020. {u}', "/doi/full/10.1234/jds.2020.17", {"URL007"}),
    # smart quotes, entities, an em dash and a site name
    ('"“Don’t Panic”: The Truth About Population." BBC Two, 2013. {u}', "/tv/dont-panic", set()),
    # a moved article whose title changed slightly (302: no URL003 either)
    ('Brown, A. "Ten ways to improve your sleep." Health News, 2020. {u}', "/old/sleep-tips", set()),
    # a page about 404 pages is the work cited
    ('"Why page not found errors hurt your site." Web Weekly, 2020. {u}', "/web/why-404s-hurt", set()),
    ("Why page not found errors hurt your site. (2020). {u}", "/web/why-404s-hurt", set()),  # APA without authors or site
    # 200 pages that are error pages, in English, German and French
    ('Kent, C. "The lost story of the planet." The Daily Planet, 2019. {u}', "/2019/05/lost-story", {"URL008"}),
    ('Müller, H. "Wie das Klima die Wirtschaft verändert." Die Zeit, 2018. {u}', "/wissen/2018/artikel-123", {"URL008"}),
    ('Dupont, J. "Un sommet pour rien." Le Quotidien, 2017. {u}', "/international/article/2017/un-sommet", {"URL008"}),
    ('"Planet history archive." 2015. {u}', "/archive/2015/planet-history", {"URL008"}),
    ('García, L. "La crisis de la vivienda en Madrid." El Diario, 2016. {u}', "/sociedad/2016/articulo", {"URL008"}),
    # deep links sent to the home page, by a 302 and by a 301 (not URL003: there is nothing to cite instead)
    ('"Annual report 2019." The Daily Planet, 2019. {u}', "/publications/annual-report-2019", {"URL008"}),
    ('"Annual report 2018." The Daily Planet, 2018. {u}', "/publications/annual-report-2018", {"URL008"}),
    ('"An old feature about the planet." The Daily Planet, 2020. {u}', "/features/2020/old-feature", {"URL008"}),  # by a meta refresh
    # a parked domain
    ('Old, A. "Studies in journal history." Old Journal, 2009. {u}', "/parked/journal", {"URL008"}),
    # a page without a title: its text holds the entry's title, or it does not
    ('Postel, J. "Internet Protocol." RFC 791, 1981. {u}', "/rfc/rfc791.txt", set()),
    ('Postel, J. "Transmission Control Protocol." RFC 793, 1981. {u}', "/rfc/rfc791.txt", {"URL007"}),
    ('Ames, B. "Field notes on the survey." 2016. {u}', "/files/2016/notes.txt", {"URL008"}),  # plain text that says it
    # a PDF's Info dictionary
    ("FAO. *The State of the World's Forests 2020*. Rome, 2020. {u}", "/pdf/forests-2020.pdf", set()),
    ('Jumper, J. "Deep learning for protein folding." Nature, 2021. {u}', "/pdf/forests-2020.pdf", {"URL007"}),
    ('Jumper, J. "Deep learning for protein folding." Nature, 2021. {u}', "/files/forests.pdf", {"URL007"}),  # served as bytes
    # the home page itself, cited as a site: not a soft 404
    ('"The Daily Planet - News and opinion." 2020. {u}', "/", set()),
]


def test_each_page_gives_its_finding_and_no_other(server: PageServer, workdir: Path) -> None:
    entries = [text.format(u=server.url(path)) for text, path, _ in CASES]
    Path("ch.md").write_text(chapter(entries), encoding="utf-8")
    code, document, err = run()
    found = url_findings(document)
    got = {n: found.get(n, set()) for n in range(1, len(CASES) + 1)}
    expected = {n: codes for n, (_, _, codes) in enumerate(CASES, start=1)}
    assert got == expected, (err, [d["message"] for d in document["diagnostics"]])
    assert server.probes() == 1  # one made-up address asked on this host, for all its pages


def test_messages_show_both_titles_and_what_differs(server: PageServer, workdir: Path) -> None:
    entries = [
        'Smith, Jane. "Tomato Growing for Beginners." Gardeners\' World, 2021. ' + server.url("/news/world-56271234"),
        'Garcia, Maria. "Summit Talks Collapse as Leaders Walk Out." BBC News, 2015. ' + server.url("/news/world-56271234"),
        '"Annual report 2019." 2019. ' + server.url("/publications/annual-report-2019"),
        '"Lost story of the planet." 2019. ' + server.url("/2019/05/lost-story"),
    ]
    Path("ch.md").write_text(chapter(entries), encoding="utf-8")
    messages = [d["message"] for d in run()[1]["diagnostics"] if d["code"] in ("URL007", "URL008")]
    assert any('"Summit talks collapse as leaders walk out"' in m and '"Tomato Growing for Beginners"' in m for m in messages), messages
    assert any("other authors (Smith, Jane, Doe, John) than the entry (Garcia)" in m and "the year 2021, the entry 2015" in m for m in messages), messages
    assert any("redirected to the home page" in m for m in messages), messages
    assert any('says "page not found"' in m for m in messages), messages


def test_a_catch_all_site_is_a_soft_404_with_one_probe(workdir: Path) -> None:
    """A site that answers every path with its home page: both deep links are URL008,
    the site's real home page cited as such is not, and one probe was sent."""
    with PageServer({}, catch_all=HOME.encode()) as site:
        entries = [
            '"Summit talks collapse." The Daily Planet, 2021. ' + site.url("/news/2021/summit-talks"),
            '"Budget day explained." The Daily Planet, 2020. ' + site.url("/politics/budget-day"),
            '"The Daily Planet - News and opinion." 2020. ' + site.url("/"),
        ]
        Path("ch.md").write_text(chapter(entries), encoding="utf-8")
        code, document, err = run()
        assert url_findings(document) == {1: {"URL008"}, 2: {"URL008"}}, err
        assert site.probes() == 1
        assert "answers every path with one page" in json.dumps(document)


class SlowProbeServer(PageServer):
    """A PageServer whose made-up addresses answer after PROBE_DELAY: when each
    request came (``arrived``: path, time.monotonic())."""

    PROBE_DELAY = 1.0

    def __init__(self, pages: dict[str, tuple[int, str, bytes, dict[str, str]]], catch_all: Optional[bytes] = None) -> None:
        super().__init__(pages, catch_all)
        self.arrived: list[tuple[str, float]] = []

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        import time

        self.arrived.append((request.path, time.monotonic()))
        if PROBE_PREFIX in request.path:
            time.sleep(self.PROBE_DELAY)
        super().handle(request, head)


@pytest.mark.parametrize("catch_all", [True, False])
def test_no_link_waits_for_its_hosts_probe(workdir: Path, catch_all: bool) -> None:
    """The host's first link asks the probe; the others are judged when it has
    answered, and their workers go on meanwhile: every page is asked for before the
    slow probe answers. The findings are those of links that waited: every deep
    page of a catch-all site is URL008, and a site whose made-up address is not
    found has none."""
    paths = [f"/news/2021/story-{n}" for n in range(8)]
    pages = {} if catch_all else {path: html(HOME) for path in paths}
    with SlowProbeServer(pages, catch_all=HOME.encode() if catch_all else None) as site:
        entries = [f'"Story {n}." The Daily Planet, 2021. ' + site.url(path) for n, path in enumerate(paths)]
        Path("ch.md").write_text(chapter(entries), encoding="utf-8")
        code, document, err = run()
        assert site.probes() == 1
        probe_asked = next(at for path, at in site.arrived if PROBE_PREFIX in path)
        asked = [at for path, at in site.arrived if path in paths]
        assert len(asked) == 8 and max(asked) < probe_asked + SlowProbeServer.PROBE_DELAY - 0.2, err
        assert url_findings(document) == ({n: {"URL008"} for n in range(1, 9)} if catch_all else {}), err
        with sqlite3.connect("cache/verdicts.sqlite") as connection:
            kept = {row[0] for row in connection.execute("SELECT url FROM snapshots")}
        assert kept == (set() if catch_all else {site.url(path) for path in paths})  # a soft 404 keeps no snapshot, as when its link waited


def test_a_site_that_answers_unknown_paths_with_404_is_not_a_catch_all(server: PageServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter(['Smith, Jane. "Summit talks collapse as leaders walk out." BBC News, 2021. ' + server.url("/news/world-56271234")]), encoding="utf-8")
    assert url_findings(run()[1]) == {}
    assert server.probes() == 1
    probe = next(path for path in server.hits if PROBE_PREFIX in path)
    assert probe.startswith("/news/")  # the same folder


def test_a_redirect_to_a_parking_service_is_a_soft_404(workdir: Path) -> None:
    """A lapsed domain redirected to a parking host (its name resolved to loopback by the test's resolver)."""
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    with PageServer({"/lander": html(HOME)}) as parking:

        def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"] if host in ("127.0.0.1", "www.sedoparking.com", "journal.example") else []

        options = CheckOptions(UrlSettings(timeout=3, allow_private=True), None, resolver=resolver)
        parked = parking.url(f"/redirect-to/www.sedoparking.com:{parking.port}/lander")
        direct = f"http://www.sedoparking.com:{parking.port}/lander"  # a page on the parking host itself, cited as such
        verdicts = UrlChecker(options, lambda message: None).check([parked, direct])
        assert verdicts[parked].code == "URL008" and "sedoparking.com" in verdicts[parked].detail
        assert verdicts[direct].code is None


def test_a_warm_run_sends_nothing_and_judges_an_edited_entry(server: PageServer, workdir: Path) -> None:
    url = server.url("/news/world-56271234")
    gone = server.url("/publications/annual-report-2019")
    right = f'Smith, Jane. "Summit talks collapse as leaders walk out." BBC News, 2021. {url}'
    wrong = f'Smith, Jane. "Tomato growing for beginners." BBC News, 2021. {url}'
    Path("ch.md").write_text(chapter([right, f'"Annual report 2019." 2019. {gone}']), encoding="utf-8")
    assert url_findings(run()[1]) == {2: {"URL008"}}
    sent = sum(server.hits.values())
    Path("ch.md").write_text(chapter([wrong, f'"Annual report 2019." 2019. {gone}']), encoding="utf-8")
    assert url_findings(run()[1]) == {1: {"URL007"}, 2: {"URL008"}}
    assert url_findings(run("--offline")[1]) == {1: {"URL007"}, 2: {"URL008"}}
    assert sum(server.hits.values()) == sent  # the page's metadata and the soft 404 came from the cache
    assert url_findings(run("--refresh")[1]) == {1: {"URL007"}, 2: {"URL008"}}
    assert server.hits["/news/world-56271234"] == 2
    assert url_findings(run("--accept-changes")[1]) == {1: {"URL007"}, 2: {"URL008"}}


def test_a_pdf_rechecked_with_head_keeps_its_title(server: PageServer, workdir: Path) -> None:
    url = server.url("/pdf/forests-2020.pdf")
    Path("ch.md").write_text(chapter([f'Jumper, J. "Deep learning for protein folding." Nature, 2021. {url}']), encoding="utf-8")
    assert url_findings(run()[1]) == {1: {"URL007"}}
    with sqlite3.connect("cache/verdicts.sqlite") as connection:  # expire the verdict: the next run asks again, with HEAD
        (table,) = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'verdicts_v%'")]
        connection.execute(f"UPDATE {table} SET expires_at = 1")
    assert url_findings(run()[1]) == {1: {"URL007"}}
    assert server.hits["/pdf/forests-2020.pdf"] == 2


def test_selection_and_suppression_apply(server: PageServer, workdir: Path) -> None:
    entries = [
        'Smith, Jane. "Tomato growing for beginners." BBC News, 2021. ' + server.url("/news/world-56271234"),
        '"Annual report 2019." 2019. ' + server.url("/publications/annual-report-2019"),
    ]
    Path("ch.md").write_text(chapter(entries), encoding="utf-8")
    assert url_findings(run("--ignore", "URL007")[1]) == {2: {"URL008"}}
    assert url_findings(run("--ignore", "soft-404")[1]) == {1: {"URL007"}}
    assert url_findings(run("--select", "wrong-page")[1]) == {1: {"URL007"}}


@pytest.mark.parametrize("output", ["text", "sarif", "github", "gitlab", "junit", "rdjson"])
def test_every_output_format_shows_the_page_findings(server: PageServer, workdir: Path, output: str) -> None:
    entries = [
        'Smith, Jane. "Tomato growing for beginners." BBC News, 2021. ' + server.url("/news/world-56271234"),
        '"Annual report 2019." 2019. ' + server.url("/publications/annual-report-2019"),
    ]
    Path("ch.md").write_text(chapter(entries), encoding="utf-8")
    ran = cli("check", "--format", output, "--urls", "--allow-private", "--timeout", "3", "--cache-dir", "cache", "ch.md")
    assert "URL007" in ran.stdout and "URL008" in ran.stdout, ran.stdout + ran.stderr


# -- the parts, on their own ------------------------------------------------------


@pytest.fixture
def workdir(project: Path) -> Path:
    return project


def test_news_page_metadata() -> None:
    meta = html_meta(NEWS)
    assert meta.titles[0] == "Summit talks collapse as leaders walk out"
    assert "Summit talks collapse as leaders walk out | BBC News" in meta.titles
    assert meta.authors == ("Smith, Jane", "Doe, John") and meta.authors_stated and meta.year == 2021
    assert PageMeta.loads(meta.dumps()) == meta
    older = html_meta('<head><meta name="citation_authors" content="Smith, Jane; Doe, John"><meta name="citation_title" content="A title"></head>')
    assert older.authors == ("Smith, Jane", "Doe, John")


def test_an_icon_title_is_not_the_page_title() -> None:
    assert html_meta("<html><head><meta charset=utf-8></head><body><svg><title>Close</title></svg><p>x</p></body>").titles == ()
    assert html_meta("<TITLE>Upper case</TITLE></HEAD><BODY>").titles == ("Upper case",)


@pytest.mark.parametrize("date", ["2021-03-04T09:12:00Z", "2021/03/04", "4 March 2021", "20210304"])
def test_publication_dates_of_every_shape(date: str) -> None:
    assert html_meta(f'<head><meta name="citation_publication_date" content="{date}"></head>').year == 2021


def test_json_ld_authors_of_every_shape_and_no_organisation() -> None:
    def ld(author: object) -> PageMeta:
        data = json.dumps({"@graph": [{"@type": "WebSite", "name": "The Site"}, {"@type": "BlogPosting", "headline": "A post", "author": author, "datePublished": "2019-02-01"}]})
        return html_meta(f'<html><head><script type="application/ld+json">{data}</script></head><body></body></html>')

    assert ld("Ann Lee").authors == ("Ann Lee",)
    assert ld({"@type": "Person", "name": "Ann Lee"}).authors == ("Ann Lee",)
    assert ld([{"@type": "Person", "givenName": "Ann", "familyName": "Lee"}, "Bo Chan"]).authors == ("Ann Lee", "Bo Chan")
    assert ld({"@type": "Organization", "name": "BBC News"}).authors == ()
    assert ld("Ann Lee").titles == ("A post",) and ld("Ann Lee").year == 2019


def test_pdf_metadata_from_info_and_xmp() -> None:
    assert pdf_meta(PDF).titles == ("The State of the World’s Forests 2020",)
    xmp = (
        b"%PDF-1.6\n<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description><dc:title><rdf:Alt>"
        b"<rdf:li xml:lang='x-default'>Attention Is All You Need</rdf:li></rdf:Alt></dc:title><dc:creator><rdf:Seq>"
        b"<rdf:li>Ashish Vaswani</rdf:li><rdf:li>Noam Shazeer</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    meta = pdf_meta(xmp)
    assert meta.titles == ("Attention Is All You Need",) and meta.authors == ("Ashish Vaswani", "Noam Shazeer")
    for unset in ("Microsoft Word - draft3.docx", "PII: S0140-6736(20)30183-5", "Layout 1", "final_report_v2", "untitled"):
        assert pdf_meta(pdf_bytes(unset, "jsmith")).titles == ()  # a tool's or a file's name is no title
    assert pdf_meta(b"%PDF-1.5 compressed objects only").titles == ()


def test_hostile_pages_give_metadata_without_error() -> None:
    """html.parser alone is quadratic on a run of unterminated tags: only bounded
    snippets reach it (this would take minutes otherwise)."""
    for page in ("<html><head>" + "<a " * 600_000, "<meta " * 300_000, "<title>" + "&amp;" * 400_000, "<!--" + "x" * 2_000_000, "<h1 " * 500_000):
        assert isinstance(html_meta(page), PageMeta)
    for data in (b"%PDF-1.4 /Title (" + b"x" * 2_000_000, b"%PDF " + b"/Title (ab) " * 150_000 + b"/Title (The real title)", b"<x:xmpmeta>" + b"<dc:title>" * 200_000):
        assert isinstance(pdf_meta(data), PageMeta)
    assert pdf_meta(b"%PDF " + b"/Title (ab) " * 150_000 + b"/Title (The real title)").titles == ("The real title",)  # the last is the newest


@pytest.mark.parametrize(
    ("entry", "page"),
    [
        ("Summit talks collapse", "Summit talks collapse as leaders walk out over arms deal dispute in Geneva - live updates"),
        ("The Summit: What the Leaders Agreed in Geneva", "The summit | The Guardian"),
        ("How the summit changed the arms trade", "How the 1987 summit changed the global arms trade — Foreign Affairs"),
        ("Ten ways to improve your sleep", "10 ways to improve your sleep tonight"),
        ("Le sommet de Genève", "« Le sommet de Genève » – Le Monde"),
        ("Déjà vu and memory", "Deja Vu &amp; Memory"),
        ("Attention is all you need", "[1706.03762] Attention Is All You Need"),
        ("Measuring the effect of X on Y in rural areas", "Measuring the effects of X on Y in rural areas: evidence from Kenya"),
        ("BBC News: Summit talks collapse", "Summit talks collapse"),
        ("Die Zukunft der Arbeit: Was KI verändert", "„Die Zukunft der Arbeit“ – was KI verändert | ZEIT ONLINE"),
        ("東京の歴史：江戸から明治へ", "東京の歴史｜朝日新聞デジタル"),
    ],
)
def test_titles_that_match(entry: str, page: str) -> None:
    assert titles_match(entry, [page])


@pytest.mark.parametrize(
    ("entry", "page"),
    [
        ("Summit talks collapse", "Tomato growing for beginners | Gardeners' World"),
        ("News from the front", "Gardening | News"),
        ("How the summit changed the arms trade", "Arms trade treaty: what you need to know"),
        ("A history of the Roman economy", "The Roman army: a history"),
        ("Deep learning for protein folding", "Protein folding basics"),
        ("Climate change 2021: the physical science basis", "Climate change 2014: impacts, adaptation and vulnerability"),
        ("Measuring poverty in rural Kenya", "Measuring poverty in urban India"),
        ("東京の歴史", "大阪の料理｜朝日新聞デジタル"),
    ],
)
def test_titles_that_do_not_match(entry: str, page: str) -> None:
    assert not titles_match(entry, [page])


def test_judged_against_the_entry_without_a_request() -> None:
    """The verdict's kept metadata judged against entries (as a warm run does)."""
    from citelint.urls.wrong_page import judge_page

    news = html_meta(NEWS).dumps()
    assert judge_page(None, news, 'Smith, Jane. "Summit talks collapse as leaders walk out." BBC News, 2021.') == (True, None)
    shown, wrong = judge_page(None, news, 'Smith, Jane. "Tomato growing for beginners." BBC News, 2021.')
    assert shown and wrong and "Tomato growing for beginners" in wrong
    assert judge_page(None, news, "BBC News, 2021.") == (True, None)  # no title: not judged
    assert judge_page(None, news, '"Tomatoes." 2021.') == (True, None)  # one word: too little to judge by
    # an entry with a DOI is judged by the DOI's record (urls.doi), not by its page
    assert judge_page(None, news, 'Smith, Jane. "Tomato growing for beginners." BBC News, 2021. doi:10.1234/tomato') == (True, None)
    # a bot check or sign-in wall says nothing of the work
    wall = html_meta("<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>").dumps()
    assert judge_page(None, wall, 'Smith, Jane. "Tomato growing for beginners." 2021.') == (True, None)
    # a soft 404 stands unless the page's title is the entry's (a page about 404 pages)
    about = html_meta(ABOUT_404).dumps()
    said = 'an error page answered with 200: it says "page not found"'
    assert judge_page("URL008", about, '"Why page not found errors hurt your site." 2020.', said) == (False, None)
    assert judge_page("URL008", about, '"Tomato growing for beginners." 2020.', said) == (True, None)
    # a parking page stands even when its title holds the entry's title (the domain's name)
    parked = html_meta("<title>planet-archive.org - This domain may be for sale!</title>").dumps()
    assert judge_page("URL008", parked, '"Planet archive." 2010.', 'a parking page: it says "domain may be for sale"') == (True, None)
    # a dead link has no page to judge
    assert judge_page("URL001", None, '"Tomato growing for beginners." 2020.') == (True, None)


def test_a_utf8_page_served_without_a_charset_is_read_as_utf8() -> None:
    """requests reads text/html without a charset as Latin-1: the titles are repaired."""
    misread = "<title>Página no encontrada | El Diario</title>".encode("utf-8").decode("latin-1")
    assert html_meta(misread).title == "Página no encontrada | El Diario"
    assert html_meta("<title>Caf&eacute; society</title>").title == "Café society"  # real Latin-1 text stays


def test_a_living_page_is_judged_by_its_last_change_too() -> None:
    from citelint.urls.wrong_page import wrong_page

    data = json.dumps({"@type": "Article", "name": "Summit talks collapse as leaders walk out", "datePublished": "2004-05-01", "dateModified": "2023-01-09"})
    meta = html_meta(f'<html><head><script type="application/ld+json">{data}</script></head></html>')
    assert wrong_page('"Summit talks collapse as leaders walk out." Wikipedia, 2023.', meta) is None
    assert wrong_page('"Summit talks collapse as leaders walk out." Wikipedia, 2004.', meta) is None
    assert "the year 2004, the entry 2012" in (wrong_page('"Summit talks collapse as leaders walk out." Wikipedia, 2012.', meta) or "")


def test_a_pdf_title_that_is_a_running_head_is_no_alarm() -> None:
    from citelint.urls.wrong_page import wrong_page

    running_head = pdf_meta(pdf_bytes("Journal of Forest Studies 12 (2020)", "Editor"))
    assert wrong_page('"Forest cover change in the Amazon basin." 2020.', running_head) is None
    assert wrong_page('"Deep learning for protein folding." 2021.', pdf_meta(PDF)) is not None


def test_a_title_that_is_only_the_site_name_is_no_title() -> None:
    """A page whose <title> is the site's name is judged by its text."""
    from citelint.urls.wrong_page import wrong_page

    page = (
        '<html><head><title>ScienceDirect</title><meta property="og:site_name" content="ScienceDirect"></head>'
        f"<body><nav>Journals and books</nav><article><h2>Summit talks collapse as leaders walk out</h2><p>{BODY}</p></article></body></html>"
    )
    meta = html_meta(page)
    assert meta.titles == () and "Summit talks collapse" in meta.text
    assert wrong_page('"Summit talks collapse as leaders walk out." 2021.', meta) is None
    assert "no title of its own" in (wrong_page('"Tomato growing for beginners." 2021.', meta) or "")
    shell = html_meta('<html><head><meta property="og:site_name" content="App"><title>App</title></head><body><div id="root">Loading...</div></body></html>')
    assert wrong_page('"Tomato growing for beginners." 2021.', shell) is None  # next to no text: nothing to judge by


LONG = "<p>" + ARTICLE + "</p>"


@pytest.mark.parametrize(
    ("page", "says"),
    [
        ("<title>example.com is for sale</title>", "a parking page"),
        ("<title>Welcome</title><p>The domain example.com may be for sale by its owner.</p>", "a parking page"),
        ("<title>Diese Domain steht zum Verkauf</title>", "a parking page"),
        ("<title>Ce domaine est à vendre</title>", "a parking page"),
        ("<title>Dit domein is te koop</title>", "a parking page"),
        ("<title>Questo dominio è in vendita</title>", "a parking page"),
        ("<title>Este domínio está à venda</title>", "a parking page"),
        ("<title>404: This page could not be found</title>", "an error page"),
        ("<title>Pagina non trovata</title>", "an error page"),
        ("<title>Página não encontrada</title>", "an error page"),
        ("<title>Pagina niet gevonden</title>", "an error page"),
        ("<title>Home</title><h1>Erreur 404</h1>", "an error page"),
        ("<title>The Planet</title><p>Sorry, we couldn't find that page.</p>", "an error page"),
        ('<title>oldjournal.org</title><script src="https://img.sedoparking.com/js/park.js"></script>', "a parking page"),
        ('<title>oldjournal.org</title><meta name="description" content="oldjournal.org is your first and best source for all of the information you’re looking for.">', "a parking page"),
        # pages that only talk about such things
        (f'<title>How to buy a used domain</title>{LONG}<a href="https://dan.com/">Dan.com</a>', None),
        (f"<title>Domains for sale: how the market works</title>{LONG}", None),
        (f"<title>What is a parked domain?</title>{LONG}", None),
        (f"<title>Domain kaufen: so geht es</title>{LONG}", None),
        (f"<title>Summit talks collapse</title>{LONG}<p>Readers who see page not found should search.</p>", None),
        ("<title>Casa en venta en Madrid</title><p>www.casas.es</p>", None),
    ],
)
def test_error_and_parking_words(page: str, says: Optional[str]) -> None:
    from citelint.urls.fingerprint import PageText
    from citelint.urls.soft404 import words_reason

    reason = words_reason(html_meta(page), PageText(page))
    assert (reason or "").startswith(says or "") and (reason is None) == (says is None), reason


def test_a_data_file_served_as_text_is_not_judged_by_its_text() -> None:
    from citelint.urls.page_meta import page_meta
    from citelint.urls.wrong_page import wrong_page

    data = "year,month,anomaly\n" + "".join(f"{1880 + n // 12},{n % 12 + 1},{(n % 7) / 10:.2f}\n" for n in range(600))
    assert wrong_page('"Global land and ocean temperature anomalies." NOAA, 2020.', page_meta(data, None, "text/plain")) is None
    prose_page = page_meta(NO_TITLE_TEXT, None, "text/plain")
    assert wrong_page('"Transmission Control Protocol." 1981.', prose_page) is not None


def test_kept_metadata_fits_the_verdict_store() -> None:
    from citelint.urls.store import MAX_TEXT

    escaped = "\x01" * 97  # six characters each in JSON
    page = "<head>" + "".join(f"<meta name=citation_author content='{escaped}{n}'>" for n in range(40)) + f"<title>{escaped * 3}</title></head>"
    meta = html_meta(page)
    assert len(meta._json()) > MAX_TEXT  # as it was read
    assert len(meta.dumps()) <= MAX_TEXT and PageMeta.loads(meta.dumps()) is not None


def test_a_chapter_cited_at_its_book_page_is_not_another_work() -> None:
    from citelint.urls.wrong_page import wrong_page

    book = html_meta("<title>The Oxford Handbook of Political Science | Oxford Academic</title>")
    chapter_entry = 'Smith, J. "Voting and turnout." In *The Oxford Handbook of Political Science*, edited by R. Goodin, 2011. https://x.org/b'
    assert wrong_page(chapter_entry, book) is None
    # the site's name after " | " is not a container: another article of the same site is another work
    other = html_meta("<title>Tomato growing for beginners | BBC News</title>")
    assert wrong_page('Smith, J. "Summit talks collapse." *BBC News*, 2021. https://x.org/a', other) is not None


# -- the page's readings, each made once and as fast as the pattern allows ---------------

import html as _html  # noqa: E402 - the readings as they were, for the comparisons below
import re as _re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TAG_AS_BEFORE = _re.compile(r"<[^>]{0,2000}>")
_TITLE_AS_BEFORE = _re.compile(r"<title[^>]{0,200}>(.{0,500}?)</title\s*>", _re.IGNORECASE | _re.DOTALL)


def _visible_text_as_before(page: str) -> tuple[str, str]:
    """urls.fingerprint.visible_text as it was: each cut lower-cased the text it was given."""

    def cut(text: str, opener: str, find_end, tail: int) -> str:  # type: ignore[no-untyped-def]
        lower = text.lower()
        pieces = []
        position = 0
        while True:
            start = lower.find(opener, position)
            if start < 0:
                pieces.append(text[position:])
                break
            pieces.append(text[position:start])
            end = find_end(lower, start + len(opener))
            if end < 0:
                break
            position = end + (tail if tail else 1)
        return " ".join(pieces)

    def close_tag(lower: str, closer: str, start: int) -> int:
        end = lower.find(closer, start)
        return -1 if end < 0 else lower.find(">", end)

    title_match = _TITLE_AS_BEFORE.search(page)
    title = " ".join(_html.unescape(title_match.group(1)).split()) if title_match else ""
    text = cut(page, "<!--", lambda lower, start: lower.find("-->", start), 3)
    for element in ("script", "style", "noscript", "template", "svg", "head"):
        closer = f"</{element}"
        text = cut(text, f"<{element}", lambda lower, start, closer=closer: close_tag(lower, closer, start), 0)
    return title, " ".join(_html.unescape(_TAG_AS_BEFORE.sub(" ", text)).split())


_PAGE_PIECES = st.lists(
    st.sampled_from(
        ["<!--", "-->", "<script>", "</script>", "<SCRIPT src='x'>", "</Script >", "<style>", "</style>", "<svg>", "</svg>", "<head>", "</head>",
         "<noscript>", "</noscript>", "<template>", "</template>", "<title>", "</title>", "<p>", "</p>", "<b", ">", "a", "Word", " ", "\n",
         "\u0130", "\u017f", "\u0131", "\u00df", "K", "\u00c9t\u00e9", "&amp;", "src=", "SRC", "//sedoparking.com", "//www.SEDO.com/x", "//bodis.com.evil",
         "is your first and best source for all of the information", "IS YOUR FIRST AND BEST SOURCE FOR THE INFORMATION", "=", "'", '"', "1",
         "y" * 999]  # three make a tag too long to be one (more than 2,000 characters)
    ),
    max_size=30,
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_PAGE_PIECES)
def test_a_pages_visible_text_is_what_it_was_when_each_cut_lower_cased_the_text(page: str) -> None:
    """The page is lower-cased once for all the cuts where that keeps its positions;
    the visible text (and so the fingerprints stored as snapshots) is unchanged."""
    from citelint.urls.fingerprint import PageText, visible_text

    assert visible_text(page) == PageText(page).visible == _visible_text_as_before(page)


@settings(max_examples=3000, deadline=None)
@given(_PAGE_PIECES)
def test_a_parking_services_markup_is_found_where_the_pattern_found_it(page: str) -> None:
    """Tried only where a match can begin, the pattern finds what its search of the
    whole page found: the same place, the same service."""
    from citelint.urls.fingerprint import PageText
    from citelint.urls.soft404 import _PARKING_MARKUP, MARKUP_READ, _parking_markup

    found, before = _parking_markup(PageText(page)), _PARKING_MARKUP.search(page, 0, MARKUP_READ)
    assert (found and (found.span(), found.groups())) == (before and (before.span(), before.groups()))


def test_each_fetched_page_is_read_for_its_text_and_fingerprint_once(server: PageServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: a page's soft-404 words, its catch-all comparison and its
    snapshot read one visible text and one fingerprint (they were read three times
    and twice: ~7 ms of a 28 kB page's ~10)."""
    from collections import Counter

    import citelint.urls.fingerprint as fingerprint

    read: list[int] = []
    visible_text = fingerprint.visible_text

    def counting(page: str, lower: Optional[str] = None) -> tuple[str, str]:
        read.append(len(page))
        return visible_text(page, lower)

    hashed: list[str] = []
    hash_of = fingerprint._hash
    monkeypatch.setattr(fingerprint, "visible_text", counting)
    monkeypatch.setattr(fingerprint, "_hash", lambda text: hashed.append(text) or hash_of(text))
    Path("ch.md").write_text(chapter([f"Smith, J. (2021). Summit talks collapse. BBC News. {server.url('/news/world-56271234')}"]), encoding="utf-8")
    assert url_findings(check_json("--urls", "--allow-private", "ch.md")[1]) == {}
    assert server.probes() == 1  # the made-up address beside it answered 404: nothing of it to read
    assert read == [len(NEWS)]
    assert hashed and max(Counter(hashed).values()) == 1


_HOSTILE_SHAPES = ["<", "< ", "<a", "<title", "<title>", "<title>a</title", "<meta ", "<meta content='", "<h1", "<script", "<!--", "&#x",
                   "<script type='application/ld+json'>{", "a ", "<p>a ", "</", "<head>", "<svg", "\u0130<", "<![CDATA["]


@pytest.mark.parametrize("shape", _HOSTILE_SHAPES)
def test_a_page_of_one_shape_to_the_body_limit_is_read_in_bounded_time(shape: str) -> None:
    """Every reading of a fetched page (visible text, fingerprint, metadata, soft-404
    words and markup) on 2 MB of one repeated shape: a tag pattern tried 2,000
    characters at each "<" of a page of "<" took 5 s, past the link's deadline."""
    import time

    from citelint.urls.fingerprint import PageText
    from citelint.urls.limits import BODY_LIMIT
    from citelint.urls.page_meta import page_meta
    from citelint.urls.soft404 import markup_reason, words_reason

    page = (shape * (BODY_LIMIT // len(shape) + 1))[:BODY_LIMIT]
    started = time.process_time()
    text = PageText(page)
    assert text.fingerprint.size <= len(page)
    meta = page_meta(page, None, "text/html")
    if meta is not None:
        words_reason(meta, text)
    markup_reason(text)
    assert time.process_time() - started < 2.5, shape


@pytest.mark.parametrize("inside", [0, 1, 1999, 2000, 2001, 4002])
def test_tags_are_cut_as_the_pattern_cut_them_at_the_length_bound(inside: int) -> None:
    """A tag holds at most 2,000 characters; a "<" too far from its ">" is text, and
    a later "<" close enough to the same ">" still opens a tag."""
    from citelint.urls.fingerprint import _without_tags

    for text in [f"a<{'x' * inside}>b", f"a<{'x' * inside}<{'y' * (inside // 2)}>b<c", f"<<{'z' * inside}>>", f"<{'x' * inside}"]:
        assert _without_tags(text) == _TAG_AS_BEFORE.sub(" ", text), (inside, text[:12])
