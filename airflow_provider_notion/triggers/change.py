"""NotionChangeTrigger: an AssetWatcher trigger that fires when rows of a Notion database are created or edited.

**Windows.** Notion keeps ``last_edited_time`` to the minute. The trigger keeps a *watermark* ``W`` (a minute):
every row whose edit minute is before ``W`` has been reported. Each poll closes the window
``[W, E)`` with ``E = floor_minute(now - settle_seconds)`` where ``now`` is *Notion's* clock, from the ``Date``
header of its answers (:mod:`airflow_provider_notion.rules.server_clock`; Notion stamps edits with its own time,
so a local clock running ahead would close a minute Notion still stamps edits in). The current minute stays open:
a row may still be edited in it. The poll reads the rows whose edit minute ``m`` has ``W <= m < E`` (the rule of
:mod:`airflow_provider_notion.rules.query_window`), yields them as events of at most ``batch_size`` ids, then moves
``W`` to ``E``. Consecutive windows touch without overlapping, so each edit is reported once.

**Restarts.** On Airflow 3.3+ the triggerer gives an event trigger the asset state store of the assets it
watches (AIP-103); the watermark is kept there under :data:`WATERMARK_KEY`, so a trigger recreated from the same
kwargs after a restart resumes at the stored minute and reports the edits made while it was down. The
watermark of a window is stored at the start of the next poll, one ``poll_interval`` after its events were
handed to the triggerer (which commits them within its ~1 s loop): a triggerer that dies in between re-reports
that one window after the restart (same ``window_start``/``window_end``, ``resumed: true``), never loses it.
Without a state store (Airflow < 3.3, or a trigger not attached to an asset) the watermark lives in memory and
starts at ``start_after`` or ``now - initial_lookback_minutes``; edits made while no triggerer ran are only
reported if they fall within that look-back (at-least-once for a downtime shorter than it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from airflow.triggers.base import TriggerEvent

try:
    from airflow.triggers.base import BaseEventTrigger
except ImportError:  # Airflow 2: no event-driven scheduling; the trigger still imports and runs
    from airflow.triggers.base import BaseTrigger as BaseEventTrigger  # type: ignore[assignment]

from airflow_provider_notion.assets import notion_uri
from airflow_provider_notion.client.aio import AsyncNotionClient
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_REQUESTS_PER_SECOND
from airflow_provider_notion.exceptions import NotionApiError, NotionInputError, NotionTransportError
from airflow_provider_notion.rules.filters import check_filter_depth
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.query_window import QueryWindow
from airflow_provider_notion.rules.server_clock import clock_offset
from airflow_provider_notion.rules.targets import choose_target, needs_data_sources
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, parse_instant
from airflow_provider_notion.rules.titles import object_title
from airflow_provider_notion.rules.versions import resolve_notion_version
from airflow_provider_notion.rules.webhooks import WEBHOOK_REPORTED_KEY, load_reported, reported_by_webhook
from airflow_provider_notion.triggers.events import row_ids

log = logging.getLogger(__name__)

#: The asset state store key holding the watermark (ISO minute) of one watched data source.
WATERMARK_KEY = "notion_change_watermark"
#: The most row ids one event carries (36-character ids: ~4 KB); more changed rows make more events.
DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 1000

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class WatermarkStore(Protocol):
    """What the trigger needs of Airflow's ``AssetStateStoreAccessors`` (single watched asset)."""

    async def aget(self, key: str, default: Any = None) -> Any: ...

    async def aset(self, key: str, value: Any) -> None: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _event(payload: dict[str, Any]) -> TriggerEvent:
    return TriggerEvent(payload)  # type: ignore[no-untyped-call]  # Airflow's TriggerEvent is untyped


