"""From an authorization code to a ready Airflow connection: the functions behind the ``exchange`` command."""

from __future__ import annotations

import json
import shlex
from typing import Any

from airflow_provider_notion.connection.settings import CONN_TYPE, DEFAULT_BASE_URL, normalize_base_url
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens
from airflow_provider_notion.rules.versions import resolve_notion_version


def exchange_code(
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str | None = None,
    *,
    base_url: str | None = None,
) -> OAuthTokens:
    """``POST /v1/oauth/token`` with ``grant_type=authorization_code``: the first access and refresh tokens."""
    client = NotionOAuthClient(client_id, client_secret, base_url=base_url)
    return client.exchange_code(code, redirect_uri)


def connection_from_tokens(
    tokens: OAuthTokens,
    client_id: str,
    client_secret: str,
    *,
    base_url: str | None = None,
    notion_version: str | None = None,
    oauth_store: str | None = None,
) -> dict[str, Any]:
    """The Airflow connection (``AIRFLOW_CONN_*`` JSON form) for an OAuth grant.

    The workspace and bot ids are kept as extras for reference; they are not secret.
    """
    extra: dict[str, Any] = {"auth_type": "oauth", "access_token": tokens.access_token}
    if tokens.refresh_token:
        extra["refresh_token"] = tokens.refresh_token
    if notion_version:
        extra["notion_version"] = resolve_notion_version(notion_version).name
    if oauth_store:
        extra["oauth_store"] = oauth_store
    for key in ("bot_id", "workspace_id", "workspace_name"):
        value = getattr(tokens, key)
        if value:
            extra[key] = value
    conn: dict[str, Any] = {"conn_type": CONN_TYPE, "login": client_id, "password": client_secret}
    origin = normalize_base_url(base_url)
    if origin != DEFAULT_BASE_URL:
        conn["host"] = origin
    conn["extra"] = extra
    return conn


def connection_uri(conn: dict[str, Any]) -> str:
    """The URI form of :func:`connection_from_tokens`' result, encoded by Airflow itself so it parses back."""
    from airflow.sdk import Connection

    return str(
        Connection(
            conn_id="notion",
            conn_type=conn["conn_type"],
            host=conn.get("host"),
            login=conn.get("login"),
            password=conn.get("password"),
            extra=json.dumps(conn.get("extra") or {}),
        ).get_uri()
    )


def connections_add_command(conn_id: str, conn: dict[str, Any]) -> str:
    """The ``airflow connections add`` shell command for the connection, quoted for POSIX shells."""
    return f"airflow connections add {shlex.quote(conn_id)} --conn-json {shlex.quote(json.dumps(conn))}"
