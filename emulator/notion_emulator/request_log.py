"""What the emulator remembers about each request (never the token)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int  # 0 when no HTTP response was sent (connection reset, truncated body)
    notion_version: str | None
    request_bytes: int
    response_bytes: int
    integration_id: str | None
    fault: str | None  # "<kind>:<before|after>" when a fault was injected
    body: str | None  # the JSON request body as sent (bodies over 64 KiB are not kept)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
