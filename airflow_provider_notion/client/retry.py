"""When a failed Notion request may be sent again, and how long to wait first.

The rules are shared by the sync hook (requests) and the async trigger (httpx): each client turns its own
transport errors into an :class:`AttemptFailure` and Notion's error answers into a ``NotionApiError``, then
asks this module what to do.

- 429 ``rate_limited`` is always retried, after ``Retry-After`` when given: Notion refused the request unread.
- A request that never left (the connection could not be opened) is always retried.
- 500/502/503/504, 529 ``service_overload``, timeouts and answers lost on the way back are retried only for
  reads (GET, DELETE and the read-only POSTs: search, query, introspect), a 529 after its ``Retry-After``. For
  a create or update they mean the outcome is unknown: a 529 is a 5xx, and nothing in Notion's documentation
  says an overloaded Notion never applied the write before answering it, so a retried create could
  duplicate the page. They fail at once with ``NotionWriteOutcomeUnknownError``; a sync recovers by reading
  the rows again on its next run, which finds the write if it was applied.
- ``retry_on_all_errors`` retries every failure, for every method: a caller's explicit choice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionError,
    NotionInputError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)

#: Refused before anything was done: retried for every method.
ALWAYS_RETRIED_STATUSES = frozenset({429})
#: The outcome of a write answered so is unknown: retried for reads only.
READ_RETRIED_STATUSES = frozenset({500, 502, 503, 504, 529})
#: Answers whose ``Retry-After`` is honoured (up to ``max_retry_after``; a longer one fails at once).
RETRY_AFTER_STATUSES = frozenset({429, 529})


class AttemptFailure(Exception):
    """A transport-level failure of one attempt.

    ``not_sent``: the request certainly did not reach Notion. ``ambiguous``: it may have been applied.
    """

    def __init__(self, kind: Literal["not_sent", "ambiguous"], reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    def as_error(self, method: str, path: str, read_only: bool) -> NotionError:
        """The error a caller sees once no retry is left."""
        if self.kind == "ambiguous" and not read_only:
            return NotionWriteOutcomeUnknownError(method, path, self.reason)
        return NotionTransportError(method, path, self.reason)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds; Notion sends seconds, HTTP also allows a date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, and how patiently, a request is retried.

    :param max_retries: retries after the first attempt.
    :param base_delay: seconds before the first retry when Notion gives no ``Retry-After``.
    :param exponential_backoff: double the delay after each retry (with jitter), up to ``max_delay``.
    :param max_retry_after: the longest ``Retry-After`` honoured; a longer one (a workspace-wide limit) fails
        the request at once with Notion's error rather than blocking a worker slot.
    :param retry_on_all_errors: retry every failure, writes included (a write may then be applied twice).
    """

    max_retries: int = 3
    base_delay: float = 1.0
    exponential_backoff: bool = True
    max_delay: float = 60.0
    max_retry_after: float = 300.0
    retry_on_all_errors: bool = False

    def __post_init__(self) -> None:
        if (
            not isinstance(self.max_retries, int)
            or isinstance(self.max_retries, bool)
            or self.max_retries < 0
        ):
            raise NotionInputError(
                "max_retry_count", f"must be a whole number >= 0, got {self.max_retries!r}"
            )
        for name in ("base_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise NotionInputError(name, f"must be a finite number of seconds >= 0, got {value!r}")

    def should_retry(self, error: BaseException, read_only: bool) -> bool:
        """Whether ``error`` from one attempt may be retried (the attempt count is checked elsewhere)."""
        if isinstance(error, NotionApiError):
            if (
                error.status in RETRY_AFTER_STATUSES
                and error.retry_after is not None
                and error.retry_after > self.max_retry_after
            ):
                return False
            if error.status in ALWAYS_RETRIED_STATUSES or self.retry_on_all_errors:
                return True
            return read_only and error.status in READ_RETRIED_STATUSES
        if isinstance(error, AttemptFailure):
            return error.kind == "not_sent" or read_only or self.retry_on_all_errors
        return False

    def wait_before_retry(self, error: BaseException | None, retry_number: int) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based)."""
        if isinstance(error, NotionApiError) and error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        delay = self.base_delay * (2 ** (retry_number - 1) if self.exponential_backoff else 1)
        delay = min(delay, self.max_delay)
        # Jitter keeps many workers that failed together from retrying together.
        return delay * random.uniform(0.5, 1.0)  # noqa: S311 - not cryptographic


def describe_failure(error: BaseException | None) -> str:
    """A short reason for a retry log line."""
    if isinstance(error, NotionApiError):
        return f"HTTP {error.status} {error.code or ''}".rstrip()
    return str(error)
