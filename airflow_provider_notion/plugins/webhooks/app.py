"""The FastAPI app the API server mounts under ``/notion`` (docs/webhooks.md).

- ``POST /notion/webhooks/<conn_id>``: Notion's deliveries and the subscription handshake (no Airflow login:
  Notion cannot log in; the HMAC signature is the authentication). Expose only this path publicly.
- ``GET /notion/deliveries`` (HTML) and ``GET /notion/deliveries.json``: the latest deliveries, for users who
  may read assets (Airflow login, cookie or bearer token). The OpenAPI and docs routes are off.
"""

from __future__ import annotations

import html
import os
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from airflow_provider_notion.plugins.webhooks import deliveries
from airflow_provider_notion.plugins.webhooks.handler import Answer, default_session, handle_delivery
from airflow_provider_notion.plugins.webhooks.recent import RECENT, Delivery
from airflow_provider_notion.rules.webhooks import DEFAULT_MAX_BODY_BYTES, SIGNATURE_HEADER

#: ``AIRFLOW_NOTION_WEBHOOK_MAX_BODY_BYTES`` overrides the body limit (Notion's events are a few KB).
MAX_BODY_ENV = "AIRFLOW_NOTION_WEBHOOK_MAX_BODY_BYTES"


def max_body_bytes() -> int:
    raw = os.environ.get(MAX_BODY_ENV, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BODY_BYTES


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` as soon as it is known to exceed ``limit`` (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _json(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)


def _read_access() -> list[Any]:
    """Airflow's own check (JWT from the UI's cookie or a bearer token): the user may read assets."""
    from airflow.api_fastapi.core_api.security import requires_access_asset

    return [Depends(requires_access_asset(method="GET"))]


def all_deliveries() -> list[Delivery]:
    """Recorded rows (every process) merged with this process's rejected/duplicate/no-subscriber ones."""
    with default_session() as session:
        deliveries.ensure_table(session)
        stored = deliveries.recent_rows(session)
    seen = {(d.conn_id, d.event_id) for d in stored}
    local = [d for d in RECENT.latest() if d.outcome != "recorded" or (d.conn_id, d.event_id) not in seen]
    return sorted([*stored, *local], key=lambda d: d.received_at, reverse=True)[:200]


def render_page(items: list[Delivery]) -> str:
    head = "".join(
        f"<th>{name}</th>"
        for name in ("Received", "Connection", "Outcome", "Event", "Entity", "Attempt", "Assets")
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(value))}</td>"
            for value in (
                d.received_at,
                d.conn_id,
                d.outcome + (f" ({d.detail})" if d.detail else ""),
                f"{d.event_type or ''} {d.event_id or ''}",
                f"{d.entity_type or ''} {d.entity_id or ''}",
                d.attempt_number or "",
                ", ".join(d.assets),
            )
        )
        + "</tr>"
        for d in items
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Notion webhook deliveries</title>"
        "<style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left}</style></head><body>"
        f"<h1>Notion webhook deliveries</h1><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>"
    )


def create_app() -> FastAPI:
    app = FastAPI(title="Notion webhooks", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/webhooks/{conn_id}")
    async def receive(conn_id: str, request: Request) -> JSONResponse:
        body = await read_limited(request, max_body_bytes())
        if body is None:
            return JSONResponse({"error": "the body is larger than the limit"}, status_code=413)
        answer = await run_in_threadpool(
            handle_delivery, conn_id, body, request.headers.get(SIGNATURE_HEADER)
        )
        return _json(answer)

    @app.get("/deliveries", dependencies=_read_access(), response_class=HTMLResponse)
    def deliveries_page() -> HTMLResponse:
        return HTMLResponse(render_page(all_deliveries()))

    @app.get("/deliveries.json", dependencies=_read_access())
    def deliveries_data() -> JSONResponse:
        return JSONResponse({"deliveries": [d.to_dict() for d in all_deliveries()]})

    return app
