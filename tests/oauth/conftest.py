"""Fixtures for the OAuth tests: an emulator with a public integration, a task context with Variables, OAuth
connections, a private state folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import add_public_integration, mint_authorization_code

from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens
from tests.oauth.helpers import CLIENT_ID, CLIENT_SECRET, OTHER_REDIRECT_URI, REDIRECT_URI, FakeSupervisor


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
def task_supervisor() -> Iterator[FakeSupervisor]:
    """Run the test as if inside an Airflow task, with Variables kept by a fake supervisor."""
    from airflow.sdk.execution_time.supervisor import set_supervisor_comms

    supervisor = FakeSupervisor()
    with set_supervisor_comms(supervisor):
        yield supervisor


@pytest.fixture
def variables(task_supervisor: FakeSupervisor) -> dict[str, str]:
    """Airflow Variables as seen by a running task (the dict is the supervisor's copy)."""
    return task_supervisor.values


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private state folder per test (refresh lock files), not the user's real one."""
    base = tmp_path_factory.mktemp("state")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    return base


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
