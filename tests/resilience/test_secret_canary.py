"""Secret canary: distinctive secrets used across the whole product never appear where they could be read back.

An emulator integration whose Internal Integration Secret is ``CANARY_SECRET``, and an OAuth public integration
whose client secret, access tokens and refresh tokens are all canaries (the emulator's token minting is swapped
for one that marks every token), drive the hook (every high-level method), every operator (render + execute),
the sensor (poke and deferrable), the trigger (serialisation and async run, success and error events), an OAuth
refresh with rotation and the error paths (401, 404, 500, 429, lost write answers, a reset connection).

What is read back and searched for any canary: log records at DEBUG (``caplog``, message, args and every record
attribute), stdout and stderr (``capfd``: Airflow's structlog writes there), return values, every
``ti.xcom_push``, rendered template fields, a fetch-all written to a file, ``repr()`` of hooks, settings, token
providers, stores, operators and triggers, the trigger's ``serialize()`` kwargs and events, and for each error
its ``str``, ``repr``, ``args``, attributes and formatted traceback (with its cause/context chain).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest

# The per-namespace levels of the structlog config Airflow installed (private; no public way to lower them).
from airflow._shared.logging.structlog import PER_LOGGER_LEVELS
from airflow.providers.common.compat.sdk import TaskDeferred
from notion_emulator import Fault, NotionEmulator
from notion_emulator.routes import oauth as oauth_routes
from notion_emulator.routes.oauth import (
    add_public_integration,
    expire_access_token,
    mint_authorization_code,
)

from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionError,
    NotionOAuthError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.database_lookup import database_with_data_sources
from airflow_provider_notion.jobs.targets import read_parent_table
from airflow_provider_notion.jobs.upsert import find_database_items, upsert_database_item
from airflow_provider_notion.oauth.client import NotionOAuthClient
from airflow_provider_notion.operators import notion as operators
from airflow_provider_notion.rules.targets import item_parent as rules_item_parent
from airflow_provider_notion.sensors.notion import NotionQuerySensor
from airflow_provider_notion.triggers.notion import NotionQueryTrigger
from tests.helpers import CANARY_SECRET
from tests.oauth.helpers import FakeSupervisor

CANARY_CLIENT_SECRET = "secret_CANARY_oauth_client_3f9a7c21e5"
TOKEN_MARK = "CANARYtok"  # every OAuth access and refresh token the emulator mints starts with this
# Fragments that would betray even a partial leak; nothing legitimate in these tests contains them.
MARKS = ("CANARY", "8f3e2b1a9c7d", "3f9a7c21e5")
CLIENT_ID = "oauth-client-nightly"
REDIRECT_URI = "https://airflow.example.com/notion/callback"
VERSION = "2026-03-11"
SCHEMA: dict[str, Any] = {"Name": {"title": {}}, "Done": {"checkbox": {}}, "Key": {"rich_text": {}}}


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=repr, sort_keys=True)


def row(name: str, *, done: bool, key: str = "") -> dict[str, Any]:
    return {
        "Name": {"title": [{"type": "text", "text": {"content": name}}]},
        "Done": {"checkbox": done},
        "Key": {"rich_text": [{"type": "text", "text": {"content": key or name}}]},
    }


def error_text(error: BaseException) -> str:
    """Everything an error shows: message, repr, args, attributes and the formatted traceback with its chain."""
    parts = [str(error), repr(error), repr(error.args), repr(vars(error))]
    parts.extend(traceback.format_exception(error))
    return "\n".join(parts)


class Leaks:
    """Collects everything a user could read back, then asserts that no canary is in any of it."""

    def __init__(self, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
        self.caplog = caplog
        self.capfd = capfd
        self.secrets: set[str] = {CANARY_SECRET}
        self.seen: dict[str, str] = {}
        self.streams = ""

    def see(self, label: str, value: Any) -> None:
        self.seen[label] = self.seen.get(label, "") + "\n" + text_of(value)

    def see_error(self, label: str, error: BaseException) -> None:
        self.see(label, error_text(error))

    def logs(self) -> str:
        """Log records and both output streams so far (the streams are drained once and kept)."""
        out, err = self.capfd.readouterr()
        self.streams += out + err
        records = "".join(record.getMessage() + repr(record.__dict__) for record in self.caplog.records)
        return self.caplog.text + records + self.streams

    def assert_clean(self, *, expect_in_logs: tuple[str, ...] = ("-> 200",)) -> None:
        logs = self.logs()
        for line in expect_in_logs:  # proves the DEBUG lines were captured, so their absence means something
            assert line in logs, f"{line!r} was not logged; is DEBUG logging captured?"
        self.see("logs and output", logs)
        needles = sorted(self.secrets | set(MARKS))
        for label, text in self.seen.items():
            for needle in needles:
                assert needle not in text, f"a canary ({needle[:8]}...) can be read back from {label}"


@pytest.fixture
def leaks(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Leaks:
    caplog.set_level(logging.DEBUG)
    for name in ("airflow.task", "airflow", "airflow_provider_notion", "urllib3", "httpx"):
        caplog.set_level(logging.DEBUG, logger=name)
        # Task and hook loggers are structlog loggers filtered by Airflow's per-namespace levels, not stdlib's.
        monkeypatch.setitem(PER_LOGGER_LEVELS, name, logging.DEBUG)
    return Leaks(caplog, capfd)


class CanaryTokenMint:
    """Stands in for the emulator's ``secrets`` module: every token it mints is a recognisable canary."""

    def __init__(self) -> None:
        self.minted: list[str] = []

    def token_hex(self, nbytes: int | None = None) -> str:
        value = f"{TOKEN_MARK}{len(self.minted):02d}_{secrets.token_hex(nbytes or 16)}"
        self.minted.append(value)
        return value

    def token_urlsafe(self, nbytes: int | None = None) -> str:
        return secrets.token_urlsafe(nbytes)


