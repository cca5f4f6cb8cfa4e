"""NotionNotifier against the emulator over real HTTP: rendering per call, the key lookup, limits, masking,
the deadline and the async path of deadline alerts."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import DAG
from airflow.providers.common.compat.version_compat import AIRFLOW_V_3_1_PLUS
from notion_emulator import NotionEmulator

from airflow_provider_notion.connection.masking import mask_secret
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.get_provider_info import get_provider_info
from airflow_provider_notion.notifications.content import fit_blocks, paragraph, safe_text
from airflow_provider_notion.notifications.notion import NotionNotifier

SCHEMA = {
    "Name": {"title": {}},
    "Status": {"select": {}},
    "Try": {"number": {}},
    "When": {"date": {}},
    "Run": {"rich_text": {}},
}
TEMPLATES = {
    "Name": "{{ ti.dag_id }}.{{ ti.task_id }}[{{ ti.map_index }}]",
    "Status": "{{ ti.state }}",
    "Try": "{{ ti.try_number }}",
    "When": "{{ ts }}",
    "Run": "{{ run_id }}",
}


# Task and DAG callback contexts always carry the DAG (Airflow 2 renders templates with its Jinja environment).
DAG_ = DAG(dag_id="etl", schedule=None)
needs_deadline_alerts = pytest.mark.skipif(not AIRFLOW_V_3_1_PLUS, reason="deadline alerts need Airflow 3.1+")


def ti(state: str = "failed", try_number: int = 1, map_index: int = -1, task_id: str = "load") -> Any:
    return SimpleNamespace(
        dag_id="etl",
        task_id=task_id,
        run_id="manual__1",
        map_index=map_index,
        try_number=try_number,
        state=state,
    )


def context(task: Any, error: BaseException | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "dag": DAG_,
        "ti": task,
        "ts": "2026-03-01T10:00:00+00:00",
        "run_id": task.run_id,
    }
    if error is not None:
        found["exception"] = error
    return found


@pytest.fixture
def database(notion_emulator_conn: NotionEmulator) -> dict[str, Any]:
    return notion_emulator_conn.add_database(
        parent_id=notion_emulator_conn.root_page_id, title="Incidents", properties=SCHEMA
    )


def rows(emu: NotionEmulator, database: dict[str, Any]) -> list[dict[str, Any]]:
    return emu.state.pages_in(database["id"])


def text_of(emu: NotionEmulator, page_id: str) -> str:
    return json.dumps(emu.state.block_children_of(page_id))


def logged(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> str:
    """What was logged: through logging, and through Airflow's structlog (printed)."""
    captured = capsys.readouterr()
    return caplog.text + captured.out + captured.err


def plain(prop: dict[str, Any]) -> str:
    return "".join(part["plain_text"] for part in prop[prop["type"]])


def test_registered_under_notifications_in_the_provider_info() -> None:
    assert get_provider_info()["notifications"] == [
        "airflow_provider_notion.notifications.notion.NotionNotifier"
    ]


