"""What every Notion request has in common, whichever sender carries it.

:class:`BaseClient` turns a caller's arguments into a :class:`Call` (or a :class:`NotionInputError` before
anything is sent), turns the sender's :class:`Answer` into the parsed body or a ``NotionApiError``, and turns
the last failure into the error the caller sees. The senders (:mod:`.sync`, :mod:`.aio`) only send and sleep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from airflow_provider_notion.client.request import (
    METHODS,
    api_path,
    base_headers,
    check_headers,
    encode_json,
    is_read_only,
)
from airflow_provider_notion.client.responses import api_error_from_response
from airflow_provider_notion.client.retry import (
    READ_RETRIED_STATUSES,
    RETRY_AFTER_STATUSES,
    AttemptFailure,
    RetryPolicy,
    describe_failure,
)
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionInputError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.utils.checks import finite_number, is_latin1

#: Read timeout of one request in seconds: Notion itself gives up on a request after 60 s.
DEFAULT_TIMEOUT = 60.0
#: Opening a connection takes milliseconds when Notion is reachable; waiting longer only delays the retry.
CONNECT_TIMEOUT = 10.0

ResponseType = Literal["json", "text", "binary"]


class RequestOptions(TypedDict, total=False):
    """The optional keywords of one request (``NotionHook.request``, ``SyncClient.request``)."""

    json: Any
    params: Mapping[str, Any] | None
    data: Any
    files: Any
    headers: Mapping[str, Any] | None
    response_type: ResponseType
    timeout: float | None
    retry_policy: RetryPolicy | None


class PageOptions(TypedDict, total=False):
    """The optional keywords of a paginated request (``NotionHook.iter_pages``)."""

    json: Mapping[str, Any] | None
    params: Mapping[str, Any] | None
    page_size: int | None
    start_cursor: str | None


RESPONSE_TYPES = ("json", "text", "binary")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Call:
    """One request, checked and ready to send (the credentials are added per attempt)."""

    method: str
    route: str
    url: str
    headers: dict[str, str]
    params: Mapping[str, Any] | None = None
    content: bytes | None = None
    data: Any = None
    files: Any = None
    response_type: ResponseType = "json"
    read_only: bool = True
    timeout: float = DEFAULT_TIMEOUT

    def not_built(self, error: Exception) -> NotionTransportError:
        """The error for a request the sender could not build: nothing was sent, so it is never "outcome unknown".

        Only the exception's type is kept, never its text: a header's value (the token) can be in it.
        """
        return NotionTransportError(
            self.method,
            self.route,
            f"the request could not be built ({type(error).__name__}); nothing was sent",
        )


@dataclass(frozen=True)
class Answer:
    """What a sender got back: status, body and the two headers the core reads."""

    status: int
    content: bytes
    retry_after: str | None = None
    charset: str | None = None
    elapsed_ms: float = field(default=0.0, compare=False)


def authorization(token: str, scheme: str = "Bearer") -> str:
    """The ``Authorization`` value; a token that cannot travel in a header is refused without echoing it."""
    if not is_latin1(token) or any(ch in token for ch in "\r\n\x00"):
        raise NotionInputError(
            "password", "the token contains characters that cannot be sent in an HTTP header (non latin-1)"
        )
    return f"{scheme} {token}"


class BaseClient:
    """Builds requests, parses answers and maps errors for one API base URL and ``Notion-Version``.

    :param base_url: the API origin (``https://api.notion.com`` or the emulator's URL).
    :param notion_version: the ``Notion-Version`` header value (already resolved).
    :param retry_policy: retry rules (see :mod:`airflow_provider_notion.client.retry`).
    :param timeout: default read timeout per request, in seconds.
    :param logger: where request and retry lines go (the hook passes its Airflow task logger).
    :param label: how log lines name the API ("Notion", "Notion OAuth").
    """

    def __init__(
        self,
        base_url: str,
        notion_version: str,
        *,
        retry_policy: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        logger: logging.Logger | logging.LoggerAdapter[Any] | None = None,
        label: str = "Notion",
    ) -> None:
        self.base_url = base_url
        self.notion_version = notion_version
        self.retry_policy = retry_policy or RetryPolicy()
        self.timeout = finite_number(timeout, "timeout", minimum=0.001)
        self.log = logger or log
        self.label = label
        self._headers = base_headers(notion_version)

    def prepare(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        files: Any = None,
        headers: Mapping[str, Any] | None = None,
        response_type: ResponseType = "json",
        timeout: float | None = None,
    ) -> Call:
        """Check everything and build the :class:`Call`; any problem is a ``NotionInputError``, nothing sent."""
        verb = method.upper() if isinstance(method, str) else method
        if verb not in METHODS:
            raise NotionInputError("method", f"{method!r} is not one of {', '.join(sorted(METHODS))}")
        if response_type not in RESPONSE_TYPES:
            raise NotionInputError("response_type", f"{response_type!r} is not one of json, text, binary")
        route = api_path(path)
        request_headers = {**self._headers, **check_headers(headers)}
        content = None
        if isinstance(data, str):
            data = data.encode()  # encoded here: http.client would fail on non-latin-1 text mid-send
        if json is not None:
            if data is not None or files is not None:
                raise NotionInputError("json", "give either json or data/files, not both")
            content = encode_json(json)
            request_headers["Content-Type"] = "application/json"
        return Call(
            method=verb,
            route=route,
            url=self.base_url + route,
            headers=request_headers,
            params=params,
            content=content,
            data=data,
            files=files,
            response_type=response_type,
            read_only=is_read_only(verb, route),
            timeout=self.timeout if timeout is None else finite_number(timeout, "timeout", minimum=0.001),
        )

    def parse(self, answer: Answer, call: Call) -> Any:
        """The body as ``call.response_type`` asks, or the error Notion's answer means."""
        status = answer.status
        self.log.debug(
            "%s %s %s -> %s (%.0f ms)", self.label, call.method, call.route, status, answer.elapsed_ms
        )
        if 300 <= status < 400:
            raise NotionTransportError(
                call.method,
                call.route,
                f"unexpected redirect ({status}); not followed so the token stays with Notion",
            )
        if status >= 400:
            raise api_error_from_response(status, answer.content, answer.retry_after, call.method, call.route)
        if call.response_type == "binary":
            return answer.content
        if call.response_type == "text":
            return answer.content.decode(answer.charset or "utf-8", errors="replace")
        if not answer.content:
            return {}
        try:
            import json

            return json.loads(answer.content)
        except ValueError:
            raise AttemptFailure("ambiguous", f"HTTP {status} answer was not valid JSON") from None

    def final_error(
        self, error: BaseException, call: Call, policy: RetryPolicy | None = None
    ) -> BaseException:
        """The error the caller sees once no retry is left (a lost write becomes "outcome unknown")."""
        policy = policy or self.retry_policy
        if isinstance(error, AttemptFailure):
            return error.as_error(call.method, call.route, call.read_only)
        if isinstance(error, NotionApiError):
            if not call.read_only and error.status in READ_RETRIED_STATUSES:
                unknown = NotionWriteOutcomeUnknownError(
                    call.method,
                    call.route,
                    f"HTTP {error.status} {error.code or ''}: {error.message}",
                    status=error.status,
                )
                unknown.__cause__ = error
                return unknown
            if (
                error.status in RETRY_AFTER_STATUSES
                and error.retry_after
                and error.retry_after > policy.max_retry_after
            ):
                self.log.warning(
                    "Notion asked to wait %.0f s, longer than max_retry_after (%.0f s); not retrying",
                    error.retry_after,
                    policy.max_retry_after,
                )
        return error

    def log_retry(
        self, error: BaseException | None, call: Call, retry: int, wait: float, policy: RetryPolicy
    ) -> None:
        """One line per retry: what failed, which retry this is, and how long until it."""
        self.log.warning(
            "%s %s %s failed (%s); retry %d of %d in %.1f s",
            self.label,
            call.method,
            call.route,
            describe_failure(error),
            retry,
            policy.max_retries,
            wait,
        )

    def not_sent(self, call: Call, reason: str) -> AttemptFailure:
        """A failure before any byte reached Notion (always safe to retry)."""
        return AttemptFailure("not_sent", f"{reason} ({self.base_url})")


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.monotonic()`` value)."""
    return (time.monotonic() - started) * 1000
