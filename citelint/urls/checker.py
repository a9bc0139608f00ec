"""Check every URL and DOI of the reference lists: each unique URL once per run.

Verdicts come from the verdict table when fresh; the rest are fetched
concurrently (a global worker limit and a per-host cap), each within a total
deadline, by daemon threads, so that no server can stall the run.
"""

import codecs
import math
import re
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Optional
from urllib.parse import urlsplit, urlunsplit

from citelint.config import UrlSettings, compiled_url_excludes, url_excluded
from citelint.urls.doi import REQUEST_HEADERS, answer_detail, is_doi_key, record_from_answer, resolver_url
from citelint.urls.limits import BODY_MARGIN, MAX_REDIRECTS, RETRY_AFTER_CAP, TEXT_TYPES, is_number
from citelint.urls.policy import AddressPolicy, AddressRefused, HostNotFound, ResolveFailed, Resolver, literal_host_refused, system_resolver
from citelint.urls.store import Verdict, VerdictStore

if TYPE_CHECKING:  # the modules a fetch needs are imported when a URL must be fetched
    from citelint.urls.fingerprint import Fingerprint, PageText

OFFLINE_MISS = "not in the cache, and --offline sends nothing; not checked"  # the verdict of a URL the cache does not know, offline
RETRIES = 2
BACKOFF = 0.5
UNVERIFIABLE = {401, 403, 429, 999}
DEAD = {404, 410}
PERMANENT = {301, 308}
ARCHIVED_CODES = {"URL001", "URL005"}  # dead and changed links: an archived copy is what to cite
ARCHIVE_REPLY_LIMIT = 64 * 1024
PROGRESS_EVERY = 0.25  # seconds between two updates of the progress line
STALLED_LINKS = 3  # links of one host (or one address) left unanswered for `timeout` or more, after which its other links are not asked
RESOLVERS_AHEAD = 8  # threads that resolve a run's hosts while it gets ready to fetch (AddressPolicy.resolve_ahead)
_ARCHIVED_URL = re.compile(r"https?://[!-~]{1,2000}")  # printable ASCII, no spaces: safe to show
NO_ARCHIVED_COPY = ("", "")  # the archive answered: it holds no copy at any date
NEVER_SEEN = "no archived copy exists either: check that this source is real"


class _Held(NamedTuple):
    """A link whose page was judged before its host's probe answered: its verdict
    stands unless the probe's page is its page (``UrlChecker._settle``)."""

    url: str
    host: str  # the probes' key: the final URL's host and port
    fingerprint: "Fingerprint"
    extra: dict  # type: ignore[type-arg]  # the verdict's status, final URL, type and page
    code: Optional[str]  # the verdict it was given


class _Retry(NamedTuple):
    """Another try may help (``free``: without counting it, after the cache was dropped)."""

    reason: str
    free: bool = False


class CheckOptions(NamedTuple):
    settings: UrlSettings
    cache_dir: Optional[Path]
    offline: bool = False
    refresh: bool = False
    resolver: Resolver = system_resolver
    progress: Optional[Callable[[int, int], None]] = None
    policy: Optional[AddressPolicy] = None  # default: from settings.allow_private and resolver
    accept_changes: bool = False  # a changed page becomes the new snapshot instead of URL005


class _Fetches:
    """The URLs of a run still to fetch, those in flight and the verdicts so far.
    Every use holds ``changed`` (a condition this run's thread waits on); ``take``
    hands out the next URL in order whose host has a free place, when fewer than
    ``workers`` are in flight. One URL finished frees at most one place, which the
    worker that finished it takes itself.

    A host that leaves STALLED_LINKS of the run's links unanswered for ``slow``
    seconds or more (a tarpit, a black hole, a page dripped to the deadline) has
    its other links not asked (URL004, saying why): a pull request citing 1,000
    links to one would hold the workers for hours. So has an address that many
    links of any hosts connected to (``address_of``): a thousand names of one
    wildcard domain are one server.

    Past the run's time limit (``deadline``) no link is handed out, and the run's
    thread gives up every link not finished (``stop``)."""

    def __init__(
        self,
        urls: list[str],
        host_of: Callable[[str], str],
        workers: int,
        per_host: int,
        slow: float,
        address_of: Callable[[str], Optional[str]],
        deadline: float = math.inf,
    ) -> None:
        self.changed = threading.Condition()
        self.pending = deque(urls)
        self.hosts = {url: host_of(url) for url in urls}
        self.active: dict[str, tuple[float, str]] = {}  # url -> (started, host)
        self.per_host: dict[str, int] = {}
        self.results: dict[str, Verdict] = {}
        self.workers = workers
        self.host_limit = per_host
        self.slow = slow
        self.address_of = address_of  # the address a URL's host resolved to, when known
        self.stalled: dict[str, int] = {}  # host or address -> its links left unanswered for ``slow`` or more
        self.given_up: dict[str, str] = {}  # host or address -> why its other links are not asked
        self.deadline = deadline  # the run's time limit (time.monotonic()): no link is handed out after it

    def take(self) -> Optional[str]:
        if len(self.active) >= self.workers or time.monotonic() >= self.deadline:
            return None  # past the limit, the links left wait for the run's thread to stop them (``stop``)
        index = 0
        while index < len(self.pending):
            url = self.pending[index]
            host = self.hosts[url]
            why = self._given_up(url, host) if self.given_up else None
            if why is not None:
                del self.pending[index]
                self.results[url] = Verdict(url, "URL004", why)
                continue
            if self.per_host.get(host, 0) < self.host_limit:
                del self.pending[index]
                self.per_host[host] = self.per_host.get(host, 0) + 1
                self.active[url] = (time.monotonic(), host)
                return url
            index += 1
        if not self.active and not self.pending:
            self.changed.notify_all()
        return None

    def finish(self, url: str, verdict: Verdict) -> None:
        """Keep the verdict of a URL in flight (one past its deadline was answered already)."""
        if url not in self.active:
            return
        started, host = self.active.pop(url)
        self.per_host[host] -= 1
        self.results[url] = verdict
        if verdict.code == "URL002" and time.monotonic() - started >= self.slow:
            self._stall(url, host)
        if not self.active and not self.pending:
            self.changed.notify_all()

    def stop(self, not_asked: str, unanswered: str) -> None:
        """The run's time limit passed: every link not finished is URL004 now, those
        never started saying ``not_asked``, those in flight ``unanswered`` (their
        workers' late answers are not heard, ``finish``), and nothing more is handed out."""
        for url in self.pending:
            self.results[url] = Verdict(url, "URL004", not_asked)
        self.pending.clear()
        for url in self.active:
            self.results[url] = Verdict(url, "URL004", unanswered)
        self.active.clear()
        self.per_host.clear()
        self.changed.notify_all()

    def _stall(self, url: str, host: str) -> None:
        address = self.address_of(url)
        for key, who in ((host, f"the host {host}"), (address, f"the address {address}")):
            if key is None:
                continue
            self.stalled[key] = self.stalled.get(key, 0) + 1
            if self.stalled[key] == STALLED_LINKS:
                self.given_up[key] = (
                    f"not asked: {who} left {STALLED_LINKS} links of this run unanswered for {self.slow:g} s or more; "
                    "its other links were not checked"
                )

    def _given_up(self, url: str, host: str) -> Optional[str]:
        why = self.given_up.get(host)
        if why is None:
            address = self.address_of(url)
            why = self.given_up.get(address) if address is not None else None
        return why


