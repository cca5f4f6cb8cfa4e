"""The exceptions this provider raises.

Everything derives from :class:`NotionError`, itself an ``AirflowException``, so a task fails with a message
written for the person reading the Airflow log. None of them ever carries a token or secret.
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
