"""Fault injection for the next N requests matching a method and a path regex.

A fault applies ``before`` the request is processed (nothing happens in the state) or ``after`` (the write is
applied, then the client gets the fault - the ambiguous case that makes blind retries of creates duplicate).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KINDS = ("status", "reset", "delay", "truncate", "html")

DEFAULT_CODES: dict[int, tuple[str, str]] = {
    400: ("validation_error", "Injected validation error."),
    401: ("unauthorized", "API token is invalid."),
    403: ("restricted_resource", "Insufficient permissions for this endpoint."),
    404: ("object_not_found", "Could not find object."),
    409: ("conflict_error", "Conflict occurred while saving. Please try again."),
    429: ("rate_limited", "You have been rate limited. Please try again in a few minutes."),
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad gateway. Please try again."),
    503: ("service_unavailable", "Notion is unavailable. Please try again later."),
    504: ("gateway_timeout", "Gateway timeout. Please try again later."),
    529: ("service_overload", "Notion is overloaded. Please try again later."),
}


# An injected delay longer than this would only hang the test using it.
_MAX_DELAY = 600.0


def _check_int(name: str, value: object, low: int, high: int | None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be an integer {bound}")


@dataclass
class Fault:
    """``kind``: ``status`` (a Notion error body with ``status``/``code``), ``reset`` (TCP RST, no response),
    ``delay`` (sleep ``delay_seconds`` then answer normally), ``truncate`` (Content-Length larger than what is
    sent, then close), ``html`` (a non-JSON body, e.g. an HTML 502 page, with ``status``)."""

    kind: str = "status"
    status: int = 500
    code: str | None = None
    message: str | None = None
    when: str = "before"  # before | after
    method: str = ".*"  # regex on the HTTP method
    path: str = ".*"  # regex searched in the request path (without the query string)
    count: int = 1
    retry_after: int | None = None
    delay_seconds: float = 0.0
    additional_data: dict[str, Any] | None = None
    id: int = field(default=0)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind {self.kind!r} is unknown; expected one of {FAULT_KINDS}")
        if self.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        _check_int("status", self.status, 100, 599)
        _check_int("count", self.count, 1, None)
        if self.retry_after is not None:
            _check_int("retry_after", self.retry_after, 0, None)
        delay = self.delay_seconds
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= _MAX_DELAY:
            raise ValueError(f"delay_seconds must be a number of seconds from 0 to {_MAX_DELAY}")
        for name in ("code", "message"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")
        if self.additional_data is not None and not isinstance(self.additional_data, dict):
            raise ValueError("additional_data must be an object")
        for name in ("method", "path"):
            pattern = getattr(self, name)
            if not isinstance(pattern, str):
                raise ValueError(f"{name} must be a regular expression string")
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{name} is not a valid regular expression: {error}") from None

    def error_code(self) -> str:
        return self.code or DEFAULT_CODES.get(self.status, ("internal_server_error", ""))[0]

    def error_message(self) -> str:
        return self.message or DEFAULT_CODES.get(self.status, ("", "Injected error."))[1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def inject(self, fault: Fault | None = None, **options: Any) -> Fault:
        """``emu.faults.inject(kind="status", status=529, retry_after=2, path="/v1/pages$", when="after")``."""
        made = fault or Fault(**options)
        with self._lock:
            made.id = self._next_id
            self._next_id += 1
            self._faults.append(made)
        return made

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault matching this request."""
        with self._lock:
            for fault in self._faults:
                if re.fullmatch(fault.method, method, re.IGNORECASE) and re.search(fault.path, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
