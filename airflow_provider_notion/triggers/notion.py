"""NotionQueryTrigger: poll a Notion query on the triggerer until it matches, fails or runs out of time."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_notion.client.aio import AsyncNotionClient, DeadlineReached
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_REQUESTS_PER_SECOND
from airflow_provider_notion.client.request import api_path, is_read_only
from airflow_provider_notion.connection.settings import NotionConnectionSettings
from airflow_provider_notion.exceptions import NotionApiError, NotionInputError
from airflow_provider_notion.rules.query_window import QueryWindow
from airflow_provider_notion.rules.versions import resolve_notion_version
from airflow_provider_notion.triggers.events import query_success_event

#: How long a poll may run past the deadline (the last one starts there) before the trigger reports the timeout.
DEADLINE_GRACE_SECONDS = 5.0


def matching_page(page: dict[str, Any], window: QueryWindow) -> dict[str, Any]:
    """The list object with only the rows inside ``window`` (Notion's rows are minute-rounded)."""
    if not window:
        return page
    return {**page, "results": window.keep(page.get("results", []))}


async def _with_stored_oauth_token(
    settings: NotionConnectionSettings, extras: dict[str, Any]
) -> NotionConnectionSettings:
    """The connection with the newest access token of its token store (a worker may have rotated it).

    The store is read in a thread: the default one reads an Airflow Variable, a blocking call. If it cannot be
    read here, the connection's own token is used; a 401 then sends the sensor back to the worker to refresh.
    """
    from asgiref.sync import sync_to_async

    from airflow_provider_notion.oauth.provider import oauth_token_provider

    def stored_token() -> str:
        return oauth_token_provider(settings, extras).current_token()

    try:
        token = await sync_to_async(stored_token)()
    except Exception:
        return settings
    return dataclasses.replace(settings, access_token=token)


async def read_trigger_connection(
    conn_id: str, notion_version: str | None
) -> tuple[NotionConnectionSettings, str]:
    """The connection's settings (OAuth: with its store's newest token) and the Notion-Version to send.

    Read without blocking the event loop; shared by every trigger of this provider.
    """
    from airflow.providers.common.compat.connection import get_async_connection, get_async_extra_dejson

    conn = await get_async_connection(conn_id)
    extras = await get_async_extra_dejson(conn)
    settings = NotionConnectionSettings.from_connection(conn, extras)
    if settings.auth_type == "oauth":
        settings = await _with_stored_oauth_token(settings, extras)
    return settings, resolve_notion_version(notion_version or settings.notion_version).name


def _event(payload: dict[str, Any]) -> TriggerEvent:
    return TriggerEvent(payload)  # type: ignore[no-untyped-call]  # Airflow's TriggerEvent is untyped


class NotionQueryTrigger(BaseTrigger):
    """Run a database/data source query every ``poke_interval`` seconds until ``min_results`` rows match.

    Yields exactly one event, then stops:

    - ``{"status": "success", "count": n, "row_ids": [...], "rows_included": bool, "results": <list object>}``
      when enough rows match; ``results`` only when the whole event fits in
      :data:`~airflow_provider_notion.triggers.events.MAX_EVENT_BYTES` (Airflow stores the event and logs it
      whole), else the sensor re-reads the rows on the worker;
    - ``{"status": "error", "message": ...}`` when Notion refuses the query (after the retries the hook would
      make: 429/529 after ``Retry-After``, transient 5xx and lost answers, since a query only reads);
    - ``{"status": "reauthorize", "message": ..., "end_time": ...}`` when an OAuth access token is rejected (401):
      the sensor refreshes it on the worker, where the rotated pair can be stored, and defers again;
    - ``{"status": "timeout", "message": ..., "last_count": n}`` once ``end_time`` has passed (the poll that
      starts there, or one still queued for the integration's budget, gets ``DEADLINE_GRACE_SECONDS`` more).

    The kwargs carry the connection id, never its secret; the connection is read in :meth:`run`. Requests are
    paced per token by the bucket every process on this machine shares, so a triggerer full of sensors on one
    integration stays under its rate limit.

    :param conn_id: the Notion connection id.
    :param query_path: ``/data_sources/{id}/query`` or ``/databases/{id}/query`` (as resolved by the sensor).
    :param body: the query body (``filter``, ``sorts``), JSON-serialisable.
    :param notion_version: the ``Notion-Version`` to send; ``None`` means the connection's.
    :param window: :meth:`QueryWindow.to_json` of the edited/created window, re-applied to returned rows.
    :param min_results: how many matching rows end the wait.
    :param poke_interval: seconds between polls.
    :param end_time: absolute deadline (Unix time, seconds).
    :param fetch_all: follow every page (the event carries all rows) instead of reading the first page.
    :param requests_per_second: per-token pacing, shared by every process on this machine; ``0`` turns it off.
    :param clock: the wall clock ``end_time`` is compared with (default ``time.time``).
    :param sleep: every wait (between polls, pacing, retries) goes through it (default ``asyncio.sleep``).
        ``clock`` and ``sleep`` are for tests and embedding: they are not serialized, so a trigger resumed by
        the triggerer uses the defaults.
    """

    def __init__(
        self,
        conn_id: str,
        query_path: str,
        body: dict[str, Any] | None = None,
        *,
        end_time: float,
        notion_version: str | None = None,
        window: dict[str, Any] | None = None,
        min_results: int = 1,
        poke_interval: float = 60.0,
        fetch_all: bool = False,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's base is untyped
        route = api_path(query_path, "query_path")
        if not (route.endswith("/query") and is_read_only("POST", route)):
            raise NotionInputError(
                "query_path", f"{query_path!r} is not a query path; this trigger only reads"
            )
        if notion_version is not None:
            resolve_notion_version(notion_version)
        self.conn_id = conn_id
        self.query_path = route
        self.body = dict(body or {})
        self.end_time = float(end_time)
        self.notion_version = notion_version
        self.window = dict(window or {})
        self.min_results = int(min_results)
        self.poke_interval = float(poke_interval)
        self.fetch_all = bool(fetch_all)
        self.requests_per_second = requests_per_second
        self._window = QueryWindow.from_json(self.window)
        self._clock = clock
        self._sleep = sleep

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "conn_id": self.conn_id,
                "query_path": self.query_path,
                "body": self.body,
                "end_time": self.end_time,
                "notion_version": self.notion_version,
                "window": self.window,
                "min_results": self.min_results,
                "poke_interval": self.poke_interval,
                "fetch_all": self.fetch_all,
                "requests_per_second": self.requests_per_second,
            },
        )

    async def client(self) -> AsyncNotionClient:
        """Read the connection without blocking the event loop and build the request client."""
        settings, version = await read_trigger_connection(self.conn_id, self.notion_version)
        return AsyncNotionClient(
            settings=settings,
            notion_version=version,
            requests_per_second=self.requests_per_second,
            sleep=self.wait,
            deadline=self.end_time + DEADLINE_GRACE_SECONDS,
            clock=self._clock,
        )

    async def poll(self, client: AsyncNotionClient) -> dict[str, Any]:
        """One query; the list object restricted to the window."""
        page = await client.query(self.query_path, self.body, fetch_all=self.fetch_all)
        return matching_page(page, self._window)

    async def wait(self, seconds: float) -> None:
        """Every wait of this trigger: between polls, for pacing and before retries (the ``sleep`` argument)."""
        await self._sleep(seconds)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        count = 0
        oauth = False
        try:
            client = await self.client()
            oauth = client.settings.auth_type == "oauth"
            while True:
                # The sensor poked just before deferring, so the first poll waits one interval.
                remaining = self.end_time - self._clock()
                if remaining <= 0:
                    yield _event(self._timeout_event(count))
                    return
                await self.wait(min(self.poke_interval, remaining))
                # Queueing for the token's budget, retries and HTTP all end at the deadline (plus a grace for
                # the last poll, which starts there). A request whose turn cannot come in time takes no slot
                # (DeadlineReached); a slot once taken is waited for, never dropped at once, else each
                # waiter behind would take and drop the next one, pushing everyone's budget further away.
                try:
                    async with asyncio.timeout(
                        max(0.0, self.end_time - self._clock()) + DEADLINE_GRACE_SECONDS
                    ):
                        page = await self.poll(client)
                except (TimeoutError, DeadlineReached):
                    yield _event(self._timeout_event(count))
                    return
                count = len(page.get("results", []))
                if count >= self.min_results:
                    self.log.info("Notion query %s matched %d row(s)", self.query_path, count)
                    yield _event(query_success_event(page, {"end_time": self.end_time}))
                    return
                self.log.debug(
                    "Notion query %s matched %d of %d row(s)", self.query_path, count, self.min_results
                )
        except asyncio.CancelledError:
            raise
        except NotionApiError as err:
            if err.status == 401 and oauth:
                # Refreshing rotates the refresh token and must persist the new pair, which is the worker's
                # job (the hook does it); the sensor pokes once there and defers again with the same deadline.
                yield _event({"status": "reauthorize", "message": str(err), "end_time": self.end_time})
            else:
                yield _event({"status": "error", "message": f"{type(err).__name__}: {err}"})
        except Exception as err:
            # Notion's errors (and ours) say what went wrong without any secret; the sensor fails with it.
            yield _event({"status": "error", "message": f"{type(err).__name__}: {err}"})

    def _timeout_event(self, count: int) -> dict[str, Any]:
        return {
            "status": "timeout",
            "message": (
                f"Notion query {self.query_path} matched {count} of {self.min_results} required row(s) before "
                "the sensor's timeout"
            ),
            "last_count": count,
        }