@dataclass
class World:
    emu: NotionEmulator
    integration_id: str
    database_id: str
    data_source_id: str
    page_id: str
    user_id: str

    def canary_requests(self) -> int:
        return sum(1 for r in self.emu.request_log if r.integration_id == self.integration_id)


def connection(emu: NotionEmulator, password: str, **extra: Any) -> str:
    return json.dumps(
        {
            "conn_type": "notion",
            "host": emu.base_url,
            "password": password,
            "extra": {"notion_version": VERSION, **extra},
        }
    )


@pytest.fixture
def world(notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> World:
    """``notion_default`` is an integration whose secret is the canary, sharing the seed's root page."""
    emu = notion_emulator
    root = emu.root_page_id
    integration = emu.add_integration("Nightly ETL", CANARY_SECRET, shared=[root])
    database = emu.add_database(parent_id=root, title="Tasks", properties=SCHEMA)
    emu.add_rows(database["id"], [row("first", done=True), row("second", done=False)])
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", connection(emu, CANARY_SECRET))
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")  # no client-side pacing: keeps the file fast
    return World(
        emu=emu,
        integration_id=integration.id,
        database_id=database["id"],
        data_source_id=database["data_source_id"],
        page_id=root,
        user_id=next(iter(emu.state.people)),
    )


def task_context(**params: Any) -> dict[str, Any]:
    ti = MagicMock()
    ti.get_first_reschedule_date.return_value = None
    return {"ti": ti, "ds": "2026-01-02", "run_id": "scheduled__2026-01-02", "params": params}


def paragraphs(count: int) -> list[dict[str, Any]]:
    return [
        {"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": f"p{i}"}}]}}
        for i in range(count)
    ]


# ------------------------------------------------------------------------------------------ the hook


