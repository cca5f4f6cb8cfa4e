"""Admin HTTP API under ``/_emulator`` (no auth, no Notion-Version) so another process can drive the emulator.

| Method and path | Body | Effect |
|---|---|---|
| GET /_emulator/health | | ``{"ok": true, "base_url"}`` |
| POST /_emulator/reset | | back to the seed |
| GET /_emulator/state | | counts of pages, databases, data sources, blocks, users |
| GET /_emulator/pages?title=&parent_id= | | matching page rows |
| GET /_emulator/requests | | the request log; DELETE clears it |
| GET /_emulator/faults | | pending faults; DELETE clears them |
| POST /_emulator/faults | ``Fault`` fields (kind, status, when, method, path, count, …) | inject |
| PUT /_emulator/rate_limit | ``{"rate": 3, "burst": 10}`` or ``{"enabled": false}`` | configure |
| PUT /_emulator/query_cap | ``{"query_cap": 50}`` | configure |
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.emulator.faults import Fault
from airflow_provider_notion.emulator.ratelimit import RateLimit

if TYPE_CHECKING:
    from airflow_provider_notion.emulator.server import NotionEmulator


def handle_admin(
    emulator: NotionEmulator, method: str, path: str, query: dict[str, list[str]], raw_body: bytes
) -> tuple[int, Any]:
    try:
        body = json.loads(raw_body) if raw_body.strip() else {}
    except json.JSONDecodeError:
        return 400, {"error": "invalid JSON"}
    route = (method, path.rstrip("/"))
    if route == ("GET", "/_emulator/health"):
        return 200, {"ok": True, "base_url": emulator.base_url}
    if route == ("POST", "/_emulator/reset"):
        emulator.reset()
        return 200, {"ok": True}
    if route == ("GET", "/_emulator/state"):
        return 200, emulator.state.counts()
    if route == ("GET", "/_emulator/pages"):
        title = _first(query, "title")
        parent = _first(query, "parent_id")
        return 200, {"results": emulator.state.find_pages(title=title, parent_id=parent)}
    if route == ("GET", "/_emulator/requests"):
        return 200, {"results": [record.to_dict() for record in emulator.request_log]}
    if route == ("DELETE", "/_emulator/requests"):
        emulator.clear_request_log()
        return 200, {"ok": True}
    if route == ("GET", "/_emulator/faults"):
        return 200, {"results": [fault.to_dict() for fault in emulator.faults.pending()]}
    if route == ("DELETE", "/_emulator/faults"):
        emulator.faults.clear()
        return 200, {"ok": True}
    if route == ("POST", "/_emulator/faults"):
        try:
            fault = emulator.faults.inject(Fault(**{k: v for k, v in body.items() if k != "id"}))
        except (TypeError, ValueError) as error:
            return 400, {"error": str(error)}
        return 200, fault.to_dict()
    if route in (("PUT", "/_emulator/rate_limit"), ("POST", "/_emulator/rate_limit")):
        if body.get("enabled") is False:
            emulator.set_rate_limit(None)
            return 200, {"enabled": False}
        limit = RateLimit(rate=float(body.get("rate", 3.0)), burst=int(body.get("burst", 10)))
        emulator.set_rate_limit(limit)
        return 200, {"enabled": True, "rate": limit.rate, "burst": limit.burst}
    if route in (("PUT", "/_emulator/query_cap"), ("POST", "/_emulator/query_cap")):
        emulator.set_query_cap(int(body["query_cap"]))
        return 200, {"query_cap": emulator.config.query_cap}
    return 404, {"error": f"unknown admin endpoint {method} {path}"}


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
