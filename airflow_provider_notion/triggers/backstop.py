"""The polling backstop beside Notion webhooks: one poll per integration, only what no webhook reported.

With ``NotionChangeTrigger(backstop=True)`` every watcher of one connection (same Notion-Version, interval and
settle time) shares one poll through Airflow's shared trigger streams (``shared_stream_key``, Airflow 3.3+):
:func:`poll_changes` runs **one** ``POST /v1/search`` sorted by ``last_edited_time`` (descending) per window and
stops at the first page edited before the window, so the cost is one request per interval (plus one per 100
pages edited in the window) whatever the number of watched data sources. Each watcher then keeps the rows of
its data source (:func:`rows_of`) and drops the ones a webhook already reported: the receiver notes each page it
turned into an asset event under :data:`~airflow_provider_notion.rules.webhooks.WEBHOOK_REPORTED_KEY` in the
data source asset's state store, so one change starts one DAG run, not two.

Windows are the change trigger's (``[W, E)`` by minute, ``E = floor_minute(now - settle_seconds)``); the shared
poll keeps its watermark in memory (starting at ``start_after`` or ``now - initial_lookback_minutes``), so a
backstop started after a triggerer outage reports the edits of that look-back only (set it to cover an outage
you want the backstop to catch). Notion's search index can lag a few seconds behind edits: the settle time
covers it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from airflow_provider_notion.exceptions import NotionApiError, NotionTransportError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, parse_instant
from airflow_provider_notion.rules.versions import resolve_notion_version

if TYPE_CHECKING:
    from airflow_provider_notion.client.aio import AsyncNotionClient

#: Pages per search request (Notion's maximum).
PAGE_SIZE = 100


class Poller(Protocol):
    """What the shared poll needs of a ``NotionChangeTrigger`` (its settings, clock, sleep and client)."""

    conn_id: str
    poll_interval: float
    settle_seconds: float
    clock: Callable[[], datetime]
    sleep: Callable[[float], Awaitable[None]]

    @property
    def log(self) -> Any: ...  # Airflow's logger (structlog or logging, by version)

    async def client(self) -> AsyncNotionClient: ...

    async def load_watermark(self) -> tuple[datetime, bool]: ...


def row_parent(page: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(data_source_id, database_id)`` of a search result; ``(None, None)`` for a page that is not a row."""
    parent = page.get("parent")
    if not isinstance(parent, dict):
        return None, None
    source, database = parent.get("data_source_id"), parent.get("database_id")
    return (
        normalize_notion_id(source, "parent.data_source_id") if isinstance(source, str) else None,
        normalize_notion_id(database, "parent.database_id") if isinstance(database, str) else None,
    )


async def edited_pages(client: AsyncNotionClient, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Rows edited in ``[start, end)`` (by minute) of every data source the integration sees, newest first.

    One search sorted by ``last_edited_time`` (descending), read page by page until an older page appears.
    """
    version = resolve_notion_version(client.notion_version)
    body: dict[str, Any] = {
        "filter": version.search_filter("page"),
        "sort": {"direction": "descending", "timestamp": "last_edited_time"},
        "page_size": PAGE_SIZE,
    }
    found: list[dict[str, Any]] = []
    while True:
        answer = await client.request("POST", "/search", json=body)
        results = answer.get("results", []) if isinstance(answer, dict) else []
        for page in results:
            edited = parse_instant(page.get("last_edited_time"), "last_edited_time")
            if edited is None:
                continue
            minute = floor_minute(edited)
            if minute < start:
                return found
            if minute >= end:
                continue
            source, database = row_parent(page)
            if source or database:
                found.append(
                    {
                        "id": normalize_notion_id(str(page["id"]), "id"),
                        "data_source_id": source,
                        "database_id": database,
                        "last_edited_time": notion_instant(edited),
                    }
                )
        cursor = answer.get("next_cursor") if isinstance(answer, dict) else None
        if not answer.get("has_more") or not cursor:
            return found
        body["start_cursor"] = cursor


async def poll_changes(trigger: Poller) -> AsyncIterator[dict[str, Any]]:
    """The shared stream: one snapshot ``{"window_start", "window_end", "rows"}`` per closed window, forever."""
    client = await trigger.client()
    watermark, _ = await trigger.load_watermark()
    trigger.log.info(
        "Backstop poll of %s from %s, every %gs",
        trigger.conn_id,
        notion_instant(watermark),
        trigger.poll_interval,
    )
    while True:
        end = floor_minute(trigger.clock() - timedelta(seconds=trigger.settle_seconds))
        if end > watermark:
            try:
                rows = await edited_pages(client, watermark, end)
            except (NotionTransportError, NotionApiError) as err:
                if isinstance(err, NotionApiError) and err.status != 429 and err.status < 500:
                    raise
                trigger.log.warning(
                    "Backstop poll of %s failed, retrying next poll: %s", trigger.conn_id, err
                )
                await trigger.sleep(trigger.poll_interval)
                continue
            yield {"window_start": notion_instant(watermark), "window_end": notion_instant(end), "rows": rows}
            watermark = end
        await trigger.sleep(trigger.poll_interval)


def rows_of(
    snapshot: dict[str, Any], data_source_id: str | None, database_id: str | None
) -> list[dict[str, Any]]:
    """The rows of one watched data source (or database) in a shared snapshot."""
    return [
        row
        for row in snapshot.get("rows", [])
        if (data_source_id and row.get("data_source_id") == data_source_id)
        or (database_id and row.get("database_id") == database_id)
    ]