def test_every_argument_that_carries_text_is_a_template_field() -> None:
    fields = set(NotionNotifier.template_fields)
    assert {"database_id", "parent_page_id", "properties", "markdown", "key", "notion_conn_id"} <= fields


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "database_id"),
        ({"database_id": "a" * 32, "parent_page_id": "b" * 32}, "database_id"),
        ({"database_id": "a" * 32, "timeout": 0}, "timeout"),
        ({"database_id": "a" * 32, "timeout": float("nan")}, "timeout"),
        ({"database_id": "a" * 32, "max_retries": 50}, "max_retries"),
        ({"database_id": "a" * 32, "properties": ["Name"]}, "properties"),
        ({"database_id": "a" * 32, "notion_version": "2020-01-01"}, "notion_version"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(NotionInputError) as caught:
        NotionNotifier(**kwargs)
    assert caught.value.field == field


def test_each_call_renders_from_the_original_templates(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    notifier = NotionNotifier(database_id=database["id"], properties=TEMPLATES)
    for index in (0, 1):
        notifier(context(ti(map_index=index)))
    assert notifier.properties == TEMPLATES  # never rendered in place
    found = {plain(r["properties"]["Name"]): r["properties"] for r in rows(emu, database)}
    assert set(found) == {"etl.load[0]", "etl.load[1]"}
    props = found["etl.load[1]"]
    assert props["Status"]["select"]["name"] == "failed"
    assert props["Try"]["number"] == 1
    assert props["When"]["date"]["start"].startswith("2026-03-01T10:00:00")
    assert plain(props["Run"]) == "manual__1"


def test_retries_update_one_row_found_by_its_key_and_success_sets_its_status(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    notifier = NotionNotifier(database_id=database["id"], properties=TEMPLATES)
    notifier(context(ti("up_for_retry", 1), RuntimeError("first")))
    notifier(context(ti("up_for_retry", 2), RuntimeError("second")))
    NotionNotifier(database_id=database["id"], properties={**TEMPLATES, "Status": "succeeded"})(
        context(ti("success", 3))
    )
    [row] = rows(emu, database)
    assert row["properties"]["Status"]["select"]["name"] == "succeeded"
    assert row["properties"]["Try"]["number"] == 3
    body = text_of(emu, row["id"])
    for expected in (
        "Up for retry: load",
        "RuntimeError",
        "first",
        "second",
        "Success: load",
        "Try number: 3",
    ):
        assert expected in body
    creates = [r for r in emu.request_log if r.method == "POST" and r.path == "/v1/pages"]
    assert len(creates) == 1


def test_the_key_can_be_another_property(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    for name in ("first title", "second title"):
        NotionNotifier(
            database_id=database["id"], key="Run", properties={"Name": name, "Run": "{{ run_id }}"}
        )(context(ti()))
    [row] = rows(emu, database)
    assert plain(row["properties"]["Name"]) == "second title"


def test_without_a_key_value_the_row_is_one_per_task_instance(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    notifier = NotionNotifier(database_id=database["id"], properties={"Status": "failed"})
    notifier(context(ti(map_index=2)))
    notifier(context(ti(map_index=2, try_number=2)))
    [row] = rows(emu, database)
    assert plain(row["properties"]["Name"]) == "etl.load[2] manual__1"


def test_the_default_body_names_the_task_and_links_its_log(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://airflow.example.com/")
    emu = notion_emulator_conn
    NotionNotifier(database_id=database["id"])(context(ti(try_number=2, map_index=4), KeyError("k")))
    [row] = rows(emu, database)
    body = text_of(emu, row["id"])
    for expected in (
        "DAG: etl",
        "Task: load",
        "Run id: manual__1",
        "Map index: 4",
        "Try number: 2",
        "KeyError",
    ):
        assert expected in body
    assert "https://airflow.example.com/dags/etl/runs/manual__1/tasks/load/mapped/4?try_number=2" in body


def test_a_long_exception_is_cut_to_one_rich_text_item_pointing_at_the_log(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    NotionNotifier(database_id=database["id"])(context(ti(), ValueError("x" * 50_000)))
    [row] = rows(emu, database)
    [code] = [b for b in emu.state.block_children_of(row["id"]) if b["type"] == "code"]
    [item] = code["code"]["rich_text"]
    assert len(item["plain_text"]) <= 2000
    assert "more characters cut; the full text is in the task log: http" in item["plain_text"]


def test_a_body_of_more_than_one_request_is_cut_with_a_note(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    markdown = "\n\n".join(f"Line {n}" for n in range(1, 151))
    NotionNotifier(database_id=database["id"], markdown=markdown)(context(ti()))
    [row] = rows(emu, database)
    blocks = emu.state.block_children_of(row["id"])
    assert len(blocks) == 100
    assert "Line 99" in json.dumps(blocks[98])
    assert "51 more blocks of this notification were not written" in json.dumps(blocks[99])


def test_limits_helpers_keep_short_things_whole() -> None:
    assert safe_text("short") == "short"
    blocks = [paragraph(str(n)) for n in range(100)]
    assert fit_blocks(blocks) == blocks


def test_secrets_in_the_exception_and_templates_do_not_reach_notion(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    password = "db-pass-7d1f0c2e9a"
    mask_secret(password)  # what the task process does for every connection it reads
    error = RuntimeError(f"login failed with {password} and token {emu.token}")
    NotionNotifier(
        database_id=database["id"], properties={"Run": "{{ exception }}"}, markdown="Error: {{ exception }}"
    )(context(ti(), error))
    NotionNotifier(database_id=database["id"])(context(ti(try_number=2), error))
    [row] = rows(emu, database)
    written = json.dumps(row) + text_of(emu, row["id"])
    assert "login failed with" in json.dumps(row["properties"]["Run"])
    nested = {"rich_text": [{"type": "text", "text": {"content": "nested {{ exception }}"}}]}
    NotionNotifier(database_id=database["id"], properties={"Run": nested})(context(ti(try_number=3), error))
    [row] = rows(emu, database)
    assert "nested login failed with" in json.dumps(row["properties"]["Run"])
    written += json.dumps(row) + text_of(emu, row["id"])
    assert "login failed with" in written
    assert password not in written
    assert emu.token not in written


def test_notion_answering_500s_is_logged_with_what_to_fix_and_never_raised(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu = notion_emulator_conn
    emu.faults.inject(kind="status", status=500, count=100)
    notifier = NotionNotifier(database_id=database["id"], timeout=10, max_retries=1)
    with caplog.at_level(logging.WARNING):
        notifier(context(ti()))
    log = logged(caplog, capsys)
    assert rows(emu, database) == []
    assert "NotionNotifier could not write to database" in log
    assert "Notion API error 500 internal_server_error" in log
    assert len(emu.request_log) == 2  # the first read and its single retry, nothing more


def test_a_hanging_notion_is_given_up_at_the_deadline(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu = notion_emulator_conn
    emu.faults.inject(kind="delay", delay_seconds=20, count=5)
    notifier = NotionNotifier(database_id=database["id"], timeout=2)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        notifier(context(ti()))
    log = logged(caplog, capsys)
    assert time.monotonic() - started < 4
    assert "deadline of 2 s" in log


def test_a_write_whose_answer_is_lost_is_not_sent_again(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu = notion_emulator_conn
    emu.faults.inject(kind="status", status=500, method="POST", path="/v1/pages$", when="after")
    with caplog.at_level(logging.WARNING):
        NotionNotifier(database_id=database["id"])(context(ti()))
    log = logged(caplog, capsys)
    assert len(rows(emu, database)) == 1
    assert "may or may not have been applied" in log


def test_a_properties_mismatch_is_logged_naming_the_property(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with caplog.at_level(logging.WARNING):
        NotionNotifier(database_id=database["id"], properties={"Severity": "high"})(context(ti()))
    log = logged(caplog, capsys)
    assert "properties.Severity" in log
    assert rows(notion_emulator_conn, database) == []


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03"])
def test_older_notion_versions(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], version: str
) -> None:
    notifier = NotionNotifier(database_id=database["id"], properties=TEMPLATES, notion_version=version)
    notifier(context(ti()))
    notifier(context(ti(try_number=2)))
    [row] = rows(notion_emulator_conn, database)
    assert row["properties"]["Try"]["number"] == 2


def test_page_mode_appends_blocks_or_a_child_page(notion_emulator_conn: NotionEmulator) -> None:
    emu = notion_emulator_conn
    page = emu.root_page_id
    before = len(emu.state.block_children_of(page))
    NotionNotifier(parent_page_id=page, markdown="run {{ run_id }} failed")(context(ti()))
    after = emu.state.block_children_of(page)
    assert len(after) == before + 1
    assert "run manual__1 failed" in json.dumps(after[-1])
    NotionNotifier(parent_page_id=page, child_page=True)(context(ti(task_id="report")))
    [child] = [p for p in emu.state.find_pages(parent_id=page) if "etl.report" in json.dumps(p["properties"])]
    assert "Task: report" in text_of(emu, child["id"])


def deadline_context(run_id: str = "scheduled__2026-03-01") -> dict[str, Any]:
    """What Airflow 3.1+ hands a deadline alert's callback in the triggerer."""
    return {
        # The DAG run as Airflow's REST API shows it (DAGRunResponse): the run id is ``dag_run_id``.
        "dag_run": {"dag_id": "etl", "dag_run_id": run_id, "state": "running"},
        "deadline": {"id": "0b5d", "deadline_time": "2026-03-01T11:00:00+00:00"},
    }


@needs_deadline_alerts
def test_a_deadline_alert_writes_its_row_through_async_notify(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    kwargs = {
        "database_id": database["id"],
        "properties": {"Name": "{{ dag_run.dag_id }} {{ run_id }}", "Status": "deadline missed"},
    }

    async def as_the_triggerer_does() -> None:
        # CallbackTrigger: ``await callback(**kwargs, context=context)``, on the triggerer's event loop.
        await NotionNotifier(**kwargs, context=deadline_context())  # type: ignore[arg-type]

    asyncio.run(as_the_triggerer_does())
    [row] = rows(emu, database)
    assert plain(row["properties"]["Name"]) == "etl scheduled__2026-03-01"
    assert row["properties"]["Status"]["select"]["name"] == "deadline missed"
    body = text_of(emu, row["id"])
    assert "Deadline missed" in body and "/dags/etl/runs/scheduled__2026-03-01" in body


@needs_deadline_alerts
def test_async_notify_keeps_the_event_loop_free_and_its_deadline(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu = notion_emulator_conn
    emu.faults.inject(kind="delay", delay_seconds=20, count=5)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    async def main() -> float:
        beat = asyncio.create_task(ticker())
        started = time.monotonic()
        await NotionNotifier(database_id=database["id"], timeout=1.5, context=deadline_context())
        beat.cancel()
        return time.monotonic() - started

    with caplog.at_level(logging.WARNING):
        took = asyncio.run(main())
    log = logged(caplog, capsys)
    assert took < 3
    assert ticks >= 10  # the loop kept running other work while the notifier waited
    assert "deadline of 1.5 s" in log


def test_a_dag_callback_gets_one_row_per_run(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    dag_run = SimpleNamespace(dag_id="etl", run_id="scheduled__1", state="failed")
    notifier = NotionNotifier(database_id=database["id"], properties={"Status": "{{ dag_run.state }}"})
    notifier({"dag": DAG_, "dag_run": dag_run, "reason": "task_failure"})
    notifier({"dag": DAG_, "dag_run": dag_run, "reason": "task_failure"})
    [row] = rows(emu, database)
    assert plain(row["properties"]["Name"]) == "etl scheduled__1"
    assert row["properties"]["Status"]["select"]["name"] == "failed"
    assert "task_failure" in text_of(emu, row["id"])


def test_the_deadline_shortens_each_request_and_refuses_a_wait_past_it() -> None:
    from airflow_provider_notion.notifications.deadline import Deadline, NotifyDeadlineReached
    from tests.helpers import FakeClock

    clock = FakeClock()
    deadline = Deadline(5, clock=clock, sleep=clock.sleep)
    assert deadline.request_timeout(10) == 5
    deadline.sleep(3)
    assert deadline.request_timeout(10) == 2
    with pytest.raises(NotifyDeadlineReached):
        deadline.sleep(2)
    clock.sleep(2)
    with pytest.raises(NotifyDeadlineReached, match="deadline of 5 s"):
        deadline.request_timeout(10)
    assert clock.sleeps == [3, 2]


def test_when_two_rows_share_the_key_the_oldest_is_updated(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    row = {"Name": {"title": [{"text": {"content": "etl.load"}}]}}
    older, newer = emu.add_rows(str(database["data_source_id"]), [row, row])
    stored = emu.state.data_sources[str(database["data_source_id"])].rows
    with emu.state.lock:  # Notion keeps created_time to the minute: put the two rows minutes apart
        stored[older].row["created_time"] = "2026-01-01T00:00:00.000Z"
        stored[newer].row["created_time"] = "2026-01-01T00:05:00.000Z"
    NotionNotifier(database_id=database["id"], properties={"Name": "etl.load", "Status": "failed"})(
        context(ti())
    )
    status = {r["id"]: r["properties"]["Status"]["select"] for r in rows(emu, database)}
    assert status[newer] is None
    assert status[older]["name"] == "failed"


def test_a_long_templated_property_is_cut_to_one_rich_text_item(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    notifier = NotionNotifier(database_id=database["id"], properties={"Run": "{{ exception }}"})
    notifier(context(ti(), ValueError("y" * 300_000)))  # 150 items of 2,000: more than Notion's 100
    [row] = rows(emu, database)
    [item] = row["properties"]["Run"]["rich_text"]
    assert len(item["plain_text"]) == 2000
    assert item["plain_text"].startswith("yyy")
    assert "more characters cut; the full text is in the task log: http" in item["plain_text"]


def test_a_long_templated_paragraph_keeps_within_100_rich_text_items(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    emu = notion_emulator_conn
    notifier = NotionNotifier(database_id=database["id"], markdown="Error: {{ exception }}")
    notifier(context(ti(), ValueError("z" * 300_000)))
    [row] = rows(emu, database)
    [block] = emu.state.block_children_of(row["id"])
    items = block["paragraph"]["rich_text"]
    assert len(items) == 100
    assert "more characters cut; the full text is in the task log" in items[-1]["plain_text"]
    assert items[-1]["href"] == "http://localhost:8080/dags/etl/runs/manual__1/tasks/load?try_number=1"
