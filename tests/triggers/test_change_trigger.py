"""NotionChangeTrigger against the local emulator (real HTTP on 127.0.0.1) with an injected clock.

Rows are stamped by the emulator to the minute, like Notion. The trigger's clock and sleep are injected through
its public ``clock``/``sleep`` parameters: each sleep advances the clock and applies the edits scheduled up to
the new time, so "edits in consecutive minutes" happen at exact, repeatable moments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant
from airflow_provider_notion.triggers.change import WATERMARK_KEY, NotionChangeTrigger
from airflow_provider_notion.triggers.events import MAX_EVENT_BYTES, json_size

MINUTE = timedelta(minutes=1)


@pytest.fixture
def data_source(emu: NotionEmulator) -> str:
    database = emu.add_database(
        parent_id=emu.root_page_id,
        title="Tickets",
        properties={"Name": {"title": {}}, "Open": {"checkbox": {}}},
    )
    return str(database["data_source_id"])


class Stop(Exception):
    """The scripted time is over."""


class Timeline:
    """The trigger's clock: sleeping advances it and applies the edits due by then.

    ``skew`` is how far the trigger's clock runs ahead of Notion's (negative: behind). Edits are scheduled and
    stamped on Notion's clock (:meth:`notion_clock`, which also dates the emulator's answers once
    :meth:`serve` hands it over); ``clock``/``sleep`` are the trigger's.
    """

    def __init__(self, start: datetime, until: datetime, *, skew: timedelta = timedelta(0)) -> None:
        self.now = start
        self.until = until
        self.skew = skew
        self.pending: list[tuple[datetime, Callable[[datetime], None]]] = []
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def notion_clock(self) -> datetime:
        return self.now - self.skew

    def serve(self, emu: NotionEmulator) -> Timeline:
        """Let the emulator's ``Date`` header follow Notion's side of this timeline."""
        emu.clock = self.notion_clock
        return self

    def at(self, moment: datetime, action: Callable[[datetime], None]) -> None:
        """Run ``action(moment)`` when Notion's clock reaches ``moment``."""
        self.pending.append((moment, action))
        self.pending.sort(key=lambda item: item[0])

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)
        while self.pending and self.pending[0][0] <= self.notion_clock():
            moment, action = self.pending.pop(0)
            action(moment)
        if self.now > self.until:
            raise Stop


