"""The OAuth token provider: sends the access token, refreshes it on 401 and keeps the rotated pair.

Which pair is used: the connection holds the pair from the token exchange; the token store holds the latest
rotation. A stored pair is *newer* than the connection's when it descends from the connection's current refresh
token (its ``origin`` fingerprint matches). Once somebody re-authorises and puts a new refresh token into the
connection, the fingerprint no longer matches, the connection's pair wins, and the next refresh overwrites the
store. No clocks are compared, so worker clock skew does not matter.

A refresh spends the refresh token (Notion rotates it), so:

- it never happens when the new pair could not be stored: the store is asked first
  (:meth:`~airflow_provider_notion.oauth.store.TokenStore.check_writable`), and Test Connection turns refreshing
  off altogether (:attr:`OAuthTokenProvider.refresh_enabled`);
- one process at a time refreshes a connection on a host: "re-read the store, refresh, save" runs under the
  connection's host-wide lock (:mod:`airflow_provider_notion.oauth.refresh_lock`), so the others wait and then
  read the rotated pair from the store; threads of one process also share a lock and the latest pair;
- a refresh that fails with ``invalid_grant`` (another host won the race) re-reads the store for
  ``invalid_grant_grace`` seconds before giving up;
- a save that fails is retried; if it still fails the call fails loudly, and this process keeps the new pair.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from airflow_provider_notion.connection.settings import NotionConnectionSettings, get_extra
from airflow_provider_notion.exceptions import (
    REAUTHORIZE_STEPS,
    NotionError,
    NotionInputError,
    NotionOAuthError,
    TokenNotSavedError,
)
from airflow_provider_notion.oauth.client import NotionOAuthClient, mask_secret
from airflow_provider_notion.oauth.refresh_lock import RefreshLockTimeout, refresh_lock
from airflow_provider_notion.oauth.store import StoredTokens, TokenStore, token_fingerprint
from airflow_provider_notion.oauth.store_registry import load_token_store

log = logging.getLogger(__name__)

DEFAULT_INVALID_GRANT_GRACE = 3.0
DEFAULT_REFRESH_LOCK_TIMEOUT = 60.0
MAX_EXTRA_SECONDS = 600.0
SAVE_RETRY_DELAYS = (0.5, 2.0)  # so three attempts in all
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

InterProcessLock = Callable[..., AbstractContextManager[None]]

_process_locks: dict[tuple[str, str], threading.Lock] = {}
_process_pairs: dict[tuple[str, str], StoredTokens] = {}  # the latest pair each connection refreshed to here
_process_guard = threading.Lock()


def _refresh_lock(base_url: str, conn_id: str) -> threading.Lock:
    """One lock per connection in this process, shared by every hook using it."""
    with _process_guard:
        return _process_locks.setdefault((base_url, conn_id), threading.Lock())


class OAuthTokenProvider:
    """A :class:`~airflow_provider_notion.client.auth.TokenProvider` for OAuth connections.

    :param conn_id: the Airflow connection id (the token store's key).
    :param access_token: the connection's access token.
    :param refresh_token: the connection's refresh token; without one a 401 is final.
    :param store: where rotated pairs are kept (see :mod:`airflow_provider_notion.oauth.store`).
    :param invalid_grant_grace: seconds to keep re-reading the store after ``invalid_grant``.
    :param refresh_lock_timeout: seconds to wait for another process's refresh of the same connection.
    :param refresh_lock: serialises refreshes in this process; default: one lock per connection.
    :param interprocess_lock: ``lock(conn_id, timeout=...)`` serialising refreshes across processes; default:
        :func:`airflow_provider_notion.oauth.refresh_lock.refresh_lock` (one host).
    :param sleep: waits between store re-reads and save retries.
    """

    def __init__(
        self,
        *,
        conn_id: str,
        client: NotionOAuthClient,
        access_token: str,
        refresh_token: str | None,
        store: TokenStore,
        bot_id: str | None = None,
        invalid_grant_grace: float = DEFAULT_INVALID_GRANT_GRACE,
        refresh_lock_timeout: float = DEFAULT_REFRESH_LOCK_TIMEOUT,
        refresh_lock: threading.Lock | None = None,
        interprocess_lock: InterProcessLock | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.conn_id = conn_id
        self.client = client
        self.store = store
        self.invalid_grant_grace = invalid_grant_grace
        self.refresh_lock_timeout = refresh_lock_timeout
        #: ``False`` makes :meth:`refresh` give up at once (Test Connection: nothing may be spent there).
        self.refresh_enabled = True
        self._sleep = sleep
        self._lock = refresh_lock or _refresh_lock(client.base_url, conn_id)
        self._interprocess_lock: InterProcessLock = interprocess_lock or _default_interprocess_lock
        self._process_key = (client.base_url, conn_id)
        mask_secret(access_token)
        mask_secret(refresh_token)
        self._origin = token_fingerprint(refresh_token or access_token)
        # The connection's pair is generation 0; every refresh adds one.
        self._pair = StoredTokens(
            access_token=access_token,
            refresh_token=refresh_token,
            refreshed_at=_EPOCH,
            origin=self._origin,
            generation=0,
            bot_id=bot_id,
        )
        self._loaded = False
        self._source = "the connection"

    def __repr__(self) -> str:
        return f"OAuthTokenProvider(conn_id={self.conn_id!r}, store={self.store!r})"

    @property
    def generation(self) -> int:
        """How many refreshes the pair in use is away from the connection's (0: the connection's own)."""
        return self._pair.generation

    @property
    def source(self) -> str:
        """Where the pair in use came from, in words ("the connection", "the token store (rotation 3)")."""
        return self._source

    @property
    def refresh_token(self) -> str | None:
        """The refresh token in use (for revoking it)."""
        with self._lock:
            self._ensure_loaded()
            return self._pair.refresh_token

    def current_token(self) -> str:
        with self._lock:
            self._ensure_loaded()
            return self._pair.access_token

    def refresh(self, rejected_token: str) -> str | None:
        with self._lock:
            self._ensure_loaded()
            if self._pair.access_token != rejected_token:
                return self._pair.access_token  # another thread refreshed while this one waited for the lock
            if not self.refresh_enabled:
                return None
            if self._adopt_newer(rejected_token, "another worker already refreshed it"):
                return self._pair.access_token
            if not self._pair.refresh_token:
                log.warning(
                    "Notion rejected the OAuth access token of connection %s, which has no refresh token; "
                    "re-authorise to get one (see docs/oauth.md)",
                    self.conn_id,
                )
                return None
            self._check_store_writable()
            try:
                with self._interprocess_lock(self.conn_id, timeout=self.refresh_lock_timeout):
                    # The previous holder may have just saved a rotation: use it rather than spend ours.
                    if self._adopt_newer(
                        rejected_token, "another process refreshed it while this one waited"
                    ):
                        return self._pair.access_token
                    return self._refresh_locked(self._pair.refresh_token)
            except RefreshLockTimeout as err:
                raise NotionOAuthError(
                    f"Not refreshing the OAuth access token of connection {self.conn_id!r}: {err}. Nothing was "
                    "spent and the grant is fine; retry the task, or raise the connection extra "
                    "oauth_refresh_lock_timeout if refreshes on this host are that slow.",
                    code="refresh_lock_timeout",
                ) from None

    # ------------------------------------------------------------------ internals (called with the lock held)

    def _check_store_writable(self) -> None:
        try:
            self.store.check_writable(self.conn_id)
        except Exception as err:
            raise NotionOAuthError(
                f"Not refreshing the expired OAuth access token of connection {self.conn_id!r}: the token store "
                f"{self.store!r} cannot save the new pair here ({_describe(err)}), and a refresh would spend the "
                "refresh token. Nothing was spent: the refresh happens in the next task run that can save it.",
                code="store_not_writable",
            ) from None

    def _adopt_newer(self, rejected_token: str, why: str) -> bool:
        stored = self._read_store()
        if stored is not None and stored.access_token != rejected_token:
            self._adopt(stored, why)
            return True
        return False

    def _refresh_locked(self, used: str) -> str:
        try:
            tokens = self.client.refresh(used)
        except NotionOAuthError as err:
            if err.code != "invalid_grant":
                raise
            newer = self._wait_for_newer_pair(used)
            if newer is not None:
                self._adopt(newer, "its refresh token had just been rotated by another worker")
                return newer.access_token
            raise NotionOAuthError(
                f"Notion rejected the OAuth refresh token of connection {self.conn_id!r} (invalid_grant), and the "
                f"token store ({self.store!r}) held nothing newer after {self.invalid_grant_grace:g} s. Either the "
                "grant was revoked, or the token was spent by a refresh whose new pair did not reach the store "
                "(another host refreshing at the same moment, or a failed save). If another host may be "
                "refreshing this connection, retry the task (it will read that host's pair from the store; a slow "
                f"store needs a longer connection extra oauth_invalid_grant_grace). Otherwise: {REAUTHORIZE_STEPS}",
                status=err.status,
                code=err.code,
                request_id=err.request_id,
            ) from None
        # Notion always rotates; keep the old refresh token only if an answer ever lacks a new one.
        new_pair = self._pair.rotated(tokens.access_token, tokens.refresh_token or used, tokens.bot_id)
        # From here the old refresh token is spent: the new pair is used in this process whatever the store does.
        self._pair = new_pair
        self._source = f"a refresh in this process (rotation {new_pair.generation})"
        with _process_guard:
            _process_pairs[self._process_key] = new_pair
        log.info(
            "Refreshed the Notion OAuth access token of connection %s (rotation %d)",
            self.conn_id,
            new_pair.generation,
        )
        self._save(new_pair)
        return new_pair.access_token

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        stored = self._read_store()
        if stored is not None:
            self._adopt(stored, "it is newer than the connection's")

    def _adopt(self, stored: StoredTokens, why: str) -> None:
        mask_secret(stored.access_token)
        mask_secret(stored.refresh_token)
        self._pair = stored
        self._source = f"the token store (rotation {stored.generation})"
        log.info(
            "Using the stored Notion OAuth token pair of connection %s (rotation %d): %s",
            self.conn_id,
            stored.generation,
            why,
        )

    def _read_store(self) -> StoredTokens | None:
        """The newest pair descending from the connection's grant, from the store or this process, if not older."""
        candidates = [self._load_store()]
        with _process_guard:
            candidates.append(_process_pairs.get(self._process_key))
        best: StoredTokens | None = None
        for pair in candidates:
            if pair is None or pair.origin != self._origin or pair.generation < self._pair.generation:
                continue
            if best is None or pair.generation > best.generation:
                best = pair
        return best

    def _load_store(self) -> StoredTokens | None:
        try:
            stored = self.store.load(self.conn_id)
        except Exception as err:
            log.warning(
                "Could not read the Notion token store %r for connection %s (%s); using the tokens in hand",
                self.store,
                self.conn_id,
                _describe(err),
            )
            return None
        if stored is None:
            return None
        mask_secret(stored.access_token)
        mask_secret(stored.refresh_token)
        if stored.origin != self._origin:
            log.info(
                "The stored Notion token pair of connection %s belongs to an earlier grant; using the connection's",
                self.conn_id,
            )
            return None
        return stored

    def _wait_for_newer_pair(self, spent_refresh_token: str) -> StoredTokens | None:
        """Re-read the store for up to ``invalid_grant_grace`` s for a pair rotated past ``spent_refresh_token``."""
        deadline = time.monotonic() + self.invalid_grant_grace
        delay = 0.1
        while True:
            stored = self._read_store()
            if stored is not None and stored.refresh_token != spent_refresh_token:
                return stored
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)

    def _save(self, pair: StoredTokens) -> None:
        """Save ``pair``, retrying; when every attempt fails, raise :class:`TokenNotSavedError`."""
        attempts = len(SAVE_RETRY_DELAYS) + 1
        reason = ""
        for attempt in range(1, attempts + 1):
            try:
                self._save_once(pair)
                return
            except Exception as err:
                # No traceback: its frames could carry the token pair.
                reason = _describe(err)
                log.warning(
                    "Could not save the rotated Notion OAuth tokens of connection %s to %r (attempt %d of %d: %s)",
                    self.conn_id,
                    self.store,
                    attempt,
                    attempts,
                    reason,
                )
            if attempt < attempts:
                self._sleep(SAVE_RETRY_DELAYS[attempt - 1])
        raise TokenNotSavedError(
            f"Refreshed the OAuth tokens of connection {self.conn_id!r}, but the token store {self.store!r} could "
            f"not save the new pair after {attempts} attempts ({reason}). Notion has spent the previous refresh "
            "token, so this process keeps using the new pair, but once it ends no run can refresh this "
            "connection. Fix the token store (permissions, credentials, reachability), then re-authorise and "
            "update the connection (docs/oauth.md, 'When saving the rotated pair fails'). "
            + REAUTHORIZE_STEPS,
            code="token_not_saved",
        )

    def _save_once(self, pair: StoredTokens) -> None:
        current = self.store.load(self.conn_id)
        if current is not None and current.origin == pair.origin and current.generation > pair.generation:
            log.warning(
                "Not storing rotation %d of connection %s: the store already holds rotation %d",
                pair.generation,
                self.conn_id,
                current.generation,
            )
            return
        self.store.save(self.conn_id, pair)


