"""NotionQueryTrigger and the async client, against an httpx.MockTransport (no network)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from airflow_provider_notion.client import aio as async_client
from airflow_provider_notion.client.aio import AsyncNotionClient, pacing_lock, shared_client
from airflow_provider_notion.client.pacing.buckets import shared_bucket
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_BURST, TokenBucket
from airflow_provider_notion.connection.settings import NotionConnectionSettings
from airflow_provider_notion.exceptions import NotionApiError, NotionInputError
from airflow_provider_notion.triggers.notion import NotionQueryTrigger
from tests.helpers import CANARY_SECRET, FakeClock

DS_ID = "248104cd-477e-80af-bc30-000bd28de8f9"
QUERY_PATH = f"/v1/data_sources/{DS_ID}/query"
Handler = Callable[[httpx.Request], httpx.Response]


def rows(*ids: str, edited: str = "2026-01-31T10:05:00.000Z") -> dict[str, Any]:
    return {
        "object": "list",
        "results": [
            {"object": "page", "id": i, "last_edited_time": edited, "created_time": edited} for i in ids
        ],
        "next_cursor": None,
        "has_more": False,
        "type": "page_or_data_source",
    }


def error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"object": "error", "status": status, "code": code, "message": message}


class Recorder:
    """Answers each request with the next response and remembers what was sent."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], None]:
    """Route the shared client of the trigger through a MockTransport."""

    def install(handler: Handler) -> None:
        monkeypatch.setattr(
            async_client,
            "new_client",
            lambda: httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=False),
        )

    return install


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait of every trigger is recorded instead of slept."""
    recorded: list[float] = []

    async def fake_wait(self: NotionQueryTrigger, seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(NotionQueryTrigger, "wait", fake_wait)
    return recorded


@pytest.fixture(autouse=True)
def _conn(default_conn: dict[str, object]) -> None:
    """``notion_default`` (canary secret, api.notion.com) for every test."""


def make_trigger(**kwargs: Any) -> NotionQueryTrigger:
    kwargs.setdefault("conn_id", "notion_default")
    kwargs.setdefault("query_path", QUERY_PATH)
    kwargs.setdefault("end_time", time.time() + 3600)
    kwargs.setdefault("poke_interval", 30)
    kwargs.setdefault("requests_per_second", None)
    return NotionQueryTrigger(**kwargs)


async def events_of(trigger: NotionQueryTrigger) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.run()]


# --------------------------------------------------------------------------------- serialization


def test_serialize_round_trips_and_holds_no_secret() -> None:
    trigger = make_trigger(
        body={"filter": {"property": "Done", "checkbox": {"equals": True}}},
        notion_version="2025-09-03",
        window={"last_edited_time": ["2026-01-31T10:00:00.000Z", "2026-01-31T11:00:00.000Z"]},
        min_results=2,
        fetch_all=True,
        requests_per_second=3.0,
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflow_provider_notion.triggers.notion.NotionQueryTrigger"
    json.dumps(kwargs)  # JSON-serialisable
    rebuilt = NotionQueryTrigger(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)
    assert CANARY_SECRET not in json.dumps(kwargs)
    assert set(kwargs) == {
        "conn_id",
        "query_path",
        "body",
        "end_time",
        "notion_version",
        "window",
        "min_results",
        "poke_interval",
        "fetch_all",
        "requests_per_second",
    }


def test_serialize_round_trips_through_airflow_serde() -> None:
    from airflow.sdk.serde import deserialize, serialize

    _classpath, kwargs = make_trigger(body={"sorts": [{"timestamp": "created_time"}]}).serialize()
    assert deserialize(serialize(kwargs)) == kwargs


@pytest.mark.parametrize("path", ["/v1/pages", "/v1/blocks/x/children", "https://evil.example/v1/x/query"])
def test_refuses_anything_but_a_query_path(path: str) -> None:
    with pytest.raises(NotionInputError, match="query_path"):
        make_trigger(query_path=path)


def test_refuses_an_unknown_version() -> None:
    with pytest.raises(NotionInputError, match="notion_version"):
        make_trigger(notion_version="2099-01-01")


# ----------------------------------------------------------------------------------------- run


async def test_success_after_polling_on_the_interval(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    notion = Recorder(httpx.Response(200, json=rows()), httpx.Response(200, json=rows("a")))
    transport(notion)
    events = await events_of(
        make_trigger(body={"filter": {"property": "Done", "checkbox": {"equals": True}}})
    )
    assert len(events) == 1
    assert events[0]["status"] == "success"
    assert events[0]["results"] == rows("a")
    assert events[0]["count"] == 1
    assert events[0]["row_ids"] == ["a"]
    assert waits == [30, 30]  # one interval before each poll: the sensor has just poked
    sent = notion.requests[0]
    assert sent.method == "POST"
    assert str(sent.url) == f"https://api.notion.com{QUERY_PATH}"
    assert sent.headers["Authorization"] == f"Bearer {CANARY_SECRET}"
    assert sent.headers["Notion-Version"] == "2026-03-11"
    assert json.loads(sent.content) == {"filter": {"property": "Done", "checkbox": {"equals": True}}}


async def test_connection_version_is_used_unless_overridden(
    transport: Callable[[Handler], None], waits: list[float], notion_conn: Callable[..., Any]
) -> None:
    notion_conn(extra=json.dumps({"notion_version": "2025-09-03"}))
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    await events_of(make_trigger())
    assert notion.requests[0].headers["Notion-Version"] == "2025-09-03"


async def test_min_results_and_window_decide_the_match(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    late = rows("late", edited="2026-01-31T11:00:00.000Z")["results"]
    page_one = rows("x")
    page_one["results"] += late
    notion = Recorder(httpx.Response(200, json=page_one), httpx.Response(200, json=rows("x", "y")))
    transport(notion)
    trigger = make_trigger(
        min_results=2, window={"last_edited_time": ["2026-01-31T10:00:00.000Z", "2026-01-31T11:00:00.000Z"]}
    )
    events = await events_of(trigger)
    # The first answer had two rows, but one lies outside the window: only the second poll matches.
    assert len(notion.requests) == 2
    assert [r["id"] for r in events[0]["results"]["results"]] == ["x", "y"]


async def test_fetch_all_follows_cursors(transport: Callable[[Handler], None], waits: list[float]) -> None:
    first = rows("a")
    first.update(has_more=True, next_cursor="c1")
    notion = Recorder(httpx.Response(200, json=first), httpx.Response(200, json=rows("b")))
    transport(notion)
    events = await events_of(make_trigger(min_results=2, fetch_all=True))
    assert [r["id"] for r in events[0]["results"]["results"]] == ["a", "b"]
    second = json.loads(notion.requests[1].content)
    assert second["start_cursor"] == "c1"
    # fetch_all reads oldest first, so it can continue past Notion's result cap (see large_query).
    assert second["sorts"] == [{"timestamp": "created_time", "direction": "ascending"}]


async def test_fetch_all_at_the_result_cap_is_an_error(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    capped = rows("a")
    capped["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    transport(Recorder(httpx.Response(200, json=capped)))
    events = await events_of(make_trigger(fetch_all=True))
    assert events[0]["status"] == "error"
    assert "result cap" in events[0]["message"]


async def test_notion_error_yields_one_error_event_with_notions_message(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    body = error(404, "object_not_found", "Could not find data source with ID: x.")
    notion = Recorder(httpx.Response(404, json=body))
    transport(notion)
    events = await events_of(make_trigger())
    assert len(events) == 1
    assert events[0]["status"] == "error"
    assert "object_not_found" in events[0]["message"]
    assert "Could not find data source" in events[0]["message"]
    assert "shared with the integration" in events[0]["message"]  # the hook's hint
    assert CANARY_SECRET not in events[0]["message"]
    assert len(notion.requests) == 1  # 404 is never retried


async def test_rate_limited_then_success_waits_retry_after(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    limited = httpx.Response(429, json=error(429, "rate_limited", "Slow down."), headers={"Retry-After": "7"})
    notion = Recorder(limited, httpx.Response(200, json=rows("a")))
    transport(notion)
    events = await events_of(make_trigger())
    assert events[0]["status"] == "success"
    assert waits == [30, 7]  # poll interval, then Notion's Retry-After
    assert len(notion.requests) == 2


async def test_overload_and_transient_5xx_are_retried_for_queries(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    notion = Recorder(
        httpx.Response(529, json=error(529, "service_overload", "Overloaded."), headers={"Retry-After": "2"}),
        httpx.Response(502, text="<html>bad gateway</html>"),
        httpx.Response(503, json=error(503, "service_unavailable", "Try later.")),
        httpx.Response(200, json=rows("a")),
    )
    transport(notion)
    events = await events_of(make_trigger())
    assert events[0]["status"] == "success"
    assert len(notion.requests) == 4
    assert waits[1] == 2


async def test_retries_run_out_into_an_error_event(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    notion = Recorder(httpx.Response(500, json=error(500, "internal_server_error", "Oops.")))
    transport(notion)
    events = await events_of(make_trigger())
    assert events[0]["status"] == "error"
    assert "internal_server_error" in events[0]["message"]
    assert len(notion.requests) == 4  # the first attempt and three retries, as the hook does


async def test_lost_connection_is_retried_for_a_query(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return httpx.Response(200, json=rows("a"))

    transport(flaky)
    assert (await events_of(make_trigger()))[0]["status"] == "success"
    assert calls["n"] == 2


async def test_redirect_is_not_followed(transport: Callable[[Handler], None], waits: list[float]) -> None:
    notion = Recorder(httpx.Response(302, headers={"Location": "https://evil.example/steal"}))
    transport(notion)
    events = await events_of(make_trigger())
    assert events[0]["status"] == "error"
    assert "redirect" in events[0]["message"]
    assert len(notion.requests) == 1


async def test_deadline_yields_one_timeout_event(
    transport: Callable[[Handler], None],
) -> None:
    clock = FakeClock()
    notion = Recorder(httpx.Response(200, json=rows()))
    transport(notion)
    trigger = make_trigger(end_time=clock.now + 75, poke_interval=30, clock=clock, sleep=clock.async_sleep)
    events = await events_of(trigger)
    assert events == [
        {
            "status": "timeout",
            "message": f"Notion query {QUERY_PATH} matched 0 of 1 required row(s) before the sensor's timeout",
            "last_count": 0,
        }
    ]
    assert clock.sleeps == [30, 30, 15]  # the last wait is cut to the deadline, then one final poll
    assert len(notion.requests) == 3


async def test_pacing_wait_longer_than_the_deadline_times_out_without_a_request(
    transport: Callable[[Handler], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_notion.triggers import notion as trigger_module

    monkeypatch.setattr(trigger_module, "DEADLINE_GRACE_SECONDS", 0.1)
    # Other sensors on this token have queued ~1,000 s of requests; this one's deadline is in 0.2 s.
    bucket = shared_bucket(CANARY_SECRET, 0.01)
    for _ in range(bucket.burst):
        bucket.reserve()
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    clock = FakeClock()
    trigger = make_trigger(
        end_time=clock.now + 0.25, requests_per_second=0.01, clock=clock, sleep=clock.async_sleep
    )
    events = await events_of(trigger)
    assert events[0]["status"] == "timeout"
    assert notion.requests == []
    # Only the poke interval, cut to the deadline: the ~100 s pacing wait is not slept.
    assert clock.sleeps == [0.25]


async def test_triggers_giving_up_in_the_queue_do_not_push_the_budget_further_away(
    transport: Callable[[Handler], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_notion.triggers import notion as trigger_module

    monkeypatch.setattr(trigger_module, "DEADLINE_GRACE_SECONDS", 0.1)
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    bucket = shared_bucket(CANARY_SECRET, 10.0)
    bucket.pause(5.0)  # Notion said Retry-After: 5 to another trigger on this token
    triggers = [make_trigger(end_time=time.time() + 0.2, requests_per_second=10.0) for _ in range(20)]
    events = await asyncio.gather(*(events_of(t) for t in triggers))
    assert {e[0]["status"] for e in events} == {"timeout"}
    assert notion.requests == []
    # At most one slot was taken by the twenty that gave up: the budget comes back when Notion said.
    assert bucket.reserve() < 5.0


async def test_no_slot_is_taken_when_its_turn_would_come_after_the_deadline(
    transport: Callable[[Handler], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_notion.triggers import notion as trigger_module

    monkeypatch.setattr(trigger_module, "DEADLINE_GRACE_SECONDS", 0.1)
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    rate = 0.987  # one slot per ~1 s (each test has buckets of its own: tests/conftest.py)
    events = await events_of(make_trigger(end_time=time.time() + 0.2, requests_per_second=rate))
    assert events[0]["status"] == "timeout"
    assert notion.requests == []
    bucket = shared_bucket(CANARY_SECRET, rate)
    assert [bucket.reserve() for _ in range(bucket.burst)] == [0.0] * bucket.burst  # still full


async def test_waiting_in_the_pacing_queue_ends_at_the_deadline(
    transport: Callable[[Handler], None], waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_notion.triggers import notion as trigger_module

    monkeypatch.setattr(trigger_module, "DEADLINE_GRACE_SECONDS", 0.1)
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    # Another trigger on this token holds the queue (it waits for its slot) for longer than our deadline.
    queue = pacing_lock(shared_bucket(CANARY_SECRET, 50.0))
    await queue.acquire()
    try:
        started = time.monotonic()
        events = await events_of(make_trigger(end_time=time.time() + 0.2, requests_per_second=50.0))
    finally:
        queue.release()
    assert events[0]["status"] == "timeout"
    # Not before the deadline, and well before the unpatched 5 s grace (a generous bound: a loaded machine).
    assert 0.2 <= time.monotonic() - started < 3.0
    assert notion.requests == []


async def test_requests_of_one_token_take_their_slot_one_at_a_time(
    transport: Callable[[Handler], None],
) -> None:
    settings = NotionConnectionSettings.from_fields(
        conn_id="x", host=None, login=None, password="ntn_pacing_serial_token_only_here", extras={}
    )
    transport(Recorder(httpx.Response(200, json=rows("a"))))
    clock = FakeClock()
    bucket = TokenBucket(100.0, burst=1, clock=clock)
    bucket.reserve()  # the burst is spent: every request below waits for a slot
    client = AsyncNotionClient(settings, "2026-03-11", sleep=clock.async_sleep, clock=clock, bucket=bucket)
    await asyncio.gather(*(client.query(QUERY_PATH) for _ in range(5)))
    # Reserved one after the other, each waits one slot (10 ms) from when the previous one left, not 10, 20,
    # 30... ms reserved ahead of time.
    assert clock.sleeps == pytest.approx([0.01] * 5, abs=1e-6)


async def test_deadline_already_passed_yields_timeout_without_a_request(
    transport: Callable[[Handler], None], waits: list[float]
) -> None:
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    events = await events_of(make_trigger(end_time=time.time() - 1))
    assert events[0]["status"] == "timeout"
    assert notion.requests == []


async def test_missing_connection_is_an_error_event(waits: list[float]) -> None:
    events = await events_of(make_trigger(conn_id="no_such_notion_conn"))
    assert events[0]["status"] == "error"
    assert "no_such_notion_conn" in events[0]["message"]


async def test_run_reads_the_connection_asynchronously(
    transport: Callable[[Handler], None], waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.providers.common.compat import connection as compat_connection

    seen: list[str] = []
    original = compat_connection.get_async_connection

    async def spy(conn_id: str, hook: Any = None) -> Any:
        seen.append(conn_id)
        return await original(conn_id, hook)

    monkeypatch.setattr(compat_connection, "get_async_connection", spy)
    transport(Recorder(httpx.Response(200, json=rows("a"))))
    await events_of(make_trigger())
    assert seen == ["notion_default"]


# ------------------------------------------------------------------------ sharing and pacing


async def test_triggers_on_one_loop_share_one_client(transport: Callable[[Handler], None]) -> None:
    transport(Recorder(httpx.Response(200, json=rows("a"))))
    first = shared_client("https://api.notion.com")
    assert shared_client("https://api.notion.com") is first
    assert shared_client("http://127.0.0.1:1") is not first
    await first.aclose()
    assert shared_client("https://api.notion.com") is not first  # a closed client is replaced


def test_each_event_loop_gets_its_own_client(transport: Callable[[Handler], None]) -> None:
    async def grab() -> httpx.AsyncClient:
        return shared_client("https://api.notion.com")

    assert asyncio.run(grab()) is not asyncio.run(grab())


async def test_429_pauses_every_user_of_the_token(transport: Callable[[Handler], None]) -> None:
    token = "ntn_pacing_test_token_only_here"
    settings = NotionConnectionSettings.from_fields(
        conn_id="x", host=None, login=None, password=token, extras={}
    )
    limited = httpx.Response(
        429, json=error(429, "rate_limited", "Slow down."), headers={"Retry-After": "20"}
    )
    transport(Recorder(limited, httpx.Response(200, json=rows("a"))))
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    client = AsyncNotionClient(settings, "2026-03-11", requests_per_second=1000.0, sleep=no_sleep)
    await client.query(QUERY_PATH)
    assert len(slept) == 1  # the retry waits once, in the shared bucket
    assert 20 <= slept[0] < 20.1
    # Another trigger on the same token in this process now waits about as long before it may send.
    assert shared_bucket(token, 1000.0).reserve() > 19


async def test_pacing_spaces_requests_beyond_the_burst(transport: Callable[[Handler], None]) -> None:
    token = "ntn_pacing_burst_token_only_here"
    settings = NotionConnectionSettings.from_fields(
        conn_id="x", host=None, login=None, password=token, extras={}
    )
    transport(Recorder(httpx.Response(200, json=rows("a"))))
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    client = AsyncNotionClient(settings, "2026-03-11", requests_per_second=2.0, sleep=no_sleep)
    for _ in range(DEFAULT_BURST + 2):
        await client.query(QUERY_PATH)
    # The burst goes at once; the next ones wait for the bucket (about 0.5 s per request at 2/s).
    assert len(slept) == 2
    assert 0.3 < slept[0] < 0.6


async def test_client_refuses_non_query_paths_and_never_writes(transport: Callable[[Handler], None]) -> None:
    notion = Recorder(httpx.Response(200, json=rows("a")))
    transport(notion)
    settings = NotionConnectionSettings.from_fields(
        conn_id="x", host=None, login=None, password=CANARY_SECRET, extras={}
    )
    client = AsyncNotionClient(settings, "2026-03-11", requests_per_second=None)
    with pytest.raises(NotionInputError, match="query_path"):
        await client.query("/v1/pages")
    assert notion.requests == []
    assert CANARY_SECRET not in repr(client)


async def test_client_error_carries_status_and_code(transport: Callable[[Handler], None]) -> None:
    transport(Recorder(httpx.Response(400, json=error(400, "validation_error", "body.filter is bad"))))
    settings = NotionConnectionSettings.from_fields(
        conn_id="x", host=None, login=None, password=CANARY_SECRET, extras={}
    )
    with pytest.raises(NotionApiError) as err:
        await AsyncNotionClient(settings, "2026-03-11", requests_per_second=None).query(QUERY_PATH)
    assert (err.value.status, err.value.code) == (400, "validation_error")
