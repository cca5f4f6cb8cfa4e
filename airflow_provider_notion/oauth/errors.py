"""The error raised when an OAuth step fails, with advice for the person who has to fix it."""

from __future__ import annotations

from airflow_provider_notion.exceptions import NotionApiError, NotionError

REAUTHORIZE_STEPS = (
    "Re-authorise: run `python -m airflow_provider_notion.oauth authorize-url --client-id <id> --redirect-uri "
    "<uri>`, open the URL as the workspace owner, then `python -m airflow_provider_notion.oauth exchange ... --state "
    "<the printed state>` with the whole redirect URL, and update the Airflow connection with the printed tokens "
    "(see docs/oauth.md). The stored token pair is replaced automatically once the connection holds the new "
    "refresh token."
)

_ADVICE: dict[str, str] = {
    "invalid_client": (
        "Notion rejected the client credentials: check the connection's login (OAuth client id) and password "
        "(OAuth client secret) against the public integration's settings page."
    ),
    "invalid_grant": REAUTHORIZE_STEPS,
    "unauthorized_client": "This integration may not use this grant; is it a public (OAuth) integration?",
    "unsupported_grant_type": "Notion does not support this grant type.",
    "invalid_request": (
        "Check the redirect URI: it must be one registered for the integration, and the exchange must send the "
        "same redirect_uri the authorize URL used."
    ),
}


class NotionOAuthError(NotionError):
    """An OAuth call (token exchange, refresh, introspect, revoke) failed.

    Carries Notion's ``status``, ``code`` and ``request_id`` when Notion answered. Deliberately not a
    :class:`NotionApiError`, so the hook's retry policy never repeats a refresh that rotated a token. The message
    never contains a token, code or secret.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.request_id = request_id
        super().__init__(message)

    @classmethod
    def from_api_error(
        cls, action: str, error: NotionApiError, *, advice: str | None = None
    ) -> NotionOAuthError:
        """Describe ``error`` (Notion's answer to ``action``) with advice for its code."""
        text = f"Notion OAuth {action} failed: HTTP {error.status}"
        if error.code:
            text += f" {error.code}"
        if error.message:
            text += f": {error.message}"
        hint = advice or _ADVICE.get(error.code or "")
        if hint:
            text += f" {hint}"
        if error.request_id:
            text += f" (request_id {error.request_id})"
        return cls(text, status=error.status, code=error.code, request_id=error.request_id)
