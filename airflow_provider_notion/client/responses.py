"""Turn Notion's error answers into :class:`NotionApiError`, for the sync hook and the async trigger alike."""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_notion.client.retry import parse_retry_after
from airflow_provider_notion.exceptions import NotionApiError


def api_error_from_response(
    status: int, content: bytes, retry_after: str | None, method: str, path: str
) -> NotionApiError:
    """Build the error from Notion's ``{"object": "error", ...}`` body, or describe a non-JSON one."""
    body: Any = None
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("object") == "error":
        additional = body.get("additional_data")
        return NotionApiError(
            status=status,
            code=body.get("code"),
            message=str(body.get("message") or ""),
            method=method,
            path=path,
            request_id=body.get("request_id"),
            additional_data=additional if isinstance(additional, dict) else None,
            retry_after=parse_retry_after(retry_after),
        )
    # Edge proxies answer some failures with HTML; its text says nothing useful to a DAG author.
    kind = "an empty body" if not content else "a non-JSON body"
    return NotionApiError(
        status=status,
        code=None,
        message=f"HTTP {status} with {kind}",
        method=method,
        path=path,
        retry_after=parse_retry_after(retry_after),
    )
