"""End to end: real ``dag.test()`` and ``airflow dags test`` runs in which poke, reschedule and deferrable
NotionQuerySensors wait until a background writer adds their row to the emulator, and a downstream TaskFlow
task receives the rows.

Airflow runs in a subprocess with its own AIRFLOW_HOME and SQLite database (``airflow db migrate`` first); the
emulator and the writer run in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from notion_emulator import NotionEmulator

MODES = ("poke", "reschedule", "deferrable")

DAG_SOURCE = """
from __future__ import annotations

import json
import os
from datetime import datetime

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.sensors.notion import NotionQuerySensor

with DAG(dag_id="notion_sensor_e2e", schedule=None, start_date=datetime(2026, 1, 1), catchup=False) as dag:
    waits = {
        mode: NotionQuerySensor(
            task_id=f"wait_{mode}",
            data_source_id="{{ var.value.get('e2e_data_source', '') or params.data_source }}",
            filter={"property": "Name", "title": {"equals": f"ready-{mode}"}},
            poke_interval=1,
            timeout=120,
            mode="reschedule" if mode == "reschedule" else "poke",
            deferrable=mode == "deferrable",
            params={"data_source": os.environ["NOTION_E2E_DATA_SOURCE"]},
        )
        for mode in ("poke", "reschedule", "deferrable")
    }

    @task
    def collect(poke: dict, reschedule: dict, deferrable: dict) -> None:
        found = {"poke": poke, "reschedule": reschedule, "deferrable": deferrable}
        names = {
            mode: [row["properties"]["Name"]["title"][0]["plain_text"] for row in rows["results"]]
            for mode, rows in found.items()
        }
        with open(os.environ["NOTION_E2E_OUT"], "w") as out:
            json.dump(names, out)

    collect(waits["poke"].output, waits["reschedule"].output, waits["deferrable"].output)

if __name__ == "__main__":
    dag.test()
"""


def queries_for(emu: NotionEmulator, mode: str) -> int:
    needle = f"ready-{mode}"
    return sum(1 for r in emu.request_log if r.path.endswith("/query") and needle in (r.body or ""))


def write_rows_when_waited_on(emu: NotionEmulator, data_source: str, stop: threading.Event) -> None:
    """Add each sensor's row only after that sensor has polled twice without it (so it really waited)."""
    pending = set(MODES)
    while pending and not stop.is_set():
        for mode in sorted(pending):
            if queries_for(emu, mode) >= 2:
                emu.add_rows(data_source, [{"Name": {"title": [{"text": {"content": f"ready-{mode}"}}]}}])
                pending.discard(mode)
        time.sleep(0.1)


@pytest.mark.e2e
@pytest.mark.parametrize("runner", ["dag.test()", "airflow dags test"])
def test_all_three_modes_wait_for_a_row_in_dag_test(tmp_path: Path, runner: str) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    dag_file = dags / "notion_sensor_e2e.py"
    dag_file.write_text(DAG_SOURCE)
    out = tmp_path / "rows.json"
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(parent_id=emu.root_page_id, properties={"Name": {"title": {}}})
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(tmp_path / "home"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json,
            "NOTION_E2E_DATA_SOURCE": database["data_source_id"],
            "NOTION_E2E_OUT": str(out),
        }
        migrate = subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr[-2000:]
        stop = threading.Event()
        writer = threading.Thread(
            target=write_rows_when_waited_on, args=(emu, database["data_source_id"], stop), daemon=True
        )
        writer.start()
        try:
            command = (
                [sys.executable, str(dag_file)]
                if runner == "dag.test()"
                else [sys.executable, "-m", "airflow", "dags", "test", "notion_sensor_e2e"]
            )
            run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        finally:
            stop.set()
            writer.join(timeout=5)
        log = run.stdout + run.stderr
        assert run.returncode == 0, log[-4000:]
        assert "state=success" in log, log[-4000:]
        assert json.loads(out.read_text()) == {mode: [f"ready-{mode}"] for mode in MODES}
        for mode in MODES:
            assert queries_for(emu, mode) >= 3, f"{mode} did not poll until its row appeared"
        # Each mode really ran as such: a reschedule, a deferral, and a match found by the trigger itself.
        assert "UP_FOR_RESCHEDULE" in log
        assert "Pausing task as DEFERRED" in log
        assert f"Notion query /v1/data_sources/{database['data_source_id']}/query matched 1 row(s)" in log
        assert emu.token not in log
