"""Fixtures for the OAuth tests: an emulator with a public integration, a fake Variable API, OAuth connections."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from airflow.sdk import Variable

from airflow_provider_notion.emulator import NotionEmulator
from airflow_provider_notion.emulator.routes.oauth import add_public_integration, mint_authorization_code
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens

# Distinctive values, so a leak into a log or printed output is unmistakable.
CLIENT_ID = "oauth-client-id-7d1e"
CLIENT_SECRET = "secret_CANARY_client_5b8e0f2a9d41"
REDIRECT_URI = "https://airflow.example.com/notion/callback"
OTHER_REDIRECT_URI = "http://localhost:8765/callback"


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


def token_requests(emu: NotionEmulator) -> list[int]:
    """Statuses of the ``POST /v1/oauth/token`` calls the emulator saw."""
    return [r.status for r in emu.request_log if r.path == "/v1/oauth/token"]


def follow_authorize(url: str) -> dict[str, str]:
    """Open the authorize URL like a browser would and return the redirect's query parameters."""
    from urllib.parse import parse_qs, urlsplit

    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()} | {
        "_target": location.split("?")[0]
    }
