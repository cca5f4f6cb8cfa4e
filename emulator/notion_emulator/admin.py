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
| … /_emulator/webhooks/… | | webhook subscriptions, deliveries, faults, settings (``admin_webhooks.py``) |

A value of the wrong type or out of range answers 400 ``{"error": "<field>: <what is wrong>", "field"}`` and
changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import TYPE_CHECKING, Any

from notion_emulator.admin_webhooks import handle_webhook_admin
from notion_emulator.errors import NotionEmulatorError
from notion_emulator.faults import Fault
from notion_emulator.limits import parse_json
from notion_emulator.ratelimit import RateLimit

if TYPE_CHECKING:
    from notion_emulator.server_view import EmulatorView


def handle_admin(
    emulator: EmulatorView, method: str, path: str, query: dict[str, list[str]], raw_body: bytes
) -> tuple[int, Any]:
    try:
        body = parse_json(raw_body) if raw_body.strip() else {}
    except (ValueError, NotionEmulatorError):
        return 400, {"error": "invalid JSON"}
    if not isinstance(body, dict):
        return 400, {"error": "the body should be a JSON object"}
    try:
        return _dispatch(emulator, method, path, query, body)
    except AdminInputError as error:
        return 400, {"error": str(error), "field": error.field}


class AdminInputError(ValueError):
    """A bad admin request value; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _dispatch(
    emulator: EmulatorView, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
) -> tuple[int, Any]:
    webhooks = handle_webhook_admin(emulator, method, path, body)
    if webhooks is not None:
        return webhooks
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
        unknown = sorted(set(body) - _FAULT_FIELDS)
        if unknown:
            raise AdminInputError(unknown[0], "is not a fault field")
        try:
            fault = emulator.faults.inject(Fault(**{k: v for k, v in body.items() if k != "id"}))
        except (TypeError, ValueError) as error:
            field = str(error).split(" ", 1)[0]
            raise AdminInputError(field if field in _FAULT_FIELDS else "fault", str(error)) from None
        return 200, fault.to_dict()
    if route in (("PUT", "/_emulator/rate_limit"), ("POST", "/_emulator/rate_limit")):
        enabled = body.get("enabled", True)
        if not isinstance(enabled, bool):
            raise AdminInputError("enabled", "should be a boolean")
        if enabled is False:
            emulator.set_rate_limit(None)
            return 200, {"enabled": False}
        rate = _number(body, "rate", 3.0)
        burst = _integer(body, "burst", 10, minimum=1)
        limit = RateLimit(rate=rate, burst=burst)
        emulator.set_rate_limit(limit)
        return 200, {"enabled": True, "rate": limit.rate, "burst": limit.burst}
    if route in (("PUT", "/_emulator/query_cap"), ("POST", "/_emulator/query_cap")):
        if "query_cap" not in body:
            raise AdminInputError("query_cap", "is required")
        emulator.set_query_cap(_integer(body, "query_cap", 0, minimum=1))
        return 200, {"query_cap": emulator.config.query_cap}
    return 404, {"error": f"unknown admin endpoint {method} {path}"}


_FAULT_FIELDS = frozenset(f.name for f in dataclasses.fields(Fault))


def _integer(body: dict[str, Any], name: str, default: int, *, minimum: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdminInputError(name, f"should be an integer, instead was {json.dumps(value)}")
    if value < minimum:
        raise AdminInputError(name, f"should be at least {minimum}, instead was {value}")
    return value


def _number(body: dict[str, Any], name: str, default: float) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdminInputError(name, f"should be a number, instead was {json.dumps(value)}")
    if not 0 < value < math.inf:
        raise AdminInputError(name, f"should be a positive finite number, instead was {value}")
    return float(value)


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
