"""Which bucket a caller paces with: the backend choice, above the bucket (:mod:`.token_bucket`) and the Redis
backend (:mod:`.redis`). One bucket state per integration token, shared by every hook and trigger that uses it,
whatever rate each asks for (the lowest recent rate is in force: :mod:`.token_bucket`).

Notion allows an average of about three requests a second per integration, with bursts. Pacing on our side
keeps fetch-all loops and many waiting sensors from running into 429s. Where the bucket lives (docs/pacing.md):

- with a Redis ``pacing_backend`` (Airflow config ``[notion] pacing_backend``, or the connection extra of the same
  name): in Redis, shared by every worker, triggerer and sensor of the deployment (:mod:`.redis`);
- otherwise, and whenever Redis is unreachable: in a 32-byte file per token hash in a private per-user folder
  (``utils.state_dir.private_state_dir``), locked with ``flock``, shared by the processes of
  one machine;
- where that file cannot be used safely: in this process only;
- with ``pacing_backend = off``: nowhere, requests are not paced (:func:`pacing_bucket`; tests, or a deployment
  that paces some other way).

Pacing never fails a task: an unusable backend is reported once per process and the next one down takes over.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from airflow_provider_notion.client.pacing.token_bucket import (
    DEFAULT_BURST,
    DEFAULT_REQUESTS_PER_SECOND,
    MAX_WAIT_SECONDS,
    HostTokenBucket,
    TokenBucket,
)
from airflow_provider_notion.exceptions import NotionInputError, PacingUnavailableError
from airflow_provider_notion.utils.state_dir import default_state_dir, private_state_dir

__all__ = [  # the bucket's own names are re-exported: callers choose a bucket here
    "DEFAULT_BURST",
    "DEFAULT_REQUESTS_PER_SECOND",
    "MAX_WAIT_SECONDS",
    "PACING_OFF",
    "FallbackBucket",
    "HostTokenBucket",
    "PacingBucket",
    "PacingUnavailableError",
    "TokenBucket",
    "configured_backend",
    "forget_buckets",
    "machine_bucket",
    "pacing_bucket",
    "pacing_dir",
    "shared_bucket",
]

# After a backend failed, how long the next one down is used before the first is tried again.
RETRY_BACKEND_AFTER_SECONDS = 30.0
# A task's pacing waits are logged (once) when their total passes this.
VISIBLE_WAIT_SECONDS = 1.0
#: The ``pacing_backend`` value that turns client-side pacing off (hooks and triggers send without waiting).
PACING_OFF = "off"

log = logging.getLogger(__name__)


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

    def reserve(self, rate: float | None = None) -> float:
        if self._use_primary():
            try:
                wait = self.primary.reserve(rate)
            except OSError as error:
                self._outcome(error)
            else:
                self._outcome(None)
                return wait
        return self.fallback.reserve(rate)

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
    """What :func:`shared_bucket` returns: the token's bucket chain at this caller's ``rate``, plus the total time
    its callers were told to wait.

    The chain (the token's one budget) is shared by every ``PacingBucket`` of the token; each asks it for its own
    rate and the lowest recent one is in force (:mod:`.token_bucket`). When the waits' total first passes
    VISIBLE_WAIT_SECONDS it is logged at INFO, once: a task that spends seconds waiting for the integration's
    budget says so instead of looking slow for no reason.
    """

    def __init__(self, chain: TokenBucket, rate: float | None = None) -> None:
        super().__init__(chain.rate if rate is None else rate, chain.burst)
        self.chain = chain
        self.waited = 0.0
        self._reported = False

    def reserve(self, rate: float | None = None) -> float:
        wait = self.chain.reserve(self.rate if rate is None else rate)
        if wait > 0:
            with self._lock:
                self.waited += wait
                report = not self._reported and self.waited > VISIBLE_WAIT_SECONDS
                self._reported = self._reported or report
            if report:
                log.info(
                    "Waited %.1f s so far for the integration's Notion request budget (client-side pacing at "
                    "%g requests/s or the lowest rate another user of the token asks for, one budget shared by "
                    "every user of the token); this is logged once",
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
_chains: dict[tuple[str, int, str], TokenBucket] = {}
_buckets_lock = threading.Lock()


def forget_buckets() -> None:
    """Forget this process's buckets and the warnings given once: the next caller opens its token's bucket afresh,
    in the pacing folder in force then (tests that each get their own folder; the shared state is untouched)."""
    with _buckets_lock:
        _buckets.clear()
        _chains.clear()
    with _warned_lock:
        _warned.clear()


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
    with _buckets_lock:
        bucket = _buckets.get((digest, rate, burst, url))
        if bucket is None:
            # One chain, one shared state, per token (not per rate): the token's single budget.
            chain = _chains.get((digest, burst, url))
            if chain is None:
                chain = machine_bucket(f"{digest}-{burst}", rate, burst)
                if url:
                    chain = _redis_chain(url, digest, rate, burst, chain)
                _chains[(digest, burst, url)] = chain
            bucket = _buckets[(digest, rate, burst, url)] = PacingBucket(chain, rate)
        return bucket


def machine_bucket(name: str, rate: float, burst: int) -> TokenBucket:
    """The machine-wide bucket ``name`` in the pacing folder, falling back to this process when unusable."""
    local = TokenBucket(rate, burst)
    try:
        folder = private_state_dir("pacing")
        bucket = HostTokenBucket(folder / name, rate, burst)
        bucket.check_usable()
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
