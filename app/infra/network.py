"""This machine's address on the local network, for a workshop run from a laptop: phones on
the same Wi-Fi cannot open ``localhost``, but they can open ``http://192.168.1.23:8000``.

Found without any traffic leaving the machine: "connecting" a UDP socket to a private
address sends nothing, yet makes the system choose the interface (and so the address) it
would route through; failing that, the addresses the host name resolves to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

# Private addresses to route towards (never contacted: a UDP connect sends no packet).
PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")


def usable(address: str) -> bool:
    """An IPv4 address another device on the network can reach: not loopback (127.x), not
    unspecified, not link-local (169.254.x, what a machine gives itself without a network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def _routed_address(target: str) -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((target, 9))  # nothing is sent
        return str(probe.getsockname()[0])


def _host_addresses() -> list[str]:
    infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_DGRAM)
    return [str(info[4][0]) for info in infos]


def lan_address(
    routed: Callable[[str], str] = _routed_address,
    host_addresses: Callable[[], Iterable[str]] = _host_addresses,
) -> str | None:
    """This machine's LAN address (IPv4), or ``None`` if it seems to have none."""
    for target in PROBES:
        try:
            address = routed(target)
        except OSError:
            continue
        if usable(address):
            return address
    try:
        candidates = list(host_addresses())
    except OSError:
        return None
    private = [a for a in candidates if usable(a) and ipaddress.ip_address(a).is_private]
    return next(iter(private or [a for a in candidates if usable(a)]), None)
