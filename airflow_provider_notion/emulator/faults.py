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
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        re.compile(self.method)
        re.compile(self.path)

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
