"""NotionHook with ``auth_type: oauth`` against the emulator: the whole life cycle of a grant."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token, is_token_active

from airflow_provider_notion.exceptions import NotionApiError, NotionOAuthError, TokenNotSavedError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.cli import main
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens
from airflow_provider_notion.oauth.provider import OAuthTokenProvider
from airflow_provider_notion.oauth.store import InMemoryTokenStore, StoredTokens
from tests.oauth.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    FakeSupervisor,
    follow_authorize,
    token_requests,
)

KEY = "notion_oauth_token__notion_oauth"


def _provider(hook: NotionHook) -> OAuthTokenProvider:
    provider = hook.token_provider
    assert isinstance(provider, OAuthTokenProvider)
    return provider


def _run_cli(args: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(args, stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def _connection_json(output: str) -> dict[str, Any]:
    start = output.index("# Connection as JSON")
    end = output.index("# Connection as a URI")
    body = output[start:end].split("\n", 1)[1]
    conn: dict[str, Any] = json.loads(body)
    return conn


def test_full_flow_from_authorize_url_to_rotation(
    emu: NotionEmulator, variables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. The authorize URL, opened by the workspace owner, redirects back with a code.
    url = _run_cli(
        [
            "authorize-url",
            "--client-id",
            CLIENT_ID,
            "--redirect-uri",
            REDIRECT_URI,
            "--state",
            "st-1",
            "--base-url",
            emu.base_url,
        ]
    ).strip()
    answer = follow_authorize(url)
    assert answer["state"] == "st-1"
    # 2. The exchange prints a ready connection; secrets come from the environment.
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("NOTION_OAUTH_CODE", answer["code"])
    conn = _connection_json(
        _run_cli(
            ["exchange", "--client-id", CLIENT_ID, "--redirect-uri", REDIRECT_URI, "--base-url", emu.base_url]
        )
    )
    first_access, first_refresh = conn["extra"]["access_token"], conn["extra"]["refresh_token"]
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_OAUTH", json.dumps(conn))
    # 3. A call with the access token.
    hook = NotionHook("notion_oauth")
    assert hook.get_current_user()["id"] == conn["extra"]["bot_id"]
    assert token_requests(emu) == [200]
    # 4. The access token expires: the hook refreshes once, retries, and stores the rotated pair.
    expire_access_token(emu, first_access)
    assert hook.get_current_user()["id"] == conn["extra"]["bot_id"]
    assert token_requests(emu) == [200, 200]
    stored = StoredTokens.from_json(variables[KEY])
    assert stored.generation == 1
    assert stored.access_token not in (first_access, None)
    assert stored.refresh_token not in (first_refresh, None)
    assert _provider(hook).current_token() == stored.access_token
    # 5. A new hook (the next task run) starts from the stored pair, without refreshing again.
    next_run = NotionHook("notion_oauth")
    assert _provider(next_run).current_token() == stored.access_token
    ok, message = next_run.test_connection()
    assert ok, message
    assert "from the token store (rotation 1) is valid" in message
    assert "Airflow public in Emulated workspace" in message
    assert token_requests(emu) == [200, 200]
    # 6. The connection's original refresh token is spent.
    with pytest.raises(NotionOAuthError) as caught:
        NotionOAuthClient(CLIENT_ID, CLIENT_SECRET, base_url=emu.base_url).refresh(first_refresh)
    assert caught.value.code == "invalid_grant"
    # 7. Rotation goes on from the stored pair.
    expire_access_token(emu)
    next_run.get_current_user()
    assert StoredTokens.from_json(variables[KEY]).generation == 2


def test_two_hooks_refreshing_in_one_process_refresh_once(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(granted)
    hooks = [NotionHook("notion_oauth"), NotionHook("notion_oauth")]
    for hook in hooks:
        hook.get_current_user()
    expire_access_token(emu)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def call(hook: NotionHook) -> None:
        start.wait()
        try:
            hook.get_current_user()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=call, args=(hook,)) for hook in hooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert token_requests(emu) == [200, 200]  # the exchange and ONE refresh
    assert {_provider(h).current_token() for h in hooks} == {
        StoredTokens.from_json(variables[KEY]).access_token
    }


def test_two_hosts_refreshing_the_same_token_at_once_both_survive(
    emu: NotionEmulator, granted: OAuthTokens
) -> None:
    """No shared lock (two hosts): both refreshes reach Notion, the loser gets invalid_grant and reads the
    winner's pair from the shared store within the grace period instead of failing."""
    store = InMemoryTokenStore()
    both_refreshing = threading.Barrier(2)
    providers = []
    for _ in range(2):
        client = NotionOAuthClient(CLIENT_ID, CLIENT_SECRET, base_url=emu.base_url)
        real_refresh = client.refresh

        def refresh_together(token: str, real: Callable[[str], OAuthTokens] = real_refresh) -> OAuthTokens:
            both_refreshing.wait(5)
            return real(token)

        client.refresh = refresh_together  # type: ignore[method-assign]
        providers.append(
            OAuthTokenProvider(
                conn_id="two_hosts",
                client=client,
                access_token=granted.access_token,
                refresh_token=granted.refresh_token,
                store=store,
                refresh_lock=threading.Lock(),
                interprocess_lock=lambda conn_id, timeout: contextlib.nullcontext(),
            )
        )
    errors: list[BaseException] = []
    results: list[str | None] = []

    def call(provider: OAuthTokenProvider) -> None:
        try:
            results.append(provider.refresh(granted.access_token))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=call, args=(provider,)) for provider in providers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert errors == []
    assert sorted(token_requests(emu)) == [200, 200, 400]  # exchange, the winning refresh, the losing one
    stored = store.load("two_hosts")
    assert stored is not None
    assert stored.generation == 1
    assert results == [stored.access_token, stored.access_token]
    assert stored.refresh_token is not None
    assert is_token_active(emu, stored.refresh_token)


