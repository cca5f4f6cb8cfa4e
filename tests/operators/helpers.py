"""Helpers for the operator tests: recorded bodies, request assertions, fake list pages."""

from __future__ import annotations

import copy
from typing import Any

from recorded_notion import response

from tests.helpers import CANARY_SECRET

API = "https://api.notion.com/v1"
VERSIONS = ("2022-06-28", "2025-09-03", "2026-03-11")


def recorded(version: str, name: str, method: str, path_contains: str = "") -> Any:
    """A recorded body; 2026-03-11 has no recordings, so it reuses the 2025-09-03 ones (same shapes here)."""
    folder = "2022-06-28" if version == "2022-06-28" else "2025-09-03"
    return copy.deepcopy(response(folder, name, method, path_contains))


def pushed(context: dict[str, Any]) -> dict[str, Any]:
    """The extra XComs an operator pushed, by key."""
    return {c.kwargs["key"]: c.kwargs["value"] for c in context["ti"].xcom_push.call_args_list}


def assert_request(
    req: Any, method: str, path: str, version: str, json: Any = None, *, has_body: bool | None = None
) -> None:
    """Method, path, auth and Notion-Version of one sent request (and its JSON body when given)."""
    assert req.method == method
    assert req.path == path
    assert req.headers["Notion-Version"] == version
    assert req.headers["Authorization"] == f"Bearer {CANARY_SECRET}"
    if json is not None:
        assert req.json() == json
    if has_body is False:
        assert not req.body


def list_pages(results: list[Any], per_page: int, list_type: str) -> list[dict[str, Any]]:
    """Split real result objects into chained list pages with cursors ``c1``, ``c2``..."""
    chunks = [results[i : i + per_page] for i in range(0, len(results), per_page)] or [[]]
    pages = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        pages.append(
            {
                "object": "list",
                "results": chunk,
                "next_cursor": None if last else f"c{index + 1}",
                "has_more": not last,
                "type": list_type,
                list_type: {},
                "request_id": f"req-{index}",
            }
        )
    return pages


def copies(obj: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` copies of a real object with distinct ids."""
    out = []
    for i in range(count):
        item = copy.deepcopy(obj)
        item["id"] = f"{i:08x}-0000-4000-8000-000000000000"
        out.append(item)
    return out
