"""Which addresses the URL checker may connect to (SPEC §6, docs/security.md).

A CI job checks the links of untrusted pull requests, so by default only
public addresses are allowed: every address a host resolves to must be
global and not multicast (carrier-grade NAT ``100.64.0.0/10``, which Python
does not call private, refused too). The host is resolved once; the caller
connects to the address that was checked, so a redirect hop or a DNS answer
that changes between check and connect cannot reach the machine's own network.

An IPv6 address that a translator or tunnel turns into an IPv4 one is judged
by the IPv4 address it carries: IPv4-mapped ``::ffff:a.b.c.d``,
IPv4-translated ``::ffff:0:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64
``64:ff9b::a.b.c.d`` and 6to4 ``2002:AABB:CCDD::/48``. Two forms cannot be
judged and are refused: the local-use NAT64 prefix ``64:ff9b:1::/48`` (where
the IPv4 address sits depends on the local network's prefix length, RFC 8215)
and Teredo ``2001::/32`` (a relay path through a server and a client's NAT
mapping, the client address and port obfuscated; no web site is published
on Teredo).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from typing import Callable, Iterable, Optional, Union
from urllib.parse import urlsplit

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Resolver = Callable[[str, int], list[str]]
_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
# IPv6 prefixes whose last 32 bits are an IPv4 address a translator connects to
_LOW_32_BITS_ARE_IPV4 = tuple(
    ipaddress.ip_network(prefix)
    for prefix in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "::/96",  # IPv4-compatible (deprecated; :: and ::1 carry 0.0.0.0 and 0.0.0.1)
        "64:ff9b::/96",  # NAT64, the well-known prefix (RFC 6052)
    )
)
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")  # bits 16-47 are the IPv4 address (RFC 3056)
_UNJUDGEABLE = (
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64: the IPv4 address may sit at bit 48, 56, 64 or 96
    ipaddress.ip_network("2001::/32"),  # Teredo: a server and an obfuscated client address and port
)


class AddressRefused(Exception):
    """The target resolves to an address the policy does not allow."""


class HostNotFound(Exception):
    """The host name does not exist (NXDOMAIN)."""


class ResolveFailed(Exception):
    """The name could not be resolved just now (temporary DNS failure)."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, as the system resolver answers."""
    import socket

    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise HostNotFound(f"the host {host} does not exist") from None
        raise ResolveFailed(f"cannot resolve {host}: {error.strerror or error}") from None
    except UnicodeError:
        raise HostNotFound(f"the host name {host!r} is not valid") from None
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


class Unjudgeable(ValueError):
    """An IPv6 form whose IPv4 destination cannot be told from the address."""


def unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries, where a translator or tunnel would
    connect; the address itself when it carries none. Raises Unjudgeable for the
    forms that carry one where it cannot be found (local-use NAT64, Teredo)."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if any(address in network for network in _UNJUDGEABLE):
        raise Unjudgeable(str(address))
    if any(address in network for network in _LOW_32_BITS_ARE_IPV4):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return address


def is_public(text: str) -> bool:
    """A global unicast address that is not carrier-grade NAT, judged by the IPv4
    address it carries when it is an IPv6 form that carries one."""
    try:
        address = unwrap(ipaddress.ip_address(text.split("%", 1)[0]))
    except Unjudgeable:
        return False
    if address.is_multicast or not address.is_global:
        return False
    return not (isinstance(address, ipaddress.IPv4Address) and address in _CARRIER_GRADE_NAT)


