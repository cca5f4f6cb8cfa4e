"""Test Connection on an OAuth connection reports the token state and never refreshes (contract 1)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token, is_token_active, revoke_grant

from airflow_provider_notion.exceptions import NotionOAuthError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.oauth.provider import OAuthTokenProvider
from tests.oauth.helpers import CLIENT_SECRET, token_requests

CONN = "notion_oauth"


def _secrets(granted: OAuthTokens) -> list[str]:
    return [granted.access_token, str(granted.refresh_token), CLIENT_SECRET]


def test_a_valid_token_reports_what_was_checked(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any]
) -> None:
    oauth_conn(granted)
    ok, message = NotionHook(CONN).test_connection()
    assert ok, message
    assert "OAuth access token from the connection is valid" in message
    assert "GET /v1/users/me" in message
    assert "Airflow public in Emulated workspace" in message
    assert "VariableTokenStore" in message
    assert not any(secret in message for secret in _secrets(granted))


def test_an_expired_token_is_reported_and_not_refreshed(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Outside a task, as in the API server: before, the test refreshed, could not store the pair and said OK."""
    oauth_conn(granted)
    expire_access_token(emu, granted.access_token)
    hook = NotionHook(CONN)
    with caplog.at_level(logging.DEBUG):
        ok, message = hook.test_connection()
    assert ok, message
    assert "access token from the connection expired; the next task run will refresh it" in message
    assert "refresh token active" in message
    assert token_requests(emu) == [200]  # only the exchange of the grant: no refresh
    assert is_token_active(emu, str(granted.refresh_token))
    assert not any(secret in message or secret in caplog.text for secret in _secrets(granted))
    # The hook refreshes again afterwards (here: no task, so the Variable store refuses, spending nothing).
    provider = hook.token_provider
    assert isinstance(provider, OAuthTokenProvider)
    assert provider.refresh_enabled
    with pytest.raises(NotionOAuthError, match="Nothing was spent"):
        hook.get_current_user()
    assert token_requests(emu) == [200]


@pytest.mark.usefixtures("task_supervisor")
def test_an_expired_token_is_not_refreshed_even_where_the_store_is_writable(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(granted)
    expire_access_token(emu, granted.access_token)
    ok, message = NotionHook(CONN).test_connection()
    assert ok, message
    assert "next task run will refresh it" in message
    assert token_requests(emu) == [200]
    assert variables == {}


def test_a_revoked_grant_fails_with_reauthorise_steps(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any]
) -> None:
    oauth_conn(granted)
    revoke_grant(emu, granted.access_token)
    ok, message = NotionHook(CONN).test_connection()
    assert not ok
    assert "reports its refresh token inactive" in message
    assert "Re-authorise" in message
    assert token_requests(emu) == [200]
    assert not any(secret in message for secret in _secrets(granted))


def test_an_expired_token_without_refresh_token(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any]
) -> None:
    oauth_conn(OAuthTokens(access_token=granted.access_token))
    expire_access_token(emu, granted.access_token)
    ok, message = NotionHook(CONN).test_connection()
    assert not ok
    assert "has no refresh token" in message
    assert "Re-authorise" in message


def test_wrong_client_secret_is_reported_when_the_refresh_token_is_checked(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = oauth_conn(granted)
    expire_access_token(emu, granted.access_token)
    import json

    monkeypatch.setenv("AIRFLOW_CONN_NOTION_OAUTH", json.dumps({**conn, "password": "secret_wrong_one_42"}))
    ok, message = NotionHook(CONN).test_connection()
    assert not ok
    assert "invalid_client" in message
    assert "secret_wrong_one_42" not in message
