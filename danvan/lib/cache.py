"""A Redis cache that a Redis outage cannot take the site down with.

Every read of a cache that does not answer is a miss, every write is dropped, and a counter
(the rate limits) starts from nothing: the pages are still served, only slower, and a warning
is logged at most once a minute per process. `settings.CACHES` uses it whenever REDIS_URL is
set.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0

try:  # the errors of a server that is down or unreachable
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    OUTAGE: tuple[type[BaseException], ...] = (
        RedisConnectionError,
        RedisTimeoutError,
        ConnectionError,
        TimeoutError,
    )
except ImportError:  # pragma: no cover - redis is in the lock
    OUTAGE = (ConnectionError, TimeoutError)


class TolerantRedisCache(RedisCache):
    _last_warning = 0.0

    def _outage(self, operation: str, exc: BaseException, default):
        now = time.monotonic()
        if now - TolerantRedisCache._last_warning >= WARN_EVERY_SECONDS:
            TolerantRedisCache._last_warning = now
            logger.warning(
                "The cache does not answer (%s: %s): pages served without it.", operation, exc
            )
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE as exc:
            return self._outage("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE as exc:
            return self._outage("get_many", exc, {})

    def set(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().set(key, value, timeout, version)
        except OUTAGE as exc:
            return self._outage("set", exc, None)

    def set_many(self, data, timeout=None, version=None, **kwargs):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE as exc:
            return self._outage("set_many", exc, list(data))

    def add(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE as exc:
            return self._outage("add", exc, False)

    def touch(self, key, timeout=None, version=None, **kwargs):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE as exc:
            return self._outage("touch", exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE as exc:
            return self._outage("delete", exc, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except OUTAGE as exc:
            return self._outage("delete_many", exc, None)

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE as exc:
            return self._outage("has_key", exc, False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE as exc:
            # As for a key the cache lost: the caller starts the count again.
            self._outage("incr", exc, None)
            raise ValueError(f"Key '{key}' not found: the cache does not answer.") from exc

    def clear(self):
        try:
            return super().clear()
        except OUTAGE as exc:
            return self._outage("clear", exc, None)