def test_hook_every_method_with_the_canary_secret(world: World, leaks: Leaks) -> None:
    hook = NotionHook()
    ds, db = world.data_source_id, world.database_id
    item_parent = rules_item_parent(hook.version, database_id=db)
    calls: dict[str, Callable[[], Any]] = {
        "get_current_user": hook.get_current_user,
        "get_user": lambda: hook.get_user(world.user_id),
        "list_users": lambda: hook.list_users(fetch_all=True),
        "get_database": lambda: hook.get_database(db),
        "get_database_with_data_sources": lambda: database_with_data_sources(hook, db),
        "get_data_source": lambda: hook.get_data_source(ds),
        "data_source_ids": lambda: hook.data_source_ids(db),
        "resolve_data_source_id": lambda: hook.resolve_data_source_id(db),
        "query_database": lambda: hook.query_database(
            db, filter={"property": "Done", "checkbox": {"equals": True}}
        ),
        "query_database_fetch_all": lambda: hook.query_database(db, fetch_all=True, page_size=1),
        "query_data_source": lambda: hook.query_data_source(
            ds, sorts=[{"property": "Name", "direction": "ascending"}]
        ),
        "iter_query": lambda: list(hook.iter_query(db)),
        "iter_query_pages": lambda: list(hook.iter_query_pages(data_source_id=ds, page_size=1)),
        "create_database": lambda: hook.create_database(world.page_id, "Made by the hook", SCHEMA),
        "get_page": lambda: hook.get_page(world.page_id),
        "create_page": lambda: hook.create_page(
            world.page_id, {"title": "Hook page"}, children=paragraphs(101)
        ),
        "update_page": lambda: hook.update_page(world.page_id, icon={"type": "emoji", "emoji": "🧪"}),
        "append_block_children": lambda: hook.append_block_children(world.page_id, paragraphs(2)),
        "list_block_children": lambda: hook.list_block_children(world.page_id, fetch_all=True),
        "search": lambda: hook.search("Tasks"),
        "iter_search_pages": lambda: list(hook.iter_search_pages(object_type="page", page_size=2)),
        "iter_user_pages": lambda: list(hook.iter_user_pages()),
        "list_databases": lambda: hook.list_databases(fetch_all=True),
        "list_pages": lambda: hook.list_pages(page_size=5),
        "read_parent_table": lambda: read_parent_table(hook, item_parent).schema,
        "target": lambda: hook.target(db).query_path,
        "create_database_item": lambda: hook.create_database_item(
            item_parent, row("third", done=True, key="k3")
        ),
        "upsert_database_item": lambda: upsert_database_item(
            hook, item_parent, row("third, again", done=False, key="k3"), "Key"
        ),
        "find_database_items": lambda: find_database_items(
            hook,
            {"type": "data_source_id", "data_source_id": ds},
            "Key",
            "k3",
            schema=hook.get_data_source(ds)["properties"],
        ),
        "request": lambda: hook.request("GET", "/users/me", headers={"X-Run": "canary-free"}),
        "request_text": lambda: hook.request(
            "POST", "/search", json={"query": "Tasks"}, response_type="text"
        ),
        "paginate": lambda: list(hook.paginate("GET", "/users", page_size=1)),
        "iter_pages": lambda: list(hook.iter_pages("POST", "/search", json={}, page_size=3)),
        "test_connection": hook.test_connection,
    }
    for name, call in calls.items():
        leaks.see(f"hook.{name}() result", call())

    assert hook.test_connection() == (True, "Nightly ETL in " + world.emu.state.workspace_name)
    assert world.canary_requests() >= len(calls)  # every call really went out with the canary secret
    session = hook.get_conn()
    leaks.see("reprs", [repr(hook), repr(hook.settings), repr(hook.token_provider), repr(session)])
    leaks.see("session headers", dict(session.headers))
    leaks.see("str(settings)", str(hook.settings))
    leaks.assert_clean(expect_in_logs=("Notion GET /v1/users/me -> 200",))


# ------------------------------------------------------------------------------------------ the operators


