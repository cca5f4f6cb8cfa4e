"""What the emulator's HTTP server accepts from a connection: body size, socket timeouts, JSON depth.

These limits protect the process hosting the emulator (a test run, a CI job, a shared dev server) from a client
that sends too much, too slowly or too deeply nested; they are checked before a request is authenticated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError

# Notion's own cap for one file upload part is 20 MB; leave room for the multipart envelope.
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
DEFAULT_SOCKET_TIMEOUT = 30.0
DEFAULT_BODY_DEADLINE = 120.0

_BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


@dataclass
class ServerLimits:
    """``max_body_bytes``: larger bodies get 413 before they are read. ``socket_timeout``: seconds a connection
    may stay silent (an idle keep-alive connection, a half-sent request) before it is closed.
    ``body_deadline``: seconds the whole body may take to arrive, however it is dripped."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    socket_timeout: float = DEFAULT_SOCKET_TIMEOUT
    body_deadline: float = DEFAULT_BODY_DEADLINE

    def __post_init__(self) -> None:
        if isinstance(self.max_body_bytes, bool) or not isinstance(self.max_body_bytes, int):
            raise ValueError("max_body_bytes must be an integer")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        for name in ("socket_timeout", "body_deadline"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
                raise ValueError(f"{name} must be a positive number of seconds")


def declared_body_length(
    method: str, content_length: str | None, transfer_encoding: str | None, limits: ServerLimits
) -> int:
    """The number of body bytes to read, or a 400/413 error raised before any of them is read."""
    if transfer_encoding is not None:
        raise NotionEmulatorError(
            400,
            "invalid_request",
            "Transfer-Encoding is not supported; send the body with a Content-Length header.",
        )
    if content_length is None:
        if method in _BODY_METHODS:
            raise NotionEmulatorError(400, "invalid_request", "Content-Length header is required.")
        return 0
    text = content_length.strip()
    if not text.isascii() or not text.isdigit():
        raise NotionEmulatorError(
            400, "invalid_request", "Content-Length header should be a non-negative integer."
        )
    length = int(text)
    if length > limits.max_body_bytes:
        raise NotionEmulatorError(
            413,
            "payload_too_large",
            f"Request body too large: {length} bytes, the limit is {limits.max_body_bytes}.",
        )
    return length


def parse_json(raw: bytes | str) -> Any:
    """``json.loads`` that answers JSON nested past the parser's recursion limit with a 400
    ``validation_error`` instead of crashing the request."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise too_deep() from None


def too_deep() -> EmulatorValidationError:
    return EmulatorValidationError("body failed validation: body is nested too deeply.")
