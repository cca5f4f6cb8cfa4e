"""Token-bucket rate limiting per integration (Notion's documented default: 3 requests/s on average)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """``rate`` tokens per second refill a bucket holding at most ``burst`` tokens; one request costs one."""

    rate: float = 3.0
    burst: int = 10


class RateLimiter:
    """Off when ``limit`` is None. ``configure`` may be called at run time (Python or admin endpoint)."""

    def __init__(self, limit: RateLimit | None = None) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._buckets: dict[str, tuple[float, float]] = {}  # integration id -> (tokens, last refill)

    @property
    def limit(self) -> RateLimit | None:
        return self._limit

    def configure(self, limit: RateLimit | None) -> None:
        with self._lock:
            self._limit = limit
            self._buckets.clear()

    def acquire(self, key: str) -> int | None:
        """None if the request may proceed, else the ``Retry-After`` value in whole seconds (at least 1)."""
        with self._lock:
            limit = self._limit
            if limit is None:
                return None
            now = time.monotonic()
            tokens, last = self._buckets.get(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - last) * limit.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / limit.rate))
