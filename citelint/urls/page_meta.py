"""What a fetched page says about the work on it: titles, authors, a publication
year and a DOI, read from the bytes already fetched (no second request).

HTML: Highwire tags (``citation_title``, ``citation_author``,
``citation_publication_date``/``citation_date``, ``citation_doi``: Google
Scholar's), JSON-LD (``headline``/``name``, ``author``, ``datePublished``),
``og:title``, ``article:published_time``, then ``<title>`` and the first
``<h1>``. A PDF: the document-information ``/Title``/``/Author`` when the Info
dictionary is uncompressed, and the XMP packet's ``dc:title``/``dc:creator``.

The work is bounded and linear whatever the page: only the head (to
``HEAD_LIMIT``), the first ``<h1>`` and at most ``MAX_JSON_LD`` JSON-LD scripts
are handed to ``html.parser``; every kept string is capped. A page with no
title at all keeps the start of its visible text instead (``text``), so that
the entry's title can be looked for in it.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any, Iterable, Optional

HEAD_LIMIT = 256 * 1024  # characters of a page read for its head when </head> comes later or never
H1_LIMIT = 8 * 1024  # characters after the first <h1 read for its text
JSON_LD_LIMIT = 200 * 1024  # characters of one JSON-LD script parsed, at most
MAX_JSON_LD = 4  # JSON-LD scripts read, at most
MAX_TITLES = 6
MAX_AUTHORS = 40
TITLE_CHARS = 300
NAME_CHARS = 100
TEXT_CHARS = 3000  # visible text kept for a page without any title
PDF_XMP_LIMIT = 64 * 1024  # bytes of an XMP packet read
JSON_LIMIT = 12 * 1024  # characters of the kept JSON (the verdict store takes 16 KiB a column)
MAX_INFO_KEYS = 8  # /Title and /Author keys of a PDF decoded, at most (the last ones)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_COMPACT_DATE = re.compile(r"(?<!\s)\s*+(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_ARTICLE_TYPES = frozenset(
    "article newsarticle scholarlyarticle blogposting reportagenewsarticle analysisnewsarticle opinionnewsarticle "
    "techarticle report book chapter creativework webpage itempage medicalscholarlyarticle thesis dataset "
    "publicationissue periodical legislation review".split()
)
_PERSON_TYPES = frozenset({"person"})


@dataclass(frozen=True)
class PageMeta:
    """The metadata of one page. ``titles`` are the page's titles best first
    (Highwire, JSON-LD, Open Graph, <title>, <h1>, PDF); ``authors`` only those
    the page names as the work's authors (Highwire, JSON-LD persons, PDF);
    ``year`` only from a publication date the page states."""

    titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    year: Optional[int] = None
    doi: Optional[str] = None
    modified_year: Optional[int] = None  # a stated date of the last change (JSON-LD dateModified, article:modified_time)
    text: str = ""  # the start of the visible text, only for a page without any title
    kind: str = "html"  # "html", "text" or "pdf"
    h1: str = ""
    authors_stated: bool = False  # authors come from Highwire or JSON-LD (not a PDF's Author field)
    refresh: str = ""  # where a <meta http-equiv="refresh"> sends the browser (not kept: read when fetched)

    @property
    def title(self) -> str:
        return self.titles[0] if self.titles else ""

    def dumps(self) -> str:
        """JSON for the verdict store, within JSON_LIMIT characters (the store's cap on
        a column): a page whose text and names escape past it keeps less of them."""
        data = self._json()
        if len(data) > JSON_LIMIT:
            data = replace(self, text="", authors=self.authors[:5])._json()
        if len(data) > JSON_LIMIT:
            data = replace(self, titles=self.titles[:2], text="", authors=(), h1="")._json()  # at most 2 x 300 x 6
        return data

    def _json(self) -> str:
        return json.dumps(
            {"t": list(self.titles), "a": list(self.authors), "y": self.year, "d": self.doi, "x": self.text, "k": self.kind, "h": self.h1, "s": self.authors_stated, "m": self.modified_year},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, data: str) -> Optional["PageMeta"]:
        """The metadata kept in a verdict row, or None when it is not what ``dumps`` writes."""
        try:
            value = json.loads(data)
            titles = tuple(_capped(str(title), TITLE_CHARS) for title in value["t"][:MAX_TITLES])
            authors = tuple(_capped(str(name), NAME_CHARS) for name in value["a"][:MAX_AUTHORS])
            year = value["y"]
            if year is not None and type(year) is not int:
                return None
            doi = value["d"] if isinstance(value["d"], str) else None
            modified = value.get("m")
            if modified is not None and type(modified) is not int:
                return None
            return cls(titles, authors, year, doi, modified, _capped(str(value["x"]), TEXT_CHARS), str(value["k"]), _capped(str(value["h"]), TITLE_CHARS), value["s"] is True)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]


def _clean(text: str, limit: int = TITLE_CHARS) -> str:
    """One line of text: entities decoded, white space folded, UTF-8 read as Latin-1 repaired, capped."""
    return _capped(repaired(" ".join(html.unescape(text[: limit * 8]).split())), limit)


def repaired(text: str) -> str:
    """``text`` decoded again as UTF-8 when it is UTF-8 read as Latin-1 ("CafÃ©"):
    what a page served as ``text/html`` without a charset becomes (HTTP's default
    is Latin-1; the page's own ``<meta charset="utf-8">`` is not read by requests).
    Text that is not such a misreading is returned as it is."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


# -- HTML ---------------------------------------------------------------------


_META_TAG = re.compile(r"<meta\b[^<>]{0,2000}>", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title\b[^<>]{0,200}>", re.IGNORECASE)
_H1_TAG = re.compile(r"<h1\b[^<>]{0,500}>", re.IGNORECASE)
_JSON_LD_TAG = re.compile(r"<script\b[^<>]{0,300}application/ld\+json[^<>]{0,300}>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,500}>")
_HEAD_END = re.compile(r"</head\b", re.IGNORECASE)
_BODY_START = re.compile(r"<(?:body|svg)\b", re.IGNORECASE)
MAX_META = 400  # meta tags read, at most


class _TagParser(HTMLParser):
    """The attributes of one bounded start tag (html.parser's quoting and entities)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        self.attrs = {name.lower(): value or "" for name, value in attrs}

    def attributes(self, tag: str) -> dict[str, str]:
        self.attrs = {}
        self.feed(tag)
        self.close()
        self.reset()
        return self.attrs


def _meta_tags(head: str) -> dict[str, list[str]]:
    """name/property/itemprop -> contents of the head's meta tags, in order."""
    parser = _TagParser()
    found: dict[str, list[str]] = {}
    for count, match in enumerate(_META_TAG.finditer(head)):
        if count >= MAX_META:
            break
        values = parser.attributes(match.group())
        key = (values.get("name") or values.get("property") or values.get("itemprop") or values.get("http-equiv") or "").strip().lower()
        if key and "content" in values:
            kept = found.setdefault(key, [])
            if len(kept) < MAX_AUTHORS:
                kept.append(values["content"])
    return found


def _element_text(page: str, opener: "re.Pattern[str]", closer: str, start: int, end: int, limit: int) -> str:
    """The text of the first element ``opener`` finds in page[start:end] (its tags
    dropped), to ``limit`` characters of markup."""
    found = opener.search(page, start, end)
    if not found:
        return ""
    window = page[found.end() : found.end() + limit]
    stop = window.lower().find(closer)
    inner = window[:stop] if stop >= 0 else window
    return _ANY_TAG.sub(" ", inner)


def _json_ld_scripts(page: str) -> list[str]:
    scripts = []
    position = 0
    for _ in range(MAX_JSON_LD):
        found = _JSON_LD_TAG.search(page, position)
        if not found:
            break
        end = page.find("</script", found.end(), found.end() + JSON_LD_LIMIT)
        if end < 0:
            break
        scripts.append(page[found.end() : end])
        position = end
    return scripts


def html_meta(page: str) -> PageMeta:
    """The metadata of an HTML page. Bounded snippets are located by patterns that
    cannot backtrack across a tag (``[^<>]``, capped) and only those are handed to
    ``html.parser``: fed a whole hostile page (a run of unterminated ``<a`` tags),
    html.parser takes quadratic time."""
    head_close = _HEAD_END.search(page, 0, HEAD_LIMIT)
    head_end = head_close.start() if head_close else min(len(page), HEAD_LIMIT)
    body_start = _BODY_START.search(page, 0, head_end)  # no </head>: the head ends where the body or an icon starts
    title_end = head_end if head_close or not body_start else body_start.start()
    meta = _meta_tags(page[:head_end])
    title = _element_text(page, _TITLE_TAG, "</title", 0, title_end, TITLE_CHARS * 8)  # not an <svg>'s <title>
    h1 = _element_text(page, _H1_TAG, "</h1", 0, len(page), H1_LIMIT)
    ld = _json_ld_work(_json_ld_scripts(page))
    titles = _distinct(
        [
            *meta.get("citation_title", [])[:1],
            *meta.get("dc.title", [])[:1],
            ld.get("title", ""),
            *meta.get("og:title", [])[:1],
            *meta.get("twitter:title", [])[:1],
            title,
            h1,
        ]
    )
    site_names = {_plain(name) for name in [*meta.get("og:site_name", [])[:1], *meta.get("application-name", [])[:1]]}
    titles = tuple(found for found in titles if _plain(found) not in site_names)  # the site's name names no page
    listed = [name for value in meta.get("citation_authors", [])[:1] for name in value.split(";")]  # an older Highwire form
    highwire_authors = [name for name in meta.get("citation_author", []) or listed if name.strip()]
    authors = _distinct(highwire_authors or ld.get("authors", []), NAME_CHARS, MAX_AUTHORS)
    dates = [
        *meta.get("citation_publication_date", [])[:1],
        *meta.get("citation_date", [])[:1],
        *meta.get("citation_online_date", [])[:1],
        ld.get("date", ""),
        *meta.get("article:published_time", [])[:1],
    ]
    doi = next((_clean(value, 200) for value in meta.get("citation_doi", []) if "10." in value), None)
    return PageMeta(
        titles=titles,
        authors=authors,
        year=_first_year(dates),
        doi=doi,
        modified_year=_first_year([ld.get("modified", ""), *meta.get("article:modified_time", [])[:1], *meta.get("og:updated_time", [])[:1]]),
        text="" if titles else _text_start(page),
        h1=_clean(h1),
        authors_stated=bool(authors),
        refresh=_refresh_target(meta.get("refresh", [""])[0]),
    )


def _refresh_target(content: str) -> str:
    """The URL of a refresh's content, ``0; url=/home`` (or "" for a plain reload)."""
    found = re.search(r"[;,]\s*url\s*=\s*['\"]?([^'\"\s]{1,2000})", content, re.IGNORECASE)
    return found.group(1) if found else ""


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", html.unescape(text).casefold()))


def _distinct(values: Iterable[str], limit: int = TITLE_CHARS, count: int = MAX_TITLES) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values:
        cleaned = _clean(value, limit)
        if cleaned and cleaned not in kept:
            kept.append(cleaned)
        if len(kept) >= count:
            break
    return tuple(kept)


def _first_year(dates: Iterable[str]) -> Optional[int]:
    """The year of the first date given: "2021-03-04T09:12Z", "2021/03/04", "4 March 2021", "20210304"."""
    for date in dates:
        found = _YEAR.search(date[:100]) or _COMPACT_DATE.match(date[:100])
        if found:
            return int(found.group(1))
    return None


def _text_start(page: str) -> str:
    from citelint.urls.fingerprint import visible_text

    return repaired(_capped(visible_text(page[: TEXT_CHARS * 40])[1], TEXT_CHARS))


def _json_ld_work(scripts: list[str]) -> dict[str, Any]:
    """Title, authors and date of the first creative work the JSON-LD describes."""
    for script in scripts:
        try:
            data = json.loads(script.strip().rstrip(";"))
        except (ValueError, RecursionError):
            continue
        for node in _nodes(data):
            work = _work_of(node)
            if work:
                return work
    return {}


def _nodes(data: Any, depth: int = 0) -> Iterable[dict[str, Any]]:
    """The objects of a JSON-LD document: the top ones, a @graph's, mainEntity's (bounded)."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _nodes(data[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(value).rsplit("/", 1)[-1].lower() for value in kinds[:10]}


def _work_of(node: dict[str, Any]) -> dict[str, Any]:
    kinds = _types(node)
    if not kinds & _ARTICLE_TYPES:
        return {}
    title = node.get("headline") or node.get("name") or ""
    if not isinstance(title, str) or not title.strip():
        return {}
    date = node.get("datePublished") or ""
    modified = node.get("dateModified") or ""
    return {
        "title": title,
        "authors": _ld_authors(node.get("author")),
        "date": date if isinstance(date, str) else "",
        "modified": modified if isinstance(modified, str) else "",
    }


def _ld_authors(value: Any) -> list[str]:
    """Names of the persons among ``author`` (a string, an object, or a list of either)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:MAX_AUTHORS]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and (not _types(item) - {""} or _types(item) & _PERSON_TYPES):
            name = item.get("name") or " ".join(str(item.get(key, "")) for key in ("givenName", "familyName")).strip()
            if isinstance(name, str):
                names.append(name)
    return names


# -- PDF ----------------------------------------------------------------------

_PDF_INFO = re.compile(rb"/(Title|Author)\s*(\(|<(?!<))")
_XMP_TITLE = re.compile(rb"<dc:title>.{0,500}?<rdf:li[^>]{0,200}>([^<]{1,1000})</rdf:li>", re.DOTALL)
_XMP_CREATOR = re.compile(rb"<dc:creator>(.{0,4000}?)</dc:creator>", re.DOTALL)
_XMP_ITEM = re.compile(rb"<rdf:li[^>]{0,200}>([^<]{1,300})</rdf:li>")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
# What a PDF's Title field holds when nobody set it: the authoring tool's or a file's name, a publisher's item code.
_NOT_A_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel) - |untitled\b|slide \d|layout \d|document\s*\d*$|powerpoint presentation$|pii:|doi:|"
    r"title$|print$|tmp|temp\b)|\.(docx?|pdf|tex|dvi|indd|rtf|odt|pptx?|qxd|qxp|ps|eps)$|^\S*_\S*$",
    re.IGNORECASE,
)


