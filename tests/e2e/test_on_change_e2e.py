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
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from tests.e2e.airflow_processes import AirflowDeployment

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
    dags = tmp_path / "dags"
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
    airflow = AirflowDeployment(
        tmp_path,
        dags,
        {
            "AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(emu.airflow_conn_dict),
            "NOTION_WATCHED_DATA_SOURCE_ID": str(watched["data_source_id"]),
            "NOTION_WATCH_POLL_SECONDS": "2",
            "NOTION_CHANGELOG_DATABASE_ID": str(changelog["id"]),
        },
    )
    airflow.migrate()

    try:
        for component in ("api-server", "dag-processor", "scheduler", "triggerer"):
            airflow.start(component, *(["--port", str(airflow.port)] if component == "api-server" else []))

        def watcher_polled() -> bool:
            path = f"/v1/data_sources/{watched['data_source_id']}/query"
            return any(r.path == path and r.status == 200 for r in emu.request_log)

        airflow.wait_for(watcher_polled, "the triggerer to poll the watched data source", deadline, every=1)
        emu.add_rows(
            str(watched["data_source_id"]), [{"Ticket": {"title": [{"text": {"content": "ticket-1"}}]}}]
        )

        def summary_rows() -> list[Any]:
            source = emu.state.data_sources[str(changelog["data_source_id"])]
            return list(source.rows.values())

        [summary] = airflow.wait_for(
            summary_rows, "the summary row written by example_notion_on_change", deadline, every=1
        )
        assert summary.row["properties"]["Changed"]["number"] == 1
        assert "1 changed: ticket-1" in json.dumps(summary.row["properties"]["Name"])

        # Restart: stop the triggerer, change a row while it is down, start a new one.
        stored = airflow.query("SELECT value FROM asset_state_store WHERE key = 'notion_change_watermark'")
        assert [json.loads(value) for (value,) in stored] != []
        airflow.stop("triggerer")
        emu.add_rows(
            str(watched["data_source_id"]), [{"Ticket": {"title": [{"text": {"content": "ticket-2"}}]}}]
        )
        airflow.start("triggerer", log_name="triggerer-2")

        def summary_of_the_second_row() -> list[Any]:
            return [row for row in summary_rows() if "ticket-2" in json.dumps(row.row["properties"]["Name"])]

        airflow.wait_for(
            summary_of_the_second_row,
            "a run for the row changed while the triggerer was down",
            deadline,
            every=1,
        )
        assert "resumed from the asset state store" in airflow.logs["triggerer-2"].read_text(errors="replace")

        airflow.cli("dags", "trigger", "e2e_writer", timeout=120)
        airflow.wait_for(marker.exists, "e2e_after_write to run after the Notion write", deadline, every=1)
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
        airflow.stop()
    for name, path in airflow.logs.items():
        assert emu.token not in path.read_text(errors="replace"), f"the token leaked into the {name} log"
