"""URL008 ``soft-404``: a page that answers 200 but is an error or parking page.

Four signs, each enough:

- **Words.** The page's title or first ``<h1>`` says "page not found", "this
  page does not exist", "domain for sale", "this domain is parked" or the like
  (``ERROR_PHRASES``, ``PARKING_PHRASES``: English, German, French, Spanish,
  Italian, Portuguese, Dutch), or a short page (``SHORT_TEXT`` characters of
  visible text at most) says so in its text; or the page loads its scripts from
  a parking service, or holds a parking page's filler description ("... is your
  first and best source for all of the information you're looking for").
- **A parking host.** A redirect from the cited host ends on a domain-parking or
  domain-sale service (``PARKING_HOSTS``).
- **Sent home.** A deep link (a path other than the root, or a query) is
  redirected to a site's root or home page (``/``, ``/index.html``, ``/en/``),
  by HTTP or by a ``<meta http-equiv="refresh">``: the page it named is gone.
- **A catch-all site.** A made-up address in the same folder (``probe_url``)
  answers 200 with a near-identical page (``SAME_PAGE``: 95% of the text both
  ways): the site answers every path with one page, so that answer says nothing.
  One such probe per host and run (``HostProbes``), a single request without
  redirects, through the checker's guarded session and within the link's
  deadline; a probe not answered in time is no finding.

When the entry's title matches the page's title, the finding is dropped when
findings are made (a page *about* 404 pages, a single-page site serving the
work): see ``urls.url_diagnostics``.
"""

from __future__ import annotations

import re
import secrets
import threading
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit

from citelint.urls.fingerprint import MIN_WORDS, Fingerprint, PageText, kept_share
from citelint.urls.page_meta import PageMeta, repaired

SHORT_TEXT = 2000  # characters of visible text below which a page's text is read for the phrases
TEXT_READ_LIMIT = 300 * 1024  # characters of a page whose visible text is made for that (longer pages: title and h1 only)
SAME_PAGE = 0.95
ERROR_PAGE = "an error page answered with 200"
CATCH_ALL = "a made-up address on the same site answers with the same page"
TITLE_MAY_CLEAR = (ERROR_PAGE, CATCH_ALL)  # findings a page titled as the entry's work does not stand by
PROBE_PREFIX = "citelint-probe-"

ERROR_PHRASES = (
    # en
    "page not found", "404 not found", "file not found", "error 404", "404 error", "404 page",
    "page does not exist", "page doesn t exist", "page cannot be found", "page can t be found",
    "page could not be found", "page you requested could not be found", "page you are looking for could not be found",
    "page you were looking for doesn t exist", "page you are looking for does not exist", "page is no longer available",
    "this page isn t available", "nothing was found at this location", "we can t find that page", "we couldn t find that page",
    "requested url was not found", "was not found on this server", "page you requested was not found", "page you re looking for doesn t exist",
    "page you re looking for can t be found", "page you were looking for could not be found", "requested page could not be found", "content not found",
    "article not found", "page no longer exists", "this page no longer exists", "page has been removed", "page not available",
    "sorry we couldn t find", "sorry we can t find", "the link you followed may be broken",
    # de
    "seite nicht gefunden", "seite wurde nicht gefunden", "seite existiert nicht", "seite konnte nicht gefunden werden",
    "fehler 404", "datei nicht gefunden",
    # fr
    "page introuvable", "page non trouvee", "page n existe pas", "page demandee est introuvable", "erreur 404",
    "page que vous recherchez n existe pas",
    # es
    "pagina no encontrada", "pagina no existe", "no se encontro la pagina", "no se ha encontrado la pagina", "pagina que buscas no existe",
    # it
    "pagina non trovata", "pagina non esiste", "errore 404", "pagina richiesta non e stata trovata",
    # pt
    "pagina nao encontrada", "pagina nao existe", "erro 404", "pagina que voce procura nao existe",
    # nl
    "pagina niet gevonden", "pagina bestaat niet", "fout 404", "pagina kon niet worden gevonden",
)
BARE_ERROR_TITLES = frozenset(
    {"404", "not found", "error", "oops", "nicht gefunden", "introuvable", "no encontrado", "no encontrada",
     "non trovato", "non trovata", "nao encontrado", "nao encontrada", "niet gevonden"}
)
PARKING_PHRASES = (
    # en
    "domain for sale", "domain is for sale", "domain may be for sale", "buy this domain", "this domain is parked",
    "domain is parked", "parked free", "this domain has expired", "domain name has expired", "domain name is for sale",
    "domain is available for purchase", "inquire about this domain", "this domain is registered but may still be available",
    # de
    "domain steht zum verkauf", "domain ist zu verkaufen", "domain wurde geparkt", "domain ist geparkt",
    # fr
    "domaine est a vendre", "domaine a vendre", "nom de domaine est a vendre",
    # es
    "dominio esta a la venta", "dominio esta en venta", "dominio en venta", "dominio a la venta",
    # it
    "dominio e in vendita", "dominio in vendita",
    # pt
    "dominio esta a venda", "dominio a venda",
    # nl
    "domein is te koop", "domein te koop", "domeinnaam te koop",
)
# Domain-parking and domain-sale services a lapsed domain is redirected to (and their subdomains).
PARKING_HOSTS = (
    "sedoparking.com", "sedo.com", "bodis.com", "parkingcrew.net", "dan.com", "afternic.com", "hugedomains.com",
    "above.com", "parklogic.com", "undeveloped.com", "buydomains.com", "domainmarket.com",
)
LANGUAGES = "en|de|fr|es|it|pt|nl|pl|sv|da|no|nb|fi|ru|uk|ja|zh|ko|ar|tr|cs|hu|el|he|ro|id"
_HOME = re.compile(rf"/?(?:(?:index|default|home|start|main|welcome)(?:\.\w{{2,5}})?|(?:{LANGUAGES})(?:[-_][a-z]{{2}})?)?/?", re.IGNORECASE)
SALE_WORDS = (
    "for sale", "available for purchase", "zum verkauf", "zu verkaufen", "a vendre", "en venta", "a la venta", "in vendita", "a venda", "te koop",
    "make an offer",
)
# Said by a parking page, but also by an article about domains: enough in a short page's text only.
PARKING_TEXT_PHRASES = ("parked domain", "domain has expired", "get this domain", "domain kaufen", "diese domain kaufen")
DOMAIN_WORDS = ("domain", "domains", "domaine", "dominio", "domein", "domeinnaam")
_HOST_FOR_SALE = re.compile(r"^\s*(?:www\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}\.[a-z]{2,24}\s+(?:is|may be|ist|est|está|esta|è|e|is te)\b", re.IGNORECASE)


