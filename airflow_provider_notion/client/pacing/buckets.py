"""Client-side pacing: a token bucket per integration token, shared by every hook and trigger that uses it.

Notion allows an average of about three requests a second per integration, with bursts. Pacing on our side
keeps fetch-all loops and many waiting sensors from running into 429s. Where the bucket lives (docs/pacing.md):

- with a Redis ``pacing_backend`` (Airflow config ``[notion] pacing_backend``, or the connection extra of the same
  name): in Redis, shared by every worker, triggerer and sensor of the deployment (:mod:`.redis_pacing`);
- otherwise, and whenever Redis is unreachable: in a 16-byte file per token hash in a private per-user folder
  (``utils.state_dir.private_state_dir``), locked with ``flock``, shared by the processes of
  one machine;
- where that file cannot be used safely: in this process only;
- with ``pacing_backend = off``: nowhere, requests are not paced (:func:`pacing_bucket`; tests, or a deployment
  that paces some other way).

Pacing never fails a task: an unusable backend is reported once per process and the next one down takes over.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import math
import os
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from airflow_provider_notion.exceptions import NotionInputError, PacingUnavailableError
from airflow_provider_notion.utils.state_dir import default_state_dir, ensure_private_dir, private_state_dir

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
# How long a process waits for the machine-wide file's lock before pacing on its own: each holder keeps it for
# microseconds, so half a second means something is wrong (a stuck or hostile holder), not contention.
LOCK_TIMEOUT_SECONDS = 0.5
# After a backend failed, how long the next one down is used before the first is tried again.
RETRY_BACKEND_AFTER_SECONDS = 30.0
# A task's pacing waits are logged (once) when their total passes this.
VISIBLE_WAIT_SECONDS = 1.0
# Processes on one machine share a clock; allow this much disagreement before a state "from the future" is reset.
_CLOCK_SKEW_SECONDS = 1.0
#: The ``pacing_backend`` value that turns client-side pacing off (hooks and triggers send without waiting).
PACING_OFF = "off"

log = logging.getLogger(__name__)


class TokenBucket:
    """A thread-safe token bucket. ``reserve()`` takes a slot and says how long to wait for it."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if not (math.isfinite(rate) and rate > 0) or burst < 1:
            raise ValueError("rate must be a finite number > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    @property
    def _floor(self) -> float:
        """The fewest tokens the bucket may hold: a debt of MAX_WAIT_SECONDS."""
        return -MAX_WAIT_SECONDS * self.rate

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
        """Take one request slot; return the seconds (at most MAX_WAIT_SECONDS) to wait before sending."""
        with self._transaction():
            self._refill(self._clock())
            self._tokens = max(self._floor, self._tokens - 1.0)
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def pause(self, seconds: float) -> None:
        """Notion said to back off (429): hold every user of this bucket for ``seconds`` (capped)."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        with self._transaction():
            self._refill(self._clock())
            self._tokens = min(self._tokens, -min(seconds, MAX_WAIT_SECONDS) * self.rate)


class HostTokenBucket(TokenBucket):
    """A :class:`TokenBucket` whose state is a 16-byte file, so every process on the machine shares it.

    Each reserve or pause locks the file (``flock``), reads the state, updates it and writes it back: a few
    microseconds, at Notion's few requests a second. The clock is wall time, which processes share.

    The file is trusted no further than it must be: opened without following symlinks, used only if it is a
    regular file of ours, values that are not finite or out of range reset the bucket, and the lock is waited
    for at most ``lock_timeout`` seconds (then :class:`PacingUnavailableError`).
    """

    _STATE = struct.Struct("dd")

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
                self._tokens, self._updated = self._checked_state(os.pread(fd, self._STATE.size, 0))
                yield
                os.pwrite(fd, self._STATE.pack(self._tokens, self._updated), 0)
            finally:
                os.close(fd)  # also releases the lock

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

    def _checked_state(self, raw: bytes) -> tuple[float, float]:
        """The stored state if it is one this bucket could have written, else a full bucket as of now."""
        now = self._clock()
        if len(raw) == self._STATE.size:
            tokens, updated = self._STATE.unpack(raw)
            if (
                math.isfinite(tokens)
                and math.isfinite(updated)
                and self._floor <= tokens <= self.burst
                and updated <= now + _CLOCK_SKEW_SECONDS
            ):
                return tokens, updated
            if raw != bytes(len(raw)):
                log.warning("Pacing file %s held impossible values; starting its bucket afresh", self.path)
        return float(self.burst), now


class FallbackBucket(TokenBucket):
    """``primary`` while it works; on a failure, ``fallback`` for ``retry_after`` seconds, then ``primary`` again.

    The failing call itself is served by ``fallback``, so no request goes unpaced. The switch is logged once per
    process and kind of backend (a warning), the return at INFO.
    """

    def __init__(
        self,
        primary: TokenBucket,
        fallback: TokenBucket,
        *,
        describe: str,
        retry_after: float = RETRY_BACKEND_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(primary.rate, primary.burst, clock)
        self.primary = primary
        self.fallback = fallback
        self.describe = describe
        self.retry_after = retry_after
        self._down_since: float | None = None

    @property
    def using_fallback(self) -> bool:
        """Whether the last call was served by ``fallback``."""
        return self._down_since is not None

    def _use_primary(self) -> bool:
        with self._lock:
            return self._down_since is None or self._clock() - self._down_since >= self.retry_after

    def _outcome(self, error: OSError | None) -> None:
        with self._lock:
            if error is None:
                if self._down_since is not None:
                    log.info("Pacing Notion requests through %s again", self.describe)
                self._down_since = None
                return
            self._down_since = self._clock()
        _warn_once(
            self.describe,
            "Pacing Notion requests without %s (%s); trying it again every %g s",
            self.describe,
            error,
            self.retry_after,
        )

    def reserve(self) -> float:
        if self._use_primary():
            try:
                wait = self.primary.reserve()
            except OSError as error:
                self._outcome(error)
            else:
                self._outcome(None)
                return wait
        return self.fallback.reserve()

    def pause(self, seconds: float) -> None:
        if self._use_primary():
            try:
                self.primary.pause(seconds)
            except OSError as error:
                self._outcome(error)
            else:
                self._outcome(None)
                return
        self.fallback.pause(seconds)


class PacingBucket(TokenBucket):
    """What :func:`shared_bucket` returns: a bucket chain, plus the total time its callers were told to wait.

    When that total first passes VISIBLE_WAIT_SECONDS it is logged at INFO, once: a task that spends seconds
    waiting for the integration's budget says so instead of looking slow for no reason.
    """

    def __init__(self, chain: TokenBucket) -> None:
        super().__init__(chain.rate, chain.burst)
        self.chain = chain
        self.waited = 0.0
        self._reported = False

    def reserve(self) -> float:
        wait = self.chain.reserve()
        if wait > 0:
            with self._lock:
                self.waited += wait
                report = not self._reported and self.waited > VISIBLE_WAIT_SECONDS
                self._reported = self._reported or report
            if report:
                log.info(
                    "Waited %.1f s so far for the integration's Notion request budget (client-side pacing at "
                    "%g requests/s, shared by every user of the token); this is logged once",
                    self.waited,
                    self.rate,
                )
        return wait

    def pause(self, seconds: float) -> None:
        self.chain.pause(seconds)


_warned: set[str] = set()
_warned_lock = threading.Lock()


def _warn_once(kind: str, message: str, *args: object) -> None:
    with _warned_lock:
        if kind in _warned:
            return
        _warned.add(kind)
    log.warning(message, *args)


_buckets: dict[tuple[str, float, int, str], PacingBucket] = {}
_buckets_lock = threading.Lock()


def pacing_dir() -> Path:
    """Where the machine-wide bucket files live: ``$AIRFLOW_NOTION_PACING_DIR``, else a private per-user folder."""
    return default_state_dir("pacing")


def configured_backend(override: str | None = None) -> str:
    """The pacing backend in force: ``override`` (the connection extra), else ``[notion] pacing_backend``.

    ``""`` (or ``"local"``) means the machine-wide bucket; ``redis://``, ``rediss://`` or ``unix://`` URLs mean
    Redis; ``"off"`` (:data:`PACING_OFF`) means no pacing. The Airflow option can also be set as
    ``AIRFLOW__NOTION__PACING_BACKEND``.

    :raises NotionInputError: the value is none of these.
    """
    value = override if override is not None else _airflow_option()
    value = (value or "").strip()
    if value.lower() in ("", "local"):
        return ""
    if value.lower() == PACING_OFF:
        return PACING_OFF
    if value.split("://", 1)[0].lower() in ("redis", "rediss", "unix") and "://" in value:
        return value
    raise NotionInputError(
        "pacing_backend", "expected 'local', 'off' or a redis://, rediss:// or unix:// URL (value not shown)"
    )


def _airflow_option() -> str | None:
    try:
        from airflow.configuration import conf

        value = conf.get("notion", "pacing_backend", fallback=None)
    except Exception:  # an Airflow without this config machinery: the environment variable is the option
        value = os.environ.get("AIRFLOW__NOTION__PACING_BACKEND")
    return str(value) if value is not None else None


def pacing_bucket(
    token: str, requests_per_second: float | None, *, backend: str | None = None
) -> TokenBucket | None:
    """The bucket a hook or trigger paces ``token`` with, or ``None`` when pacing is off.

    Pacing is off when ``requests_per_second`` is ``None`` or ``0`` (the hook's/trigger's argument) or when the
    backend in force (``backend``, the connection extra, else ``[notion] pacing_backend``) is ``"off"``.

    :raises NotionInputError: ``pacing_backend`` is not a valid value (see :func:`configured_backend`).
    """
    if not requests_per_second or configured_backend(backend) == PACING_OFF:
        return None
    return shared_bucket(token, float(requests_per_second), backend=backend)


def shared_bucket(
    token: str, rate: float, burst: int = DEFAULT_BURST, *, backend: str | None = None
) -> TokenBucket:
    """The bucket for a token, shared as widely as the configured backend allows.

    Keyed by a hash: the token itself is stored nowhere. ``backend`` overrides the Airflow option (it is the
    connection's ``pacing_backend`` extra); see :func:`configured_backend`.

    :returns: an object with ``reserve() -> seconds to wait`` and ``pause(seconds)`` (a 429's Retry-After).
    """
    url = configured_backend(backend)
    if url == PACING_OFF:
        url = ""  # asked for a bucket explicitly: "off" is honoured by pacing_bucket, here it means no Redis
    digest = hashlib.sha256(token.encode()).hexdigest()[:24]
    key = (digest, rate, burst, url)
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            chain = machine_bucket(f"{digest}-{rate:g}-{burst}", rate, burst)
            if url:
                chain = _redis_chain(url, digest, rate, burst, chain)
            bucket = _buckets[key] = PacingBucket(chain)
        return bucket


def machine_bucket(name: str, rate: float, burst: int) -> TokenBucket:
    """The machine-wide bucket ``name`` in the pacing folder, falling back to this process when unusable."""
    local = TokenBucket(rate, burst)
    try:
        folder = private_state_dir("pacing")
        bucket = HostTokenBucket(folder / name, rate, burst)
        with bucket._transaction():  # opens, locks and writes the file once: fail here, not mid-request
            pass
    except OSError as err:
        _warn_once("machine-wide pacing", "Pacing Notion requests in this process only (%s)", err)
        return local
    return FallbackBucket(bucket, local, describe="the machine-wide pacing file")


def _redis_chain(url: str, digest: str, rate: float, burst: int, fallback: TokenBucket) -> TokenBucket:
    try:
        from airflow_provider_notion.client.pacing.redis import RedisTokenBucket
    except ImportError:
        _warn_once(
            "redis-missing",
            "pacing_backend is a Redis URL but the redis package is missing "
            "(pip install 'airflow-notion-provider[redis]'); pacing on this machine only",
        )
        return fallback
    primary = RedisTokenBucket.from_url(url, digest, rate, burst)
    return FallbackBucket(primary, fallback, describe=f"the Redis pacing backend ({primary.where})")