def operator_tasks(world: World, tmp_path: Path) -> list[Any]:
    """One task (or more) per operator, with templated inputs rendered from ``params``."""
    ops = operators
    return [
        ops.NotionGetCurrentUserOperator(task_id="whoami", notion_version="{{ params.version }}"),
        ops.NotionGetUserOperator(task_id="user", user_id="{{ params.user }}"),
        ops.NotionGetPageOperator(task_id="page", page_id="{{ params.page }}"),
        ops.NotionGetDatabaseOperator(
            task_id="db", database_id="{{ params.db }}", include_data_sources="True"
        ),
        ops.NotionCreateDatabaseOperator(
            task_id="create_db",
            parent="{{ params.page }}",
            title="Report {{ ds }}",
            properties=json.dumps(SCHEMA),
        ),
        ops.NotionCreatePageOperator(
            task_id="create_page",
            parent="{{ params.page }}",
            properties='{"title": "Run {{ run_id }}"}',
            children=paragraphs(101),
        ),
        ops.NotionCreateDatabaseItemOperator(
            task_id="create_item",
            database_id="{{ params.db }}",
            properties=row("from a task", done=True, key="t1"),
        ),
        ops.NotionCreateDatabaseItemOperator(
            task_id="upsert_item",
            data_source_id="{{ params.ds }}",
            properties=row("updated by a task", done=False, key="t1"),
            unique_property="Key",
        ),
        ops.NotionListUsersOperator(task_id="users", fetch_all="{{ params.all }}"),
        ops.NotionListDatabasesOperator(task_id="dbs", page_size="{{ params.size }}"),
        ops.NotionListPagesOperator(
            task_id="pages", fetch_all=True, output_path=str(tmp_path / "pages.jsonl")
        ),
        ops.NotionQueryDatabaseOperator(
            task_id="query",
            database_id="{{ params.db }}",
            filter='{"property": "Done", "checkbox": {"equals": true}}',
            fetch_all=True,
        ),
        ops.NotionQueryDatabaseOperator(
            task_id="query_to_file",
            data_source_id="{{ params.ds }}",
            fetch_all=True,
            output_path=str(tmp_path / "rows.jsonl"),
        ),
        ops.NotionRawRequestOperator(
            task_id="raw", url="/users/{{ params.user }}", headers={"X-Run": "{{ run_id }}"}
        ),
        ops.NotionRawRequestOperator(
            task_id="raw_to_file",
            url="/search",
            method="POST",
            data='{"query": "Tasks"}',
            response_type="text",
            output_path=str(tmp_path / "search.json"),
        ),
    ]


def test_every_operator_rendered_executed_and_pushed(world: World, leaks: Leaks, tmp_path: Path) -> None:
    tasks = operator_tasks(world, tmp_path)
    covered = {type(task).__name__ for task in tasks}
    assert covered == set(operators.__all__) - {"NotionBaseOperator"}  # all twelve

    for task in tasks:
        context = task_context(
            version=VERSION,
            user=world.user_id,
            page=world.page_id,
            db=world.database_id,
            ds=world.data_source_id,
            all="true",
            size=2,
        )
        task.render_template_fields(context)
        result = task.execute(context)
        label = f"{task.task_id} ({type(task).__name__})"
        leaks.see(f"{label} return value", result)
        leaks.see(f"{label} rendered fields", {name: getattr(task, name) for name in task.template_fields})
        leaks.see(f"{label} XComs pushed", [call.kwargs for call in context["ti"].xcom_push.call_args_list])
        leaks.see(f"{label} reprs", [repr(task), repr(task.hook), repr(task.hook.settings)])

    for written in tmp_path.iterdir():  # output_path files: where rows go instead of XCom
        leaks.see(f"file {written.name}", written.read_text())
    assert len(list(tmp_path.iterdir())) == 3
    assert world.canary_requests() > len(tasks)
    leaks.assert_clean()


# ------------------------------------------------------------------------------------------ sensor and trigger


