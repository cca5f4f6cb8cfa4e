"""The one sentence Test Connection shows for each way a connection can fail, saying what to change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_notion.connection.settings import DEFAULT_BASE_URL
from airflow_provider_notion.exceptions import NotionApiError, NotionInputError, NotionTransportError


def connection_test_failure(error: BaseException, base_url: str | None) -> str:
    """A message for ``error`` raised while testing a connection whose API base is ``base_url``."""
    where = base_url or DEFAULT_BASE_URL
    if isinstance(error, NotionInputError):
        if error.field == "host":
            return (
                f"The connection's host is not a valid URL ({error.problem}); leave Host empty to use "
                f"{DEFAULT_BASE_URL} or enter a base URL such as http://localhost:8765."
            )
        return str(error)  # names the field and says what to do (e.g. the missing connection's variable)
    if isinstance(error, NotionApiError):
        if error.status == 401:
            return (
                f'Notion rejected the token ("{error.message or "HTTP 401"}"); paste the integration\'s '
                "Internal Integration Secret into Password again, or re-authorise the OAuth connection."
            )
        if error.status == 403:
            return (
                f"Notion refused the token (HTTP 403 {error.code or 'restricted_resource'}); give the integration "
                "the 'read user information' capability in its settings."
            )
        code = f" {error.code}" if error.code else ""
        return f"Notion answered HTTP {error.status}{code} ({error.message}); try again later."
    if isinstance(error, NotionTransportError) and "could not connect" in error.reason:
        return (
            f"Could not connect to {where}; check the connection's Host (leave it empty for {DEFAULT_BASE_URL}) "
            "and that this machine can reach it (network, proxy, firewall)."
        )
    return f"The test request to {where} failed: {error}"


def run_connection_test(
    check: Callable[[], tuple[bool, str]], base_url: Callable[[], str]
) -> tuple[bool, str]:
    """``check()``, or ``(False, message)`` saying in words why it failed (for the Test Connection button)."""
    try:
        return check()
    except Exception as err:
        return False, connection_test_failure(err, _or_none(base_url))


def bot_greeting(me: Mapping[str, Any]) -> tuple[bool, str]:
    """The success message of Test Connection from the ``GET /users/me`` answer: the bot and its workspace."""
    bot = me.get("bot") or {}
    workspace = bot.get("workspace_name") or "an unnamed workspace"
    return True, f"{me.get('name') or 'Notion bot'} in {workspace}"


def _or_none(base_url: Callable[[], str]) -> str | None:
    try:
        return base_url()
    except Exception:  # the connection itself is broken: the message says so without a URL
        return None