def deadline_for(timeout: float) -> float:
    """The total time one URL may take, retries and redirects included."""
    return max(3 * timeout, timeout + 5)


class UrlChecker:
    def __init__(self, options: CheckOptions, warn: Callable[[str], None]) -> None:
        self.options = options
        self.settings = options.settings
        self.warn = warn
        self.policy = options.policy or AddressPolicy(self.settings.allow_private, options.resolver)
        self.excludes = compiled_url_excludes(self.settings.exclude)
        store_path = options.cache_dir / "verdicts.sqlite" if options.cache_dir else None
        self.store = VerdictStore(store_path, warn, self.policy.key, self.settings.expire_after)  # verdicts kept per policy
        self._session: Any = None
        self._session_lock = threading.Lock()
        self._cache_dropped = False
        self._stored: dict[str, Optional[Verdict]] = {}
        self._kept: dict[str, Verdict] = {}  # the valid verdicts of the run's URLs, read at once
        self._snapshots: Optional[dict[str, tuple[float, str]]] = None  # the first snapshots of the URLs fetched, read at once
        self._new_snapshots: list[tuple[str, float, str]] = []
        self._replaced_snapshots: list[tuple[str, float, str]] = []
        self.accepted: list[str] = []  # URLs whose changed page was taken as the new snapshot
        self._probes: Any = None  # urls.soft404.HostProbes: one made-up address asked per host and run
        self._held: list[_Held] = []  # links judged before their host's probe answered, settled after the fetches
        self._run_deadline = math.inf  # when the run's time limit passes (time.monotonic()), set by ``check``

    # -- the run -----------------------------------------------------------

    def check(self, urls: list[str], meanwhile: Optional[Callable[[], object]] = None) -> dict[str, Verdict]:
        """Each URL's verdict. ``meanwhile``: what the run's thread does while the
        links are being fetched (it would only wait), once the first requests are
        on their way, a step at a time: called again while it returns true (the
        links' deadlines are kept between steps); called only when some link is fetched."""
        self._run_deadline = time.monotonic() + self.settings.run_timeout
        verdicts: dict[str, Verdict] = {}
        to_fetch: list[str] = []
        now = time.time()
        unique = list(dict.fromkeys(urls))
        self._kept = self.store.get_many(unique)  # every stored verdict, read at once
        for url in unique:
            verdict = self._without_fetching(url, now)
            if verdict is not None:
                verdicts[url] = verdict
            else:
                to_fetch.append(url)
        if to_fetch:
            from citelint.urls.history import judge_flaky

            self._snapshots = self.store.snapshots(to_fetch)  # read at once, not by each link's worker

            fetched = judge_flaky(self.store, self._fetch_all(to_fetch, meanwhile), self.settings.flaky_failures, self.settings.flaky_window)
            self.store.put([v for v in fetched.values() if v.code != "URL004"])
            checked = {url for url, verdict in fetched.items() if verdict.code != "URL004"}
            self.store.save_snapshots([snapshot for snapshot in list(self._new_snapshots) if snapshot[0] in checked])
            self.store.replace_snapshots([snapshot for snapshot in list(self._replaced_snapshots) if snapshot[0] in checked])
            self.accepted = [url for url in self.accepted if url in checked]
            verdicts.update(fetched)
            self._save_http_cache()
        self.store.close()
        return verdicts

    def _save_http_cache(self) -> None:
        """Write the responses still held for the HTTP cache, at the end of the run,
        and close the session: its connections, and the cache's file with its log
        folded in (a process may end without tearing anything down: __main__)."""
        with self._session_lock:
            session = self._session
        if session is None:
            return
        from citelint.urls.http import save_deferred

        try:
            save_deferred(session)
        except Exception as error:  # noqa: BLE001 - a cache that cannot take them changes no verdict
            self.warn(f"the HTTP cache failed ({error}); not all of this run's responses are kept")
        try:
            session.close()
        except Exception:  # noqa: BLE001 - closing changes no verdict; the system closes what is left
            pass

    def _without_fetching(self, url: str, now: float) -> Optional[Verdict]:
        if is_doi_key(url):  # a DOI is asked of the resolver (urls.doi)
            if url_excluded(self.excludes, resolver_url(self.settings.doi_resolver, url)):
                return Verdict(url, "URL004", "excluded by the configuration; not checked")
            return self._from_store(url, now)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port that is not a number from 0 to 65535
        except ValueError as error:
            return Verdict(url, "URL004", f"not a valid URL ({str(error).lower()}); not checked")
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return Verdict(url, "URL004", "only http(s) URLs with a host are checked")
        if url_excluded(self.excludes, url):
            return Verdict(url, "URL004", "excluded by the configuration; not checked")
        refused = literal_host_refused(parts.hostname, self.settings.allow_private)
        if refused:
            return Verdict(url, "URL004", refused)
        return self._from_store(url, now)

    def _from_store(self, url: str, now: float) -> Optional[Verdict]:
        """The stored verdict when fresh (or --offline), else None: to fetch."""
        stored = self._kept.get(url)
        if stored is not None and is_doi_key(url) and stored.final_url != resolver_url(self.settings.doi_resolver, url):
            stored = None  # another resolver's answer
        self._stored[url] = stored
        if self._refetch(url) and not self.options.offline:
            return None  # --refresh, or a changed page to fetch again and accept as it is now
        if stored is not None and (stored.expires_at > now or self.options.offline):
            return stored
        if self.options.offline:
            return Verdict(url, "URL004", OFFLINE_MISS)
        return None

    # -- concurrency -----------------------------------------------------------

    def _fetch_all(self, urls: list[str], meanwhile: Optional[Callable[[], object]] = None) -> dict[str, Verdict]:
        """Fetch ``urls`` with at most ``workers`` in flight and ``per_host`` per host.
        Long-lived worker threads each take the next URL they may fetch as they finish
        one (``_Fetches``): no thread is started per URL (~2 ms of this thread's time
        each) and no job waits for this thread to hand it out. This thread answers
        for the deadlines: a URL past its own is URL002 and its worker is replaced,
        so the pool keeps its size. The hosts are resolved meanwhile from the start,
        while the HTTP stack is imported."""
        self.policy.resolve_ahead(self._targets(urls), RESOLVERS_AHEAD, until=self._run_deadline)
        try:
            self.session()  # made (requests imported) once, here, before any worker waits for it
        except Exception:  # noqa: BLE001 - each link's job meets the failure again and says it
            pass
        fetches = _Fetches(urls, self._host_of, self.settings.workers, self.settings.per_host, self.settings.timeout, self._address_of, self._run_deadline)
        limit = deadline_for(self.settings.timeout)
        for _ in range(min(self.settings.workers, len(urls))):
            self._start_worker(fetches)
        _import_page_readers()
        step = meanwhile
        while step is not None:
            try:
                step = step if step() else None
            except Exception:  # noqa: BLE001 - a head start only: what it would have made is made again when needed
                step = None
            with fetches.changed:
                self._keep_deadlines(fetches, limit, len(urls))
        with fetches.changed:
            while fetches.pending or fetches.active:
                next_deadline = min((started + limit for started, _ in fetches.active.values()), default=time.monotonic())
                wait = min(next_deadline, self._run_deadline) - time.monotonic()
                fetches.changed.wait(timeout=max(0.01, min(wait, PROGRESS_EVERY if self.options.progress else wait)))
                self._keep_deadlines(fetches, limit, len(urls))
        self._settle(fetches.results)
        return fetches.results

    def _keep_deadlines(self, fetches: "_Fetches", limit: float, total: int) -> None:
        """A link past its deadline is URL002 and its worker replaced; past the run's
        time limit, every link not finished is URL004 (``_Fetches.stop``); the
        progress shown. Called with ``fetches.changed`` held."""
        now = time.monotonic()
        if now >= self._run_deadline:
            fetches.stop(self._past_run_limit(asked=False), self._past_run_limit(asked=True))
        for url, (started, _) in list(fetches.active.items()):
            if now - started >= limit:
                fetches.finish(url, Verdict(url, "URL002", _no_complete_answer(limit), checked_at=time.time()))
                self._start_worker(fetches)  # the stuck one answers late, if ever, and is not heard
        if self.options.progress:
            self.options.progress(len(fetches.results), total)

    def _settle(self, results: dict[str, Verdict]) -> None:
        """Judge the held links (``_Held``) by their hosts' probes, all answered or
        given up by now: a page the probe's page matches is URL008, as it would have
        been had its link waited for the probe; it keeps no snapshot, as such a page
        never did. A link past its deadline keeps its URL002."""
        with self._session_lock:
            held, self._held = self._held, []
        if not held:
            return
        from citelint.urls.soft404 import catch_all_reason

        caught = set()
        for link in held:
            verdict = results.get(link.url)
            answer = self._host_probes().settled(link.host)
            reason = catch_all_reason(link.fingerprint, answer) if answer is not None else None
            if reason and verdict is not None and verdict.code == link.code:
                results[link.url] = self._verdict(link.url, "URL008", reason, **link.extra)
                caught.add(link.url)
        self._new_snapshots = [snapshot for snapshot in self._new_snapshots if snapshot[0] not in caught]
        self._replaced_snapshots = [snapshot for snapshot in self._replaced_snapshots if snapshot[0] not in caught]
        self.accepted = [url for url in self.accepted if url not in caught]

    def _asked(self, url: str) -> str:
        """The URL a link's check asks: a DOI's is the resolver's."""
        return resolver_url(self.settings.doi_resolver, url) if is_doi_key(url) else url

    def _target_of(self, url: str) -> tuple[str, int]:
        """The host and port a URL's check connects to first, as its check of the
        address names them (``_check_address``)."""
        parts = urlsplit(self._asked(url))
        return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)

    def _targets(self, urls: list[str]) -> Iterator[tuple[str, int]]:
        for url in urls:
            try:
                yield self._target_of(url)
            except ValueError:  # not a URL a check connects to: its own check says so
                continue

    def _address_of(self, url: str) -> Optional[str]:
        """The address a URL's check connects to first, when its host is resolved already."""
        try:
            addresses = self.policy.answers.get(self._target_of(url))
        except ValueError:
            return None
        return addresses[0] if addresses else None

    def _host_of(self, url: str) -> str:
        """The host a URL's check asks (``_asked``), for the per-host limit."""
        return (urlsplit(self._asked(url)).hostname or "").lower()

    def _start_worker(self, fetches: "_Fetches") -> None:
        threading.Thread(target=self._work, args=(fetches,), daemon=True, name="citelint-url").start()

    def _work(self, fetches: "_Fetches") -> None:
        """A worker: check URLs, each the next one it may take, until none is left for it."""
        with fetches.changed:
            url = fetches.take()
        while url is not None:
            verdict = self._checked(url)
            with fetches.changed:
                fetches.finish(url, verdict)
                url = fetches.take()

    def _checked(self, url: str) -> Verdict:
        try:
            return self.fetch(url)
        except Exception as error:  # noqa: BLE001 - a worker must always answer
            return Verdict(url, "URL002", f"could not be checked ({type(error).__name__}: {error})", checked_at=time.time())

    # -- one URL -----------------------------------------------------------

    def session(self) -> Any:
        with self._session_lock:
            if self._session is None:
                from citelint.urls.http import make_session

                cache = self.options.cache_dir / "http-cache.sqlite" if self.options.cache_dir else None
                self._session = make_session(self.policy, self.settings.workers, cache, self.settings.expire_after, self.warn)
            return self._session

    def fetch(self, url: str) -> Verdict:
        """Check one URL within its deadline, or the run's time limit when that comes
        first; with ``archive``, a dead or changed link's verdict names an archived
        copy when the archive has one."""
        own = time.monotonic() + deadline_for(self.settings.timeout)
        deadline = min(own, self._run_deadline)
        verdict = self._fetch_doi(url, deadline) if is_doi_key(url) else self._fetch(url, deadline)
        if deadline < own and self._cut_short(verdict, deadline):
            return Verdict(url, "URL004", self._past_run_limit(asked=True))
        if is_doi_key(url):
            return verdict
        if self.settings.archive and verdict.code in ARCHIVED_CODES:
            verdict = self._with_archived_copy(verdict, deadline)
        return verdict

    @staticmethod
    def _cut_short(verdict: Verdict, deadline: float) -> bool:
        """Whether a link whose deadline was the run's time limit may owe its verdict
        to it: no answer (URL002; with its own deadline, another try or more time
        might have brought one), or a verdict reached when its body stopped being
        read (a page cut there is not the page). Such a link is not checked."""
        return verdict.code == "URL002" or time.monotonic() >= deadline - BODY_MARGIN

    def _past_run_limit(self, asked: bool) -> str:
        """What a link not checked by the run's time limit is told (URL004)."""
        limit = f"the run's time limit of {self.settings.run_timeout:g} s (run-timeout)"
        if asked:
            return f"not checked: {limit} passed before it answered"
        return f"not asked: {limit} passed first"

    def _fetch(self, url: str, deadline: float) -> Verdict:
        """HEAD where no snapshot is needed, else one streamed GET; retries on 429/503/5xx
        and connection errors, with backoff and jitter, within the URL's deadline."""
        refused = self._check_address(url)
        if refused is not None:
            return refused
        stored = self._stored.get(url)
        method = "HEAD" if stored and stored.content_type and not stored.content_type.startswith(TEXT_TYPES) else "GET"
        outcome, tries, method = self._response(method, url, deadline)
        if isinstance(outcome, Verdict):
            return outcome
        status = outcome.status_code
        if status >= 500 or status == 429:  # still, after the retries
            outcome.close()
            return self._classify(url, status, outcome, None, tries=tries)
        pdf = method == "GET" and _is_pdf(outcome)
        body = self._read_body(outcome, deadline) if method == "GET" and not pdf else None
        data = self._read_pdf(outcome, deadline) if pdf else None
        return self._classify(url, status, outcome, body, deadline=deadline, data=data)

    def _response(self, method: str, url: str, deadline: float, headers: Optional[dict[str, str]] = None) -> tuple[Any, int, str]:
        """The answer to ``url`` after the retries a link gets, within its deadline:
        connection failures with backoff, 429 and 503 after their Retry-After, other
        5xx with backoff; a HEAD that fails is asked again with GET. Returns a Verdict
        that ends it (refused, unknown host, a hop the guard refuses, no answer) or the
        response, open; the tries it took; and the method that got it."""
        attempt = 0
        while True:
            outcome = self._attempt(method, url, deadline, headers)
            if isinstance(outcome, _Retry):
                if outcome.free:
                    continue
                if attempt < RETRIES and self._pause(_backoff(attempt), deadline):
                    attempt += 1
                    continue
                return self._verdict(url, "URL002", outcome.reason), attempt + 1, method
            if isinstance(outcome, Verdict):
                return outcome, attempt + 1, method
            hop_refused = self.policy.refused_hop([hop.url for hop in (*outcome.history, outcome)])  # cached hops too
            if hop_refused is not None:
                outcome.close()
                return self._verdict(url, "URL004", hop_refused), attempt + 1, method
            status = outcome.status_code
            if method == "HEAD" and status >= 400:
                outcome.close()
                method = "GET"
                continue
            if (status >= 500 or status == 429) and attempt < RETRIES:
                wait = _retry_after(outcome) if status in (429, 503) else None
                outcome.close()
                if self._pause(wait if wait is not None else _backoff(attempt), deadline):
                    attempt += 1
                    continue
            return outcome, attempt + 1, method

    def _check_address(self, url: str) -> Optional[Verdict]:
        """Resolve the host once, before any cache or request: refused and unknown hosts end here."""
        try:
            self.policy.checked_address(*self._target_of(url))
        except AddressRefused as error:
            return self._verdict(url, "URL004", str(error))
        except HostNotFound as error:
            return self._verdict(url, "URL001", str(error))
        except ResolveFailed:
            pass  # tried again, with retries, when connecting
        return None

    def _attempt(self, method: str, url: str, deadline: float, headers: Optional[dict[str, str]] = None) -> Any:
        """A response, a final Verdict, or a _Retry saying why another try may help.
        Nothing is sent past the deadline: a worker held that long (by a resolver
        that answered late) has had its link given up already."""
        import requests

        if time.monotonic() >= deadline:
            return self._verdict(url, "URL002", _no_complete_answer(deadline_for(self.settings.timeout)))
        try:
            return self._request(method, url, deadline, headers)
        except AddressRefused as error:
            return self._verdict(url, "URL004", str(error))
        except HostNotFound as error:
            return self._verdict(url, "URL001", str(error))
        except requests.exceptions.TooManyRedirects:
            return self._verdict(url, "URL002", f"more than {MAX_REDIRECTS} redirects")
        except requests.exceptions.SSLError as error:
            return self._verdict(url, "URL002", f"TLS error: {_short(error)}")
        except requests.exceptions.Timeout:
            if time.monotonic() >= deadline - BODY_MARGIN:  # an answer still coming at its read deadline (urls.http)
                return self._verdict(url, "URL002", _no_complete_answer(deadline_for(self.settings.timeout)))
            return self._verdict(url, "URL002", f"timed out after {self.settings.timeout:g} s")
        except (requests.exceptions.ConnectionError, ResolveFailed) as error:
            return _Retry(f"connection failed: {_short(error)}")
        except requests.exceptions.RequestException as error:
            return self._verdict(url, "URL002", f"request failed: {_short(error)}")
        except sqlite3.Error as error:
            self._drop_cache(error)
            return _Retry("", free=True)

    def _request(self, method: str, url: str, deadline: float, headers: Optional[dict[str, str]] = None) -> Any:
        from citelint.urls.http import set_deadline

        timeout = max(0.1, min(self.settings.timeout, deadline - time.monotonic()))
        kwargs: dict[str, Any] = {"timeout": (timeout, timeout), "allow_redirects": True, "stream": True}
        if headers:
            kwargs["headers"] = headers
        session = self.session()
        if self._refetch(url) and hasattr(session, "cache"):
            kwargs["force_refresh"] = True
        set_deadline(deadline - BODY_MARGIN)  # a body still coming then is cut, so the verdict is in time
        try:
            return session.request(method, _without_userinfo(url), **kwargs)
        finally:
            set_deadline(None)

    def _refetch(self, url: str) -> bool:
        """Whether the HTTP cache must be passed by: --refresh, or a changed page to accept."""
        if self.options.refresh:
            return True
        stored = self._stored.get(url)
        return self.options.accept_changes and stored is not None and stored.code == "URL005"

    def _drop_cache(self, error: sqlite3.Error) -> None:
        """Go on without the HTTP cache; the first thread to find it failing says so."""
        from citelint.urls.http import plain_session

        with self._session_lock:
            if self._cache_dropped:
                return
            self._cache_dropped = True
            self._session = plain_session(self.policy, self.settings.workers)
        self.warn(f"the HTTP cache failed ({error}); going on without it")

    @staticmethod
    def _pause(seconds: float, deadline: float) -> bool:
        """Sleep unless that would pass the deadline; False when it would."""
        if time.monotonic() + seconds >= deadline - 0.05:
            return False
        time.sleep(seconds)
        return True

    def _read_body(self, response: Any, deadline: float) -> Optional[str]:
        """The text of a page, to BODY_LIMIT bytes after decoding and the deadline at most."""
        from citelint.urls.http import body_of

        content_type = response.headers.get("Content-Type", "").lower()
        if not response.ok or not content_type.startswith(TEXT_TYPES):
            response.close()
            return None
        try:
            data = body_of(response, deadline - BODY_MARGIN)
        except Exception:  # noqa: BLE001 - a broken body is no body
            return None
        finally:
            response.close()
        return data.decode(_known_encoding(response.encoding), errors="replace")

    def _verdict(self, url: str, code: Optional[str], detail: str, **extra: Any) -> Verdict:
        now = time.time()
        fresh = code is None or code in ("URL003", "URL005", "URL008")
        expires = now + self.settings.expire_after if fresh else 0.0
        return Verdict(url, code, detail, checked_at=now, expires_at=expires, **extra)

    def _classify(
        self, url: str, status: int, response: Any, body: Optional[str], tries: int = 1, deadline: Optional[float] = None, data: Optional[bytes] = None
    ) -> Verdict:
        final = response.url
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower() or None
        extra: dict[str, Any] = {"status": status, "final_url": final, "content_type": content_type}
        page = _page_text(body)
        awaited = None  # the host whose probe this page's judgement is held for
        if 200 <= status < 300:
            extra["page"], soft_404, awaited = self._page_checks(url, response, content_type, page, data, deadline)
            if soft_404:
                return self._verdict(url, "URL008", soft_404, **extra)
        if status in self.settings.accept or 200 <= status < 300:
            verdict = self._answered(url, status, response, page, extra)
            if awaited is not None and page is not None:
                held = _Held(url, awaited, page.fingerprint, extra, verdict.code)
                with self._session_lock:
                    self._held.append(held)
            return verdict
        if status in DEAD:
            where = f" (after redirects, at {final})" if final != _without_userinfo(url) else ""
            return self._verdict(url, "URL001", f"answers {status} {_reason(response)}{where}; the page is gone", **extra)
        if status in UNVERIFIABLE or 400 <= status < 500:
            return self._verdict(url, "URL006", f"answers {status} {_reason(response)}: could not verify (a bot wall or rate limit), not dead", **extra)
        if 500 <= status < 600:
            return self._verdict(url, "URL002", f"answers {status} {_reason(response)} {_after_tries(tries, response)}", **extra)
        return self._verdict(url, "URL002", f"answers {status} {_reason(response)}", **extra)

    def _answered(self, url: str, status: int, response: Any, page: Optional["PageText"], extra: dict[str, Any]) -> Verdict:  # type: ignore[type-arg]
        """The verdict of a page that answered and is no soft 404: moved permanently,
        changed since its snapshot, or good."""
        final = response.url
        permanent = [hop for hop in response.history if hop.status_code in PERMANENT]
        if permanent and final != _without_userinfo(url):
            return self._verdict(url, "URL003", f"moved permanently ({permanent[0].status_code}) to {final}; cite the new URL", **extra)
        changed = self._compare_snapshot(url, page)
        if changed:
            return self._verdict(url, "URL005", changed, **extra)
        return self._verdict(url, None, f"answered {status}", **extra)

    # -- DOIs, at the resolver ---------------------------------------------------

    def _fetch_doi(self, key: str, deadline: float) -> Verdict:
        """The DOI resolver's record of the DOI of ``key`` (urls.doi), asked by content
        negotiation with a link's retries; the record is kept as the verdict's ``page``
        and the entry judged against it when the findings are made."""
        url = resolver_url(self.settings.doi_resolver, key)
        refused = self._check_address(url)
        if refused is not None:
            return refused._replace(url=key, final_url=url)
        outcome, tries, _ = self._response("GET", url, deadline, REQUEST_HEADERS)
        if isinstance(outcome, Verdict):
            return outcome._replace(url=key, final_url=url)
        return self._doi_answer(key, url, outcome, deadline, tries)

    def _doi_answer(self, key: str, url: str, response: Any, deadline: float, tries: int) -> Verdict:
        """A 200 holds the record; 404/410, a DOI the resolver does not know (URL001);
        another answer that is no refusal, a DOI known without metadata."""
        from citelint.urls.http import body_of

        status = response.status_code
        extra = {"status": status, "final_url": url}
        if status == 200:
            try:
                record = record_from_answer(body_of(response, deadline - BODY_MARGIN))
            except Exception:  # noqa: BLE001 - a broken answer holds no record
                record = None
            finally:
                response.close()
            return self._verdict(key, None, "the DOI resolver knows this DOI", page=record.dumps() if record else None, **extra)
        response.close()
        if status in DEAD:
            return self._verdict(key, "URL001", answer_detail(status, _reason(response), self.settings.doi_resolver), **extra)
        if 500 <= status < 600:
            return self._verdict(key, "URL002", f"the DOI resolver answers {status} {_reason(response)} {_after_tries(tries, response)}", **extra)
        if status in UNVERIFIABLE or (400 <= status < 500 and status not in (406, 415)):
            return self._verdict(key, "URL006", f"the DOI resolver answers {status} {_reason(response)}: could not verify the DOI", **extra)
        return self._verdict(key, None, f"the DOI resolver knows this DOI but gives no metadata ({status})", **extra)

    # -- the page itself: its metadata (URL007) and soft 404s (URL008) ----------

    def _read_pdf(self, response: Any, deadline: float) -> Optional[bytes]:
        """A PDF's bytes, to BODY_LIMIT and the deadline at most, for its metadata."""
        from citelint.urls.http import body_of

        try:
            return body_of(response, deadline - BODY_MARGIN) if response.ok else None
        except Exception:  # noqa: BLE001 - a broken body is no body
            return None
        finally:
            response.close()

    def _page_checks(
        self, url: str, response: Any, content_type: Optional[str], page: Optional["PageText"], data: Optional[bytes], deadline: Optional[float]
    ) -> tuple[Optional[str], Optional[str], Optional[str]]:
        """(the page's metadata as JSON, why it is a soft 404 or None, the host whose
        catch-all probe has not answered yet or None): urls.page_meta and
        urls.soft404, from what was read. A HEAD re-check keeps what the GET read."""
        from citelint.urls.page_meta import page_meta
        from citelint.urls.soft404 import redirect_reason, refresh_reason, words_reason

        meta = page_meta(page.body if page is not None else None, data, content_type)
        reason = redirect_reason(_without_userinfo(url), response.url, [hop.url for hop in response.history])
        if meta is None:
            stored = self._stored.get(url)
            return (stored.page if stored is not None and stored.code != "URL008" else None), reason, None
        reason = reason or refresh_reason(_without_userinfo(url), response.url, meta) or words_reason(meta, page)
        awaited = None
        if reason is None and page is not None and meta.kind == "html" and deadline is not None:
            reason, awaited = self._catch_all(response.url, page, deadline)
        return meta.dumps(), reason, awaited

    def _catch_all(self, final_url: str, page: "PageText", deadline: float) -> tuple[Optional[str], Optional[str]]:
        """(why the site answers every path with this page, from the host's one probe;
        the host, when its probe has not answered yet: the page is judged when it has,
        ``_settle``, and its link's worker goes on meanwhile)."""
        from citelint.urls.soft404 import catch_all_reason, is_deep, probe_url

        parts = urlsplit(final_url)
        if not is_deep(parts.path, parts.query):
            return None, None  # a root page: no made-up address beside it (probe_url)

        def probe() -> Optional["Fingerprint"]:
            address = probe_url(final_url)  # made by the host's first link only
            return self._probe(address, deadline) if address is not None else None

        host = parts.netloc.lower()
        answered, answer = self._host_probes().answer(host, probe)
        if not answered:
            return None, host
        return (catch_all_reason(page.fingerprint, answer) if answer is not None else None), None

    def _host_probes(self) -> Any:
        from citelint.urls.soft404 import HostProbes

        with self._session_lock:
            if self._probes is None:
                self._probes = HostProbes()
            return self._probes

    def _probe(self, url: str, deadline: float) -> Optional["Fingerprint"]:
        """One GET of a made-up address (no redirect followed, no retry, not cached):
        the fingerprint of the page when it answers 200 with one."""
        import requests

        from citelint.urls.fingerprint import fingerprint
        from citelint.urls.http import set_deadline

        timeout = max(0.1, min(self.settings.timeout, deadline - BODY_MARGIN - time.monotonic()))
        session = self.session()
        kwargs: dict[str, Any] = {"timeout": (timeout, timeout), "allow_redirects": False, "stream": True}
        if hasattr(session, "cache"):
            from requests_cache import DO_NOT_CACHE

            kwargs["expire_after"] = DO_NOT_CACHE
        set_deadline(deadline - BODY_MARGIN)
        try:
            response = session.request("GET", url, **kwargs)
            if response.status_code != 200:
                response.close()
                return None
            body = self._read_body(response, deadline)
        except (requests.exceptions.RequestException, AddressRefused, HostNotFound, ResolveFailed, sqlite3.Error, OSError):
            return None
        finally:
            set_deadline(None)
        return fingerprint(body) if body is not None else None

    # -- archived copies ---------------------------------------------------------

    def _with_archived_copy(self, verdict: Verdict, deadline: float) -> Verdict:
        """The verdict, naming the archived copy nearest the day the page was first
        seen (its snapshot), when the archive answers in the time left."""
        time_left = deadline - time.monotonic() - 0.5
        if time_left < 1.0:
            return verdict
        snapshot = self._snapshot(verdict.url)
        copy = self._archived_copy(verdict.url, snapshot[0] if snapshot else None, min(self.settings.timeout, time_left))
        if copy is None:
            return verdict
        if copy == NO_ARCHIVED_COPY:  # never archived: said of a dead link citelint never saw answer
            from citelint.urls.history import ever_answered

            seen = snapshot is not None or ever_answered(self.store, verdict.url)
            return verdict if seen or verdict.code != "URL001" else verdict._replace(detail=f"{verdict.detail}; {NEVER_SEEN}")
        return verdict._replace(detail=f"{verdict.detail}; an archived copy from {copy[0]}: {copy[1]}")

    def _archived_copy(self, url: str, seen_at: Optional[float], timeout: float) -> Optional[tuple[str, str]]:
        """(day, URL) of the archive's copy of ``url``, NO_ARCHIVED_COPY when the archive
        says it has none, or None. The answer is read capped and checked: a broken or
        hostile archive is no answer, never an error."""
        import requests

        params = {"url": url}
        if seen_at is not None:
            params["timestamp"] = time.strftime("%Y%m%d", time.gmtime(seen_at))
        from citelint.urls.http import set_deadline

        deadline = time.monotonic() + timeout
        set_deadline(deadline)
        try:
            response = self.session().get(self.settings.archive_api, params=params, timeout=(timeout, timeout), stream=True)
            data = _read_capped(response, ARCHIVE_REPLY_LIMIT, deadline)
        except (requests.exceptions.RequestException, AddressRefused, HostNotFound, ResolveFailed, sqlite3.Error, OSError):
            return None
        finally:
            set_deadline(None)
        return _archived_snapshot(data)

    def _snapshot(self, url: str) -> Optional[tuple[float, str]]:
        """(taken at, fingerprint) of the URL's first snapshot (the table is written at the end of the run)."""
        if self._snapshots is None:
            return self.store.snapshot(url)
        return self._snapshots.get(url)

    def _compare_snapshot(self, url: str, page: Optional["PageText"]) -> Optional[str]:
        if page is None:
            return None
        from citelint.urls.fingerprint import Fingerprint, describe_change

        current = page.fingerprint
        stored = self._snapshot(url)
        if stored is None:
            self._new_snapshots.append((url, time.time(), current.dumps()))
            return None
        taken_at, data = stored
        try:
            old = Fingerprint.loads(data)
        except (ValueError, TypeError):
            return None
        change = describe_change(old, current)
        if change is None:
            return None
        if self.options.accept_changes:
            self._replaced_snapshots.append((url, time.time(), current.dumps()))
            self.accepted.append(url)
            return None
        day = time.strftime("%Y-%m-%d", time.gmtime(taken_at))
        return f"the page changed since it was first checked on {day}: {change}; check that it still supports the citation"


