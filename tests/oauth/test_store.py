"""Token stores: the stored JSON, the default Variable store, choosing a store by the ``oauth_store`` extra."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime

import pytest

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.oauth.store import (
    InMemoryTokenStore,
    StoredTokens,
    TokenStore,
    VariableTokenStore,
    load_token_store,
    token_fingerprint,
)

PAIR = StoredTokens(
    access_token="ntn_stored_access_6c1d",
    refresh_token="nrt_stored_refresh_9e2f",
    refreshed_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    origin=token_fingerprint("nrt_connection_refresh"),
    generation=3,
    bot_id="bot-1",
)


def test_json_round_trip_and_repr_without_tokens() -> None:
    assert StoredTokens.from_json(PAIR.to_json()) == PAIR
    assert "ntn_stored_access_6c1d" not in repr(PAIR)
    assert "nrt_stored_refresh_9e2f" not in repr(PAIR)


def test_naive_timestamps_are_read_as_utc() -> None:
    data = {"access_token": "a", "refresh_token": "r", "refreshed_at": "2026-11-01T12:00:00", "origin": "o"}
    assert StoredTokens.from_json(data).refreshed_at.tzinfo == UTC


def test_rotated_pair_is_one_generation_later_and_keeps_its_origin() -> None:
    rotated = PAIR.rotated("ntn_new", "nrt_new", None)
    assert (rotated.generation, rotated.origin, rotated.bot_id) == (4, PAIR.origin, "bot-1")
    assert rotated.refreshed_at > PAIR.refreshed_at


def test_fingerprint_is_stable_short_and_not_the_token() -> None:
    assert token_fingerprint("nrt_x") == token_fingerprint("nrt_x") != token_fingerprint("nrt_y")
    assert len(token_fingerprint("nrt_x")) == 16
    assert "nrt_x" not in token_fingerprint("nrt_x")


def test_variable_store_saves_json_under_a_masked_key(variables: dict[str, str]) -> None:
    store = VariableTokenStore()
    assert store.load("notion_oauth") is None
    store.save("notion_oauth", PAIR)
    assert list(variables) == ["notion_oauth_token__notion_oauth"]
    assert "token" in store.key("notion_oauth")
    assert store.load("notion_oauth") == PAIR


def test_variable_store_reads_an_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fake: the real ``Variable.get`` outside a task reads ``AIRFLOW_VAR_*``."""
    monkeypatch.setenv("AIRFLOW_VAR_NOTION_OAUTH_TOKEN__FROM_ENV", PAIR.to_json())
    assert VariableTokenStore().load("from_env") == PAIR


def test_variable_store_ignores_a_value_that_is_not_a_pair(
    variables: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    variables["notion_oauth_token__c"] = '{"something": "else"}'
    assert VariableTokenStore().load("c") is None
    assert "does not hold a Notion token pair" in caplog.text


def test_variable_store_key_must_stay_masked() -> None:
    with pytest.raises(NotionInputError, match="must contain 'token'"):
        VariableTokenStore("notion_oauth__{conn_id}")
    assert VariableTokenStore("team_notion_token_{conn_id}").key("a") == "team_notion_token_a"


def test_in_memory_store() -> None:
    store = InMemoryTokenStore()
    store.save("c", PAIR)
    assert store.load("c") == PAIR
    assert store.load("other") is None
    assert "ntn_stored" not in repr(store)


class TeamVaultStore:
    """What a team would write for its secrets manager (here: a dict)."""

    saved: dict[str, StoredTokens] = {}

    def load(self, conn_id: str) -> StoredTokens | None:
        return self.saved.get(conn_id)

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        self.saved[conn_id] = tokens


def test_load_token_store_by_name_or_dotted_path(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(load_token_store(None), VariableTokenStore)
    assert isinstance(load_token_store(""), VariableTokenStore)
    assert isinstance(load_token_store("Variable"), VariableTokenStore)
    assert isinstance(load_token_store("memory"), InMemoryTokenStore)
    module = types.ModuleType("team_vault")
    module.TeamVaultStore = TeamVaultStore  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "team_vault", module)
    store = load_token_store("team_vault.TeamVaultStore")
    assert isinstance(store, TeamVaultStore)
    assert isinstance(store, TokenStore)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("novault", "not 'variable', 'memory' or a dotted path"),
        ("no_such_module_xyz.Store", "cannot import"),
        ("airflow_provider_notion.oauth.store.NoSuchClass", "cannot import"),
        ("airflow_provider_notion.oauth.store.StoredTokens", "could not be built with no arguments"),
        ("airflow_provider_notion.oauth.store.token_fingerprint", "could not be built"),
        ("collections.OrderedDict", "has no load"),
        (42, "must be 'variable'"),
    ],
)
def test_load_token_store_explains_a_bad_value(spec: object, problem: str) -> None:
    with pytest.raises(NotionInputError, match=problem) as caught:
        load_token_store(spec)
    assert caught.value.field == "extra.oauth_store"


def test_variable_store_outside_a_task_says_why_it_cannot_save(caplog: pytest.LogCaptureFixture) -> None:
    """No fake: the real ``Variable.set`` has no supervisor to talk to outside a task."""
    with pytest.raises(NotionError, match="outside a running Airflow task"):
        VariableTokenStore().save("outside", PAIR)


def test_provider_logs_the_stores_own_explanation(caplog: pytest.LogCaptureFixture) -> None:
    from airflow_provider_notion.oauth.client import OAuthTokens
    from airflow_provider_notion.oauth.provider import OAuthTokenProvider

    class Client:
        base_url = "http://127.0.0.1:9"

        def refresh(self, token: str) -> OAuthTokens:
            return OAuthTokens(access_token="ntn_new_access_3a", refresh_token="nrt_new_refresh_3b")

    provider = OAuthTokenProvider(
        conn_id="outside",
        client=Client(),  # type: ignore[arg-type]
        access_token="ntn_old_access_3c",
        refresh_token="nrt_old_refresh_3d",
        store=VariableTokenStore(),
    )
    assert provider.refresh(provider.current_token()) == "ntn_new_access_3a"
    assert "cannot write Variable notion_oauth_token__outside outside a running Airflow task" in caplog.text
    assert "nrt_new_refresh_3b" not in caplog.text
