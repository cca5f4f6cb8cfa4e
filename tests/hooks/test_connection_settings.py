"""Reading the Notion connection: auth types, versions, base URL, and clear errors for bad settings."""

from __future__ import annotations

import pytest
import requests_mock as rm

from airflow_provider_notion.connection.settings import NotionConnectionSettings, normalize_base_url
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from tests.helpers import CANARY_SECRET


def settings(**fields: object) -> NotionConnectionSettings:
    base: dict[str, object] = {
        "conn_id": "c",
        "host": None,
        "port": None,
        "login": None,
        "password": None,
        "extras": {},
    }
    base.update(fields)
    return NotionConnectionSettings.from_fields(**base)  # type: ignore[arg-type]


def test_internal_secret_is_the_password() -> None:
    parsed = settings(password=f"  {CANARY_SECRET} ")
    assert parsed.auth_type == "internal"
    assert parsed.bearer_token == CANARY_SECRET
    assert parsed.base_url == "https://api.notion.com"
    assert CANARY_SECRET not in repr(parsed)


def test_oauth_uses_the_access_token_and_keeps_client_credentials() -> None:
    parsed = settings(
        login="client-id",
        password="client-secret-value",
        extras={"auth_type": "oauth", "access_token": "access-value", "refresh_token": "refresh-value"},
    )
    assert parsed.auth_type == "oauth"
    assert parsed.bearer_token == "access-value"
    assert (parsed.client_id, parsed.client_secret, parsed.refresh_token) == (
        "client-id",
        "client-secret-value",
        "refresh-value",
    )
    assert "secret-value" not in repr(parsed) and "access-value" not in repr(parsed)


def test_legacy_prefixed_extras_are_read() -> None:
    parsed = settings(password="x", extras={"extra__notion__notion_version": "2022-06-28"})
    assert parsed.notion_version == "2022-06-28"


@pytest.mark.parametrize(
    ("fields", "field_named"),
    [
        ({"password": None}, "password"),
        ({"password": "   "}, "password"),
        ({"password": "ntn_abc\r\nX-Evil: 1"}, "password"),
        ({"password": "x", "extras": {"auth_type": "basic"}}, "auth_type"),
        ({"password": "x", "extras": {"notion_version": "2021-01-01"}}, "notion_version"),
        ({"password": "x", "host": "ftp://api.notion.com"}, "host"),
        ({"password": "x", "host": "https://api.notion.com/?a=b"}, "host"),
        ({"password": "s", "extras": {"auth_type": "oauth", "access_token": "a"}}, "login"),
        ({"login": "id", "extras": {"auth_type": "oauth", "access_token": "a"}}, "client secret"),
        ({"login": "id", "password": "s", "extras": {"auth_type": "oauth"}}, "access_token"),
    ],
)
def test_bad_settings_name_the_field(fields: dict[str, object], field_named: str) -> None:
    with pytest.raises(NotionInputError, match=field_named) as caught:
        settings(**fields)
    assert "ntn_abc" not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (None, "https://api.notion.com"),
        ("", "https://api.notion.com"),
        ("api.notion.com", "https://api.notion.com"),
        ("http://localhost:8765/v1/", "http://localhost:8765"),
    ],
)
def test_base_url_forms(host: str | None, expected: str) -> None:
    assert normalize_base_url(host) == expected


def test_uri_form_connection_with_port(monkeypatch: pytest.MonkeyPatch, requests_mock: rm.Mocker) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_URI", "notion://:ntn_uri_secret@127.0.0.1:8765/?notion_version=2022-06-28"
    )
    requests_mock.get("https://127.0.0.1:8765/v1/users/me", json={})
    hook = NotionHook("notion_uri", requests_per_second=None)
    hook.get_current_user()
    assert requests_mock.last_request.headers["Notion-Version"] == "2022-06-28"
    assert hook.settings.bearer_token == "ntn_uri_secret"


def test_bad_connection_fails_before_any_request(notion_conn, requests_mock: rm.Mocker) -> None:
    notion_conn(extra={"auth_type": "oauth"})
    with pytest.raises(NotionInputError, match="login"):
        NotionHook().get_current_user()
    assert requests_mock.call_count == 0


def test_unknown_version_argument_fails_at_construction() -> None:
    with pytest.raises(NotionInputError, match="notion_version.*2026-03-11"):
        NotionHook(notion_version="2024-13-01")


def test_connection_test_reports_a_missing_connection_clearly() -> None:
    ok, message = NotionHook("missing_conn").test_connection()
    assert not ok and "missing_conn" in message and "AIRFLOW_CONN_MISSING_CONN" in message