def _normal(text: str) -> str:
    """Lower-case words joined by single spaces, accents dropped, framed by spaces."""
    from citelint.urls.titles import words

    return " " + " ".join(words(text[:5000])) + " "


def _says(text: str, phrases: tuple[str, ...]) -> Optional[str]:
    normal = _normal(text)
    return next((phrase for phrase in phrases if f" {phrase} " in normal), None)


def _for_sale(text: str, short_page: bool) -> Optional[str]:
    """A host name offered for sale ("example.com is for sale"), or on a short page
    the word "domain" with a word of sale, in any of the languages."""
    normal = _normal(text)
    sale = next((phrase for phrase in SALE_WORDS if f" {phrase} " in normal), None)
    if sale is None:
        return _says(text, PARKING_TEXT_PHRASES) if short_page else None
    if _HOST_FOR_SALE.match(text[:300]) or (short_page and any(f" {word} " in normal for word in DOMAIN_WORDS)):
        return sale
    return _says(text, PARKING_TEXT_PHRASES) if short_page else None


# A parking page's markup: a script, frame or image from a parking service; the filler text of its description.
_PARKING_MARKUP = re.compile(
    r"\bsrc\s*=\s*[\"']?(?:https?:)?//(?:[\w-]+\.)*(" + "|".join(re.escape(host) for host in PARKING_HOSTS) + r")\b"
    r"|is your first and best source for (?:all of )?the information",
    re.IGNORECASE,
)
MARKUP_READ = 64 * 1024  # characters of a page searched for a parking service's markup


_FILLER_START = "is your first and best source for"
_CASE_MATES = ("\u0131", "\u017f")  # dotless i, long s: the pattern takes them for i and s, lower-casing does not


def markup_reason(page: PageText) -> Optional[str]:
    """The page is made by a parking service (its scripts, or its filler text)."""
    found = _parking_markup(page)
    if found is None:
        return None
    return f"a parking page: it is served by {found.group(1).lower()}" if found.group(1) else "a parking page: it holds a parking service's filler text"


def _parking_markup(page: PageText) -> Optional["re.Match[str]"]:
    """``_PARKING_MARKUP.search(body, 0, MARKUP_READ)``, tried only where a match
    can begin: at each ``src`` and each start of the filler text in the page
    lower-cased. A pattern that ignores case is tried at every character of the
    page (~1.8 ms of a 28 kB page; ~3 ms at 64 kB). When lower-casing moves the
    page's positions (a character that becomes two) or misses a letter the
    pattern's case-folding takes (``_CASE_MATES``), the whole search is made."""
    body = page.body
    if page.lower is None or any(mate in body[:MARKUP_READ] for mate in _CASE_MATES):
        return _PARKING_MARKUP.search(body, 0, MARKUP_READ)
    lower = page.lower[:MARKUP_READ]
    starts: list[int] = []
    for beginning in ("src", _FILLER_START):
        start = lower.find(beginning)
        while start >= 0:
            starts.append(start)
            start = lower.find(beginning, start + 1)
    for start in sorted(starts):
        found = _PARKING_MARKUP.match(body, start, MARKUP_READ)
        if found is not None:
            return found
    return None


