"""OAuthTokenProvider rules in isolation: a scripted client, an in-memory store, no HTTP."""

from __future__ import annotations

import itertools
import logging
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from airflow_provider_notion.exceptions import (
    NotionOAuthError,
    TokenNotSavedError,
    TokenStoreNotWritableError,
)
from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.oauth.provider import OAuthTokenProvider
from airflow_provider_notion.oauth.store import InMemoryTokenStore, StoredTokens, token_fingerprint

CONN_REFRESH = "nrt_connection_0"


_instances = itertools.count()


class ScriptedClient:
    """Hands out ``ntn_<n>``/``nrt_<n>`` pairs, or raises what the test queued."""

    def __init__(self) -> None:
        # The provider shares refreshed pairs between the hooks of a process per (base URL, connection id):
        # a base URL per client keeps each test's pairs its own.
        self.base_url = f"http://client-{next(_instances)}.invalid"
        self.calls: list[str] = []
        self.fail_with: NotionOAuthError | None = None

    def refresh(self, refresh_token: str) -> OAuthTokens:
        self.calls.append(refresh_token)
        if self.fail_with is not None:
            raise self.fail_with
        n = len(self.calls)
        return OAuthTokens(access_token=f"ntn_{n}", refresh_token=f"nrt_{n}", bot_id="bot")


def make(store: InMemoryTokenStore, client: ScriptedClient, **kwargs: Any) -> OAuthTokenProvider:
    return OAuthTokenProvider(
        conn_id="c",
        client=client,  # type: ignore[arg-type]
        access_token="ntn_connection_0",
        refresh_token=CONN_REFRESH,
        store=store,
        refresh_lock=threading.Lock(),
        **{"sleep": lambda seconds: None, **kwargs},
    )


def stored(access: str, refresh: str, generation: int, origin: str | None = None) -> StoredTokens:
    return StoredTokens(
        access_token=access,
        refresh_token=refresh,
        refreshed_at=datetime.now(UTC),
        origin=origin or token_fingerprint(CONN_REFRESH),
        generation=generation,
    )


def test_refresh_stores_the_rotated_pair() -> None:
    store, client = InMemoryTokenStore(), ScriptedClient()
    provider = make(store, client)
    assert provider.current_token() == "ntn_connection_0"
    assert provider.refresh("ntn_connection_0") == "ntn_1"
    assert client.calls == [CONN_REFRESH]
    saved = store.load("c")
    assert saved is not None
    assert (saved.access_token, saved.refresh_token, saved.generation) == ("ntn_1", "nrt_1", 1)
    assert provider.refresh("ntn_1") == "ntn_2"
    assert client.calls == [CONN_REFRESH, "nrt_1"]


def test_a_stale_rejection_does_not_refresh_again() -> None:
    client = ScriptedClient()
    provider = make(InMemoryTokenStore(), client)
    provider.refresh("ntn_connection_0")
    assert provider.refresh("ntn_connection_0") == "ntn_1"  # another thread already refreshed
    assert len(client.calls) == 1


def test_a_pair_another_worker_stored_is_used_instead_of_refreshing() -> None:
    store, client = InMemoryTokenStore(), ScriptedClient()
    provider = make(store, client)
    provider.current_token()
    store.save("c", stored("ntn_other", "nrt_other", 1))
    assert provider.refresh("ntn_connection_0") == "ntn_other"
    assert client.calls == []


