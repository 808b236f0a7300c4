"""
Who is the client: the one place every rate limit (sign-in, password reset, registration, verification)
takes the client's address from.

Behind ``HALTUNG_TRUSTED_PROXY_COUNT`` proxies of our own, the address is the X-Forwarded-For entry the
outermost of them appended; entries before it were written by the client and are ignored. With no trusted
proxy the header is ignored altogether (a client could otherwise pick a fresh address per request). IPv6
clients usually hold a whole /64, so limits count the network, not the address (docs/decisions/0703).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address as far as our own proxies vouch for it."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 - a key, never bound
    proxies = settings.HALTUNG_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return remote
    # Fewer entries than proxies: the request skipped an outer proxy; the first entry is the furthest hop known.
    candidate = entries[-proxies] if len(entries) >= proxies else entries[0]
    return _valid(candidate) or remote


def client_key(request: HttpRequest) -> str:
    """The address a limit counts: IPv4 as it is, IPv6 as its network (``HALTUNG_RATE_LIMIT_IPV6_PREFIX``)."""
    address = ipaddress.ip_address(client_ip(request))
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network(f"{address}/{settings.HALTUNG_RATE_LIMIT_IPV6_PREFIX}", strict=False)
        return str(network)
    return str(address)