def test_exports_keep_the_secret_out_of_files_xcoms_and_logs(
    world: World, leaks: Leaks, tmp_path: Path
) -> None:
    from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator

    tasks = [
        NotionToObjectStorageOperator(
            task_id=f"export_{fmt}",
            data_source_id="{{ params.ds }}",
            path=str(tmp_path / "{{ ds }}" / f"rows.{fmt}"),
            format=fmt,
            mode="full",
            detect_deletes=True,
            state_path=str(tmp_path / f"state_{fmt}.json"),
        )
        for fmt in ("jsonl", "csv")
    ]
    tasks.append(
        NotionToObjectStorageOperator(
            task_id="export_users", stream="users", path=str(tmp_path / "users.csv")
        )
    )
    for task in tasks:
        context = task_context(ds=world.data_source_id)
        task.render_template_fields(context)
        result = task.execute(context)
        leaks.see(f"{task.task_id} return value", result)
        leaks.see(
            f"{task.task_id} rendered fields", {name: getattr(task, name) for name in task.template_fields}
        )
        leaks.see(f"{task.task_id} reprs", [repr(task), repr(task.hook)])
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    for path in written:
        leaks.see(f"file {path.name}", path.read_text())
    # Per format: rows, its schema sidecar, tombstones and their sidecar, the state; the users and their sidecar.
    assert len(written) == 2 * 5 + 2
    leaks.assert_clean()


def test_sensor_poke_and_deferral_keep_the_secret_out_of_the_trigger(world: World, leaks: Leaks) -> None:
    poke = NotionQuerySensor(
        task_id="wait_done",
        database_id="{{ params.db }}",
        filter={"property": "Done", "checkbox": {"equals": True}},
        edited_after="{{ data_interval_start }}",
        mode="poke",
        poke_interval=0.01,
        timeout=10,
    )
    context = {**task_context(db=world.database_id), "data_interval_start": "2020-01-01T00:00:00+00:00"}
    poke.render_template_fields(context)
    leaks.see("poke sensor result", poke.execute(context))
    leaks.see("poke sensor XComs", context["ti"].xcom_push.call_args_list)

    deferred_sensor = NotionQuerySensor(
        task_id="wait_key",
        data_source_id="{{ params.ds }}",
        filter={"property": "Key", "rich_text": {"equals": "{{ params.key }}"}},
        deferrable=True,
        poke_interval=5,
        timeout=60,
    )
    context = task_context(ds=world.data_source_id, key="not yet")
    deferred_sensor.render_template_fields(context)
    with pytest.raises(TaskDeferred) as deferred:
        deferred_sensor.execute(context)

    trigger = deferred.value.trigger
    assert isinstance(trigger, NotionQueryTrigger)
    classpath, kwargs = trigger.serialize()
    assert kwargs["conn_id"] == "notion_default"  # the connection id travels, never its secret
    leaks.see("trigger.serialize()", [classpath, kwargs])
    leaks.see("TaskDeferred", [repr(deferred.value), repr(trigger), vars(deferred.value)])
    leaks.see("sensor reprs", [repr(deferred_sensor), repr(deferred_sensor.hook.settings)])
    leaks.assert_clean()


async def single_event(trigger: NotionQueryTrigger) -> dict[str, Any]:
    events = [event.payload async for event in trigger.run()]
    assert len(events) == 1
    payload: dict[str, Any] = events[0]
    return payload


def fast_trigger(query_path: str, conn_id: str = "notion_default", **kwargs: Any) -> NotionQueryTrigger:
    kwargs.setdefault("body", {"filter": {"property": "Key", "rich_text": {"equals": "late"}}})
    return NotionQueryTrigger(
        conn_id=conn_id,
        query_path=query_path,
        end_time=time.time() + 10,
        poke_interval=0.05,
        requests_per_second=0,
        notion_version=VERSION,
        **kwargs,
    )


