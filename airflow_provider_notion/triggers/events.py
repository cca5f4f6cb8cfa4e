"""Small trigger events: what a trigger may put in the event it yields.

Airflow stores every trigger event in its metadata database and logs it whole ("Trigger fired event") in the
triggerer log. Notion rows carry page content (titles, rich text, people), so an event that carries them can be
large and puts that content in a log. An event therefore carries counts and row ids, and the rows themselves only
when the whole event stays within :data:`MAX_EVENT_BYTES`; the receiver re-reads the rows otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

#: The largest JSON size (bytes) of one event a trigger of this provider yields.
MAX_EVENT_BYTES = 64 * 1024


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (how big it is in the metadata database and the log)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8"))


def row_ids(rows: Iterable[Any]) -> list[str]:
    """The ``id`` of each row that has one, in order."""
    return [str(row["id"]) for row in rows if isinstance(row, Mapping) and isinstance(row.get("id"), str)]


def bounded_ids(ids: list[str], budget: int) -> list[str]:
    """The longest prefix of ``ids`` whose JSON list fits in ``budget`` bytes."""
    kept: list[str] = []
    used = 2  # the brackets
    for item in ids:
        cost = len(item.encode("utf-8")) + 3  # quotes and a comma
        if used + cost > budget:
            break
        kept.append(item)
        used += cost
    return kept


def query_success_event(
    page: Mapping[str, Any], extra: Mapping[str, Any] | None = None, max_bytes: int = MAX_EVENT_BYTES
) -> dict[str, Any]:
    """The success event of the query trigger for the matching list object ``page``.

    Always ``status``, ``count`` and ``rows_included``; ``row_ids`` (all of them, or as many as fit, with
    ``row_ids_complete``); ``results`` (the list object) only when the whole event fits in ``max_bytes``.
    ``extra`` (small fields such as a deadline) is always included.
    """
    more = dict(extra or {})
    rows = list(page.get("results") or [])
    ids = row_ids(rows)
    event: dict[str, Any] = {
        "status": "success",
        "count": len(rows),
        **more,
        "rows_included": True,
        "results": dict(page),
    }
    whole_with_ids = {**event, "row_ids": ids, "row_ids_complete": True}
    if json_size(whole_with_ids) <= max_bytes:
        return whole_with_ids
    event = {"status": "success", "count": len(rows), **more, "rows_included": False}
    skeleton = json_size({**event, "row_ids": [], "row_ids_complete": False})
    kept = bounded_ids(ids, max_bytes - skeleton)
    return {**event, "row_ids": kept, "row_ids_complete": len(kept) == len(ids)}
