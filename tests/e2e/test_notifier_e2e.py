"""NotionNotifier end to end: ``airflow dags test`` (task callbacks on retries, a mapped task, masking, Notion
failing or hanging) against the emulator of this process, on a throwaway AIRFLOW_HOME with SQLite.
The deadline alert, which Airflow runs in the triggerer, is in ``test_notifier_deadline_e2e.py``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
WAREHOUSE_PASSWORD = "wh-pass-4b8e1f0d7c"
NOTIFY_TIMEOUT = 3

E2E_DAGS = """
from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG, BaseHook, task

from airflow_provider_notion.notifications.notion import NotionNotifier

INCIDENTS = "{{{{ var.value.notion_incidents_database_id }}}}"

with DAG(dag_id="e2e_notifier_secret", schedule=None, start_date=datetime(2026, 1, 1), catchup=False):

    @task(on_failure_callback=NotionNotifier(database_id=INCIDENTS, properties={{"Status": "failed"}}))
    def leaks() -> None:
        password = BaseHook.get_connection("warehouse").password
        token = BaseHook.get_connection("notion_default").password
        raise RuntimeError(f"could not log in with {{password}} (notion token {{token}})")

    leaks()

with DAG(dag_id="e2e_notifier_bounded", schedule=None, start_date=datetime(2026, 1, 1), catchup=False):

    @task(
        on_success_callback=NotionNotifier(
            database_id=INCIDENTS, properties={{"Status": "succeeded"}}, timeout={timeout}
        )
    )
    def works() -> str:
        return "done"

    @task(
        on_failure_callback=NotionNotifier(database_id=INCIDENTS, properties={{"Status": "failed"}}, timeout={timeout})
    )
    def fails() -> None:
        raise ValueError("the task's own failure")

    works()
    fails()
"""


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("airflow-home")
    dags = tmp_path_factory.mktemp("dags")
    shutil.copy(ROOT / "example_dags" / "example_notion_notifier.py", dags)
    (dags / "e2e_notifier_dags.py").write_text(E2E_DAGS.format(timeout=NOTIFY_TIMEOUT))
    migrate = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=_env(home, dags, {}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
    return home, dags


def _env(home: Path, dags: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__API__BASE_URL": "https://airflow.example.com",
            **extra,
        }
    )
    return env


def dags_test(
    where: tuple[Path, Path], emu: NotionEmulator, dag_id: str, extra: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``airflow dags test`` one DAG against the emulator; the run and how long it took."""
    home, dags = where
    env = _env(
        home,
        dags,
        {
            "AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json,
            "AIRFLOW_CONN_WAREHOUSE": json.dumps({"conn_type": "generic", "password": WAREHOUSE_PASSWORD}),
            "AIRFLOW_VAR_NOTION_PARENT_PAGE_ID": emu.root_page_id,
            **(extra or {}),
        },
    )
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "airflow", "dags", "test", dag_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run, time.monotonic() - started


def incidents_database(where: tuple[Path, Path], emu: NotionEmulator) -> str:
    """Run the recipe's setup DAG; the id of the database it created (or reused)."""
    run, _ = dags_test(where, emu, "example_notion_notifier_setup")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    [database] = [db for db in emu.state.databases.values() if db.parent_id == emu.root_page_id]
    return str(database.id)


def task_states(where: tuple[Path, Path], dag_id: str) -> dict[str, str]:
    """Each task's state in the DAG's latest run."""
    with contextlib.closing(sqlite3.connect(where[0] / "airflow.db")) as db:
        (run_id,) = db.execute(
            "SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", (dag_id,)
        ).fetchone()
        found = db.execute(
            "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = ?", (dag_id, run_id)
        )
        return {str(task_id): str(state) for task_id, state in found}


def title(row: dict[str, Any]) -> str:
    return "".join(part["plain_text"] for part in row["properties"]["Name"]["title"])


def lines(emu: NotionEmulator, row: dict[str, Any]) -> list[tuple[str, str]]:
    """The type and plain text of each block of the row's body, in order."""
    return [
        (block["type"], "".join(part["plain_text"] for part in block[block["type"]].get("rich_text", [])))
        for block in emu.state.block_children_of(row["id"])
    ]


def body(emu: NotionEmulator, row: dict[str, Any]) -> str:
    return json.dumps(emu.state.block_children_of(row["id"]))


