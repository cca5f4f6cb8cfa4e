"""Client-side pacing: a token bucket per integration token, shared by every hook and trigger in a process.

Notion allows an average of about three requests a second per integration, with bursts. Pacing on our side
keeps fetch-all loops and many waiting sensors from running into 429s. Across worker processes the budget
cannot be shared from here: use an Airflow pool for that.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

# 95% of Notion's documented average of 3/s: pacing at exactly the server's rate lets the odd request arrive a
# moment early, and each 429 then holds every user of the bucket for a whole Retry-After (benchmarks/
# bench_rate_limit.py: 81-94% of the limit at 100%, 90-99% at 95%).
DEFAULT_REQUESTS_PER_SECOND = 2.85
DEFAULT_BURST = 10


class TokenBucket:
    """A thread-safe token bucket. ``reserve()`` takes a slot and says how long to wait for it."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def reserve(self) -> float:
        """Take one request slot; return the seconds the caller must wait before sending."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def pause(self, seconds: float) -> None:
        """Notion said to back off (429): hold every user of this bucket for ``seconds``."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = min(self._tokens, -seconds * self.rate)


_buckets: dict[tuple[str, float, int], TokenBucket] = {}
_buckets_lock = threading.Lock()


def shared_bucket(token: str, rate: float, burst: int = DEFAULT_BURST) -> TokenBucket:
    """The process-wide bucket for a token (keyed by a hash, so the token itself is not kept here)."""
    key = (hashlib.sha256(token.encode()).hexdigest()[:24], rate, burst)
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            bucket = _buckets[key] = TokenBucket(rate, burst)
        return bucket
