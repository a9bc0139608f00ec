"""The HTTP side of the checker: a requests-cache session whose connections
go only to addresses the policy checked. Imported only when a URL must be
fetched."""

from __future__ import annotations

import logging
import socket
import sqlite3
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any, Callable, Optional

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from citelint import __version__
from citelint.cache import make_cache_folder
from citelint.urls.checker import BODY_LIMIT, MAX_REDIRECTS
from citelint.urls.policy import AddressPolicy, ResolveFailed

USER_AGENT = f"Mozilla/5.0 (compatible; citelint/{__version__}; reference checker)"


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

    http_connection = type("GuardedHTTPConnection", (HTTPConnection,), {"_new_conn": new_conn})
    https_connection = type("GuardedHTTPSConnection", (HTTPSConnection,), {"_new_conn": new_conn})
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


def _cache_key(request: requests.PreparedRequest, **_: Any) -> str:
    """One entry per method and URL: the checker sends no varying headers or bodies,
    so requests-cache's general key (URL normalisation, header matching) is not needed."""
    import hashlib

    return hashlib.blake2b(f"{request.method} {request.url}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _small_enough(response: requests.Response) -> bool:
    """requests-cache filter: never cache a body that is unknown in size or too big."""
    length = response.headers.get("Content-Length")
    return length is not None and length.isdigit() and int(length) <= BODY_LIMIT


def _harden(session: requests.Session, policy: AddressPolicy, workers: int) -> requests.Session:
    session.trust_env = False  # no proxies or .netrc from the environment
    session.max_redirects = MAX_REDIRECTS
    session.cookies = RequestsCookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    adapter = GuardedAdapter(policy, workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def make_session(
    policy: AddressPolicy, workers: int, cache_path: Optional[Path], expire_after: float, warn: Callable[[str], None]
) -> requests.Session:
    """A requests-cache session on SQLite (WAL, long busy timeout), or a plain one
    when the cache cannot be opened."""
    logging.getLogger("requests_cache").setLevel(logging.CRITICAL)
    if cache_path is not None:
        try:
            from requests_cache import CachedSession

            make_cache_folder(str(cache_path.parent))
            session = CachedSession(
                str(cache_path),
                backend="sqlite",
                wal=True,
                fast_save=True,  # a cache: no fsync per response
                busy_timeout=30_000,
                timeout=30,
                expire_after=expire_after,
                allowable_codes=(200,),
                allowable_methods=("GET", "HEAD"),
                filter_fn=_small_enough,
                key_fn=_cache_key,
                stale_if_error=False,
            )
            len(session.cache.responses)  # touch the table: a corrupt file fails here
            return _harden(session, policy, workers)
        except (sqlite3.Error, OSError) as error:
            warn(f"the HTTP cache {cache_path} cannot be used ({error}); checking without it")
    return _harden(requests.Session(), policy, workers)


def plain_session(policy: AddressPolicy, workers: int) -> requests.Session:
    return _harden(requests.Session(), policy, workers)
