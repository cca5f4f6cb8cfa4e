"""End to end with real Airflow components: a row changed in Notion starts a DAG; a Notion write starts another.

The test starts an API server (the workers' execution API), a DAG processor, a scheduler (LocalExecutor) and a
triggerer on a throwaway AIRFLOW_HOME with SQLite, all against the emulator of this process on 127.0.0.1, and
stops them at the end. It checks:

- ``example_notion_on_change`` (scheduled on a Notion asset with a ``NotionChangeTrigger`` watcher) runs because
  a row was added to the watched data source, reads the row and writes the summary row into the change log;
- the watcher keeps its watermark in Airflow's asset state store: after the triggerer is stopped, a row added
  while it is down, and a new triggerer started, the DAG runs again for that row;
- a DAG scheduled on ``notion://database/<id>`` runs after another DAG's ``NotionCreateDatabaseItemOperator``
  wrote into that database (the operator declares the asset as its outlet).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
DEADLINE_SECONDS = 600

WRITER_DAGS = """
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from airflow.sdk import DAG, task

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.operators.notion import NotionCreateDatabaseItemOperator

with DAG(dag_id="e2e_writer", schedule=None, start_date=datetime(2026, 1, 1), catchup=False):
    NotionCreateDatabaseItemOperator(
        task_id="write",
        database_id="{target_link}",
        properties={{"Name": {{"title": "written by e2e"}}}},
        asset_name="e2e_target",
    )

with DAG(
    dag_id="e2e_after_write",
    schedule=[notion_asset("database", "{target_undashed}", name="e2e_target")],
    start_date=datetime(2026, 1, 1),
    catchup=False,
):
    @task
    def mark(triggering_asset_events=None) -> None:
        seen = [
            {{"name": asset.name, "uri": str(asset.uri), "extra": event.extra}}
            for asset, events in (triggering_asset_events or {{}}).items()
            for event in events
        ]
        Path("{marker}").write_text(json.dumps(seen))

    mark()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], Any], what: str, deadline: float, processes: dict[str, Path]) -> Any:
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    logs = "\n".join(
        f"--- {name}\n{path.read_text(errors='replace')[-3000:]}" for name, path in processes.items()
    )
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.mark.timeout(DEADLINE_SECONDS + 240)  # migrate and shutdown come on top of the waits' own deadline
def test_a_notion_change_and_a_notion_write_start_dags(emu: NotionEmulator, tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    # The watched database's title property is not called "Name": the example reads it from the schema.
    watched = emu.add_database(
        parent_id=emu.root_page_id, title="Tickets", properties={"Ticket": {"title": {}}}
    )
    changelog = emu.add_database(
        parent_id=emu.root_page_id,
        title="Change log",
        properties={"Name": {"title": {}}, "Changed": {"number": {}}},
    )
    target = emu.add_database(parent_id=emu.root_page_id, title="Target", properties={"Name": {"title": {}}})
    home, dags = tmp_path / "home", tmp_path / "dags"
    dags.mkdir(parents=True)
    shutil.copy(ROOT / "example_dags" / "example_notion_on_change.py", dags)
    marker = tmp_path / "after_write.txt"
    target_undashed = str(target["id"]).replace("-", "")
    (dags / "e2e_writer.py").write_text(
        WRITER_DAGS.format(
            target_link=f"https://www.notion.so/acme/Target-{target_undashed}",
            target_undashed=target_undashed,
            marker=marker,
        )
    )
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_", "AIRFLOW__"))
    }
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": "e2e-only-jwt-secret-not-a-real-one",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
            "AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(emu.airflow_conn_dict),
            "NOTION_WATCHED_DATA_SOURCE_ID": str(watched["data_source_id"]),
            "NOTION_WATCH_POLL_SECONDS": "2",
            "NOTION_CHANGELOG_DATABASE_ID": str(changelog["id"]),
            "AIRFLOW_NOTION_PACING_DIR": str(tmp_path / "pacing"),
        }
    )
    airflow = [sys.executable, "-m", "airflow"]
    migrate = subprocess.run(
        [*airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=300
    )
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]

    logs: dict[str, Path] = {}
    running: list[subprocess.Popen[bytes]] = []
    try:
        for component in (
            ["api-server", "--port", str(port)],
            ["dag-processor"],
            ["scheduler"],
            ["triggerer"],
        ):
            log_path = tmp_path / f"{component[0]}.log"
            logs[component[0]] = log_path
            with log_path.open("wb") as log:
                running.append(
                    subprocess.Popen([*airflow, *component], env=env, stdout=log, stderr=subprocess.STDOUT)
                )

        def watcher_polled() -> bool:
            path = f"/v1/data_sources/{watched['data_source_id']}/query"
            return any(r.path == path and r.status == 200 for r in emu.request_log)

        wait_for(watcher_polled, "the triggerer to poll the watched data source", deadline, logs)
        emu.add_rows(
            str(watched["data_source_id"]), [{"Ticket": {"title": [{"text": {"content": "ticket-1"}}]}}]
        )

        def summary_rows() -> list[Any]:
            source = emu.state.data_sources[str(changelog["data_source_id"])]
            return list(source.rows.values())

        [summary] = wait_for(
            summary_rows, "the summary row written by example_notion_on_change", deadline, logs
        )
        assert summary.row["properties"]["Changed"]["number"] == 1
        assert "1 changed: ticket-1" in json.dumps(summary.row["properties"]["Name"])

        # Restart: stop the triggerer, change a row while it is down, start a new one.
        stored = sqlite3.connect(home / "airflow.db").execute(
            "SELECT value FROM asset_state_store WHERE key = 'notion_change_watermark'"
        )
        assert [json.loads(value) for (value,) in stored.fetchall()] != []
        triggerer = running.pop()
        triggerer.terminate()
        triggerer.wait(timeout=60)
        emu.add_rows(
            str(watched["data_source_id"]), [{"Ticket": {"title": [{"text": {"content": "ticket-2"}}]}}]
        )
        logs["triggerer-2"] = tmp_path / "triggerer-2.log"
        with logs["triggerer-2"].open("wb") as log:
            running.append(
                subprocess.Popen([*airflow, "triggerer"], env=env, stdout=log, stderr=subprocess.STDOUT)
            )

        def summary_of_the_second_row() -> list[Any]:
            return [row for row in summary_rows() if "ticket-2" in json.dumps(row.row["properties"]["Name"])]

        wait_for(
            summary_of_the_second_row,
            "a run for the row changed while the triggerer was down",
            deadline,
            logs,
        )
        assert "resumed from the asset state store" in logs["triggerer-2"].read_text(errors="replace")

        trigger = subprocess.run(
            [*airflow, "dags", "trigger", "e2e_writer"], env=env, capture_output=True, text=True, timeout=120
        )
        assert trigger.returncode == 0, trigger.stdout[-2000:] + trigger.stderr[-2000:]
        wait_for(marker.exists, "e2e_after_write to run after the Notion write", deadline, logs)
        target_rows = emu.state.data_sources[str(target["data_source_id"])].rows
        assert len(target_rows) == 1
        (row,) = target_rows.values()
        (seen,) = json.loads(marker.read_text())
        assert (seen["name"], seen["uri"]) == ("e2e_target", f"notion://database/{target['id']}")
        extra = seen["extra"]
        assert str(row.id).replace("-", "") in extra.pop("url")
        assert extra == {
            "title": "Target",
            "page_id": row.id,
            "page_title": "written by e2e",
            "action": "created",
        }
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    for name, path in logs.items():
        assert emu.token not in path.read_text(errors="replace"), f"the token leaked into the {name} log"