def _default_interprocess_lock(conn_id: str, *, timeout: float) -> AbstractContextManager[None]:
    return refresh_lock(conn_id, timeout=timeout)


def _describe(error: Exception) -> str:
    """A store failure for the log: our own messages are safe to show; others could quote the token pair."""
    if isinstance(error, NotionError):
        return str(error)
    return type(error).__name__


def seconds_extra(extras: Mapping[str, Any], name: str, default: float) -> float:
    """A duration extra in seconds: a finite number from 0 to :data:`MAX_EXTRA_SECONDS`."""
    value = get_extra(extras, name)
    if value is None:
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if isinstance(value, bool) or not math.isfinite(seconds) or not 0 <= seconds <= MAX_EXTRA_SECONDS:
        raise NotionInputError(
            f"extra.{name}", f"must be a number of seconds from 0 to {MAX_EXTRA_SECONDS:g}, got {value!r}"
        )
    return seconds


def oauth_token_provider(
    settings: NotionConnectionSettings,
    extras: Mapping[str, Any],
    *,
    timeout: float | None = None,
) -> OAuthTokenProvider:
    """The provider for an ``auth_type: oauth`` connection.

    Extras: ``oauth_store`` picks the store; ``oauth_invalid_grant_grace`` and ``oauth_refresh_lock_timeout``
    (seconds) tune the waits described in :class:`OAuthTokenProvider`.
    """
    # NotionConnectionSettings.from_fields guarantees these for auth_type oauth.
    assert settings.access_token is not None
    assert settings.client_id is not None
    assert settings.client_secret is not None
    grace = seconds_extra(extras, "oauth_invalid_grant_grace", DEFAULT_INVALID_GRANT_GRACE)
    lock_timeout = seconds_extra(extras, "oauth_refresh_lock_timeout", DEFAULT_REFRESH_LOCK_TIMEOUT)
    store = load_token_store(get_extra(extras, "oauth_store"))
    client_kwargs: dict[str, Any] = {"base_url": settings.base_url}
    if timeout is not None:
        client_kwargs["timeout"] = timeout
    client = NotionOAuthClient(settings.client_id, settings.client_secret, **client_kwargs)
    bot_id = get_extra(extras, "bot_id")
    return OAuthTokenProvider(
        conn_id=settings.conn_id,
        client=client,
        access_token=settings.access_token,
        refresh_token=settings.refresh_token,
        store=store,
        bot_id=bot_id if isinstance(bot_id, str) else None,
        invalid_grant_grace=grace,
        refresh_lock_timeout=lock_timeout,
        interprocess_lock=functools.partial(refresh_lock, backend=settings.pacing_backend),
    )
