"""The HTTP side of the checker: a requests-cache session whose connections
go only to addresses the policy checked. Imported only when a URL must be
fetched.

Every response a server sends is bounded here, before requests or
requests-cache may read it: each read from the socket (status line, headers,
body) waits only the time left to the fetch's deadline; a body is read while
streaming, decoded (any encoding, stacked ones too), to BODY_LIMIT bytes and
the fetch's deadline at most; only a body read whole within those is offered to the cache, which keeps
it compressed and all its entries within a limit (urls.http_cache). No cookie
is kept or sent and no credential is sent, on any hop.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import socket
import sqlite3
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError
from urllib3.response import HTTPResponse
from urllib3.util import connection as urllib3_connection

from citelint.version import __version__
from citelint.cache import make_cache_folder, switch_to_wal
from citelint.urls.http_cache import Entry, give_back_free_pages, pack, unpack, write_entries
from citelint.urls.limits import BODY_LIMIT, BODY_MARGIN, HEADER_LIMIT, MAX_REDIRECTS, TEXT_TYPES, is_number
from citelint.urls.policy import AddressPolicy, ResolveFailed

USER_AGENT = f"Mozilla/5.0 (compatible; citelint/{__version__}; reference checker)"
ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"  # what a link's check asks for
READ_SIZE = 65536  # decoded bytes asked of urllib3 at a time (it decompresses no more than asked)
REDIRECT_BODY_LIMIT = 64 * 1024  # a redirect's body is never used: read this much to reuse the connection
LENGTH_DIGITS = 18  # digits of a Content-Length read, at most (a longer one declares no length worth reading)
MAX_INTERIM_RESPONSES = 10  # 1xx answers (103 Early Hints) passed over before the real one
CACHE_BUSY_TIMEOUT_S = 3.0  # how long the HTTP cache waits for another process's lock
CACHE_PROBE_TIMEOUT_S = 1.0  # how long opening the HTTP cache waits before skipping a locked one
PENDING_BYTES = 8 * 1024 * 1024  # bytes of entries (compressed) held for the HTTP cache before a worker writes them (_DeferredWrites)
WRITE_BATCH = 64  # responses written at a time by a thread of their own, in a run that looks nothing up (_DeferredWrites)
FALLBACK_READ_TIME_S = 30.0  # a body's read time when no fetch deadline was set
NEVER_SENT = ("Cookie", "Authorization", "Proxy-Authorization")
NEVER_READ = ("Set-Cookie", "Set-Cookie2")
# What requests-cache's package imports when it is installed, for backends and formats
# citelint never uses (it keeps SQLite and its own entry format): boto3 alone costs
# ~90 ms of a run's start where it is installed.
UNUSED_BY_REQUESTS_CACHE = ("boto3", "botocore", "pymongo", "bson", "gridfs", "redis", "itsdangerous", "ujson", "orjson", "yaml")
_fetch = threading.local()  # this thread's fetch deadline (time.monotonic())


def set_deadline(deadline: Optional[float]) -> None:
    """The time by which this thread's current fetch must be done: bodies stop being read there."""
    _fetch.deadline = deadline


def _deadline() -> float:
    deadline = getattr(_fetch, "deadline", None)
    return deadline if deadline is not None else time.monotonic() + FALLBACK_READ_TIME_S