@pytest.mark.timeout(900)
def test_retries_keep_one_row_per_task_instance_and_a_mapped_task_one_per_index(
    airflow_home: tuple[Path, Path],
) -> None:
    with NotionEmulator(seed="demo") as emu:
        database_id = incidents_database(airflow_home, emu)
        assert incidents_database(airflow_home, emu) == database_id  # the setup DAG reuses it
        run, _ = dags_test(
            airflow_home,
            emu,
            "example_notion_notifier",
            {"AIRFLOW_VAR_NOTION_INCIDENTS_DATABASE_ID": database_id},
        )
        output = run.stdout + run.stderr
        assert run.returncode == 0, output[-5000:]
        assert emu.token not in output
        rows = {title(row): row for row in emu.state.pages_in(database_id)}
        [flaky] = [name for name in rows if name.startswith("example_notion_notifier.flaky[-1] ")]
        run_id = flaky.split(" ", 1)[1]
        assert set(rows) == {
            flaky,
            f"example_notion_notifier.per_site[0] {run_id}",
            f"example_notion_notifier.per_site[1] {run_id}",
        }
        props = rows[flaky]["properties"]
        assert props["Status"]["select"]["name"] == "succeeded"
        assert props["Try"]["number"] == 3
        assert props["When"]["date"]["start"]
        assert "".join(p["plain_text"] for p in props["DAG"]["rich_text"]) == "example_notion_notifier"
        text = body(emu, rows[flaky])
        headings = [text for kind, text in lines(emu, rows[flaky]) if kind == "heading_3"]
        assert headings == ["Up for retry: flaky", "Up for retry: flaky", "Success: flaky"]
        assert "upstream not ready on try 1" in text and "upstream not ready on try 2" in text
        assert "RuntimeError" in text
        assert "https://airflow.example.com/dags/example_notion_notifier/runs/" in text
        for index in (0, 1):
            mapped = rows[f"example_notion_notifier.per_site[{index}] {run_id}"]
            assert mapped["properties"]["Status"]["select"]["name"] == "succeeded"
            assert f"Map index: {index}" in body(emu, mapped)
        creates = [r for r in emu.request_log if r.method == "POST" and r.path == "/v1/pages"]
        assert len(creates) == 3


@pytest.mark.timeout(600)
def test_secrets_in_the_exception_do_not_reach_notion(airflow_home: tuple[Path, Path]) -> None:
    with NotionEmulator(seed="demo") as emu:
        database_id = incidents_database(airflow_home, emu)
        run, _ = dags_test(
            airflow_home,
            emu,
            "e2e_notifier_secret",
            {"AIRFLOW_VAR_NOTION_INCIDENTS_DATABASE_ID": database_id},
        )
        assert run.returncode != 0  # the task fails, as it should
        [row] = emu.state.pages_in(database_id)
        written = json.dumps(row) + body(emu, row)
        assert "could not log in with" in written
        assert WAREHOUSE_PASSWORD not in written
        assert emu.token not in written


@pytest.mark.timeout(900)
@pytest.mark.parametrize("fault", ["500", "hang"])
def test_notion_failing_or_hanging_changes_neither_outcome_nor_duration(
    airflow_home: tuple[Path, Path], fault: str
) -> None:
    with NotionEmulator(seed="demo") as emu:
        database_id = incidents_database(airflow_home, emu)
        variables = {"AIRFLOW_VAR_NOTION_INCIDENTS_DATABASE_ID": database_id}
        healthy, baseline = dags_test(airflow_home, emu, "e2e_notifier_bounded", variables)
        assert len(emu.state.pages_in(database_id)) == 2
        if fault == "500":
            emu.faults.inject(kind="status", status=500, count=1000)
        else:
            emu.faults.inject(kind="delay", delay_seconds=60, count=1000)
        broken, took = dags_test(airflow_home, emu, "e2e_notifier_bounded", variables)
        output = broken.stdout + broken.stderr
        # Same outcome: `works` succeeded and `fails` failed, with or without Notion.
        assert broken.returncode == healthy.returncode != 0
        assert task_states(airflow_home, "e2e_notifier_bounded") == {"works": "success", "fails": "failed"}
        assert "NotionNotifier could not write to database" in output
        reason = "Notion API error 500" if fault == "500" else f"deadline of {NOTIFY_TIMEOUT} s"
        assert reason in output
        # Two callbacks, each bounded by its deadline; the rest is the same run as the healthy one.
        assert took < baseline + 2 * NOTIFY_TIMEOUT + 20, (took, baseline)
        assert len(emu.state.pages_in(database_id)) == 2
