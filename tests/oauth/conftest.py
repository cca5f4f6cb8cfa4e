"""Fixtures for the OAuth tests: an emulator with a public integration, a fake Variable API, OAuth connections."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from airflow.sdk import Variable

from airflow_provider_notion.emulator import NotionEmulator
from airflow_provider_notion.emulator.routes.oauth import add_public_integration, mint_authorization_code
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens
from tests.oauth.helpers import CLIENT_ID, CLIENT_SECRET, OTHER_REDIRECT_URI, REDIRECT_URI


@pytest.fixture(scope="session")
def oauth_session_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator() as emulator:
        yield emulator


@pytest.fixture
def emu(oauth_session_emulator: NotionEmulator) -> NotionEmulator:
    """The emulator back at its seed, plus a public integration with two registered redirect URIs."""
    oauth_session_emulator.reset()
    add_public_integration(
        oauth_session_emulator,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[REDIRECT_URI, OTHER_REDIRECT_URI],
        name="Airflow public",
    )
    return oauth_session_emulator


@pytest.fixture
def oauth_client(emu: NotionEmulator) -> NotionOAuthClient:
    return NotionOAuthClient(CLIENT_ID, CLIENT_SECRET, base_url=emu.base_url)


@pytest.fixture
def granted(emu: NotionEmulator, oauth_client: NotionOAuthClient) -> OAuthTokens:
    """A fresh grant: tokens from exchanging a minted code."""
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    return oauth_client.exchange_code(code, REDIRECT_URI)


@pytest.fixture
def variables(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Airflow Variables in a dict: ``Variable.get``/``Variable.set`` without a database or task context."""
    values: dict[str, str] = {}

    def get(key: str, default: Any = None, deserialize_json: bool = False) -> Any:
        return values.get(key, default)

    def set_(key: str, value: Any, description: str | None = None, serialize_json: bool = False) -> None:
        values[key] = value

    monkeypatch.setattr(Variable, "get", staticmethod(get))
    monkeypatch.setattr(Variable, "set", staticmethod(set_))
    return values


@pytest.fixture
def oauth_conn(monkeypatch: pytest.MonkeyPatch, emu: NotionEmulator) -> Callable[..., dict[str, Any]]:
    """Define an OAuth connection for the emulator through ``AIRFLOW_CONN_<ID>``."""

    def make(tokens: OAuthTokens, conn_id: str = "notion_oauth", **extra: Any) -> dict[str, Any]:
        extras: dict[str, Any] = {"auth_type": "oauth", "access_token": tokens.access_token}
        if tokens.refresh_token:
            extras["refresh_token"] = tokens.refresh_token
        extras.update(extra)
        conn = {
            "conn_type": "notion",
            "host": emu.base_url,
            "login": CLIENT_ID,
            "password": CLIENT_SECRET,
            "extra": extras,
        }
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
        return conn

    return make