def _import_page_readers() -> None:
    """Import what reads a fetched page, in the run's thread while the first requests
    are on their way (~20 ms): else the workers whose answers come first would wait
    for it, one behind the other at the import lock."""
    import citelint.urls.history  # noqa: F401
    import citelint.urls.soft404  # noqa: F401 - and with it urls.page_meta and urls.fingerprint
    import citelint.urls.titles  # noqa: F401


def _page_text(body: Optional[str]) -> Optional["PageText"]:
    """A fetched page's readings, each made once (urls.fingerprint.PageText)."""
    if body is None:
        return None
    from citelint.urls.fingerprint import PageText

    return PageText(body)


def _is_pdf(response: Any) -> bool:
    """A PDF, by its type or, served as bytes of no type, by its name (read for its metadata)."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    named = urlsplit(response.url or "").path.lower().endswith(".pdf")
    return content_type == "application/pdf" or (named and content_type in ("application/octet-stream", "binary/octet-stream", ""))


def _read_capped(response: Any, limit: int, deadline: float) -> bytes:
    """A whole small answer by the deadline, or nothing (urls.http.whole_body: read
    as a page is, so a server that drips bytes is seen at each drip, and a chunked
    answer's size lines are read within http.client's bound)."""
    from citelint.urls.http import whole_body

    try:
        return (whole_body(response, limit, deadline) or b"") if response.ok else b""
    finally:
        response.close()


def _archived_snapshot(data: bytes) -> Optional[tuple[str, str]]:
    """The Wayback Machine's availability answer, ``{"archived_snapshots": {"closest":
    {"available": true, "url": ..., "timestamp": "20230915..."}}}``, as (day, URL);
    ``{"archived_snapshots": {}}`` (no copy at any date), or a closest copy that is
    not available, as NO_ARCHIVED_COPY."""
    import json

    try:
        snapshots = json.loads(data)["archived_snapshots"]
        if snapshots == {} or (isinstance(snapshots, dict) and isinstance(snapshots.get("closest"), dict) and snapshots["closest"].get("available") is False):
            return NO_ARCHIVED_COPY
        closest = snapshots["closest"]
        available, copy, stamp = closest["available"], closest["url"], closest["timestamp"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    if available is not True or not isinstance(copy, str) or not isinstance(stamp, str):
        return None
    if not _ARCHIVED_URL.fullmatch(copy) or not re.fullmatch(r"\d{8,14}", stamp):
        return None
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}", re.sub(r"^http://web\.archive\.org/", "https://web.archive.org/", copy)


def _no_complete_answer(limit: float) -> str:
    """What a link past its deadline is told, whether its worker or the run's thread saw it first."""
    return f"no complete answer within {limit:g} s"


