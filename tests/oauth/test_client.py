"""The OAuth client against the emulator's /v1/oauth endpoints (real HTTP on 127.0.0.1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import (
    expire_access_token,
    is_token_active,
    mint_authorization_code,
)

from airflow_provider_notion.exceptions import NotionOAuthError
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens, build_authorize_url
from tests.oauth.helpers import CLIENT_ID, CLIENT_SECRET, OTHER_REDIRECT_URI, REDIRECT_URI, follow_authorize


def test_authorize_url_has_notions_required_parameters() -> None:
    url = build_authorize_url(CLIENT_ID, REDIRECT_URI, state="xyz 1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "api.notion.com", "/v1/oauth/authorize")
    assert parse_qs(parts.query) == {
        "client_id": [CLIENT_ID],
        "response_type": ["code"],
        "owner": ["user"],
        "redirect_uri": [REDIRECT_URI],
        "state": ["xyz 1"],
    }


def test_authorize_url_leaves_out_what_was_not_given() -> None:
    query = parse_qs(urlsplit(build_authorize_url(CLIENT_ID, base_url="http://127.0.0.1:9/v1/")).query)
    assert "redirect_uri" not in query
    assert "state" not in query
    assert build_authorize_url(CLIENT_ID, base_url="http://127.0.0.1:9/v1/").startswith(
        "http://127.0.0.1:9/v1/oauth/authorize?"
    )


def test_emulator_authorize_redirects_with_code_and_state_that_exchange(emu: NotionEmulator) -> None:
    answer = follow_authorize(
        build_authorize_url(CLIENT_ID, REDIRECT_URI, state="s-42", base_url=emu.base_url)
    )
    assert answer["_target"] == REDIRECT_URI
    assert answer["state"] == "s-42"
    tokens = NotionOAuthClient(CLIENT_ID, CLIENT_SECRET, base_url=emu.base_url).exchange_code(
        answer["code"], REDIRECT_URI
    )
    assert tokens.access_token.startswith("ntn_")
    assert tokens.refresh_token is not None
    assert tokens.refresh_token.startswith("nrt_")
    assert tokens.bot_id
    assert tokens.workspace_name == "Emulated workspace"
    assert tokens.owner is not None
    assert tokens.owner["type"] == "user"


def test_emulator_authorize_deny_redirects_with_access_denied(emu: NotionEmulator) -> None:
    url = build_authorize_url(CLIENT_ID, REDIRECT_URI, base_url=emu.base_url) + "&emulator_decision=deny"
    answer = follow_authorize(url)
    assert answer["error"] == "access_denied"
    assert "code" not in answer


def test_authorize_without_redirect_uri_needs_a_single_registered_one(emu: NotionEmulator) -> None:
    response = requests.get(
        build_authorize_url(CLIENT_ID, base_url=emu.base_url), allow_redirects=False, timeout=10
    )
    assert response.status_code == 400
    assert "redirect_uri" in response.json()["message"]


def test_authorize_with_unregistered_redirect_uri_is_refused(emu: NotionEmulator) -> None:
    url = build_authorize_url(CLIENT_ID, "https://evil.example.com/cb", base_url=emu.base_url)
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_wrong_client_secret_is_invalid_client_and_never_echoed(emu: NotionEmulator) -> None:
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    wrong = "secret_WRONG_value_0a9b8c7d"
    with pytest.raises(NotionOAuthError) as caught:
        NotionOAuthClient(CLIENT_ID, wrong, base_url=emu.base_url).exchange_code(code, REDIRECT_URI)
    assert (caught.value.status, caught.value.code) == (401, "invalid_client")
    assert "client secret" in str(caught.value)
    assert wrong not in str(caught.value)
    assert code not in str(caught.value)


def test_missing_redirect_uri_in_exchange_is_explained(
    emu: NotionEmulator, oauth_client: NotionOAuthClient
) -> None:
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    with pytest.raises(NotionOAuthError) as caught:
        oauth_client.exchange_code(code)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_request"
    assert "redirect_uri is required" in str(caught.value)
    assert "same redirect_uri" in str(caught.value)
    # The code was not spent by the failed attempt.
    assert oauth_client.exchange_code(code, REDIRECT_URI).access_token


def test_mismatched_redirect_uri_is_invalid_grant(
    emu: NotionEmulator, oauth_client: NotionOAuthClient
) -> None:
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    with pytest.raises(NotionOAuthError) as caught:
        oauth_client.exchange_code(code, OTHER_REDIRECT_URI)
    assert caught.value.code == "invalid_grant"


def test_code_works_once(emu: NotionEmulator, oauth_client: NotionOAuthClient) -> None:
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    oauth_client.exchange_code(code, REDIRECT_URI)
    with pytest.raises(NotionOAuthError) as caught:
        oauth_client.exchange_code(code, REDIRECT_URI)
    assert caught.value.code == "invalid_grant"
    assert "Re-authorise" in str(caught.value)


def test_refresh_rotates_both_tokens_and_spends_the_old_refresh_token(
    emu: NotionEmulator, oauth_client: NotionOAuthClient, granted: OAuthTokens
) -> None:
    assert granted.refresh_token is not None
    fresh = oauth_client.refresh(granted.refresh_token)
    assert fresh.access_token != granted.access_token
    assert fresh.refresh_token not in (None, granted.refresh_token)
    assert is_token_active(emu, fresh.access_token)
    with pytest.raises(NotionOAuthError) as caught:
        oauth_client.refresh(granted.refresh_token)
    assert (caught.value.status, caught.value.code) == (400, "invalid_grant")
    assert granted.refresh_token not in str(caught.value)


def test_introspect_and_revoke(
    emu: NotionEmulator, oauth_client: NotionOAuthClient, granted: OAuthTokens
) -> None:
    info = oauth_client.introspect(granted.access_token)
    assert info["active"] is True
    assert isinstance(info["iat"], int)
    assert "read_content" in info["scope"]
    assert oauth_client.introspect("ntn_unknown_token_000")["active"] is False
    oauth_client.revoke(granted.access_token)
    assert oauth_client.introspect(granted.access_token)["active"] is False
    assert granted.refresh_token is not None
    assert not is_token_active(emu, granted.refresh_token)  # revoking one token revokes the grant


def test_expired_access_token_is_inactive_and_rejected_by_the_api(
    emu: NotionEmulator, oauth_client: NotionOAuthClient, granted: OAuthTokens
) -> None:
    headers = {"Authorization": f"Bearer {granted.access_token}", "Notion-Version": "2026-03-11"}
    assert requests.get(emu.base_url + "/v1/users/me", headers=headers, timeout=10).status_code == 200
    assert expire_access_token(emu, granted.access_token) == 1
    response = requests.get(emu.base_url + "/v1/users/me", headers=headers, timeout=10)
    assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
    assert oauth_client.introspect(granted.access_token)["active"] is False


def test_tokens_endpoints_need_basic_auth(emu: NotionEmulator) -> None:
    response = requests.post(emu.base_url + "/v1/oauth/introspect", json={"token": "x"}, timeout=10)
    assert (response.status_code, response.json()["code"]) == (401, "invalid_client")


def test_unknown_grant_type(emu: NotionEmulator, oauth_client: NotionOAuthClient) -> None:
    with pytest.raises(NotionOAuthError) as caught:
        oauth_client._tokens("token request", {"grant_type": "client_credentials"})
    assert caught.value.code == "unsupported_grant_type"


def test_reprs_hide_secrets(granted: OAuthTokens, oauth_client: NotionOAuthClient) -> None:
    assert granted.access_token not in repr(granted)
    assert str(granted.refresh_token) not in repr(granted)
    assert CLIENT_SECRET not in repr(oauth_client)


def test_refresh_transport_failure_warns_that_the_token_may_be_spent() -> None:
    client = NotionOAuthClient(CLIENT_ID, CLIENT_SECRET, base_url="http://127.0.0.1:9", timeout=1)
    with pytest.raises(Exception, match="may have rotated the refresh token") as caught:
        client.refresh("nrt_some_refresh_token_value")
    assert "nrt_some_refresh_token_value" not in str(caught.value)