def test_invalid_grant_waits_for_the_other_workers_save() -> None:
    store, client = InMemoryTokenStore(), ScriptedClient()
    client.fail_with = NotionOAuthError("spent", status=400, code="invalid_grant")
    sleeps: list[float] = []

    def other_worker_saves_while_we_wait(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            store.save("c", stored("ntn_winner", "nrt_winner", 1))

    provider = make(store, client, sleep=other_worker_saves_while_we_wait)
    assert provider.refresh("ntn_connection_0") == "ntn_winner"
    assert len(sleeps) == 2
    assert provider.current_token() == "ntn_winner"


def test_invalid_grant_with_nothing_newer_fails_with_advice() -> None:
    store, client = InMemoryTokenStore(), ScriptedClient()
    client.fail_with = NotionOAuthError("spent", status=400, code="invalid_grant", request_id="req-1")
    provider = make(store, client, invalid_grant_grace=0.0)
    with pytest.raises(NotionOAuthError) as caught:
        provider.refresh("ntn_connection_0")
    assert (caught.value.code, caught.value.request_id) == ("invalid_grant", "req-1")
    assert "Re-authorise" in str(caught.value)
    assert CONN_REFRESH not in str(caught.value)


def test_other_oauth_errors_propagate_unchanged() -> None:
    client = ScriptedClient()
    client.fail_with = NotionOAuthError("bad client", status=401, code="invalid_client")
    with pytest.raises(NotionOAuthError) as caught:
        make(InMemoryTokenStore(), client).refresh("ntn_connection_0")
    assert caught.value is client.fail_with


def test_a_slow_worker_does_not_overwrite_a_newer_rotation(caplog: pytest.LogCaptureFixture) -> None:
    store, client = InMemoryTokenStore(), ScriptedClient()
    provider = make(store, client)
    provider.current_token()
    newer = stored("ntn_gen5", "nrt_gen5", 5)

    real_refresh = client.refresh

    def refresh_then_someone_saves_newer(token: str) -> OAuthTokens:
        tokens = real_refresh(token)
        store.save("c", newer)
        return tokens

    client.refresh = refresh_then_someone_saves_newer  # type: ignore[method-assign]
    assert provider.refresh("ntn_connection_0") == "ntn_1"
    assert store.load("c") == newer
    assert "already holds rotation 5" in caplog.text


def test_store_read_failure_is_logged_and_the_connection_pair_used(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(InMemoryTokenStore):
        def load(self, conn_id: str) -> StoredTokens | None:
            raise ConnectionError("vault down")

    with caplog.at_level(logging.WARNING):
        assert make(Broken(), ScriptedClient()).current_token() == "ntn_connection_0"
    assert "Could not read the Notion token store" in caplog.text
    assert "ConnectionError" in caplog.text


def test_nothing_is_read_before_first_use() -> None:
    class Counting(InMemoryTokenStore):
        loads = 0

        def load(self, conn_id: str) -> StoredTokens | None:
            Counting.loads += 1
            return None

    provider = make(Counting(), ScriptedClient())
    assert Counting.loads == 0
    provider.current_token()
    provider.current_token()
    assert Counting.loads == 1


def test_repr_has_no_token() -> None:
    text = repr(make(InMemoryTokenStore(), ScriptedClient()))
    assert "ntn_connection_0" not in text
    assert CONN_REFRESH not in text


def test_a_store_that_cannot_save_here_prevents_the_refresh() -> None:
    class ReadOnly(InMemoryTokenStore):
        def check_writable(self, conn_id: str) -> None:
            raise TokenStoreNotWritableError("vault is read-only for this worker")

    client = ScriptedClient()
    with pytest.raises(NotionOAuthError) as caught:
        make(ReadOnly(), client).refresh("ntn_connection_0")
    assert client.calls == []
    assert caught.value.code == "store_not_writable"
    assert "vault is read-only for this worker" in str(caught.value)


def test_a_failed_save_is_retried_before_giving_up() -> None:
    class Flaky(InMemoryTokenStore):
        failures = 2

        def save(self, conn_id: str, tokens: StoredTokens) -> None:
            if Flaky.failures:
                Flaky.failures -= 1
                raise ConnectionError("vault blip")
            super().save(conn_id, tokens)

    store, client = Flaky(), ScriptedClient()
    assert make(store, client).refresh("ntn_connection_0") == "ntn_1"
    saved = store.load("c")
    assert saved is not None and saved.access_token == "ntn_1"


def test_a_save_that_always_fails_raises_and_keeps_the_new_pair() -> None:
    class Broken(InMemoryTokenStore):
        def save(self, conn_id: str, tokens: StoredTokens) -> None:
            raise ConnectionError("vault down")

    client = ScriptedClient()
    provider = make(Broken(), client)
    with pytest.raises(TokenNotSavedError, match="after 3 attempts"):
        provider.refresh("ntn_connection_0")
    assert provider.current_token() == "ntn_1"
    assert provider.refresh("ntn_connection_0") == "ntn_1"  # a stale rejection: no second refresh
    assert client.calls == [CONN_REFRESH]
