"""Exceptions raised inside the Notion emulator and turned into Notion-shaped error responses.

The server catches these and answers ``{"object": "error", "status", "code", "message",
"additional_data"?, "request_id"}`` exactly as Notion does.
"""

from __future__ import annotations

from typing import Any


class NotionEmulatorError(Exception):
    """A Notion API error: HTTP ``status``, Notion ``code``, ``message`` and optional ``additional_data``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        additional_data: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional_data = additional_data
        # Extra response headers, e.g. ``Retry-After`` on 429.
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional_data is not None:
            payload["additional_data"] = self.additional_data
        payload["request_id"] = request_id
        return payload


class EmulatorValidationError(NotionEmulatorError):
    """A request that Notion rejects with 400 ``validation_error``; only the message is needed."""

    def __init__(self, message: str, additional_data: dict[str, Any] | None = None) -> None:
        super().__init__(400, "validation_error", message, additional_data)