class _DeadlineReads(io.RawIOBase):
    """A response's reads from its socket, each waiting no longer than the time left
    to the fetch's deadline (BODY_MARGIN after its bodies stop being read, see
    ``set_deadline``: a link's own deadline), nor than the socket's own timeout. A
    server that drips a byte at a time resets a read timeout with each byte, never
    this: a worker is free by its link's deadline and lets its socket go. Reads go
    through the file http.client opened on the socket, which keeps the socket open
    while the response is read and lets it go when it is closed."""

    def __init__(self, file: Any, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self.file = file
        self.sock = sock
        self.deadline = deadline
        self.timeout = sock.gettimeout()  # the read timeout urllib3 set for this request
        self.header_room: Optional[int] = HEADER_LIMIT  # bytes the headers may still take (None: they are read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("the fetch's deadline passed")
        if self.header_room is not None and self.header_room <= 0:
            raise http.client.HTTPException(f"headers longer than {HEADER_LIMIT // 1024} KB")
        self.sock.settimeout(left if self.timeout is None else min(self.timeout, left))
        try:
            read: int = self.file.raw.readinto(buffer)
        finally:
            with contextlib.suppress(OSError):  # a socket closed meanwhile has no timeout to keep
                self.sock.settimeout(self.timeout)  # the connection's own, for its next request
        if self.header_room is not None and read:
            self.header_room -= read
        return read

    def close(self) -> None:
        if not self.closed:
            self.file.close()
        super().close()


class InterimSkippingResponse(http.client.HTTPResponse):
    """http.client's response, read within the fetch's deadline (status line, headers
    and body: ``_DeadlineReads``) and its headers within HEADER_LIMIT, passing over
    1xx interim answers (103 Early Hints, 102) as it passes over 100 Continue; 101
    Switching Protocols stays final."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.reads = _DeadlineReads(self.fp, sock, _deadline() + BODY_MARGIN)
        self.fp = io.BufferedReader(self.reads)

    def begin(self) -> None:
        """Read the status line and the headers, interim answers' included, to
        HEADER_LIMIT bytes at most: the 100 lines of 64 KB http.client allows were
        6 MB a response, kept for each redirect hop of a link."""
        super().begin()
        self.reads.header_room = None  # the body has bounds of its own

    def _read_status(self) -> tuple[str, int, str]:
        for _ in range(MAX_INTERIM_RESPONSES):
            version, status, reason = super()._read_status()
            if not 100 <= status < 200 or status == 101:
                return version, status, reason
            http.client.parse_headers(self.fp)  # the interim answer's headers, read past
        raise http.client.HTTPException(f"more than {MAX_INTERIM_RESPONSES} interim (1xx) responses")


class BodyRead(NamedTuple):
    """What was read of a body: at most the limit, and whether that was all of it."""

    data: bytes
    whole: bool


def read_body(raw: HTTPResponse, limit: int, deadline: float) -> BodyRead:
    """Read and decode ``raw``'s body to ``limit`` bytes and ``deadline`` at most.
    ``read1`` returns what one socket read brings (a server that drips bytes is
    seen at each drip) and urllib3 (2.6 and later) decodes no more than asked per
    call, for every encoding and stacked encodings, so memory stays near the limit."""
    chunks: list[bytes] = []
    size = 0
    while time.monotonic() < deadline:
        chunk = raw.read1(READ_SIZE, decode_content=True)
        if not chunk:
            return BodyRead(b"".join(chunks), True)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return BodyRead(b"".join(chunks)[:limit], False)


def _guarded_classes(policy: AddressPolicy) -> dict[str, type]:
    """Connection pools whose connections resolve, check, and connect to the checked address."""

    def new_conn(self: HTTPConnection) -> socket.socket:
        try:
            address = policy.checked_address(self._dns_host, self.port)  # type: ignore[attr-defined]
        except ResolveFailed as error:
            raise NewConnectionError(self, str(error)) from None
        try:
            return urllib3_connection.create_connection(
                (address, self.port), self.timeout, source_address=self.source_address, socket_options=self.socket_options
            )
        except socket.timeout as error:
            raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from error
        except OSError as error:
            raise NewConnectionError(self, f"failed to connect to {self.host} ({address}): {error}") from error

    members = {"_new_conn": new_conn, "response_class": InterimSkippingResponse}
    http_connection = type("GuardedHTTPConnection", (HTTPConnection,), members)
    https_connection = type("GuardedHTTPSConnection", (HTTPSConnection,), members)
    return {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_connection}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_connection}),
    }


class GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: AddressPolicy, pool_size: int) -> None:
        self._pools = _guarded_classes(policy)
        super().__init__(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Send without cookies or credentials, whatever put them on the request."""
        for name in NEVER_SENT:
            request.headers.pop(name, None)
        return super().send(request, *args, **kwargs)

    def build_response(self, req: requests.PreparedRequest, resp: HTTPResponse) -> requests.Response:
        """The response, its cookies unread and its body bounded (see ``_bound_body``)."""
        _forget_cookies(resp)
        response = super().build_response(req, resp)
        _bound_body(response)
        return response


def body_of(response: requests.Response, deadline: float) -> bytes:
    """At most BODY_LIMIT bytes of the response's decoded body, read by ``deadline``."""
    if getattr(response, "from_cache", False):
        return bytes(response.content or b"")[:BODY_LIMIT]
    return read_body(response.raw, BODY_LIMIT, deadline).data


def whole_body(response: requests.Response, limit: int, deadline: float) -> Optional[bytes]:
    """The response's decoded body when it is whole within ``limit`` bytes and
    ``deadline``, else None. Read as a page's body is (``read_body``), never through
    urllib3's reading of a chunked body, whose chunk-size lines have no length limit
    (an endless one took ~700 MB in the seconds a link has; http.client stops at 64 KB)."""
    if getattr(response, "from_cache", False):
        content = bytes(response.content or b"")
        return content if len(content) <= limit else None
    try:
        body = read_body(response.raw, limit, deadline)
    except (HTTPError, http.client.HTTPException, OSError):
        return None  # broken, undecodable, or cut at the deadline: no answer
    return body.data if body.whole else None


def _forget_cookies(raw: HTTPResponse) -> None:
    """Remove Set-Cookie before requests sees it: no jar (the session's, a request's
    own on a redirect, the response's) ever holds a cookie to send back."""
    message = getattr(getattr(raw, "_original_response", None), "msg", None)
    for name in NEVER_READ:
        raw.headers.discard(name)
        if message is not None:
            del message[name]


def _bound_body(response: requests.Response) -> None:
    """Read now what anything may read of this body, bounded: a redirect's (which
    requests reads whole) to REDIRECT_BODY_LIMIT; a 200's of a text type or a
    declared length within BODY_LIMIT (which requests-cache reads whole) to
    BODY_LIMIT and the deadline. What was read replaces the stream, decoded; only
    a body read whole is marked ``citelint_whole`` for the cache. Other bodies
    stay unread streams, closed by the checker."""
    response.citelint_whole = response.request.method == "HEAD"  # type: ignore[attr-defined]  # no body
    if response.request.method == "HEAD":
        return
    if response.is_redirect:
        _replace_body(response, REDIRECT_BODY_LIMIT, keep=False)
    elif response.status_code == 200 and _worth_reading(response):
        response.citelint_whole = _replace_body(response, BODY_LIMIT)  # type: ignore[attr-defined]


def _worth_reading(response: requests.Response) -> bool:
    if response.headers.get("Content-Type", "").lower().startswith(TEXT_TYPES):
        return True
    length = response.headers.get("Content-Length", "")
    declared = is_number(length, LENGTH_DIGITS)
    return declared and int(length) <= BODY_LIMIT and "Transfer-Encoding" not in response.headers


def _replace_body(response: requests.Response, limit: int, keep: bool = True) -> bool:
    """Read the body (bounded), give the connection back (or close it when the body
    was not read to its end), and serve what was read, decoded, from memory (with
    ``keep`` off, an empty body: a redirect's, which nothing uses)."""
    raw: HTTPResponse = response.raw
    try:
        body = read_body(raw, limit, _deadline())
    except (HTTPError, http.client.HTTPException, OSError):
        body = BodyRead(b"", False)  # broken, undecodable, or too slow to come: no body
    if not keep:
        body = body._replace(data=b"")
    if body.whole:
        raw.release_conn()
    else:
        raw.close()
    headers = raw.headers.copy()
    for name in ("Content-Encoding", "Transfer-Encoding"):
        headers.discard(name)
        response.headers.pop(name, None)
    headers["Content-Length"] = response.headers["Content-Length"] = str(len(body.data))
    response.raw = HTTPResponse(
        body=io.BytesIO(body.data),
        headers=headers,
        status=raw.status,
        version=raw.version,
        reason=raw.reason,
        preload_content=False,
        decode_content=False,
        request_url=raw.geturl(),
    )
    return body.whole


def _cache_key(request: requests.PreparedRequest, **_: Any) -> str:
    """One entry per method and URL, and per Accept header when it is not the usual
    one (a DOI's metadata, asked of the resolver by content negotiation, is not its
    page): requests-cache's general key (URL normalisation, header matching) is not needed."""
    import hashlib

    accept = request.headers.get("Accept", ACCEPT)
    varying = "" if accept == ACCEPT else f" {accept}"
    return hashlib.blake2b(f"{request.method} {request.url}{varying}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _entry_format() -> Any:
    """requests-cache's serializer for the HTTP cache: an entry is data
    (urls.http_cache), never pickle, whose reading runs what the entry names."""
    from requests_cache.serializers.pipeline import SerializerPipeline, Stage

    return SerializerPipeline([Stage(dumps=_packed_response, loads=_unpacked_response)], name="citelint-http", is_binary=True)


def _packed_response(cached: Any) -> bytes:
    """A CachedResponse as one entry: requests-cache's own breakdown of it (what its
    pickle format held), its body apart."""
    from requests_cache.serializers.preconf import base_stage

    fields = base_stage.dumps(cached)
    body = fields.pop("_content", None) or b""
    return pack(fields, body)


def _unpacked_response(entry: object) -> Any:
    """The CachedResponse of an entry ``_packed_response`` wrote; ValueError (a miss
    to requests-cache) for an entry that is not one, whatever it holds."""
    from requests_cache.serializers.preconf import base_stage

    fields, body = unpack(entry)
    fields["_content"] = body
    try:
        return base_stage.loads(fields)
    except Exception as error:  # noqa: BLE001 - cattrs says a wrong field many ways: each is a miss
        raise ValueError(f"an entry that is no response: {type(error).__name__}") from None


def _read_whole(response: requests.Response) -> bool:
    """requests-cache filter: cache only a body read whole within BODY_LIMIT (a
    response already in the cache was: it stays)."""
    if getattr(response, "from_cache", False):
        return True
    return getattr(response, "citelint_whole", False) is True


def _harden(session: requests.Session, policy: AddressPolicy, workers: int) -> requests.Session:
    session.trust_env = False  # no proxies or .netrc from the environment
    session.max_redirects = MAX_REDIRECTS
    session.cookies = RequestsCookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
    adapter = GuardedAdapter(policy, workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def import_requests_cache() -> None:
    """Imports requests-cache without the optional backends and formats its package
    imports when they are installed (UNUSED_BY_REQUESTS_CACHE): each is taken as
    absent (a None in ``sys.modules`` makes its import fail, which requests-cache
    meets with a placeholder) and then forgotten, so that it imports as usual later.
    A module already imported is left as it is."""
    import sys

    if "requests_cache" in sys.modules:
        return
    blocked = [name for name in UNUSED_BY_REQUESTS_CACHE if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import requests_cache  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def make_session(
    policy: AddressPolicy, workers: int, cache_path: Optional[Path], expire_after: float, warn: Callable[[str], None]
) -> requests.Session:
    """A requests-cache session on SQLite (WAL, a busy timeout of a few seconds), or
    a plain one when the cache cannot be opened or another process holds it locked
    (a lock held longer than a fetch's deadline must not fail the links)."""
    logging.getLogger("requests_cache").setLevel(logging.CRITICAL)
    if cache_path is not None:
        try:
            import_requests_cache()
            from requests_cache import CachedSession

            make_cache_folder(str(cache_path.parent))
            _prepare_cache_file(cache_path)
            session = CachedSession(
                str(cache_path),
                backend="sqlite",
                wal=True,
                fast_save=True,  # a cache: no fsync per response
                busy_timeout=int(CACHE_BUSY_TIMEOUT_S * 1000),
                timeout=CACHE_BUSY_TIMEOUT_S,
                expire_after=expire_after,
                allowable_codes=(200,),
                allowable_methods=("GET", "HEAD"),
                filter_fn=_read_whole,
                key_fn=_cache_key,
                serializer=_entry_format(),
                stale_if_error=False,
            )
            # Touch the table (a corrupt file fails here). An empty cache answers no
            # lookup of this run (its writes wait for the end): none is made.
            empty = len(session.cache.responses) == 0
            if empty:
                session.cache.get_response = _nothing_kept
            session.cache.save_response = _DeferredWrites(session.cache, meanwhile=empty)
            return _harden(session, policy, workers)
        except (sqlite3.Error, OSError) as error:
            warn(f"the HTTP cache {cache_path} cannot be used ({error}); checking without it")
    return _harden(requests.Session(), policy, workers)


class _DeferredWrites:
    """requests-cache's ``save_response``, with the writes to SQLite held and made
    in batches, each in one transaction. Written as each response came, 16 workers
    queued behind the backend's one lock, whose holder waited for SQLite's busy
    handler (it sleeps in steps of milliseconds) and then for the interpreter
    lock: ~40 ms of each link's time. The response is taken as requests-cache
    takes it (at once, before anything reads its body) and packed by the worker
    that fetched it (urls.http_cache: compressed; a response larger than an entry
    is not kept); only the write waits, and it makes room within the cache's limit.

    In a run that looks nothing up (``meanwhile``: the cache was empty when it
    opened), every WRITE_BATCH responses are written by a thread of their own
    while the links are still being fetched, so the run's end writes only the
    last few; otherwise (a lookup would wait for the backend's lock) all are
    written at the end (``save_deferred``). Either way, the worker whose
    response brings the entries held to PENDING_BYTES writes them itself: memory
    stays bounded however many links a run has. A link of this run is fetched
    once, so nothing reads it back."""

    def __init__(self, cache: Any, meanwhile: bool = False) -> None:
        self.cache = cache
        self.meanwhile = meanwhile
        self.lock = threading.Lock()  # guards ``pending``, ``held``, ``writer`` and ``failure``
        self.writing = threading.Lock()  # one batch written at a time
        self.pending: list[tuple[Entry, list[str]]] = []  # each response's entry and the keys of its redirect hops
        self.held = 0  # bytes of the entries pending (compressed)
        self.writer: Optional[threading.Thread] = None  # the thread writing a batch meanwhile
        self.failure: Optional[sqlite3.Error] = None  # the first write of a batch meanwhile that failed

    def __call__(self, response: requests.Response, cache_key: Optional[str] = None, expires: Any = None) -> None:
        from requests_cache.cache_keys import redact_response
        from requests_cache.models import CachedResponse

        cache = self.cache
        cache_key = cache_key or cache.create_key(response.request)
        cached = redact_response(CachedResponse.from_response(response, expires=expires), cache._settings.ignored_parameters)
        try:
            entry = Entry(cache_key, _packed_response(cached), cached.expires_unix)
        except ValueError:
            return  # larger than an entry (ENTRY_LIMIT): not kept, fetched again when asked
        aliases = [cache.create_key(hop.request) for hop in response.history] if response.history and not cached.revalidated else []
        writer = None
        with self.lock:
            self.pending.append((entry, aliases))
            self.held += len(entry.entry)
            full = self.held >= PENDING_BYTES
            if not full and self.meanwhile and self.writer is None and self.failure is None and len(self.pending) >= WRITE_BATCH:
                writer = self.writer = threading.Thread(target=self._write_meanwhile, daemon=True, name="citelint-http-cache")
        if full:
            self.save()  # a failure is met as a write's always was: sqlite3.Error drops the cache (urls.checker)
        elif writer is not None:
            writer.start()

    def _write_meanwhile(self) -> None:
        try:
            self.save()
        except sqlite3.Error as error:
            with self.lock:
                self.failure = self.failure or error
        finally:
            with self.lock:
                self.writer = None

    def finish(self) -> None:
        """Wait for a batch being written meanwhile, write what is left, and raise
        the first failure of either (sqlite3.Error); then give back the file's free
        pages when there are many."""
        with self.lock:
            writer = self.writer
        if writer is not None:
            writer.join()
        self.save()
        if self.failure is not None:
            raise self.failure
        self._shrink()

    def _shrink(self) -> None:
        """Give the file's free pages back when there are many (urls.http_cache); a
        file another process is writing is left as it is, for a later run."""
        try:
            with self.cache.responses.connection() as connection:
                give_back_free_pages(connection)
        except sqlite3.Error:
            pass

    def save(self) -> None:
        with self.writing:
            with self.lock:
                pending, self.pending, self.held = self.pending, [], 0
            if not pending:
                return
            responses = self.cache.responses
            with responses.bulk_commit(), responses.connection(commit=True) as connection:
                written = {entry.key for entry in write_entries(connection, [entry for entry, _ in pending], time.time())}
            if any(aliases for entry, aliases in pending if entry.key in written):
                with self.cache.redirects.bulk_commit():
                    for entry, aliases in pending:
                        for alias in aliases if entry.key in written else ():
                            self.cache.redirects[alias] = entry.key


def _nothing_kept(key: str, default: Any = None) -> Any:
    """requests-cache's lookup, for a cache that was empty when the run opened it: this
    run's writes wait for its end (``_DeferredWrites``), so it holds nothing a link of
    the run could be answered from (two SQLite reads a request saved; no request
    header changed, as ``force_refresh`` would)."""
    return default


def save_deferred(session: Any) -> None:
    """Write the responses the run kept for the HTTP cache (``_DeferredWrites``);
    raises sqlite3.Error when the cache cannot take them."""
    deferred = getattr(getattr(session, "cache", None), "save_response", None)
    if isinstance(deferred, _DeferredWrites):
        deferred.finish()


def _prepare_cache_file(path: Path) -> None:
    """Put the cache in WAL mode (retrying the switch, which SQLite refuses at once
    when it races another process's), then make sure it can be written: raise
    sqlite3.OperationalError ("database is locked") when another process keeps it
    locked longer than CACHE_PROBE_TIMEOUT_S."""
    connection = sqlite3.connect(str(path), timeout=CACHE_PROBE_TIMEOUT_S, isolation_level=None)
    try:
        switch_to_wal(connection, CACHE_PROBE_TIMEOUT_S)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def plain_session(policy: AddressPolicy, workers: int) -> requests.Session:
    return _harden(requests.Session(), policy, workers)