class MemoryStore:
    """Airflow's asset state store, as the trigger uses it (``aget``/``aset`` of JSON values)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    async def aset(self, key: str, value: Any) -> None:
        self.values[key] = value


def create_row(emu: NotionEmulator, data_source: str, name: str, moment: datetime) -> str:
    page = emu.state.create_page(
        parent_type="data_source_id",
        parent_id=data_source,
        properties_input={"Name": {"title": [{"text": {"content": name}}]}},
        creator_id=emu.default_integration().id,
        created=moment,
    )
    return page.id


def edit_row(emu: NotionEmulator, page_id: str, moment: datetime) -> None:
    """An edit at ``moment`` (the emulator's own edits are stamped with the wall clock)."""
    with emu.state.lock:
        page = emu.state.pages[page_id]
        page.last_edited = moment
        page.row["last_edited_time"] = notion_instant(floor_minute(moment))


def trigger(timeline: Timeline, start: datetime, data_source: str, **kwargs: Any) -> NotionChangeTrigger:
    kwargs.setdefault("poll_interval", 20)
    kwargs.setdefault("requests_per_second", None)
    return NotionChangeTrigger(
        data_source_id=data_source,
        start_after=start.isoformat(),
        clock=timeline.clock,
        sleep=timeline.sleep,
        **kwargs,
    )


async def collect(watcher: NotionChangeTrigger) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    try:
        async for event in watcher.run():
            events.append(event.payload)
    except Stop:
        pass
    return events


def reported(events: list[dict[str, Any]]) -> Counter[str]:
    return Counter(row for event in events for row in event["row_ids"])


@pytest.fixture
def t0() -> datetime:
    # An hour ago, minute-aligned: the emulator's filters compare stored minutes, whatever the wall clock.
    return floor_minute(datetime.now(UTC)) - timedelta(hours=1)


async def test_edits_in_consecutive_minutes_are_each_reported_once(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    timeline = Timeline(t0 + timedelta(seconds=1), until=t0 + 8 * MINUTE).serve(emu)
    created: dict[int, str] = {}
    for minute in range(5):
        for second in (0, 30, 59):
            moment = t0 + minute * MINUTE + timedelta(seconds=second)
            timeline.at(
                moment,
                lambda m, k=(minute, second): created.__setitem__(
                    k[0] * 100 + k[1], create_row(emu, data_source, f"r{k}", m)
                ),
            )
    # The row created in minute 0 is edited again in minute 5: that is a new change, reported once more.
    timeline.at(t0 + 5 * MINUTE + timedelta(seconds=10), lambda m: edit_row(emu, created[0], m))

    events = await collect(trigger(timeline, t0, data_source))

    counts = reported(events)
    assert set(counts) == set(created.values())
    assert counts[created[0]] == 2
    assert all(n == 1 for row, n in counts.items() if row != created[0])
    # Windows are whole minutes that touch without overlapping.
    windows = sorted({(e["window_start"], e["window_end"]) for e in events})
    assert all(a[1] == b[0] for a, b in pairwise(windows))
    assert windows[0][0] == notion_instant(t0)
    assert not any(e["resumed"] for e in events)


async def test_a_burst_of_500_edits_comes_in_bounded_batches(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    timeline = Timeline(t0 + timedelta(seconds=1), until=t0 + 3 * MINUTE).serve(emu)
    ids: list[str] = []

    def burst(moment: datetime) -> None:
        ids.extend(create_row(emu, data_source, f"b{i}", moment) for i in range(500))

    timeline.at(t0 + MINUTE + timedelta(seconds=5), burst)
    events = await collect(trigger(timeline, t0, data_source, batch_size=120))

    assert [e["count"] for e in events] == [120, 120, 120, 120, 20]
    assert {e["window_count"] for e in events} == {500}
    assert [e["batch"] for e in events] == [1, 2, 3, 4, 5]
    assert reported(events) == Counter(ids)
    assert max(json_size(e) for e in events) < MAX_EVENT_BYTES / 8


async def test_a_restart_in_the_middle_loses_nothing(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    store = MemoryStore()
    expected: list[str] = []

    def add(name: str) -> Callable[[datetime], None]:
        return lambda moment: expected.append(create_row(emu, data_source, name, moment))

    first_life = Timeline(t0 + timedelta(seconds=1), until=t0 + 2 * MINUTE + timedelta(seconds=30)).serve(emu)
    first_life.at(t0 + timedelta(seconds=20), add("before-1"))
    first_life.at(t0 + MINUTE + timedelta(seconds=20), add("before-2"))
    first = trigger(first_life, t0, data_source)
    first.asset_state_store = store  # what Airflow's triggerer injects for a watched asset
    before = await collect(first)
    # The last window's events were handed over, but the trigger stopped before the next poll stored its end:
    # the watermark is stored one poll late, so a crash can repeat a window (flagged), never skip one.
    assert [e["window_end"] for e in before][-1] == notion_instant(t0 + 2 * MINUTE)
    assert store.values[WATERMARK_KEY] == notion_instant(t0 + MINUTE)

    # Down for five minutes; rows keep changing.
    for minute in (2, 3, 4, 6):
        add(f"while-down-{minute}")(t0 + minute * MINUTE + timedelta(seconds=40))

    classpath, kwargs = first.serialize()
    assert classpath == "airflow_provider_notion.triggers.change.NotionChangeTrigger"
    second_life = Timeline(t0 + 7 * MINUTE + timedelta(seconds=10), until=t0 + 9 * MINUTE).serve(emu)
    second_life.at(t0 + 7 * MINUTE + timedelta(seconds=30), add("after"))
    second = NotionChangeTrigger(**kwargs, clock=second_life.clock, sleep=second_life.sleep)
    second.asset_state_store = store
    after = await collect(second)

    assert set(reported(before + after)) == set(expected)
    # The first window after the restart starts at the stored minute and is marked as resumed; the only rows it
    # repeats are those of the window whose end the first life had not stored yet.
    assert after[0]["resumed"] is True
    assert after[0]["window_start"] == notion_instant(t0 + MINUTE)
    repeated = {row for row, n in reported(before + after).items() if n > 1}
    last_window_before = {
        row for e in before if e["window_start"] == notion_instant(t0 + MINUTE) for row in e["row_ids"]
    }
    assert repeated == last_window_before == {expected[1]}
    assert all(e["resumed"] for e in after if repeated & set(e["row_ids"]))


async def test_without_a_state_store_a_restart_starts_at_its_look_back(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    """The documented at-least-once window on Airflow without the asset state store."""
    old = create_row(emu, data_source, "old", t0 + 2 * MINUTE)
    recent = create_row(emu, data_source, "recent", t0 + 8 * MINUTE)
    timeline = Timeline(t0 + 10 * MINUTE + timedelta(seconds=10), until=t0 + 11 * MINUTE).serve(emu)
    watcher = NotionChangeTrigger(
        data_source_id=data_source,
        initial_lookback_minutes=5,
        poll_interval=20,
        requests_per_second=None,
        clock=timeline.clock,
        sleep=timeline.sleep,
    )
    counts = reported(await collect(watcher))
    assert counts == Counter([recent])
    assert old not in counts


async def test_429_and_5xx_while_polling_are_absorbed(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    timeline = Timeline(t0 + timedelta(seconds=1), until=t0 + 6 * MINUTE).serve(emu)
    expected: list[str] = []
    for minute in range(4):
        timeline.at(
            t0 + minute * MINUTE + timedelta(seconds=15),
            lambda m, n=minute: expected.append(create_row(emu, data_source, f"x{n}", m)),
        )
    # More failures than the client's retries, so one poll fails completely and the window is read again.
    emu.faults.inject(kind="status", status=429, retry_after=1, method="POST", path=r"/query$", count=2)
    emu.faults.inject(kind="status", status=503, method="POST", path=r"/query$", count=6)
    events = await collect(trigger(timeline, t0, data_source))
    assert reported(events) == Counter(expected)
    statuses = [r.status for r in emu.request_log if r.path.endswith("/query")]
    assert statuses.count(429) == 2 and statuses.count(503) == 6


@pytest.mark.parametrize("skew_seconds", [30, -30, 90])
async def test_no_late_minute_edit_is_missed_when_the_clocks_disagree(
    emu: NotionEmulator, data_source: str, t0: datetime, skew_seconds: int
) -> None:
    """Windows close on Notion's clock (its Date header), not the triggerer's: 12 of 12 edits, each once."""
    skew = timedelta(seconds=skew_seconds)
    timeline = Timeline(t0 + skew + timedelta(seconds=1), until=t0 + skew + 7 * MINUTE, skew=skew).serve(emu)
    expected: list[str] = []
    for minute in range(4):
        for second in (35, 45, 55):  # late in the minute: what a clock running ahead closes too early
            timeline.at(
                t0 + minute * MINUTE + timedelta(seconds=second),
                lambda m, n=f"{minute}:{second}": expected.append(create_row(emu, data_source, n, m)),
            )
    events = await collect(trigger(timeline, t0, data_source))
    assert len(expected) == 12
    assert reported(events) == Counter(expected)
    windows = sorted({(e["window_start"], e["window_end"]) for e in events})
    assert all(a[1] == b[0] for a, b in pairwise(windows))


async def test_without_a_start_the_first_window_starts_at_notions_minute(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    """A triggerer 40 s ahead starts in Notion's current minute, not the next one, so its edits count."""
    skew = timedelta(seconds=40)
    timeline = Timeline(t0 + skew + timedelta(seconds=30), until=t0 + skew + 3 * MINUTE, skew=skew).serve(emu)
    expected: list[str] = []
    timeline.at(
        t0 + timedelta(seconds=50), lambda m: expected.append(create_row(emu, data_source, "late", m))
    )
    watcher = NotionChangeTrigger(
        data_source_id=data_source,
        poll_interval=20,
        requests_per_second=None,
        clock=timeline.clock,
        sleep=timeline.sleep,
    )
    events = await collect(watcher)
    assert reported(events) == Counter(expected)
    assert events[0]["window_start"] == notion_instant(t0)


async def test_a_429_that_outlasts_the_retries_backs_off_and_keeps_watching(
    emu: NotionEmulator, data_source: str, t0: datetime
) -> None:
    timeline = Timeline(t0 + timedelta(seconds=1), until=t0 + 8 * MINUTE).serve(emu)
    expected: list[str] = []
    for minute in range(4):
        timeline.at(
            t0 + minute * MINUTE + timedelta(seconds=15),
            lambda m, n=minute: expected.append(create_row(emu, data_source, f"x{n}", m)),
        )
    # Four refusals: the first attempt and the client's three retries all draw a 429 asking for 50 s.
    emu.faults.inject(kind="status", status=429, retry_after=50, method="POST", path=r"/query$", count=4)
    events = await collect(trigger(timeline, t0, data_source))
    assert reported(events) == Counter(expected)
    # The client waited 50 s before each of its 3 retries; the trigger then waits Notion's 50 s too, not its
    # 20 s poll interval.
    assert timeline.slept.count(50) == 4


async def test_a_database_is_resolved_to_its_data_source(emu: NotionEmulator, t0: datetime) -> None:
    database = emu.add_database(parent_id=emu.root_page_id, title="Db", properties={"Name": {"title": {}}})
    row = create_row(emu, str(database["data_source_id"]), "r", t0 + timedelta(seconds=5))
    timeline = Timeline(t0 + 2 * MINUTE, until=t0 + 3 * MINUTE).serve(emu)
    watcher = NotionChangeTrigger(
        database_id=str(database["id"]).replace("-", ""),
        start_after=t0.isoformat(),
        requests_per_second=None,
        clock=timeline.clock,
        sleep=timeline.sleep,
    )
    events = await collect(watcher)
    assert reported(events) == Counter([row])
    assert events[0]["source"] == f"notion://data_source/{database['data_source_id']}"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "data_source_id"),
        ({"data_source_id": "nope"}, "data_source_id"),
        ({"data_source_id": "0" * 32, "poll_interval": 0}, "poll_interval"),
        ({"data_source_id": "0" * 32, "batch_size": 5000}, "batch_size"),
        ({"data_source_id": "0" * 32, "start_after": "yesterday"}, "start_after"),
        ({"data_source_id": "0" * 32, "poll_interval": float("nan")}, "poll_interval"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(NotionInputError) as err:
        NotionChangeTrigger(**kwargs)
    assert err.value.field == field


def test_kwargs_round_trip_with_canonical_ids() -> None:
    watcher = NotionChangeTrigger(
        data_source_id="a" * 32, filter={"property": "Open", "checkbox": {"equals": True}}
    )
    classpath, kwargs = watcher.serialize()
    again = NotionChangeTrigger(**kwargs)
    assert again.serialize() == (classpath, kwargs)
    assert kwargs["data_source_id"] == "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
    assert watcher.source_uri == "notion://data_source/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"


async def test_events_carry_the_watched_title_read_once_and_only_when_something_changed(
    emu: NotionEmulator, t0: datetime
) -> None:
    database = emu.add_database(
        parent_id=emu.root_page_id, title="Support queue", properties={"Ticket": {"title": {}}}
    )
    source = str(database["data_source_id"])
    timeline = Timeline(t0 + timedelta(seconds=1), until=t0 + 6 * MINUTE).serve(emu)
    for minute in (2, 4):
        timeline.at(
            t0 + minute * MINUTE + timedelta(seconds=5),
            lambda m: emu.state.create_page(
                parent_type="data_source_id",
                parent_id=source,
                properties_input={"Ticket": {"title": [{"text": {"content": "t"}}]}},
                creator_id=emu.default_integration().id,
                created=m,
            ),
        )
    emu.clear_request_log()
    events = await collect(trigger(timeline, t0, source))

    assert len(events) == 2
    assert {e["title"] for e in events} == {"Support queue"}
    title_reads = [r for r in emu.request_log if r.method == "GET" and r.path == f"/v1/data_sources/{source}"]
    assert len(title_reads) == 1