def _after_tries(tries: int, response: Any) -> str:
    """``after 3 tries``; when the server asked for a wait the deadline does not
    allow, says so (``after 1 try (it asks to be tried again in 999999 s)``)."""
    said = f"after {tries} {'try' if tries == 1 else 'tries'}"
    asked = response.headers.get("Retry-After", "").strip()
    if tries <= RETRIES and asked:
        return f"{said} (it asks to be tried again in {_short_text(asked)}{' s' if is_number(asked) else ''})"
    return said


def _short_text(text: str) -> str:
    """A server's word, printable and short enough for a message."""
    printable = "".join(character if character.isprintable() else "?" for character in text)
    return printable if len(printable) <= 40 else printable[:37] + "..."


def _known_encoding(name: Optional[str]) -> str:
    """The page's declared character set when Python knows it, else UTF-8."""
    if name:
        try:
            return codecs.lookup(name).name
        except (LookupError, ValueError):
            pass
    return "utf-8"


def _without_userinfo(url: str) -> str:
    """The URL without ``user:password@``: credentials in a cited URL are never sent."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _backoff(attempt: int) -> float:
    import random

    return BACKOFF * (2**attempt) * (1 + random.random() / 2)


def _retry_after(response: Any) -> Optional[float]:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if is_number(value):
        return min(float(value), RETRY_AFTER_CAP)
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, when - time.time()), RETRY_AFTER_CAP)


def _reason(response: Any) -> str:
    return str(response.reason or "").strip()


def _short(error: BaseException) -> str:
    """The root cause of a requests/urllib3 error, without the pool's wrapping."""
    cause: BaseException = error
    for _ in range(10):
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException) and cause.args and isinstance(cause.args[0], BaseException):
            inner = cause.args[0]
        if not isinstance(inner, BaseException) or inner is cause:
            break
        cause = inner
    text = re.sub(r"^\w+\(host='[^']*', port=\d+\): ", "", str(cause))
    return text if len(text) <= 200 else text[:197] + "..."