class AddressPolicy:
    """Resolve a host once and say which of its addresses may be used."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        # answers for this run: each host is resolved once, however many URLs and hops use it
        self.answers: dict[tuple[str, int], list[str]] = {}
        self._missing: dict[tuple[str, int], str] = {}  # the hosts that do not exist (HostNotFound), and why
        self._asking: dict[tuple[str, int], threading.Event] = {}  # the resolutions under way, set when each is done
        self._lock = threading.Lock()  # guards ``answers``, ``_missing`` and ``_asking``

    def __repr__(self) -> str:
        return f"AddressPolicy(allow_private={self.allow_private!r}, resolver={self.resolver!r})"

    def addresses(self, host: str, port: int) -> list[str]:
        """What ``host`` resolves to, asked of the resolver once a run (a host that
        does not exist too: HostNotFound). A thread that needs a host another thread
        is resolving waits for that answer instead of asking again (a host's first
        links start together). When that resolution failed for now (ResolveFailed),
        the waiting thread asks itself."""
        key = (host, port)
        with self._lock:
            known = self._known(key)
            asking = self._asking.get(key) if known is None else None
            mine = known is None and asking is None
            if mine:
                asking = self._asking[key] = threading.Event()
        if known is None and not mine:
            asking.wait()  # type: ignore[union-attr]
            with self._lock:
                known = self._known(key)
        if known is not None:
            if isinstance(known, str):
                raise HostNotFound(known)
            return known
        if not mine:
            return self.resolver(host, port)
        try:
            addresses = self.resolver(host, port)
        except HostNotFound as error:
            with self._lock:
                self._missing[key] = str(error)
            raise
        else:
            with self._lock:
                self.answers[key] = addresses
            return addresses
        finally:
            with self._lock:
                del self._asking[key]
            asking.set()  # type: ignore[union-attr]

    def _known(self, key: tuple[str, int]) -> Union[list[str], str, None]:
        """The run's answer for ``key``: its addresses, why it does not exist, or None."""
        addresses = self.answers.get(key)
        return addresses if addresses is not None else self._missing.get(key)

    def resolve_ahead(self, targets: Iterable[tuple[str, int]], threads: int, until: float = math.inf) -> None:
        """Ask the resolver for ``targets`` (host, port), each once, in their order, by
        ``threads`` threads of their own, and return at once: a run's hosts are
        resolved while it gets ready to fetch (the system resolver lets the
        interpreter go on while it waits), and a link's own check
        (``checked_address``) then finds its host's answer. Nothing is judged here:
        each check still judges the addresses when its link is fetched. No host is
        asked after ``until`` (``time.monotonic()``: the run's time limit)."""
        distinct = list(dict.fromkeys(targets))
        waiting = iter(distinct)
        lock = threading.Lock()

        def resolve() -> None:
            while True:
                with lock:
                    target = next(waiting, None)
                if target is None or time.monotonic() >= until:
                    return
                try:
                    self.addresses(*target)
                except Exception:  # noqa: BLE001 - the link's own check meets it again and says it
                    pass

        for _ in range(min(threads, len(distinct))):
            threading.Thread(target=resolve, daemon=True, name="citelint-resolve").start()

    def checked_address(self, host: str, port: int) -> str:
        """The address to connect to; raises when the host is refused or unknown."""
        addresses = self.addresses(host, port)
        if not addresses:
            raise HostNotFound(f"the host {host} has no address")
        if self.allow_private:
            return addresses[0]
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {described(refused[0])}, a private, loopback, link-local or reserved address; "
                "not checked (use --allow-private to check it)"
            )
        return addresses[0]

    def refused_hop(self, urls: list[str]) -> Optional[str]:
        """Why one of a response's hops is refused, else None. The HTTP cache answers
        a hop without connecting, so the connection's check never saw it: a page
        cached by a run with the guard open must not complete a guarded run's redirect."""
        for url in urls:
            try:
                parts = urlsplit(url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                self.checked_address(parts.hostname or "", port)
            except AddressRefused as error:
                return str(error)
            except (HostNotFound, ResolveFailed, ValueError):
                continue  # never connected to either: nothing reached past the guard
        return None

    @property
    def key(self) -> str:
        """What cached verdicts are kept under: a verdict reached with the guard
        open is never served to a run with it closed (nor the other way)."""
        return "open" if self.allow_private else "guarded"


def described(text: str) -> str:
    """An address as a refusal names it, with the IPv4 address it carries, if any."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        carried = unwrap(address)
    except Unjudgeable:
        return f"{text} (Teredo or local-use NAT64, whose IPv4 destination cannot be judged)"
    except ValueError:
        return text
    return text if carried == address else f"{text} (which carries {carried})"


def literal_host_refused(host: Optional[str], allow_private: bool) -> Optional[str]:
    """A quick check without DNS: a refused IP literal or ``localhost``, else None."""
    if allow_private or not host:
        return None
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is this machine; not checked (use --allow-private to check it)"
    try:
        if not is_public(name):
            return f"{described(name)} is a private, loopback, link-local or reserved address; not checked (use --allow-private to check it)"
    except ValueError:
        return None
    return None