def pdf_meta(data: bytes) -> PageMeta:
    """Title and authors of a PDF from its XMP packet, else its uncompressed Info dictionary."""
    title, authors = _xmp(data)
    if not title or not authors:
        info = _info(data)
        title = title or info.get("Title", "")
        authors = authors or [name for name in re.split(r"\s*(?:;|,\s*and\s|\band\b)\s*", info.get("Author", "")) if name]
    title = _clean(title)
    keep = title and not _NOT_A_TITLE.search(title) and len(title.split()) >= 2
    return PageMeta(titles=(title,) if keep else (), authors=_distinct(authors, NAME_CHARS, MAX_AUTHORS), kind="pdf")


def _xmp(data: bytes) -> tuple[str, list[str]]:
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return "", []
    packet = data[start : start + PDF_XMP_LIMIT]
    title = _XMP_TITLE.search(packet)
    creator = _XMP_CREATOR.search(packet)
    names = [_xml_text(item) for item in _XMP_ITEM.findall(creator.group(1))] if creator else []
    return (_xml_text(title.group(1)) if title else ""), names


def _xml_text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


def _info(data: bytes) -> dict[str, str]:
    """/Title and /Author of the last uncompressed Info dictionary (the newest, after updates)."""
    found: dict[str, str] = {}
    matches = deque(_PDF_INFO.finditer(data), maxlen=MAX_INFO_KEYS)  # the last ones: a hostile file's thousands cost a scan
    for match in matches:
        value = _pdf_string(data, match.end() - 1)
        if value:
            found[match.group(1).decode()] = value
    return found


