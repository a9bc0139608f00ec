"""URL checking (``citelint check --urls``): the URL rules (URL001 on).

This package's ``__init__`` and ``policy``/``store``/``fingerprint`` modules use
the standard library only; requests and requests-cache are imported by
``citelint.urls.http`` when a URL must actually be fetched.
"""

from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Optional

from citelint.catalog import URL_CODES, rule
from citelint.diagnostics import Diagnostic

if TYPE_CHECKING:  # the parse and the rules are imported by what reads a chapter, not by the verdict store
    from citelint.chapter import Chapter
    from citelint.selection import Selection

URL_RULES = {code: rule(code) for code in URL_CODES}

URL_DOCS = {
    "URL001": """The reference's URL is dead: it answers 404 or 410, or its host does not exist.

A reader who follows the link finds nothing. Find the page's new address (a
search for its title, or an archived copy: with `--archive` the message names
the Wayback Machine's copy nearest the day citelint first saw the page) and
cite that. When the archive holds no copy of the page at any date, and
citelint never saw it answer, the message says so ("no archived copy exists
either: check that this source is real"): a reference to a page that was never
there, as chat assistants write, looks like this.

A DOI is dead when the DOI resolver (`doi-resolver`, default `https://doi.org`)
does not know it: the resolver's answer is authoritative.

Failing: an entry whose URL answers `404 Not Found`; an entry whose DOI the
resolver answers `404` for.

Passing: an entry whose URL answers `200 OK` (after any redirects).
""",
    "URL002": """The reference's URL could not be reached.

A timeout, a refused connection, a TLS error, a server error (5xx) that
persisted after retries, or more than 10 redirects. Often passing: check again
later; citelint re-checks failures on every run and never caches them.

A link that answered on its recent checks and fails now is URL010
(`flaky-link`, info) until it fails on `flaky-failures` (default 2) of its
last `flaky-window` (default 3) checks.

Failing: an entry whose server answers `503` on every try.

Passing: an entry whose server answers `200 OK`.
""",
    "URL003": """The reference's URL moved permanently (301 or 308).

The message names the final URL: cite it, so that the reference keeps working
when the old address stops redirecting.

Failing: an entry whose URL answers `301 Moved Permanently`.

Passing: an entry that cites the URL the redirect pointed to.
""",
    "URL004": """The reference's URL was not checked.

Its address is private, loopback or link-local and `--allow-private` is off, it
matches the `exclude` patterns of `[tool.citelint.urls]`, it is not an http(s)
URL, or it is not in the cache and `--offline` sends nothing. Information only.
It is also the verdict of a link that was not asked because its host (or the
address its host resolves to) left 3 of the run's links unanswered for `timeout`
seconds or more: the message names the host, and those 3 links are URL002.

Failing: an entry citing `http://localhost:8000/notes`.

Passing: an entry citing a public `https://` URL.
""",
    "URL005": """The page behind the reference's URL changed substantially.

citelint keeps a text fingerprint of each page from the first successful check
and compares later checks with it: the message says what changed (title, size,
share of the text kept). A changed date, ad slot or white space does not
count. Check that the page still supports the citation; then
`citelint check --urls --accept-changes` takes the page as it is now as the new
snapshot (or suppress the finding on that entry with a `citelint-disable` comment).
If it does not, `--archive` names the Wayback Machine's copy nearest the day of
the first check: the page as it was when cited.

Failing: an entry whose page text was rewritten since the first check.

Passing: an entry whose page changed only its date line.
""",
    "URL006": """The reference's URL could not be verified: a bot wall, not a dead link.

401, 403, 429, 999 and other refusals say that the server would not answer a
checker, not that the page is gone. Check it in a browser, or list the status in
`accept`. Information only.

Failing: an entry whose server answers `403 Forbidden` to checkers.

Passing: an entry whose server answers `200 OK`.
""",
    "URL007": """The reference leads to another work than the one it names.

For an entry with a DOI, `--urls` asks the DOI resolver (`doi-resolver`,
default `https://doi.org`) for the work's metadata (CSL-JSON, by content
negotiation) and compares it with the entry's first DOI: a title that is not
the entry's (titles are compared as for pages, below), a first author not among
the record's authors or editors (spellings such as Müller and Mueller are one
name), or a year more than one off every date of the record. A book's DOI cited
for one of its chapters (the record's title is the entry's book) is the same
work. The message shows both. An entry without a title is not judged.

Failing: `Smith, J. (2020). "Deep learning for cats." doi:10.1000/182`, whose
DOI's record is "Soil chemistry of tomato fields" (Garcia, 2011).

Passing: the same entry whose DOI's record is "Deep Learning for Cats: A
Survey" (Smith, 2020).

For an entry's URL, the page it leads to is compared with the entry the same
way, from what the page says of itself (read from the page already fetched: no
other request): its titles (Highwire `citation_title`, JSON-LD `headline`,
`og:title`, `<title>`, the first `<h1>`; a PDF's Title), or on a page without
any (the site's name is none) its text, when it reads as prose; the authors it states (`citation_author`, JSON-LD persons): none
shared with the entry's; and the publication date it states (Highwire, JSON-LD
`datePublished`, `article:published_time`): more than a year from the entry's
and from the date of the page's last change if it states one (`dateModified`,
`article:modified_time`: a living page cited as of then). A PDF's Title field
counts against the entry only when it shares no word with the entry's title
(it is often a running head).
Titles match when, for some form of each (whole; without a site name after
" | ", " - ", " — "; main title or subtitle around ":"), at least 70% of the
shorter one's content words are in the other and at least two words are
shared: case, accents, punctuation, smart quotes, HTML entities, a plural "s"
and words such as "the" or "of" do not count. An entry whose title has fewer
than two content words is not judged; nor is the page of an entry with a DOI
(its DOI's record is the authority), nor a bot check, sign-in or consent page;
a page titled as the entry's container (the book of a chapter) is its home, and
a page or DOI record titled as one of the entry's "authors" who reads as no
person names the work: a title read where the authors go (APA's form for a work
without authors, `Title. (2021). Publisher. URL`, or an initial run on into the
title, `Smith, J. Title. Press; 2020`).

Failing: `Smith, J. "Summit talks collapse." BBC News, 2021. https://example.com/a`,
whose page is titled "Tomato growing for beginners | Gardeners' World".

Passing: the same entry whose page is titled "Summit talks collapse as leaders
leave | BBC News".
""",
    "URL008": """The reference's URL answers 200, but with an error or parking page (a soft 404).

A lapsed domain shows a parking page, a site sends every old address to its
home page, or a missing page says "not found" with a success status: a link
checker that reads only the status passes these. citelint reports the page
when its title or first heading (or the text of a short page) says "page not
found", "page does not exist", "domain for sale", "this domain is parked" or
the like (English, German, French, Spanish, Italian, Portuguese, Dutch), or it
loads its scripts from a parking service; when a redirect ends on a
domain-parking service (Sedo, Bodis, ParkingCrew, Dan.com, Afternic,
HugeDomains and a few more); when a deep link is redirected to a
site's root or home page (`/`, `/index.html`, `/en/`), by HTTP or by a
`<meta http-equiv="refresh">`; and when a made-up
address in the same folder answers with a near-identical page (a site that
answers every path with one page). That probe is one request per host and run,
through the same guarded session and deadline. When the entry's title matches
the title of a page found by its words or by the probe, the page is taken as
the work cited (a page about 404 errors, a single-page site) and nothing is
reported; a parking page or a redirect home is reported whatever its title.

Failing: an entry whose URL `https://example.com/2019/report` now redirects to
`https://example.com/`.

Passing: an entry whose URL answers 200 with the article it names.
""",
    "URL009": """The work the reference's DOI names was retracted.

For an entry with a DOI, `--urls` asks the DOI resolver (`doi-resolver`,
default `https://doi.org`) for the work's metadata (CSL-JSON, by content
negotiation). A record with a retraction notice is reported: Crossref's
`updated-by` of type retraction, partial retraction, withdrawal or removal
(the message names the notice and its date), `update-to` of such a type (the
DOI is the notice itself, not the work), a `relation` naming a retraction, or
a title starting `RETRACTED:`. A correction or an expression of concern is not
reported. Check that the citation still stands: cite the notice
too, or another source.

Failing: `Wakefield, A. (1998). "Ileal-lymphoid-nodular hyperplasia ..." *The
Lancet*. doi:10.1016/S0140-6736(97)11096-0`, whose record is updated by a
retraction.

Passing: an entry whose DOI's record carries no retraction, or an entry that
says the work was retracted (`[Retracted]`).
""",
    "URL010": """The reference's URL failed once, but answered on its recent checks.

A timeout, a refused connection or a 5xx after retries (what URL002 reports)
on a link that answered on its last checks is most likely one bad moment of its
server: reported as information, so one slow server does not fail a build.
citelint keeps each URL's recent outcomes in its cache (a run answered from
the cache adds none); the link becomes URL002 once it fails on
`flaky-failures` (default 2) of its last `flaky-window` (default 3) checks,
this one included. A link never seen answering is URL002 at once.

Failing: an entry whose server answered `200 OK` on the last three runs and
`503` on this one.

Passing: an entry whose server answers `200 OK`.
""",
}


