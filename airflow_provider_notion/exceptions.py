"""The exceptions this provider raises: every public exception class lives here, and only here.

Every error a task fails with derives from :class:`NotionError`, itself an ``AirflowException``, so a task fails
with a message written for the person reading the Airflow log. Three signals the provider catches itself keep
the standard base their callers expect: :class:`FilterTooDeepError` (a ``ValueError``),
:class:`PacingUnavailableError` and :class:`UnsafeStateDirError` (``OSError``). None of them ever carries a
token or secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException

# Advice for the errors people hit most; Notion's own messages do not say what to do next.
_HINTS: dict[str, str] = {
    "object_not_found": (
        "Is the page or database shared with the integration? In Notion open it, then "
        "'...' > 'Connections' and add the integration."
    ),
    "unauthorized": (
        "The token was rejected: check the connection's Internal Integration Secret, or re-authorise the OAuth "
        "connection."
    ),
    "restricted_resource": (
        "Which capability is missing? Enable it in the integration's settings (read content, update content, "
        "insert content, read user information)."
    ),
    "validation_error": "Notion rejected the request body; the message says which field.",
    "rate_limited": "Notion's rate limit was hit; lower concurrency or use an Airflow pool to share the budget.",
    "invalid_grant": "The OAuth grant is no longer valid: re-authorise (see docs/oauth.md).",
}


class NotionError(AirflowException):
    """Base class of every error raised by this provider."""


class NotionInputError(NotionError, ValueError):
    """A value given to a hook, operator or sensor is invalid; raised before any request is sent."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"Invalid {field}: {problem}")


class NotionApiError(NotionError):
    """Notion answered with a non-2xx status.

    Carries Notion's ``code``, ``message``, ``request_id`` and ``additional_data`` so callers can branch on
    them, plus a hint for the common cases.
    """

    def __init__(
        self,
        *,
        status: int,
        code: str | None,
        message: str,
        method: str,
        path: str,
        request_id: str | None = None,
        additional_data: dict[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.path = path
        self.request_id = request_id
        self.additional_data = additional_data or {}
        self.retry_after = retry_after
        self.hint = _HINTS.get(code or "")
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"Notion API error {self.status}"
        if self.code:
            text += f" {self.code}"
        text += f" on {self.method} {self.path}: {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        if self.request_id:
            text += f" (request_id {self.request_id})"
        return text


class NotionMultipleDataSourcesError(NotionError):
    """A database has several data sources and the caller did not say which one to use."""

    def __init__(self, database_id: str, data_sources: list[dict[str, Any]]) -> None:
        self.database_id = database_id
        self.data_sources = data_sources
        listing = ", ".join(f"{ds.get('id')} ({ds.get('name') or 'unnamed'})" for ds in data_sources)
        super().__init__(
            f"Database {database_id} has {len(data_sources)} data sources: {listing}. "
            "Pass data_source_id to choose one."
        )


class NotionTransportError(NotionError):
    """The request could not be completed at the HTTP level (connection, timeout, unreadable answer)."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"Request {method} {path} failed: {reason}")


class NotionWriteOutcomeUnknownError(NotionTransportError):
    """A write may or may not have been applied, so it was not retried (a retry could duplicate it)."""

    def __init__(self, method: str, path: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(method, path, reason)
        self.status = status
        self.args = (
            f"Request {method} {path} failed after it was sent ({reason}); the outcome is unknown: Notion may "
            "or may not have applied it. It was not retried, because a retry could create a duplicate. Check "
            "the workspace before re-running the task.",
        )


class NotionQueryIncompleteError(NotionError):
    """Notion stopped a query at its result cap and the remaining rows could not be fetched."""


class NotionPartialWriteError(NotionError):
    """A write made of several requests stopped part-way; ``done`` says what was written before it failed.

    Nothing is rolled back (Notion has no transactions): the message names what exists, so a rerun or a
    person can finish or clean up.
    """

    def __init__(self, what: str, done: str, cause: BaseException) -> None:
        self.what = what
        self.done = done
        super().__init__(f"{what} failed part-way: {done}. Cause: {cause}")


class NotionSyncError(NotionError):
    """A sync cannot (or did not completely) bring the database in line with the source.

    ``result`` holds the counts of what was done before it stopped (empty when nothing was written).
    """

    def __init__(self, message: str, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = dict(result or {})


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


class TokenNotSavedError(NotionOAuthError):
    """A refresh succeeded but the token store could not save the new pair, even after retries."""


class TokenStoreNotWritableError(NotionError):
    """The token store cannot save a pair here (e.g. the Variable store outside a running task)."""


class NotionPartialPageError(NotionTransportError):
    """A page was created but not all of its child blocks could be written."""

    def __init__(self, page_id: str, first: int, last: int, cause: BaseException, *, trashed: bool) -> None:
        if trashed:
            outcome = "the page was moved to the trash, so a retry creates it again complete"
        else:
            outcome = (
                f"page {page_id} lacks blocks {first}-{last}: delete it (or let an upsert retry finish it)"
            )
        super().__init__("PATCH", f"/v1/blocks/{page_id}/children", f"{cause}; {outcome}")
        self.page_id = page_id
        self.missing = (first, last)
        self.trashed = trashed
        self.args = (
            f"Page {page_id} was created, but appending its child blocks {first}-{last} failed ({cause}); "
            f"{outcome}.",
        )


class NotionChildrenMismatchError(NotionError):
    """An existing row's children are neither the requested ones nor a prefix of them."""


class NotionPaginationError(NotionError):
    """The server's cursors go round in circles: following them would never end."""


class FilterTooDeepError(ValueError):
    """Adding the conditions would nest compound filters deeper than Notion accepts."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"compound filters would be nested {depth} levels deep (Notion accepts {limit})")
        self.depth = depth


class PacingUnavailableError(OSError):
    """A shared bucket cannot be used right now (lock not granted in time, Redis unreachable, unsafe file)."""


class UnsafeStateDirError(OSError):
    """A state folder exists but is not a private directory of the current user; it is not used."""
