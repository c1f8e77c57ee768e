"""Count a visitor's form submissions per network address, in whatever cache is configured.

Fixed windows (10 minutes by default): simple, and the same with locmem, Redis, Memcached
or the database cache. Behind a reverse proxy REMOTE_ADDR must be the visitor's address
(the proxy sets it), or every visitor shares one count.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from danvan.lib.middleware import ip_from_request


@dataclass(frozen=True)
class Limit:
    posts: int
    window: int  # seconds


LIMITS = {
    "send": Limit(posts=5, window=600),  # new cases from the portal
    "case": Limit(posts=20, window=600),  # ratings and reopenings
    "language": Limit(posts=30, window=600),  # the language switch
    "open311": Limit(posts=30, window=600),  # Open311 POST requests
    "comment": Limit(posts=5, window=600),  # comments on a commune's draft
    "ballot": Limit(posts=20, window=600),  # online ballots (a hamlet may share a network)
}


def limit_for(bucket: str) -> Limit:
    """The limit of a bucket; settings.RATE_LIMITS = {"send": (posts, seconds)} overrides it."""
    override = getattr(settings, "RATE_LIMITS", {}).get(bucket)
    return Limit(*override) if override else LIMITS[bucket]


def client_network(request) -> str:
    """The visitor's address; for IPv6 its /64, which one household or phone may rotate in."""
    address = ip_from_request(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(bucket: str, network: str, slot: int) -> str:
    # Addresses are personal data: the cache keeps only a keyed hash of them.
    digest = salted_hmac(
        "danvan.ratelimit", f"{bucket}|{network}|{slot}", algorithm="sha256"
    ).hexdigest()
    return f"rl:{bucket}:{digest[:32]}"


def hit(request, bucket: str, *, now: float | None = None) -> int:
    """Count one submission; return 0 when allowed, else the seconds until the window ends."""
    limit = limit_for(bucket)
    now = time.time() if now is None else now
    slot = int(now // limit.window)
    key = _key(bucket, client_network(request), slot)
    cache.add(key, 0, timeout=limit.window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr, or a cache that keeps nothing
        cache.set(key, 1, timeout=limit.window)
        count = 1
    if count <= limit.posts:
        return 0
    return max(1, int((slot + 1) * limit.window - now))