class Link(NamedTuple):
    """A URL of a reference entry and where it is in the document text."""

    url: str
    start: int
    end: int
    entry: str = ""  # the text of the entry the URL is in (for URL007)


class DoiLink(NamedTuple):
    """A DOI of a reference entry, where it is in the document text, and the
    entry's text (what the resolver's record is compared with: the entry's
    title is compared with its ``first`` DOI's record only)."""

    doi: str
    start: int
    end: int
    entry: str
    first: bool = True


def _entry_texts(chapter: "Chapter") -> Iterator[tuple[int, str, str]]:
    """(offset, text as written, text without its label) of each reference entry of
    the chapter: offsets are in the first, the entry's fields are read from the
    second (a list number is no author's given name)."""
    document = chapter.document
    entries = [entry for part in chapter.chapters() if part.references is not None for entry in part.references.entries]
    for entry in entries:
        start = document.offset(entry.first_line)
        yield start, document.text[start : document.line_end(entry.last_line)], entry.text


def doi_links_of(chapter: "Chapter") -> Iterator[DoiLink]:
    """Each entry's DOIs (checked at the resolver: urls.doi), written bare, as
    ``doi:`` or as a doi.org URL."""
    from citelint.patterns import iter_dois

    for start, text, fields in _entry_texts(chapter):
        for index, doi in enumerate(iter_dois(text)):
            yield DoiLink(doi.text, start + doi.start, start + doi.end, fields, first=index == 0)


