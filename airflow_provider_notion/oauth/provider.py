"""The OAuth token provider: sends the access token, refreshes it on 401 and keeps the rotated pair.

Which pair is used: the connection holds the pair from the token exchange; the token store holds the latest
rotation. A stored pair is *newer* than the connection's when it descends from the connection's current refresh
token (its ``origin`` fingerprint matches). Once somebody re-authorises and puts a new refresh token into the
connection, the fingerprint no longer matches, the connection's pair wins, and the next refresh overwrites the
store. No clocks are compared, so worker clock skew does not matter.

Concurrent refreshes: refresh tokens are single-use, so two workers refreshing the same one at once would lock
one of them out. Within a process, refreshes of one connection are serialised by a lock and the second caller
picks up the first one's pair. Across processes, a refresh that fails with ``invalid_grant`` re-reads the store
for a few seconds (the other worker may be about to save its rotation) and, if a newer pair appeared, uses it;
only then does it fail, with instructions to re-authorise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from airflow_provider_notion.connection import NotionConnectionSettings, get_extra
from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.oauth.client import NotionOAuthClient, mask_secret
from airflow_provider_notion.oauth.errors import REAUTHORIZE_STEPS, NotionOAuthError
from airflow_provider_notion.oauth.store import StoredTokens, TokenStore, load_token_store, token_fingerprint

log = logging.getLogger(__name__)

DEFAULT_INVALID_GRANT_GRACE = 3.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_process_locks: dict[tuple[str, str], threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _refresh_lock(base_url: str, conn_id: str) -> threading.Lock:
    """One lock per connection in this process, shared by every hook using it."""
    with _process_locks_guard:
        return _process_locks.setdefault((base_url, conn_id), threading.Lock())


class OAuthTokenProvider:
    """A :class:`~airflow_provider_notion.auth.TokenProvider` for OAuth connections.

    :param conn_id: the Airflow connection id (the token store's key).
    :param access_token: the connection's access token.
    :param refresh_token: the connection's refresh token; without one a 401 is final.
    :param store: where rotated pairs are kept (see :mod:`airflow_provider_notion.oauth.store`).
    :param invalid_grant_grace: seconds to keep re-reading the store after ``invalid_grant``.
    :param refresh_lock: serialises refreshes; default: one lock per connection in this process.
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
        refresh_lock: threading.Lock | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.conn_id = conn_id
        self.client = client
        self.store = store
        self.invalid_grant_grace = invalid_grant_grace
        self._sleep = sleep
        self._lock = refresh_lock or _refresh_lock(client.base_url, conn_id)
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

    def __repr__(self) -> str:
        return f"OAuthTokenProvider(conn_id={self.conn_id!r}, store={self.store!r})"

    @property
    def generation(self) -> int:
        """How many refreshes the pair in use is away from the connection's (0: the connection's own)."""
        return self._pair.generation

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
            stored = self._read_store()
            if stored is not None and stored.access_token != rejected_token:
                self._adopt(stored, "another worker already refreshed it")
                return stored.access_token
            if not self._pair.refresh_token:
                log.warning(
                    "Notion rejected the OAuth access token of connection %s, which has no refresh token; "
                    "re-authorise to get one (see the README, 'OAuth 2.0')",
                    self.conn_id,
                )
                return None
            return self._refresh_locked(self._pair.refresh_token)

    # ------------------------------------------------------------------ internals (called with the lock held)

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
                f"Notion rejected the OAuth refresh token of connection {self.conn_id!r} (invalid_grant): it was "
                "revoked, or spent by a refresh whose new pair was never stored, and the token store "
                f"({self.store!r}) holds nothing newer. {REAUTHORIZE_STEPS}",
                status=err.status,
                code=err.code,
                request_id=err.request_id,
            ) from None
        # Notion always rotates; keep the old refresh token only if an answer ever lacks a new one.
        new_pair = self._pair.rotated(tokens.access_token, tokens.refresh_token or used, tokens.bot_id)
        self._pair = new_pair
        self._save(new_pair)
        log.info(
            "Refreshed the Notion OAuth access token of connection %s (rotation %d)",
            self.conn_id,
            new_pair.generation,
        )
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
        log.info(
            "Using the stored Notion OAuth token pair of connection %s (rotation %d): %s",
            self.conn_id,
            stored.generation,
            why,
        )

    def _read_store(self) -> StoredTokens | None:
        """The stored pair when it descends from the connection's grant and is not older than ours."""
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
        if stored.generation < self._pair.generation:
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
        try:
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
        except Exception as err:
            # No traceback: its frames could carry the token pair.
            log.error(
                "Could not save the rotated Notion OAuth tokens of connection %s to %r (%s). This run goes on "
                "with them in memory, but the connection's refresh token is now spent: fix the store, or the next "
                "run will need re-authorisation (see the README, 'OAuth 2.0').",
                self.conn_id,
                self.store,
                _describe(err),
            )


def _describe(error: Exception) -> str:
    """A store failure for the log: our own messages are safe to show; others could quote the token pair."""
    if isinstance(error, NotionError):
        return str(error)
    return type(error).__name__


def oauth_token_provider(
    settings: NotionConnectionSettings,
    extras: Mapping[str, Any],
    *,
    timeout: float | None = None,
) -> OAuthTokenProvider:
    """The provider for an ``auth_type: oauth`` connection; the extra ``oauth_store`` picks the store."""
    # NotionConnectionSettings.from_fields guarantees these for auth_type oauth.
    assert settings.access_token is not None
    assert settings.client_id is not None
    assert settings.client_secret is not None
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
        store=load_token_store(get_extra(extras, "oauth_store")),
        bot_id=bot_id if isinstance(bot_id, str) else None,
    )
