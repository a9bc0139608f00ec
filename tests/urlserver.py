"""A real HTTP server on 127.0.0.1 with the traps the URL checker must survive."""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time
import zlib
from collections import Counter
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import unquote

PAGE = "<html><head><title>{title}</title></head><body><p>{body}</p></body></html>"
ARTICLE = " ".join(
    f"Paragraph {n} of the article explains how the summit between the two leaders changed the arms trade and why it matters."
    for n in range(40)
)
OTHER = " ".join(f"Entirely different words about gardening tomatoes and soil number {n} for spring planting." for n in range(40))


class TrapServer:
    """Serves one behaviour per path and counts the requests each path got."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.state: dict[str, object] = {"article": ARTICLE, "title": "The Summit", "stamp": "2026-11-01", "archive": "found"}
        self.archive_queries: list[dict[str, str]] = []
        self.dois: dict[str, object] = {}  # DOI (lower case) -> the CSL-JSON item (or the status) the resolver at /doi/ answers
        self.flaky_status = 200  # what /flaky answers now
        self.headers_seen: list[tuple[str, dict[str, str]]] = []  # (path, headers) of every request
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:  # noqa: N802
                server.hits[self.path] += 1
                server.headers_seen.append((self.path, dict(self.headers)))
                server.handle(self, head=True)

            def do_GET(self) -> None:  # noqa: N802
                server.hits[self.path] += 1
                server.headers_seen.append((self.path, dict(self.headers)))
                server.handle(self, head=False)

        class QuietServer(ThreadingHTTPServer):
            request_queue_size = 64  # connections waiting to be accepted: a run's links start together (5 dropped some, which then waited a second)

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up on /big or /drip are expected

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "TrapServer":
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- behaviours ---------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        path = request.path.split("?")[0]
        routes: dict[str, Callable[[BaseHTTPRequestHandler, bool], None]] = {
            "/ok": lambda r, h: self.send(r, 200, PAGE.format(title="OK", body=ARTICLE), h),
            "/plain": lambda r, h: self.send(r, 200, "just text", h, "text/plain"),
            "/pdf": lambda r, h: self.send(r, 200, "%PDF-1.4 binary", h, "application/pdf"),
            "/article": lambda r, h: self.send(r, 200, PAGE.format(title=self.state["title"], body=f"Updated {self.state['stamp']}. {self.state['article']}"), h),
            "/404": lambda r, h: self.send(r, 404, "not here", h),
            "/410": lambda r, h: self.send(r, 410, "gone", h),
            "/403": lambda r, h: self.send(r, 403, "bots keep out", h),
            "/999": lambda r, h: self.send(r, 999, "linkedin says no", h),
            "/500": lambda r, h: self.send(r, 500, "broken", h),
            "/301": lambda r, h: self.redirect(r, 301, "/ok"),
            "/308": lambda r, h: self.redirect(r, 308, "/ok"),
            "/302": lambda r, h: self.redirect(r, 302, "/ok"),
            "/loop": lambda r, h: self.redirect(r, 302, "/loop"),
            "/301-to-404": lambda r, h: self.redirect(r, 301, "/404"),
            "/nohead": self.no_head,
            "/429": lambda r, h: self.send(r, 429, "slow down", h, headers={"Retry-After": "1"}),
            "/429-once": self.fails_once(429),
            "/503-once": self.fails_once(503),
            "/503-long": lambda r, h: self.send(r, 503, "maintenance", h, headers={"Retry-After": "3600"}),
            "/hang": self.hang,
            "/drip": self.drip,
            "/big": self.big,
            "/wayback/available": self.archive,
            "/flaky": lambda r, h: self.send(r, self.flaky_status, PAGE.format(title="Flaky", body=ARTICLE), h),
            **hostile_routes(self),
        }
        if path.startswith("/doi/"):
            self.resolver(request, head, unquote(path[len("/doi/") :]))
            return
        if path.startswith("/redirect-to/"):
            self.redirect(request, 302, "http://" + path[len("/redirect-to/") :])
            return
        routes.get(path, lambda r, h: self.send(r, 404, "no route", h))(request, head)

    def send(self, request: BaseHTTPRequestHandler, status: int, body: str, head: bool, content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        if not head:
            request.wfile.write(data)

    def redirect(self, request: BaseHTTPRequestHandler, status: int, location: str) -> None:
        request.send_response(status)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def no_head(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        if head:
            self.send(request, 405, "", True)
        else:
            self.send(request, 200, PAGE.format(title="GET only", body=ARTICLE), False, "application/octet-stream")

    def fails_once(self, status: int) -> Callable[[BaseHTTPRequestHandler, bool], None]:
        def behaviour(request: BaseHTTPRequestHandler, head: bool) -> None:
            key = f"once-{status}"
            if not self.state.get(key):
                self.state[key] = True
                self.send(request, status, "try again", head, headers={"Retry-After": "1"})
            else:
                self.send(request, 200, PAGE.format(title="Recovered", body=ARTICLE), head)

        return behaviour

    def archive(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        """The Wayback Machine's availability API, as ``state["archive"]`` says it behaves."""
        from urllib.parse import parse_qsl, urlsplit

        query = dict(parse_qsl(urlsplit(request.path).query))
        self.archive_queries.append(query)
        stamp = query.get("timestamp", "20230915") + "000000"
        copy = {"available": True, "url": f"http://web.archive.org/web/{stamp}/{query.get('url', '')}", "timestamp": stamp, "status": "200"}
        answers = {
            "found": json.dumps({"url": query.get("url"), "archived_snapshots": {"closest": copy}}),
            "none": json.dumps({"url": query.get("url"), "archived_snapshots": {}}),
            "unavailable": json.dumps({"url": query.get("url"), "archived_snapshots": {"closest": {"available": False}}}),
            "garbage": "<html>not json</html>",
            "huge": json.dumps({"archived_snapshots": {"closest": {**copy, "pad": "x" * 1_000_000}}}),
            "hostile": json.dumps({"archived_snapshots": {"closest": {**copy, "url": "http://evil.example/\x1b[2J spoof"}}}),
        }
        mode = str(self.state["archive"])
        if mode == "hang":
            self.hang(request, head)
            return
        if mode == "drip":
            self.drip(request, head)
            return
        if mode == "endless-chunk-size":
            endless_chunk_size(self, request, head)
            return
        self.send(request, 200, answers[mode], head, "application/json")

    def resolver(self, request: BaseHTTPRequestHandler, head: bool, doi: str) -> None:
        """A DOI resolver: CSL-JSON for a DOI in ``self.dois`` when asked for it by
        content negotiation, a landing page otherwise; 404 for a DOI it does not know."""
        item = self.dois.get(doi.lower())
        if item is None:
            self.send(request, 404, "DOI Not Found", head)
        elif isinstance(item, int):
            self.send(request, item, "resolver trouble", head)  # a status to answer with
        elif "application/vnd.citationstyles.csl+json" in request.headers.get("Accept", ""):
            body = item if isinstance(item, str) else json.dumps(item)
            self.send(request, 200, body, head, "application/vnd.citationstyles.csl+json; charset=utf-8")
        else:  # the landing page, titled as the record
            title = item.get("title", "Landing page") if isinstance(item, dict) else "Landing page"
            self.send(request, 200, PAGE.format(title=title, body=ARTICLE), head)

    def hang(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        self.stop.wait(30)

    def drip(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        try:
            for _ in range(60):
                if self.stop.wait(0.5):
                    return
                request.wfile.write(b"<p>drip</p>")
                request.wfile.flush()
        except OSError:
            return

    def big(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        size = 200 * 1024 * 1024
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(size))
        request.end_headers()
        if head:
            return
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        try:
            for _ in range(size // len(chunk)):
                if self.stop.is_set():
                    return
                request.wfile.write(chunk)
        except OSError:
            return



class Tarpit:
    """Hosts that accept every connection and never answer a byte, each on an address
    of its own (127.0.0.2, 127.0.0.3, …: all of 127.0.0.0/8 is this machine on Linux),
    so that no host and no address leaves STALLED_LINKS of a run's links unanswered
    (urls.checker): only a deadline ends their links. Counts the connections taken;
    a connection is closed here when its client closes it."""

    def __init__(self, hosts: int) -> None:
        self.selector = selectors.DefaultSelector()
        self.listeners: list[socket.socket] = []
        for index in range(hosts):
            listener = socket.create_server((f"127.0.0.{2 + index}", 0), backlog=64)
            listener.setblocking(False)
            self.selector.register(listener, selectors.EVENT_READ, "listener")
            self.listeners.append(listener)
        self.connections = 0  # taken so far
        self.open: set[socket.socket] = set()  # held now
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True, name="tarpit")

    def urls(self, path: str = "/") -> list[str]:
        return [f"http://{host}:{port}{path}" for host, port in (listener.getsockname() for listener in self.listeners)]

    def __enter__(self) -> "Tarpit":
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in [*self.open, *self.listeners]:
            sock.close()
        self.selector.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            for key, _ in self.selector.select(timeout=0.05):
                sock = key.fileobj
                if key.data == "listener":
                    self._take(sock)  # type: ignore[arg-type]
                else:
                    self._read(sock)  # type: ignore[arg-type]

    def _take(self, listener: socket.socket) -> None:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return
        connection.setblocking(False)
        self.connections += 1
        self.open.add(connection)
        self.selector.register(connection, selectors.EVENT_READ, "connection")

    def _read(self, connection: socket.socket) -> None:
        """The request is read and nothing is answered; a closed client is let go."""
        try:
            data = connection.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.selector.unregister(connection)
            self.open.discard(connection)
            connection.close()


# -- hostile bodies and headers (issue 14) ----------------------------------------

BOMB_SIZE = 1 << 30  # what the compressed bombs decode to: 1 GiB
CACHED_BOMB_SIZE = 2 * 1024 * 1024 - 4096  # what /zeros decodes to: just under the 2 MB a body is read to, so read whole and cached
NOISE_SIZE = 256 * 1024  # bytes of /noise: random, so no compression makes them smaller
ENDLESS_LIMIT = 1 << 30  # the "endless" chunked body stops after this much, or a minute


@lru_cache(maxsize=None)
def compressed_zeros(wbits: int) -> bytes:
    """BOMB_SIZE zero bytes compressed (wbits 31: gzip, 15: zlib/deflate): about 1 MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1 << 20)
    return b"".join([*(compressor.compress(block) for _ in range(BOMB_SIZE >> 20)), compressor.flush()])


@lru_cache(maxsize=None)
def cached_bomb() -> bytes:
    """CACHED_BOMB_SIZE zero bytes, gzipped: about 2 KB on the wire."""
    return gzip_bytes(bytes(CACHED_BOMB_SIZE))


def noise(request: BaseHTTPRequestHandler, head: bool) -> None:
    """NOISE_SIZE random bytes as a page, the same for the same query (``?n=3``)."""
    import random

    seed = request.path.partition("?")[2]
    send_bytes(request, 200, random.Random(seed).randbytes(NOISE_SIZE), head, {})


def gzip_bytes(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def hostile_routes(server: TrapServer) -> dict[str, Callable[[BaseHTTPRequestHandler, bool], None]]:
    return {
        "/bomb/chunked": lambda r, h: endless_chunked(server, r, h),
        "/bomb/gzip": lambda r, h: send_bytes(r, 200, compressed_zeros(31), h, {"Content-Encoding": "gzip"}),
        "/bomb/gzip-gzip": lambda r, h: send_bytes(r, 200, gzip_bytes(compressed_zeros(31)), h, {"Content-Encoding": "gzip, gzip"}),
        "/bomb/deflate": lambda r, h: send_bytes(r, 200, compressed_zeros(15), h, {"Content-Encoding": "deflate"}),
        "/bomb/redirect": lambda r, h: send_bytes(r, 302, compressed_zeros(31), h, {"Content-Encoding": "gzip", "Location": "/ok"}),
        "/zeros": lambda r, h: send_bytes(r, 200, cached_bomb(), h, {"Content-Encoding": "gzip"}),
        "/noise": noise,
        "/small-gzip": lambda r, h: send_bytes(r, 200, gzip_bytes(PAGE.format(title="Zipped", body=ARTICLE).encode()), h, {"Content-Encoding": "gzip"}),
        "/cookie-redirect": lambda r, h: send_bytes(r, 302, b"", h, {"Location": "/cookie-check", "Set-Cookie": "session=secret; Path=/"}),
        "/cookie-check": lambda r, h: server.send(r, 200, PAGE.format(title="Cookies", body=ARTICLE), h, headers={"Set-Cookie": "later=1; Path=/"}),
        "/auth": lambda r, h: server.send(r, 200, PAGE.format(title="Auth", body=ARTICLE), h),
        "/503-forever": lambda r, h: server.send(r, 503, "down", h, headers={"Retry-After": "999999"}),
        "/503-superscript": lambda r, h: server.send(r, 503, "down", h, headers={"Retry-After": "\xb2"}),  # the byte 0xB2: "²", a digit to isdigit()
        "/length-superscript": lambda r, h: odd_length(r, h, "\xb2"),
        "/length-long": lambda r, h: odd_length(r, h, "9" * 5000),  # past the 4,300 digits int() reads
        "/charset-unknown": lambda r, h: server.send(r, 200, PAGE.format(title="Odd charset", body=ARTICLE), h, "text/html; charset=x-unknown"),
        "/early-hints": lambda r, h: early_hints(server, r, h),
        "/drip-headers": lambda r, h: drip_headers(server, r, h),
        "/fat-headers": fat_headers,
        "/bad-gzip": lambda r, h: send_bytes(r, 200, b"this is not gzip at all", h, {"Content-Encoding": "gzip"}),
        "/gzip-x6": lambda r, h: send_bytes(r, 200, b"x", h, {"Content-Encoding": "gzip, gzip, gzip, gzip, gzip, gzip"}),
    }


def send_bytes(request: BaseHTTPRequestHandler, status: int, data: bytes, head: bool, headers: dict[str, str]) -> None:
    request.send_response(status)
    request.send_header("Content-Type", "text/html; charset=utf-8")
    request.send_header("Content-Length", str(len(data)))
    for key, value in headers.items():
        request.send_header(key, value)
    request.end_headers()
    if not head:
        try:
            request.wfile.write(data)
        except OSError:
            return


def endless_chunked(server: TrapServer, request: BaseHTTPRequestHandler, head: bool) -> None:
    """A body that says it is 100 bytes long and never ends (bounded: ENDLESS_LIMIT or a minute)."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "100")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    if head:
        return
    chunk = b"<p>" + b"x" * 65529 + b"</p>"
    _write_repeatedly(server, request, b"%x\r\n%s\r\n" % (len(chunk), chunk), ENDLESS_LIMIT // len(chunk))


def _write_repeatedly(server: TrapServer, request: BaseHTTPRequestHandler, piece: bytes, times: int) -> None:
    """Write ``piece`` ``times`` times, stopping when the server stops, after a
    minute or when the client goes: every endless answer here is bounded."""
    stop_at = time.monotonic() + 60
    try:
        for _ in range(times):
            if server.stop.is_set() or time.monotonic() > stop_at:
                break
            request.wfile.write(piece)
    except OSError:
        pass
    request.close_connection = True


DRIP_EVERY_S = 0.25  # seconds between two bytes of a dripped header: well within any read timeout
DRIP_FOR_S = 60  # a dripped header stops after this long (or when the server stops)


def drip_headers(server: TrapServer, request: BaseHTTPRequestHandler, head: bool) -> None:
    """A status line, then a header whose value comes a byte every DRIP_EVERY_S and
    never ends (bounded: DRIP_FOR_S): each byte resets the client's read timeout."""
    stop_at = time.monotonic() + DRIP_FOR_S
    try:
        request.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
        request.wfile.flush()
        while not server.stop.wait(DRIP_EVERY_S) and time.monotonic() < stop_at:
            request.wfile.write(b"a")
            request.wfile.flush()
    except OSError:
        pass
    request.close_connection = True


FAT_HEADER = "v" * 65000  # a header value just under http.client's 64 KB a line


def fat_headers(request: BaseHTTPRequestHandler, head: bool) -> None:
    """``?lines=N`` headers of ~64 KB each (http.client takes 100 headers at most:
    five more come with these); with ``&hop=K``, a redirect to hop K + 1, endlessly."""
    from urllib.parse import parse_qsl, urlsplit

    query = dict(parse_qsl(urlsplit(request.path).query))
    request.send_response(302 if "hop" in query else 200)
    for index in range(int(query.get("lines", "0"))):
        request.send_header(f"X-Fat-{index}", FAT_HEADER)
    if "hop" in query:
        request.send_header("Location", f"/fat-headers?lines={query['lines']}&hop={int(query['hop']) + 1}")
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "0")
    request.end_headers()


def odd_length(request: BaseHTTPRequestHandler, head: bool, length: str) -> None:
    """A page of bytes whose Content-Length is no number Python reads (``²``, 5,000 digits)."""
    request.send_response(200)
    request.send_header("Content-Type", "application/octet-stream")
    request.send_header("Content-Length", length)
    request.end_headers()
    if not head:
        request.wfile.write(b"bytes of no type")
    request.close_connection = True


def endless_chunk_size(server: TrapServer, request: BaseHTTPRequestHandler, head: bool) -> None:
    """A chunked answer whose first chunk-size line never ends: hex digits, no line
    break (bounded: ENDLESS_LIMIT or a minute)."""
    request.send_response(200)
    request.send_header("Content-Type", "application/json")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    digits = b"f" * 65536
    _write_repeatedly(server, request, digits, ENDLESS_LIMIT // len(digits))


def early_hints(server: TrapServer, request: BaseHTTPRequestHandler, head: bool) -> None:
    """A 103 Early Hints interim response, then the real answer."""
    request.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n")
    server.send(request, 200, PAGE.format(title="Hinted", body=ARTICLE), head)