def links_of(chapter: "Chapter") -> Iterator[Link]:
    """Each entry's URLs, or its DOI as a doi.org URL when it has no URL. A DOI's
    URL is checked at the DOI resolver (``doi_links_of``), not fetched as a page."""
    from citelint.patterns import iter_dois, iter_urls

    for start, text, fields in _entry_texts(chapter):
        urls = [found for found in iter_urls(text) if len(found.text) > len("https://")]
        for url in urls:
            yield Link(url.text, start + url.start, start + url.end, fields)
        if not urls:
            for doi in iter_dois(text):
                yield Link(f"https://doi.org/{doi.text}", start + doi.start, start + doi.end, fields)


def read_entries_ahead(chapters: Iterable["Chapter"]) -> None:
    """Read the fields of the entries whose pages ``url_diagnostics`` will judge
    (``cited_work``, which keeps them), while the run's thread waits for the links:
    ~80 us an entry that the findings would otherwise add after the last link. At
    most as many as the reading keeps, so that none read ahead is pushed out."""
    from citelint.cited_work import cited_work

    room = cited_work.cache_info().maxsize or 0
    for chapter in chapters:
        for link in links_of(chapter):
            if room <= 0:
                return
            cited_work(link.entry)
            room -= 1


def url_keys(chapter: "Chapter") -> list[str]:
    """What the URL check asks about for a chapter: each entry's URLs (a DOI's URL
    is asked of the DOI resolver instead), and each DOI by its resolver key."""
    from citelint.urls.doi import doi_key, is_doi_url

    keys = [link.url for link in links_of(chapter) if not is_doi_url(link.url)]
    return keys + [doi_key(link.doi) for link in doi_links_of(chapter)]