async def test_trigger_run_success_and_error_events(
    world: World, leaks: Leaks, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = f"/v1/data_sources/{world.data_source_id}/query"

    async def add_late_row() -> None:
        await asyncio.sleep(0.2)
        world.emu.add_rows(world.data_source_id, [row("late", done=True, key="late")])

    writer = asyncio.create_task(add_late_row())
    success = await single_event(fast_trigger(query))
    await writer
    assert success["status"] == "success" and len(success["results"]["results"]) == 1
    leaks.see("trigger success event", success)

    missing = await single_event(fast_trigger(f"/v1/data_sources/{uuid.uuid4()}/query"))
    assert missing["status"] == "error" and "object_not_found" in missing["message"]
    leaks.see("trigger 404 event", missing)

    monkeypatch.setenv("AIRFLOW_CONN_NOTION_STALE", connection(world.emu, CANARY_SECRET + "_rotated"))
    rejected = await single_event(fast_trigger(query, conn_id="notion_stale"))
    assert rejected["status"] == "error" and "401" in rejected["message"]
    leaks.see("trigger 401 event", rejected)

    world.emu.faults.inject(Fault(kind="status", status=500, path="/query$", count=20))
    broken = await single_event(fast_trigger(query, sleep=_no_wait))
    assert broken["status"] == "error" and "500" in broken["message"]
    leaks.see("trigger 500 event", broken)
    leaks.assert_clean(expect_in_logs=())


async def _no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


# ------------------------------------------------------------------------------------------ error paths


def test_error_paths_never_show_the_secret(
    world: World, leaks: Leaks, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_retry = RetryPolicy(max_retries=1, base_delay=0.0)
    hook = NotionHook(retry_policy=no_retry, sleep=lambda seconds: None)
    emu = world.emu
    failures: dict[str, tuple[type[Exception], Callable[[], Any]]] = {
        "404 page": (NotionApiError, lambda: hook.get_page(str(uuid.uuid4()))),
        "400 validation": (
            NotionApiError,
            lambda: hook.query_database(
                world.database_id, filter={"property": "Nope", "checkbox": {"equals": True}}
            ),
        ),
        "500 read": (
            NotionApiError,
            lambda: (
                emu.faults.inject(Fault(kind="status", status=500, path="/users/me$", count=5)),
                hook.get_current_user(),
            ),
        ),
        "500 write": (
            NotionWriteOutcomeUnknownError,
            lambda: (
                emu.faults.inject(Fault(kind="status", status=500, path="/pages$", method="POST")),
                hook.create_page(world.page_id, {"title": "x"}),
            ),
        ),
        "429 too long": (
            NotionApiError,
            lambda: (
                emu.faults.inject(Fault(kind="status", status=429, retry_after=3600, path="/search$")),
                hook.search("x"),
            ),
        ),
        "connection reset on a write": (
            NotionWriteOutcomeUnknownError,
            lambda: (
                emu.faults.inject(Fault(kind="reset", path="/pages$", method="POST")),
                hook.create_page(world.page_id, {"title": "x"}),
            ),
        ),
        "truncated read": (
            NotionTransportError,
            lambda: (emu.faults.inject(Fault(kind="truncate", path="/users$", count=5)), hook.list_users()),
        ),
    }
    for label, (expected, call) in failures.items():
        with pytest.raises(expected) as caught:
            call()
        leaks.see_error(label, caught.value)

    monkeypatch.setenv("AIRFLOW_CONN_NOTION_STALE", connection(emu, CANARY_SECRET + "_rotated"))
    stale = NotionHook("notion_stale", requests_per_second=None)
    with pytest.raises(NotionApiError) as unauthorized:
        stale.get_current_user()
    assert unauthorized.value.status == 401
    leaks.see_error("401", unauthorized.value)
    leaks.see("failed test_connection", stale.test_connection())
    leaks.see("stale hook reprs", [repr(stale), repr(stale.settings), repr(stale.token_provider)])

    task = operators.NotionGetPageOperator(task_id="missing", page_id=str(uuid.uuid4()))
    with pytest.raises(NotionError) as task_error:
        task.execute(task_context())
    leaks.see_error("operator failure", task_error.value)
    leaks.assert_clean(expect_in_logs=("-> 500", "-> 401"))


# ------------------------------------------------------------------------------------------ OAuth


def test_oauth_refresh_with_canary_client_secret_and_tokens(
    world: World, leaks: Leaks, monkeypatch: pytest.MonkeyPatch
) -> None:
    mint = CanaryTokenMint()
    monkeypatch.setattr(oauth_routes, "secrets", mint)
    # Inside a task (a refresh needs a store it can write), with the default token store's Airflow Variables kept
    # by a fake supervisor: later hooks start from the rotated pair. The store holds the tokens on purpose; like a
    # connection, it is not a place that is read back.
    from airflow.sdk.execution_time import task_runner

    monkeypatch.setattr(task_runner, "SUPERVISOR_COMMS", FakeSupervisor(), raising=False)
    emu = world.emu
    add_public_integration(
        emu,
        client_id=CLIENT_ID,
        client_secret=CANARY_CLIENT_SECRET,
        redirect_uris=[REDIRECT_URI],
        name="Nightly OAuth",
        shared=[world.page_id],
    )
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    client = NotionOAuthClient(CLIENT_ID, CANARY_CLIENT_SECRET, base_url=emu.base_url)
    granted = client.exchange_code(code, REDIRECT_URI)
    assert granted.access_token.startswith("ntn_" + TOKEN_MARK) and granted.refresh_token
    leaks.see("OAuthTokens repr", [repr(granted), repr(client)])
    conn = {
        "conn_type": "notion",
        "host": emu.base_url,
        "login": CLIENT_ID,
        "password": CANARY_CLIENT_SECRET,
        "extra": {
            "auth_type": "oauth",
            "access_token": granted.access_token,
            "refresh_token": granted.refresh_token,
            "notion_version": VERSION,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_OAUTH", json.dumps(conn))

    hook = NotionHook("notion_oauth")
    leaks.see("oauth hook before refresh", hook.get_current_user())
    assert expire_access_token(emu) == 1
    leaks.see("oauth hook after refresh", hook.query_database(world.database_id, fetch_all=True))
    refreshes = [r.status for r in emu.request_log if r.path == "/v1/oauth/token"]
    assert refreshes == [200, 200]  # the exchange, then one refresh with rotation
    leaks.see("introspect", hook.introspect_token())
    leaks.see("oauth reprs", [repr(hook), repr(hook.settings), repr(hook.token_provider), str(hook.settings)])
    leaks.see(
        "oauth provider attributes",
        {k: repr(v) for k, v in vars(hook.token_provider).items() if "token" not in k and "pair" not in k},
    )

    task = operators.NotionQueryDatabaseOperator(
        task_id="oauth_query", notion_conn_id="notion_oauth", database_id="{{ params.db }}"
    )
    context = task_context(db=world.database_id)
    task.render_template_fields(context)
    leaks.see(
        "oauth operator", [task.execute(context), context["ti"].xcom_push.call_args_list, repr(task.hook)]
    )

    sensor = NotionQuerySensor(
        task_id="oauth_wait",
        notion_conn_id="notion_oauth",
        database_id=world.database_id,
        filter={"property": "Key", "rich_text": {"equals": "never"}},
        deferrable=True,
        timeout=30,
    )
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(task_context())
    leaks.see("oauth trigger.serialize()", deferred.value.trigger.serialize())

    hook.revoke_token()
    hook.token_provider.invalid_grant_grace = 0.05  # type: ignore[attr-defined]
    with pytest.raises(NotionOAuthError) as revoked:
        hook.get_current_user()
    leaks.see_error("oauth after revocation", revoked.value)

    leaks.secrets |= {CANARY_CLIENT_SECRET, *mint.minted}
    assert sum(token.startswith(TOKEN_MARK) for token in mint.minted) >= 4  # two pairs, both canaries
    leaks.assert_clean(expect_in_logs=("Notion OAuth POST /v1/oauth/token -> 200",))
