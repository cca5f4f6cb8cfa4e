"""A deadline alert with a NotionNotifier fires in a real triggerer and writes its row.

Airflow 3.1+ runs a deadline alert's ``AsyncCallback`` in the triggerer: the scheduler notices the missed
deadline and queues the callback, the triggerer imports ``NotionNotifier``, builds it with the alert's kwargs
and the run's (small) context, and awaits it, which runs ``async_notify`` on the event loop. The test starts an
API server, a DAG processor, a scheduler (LocalExecutor) and a triggerer on a throwaway AIRFLOW_HOME with SQLite,
triggers a DAG whose only task outlasts a 5-second deadline, and waits for the row in the emulator.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from notion_emulator import NotionEmulator

from tests.e2e.airflow_processes import AirflowDeployment

pytestmark = pytest.mark.e2e
DEADLINE_SECONDS = 150

DEADLINE_DAG = """
from __future__ import annotations

import time
from datetime import datetime, timedelta

from airflow.sdk import DAG, AsyncCallback, DeadlineAlert, DeadlineReference, task

from airflow_provider_notion.notifications.notion import NotionNotifier

with DAG(
    dag_id="e2e_notifier_deadline",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(seconds=5),
        callback=AsyncCallback(
            NotionNotifier,
            kwargs={{
                "database_id": "{database_id}",
                "properties": {{"Name": "{{{{ dag_run.dag_id }}}} {{{{ run_id }}}}", "Status": "late"}},
            }},
        ),
    ),
):

    @task
    def slow() -> None:
        time.sleep(90)

    slow()
"""


@pytest.mark.timeout(DEADLINE_SECONDS + 180)
def test_a_deadline_alert_writes_its_row_from_the_triggerer(tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(
            parent_id=emu.root_page_id,
            title="Late runs",
            properties={"Name": {"title": {}}, "Status": {"select": {}}},
        )
        dags = tmp_path / "dags"
        dags.mkdir(parents=True)
        (dags / "e2e_notifier_deadline.py").write_text(DEADLINE_DAG.format(database_id=database["id"]))
        airflow = AirflowDeployment(
            tmp_path,
            dags,
            {
                "AIRFLOW__API__BASE_URL": "https://airflow.example.com",
                "AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json,
            },
        )
        airflow.migrate()
        try:
            for component in ("api-server", "dag-processor", "scheduler", "triggerer"):
                airflow.start(
                    component, *(["--port", str(airflow.port)] if component == "api-server" else [])
                )
            airflow.wait_for(
                lambda: airflow.query("SELECT 1 FROM dag WHERE dag_id = ?", "e2e_notifier_deadline"),
                "the DAG processor to parse the DAG",
                deadline,
                every=1,
            )
            airflow.cli("dags", "trigger", "e2e_notifier_deadline", timeout=120)
            [written] = airflow.wait_for(
                lambda: emu.state.pages_in(str(database["id"])), "the deadline alert's row", deadline, every=1
            )
        finally:
            airflow.stop()
        name = "".join(part["plain_text"] for part in written["properties"]["Name"]["title"])
        assert name.startswith("e2e_notifier_deadline manual__")
        assert written["properties"]["Status"]["select"]["name"] == "late"
        body = json.dumps(emu.state.block_children_of(written["id"]))
        assert "Deadline missed" in body
        assert "https://airflow.example.com/dags/e2e_notifier_deadline/runs/manual__" in body
        for component, path in airflow.logs.items():
            assert emu.token not in path.read_text(errors="replace"), (
                f"the token leaked into the {component} log"
            )
