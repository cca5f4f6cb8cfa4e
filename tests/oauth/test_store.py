"""Token stores: the stored JSON, the default Variable store, choosing a store by the ``oauth_store`` extra."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from airflow_provider_notion.exceptions import NotionError, NotionInputError, TokenStoreNotWritableError
from airflow_provider_notion.oauth.store import (
    InMemoryTokenStore,
    StoredTokens,
    VariableTokenStore,
    token_fingerprint,
)
from airflow_provider_notion.oauth.store_registry import load_token_store, registered_stores
from tests.oauth.store_plugins import CALLS, TeamVaultStore, register_entry_points

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


MODULE = "tests.oauth.store_plugins"


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package registering stores, a function and a duck-typed class in the entry point group."""
    register_entry_points(
        tmp_path,
        {
            "team_vault": f"{MODULE}:TeamVaultStore",
            "not_a_store": f"{MODULE}:not_a_store",
            "duck": f"{MODULE}:DuckTypedStore",
            "missing": "no_such_module_for_oauth_tests:Store",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    CALLS.clear()


def test_builtin_stores_by_name() -> None:
    assert isinstance(load_token_store(None), VariableTokenStore)
    assert isinstance(load_token_store(""), VariableTokenStore)
    assert isinstance(load_token_store("Variable"), VariableTokenStore)
    assert load_token_store("memory") is load_token_store("memory")
    assert isinstance(load_token_store("memory"), InMemoryTokenStore)


def test_builtin_stores_are_registered_in_the_entry_point_group() -> None:
    """pyproject.toml registers them, so the group lists every store a connection may name."""
    registered = registered_stores()
    assert registered["variable"].value == "airflow_provider_notion.oauth.store:VariableTokenStore"
    assert registered["memory"].value == "airflow_provider_notion.oauth.store:InMemoryTokenStore"


@pytest.mark.usefixtures("plugins")
def test_a_registered_store_by_name_or_by_its_target() -> None:
    assert isinstance(load_token_store("team_vault"), TeamVaultStore)
    assert isinstance(load_token_store(f"{MODULE}:TeamVaultStore"), TeamVaultStore)
    assert isinstance(load_token_store(f"{MODULE}.TeamVaultStore"), TeamVaultStore)


@pytest.mark.parametrize(
    "spec",
    ["os.abort", "builtins.exit", "os:abort", "subprocess.Popen", f"{MODULE}.TeamVaultStorex", "novault"],
)
@pytest.mark.usefixtures("plugins")
def test_an_unregistered_value_is_refused_naming_the_extra(spec: str) -> None:
    with pytest.raises(NotionInputError) as caught:
        load_token_store(spec)
    assert caught.value.field == "extra.oauth_store"
    assert "not a registered token store" in str(caught.value)
    assert "airflow_provider_notion.oauth_stores" in str(caught.value)
    assert "team_vault" in str(caught.value)  # the names that would work


def test_an_unregistered_module_is_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "oauth_trap_module.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\nclass Store: pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(NotionInputError, match="not a registered token store"):
        load_token_store("oauth_trap_module.Store")
    assert not marker.exists()
    assert "oauth_trap_module" not in sys.modules


@pytest.mark.usefixtures("plugins")
def test_a_registered_function_or_duck_typed_class_is_refused_without_being_called() -> None:
    with pytest.raises(NotionInputError, match="not a TokenStore subclass"):
        load_token_store("not_a_store")
    with pytest.raises(NotionInputError, match="not a TokenStore subclass"):
        load_token_store("duck")
    assert CALLS == []


@pytest.mark.usefixtures("plugins")
def test_a_registered_store_that_cannot_be_imported() -> None:
    with pytest.raises(NotionInputError, match="'missing' cannot be imported"):
        load_token_store("missing")


def test_a_value_that_is_not_a_string() -> None:
    with pytest.raises(NotionInputError, match="must be a string") as caught:
        load_token_store(42)
    assert caught.value.field == "extra.oauth_store"


def test_variable_store_is_writable_only_in_a_task(task_supervisor: object) -> None:
    VariableTokenStore().check_writable("c")  # inside a task: no error


def test_variable_store_outside_a_task_is_not_writable() -> None:
    with pytest.raises(TokenStoreNotWritableError, match="outside a running Airflow task"):
        VariableTokenStore().check_writable("c")


def test_variable_store_outside_a_task_says_why_it_cannot_save(caplog: pytest.LogCaptureFixture) -> None:
    """No fake: the real ``Variable.set`` has no supervisor to talk to outside a task."""
    with pytest.raises(NotionError, match="outside a running Airflow task"):
        VariableTokenStore().save("outside", PAIR)


def test_outside_a_task_the_variable_store_prevents_the_refresh() -> None:
    """Contract 1: the refresh token is not spent when its successor could not be stored."""
    from airflow_provider_notion.exceptions import NotionOAuthError
    from airflow_provider_notion.oauth.client import OAuthTokens
    from airflow_provider_notion.oauth.provider import OAuthTokenProvider

    refreshed: list[str] = []

    class Client:
        base_url = "http://127.0.0.1:9"

        def refresh(self, token: str) -> OAuthTokens:
            refreshed.append(token)
            return OAuthTokens(access_token="ntn_new_access_3a", refresh_token="nrt_new_refresh_3b")

    provider = OAuthTokenProvider(
        conn_id="outside",
        client=Client(),  # type: ignore[arg-type]
        access_token="ntn_old_access_3c",
        refresh_token="nrt_old_refresh_3d",
        store=VariableTokenStore(),
    )
    with pytest.raises(NotionOAuthError) as caught:
        provider.refresh(provider.current_token())
    assert refreshed == []
    assert caught.value.code == "store_not_writable"
    message = str(caught.value)
    assert "cannot write Variable notion_oauth_token__outside outside a running Airflow task" in message
    assert "Nothing was spent" in message
    assert "nrt_old_refresh_3d" not in message
    assert provider.current_token() == "ntn_old_access_3c"