def words_reason(meta: PageMeta, page: Optional[PageText]) -> Optional[str]:
    """The page says it is an error or parking page (title, h1, or a short page's
    text), or is made by a parking service (``markup_reason``)."""
    from citelint.urls.titles import title_parts

    if meta.kind == "html" and page is not None:
        made = markup_reason(page)
        if made:
            return made

    heads = [title for title in (*meta.titles[:4], meta.h1) if title]
    for head in heads:
        said = _phrase_reason(head, short_page=False)
        if said:
            return said
        if any(_normal(part).strip() in BARE_ERROR_TITLES for part in title_parts(head)):
            return f'{ERROR_PAGE}: its title is "{head[:80]}"'
    if page is not None and len(page.body) <= TEXT_READ_LIMIT and meta.kind in ("html", "text"):
        text = repaired(page.visible[1])
        if len(text) <= SHORT_TEXT:
            return _phrase_reason(text, short_page=True)
    return None


def _phrase_reason(text: str, short_page: bool) -> Optional[str]:
    """Why ``text`` (a title, or a short page's whole text) is a parking or error page, if it says so."""
    said = _says(text, PARKING_PHRASES) or _for_sale(text, short_page=short_page)
    if said:
        return f'a parking page: it says "{said}"'
    said = _says(text, ERROR_PHRASES)
    return f'{ERROR_PAGE}: it says "{said}"' if said else None


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def parking_host(host: str) -> Optional[str]:
    return next((known for known in PARKING_HOSTS if host == known or host.endswith("." + known)), None)


def redirect_reason(url: str, final_url: str, hops: list[str]) -> Optional[str]:
    """A redirect to a parking service, or a deep link sent to a home page."""
    if final_url == url or not hops:
        return None
    start_host = _host_of(url)
    if parking_host(start_host) is None:
        for hop in [*hops[1:], final_url]:
            parked = parking_host(_host_of(hop))
            if parked:
                return f"redirected to the domain-parking service {parked}: the domain has lapsed"
    start, end = urlsplit(url), urlsplit(final_url)
    if is_deep(start.path, start.query) and not is_deep(end.path, end.query) and (end.path or "/") != (start.path or "/"):
        return f"redirected to the home page {final_url}: the page it named is gone"
    return None


def refresh_reason(url: str, final_url: str, meta: PageMeta) -> Optional[str]:
    """A deep link whose page sends the browser home (``<meta http-equiv="refresh" content="0; url=/">``)."""
    if not meta.refresh:
        return None
    target = urljoin(final_url, meta.refresh)
    start, end = urlsplit(url), urlsplit(target)
    if is_deep(start.path, start.query) and not is_deep(end.path, end.query):
        return f"sends the browser to the home page {target}: the page it named is gone"
    return None


def is_deep(path: str, query: str = "") -> bool:
    """A path other than a site's root or home page, or any path with a query."""
    return bool(query) or _HOME.fullmatch(path or "/") is None


def probe_url(final_url: str) -> Optional[str]:
    """A made-up address in the folder of ``final_url`` (None for a root page)."""
    parts = urlsplit(final_url)
    if not is_deep(parts.path, parts.query):
        return None
    folder = parts.path.rsplit("/", 1)[0] + "/"
    return parts._replace(path=folder + PROBE_PREFIX + secrets.token_hex(8), query="", fragment="").geturl()


def same_page(page: Fingerprint, probe: Fingerprint) -> bool:
    """Whether the made-up address's answer is near-identical to the page."""
    if page.words < MIN_WORDS or probe.words < MIN_WORDS:
        return page.signature == probe.signature and page.title == probe.title
    return kept_share(page, probe) >= SAME_PAGE and kept_share(probe, page) >= SAME_PAGE


class HostProbes:
    """At most one probe per host and run, asked by the host's first link. Another
    link of the host takes its answer when it has come; before, the link does not
    wait for it (its worker goes on with the next link) and is judged when the
    run's fetches are done (``settled``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, threading.Event] = {}
        self._answers: dict[str, Optional[Fingerprint]] = {}

    def answer(self, host: str, probe: Callable[[], Optional[Fingerprint]]) -> tuple[bool, Optional[Fingerprint]]:
        """(whether the host's probe has answered, its answer: a 200 page's
        fingerprint, or None when there is none), running ``probe`` if no link of
        the host did yet."""
        with self._lock:
            event = self._done.get(host)
            first = event is None
            if first:
                event = self._done[host] = threading.Event()
        assert event is not None
        if first:
            try:
                self._answers[host] = probe()
            finally:
                event.set()
        elif not event.is_set():
            return False, None
        return True, self._answers.get(host)

    def settled(self, host: str) -> Optional[Fingerprint]:
        """The host's probe answer, or None when there is none or it never came
        (its link was given up at its deadline): a probe not answered is no finding."""
        event = self._done.get(host)
        return self._answers.get(host) if event is not None and event.is_set() else None


def catch_all_reason(page: Fingerprint, probe: Optional[Fingerprint]) -> Optional[str]:
    if probe is not None and same_page(page, probe):
        return f"{CATCH_ALL}: the site answers every path with one page, so the page cited may not exist"
    return None
