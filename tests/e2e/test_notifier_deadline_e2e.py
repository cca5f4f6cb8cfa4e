"""A deadline alert with a NotionNotifier fires in a real triggerer and writes its row.

Airflow 3.1+ runs a deadline alert's ``AsyncCallback`` in the triggerer: the scheduler notices the missed
deadline and queues the callback, the triggerer imports ``NotionNotifier``, builds it with the alert's kwargs
and the run's (small) context, and awaits it, which runs ``async_notify`` on the event loop. The test starts an
API server, a DAG processor, a scheduler (LocalExecutor) and a triggerer on a throwaway AIRFLOW_HOME with SQLite,
triggers a DAG whose only task outlasts a 5-second deadline, and waits for the row in the emulator.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(DEADLINE_SECONDS + 180)
def test_a_deadline_alert_writes_its_row_from_the_triggerer(tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(
            parent_id=emu.root_page_id,
            title="Late runs",
            properties={"Name": {"title": {}}, "Status": {"select": {}}},
        )
        home, dags = tmp_path / "home", tmp_path / "dags"
        dags.mkdir(parents=True)
        (dags / "e2e_notifier_deadline.py").write_text(DEADLINE_DAG.format(database_id=database["id"]))
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
                "AIRFLOW__API__BASE_URL": "https://airflow.example.com",
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
                "AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json,
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
                logs[component[0]] = tmp_path / f"{component[0]}.log"
                with logs[component[0]].open("wb") as log:
                    running.append(
                        subprocess.Popen(
                            [*airflow, *component], env=env, stdout=log, stderr=subprocess.STDOUT
                        )
                    )

            def parsed() -> bool:
                listed = subprocess.run(
                    [*airflow, "dags", "list", "-o", "json"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                return "e2e_notifier_deadline" in listed.stdout

            wait_for(parsed, "the DAG processor to parse the DAG", deadline, logs)
            trigger = subprocess.run(
                [*airflow, "dags", "trigger", "e2e_notifier_deadline"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert trigger.returncode == 0, trigger.stdout[-2000:] + trigger.stderr[-2000:]

            def row() -> list[dict[str, Any]]:
                return emu.state.pages_in(str(database["id"]))

            [written] = wait_for(row, "the deadline alert's row", deadline, logs)
        finally:
            for process in running:
                process.terminate()
            for process in running:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
        name = "".join(part["plain_text"] for part in written["properties"]["Name"]["title"])
        assert name.startswith("e2e_notifier_deadline manual__")
        assert written["properties"]["Status"]["select"]["name"] == "late"
        body = json.dumps(emu.state.block_children_of(written["id"]))
        assert "Deadline missed" in body
        assert "https://airflow.example.com/dags/e2e_notifier_deadline/runs/manual__" in body
        for component, path in logs.items():
            assert emu.token not in path.read_text(errors="replace"), (
                f"the token leaked into the {component} log"
            )


def wait_for(check: Any, what: str, deadline: float, logs: dict[str, Path]) -> Any:
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    tails = "\n".join(
        f"--- {name}\n{path.read_text(errors='replace')[-3000:]}" for name, path in logs.items()
    )
    pytest.fail(f"timed out waiting for {what}\n{tails}")
