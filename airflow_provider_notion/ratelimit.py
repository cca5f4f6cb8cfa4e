"""Client-side pacing: a token bucket per integration token, shared by every hook and trigger on this machine.

Notion allows an average of about three requests a second per integration, with bursts. Pacing on our side
keeps fetch-all loops and many waiting sensors from running into 429s. The bucket's state lives in a small
file (one per token hash, under ``$AIRFLOW_NOTION_PACING_DIR`` or the temp directory), locked with ``flock``, so
the task processes of one worker (and a triggerer on the same host) share one budget. Across machines it cannot
be shared from here: use an Airflow pool for that. Where the file cannot be used, each process paces alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# 95% of Notion's documented average of 3/s: pacing at exactly the server's rate lets the odd request arrive a
# moment early, and each 429 then holds every user of the bucket for a whole Retry-After (benchmarks/
# bench_rate_limit.py: 81-94% of the limit at 100%, 90-99% at 95%).
DEFAULT_REQUESTS_PER_SECOND = 2.85
# Half a typical server burst: when the client's burst matches the server's, the first burst empties the server's
# bucket and any jitter in arrivals afterwards draws a 429 (bench_rate_limit.py: 88-90% of the limit with 10,
# 97% and no 429 with 5).
DEFAULT_BURST = 5

log = logging.getLogger(__name__)


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
        elapsed = max(0.0, now - self._updated)  # never negative, even if a clock went back
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._updated = now

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Exclusive access to ``_tokens``/``_updated`` for one reserve or pause."""
        with self._lock:
            yield

    def reserve(self) -> float:
        """Take one request slot; return the seconds the caller must wait before sending."""
        with self._transaction():
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def pause(self, seconds: float) -> None:
        """Notion said to back off (429): hold every user of this bucket for ``seconds``."""
        with self._transaction():
            self._refill(self._clock())
            self._tokens = min(self._tokens, -seconds * self.rate)


class HostTokenBucket(TokenBucket):
    """A :class:`TokenBucket` whose state is a 16-byte file, so every process on the machine shares it.

    Each reserve or pause locks the file (``flock``), reads the state, updates it and writes it back: a few
    microseconds, at Notion's few requests a second. The clock is wall time, which processes share.
    """

    _STATE = struct.Struct("dd")

    def __init__(self, path: Path, rate: float, burst: int, clock: Callable[[], float] = time.time) -> None:
        super().__init__(rate, burst, clock)
        self.path = path

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = os.pread(fd, self._STATE.size, 0)
                if len(raw) == self._STATE.size:
                    self._tokens, self._updated = self._STATE.unpack(raw)
                else:
                    self._tokens, self._updated = float(self.burst), self._clock()
                yield
                os.pwrite(fd, self._STATE.pack(self._tokens, self._updated), 0)
            finally:
                os.close(fd)  # also releases the lock


_buckets: dict[tuple[str, float, int], TokenBucket] = {}
_buckets_lock = threading.Lock()


def pacing_dir() -> Path:
    """Where the shared bucket files live: ``$AIRFLOW_NOTION_PACING_DIR``, else a per-user temp folder."""
    configured = os.environ.get("AIRFLOW_NOTION_PACING_DIR")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"airflow-notion-pacing-{os.getuid()}"


def shared_bucket(token: str, rate: float, burst: int = DEFAULT_BURST) -> TokenBucket:
    """The bucket for a token, shared on this machine (keyed by a hash: the token itself is stored nowhere)."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:24]
    key = (digest, rate, burst)
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            bucket = _buckets[key] = _new_bucket(f"{digest}-{rate:g}-{burst}", rate, burst)
        return bucket


def _new_bucket(name: str, rate: float, burst: int) -> TokenBucket:
    try:
        folder = pacing_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        bucket = HostTokenBucket(folder / name, rate, burst)
        with bucket._transaction():  # opens, locks and writes the file once: fail here, not mid-request
            pass
        return bucket
    except OSError as err:
        log.warning("Pacing Notion requests in this process only (shared pacing file unusable: %s)", err)
        return TokenBucket(rate, burst)
