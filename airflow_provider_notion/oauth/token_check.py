"""Test Connection for OAuth connections: report the token state in words, never refresh.

A refresh spends the refresh token, and Test Connection runs where the rotated pair usually cannot be saved (the
API server cannot write the Variable store), so a refresh there would leave the connection with a spent token and
every later run failing with ``invalid_grant``. Instead the test sends the access token in use once
(``GET /v1/users/me``) with refreshing turned off, and when Notion rejects it, asks Notion's introspection
endpoint whether the refresh token is still active, which spends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_notion.client.auth import TokenProvider
from airflow_provider_notion.exceptions import REAUTHORIZE_STEPS, NotionApiError, NotionError
from airflow_provider_notion.oauth.provider import OAuthTokenProvider

NOT_REFRESHED = "Test Connection never refreshes (the rotated pair could not be stored here)."


def check_oauth_connection(
    provider: TokenProvider, current_user: Callable[[], Mapping[str, Any]]
) -> tuple[bool, str]:
    """``(ok, message)`` for an OAuth connection, without refreshing or storing anything.

    :param provider: the connection's token provider (an :class:`OAuthTokenProvider`).
    :param current_user: sends ``GET /v1/users/me`` with that provider's token (e.g. ``hook.get_current_user``).
    """
    if not isinstance(provider, OAuthTokenProvider):
        raise TypeError("check_oauth_connection needs an OAuth connection")
    provider.refresh_enabled = False
    try:
        provider.current_token()
        source = provider.source
        try:
            me = current_user()
        except NotionApiError as err:
            if err.status != 401:
                raise
            return _rejected_access_token(provider, source)
    finally:
        provider.refresh_enabled = True
    bot = me.get("bot") or {}
    workspace = bot.get("workspace_name") or "an unnamed workspace"
    return True, (
        f"OAuth access token from {source} is valid: GET /v1/users/me answered as "
        f"{me.get('name') or 'the Notion bot'} in {workspace}. Rotated tokens are kept in {provider.store!r}."
    )


def _rejected_access_token(provider: OAuthTokenProvider, source: str) -> tuple[bool, str]:
    refresh_token = provider.refresh_token
    if not refresh_token:
        return False, (
            f"Notion rejected the OAuth access token from {source} (expired or revoked) and the connection has no "
            f"refresh token. {REAUTHORIZE_STEPS}"
        )
    try:
        active = bool(provider.client.introspect(refresh_token).get("active"))
    except NotionError as err:
        return False, (
            f"Notion rejected the OAuth access token from {source}, and checking the refresh token failed: {err}"
        )
    if active:
        return True, (
            f"OAuth access token from {source} expired; the next task run will refresh it (Notion reports the "
            f"refresh token active). {NOT_REFRESHED}"
        )
    return False, (
        f"Notion rejected the OAuth access token from {source} and reports its refresh token inactive: the "
        f"grant was revoked or the token was spent by a refresh whose new pair was not stored. {REAUTHORIZE_STEPS}"
    )
