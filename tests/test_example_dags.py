"""The example DAGs parse with no connection, no Variable and no network, and are wired as documented."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

EXAMPLE_DAGS = Path(__file__).resolve().parent.parent / "example_dags"
DAG_IDS = {
    "example_notion_etl",
    "example_notion_export",
    "example_notion_export_consumer",
    "example_notion_export_snapshot",
    "example_notion_notifier",
    "example_notion_notifier_setup",
    "example_notion_on_change",
    "example_notion_page_content",
    "example_notion_pages",
    "example_notion_raw_request",
    "example_notion_report",
    "example_notion_sql_sync",
    "example_notion_sql_sync_consumer",
    "example_notion_users",
    "example_notion_webhooks",
}


@pytest.fixture(scope="module")
def dagbag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(EXAMPLE_DAGS))


@pytest.fixture(autouse=True)
def _no_connection_or_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NOTION_DEFAULT", raising=False)
    monkeypatch.delenv("NOTION_PARENT_PAGE_ID", raising=False)


def test_dagbag_has_no_import_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS


@pytest.mark.parametrize("path", sorted(EXAMPLE_DAGS.glob("*.py")), ids=lambda p: p.name)
def test_each_file_imports_as_a_plain_module_without_network(path: Path, requests_mock: rm.Mocker) -> None:
    spec = importlib.util.spec_from_file_location(f"_example_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.dag.dag_id == path.stem
    assert requests_mock.call_count == 0


def test_etl_wiring(dagbag: Any) -> None:
    dag = dagbag.dags["example_notion_etl"]
    tasks = {t.task_id: t for t in dag.tasks}
    assert set(tasks) == {
        "extract",
        "create_database",
        "sync_rows",
        "wait_for_items",
        "query_items",
        "report",
    }
    assert tasks["create_database"].downstream_task_ids >= {"sync_rows", "query_items", "wait_for_items"}
    assert tasks["create_database"].if_exists == "reuse"  # scheduled runs find the database again
    assert tasks["extract"].downstream_task_ids == {"sync_rows"}
    assert tasks["sync_rows"].downstream_task_ids == {"wait_for_items"}
    assert tasks["wait_for_items"].downstream_task_ids == {"query_items"}
    assert tasks["query_items"].downstream_task_ids == {"report"}
    # The parent page is a template resolved at run time, not a value read at parse time.
    assert "notion_parent_page_id" in tasks["create_database"].parent
    assert dag.schedule == "@daily" and dag.max_active_runs == 1


def test_parent_page_renders_from_the_environment_at_run_time(
    dagbag: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    task = dagbag.dags["example_notion_etl"].get_task("create_database")
    var = SimpleNamespace(value=SimpleNamespace(get=lambda key, default=None: default))  # no Variable set
    monkeypatch.setenv("NOTION_PARENT_PAGE_ID", "393abc1eedcd81e895dcec52a3110c68")
    context = {"var": var, "ds": "2026-01-02", "dag": task.dag, "run_id": "manual__1"}
    task.render_template_fields(context)
    assert task.parent == "393abc1eedcd81e895dcec52a3110c68"
    assert task.title == "Sensor readings"  # one database for every run, not one per day


def test_other_dags_show_the_xcom_wiring(dagbag: Any) -> None:
    users = dagbag.dags["example_notion_users"]
    assert users.get_task("get_me").downstream_task_ids == {"get_user", "summarise"}
    pages = dagbag.dags["example_notion_pages"]
    assert pages.get_task("create_page").downstream_task_ids == {"get_page"}
    assert len(pages.get_task("create_page").children) == 150  # more than one request's worth
    raw = dagbag.dags["example_notion_raw_request"]
    assert json.loads(json.dumps(raw.get_task("search").data))["page_size"] == 5
    assert raw.get_task("summarise").upstream_task_ids == {"whoami", "search", "users_page"}


def test_report_wiring(dagbag: Any) -> None:
    dag = dagbag.dags["example_notion_report"]
    tasks = {t.task_id: t for t in dag.tasks}
    assert tasks["report_page"].downstream_task_ids == {"write_report", "attach_csv", "notify"}
    # The attachment comes after the content is replaced, or the replace would remove it.
    assert tasks["write_report"].downstream_task_ids == {"attach_csv"}
    assert tasks["attach_csv"].downstream_task_ids == {"notify"}
    assert tasks["old_report_ids"].downstream_task_ids == {"trash_old_report"}
    assert tasks["report_page"].unique_property == "Name"


def test_on_change_dag_is_scheduled_on_a_watched_notion_asset(dagbag: Any) -> None:
    from airflow_provider_notion.triggers.change import NotionChangeTrigger

    dag = dagbag.dags["example_notion_on_change"]
    from airflow.sdk import Asset

    [asset] = [a for a in dag.timetable.asset_condition.objects if isinstance(a, Asset)]
    assert asset.uri.startswith("notion://data_source/")
    [watcher] = asset.watchers
    assert watcher.name == "notion_tickets_changes"
    assert isinstance(watcher.trigger, NotionChangeTrigger) or "NotionChangeTrigger" in str(watcher.trigger)


def test_page_content_wiring(dagbag: Any) -> None:
    dag = dagbag.dags["example_notion_page_content"]
    tasks = {t.task_id: t for t in dag.tasks}
    assert tasks["create_page"].downstream_task_ids == {
        "append_log",
        "read_content",
        "comment",
        "list_comments",
        "mark_done",
    }
    # The content is read after the append, the comments listed after the comment is made.
    assert tasks["append_log"].downstream_task_ids == {"read_content"}
    assert tasks["comment"].downstream_task_ids == {"list_comments"}
    assert tasks["create_database"].downstream_task_ids == {"describe_database", "add_run"}
    # The update needs the row (its id) and the notes page (its URL, from an XCom nested in properties).
    assert tasks["mark_done"].upstream_task_ids == {"add_run", "create_page"}
    assert tasks["create_database"].if_exists == "reuse"
    assert tasks["add_run"].unique_property == "Name"
    assert tasks["create_page"].markdown.startswith("# Run notes for {{ ds }}")
    assert "notion_parent_page_id" in tasks["create_page"].parent
    assert dag.schedule is None


def test_every_example_dag_is_run_by_an_end_to_end_test() -> None:
    """Examples that only parse can still fail when followed: each DAG id is run in tests/e2e/."""
    e2e = "".join(path.read_text() for path in (EXAMPLE_DAGS.parent / "tests" / "e2e").glob("test_*.py"))
    never_run = sorted(dag_id for dag_id in DAG_IDS if not re.search(rf"\b{dag_id}\b", e2e))
    assert never_run == []
