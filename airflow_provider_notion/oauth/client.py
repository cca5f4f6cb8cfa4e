"""Notion's OAuth endpoints over ``requests``: authorize URL, token exchange, refresh, introspect, revoke.

The same safety rules as the hook: the URL is the base URL plus a fixed ``/v1/oauth/...`` path (never a URL
taken from an answer), redirects are not followed, nothing is retried automatically (a refresh rotates the
refresh token, so repeating one whose answer was lost could only fail), and no token, code or secret ever
reaches a log line or an exception message. Every token received is registered with Airflow's secrets masker.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from airflow_provider_notion.client.base import DEFAULT_TIMEOUT, BaseClient, authorization
from airflow_provider_notion.client.retry import AttemptFailure
from airflow_provider_notion.client.sync import Session, SyncSender
from airflow_provider_notion.connection.masking import mask_secret
from airflow_provider_notion.connection.settings import (
    DEFAULT_BASE_URL,
    NotionConnectionSettings,
    normalize_base_url,
)
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionInputError,
    NotionOAuthError,
    NotionTransportError,
)
from airflow_provider_notion.rules.versions import DEFAULT_NOTION_VERSION

log = logging.getLogger(__name__)

AUTHORIZE_PATH = "/v1/oauth/authorize"
TOKEN_PATH = "/v1/oauth/token"  # noqa: S105 - a URL path, not a secret
INTROSPECT_PATH = "/v1/oauth/introspect"
REVOKE_PATH = "/v1/oauth/revoke"

__all__ = ["NotionOAuthClient", "OAuthTokens", "build_authorize_url", "mask_secret"]


def build_authorize_url(
    client_id: str,
    redirect_uri: str | None = None,
    *,
    state: str | None = None,
    base_url: str | None = None,
) -> str:
    """The URL a workspace owner opens to grant access (``response_type=code``, ``owner=user``).

    :param redirect_uri: one of the integration's registered redirect URIs; may be omitted only when exactly
        one is registered (then the exchange must omit it too).
    :param state: an opaque value Notion sends back to the redirect URI (CSRF protection).
    """
    if not client_id or not client_id.strip():
        raise NotionInputError("client_id", "is empty")
    params = {"client_id": client_id.strip(), "response_type": "code", "owner": "user"}
    if redirect_uri:
        params["redirect_uri"] = redirect_uri
    if state:
        params["state"] = state
    return normalize_base_url(base_url) + AUTHORIZE_PATH + "?" + urlencode(params)


@dataclass(frozen=True)
class OAuthTokens:
    """Notion's answer to a token exchange or refresh. ``repr()`` never shows a token."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    bot_id: str | None = None
    workspace_id: str | None = None
    workspace_name: str | None = None
    workspace_icon: str | None = None
    owner: dict[str, Any] | None = None
    duplicated_template_id: str | None = None

    @classmethod
    def from_response(cls, body: Any) -> OAuthTokens:
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise NotionOAuthError("Notion's token answer has no access_token")
        refresh = body.get("refresh_token")
        owner = body.get("owner")
        return cls(
            access_token=body["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            bot_id=body.get("bot_id"),
            workspace_id=body.get("workspace_id"),
            workspace_name=body.get("workspace_name"),
            workspace_icon=body.get("workspace_icon"),
            owner=owner if isinstance(owner, dict) else None,
            duplicated_template_id=body.get("duplicated_template_id"),
        )


def oauth_client_for(
    settings: NotionConnectionSettings, *, timeout: float = DEFAULT_TIMEOUT
) -> NotionOAuthClient:
    """The OAuth client of an OAuth connection (for token introspection and revocation)."""
    if settings.auth_type != "oauth" or not settings.client_id or not settings.client_secret:
        raise NotionInputError("auth_type", "token introspection and revocation need an OAuth connection")
    return NotionOAuthClient(
        settings.client_id, settings.client_secret, base_url=settings.base_url, timeout=timeout
    )


class NotionOAuthClient:
    """Calls Notion's OAuth endpoints with HTTP Basic ``client_id:client_secret``.

    :param base_url: the API origin (default ``https://api.notion.com``; the emulator's URL in tests).
    :param session: a ``requests.Session`` to reuse; one is created otherwise.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        session: Session | None = None,
    ) -> None:
        if not client_id or not client_id.strip():
            raise NotionInputError("client_id", "is empty")
        if not client_secret or not client_secret.strip():
            raise NotionInputError("client_secret", "is empty")
        self.client_id = client_id.strip()
        self._client_secret = client_secret.strip()
        mask_secret(self._client_secret)
        self.base_url = normalize_base_url(base_url or DEFAULT_BASE_URL)
        self.timeout = timeout
        self._core = BaseClient(
            self.base_url, DEFAULT_NOTION_VERSION, timeout=timeout, logger=log, label="Notion OAuth"
        )
        self._sender = SyncSender(self.base_url, session)

    def __repr__(self) -> str:
        return f"NotionOAuthClient(client_id={self.client_id!r}, base_url={self.base_url!r})"

    # ------------------------------------------------------------------ grants

    def exchange_code(self, code: str, redirect_uri: str | None = None) -> OAuthTokens:
        """Trade an authorization ``code`` for the first access and refresh tokens.

        :param redirect_uri: the redirect URI the authorize URL used; omit it only when the authorize URL did.
        """
        if not code or not code.strip():
            raise NotionInputError("code", "is empty")
        body: dict[str, Any] = {"grant_type": "authorization_code", "code": code.strip()}
        if redirect_uri:
            body["redirect_uri"] = redirect_uri
        return self._tokens("token exchange", body)

    def refresh(self, refresh_token: str) -> OAuthTokens:
        """A new access token and a NEW refresh token; the one passed in stops working."""
        if not refresh_token:
            raise NotionInputError("refresh_token", "is empty")
        return self._tokens("token refresh", {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def introspect(self, token: str) -> dict[str, Any]:
        """``{"active": bool, "scope"?, "iat"?}`` for an access or refresh token."""
        if not token:
            raise NotionInputError("token", "is empty")
        return self._post("token introspection", INTROSPECT_PATH, {"token": token})

    def revoke(self, token: str) -> dict[str, Any]:
        """Revoke an access or refresh token; the workspace owner must authorise again afterwards."""
        if not token:
            raise NotionInputError("token", "is empty")
        return self._post("token revocation", REVOKE_PATH, {"token": token})

    # ------------------------------------------------------------------ HTTP

    def _tokens(self, action: str, body: dict[str, Any]) -> OAuthTokens:
        tokens = OAuthTokens.from_response(self._post(action, TOKEN_PATH, body))
        mask_secret(tokens.access_token)
        mask_secret(tokens.refresh_token)
        return tokens

    def _basic_auth(self) -> str:
        raw = f"{self.client_id}:{self._client_secret}".encode()
        return authorization(base64.b64encode(raw).decode("ascii"), "Basic")

    def _post(self, action: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        # No retries: a refresh rotates the refresh token, so repeating one whose answer was lost could only fail.
        call = self._core.prepare("POST", path, json=body)
        try:
            answer = self._sender.send(call, self._basic_auth())
        except AttemptFailure as failure:
            reason = f"{action} request failed ({failure.reason})"
            if path == TOKEN_PATH and body.get("grant_type") == "refresh_token":
                # The refresh may have been applied: the old refresh token would then be spent.
                reason += (
                    "; Notion may have rotated the refresh token already. If the next refresh fails with "
                    "invalid_grant, re-authorise with python -m airflow_provider_notion.oauth authorize-url"
                )
            raise NotionTransportError("POST", call.route, reason) from None
        status = answer.status
        if 300 <= status < 400:
            raise NotionOAuthError(
                f"Notion OAuth {action} got an unexpected redirect ({status}); not followed", status=status
            )
        try:
            parsed = self._core.parse(answer, call)
        except NotionApiError as error:
            raise NotionOAuthError.from_api_error(action, error) from None
        except AttemptFailure:
            raise NotionOAuthError(f"Notion OAuth {action}: the answer was not JSON", status=status) from None
        if not isinstance(parsed, dict):
            raise NotionOAuthError(f"Notion OAuth {action}: the answer was not a JSON object", status=status)
        return parsed
