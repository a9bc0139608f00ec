"""Which addresses the URL checker may connect to (SPEC §6).

A CI job checks the links of untrusted pull requests, so by default only
public addresses are allowed: every address a host resolves to must be
global and not multicast (IPv4-mapped IPv6 unwrapped; carrier-grade NAT
``100.64.0.0/10``, which Python does not call private, refused too). The host
is resolved once; the caller connects to the address that was checked, so a
redirect hop or a DNS answer that changes between check and connect cannot
reach the machine's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Resolver = Callable[[str, int], list[str]]
_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")


class AddressRefused(Exception):
    """The target resolves to an address the policy does not allow."""


class HostNotFound(Exception):
    """The host name does not exist (NXDOMAIN)."""


class ResolveFailed(Exception):
    """The name could not be resolved just now (temporary DNS failure)."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, as the system resolver answers."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise HostNotFound(f"the host {host} does not exist") from None
        raise ResolveFailed(f"cannot resolve {host}: {error.strerror or error}") from None
    except UnicodeError:
        raise HostNotFound(f"the host name {host!r} is not valid") from None
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def unwrap(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(text: str) -> bool:
    """A global unicast address that is not carrier-grade NAT."""
    address = unwrap(ipaddress.ip_address(text.split("%", 1)[0]))
    if address.is_multicast or not address.is_global:
        return False
    return not (isinstance(address, ipaddress.IPv4Address) and address in _CARRIER_GRADE_NAT)


@dataclass(frozen=True)
class AddressPolicy:
    """Resolve a host once and say which of its addresses may be used."""

    allow_private: bool = False
    resolver: Resolver = system_resolver
    # answers for this run: each host is resolved once, however many URLs and hops use it
    answers: dict[tuple[str, int], list[str]] = field(default_factory=dict, compare=False, repr=False)

    def checked_address(self, host: str, port: int) -> str:
        """The address to connect to; raises when the host is refused or unknown."""
        addresses = self.answers.get((host, port))
        if addresses is None:
            addresses = self.answers[(host, port)] = self.resolver(host, port)
        if not addresses:
            raise HostNotFound(f"the host {host} has no address")
        if self.allow_private:
            return addresses[0]
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {refused[0]}, a private, loopback, link-local or reserved address; "
                "not checked (use --allow-private to check it)"
            )
        return addresses[0]


def literal_host_refused(host: Optional[str], allow_private: bool) -> Optional[str]:
    """A quick check without DNS: a refused IP literal or ``localhost``, else None."""
    if allow_private or not host:
        return None
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is this machine; not checked (use --allow-private to check it)"
    try:
        if not is_public(name):
            return f"{host} is a private, loopback, link-local or reserved address; not checked (use --allow-private to check it)"
    except ValueError:
        return None
    return None
