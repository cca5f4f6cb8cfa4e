"""One refresh at a time per connection on this host: an ``flock`` on a file in the user's private state folder.

Notion's refresh tokens are single use. Two task processes that find the same expired access token and both
refresh would spend the token twice and one would be locked out, so the provider holds this lock around
"re-read the store, refresh, save": the second process gets the lock once the first has saved, re-reads the
store and uses the rotated pair without refreshing. The lock is released by the kernel if its holder dies.

With a Redis pacing backend (``[notion] pacing_backend = redis://…``, or the connection extra ``pacing_backend``)
the lock is deployment-wide instead: a Redis key set with ``NX`` and a TTL
(:func:`airflow_provider_notion.client.pacing.redis.redis_refresh_lock`), so two *hosts* that find the same expired
token refresh once. When Redis cannot be reached, the host-wide file lock is used, with a warning.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

from airflow_provider_notion.exceptions import UnsafeStateDirError
from airflow_provider_notion.utils.state_dir import private_state_dir

log = logging.getLogger(__name__)

STATE_FOLDER = "oauth"
_POLL_INTERVAL = 0.05
# A Redis lock's holder that dies frees it after this long (or after the caller's timeout, if longer): longer
# than a refresh and a save take, so a live holder never loses the lock to a second refresh.
REDIS_LOCK_TTL_SECONDS = 120.0


class RefreshLockTimeout(TimeoutError):
    """Another process held the connection's refresh lock for longer than the timeout."""


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
                raise RefreshLockTimeout(
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
def _redis_lock(
    url: str, conn_id: str, timeout: float, clock: Callable[[], float], sleep: Callable[[float], None]
) -> Iterator[None]:
    from airflow_provider_notion.client.pacing.redis import RefreshLockTimeoutError, redis_refresh_lock

    with ExitStack() as held:
        try:
            held.enter_context(
                redis_refresh_lock(
                    url,
                    lock_file_name(conn_id).removesuffix(".lock"),
                    ttl=max(timeout, REDIS_LOCK_TTL_SECONDS),
                    timeout=timeout,
                    clock=clock,
                    sleep=sleep,
                )
            )
        except RefreshLockTimeoutError:
            raise RefreshLockTimeout(
                f"another process of the deployment has been refreshing the OAuth token of connection "
                f"{conn_id!r} for more than {timeout:g} s"
            ) from None
        except OSError as err:  # Redis unreachable: one host at a time is the best left
            log.warning(
                "Redis unavailable for the OAuth refresh lock of connection %s (%s); locking this host only",
                conn_id,
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

    :param timeout: seconds to wait for another holder before :class:`RefreshLockTimeout`.
    :param backend: the connection's ``pacing_backend`` extra, overriding ``[notion] pacing_backend``.
    :raises RefreshLockTimeout: the lock stayed taken for ``timeout`` seconds.
    """
    from airflow_provider_notion.client.pacing.buckets import PACING_OFF, configured_backend

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