def url_diagnostics(
    chapter: "Chapter", verdicts: dict, path: str, selection: "Selection", limit: Optional[int] = None  # type: ignore[type-arg]
) -> list[Diagnostic]:
    """A finding at each link whose verdict has a code that the file selects and no
    comment suppresses, at most ``limit`` of each rule in a file, as for the lint
    rules: past that they are counted, and one more finding of the rule says how
    many were left out (it ``stands_for`` them); ``limit``: rules.MAX_FINDINGS_PER_RULE.
    They read each verdict's code, detail and page only: what urls.cached_run hashes
    to know a file's stored findings still stand (read another field, hash it there)."""
    if limit is None:
        from citelint.rules import MAX_FINDINGS_PER_RULE

        limit = MAX_FINDINGS_PER_RULE
    shown: dict[str, list[Diagnostic]] = {}
    left_out: dict[str, tuple[Diagnostic, int]] = {}
    said: set[tuple[str, int, int]] = set()  # a DOI's finding and its doi.org link's alike are said once
    for code, start, end, message in [*_doi_findings(chapter, verdicts), *_link_findings(chapter, verdicts)]:
        rule = URL_RULES[code]
        if (code, start, end) in said or code not in selection.codes or selection.suppressed_at(chapter.document.line_of(start), code):
            continue
        said.add((code, start, end))
        kept = shown.setdefault(rule.code, [])
        if len(kept) < limit:
            diagnostic = chapter.finding(rule, start, end, message)
            kept.append(diagnostic._replace(path=path))
        elif rule.code in left_out:
            first, count = left_out[rule.code]
            left_out[rule.code] = (first, count + 1)
        else:
            left_out[rule.code] = (chapter.finding(rule, start, end, "")._replace(path=path), 1)
    found = [diagnostic for kept in shown.values() for diagnostic in kept]
    for first, count in left_out.values():
        message = f"{count:,} more findings of this rule are not shown (at most {limit:,} per file); fix these and run citelint again"
        found.append(first._replace(message=message, stands_for=count))
    return found


def _link_findings(chapter: "Chapter", verdicts: dict) -> Iterator[tuple[str, int, int, str]]:  # type: ignore[type-arg]
    """(code, start, end, message) of each link whose verdict has a code, and of
    each page that is not the work its entry names (URL007, urls.wrong_page)."""
    from citelint.urls.wrong_page import judge_page

    for link in links_of(chapter):
        verdict = verdicts.get(link.url)
        if verdict is None:
            continue
        shown, wrong = judge_page(verdict.code, verdict.page, link.entry, verdict.detail)
        if verdict.code is not None and shown:
            yield verdict.code, link.start, link.end, f"{link.url}: {verdict.detail}"
        if wrong:
            yield "URL007", link.start, link.end, f"{link.url}: {wrong}"


def _doi_findings(chapter: "Chapter", verdicts: dict) -> Iterator[tuple[str, int, int, str]]:  # type: ignore[type-arg]
    """(code, start, end, message) of each entry's DOI: the resolver's verdict when
    it has a code, else the entry judged against the resolver's record (urls.doi)."""
    from citelint.urls.doi import WorkRecord, doi_key, judge

    for link in doi_links_of(chapter):
        verdict = verdicts.get(doi_key(link.doi))
        if verdict is None:
            continue
        if verdict.code is not None:
            yield verdict.code, link.start, link.end, f"doi:{link.doi}: {verdict.detail}"
            continue
        record = WorkRecord.loads(verdict.page)
        for judgement in judge(record, link.entry, link.first) if record is not None else ():
            yield judgement.code, link.start, link.end, f"doi:{link.doi}: {judgement.message}"
