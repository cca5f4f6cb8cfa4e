"""The token bucket and its constants: in this process (:class:`TokenBucket`) or in a file shared by the
processes of one machine (:class:`HostTokenBucket`). The Redis bucket (:mod:`.redis`) follows the same rules in a
Lua script; which of them a caller gets is decided in :mod:`.buckets`.

**One budget per token, whatever rate each caller asks for.** Every user of an integration token shares one
bucket state (the file name and the Redis key are a hash of the token alone). Callers may ask for different
``requests_per_second``; the bucket then runs at the *lowest rate asked for within the last*
:data:`RATE_CLAIM_SECONDS`: a slower caller's rate holds for everyone while it is active, and the faster rate
returns once no caller has asked for the slower one for that long. So the integration's budget is never split
(two callers at 2.85/s and 3/s share one 2.85/s budget instead of using 5.85/s between them), and a 429 pause,
written into the shared state, holds every user of the token.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from airflow_provider_notion.exceptions import PacingUnavailableError
from airflow_provider_notion.utils.state_dir import ensure_private_dir

# 95% of Notion's documented average of 3/s: pacing at exactly the server's rate lets the odd request arrive a
# moment early, and each 429 then holds every user of the bucket for a whole Retry-After (benchmarks/
# bench_rate_limit.py: 81-94% of the limit at 100%, 90-99% at 95%).
DEFAULT_REQUESTS_PER_SECOND = 2.85
# Half a typical server burst: when the client's burst matches the server's, the first burst empties the server's
# bucket and any jitter in arrivals afterwards draws a 429 (bench_rate_limit.py: 88-90% of the limit with 10,
# 97% and no 429 with 5).
DEFAULT_BURST = 5
# No wait handed out by a bucket exceeds this, whatever its (shared, possibly tampered-with) state says; a longer
# Retry-After is capped to it too. Notion's Retry-After is a few seconds.
MAX_WAIT_SECONDS = 300.0
# How long a slower caller's rate holds the token's shared bucket after that caller's last request: long enough
# for a sensor poking every few minutes to keep its rate, short enough that a finished slow task stops slowing
# the others for long.
RATE_CLAIM_SECONDS = 300.0
# The highest rate a shared state may hold; Notion allows about 3/s, so a larger stored value is tampering.
MAX_RATE = 1000.0
# How long a process waits for the machine-wide file's lock before pacing on its own: each holder keeps it for
# microseconds, so half a second means something is wrong (a stuck or hostile holder), not contention.
LOCK_TIMEOUT_SECONDS = 0.5
# Processes on one machine share a clock; allow this much disagreement before a state "from the future" is reset.
CLOCK_SKEW_SECONDS = 1.0

log = logging.getLogger(__name__)


class TokenBucket:
    """A thread-safe token bucket. ``reserve()`` takes a slot and says how long to wait for it.

    :param rate: the requests per second this caller asks for (the shared state may run slower: module doc).
    """

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if not (math.isfinite(rate) and 0 < rate <= MAX_RATE) or burst < 1:
            raise ValueError(f"rate must be a number > 0 and <= {MAX_RATE:g}, and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        # The shared state: tokens left, when they were counted, the rate in force and since when it was asked.
        self._tokens = float(burst)
        self._updated = clock()
        self._rate = rate
        self._rate_since = self._updated
        self._lock = threading.Lock()

    def _rate_in_force(self, now: float, asked: float) -> float:
        """The lowest rate asked for within RATE_CLAIM_SECONDS; asking for it (again) renews its claim."""
        if asked < self._rate or asked == self._rate or now - self._rate_since >= RATE_CLAIM_SECONDS:
            self._rate, self._rate_since = asked, now
        return self._rate

    def _refill(self, now: float, rate: float) -> None:
        elapsed = max(0.0, now - self._updated)  # never negative, even if a clock went back
        self._tokens = min(float(self.burst), self._tokens + elapsed * rate)
        self._updated = now

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Exclusive access to the shared state for one reserve or pause."""
        with self._lock:
            yield

    def reserve(self, rate: float | None = None) -> float:
        """Take one request slot; return the seconds (at most MAX_WAIT_SECONDS) to wait before sending.

        :param rate: the rate this request's caller asks for (default: the bucket's own ``rate``).
        """
        asked = self.rate if rate is None else rate
        with self._transaction():
            now = self._clock()
            in_force = self._rate_in_force(now, asked)
            self._refill(now, in_force)
            self._tokens = max(-MAX_WAIT_SECONDS * in_force, self._tokens - 1.0)
            return 0.0 if self._tokens >= 0 else -self._tokens / in_force

    def pause(self, seconds: float) -> None:
        """Notion said to back off (429): hold every user of this bucket for ``seconds`` (capped)."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        with self._transaction():
            now = self._clock()
            self._refill(now, self._rate)
            self._tokens = min(self._tokens, -min(seconds, MAX_WAIT_SECONDS) * self._rate)


class HostTokenBucket(TokenBucket):
    """A :class:`TokenBucket` whose state is a 32-byte file, so every process on the machine shares it.

    Each reserve or pause locks the file (``flock``), reads the state, updates it and writes it back: a few
    microseconds, at Notion's few requests a second. The clock is wall time, which processes share.

    The file is trusted no further than it must be: opened without following symlinks, used only if it is a
    regular file of ours, values that are not finite or out of range reset the bucket, and the lock is waited
    for at most ``lock_timeout`` seconds (then :class:`PacingUnavailableError`).
    """

    #: tokens, updated, the rate in force, since when that rate was asked for.
    STATE = struct.Struct("dddd")

    def __init__(
        self,
        path: Path,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.time,
        *,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(rate, burst, clock)
        self.path = path
        self.lock_timeout = lock_timeout

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            fd = self._open()
            try:
                self._lock_file(fd)
                self._tokens, self._updated, self._rate, self._rate_since = self._checked_state(
                    os.pread(fd, self.STATE.size, 0)
                )
                yield
                os.pwrite(fd, self.STATE.pack(self._tokens, self._updated, self._rate, self._rate_since), 0)
            finally:
                os.close(fd)  # also releases the lock

    def check_usable(self) -> None:
        """Open, lock and write the file once, so an unusable file fails here rather than mid-request.

        :raises OSError: the file cannot be used (then pace elsewhere).
        """
        with self._transaction():
            pass

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(self.path, flags, 0o600)
        except FileNotFoundError:
            # The folder was removed while we ran (a cleanup job, a tmp reaper): make it again, privately.
            ensure_private_dir(self.path.parent)
            fd = os.open(self.path, flags, 0o600)
        info = os.fstat(fd)
        problem = ""
        if not stat.S_ISREG(info.st_mode):
            problem = "it is not a regular file"
        elif info.st_uid != os.geteuid():
            problem = f"it belongs to uid {info.st_uid}, not to this user"
        elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problem = "group or others may write to it"
        if problem:
            os.close(fd)
            raise PacingUnavailableError(f"pacing file {self.path} is not safe to use: {problem}")
        return fd

    def _lock_file(self, fd: int) -> None:
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PacingUnavailableError(
                        f"pacing file {self.path} stayed locked for more than {self.lock_timeout:g} s"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.02)

    def _checked_state(self, raw: bytes) -> tuple[float, float, float, float]:
        """The stored state if it is one a bucket could have written, else a full bucket at this rate, as of now."""
        now = self._clock()
        if len(raw) == self.STATE.size:
            tokens, updated, rate, rate_since = self.STATE.unpack(raw)
            if (
                all(math.isfinite(value) for value in (tokens, updated, rate, rate_since))
                and 0 < rate <= MAX_RATE
                and -MAX_WAIT_SECONDS * rate <= tokens <= self.burst
                and updated <= now + CLOCK_SKEW_SECONDS
                and rate_since <= now + CLOCK_SKEW_SECONDS
            ):
                return tokens, updated, rate, rate_since
            if raw != bytes(len(raw)):
                log.warning("Pacing file %s held impossible values; starting its bucket afresh", self.path)
        return float(self.burst), now, self.rate, now