def _pdf_string(data: bytes, start: int) -> str:
    """A PDF literal ``(...)`` or hex ``<...>`` string at ``start``, decoded."""
    if data[start : start + 1] == b"<":
        end = data.find(b">", start, start + 4 * TITLE_CHARS)
        raw = re.sub(rb"[^0-9A-Fa-f]", b"", data[start + 1 : end]) if end > 0 else b""
        try:
            return _pdf_text(bytes.fromhex(raw.decode() + ("0" if len(raw) % 2 else "")))
        except ValueError:
            return ""
    out = bytearray()
    depth = 0
    index = start + 1
    limit = min(len(data), start + 4 * TITLE_CHARS)
    while index < limit:
        byte = data[index : index + 1]
        if byte == b"\\":
            following = data[index + 1 : index + 2]
            if following in _PDF_ESCAPES:
                out += _PDF_ESCAPES[following]
            elif following.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[index + 1 : index + 4])
                if digits:
                    out.append(int(digits.group(), 8) & 0xFF)
                    index += 1 + len(digits.group())
                    continue
            elif following not in (b"\n", b"\r"):
                out += following
            index += 2
            continue
        if byte == b"(":
            depth += 1
        elif byte == b")":
            if depth == 0:
                return _pdf_text(bytes(out))
            depth -= 1
        out += byte
        index += 1
    return ""


def _pdf_text(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return raw.decode("latin-1").translate(_PDF_DOC_ENCODING)


# PDFDocEncoding where it differs from Latin-1 (PDF 1.7, Annex D.2): 0x80-0xA0.
_PDF_DOC_ENCODING = {
    0x80 + index: char
    for index, char in enumerate("\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030\u201e\u201c\u201d\u2018"
                                 "\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160\u0178\u017d\u0131\u0142\u0153\u0161\u017e\ufffd\u20ac")
}


def page_meta(body: Optional[str], data: Optional[bytes], content_type: Optional[str]) -> Optional[PageMeta]:
    """The metadata of a fetched page: HTML or text from ``body``, a PDF from ``data``
    (what starts as one: a file served as ``application/octet-stream`` too)."""
    if data is not None:
        return pdf_meta(data) if b"%PDF-" in data[:1024] else None
    if body is None:
        return None
    if content_type == "text/plain":
        return PageMeta(text=_capped(" ".join(body[: TEXT_CHARS * 4].split()), TEXT_CHARS), kind="text")
    return html_meta(body)