def _positive(value: Any, field: str, *, minimum: float, maximum: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NotionInputError(field, f"expected a number, got {value!r}") from None
    if not (number >= minimum) or (maximum is not None and number > maximum) or number != number:
        bound = f" and <= {maximum:g}" if maximum is not None else ""
        raise NotionInputError(field, f"must be >= {minimum:g}{bound}, got {value!r}")
    return number


class NotionChangeTrigger(BaseEventTrigger):
    """Watch a Notion database or data source; yield events for rows created or edited since the last one.

    Use it in an ``AssetWatcher`` on a Notion asset (see :mod:`airflow_provider_notion.assets`)::

        Asset("notion://data_source/<id>", watchers=[AssetWatcher(name="...", trigger=NotionChangeTrigger(...))])

    Each event (a few KB; Airflow stores and logs events whole) is::

        {"source": "notion://data_source/<id>", "title": "<its title>", "window_start": "...", "window_end": "...",
         "count": <ids in this event>, "window_count": <rows changed in the window>,
         "batch": i, "batches": n, "row_ids": [...], "resumed": bool}

    A window with more than ``batch_size`` changed rows is reported as several events (``batch`` 1..n), every
    id in exactly one of them. See the module docstring for what is guaranteed across restarts.

    :param conn_id: the Notion connection id (its secret is read in :meth:`run`, never in the kwargs).
    :param data_source_id: the data source to watch (id or link); or
    :param database_id: a database (id or link); under 2025-09-03+ it must have exactly one data source.
    :param filter: an optional Notion filter (dict), AND-ed with the window (at most one level deep unless a
        top-level ``and``).
    :param poll_interval: seconds between polls (>= 1).
    :param settle_seconds: how long after a minute ends before it is read (Notion's search index can lag).
    :param batch_size: the most row ids per event (1..1000).
    :param start_after: ISO instant to start from when no watermark is stored (default: now minus
        ``initial_lookback_minutes``).
    :param initial_lookback_minutes: how far back a trigger without a stored watermark starts.
    :param notion_version: overrides the connection's ``Notion-Version``.
    :param requests_per_second: pacing per token on this machine (shared with every trigger and sensor).
    :param backstop: run beside Notion webhooks (docs/webhooks.md): watchers of one connection share one poll
        (one search per interval, :mod:`airflow_provider_notion.triggers.backstop`) and rows a webhook already
        reported are not reported again. Use a long ``poll_interval`` (e.g. 900 s).
    :param clock: the current time (UTC); not serialised (a seam for tests and benchmarks).
    :param sleep: every wait of the trigger; not serialised.
    """

    def __init__(
        self,
        conn_id: str = "notion_default",
        *,
        data_source_id: str | None = None,
        database_id: str | None = None,
        filter: dict[str, Any] | None = None,
        poll_interval: float = 60.0,
        settle_seconds: float = 5.0,
        batch_size: int = DEFAULT_BATCH_SIZE,
        start_after: str | None = None,
        initial_lookback_minutes: int = 0,
        notion_version: str | None = None,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        backstop: bool = False,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's base is untyped
        if data_source_id is None and database_id is None:
            raise NotionInputError("data_source_id", "give data_source_id or database_id")
        self.conn_id = conn_id
        self.data_source_id = (
            normalize_notion_id(data_source_id, "data_source_id") if data_source_id else None
        )
        self.database_id = (
            normalize_notion_id(database_id, "database_id") if database_id and not data_source_id else None
        )
        check_filter_depth(filter, "filter")
        self.filter = dict(filter) if filter else None
        QueryWindow.build(edited_after=_utcnow()).combine(self.filter)  # the window must fit with the filter
        self.poll_interval = _positive(poll_interval, "poll_interval", minimum=1.0)
        self.settle_seconds = _positive(settle_seconds, "settle_seconds", minimum=0.0, maximum=3600.0)
        self.batch_size = int(_positive(batch_size, "batch_size", minimum=1, maximum=MAX_BATCH_SIZE))
        start = parse_instant(start_after, "start_after")
        self.start_after = notion_instant(start) if start else None
        self.initial_lookback_minutes = int(
            _positive(initial_lookback_minutes, "initial_lookback_minutes", minimum=0, maximum=60 * 24 * 31)
        )
        if notion_version is not None:
            resolve_notion_version(notion_version)
        self.notion_version = notion_version
        self.requests_per_second = requests_per_second
        if not isinstance(backstop, bool):
            raise NotionInputError("backstop", f"expected true or false, got {backstop!r}")
        self.backstop = backstop
        self.clock: Clock = clock or _utcnow
        self.sleep: Sleep = sleep or asyncio.sleep
        #: Added to the local clock, a moment Notion's clock has reached (from its ``Date`` header); not serialised.
        self.notion_offset: timedelta | None = None
        #: The watched object's title, read once when the first change is reported (not serialised).
        self._title: str | None = None

    # ------------------------------------------------------------------------------------ identity

    @property
    def source_uri(self) -> str:
        """The asset URI of what is watched (a database until it is resolved to its data source)."""
        if self.data_source_id:
            return notion_uri("data_source", self.data_source_id)
        return notion_uri("database", str(self.database_id))

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "conn_id": self.conn_id,
                "data_source_id": self.data_source_id,
                "database_id": self.database_id,
                "filter": self.filter,
                "poll_interval": self.poll_interval,
                "settle_seconds": self.settle_seconds,
                "batch_size": self.batch_size,
                "start_after": self.start_after,
                "initial_lookback_minutes": self.initial_lookback_minutes,
                "notion_version": self.notion_version,
                "requests_per_second": self.requests_per_second,
                "backstop": self.backstop,
            },
        )

    def shared_stream_key(self) -> Hashable | None:
        # A plain watcher keeps its own watermark in its own asset's state and polls alone (run()). A backstop
        # shares one poll with every backstop of the same connection, version, interval and settle time.
        if not self.backstop:
            return None
        return ("notion-backstop", self.conn_id, self.notion_version, self.poll_interval, self.settle_seconds)

    # ------------------------------------------------------------------------------------ the backstop

    @classmethod
    async def open_shared_stream(cls, kwargs: dict[str, Any]) -> AsyncIterator[Any]:
        from airflow_provider_notion.triggers.backstop import poll_changes

        async for snapshot in poll_changes(cls(**kwargs)):
            yield snapshot

    async def filter_shared_stream(self, shared_stream: AsyncIterator[Any]) -> AsyncIterator[TriggerEvent]:
        """This watcher's rows of each shared snapshot that no webhook reported, as the trigger's events."""
        from airflow_provider_notion.triggers.backstop import rows_of

        async for snapshot in shared_stream:
            rows = rows_of(snapshot, self.data_source_id, self.database_id)
            if not rows:
                continue
            reported = load_reported(await self._reported())
            ids = list(
                dict.fromkeys(
                    row["id"]
                    for row in rows
                    if not reported_by_webhook(reported, row["id"], row["last_edited_time"])
                )
            )
            start = parse_instant(snapshot["window_start"], "window_start")
            end = parse_instant(snapshot["window_end"], "window_end")
            assert start is not None
            assert end is not None
            if ids:
                self.log.info("Backstop: %d row(s) of %s changed with no webhook", len(ids), self.source_uri)
            for payload in self.window_events(ids, start, end, resumed=False):
                yield _event({**payload, "backstop": True})

    async def _reported(self) -> Any:
        store = self._store()
        if store is None:
            return None
        try:
            return await store.aget(WEBHOOK_REPORTED_KEY)
        except Exception as err:  # an unreadable store: report (at least once), never lose
            self.log.warning("Cannot read the webhook-reported pages from the asset state store (%s)", err)
            return None

    # ------------------------------------------------------------------------------------ the watermark

    def _store(self) -> WatermarkStore | None:
        store = getattr(self, "asset_state_store", None)
        return store if store is not None and hasattr(store, "aget") else None

    async def load_watermark(self) -> tuple[datetime, bool]:
        """The stored watermark (``resumed`` True), else the configured start."""
        store = self._store()
        if store is not None:
            try:
                stored = await store.aget(WATERMARK_KEY)
            except Exception as err:  # several watched assets, or a store that cannot be read
                self.log.warning("Cannot read the watermark from the asset state store (%s)", err)
                stored = None
            if isinstance(stored, str):
                try:
                    moment = parse_instant(stored, WATERMARK_KEY)
                except NotionInputError:
                    moment = None
                if moment is not None:
                    return floor_minute(moment), True
        if self.start_after:
            start = parse_instant(self.start_after, "start_after")
            assert start is not None
            return floor_minute(start), False
        # "Now" on Notion's clock when one answer has told it (see run()), else the local clock.
        now = self.clock() + (self.notion_offset or timedelta(0))
        return floor_minute(now) - timedelta(minutes=self.initial_lookback_minutes), False

    async def save_watermark(self, watermark: datetime) -> None:
        store = self._store()
        if store is None:
            return
        try:
            await store.aset(WATERMARK_KEY, notion_instant(watermark))
        except Exception as err:
            # Events keep flowing; only a restart would re-report from the older stored minute.
            self.log.warning("Cannot store the watermark in the asset state store (%s)", err)

    # ------------------------------------------------------------------------------------ Notion

    async def client(self) -> AsyncNotionClient:
        from airflow_provider_notion.triggers.notion import read_trigger_connection

        settings, version = await read_trigger_connection(self.conn_id, self.notion_version)
        return AsyncNotionClient(
            settings=settings,
            notion_version=version,
            requests_per_second=self.requests_per_second,
            sleep=self.sleep,
        )

    async def query_path(self, client: AsyncNotionClient) -> str:
        """Where the watched table is queried; the database's data sources are read once (asynchronously)."""
        version = resolve_notion_version(client.notion_version)
        sources = None
        if needs_data_sources(version, self.database_id, self.data_source_id):
            database = await client.request("GET", f"/databases/{self.database_id}")
            found = database.get("data_sources") if isinstance(database, dict) else None
            sources = found if isinstance(found, list) else []
        target = choose_target(
            version, database_id=self.database_id, data_source_id=self.data_source_id, sources=sources
        )
        self.data_source_id = target.data_source_id
        return target.query_path

    def closed_until(self, local: datetime, *, fallback_to_local: bool) -> datetime | None:
        """The end of the last minute Notion has closed (``settle_seconds`` ago) when the local clock reads ``local``.

        Read on Notion's clock (:mod:`airflow_provider_notion.rules.server_clock`): a local clock that runs ahead
        would close a minute in which Notion still stamps edits. Before any answer with a ``Date`` header has
        arrived this is ``None``, or with ``fallback_to_local`` the local clock's bound (a server that sends no
        ``Date`` leaves nothing better).
        """
        if self.notion_offset is None:
            if not fallback_to_local:
                return None
            return floor_minute(local - timedelta(seconds=self.settle_seconds))
        return floor_minute(local + self.notion_offset - timedelta(seconds=self.settle_seconds))

    def learn_notion_clock(self, client: AsyncNotionClient) -> None:
        """Take Notion's clock from the last answer's ``Date`` header (read after it arrived)."""
        offset = clock_offset(client.last_server_date, self.clock())
        if offset is not None:
            self.notion_offset = offset

    async def source_title(self, client: AsyncNotionClient) -> str:
        """The title of what is watched, for the events; read once, when the first change is reported.

        Not read at start, so idle watchers cost no request; a failed read gives ``""`` and is tried again with
        the next change (the title only helps people: it never holds an event back).
        """
        if self._title is None:
            path = (
                f"/data_sources/{self.data_source_id}"
                if self.data_source_id
                else f"/databases/{self.database_id}"
            )
            try:
                self._title = object_title(await client.request("GET", path))
            except (NotionTransportError, NotionApiError) as err:
                self.log.warning("Cannot read the title of %s for its events: %s", self.source_uri, err)
                return ""
        return self._title

    async def changed_rows(
        self, client: AsyncNotionClient, path: str, start: datetime
    ) -> tuple[list[str], datetime | None]:
        """Ids of the rows edited from minute ``start`` up to the last minute Notion has closed, and that end.

        The end is fixed by Notion's clock as it was when the query was sent (an answer proves Notion's clock
        had reached its ``Date`` by the time it arrived, so by the time the query was sent it had reached
        ``Date`` minus the time in between). Without a known clock yet, the query asks for every row from
        ``start`` and the end is known once the answer is in. ``([], None)``: no minute is closed yet.
        """
        sent = self.clock()
        bound = self.closed_until(sent, fallback_to_local=False)
        if bound is not None and bound <= start:
            return [], None
        query = QueryWindow.build(edited_after=start, edited_before=bound)
        page = await client.query(path, {"filter": query.combine(self.filter)}, fetch_all=True)
        self.learn_notion_clock(client)
        end = self.closed_until(sent, fallback_to_local=True)
        assert end is not None
        if bound is not None:
            end = min(end, bound)
        if end <= start:
            return [], None
        window = QueryWindow.build(edited_after=start, edited_before=end)
        return list(dict.fromkeys(row_ids(window.keep(page.get("results", []))))), end

    # ------------------------------------------------------------------------------------ the loop

    def window_events(
        self, ids: list[str], start: datetime, end: datetime, *, resumed: bool, title: str = ""
    ) -> list[dict[str, Any]]:
        """The events of one window: ``batch_size`` ids each, in order."""
        batches = [ids[i : i + self.batch_size] for i in range(0, len(ids), self.batch_size)]
        return [
            {
                "source": self.source_uri,
                "title": title,
                "window_start": notion_instant(start),
                "window_end": notion_instant(end),
                "count": len(batch),
                "window_count": len(ids),
                "batch": number,
                "batches": len(batches),
                "row_ids": batch,
                "resumed": resumed,
            }
            for number, batch in enumerate(batches, start=1)
        ]

    async def run(self) -> AsyncIterator[TriggerEvent]:
        if self.backstop:  # no shared streams here (Airflow < 3.3): the same backstop, polled alone
            from airflow_provider_notion.triggers.backstop import poll_changes

            async for event in self.filter_shared_stream(poll_changes(self)):
                yield event
            return
        client = await self.client()
        path = await self.query_path(client)
        if self.start_after is None and self.notion_offset is None:
            # Without a stored watermark "now" is the start, and it must be Notion's now: a local clock ahead of
            # Notion's would skip the edits Notion still stamps in its current minute. One cheap read tells it.
            await client.request("GET", "/users/me")
            self.learn_notion_clock(client)
        watermark, resumed = await self.load_watermark()
        stored = watermark if resumed else None
        self.log.info(
            "Watching %s for edits from %s (%s)",
            self.source_uri,
            notion_instant(watermark),
            "resumed from the asset state store" if resumed else "no stored watermark",
        )
        while True:
            if stored != watermark:
                # One poll interval after the window's events were handed over: they are committed by now.
                await self.save_watermark(watermark)
                stored = watermark
            try:
                ids, end = await self.changed_rows(client, path, watermark)
            except (NotionTransportError, NotionApiError) as err:
                if isinstance(err, NotionApiError) and err.status != 429 and err.status < 500:
                    raise
                # The client already retried; the same window is read again later. After a 429 that outlasted
                # the retries (or a Retry-After longer than they honour) wait at least what Notion asked.
                retry_after = err.retry_after if isinstance(err, NotionApiError) else None
                self.log.warning("Polling %s failed, retrying next poll: %s", self.source_uri, err)
                await self.sleep(max(self.poll_interval, retry_after or 0.0))
                continue
            if end is not None:
                title = await self.source_title(client) if ids else ""
                for payload in self.window_events(ids, watermark, end, resumed=resumed, title=title):
                    yield _event(payload)
                if ids:
                    self.log.info(
                        "%d row(s) of %s changed in [%s, %s)",
                        len(ids),
                        self.source_uri,
                        notion_instant(watermark),
                        notion_instant(end),
                    )
                watermark = end
                resumed = False
            await self.sleep(self.poll_interval)
