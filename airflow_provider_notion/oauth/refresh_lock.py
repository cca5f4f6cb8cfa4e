"""One refresh at a time per connection on this host: an ``flock`` on a file in the user's private state folder.

Notion's refresh tokens are single use. Two task processes that find the same expired access token and both
refresh would spend the token twice and one would be locked out, so the provider holds this lock around
"re-read the store, refresh, save": the second process gets the lock once the first has saved, re-reads the
store and uses the rotated pair without refreshing. The lock is released by the kernel if its holder dies.

With a Redis pacing backend (``[notion] pacing_backend = redis://…``, or the connection extra ``pacing_backend``)
the lock is deployment-wide instead: a Redis key set with ``NX`` and a TTL (:func:`redis_refresh_lock`, on the
pacing backend's client), so two *hosts* that find the same expired token refresh once. When Redis cannot be
reached, the host-wide file lock is used, with a warning. Either way a wait longer than ``timeout`` raises
:class:`~airflow_provider_notion.exceptions.NotionRefreshLockTimeoutError`, the one timeout error of the lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import TYPE_CHECKING

from airflow_provider_notion.client.pacing.buckets import PACING_OFF, configured_backend
from airflow_provider_notion.exceptions import NotionRefreshLockTimeoutError, UnsafeStateDirError
from airflow_provider_notion.utils.state_dir import private_state_dir

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

STATE_FOLDER = "oauth"
_POLL_INTERVAL = 0.05
# A Redis lock's holder that dies frees it after this long (or after the caller's timeout, if longer): longer
# than a refresh and a save take (each HTTP request of a refresh times out well within it), so a live holder never
# loses the lock to a second refresh that would spend the single-use refresh token again.
REDIS_LOCK_TTL_SECONDS = 120.0
REDIS_KEY_PREFIX = "airflow-notion:refresh-lock"
# Deletes the lock only if it still holds our token: a holder whose TTL ran out must not free its successor's.
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Polls of a taken Redis lock start this short and double up to the longest (never past the caller's deadline).
_FIRST_REDIS_POLL = 0.01
_LONGEST_REDIS_POLL = 0.2


def lock_file_name(conn_id: str) -> str:
    """A file name for any connection id (ids may hold characters a file name cannot)."""
    return "refresh-" + hashlib.sha256(conn_id.encode()).hexdigest()[:32] + ".lock"


def _open_lock_file(conn_id: str) -> int | None:
    """The lock file's descriptor, or ``None`` (with a warning) when no private folder or file can hold it."""
    try:
        path = private_state_dir(STATE_FOLDER) / lock_file_name(conn_id)
        # O_NOFOLLOW: a symlink planted in place of the file is refused, not followed.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            os.close(fd)
            raise UnsafeStateDirError(f"{path} is not a regular file owned by the current user")
    except OSError as err:
        log.warning(
            "No private file for the Notion OAuth refresh lock (%s); refreshing connection %s without "
            "locking out other processes on this host",
            err,
            conn_id,
        )
        return None
    return fd


@contextmanager
def _flock(
    conn_id: str, timeout: float, clock: Callable[[], float], sleep: Callable[[float], None]
) -> Iterator[None]:
    fd = _open_lock_file(conn_id)
    if fd is None:
        yield
        return
    try:
        deadline = clock() + max(0.0, timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            remaining = deadline - clock()
            if remaining <= 0:
                raise NotionRefreshLockTimeoutError(
                    f"another process on this host has been refreshing the OAuth token of connection {conn_id!r} "
                    f"for more than {timeout:g} s"
                )
            sleep(min(_POLL_INTERVAL, remaining))
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def redis_refresh_lock(
    client: redis.Redis,
    key: str,
    ttl: float,
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold a deployment-wide lock named ``key`` (a hash of the connection id) while refreshing a token.

    ``SET key <random> NX PX ttl``: one holder at a time, and a holder that dies frees the lock after ``ttl``
    seconds. Released with a Lua script that deletes the key only while it still holds our random value, so a
    holder that overran its TTL never frees the next holder's lock. A taken lock is polled until ``timeout``
    (not ``ttl``): the caller's patience, whatever the lock's lifetime.

    :raises NotionRefreshLockTimeoutError: the lock was not free within ``timeout`` seconds.
    :raises redis.RedisError: Redis cannot be reached (callers use the per-host lock instead).
    """
    name = f"{REDIS_KEY_PREFIX}:{key}"
    value = secrets.token_hex(16)
    deadline = clock() + max(0.0, timeout)
    pause = _FIRST_REDIS_POLL
    while not client.set(name, value, nx=True, px=max(1, round(ttl * 1000))):
        remaining = deadline - clock()
        if remaining <= 0:
            raise NotionRefreshLockTimeoutError(f"the refresh lock was not free within {timeout:g} s")
        sleep(min(pause, remaining))
        pause = min(pause * 2, _LONGEST_REDIS_POLL)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # unreachable now: the TTL frees the lock
            client.register_script(_RELEASE_SCRIPT)(keys=[name], args=[value])


def redis_lock_ttl(timeout: float) -> float:
    """How long a Redis lock lives if its holder dies: never shorter than a refresh (REDIS_LOCK_TTL_SECONDS)."""
    return max(timeout, REDIS_LOCK_TTL_SECONDS)


@contextmanager
def _redis_lock(
    url: str, conn_id: str, timeout: float, clock: Callable[[], float], sleep: Callable[[float], None]
) -> Iterator[None]:
    import redis

    from airflow_provider_notion.client.pacing.redis import redis_client

    with ExitStack() as held:
        try:
            held.enter_context(
                redis_refresh_lock(
                    redis_client(url),
                    lock_file_name(conn_id).removesuffix(".lock"),
                    ttl=redis_lock_ttl(timeout),
                    timeout=timeout,
                    clock=clock,
                    sleep=sleep,
                )
            )
        except NotionRefreshLockTimeoutError:
            raise NotionRefreshLockTimeoutError(
                f"another process of the deployment has been refreshing the OAuth token of connection "
                f"{conn_id!r} for more than {timeout:g} s"
            ) from None
        except redis.RedisError as err:  # Redis unreachable: one host at a time is the best left
            log.warning(
                "Redis unavailable for the OAuth refresh lock of connection %s (%s: %s); locking this host only",
                conn_id,
                type(err).__name__,
                err,
            )
            held.enter_context(_flock(conn_id, timeout, clock, sleep))
        yield


def refresh_lock(
    conn_id: str,
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    backend: str | None = None,
) -> AbstractContextManager[None]:
    """Hold the refresh lock of ``conn_id`` for the ``with`` block: deployment-wide with Redis, else host-wide.

    :param timeout: seconds to wait for another holder before :class:`NotionRefreshLockTimeoutError`.
    :param backend: the connection's ``pacing_backend`` extra, overriding ``[notion] pacing_backend``.
    :raises NotionRefreshLockTimeoutError: the lock stayed taken for ``timeout`` seconds.
    """
    url = configured_backend(backend)
    if url and url != PACING_OFF:  # with pacing off, refreshes still take the host-wide lock
        try:
            import airflow_provider_notion.client.pacing.redis  # noqa: F401 - the redis extra is installed
        except ImportError:
            log.warning(
                "pacing_backend is a Redis URL but the redis package is missing; locking this host only"
            )
        else:
            return _redis_lock(url, conn_id, timeout, clock, sleep)
    return _flock(conn_id, timeout, clock, sleep)