def test_revoked_grant_fails_with_reauthorise_instructions(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(granted)
    hook = NotionHook("notion_oauth")
    assert hook.introspect_token()["active"] is True
    hook.revoke_token()
    assert hook.introspect_token()["active"] is False
    _provider(hook).invalid_grant_grace = 0.2
    with pytest.raises(NotionOAuthError) as caught:
        hook.get_current_user()
    message = str(caught.value)
    assert caught.value.code == "invalid_grant"
    assert "'notion_oauth'" in message
    assert "Re-authorise" in message
    assert "authorize-url" in message
    assert granted.access_token not in message
    assert str(granted.refresh_token) not in message
    assert KEY not in variables


def test_oauth_connection_without_refresh_token_keeps_the_401(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(OAuthTokens(access_token=granted.access_token))
    hook = NotionHook("notion_oauth")
    hook.get_current_user()
    expire_access_token(emu)
    with pytest.raises(NotionApiError) as caught:
        hook.get_current_user()
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    assert token_requests(emu) == [200]  # only the exchange


def test_stored_pair_of_an_earlier_grant_loses_to_the_connection(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    """After a re-authorisation the connection holds a new refresh token; the old chain must not win."""
    from datetime import UTC, datetime

    variables[KEY] = StoredTokens(
        access_token="ntn_old_chain_access",
        refresh_token="nrt_old_chain_refresh",
        refreshed_at=datetime.now(UTC),
        origin="0123456789abcdef",
        generation=7,
    ).to_json()
    oauth_conn(granted)
    hook = NotionHook("notion_oauth")
    assert _provider(hook).current_token() == granted.access_token
    hook.get_current_user()
    expire_access_token(emu)
    hook.get_current_user()
    stored = StoredTokens.from_json(variables[KEY])
    assert (stored.generation, stored.access_token) == (1, _provider(hook).current_token())


def test_oauth_store_extra_picks_the_store(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(granted, oauth_store="memory")
    hook = NotionHook("notion_oauth")
    hook.get_current_user()
    expire_access_token(emu)
    hook.get_current_user()
    assert variables == {}
    stored = _provider(hook).store.load("notion_oauth")
    assert stored is not None
    assert stored.generation == 1
    # Another hook of the same process adopts the rotated pair instead of presenting the spent refresh token.
    before = len(token_requests(emu))
    other = NotionHook("notion_oauth")
    other.get_current_user()
    assert _provider(other).current_token() == stored.access_token
    assert len(token_requests(emu)) == before


def test_a_save_that_keeps_failing_fails_the_call_loudly_and_the_new_pair_stays_in_use(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    task_supervisor: FakeSupervisor,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[str] = []
    real_send = task_supervisor.send

    def refuse_writes(msg: Any) -> Any:
        from airflow.sdk.execution_time.comms import PutVariable

        if isinstance(msg, PutVariable):
            attempts.append(msg.key)
            raise PermissionError("no write access")
        return real_send(msg)

    monkeypatch.setattr(task_supervisor, "send", refuse_writes)
    oauth_conn(granted)
    hook = NotionHook("notion_oauth")
    expire_access_token(emu)
    with caplog.at_level(logging.WARNING), pytest.raises(TokenNotSavedError) as caught:
        hook.get_current_user()
    assert attempts == [KEY, KEY, KEY]  # retried, then given up
    message = str(caught.value)
    assert "could not save the new pair after 3 attempts (PermissionError)" in message
    assert "re-authorise" in message
    assert "attempt 2 of 3" in caplog.text
    # The refresh token is spent; this process goes on with the new pair and does not refresh again.
    assert not is_token_active(emu, str(granted.refresh_token))
    assert hook.get_current_user()["object"] == "user"
    assert NotionHook("notion_oauth").get_current_user()["object"] == "user"
    assert token_requests(emu) == [200, 200]
    new_access = _provider(hook).current_token()
    for secret in (new_access, str(granted.refresh_token), granted.access_token, CLIENT_SECRET):
        assert secret not in message
        assert secret not in caplog.text


def test_introspect_needs_an_oauth_connection(notion_conn: Callable[..., Any]) -> None:
    notion_conn()
    with pytest.raises(Exception, match="need an OAuth connection"):
        NotionHook().introspect_token("ntn_x")
