"""The DAGs the docs show run for real (Airflow in a subprocess, the emulator in this process), including the
kinds of run the docs promise to handle: a run with no logical date (triggered from the REST API or by an
asset), a SQL table synced into Notion, and the asset event a sync leaves for the DAGs scheduled on it."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from notion_emulator import NotionEmulator

from tests.e2e.test_example_dags_e2e import ROOT, _env, airflow_home, run_dag  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e

INVENTORY = {"SKU": {"title": {}}, "Stock": {"number": {}}, "Active": {"checkbox": {}}}


def run_without_logical_date(
    home: Path, dag_id: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """What a REST- or asset-triggered run is: ``dag.test(logical_date=None)``, so no data interval, no ``ds``."""
    code = (
        "import sys\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        f"bag = DagBag(dag_folder={str(ROOT / 'example_dags')!r})\n"
        "run = bag.get_dag(sys.argv[1]).test(logical_date=None)\n"
        "print('RUN', run.run_id, run.logical_date, run.state)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, dag_id], env=_env(home, env), capture_output=True, text=True, timeout=300
    )


def _inventory_db(path: Path, rows: list[tuple[str, int, int, str]]) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS inventory (sku TEXT, stock INTEGER, active INTEGER, updated TEXT)"
        )
        db.execute("DELETE FROM inventory")
        db.executemany("INSERT INTO inventory VALUES (?, ?, ?, ?)", rows)
        db.commit()


def _asset_rows(home: Path) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    with contextlib.closing(sqlite3.connect(home / "airflow.db")) as db:
        assets = db.execute("SELECT name, uri FROM asset").fetchall()
        events = [
            json.loads(extra)
            for (extra,) in db.execute(
                "SELECT e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id "
                "WHERE a.name = 'notion_inventory' ORDER BY e.id"
            )
        ]
    return assets, events


@pytest.mark.timeout(900)
def test_the_sql_sync_example_runs_scheduled_and_without_a_logical_date(
    airflow_home: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    table = tmp_path / "inventory.db"
    recent = "2099-01-01"  # "updated in the last 30 days" of any run
    _inventory_db(table, [("A-1", 3, 1, recent), ("A-2", 0, 0, recent), ("OLD", 9, 1, "2000-01-01")])
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(parent_id=emu.root_page_id, title="Warehouse stock", properties=INVENTORY)
        env = {
            "AIRFLOW_CONN_INVENTORY_DB": json.dumps({"conn_type": "sqlite", "host": str(table)}),
            "NOTION_INVENTORY_DATABASE_ID": str(database["id"]),
        }
        _, results = run_dag(airflow_home, emu, "example_notion_sql_sync", "2026-03-11", env)
        first = results["inventory_to_notion"]
        assert (first["created"], first["updated"], first["trashed"]) == (2, 0, 0)
        rows = {
            "".join(t["plain_text"] for t in row["properties"]["SKU"]["title"]): row["properties"]
            for row in emu.state.pages_in(database["id"])
        }
        assert set(rows) == {"A-1", "A-2"}  # the 30-day window left OLD out
        assert rows["A-1"]["Active"]["checkbox"] is True and rows["A-2"]["Active"]["checkbox"] is False

        # A run without a logical date (as from the REST API): dag_run.run_after works where ds does not.
        _inventory_db(table, [("A-1", 5, 1, recent)])
        conn = json.dumps({**emu.airflow_conn_dict, "extra": {"notion_version": "2026-03-11"}})
        run = run_without_logical_date(
            airflow_home, "example_notion_sql_sync", {**env, "AIRFLOW_CONN_NOTION_DEFAULT": conn}
        )
        output = run.stdout + run.stderr
        assert run.returncode == 0 and "RUN manual__" in output and " None success" in output, output[-5000:]
        assert emu.token not in output

    assets, events = _asset_rows(airflow_home)
    assert ("notion_inventory", f"notion://database/{database['id']}") in assets
    assert [(e["title"], e["created"], e["updated"], e["trashed"]) for e in events[-2:]] == [
        ("Warehouse stock", 2, 0, 0),
        ("Warehouse stock", 0, 1, 1),
    ]
    assert len(events[-2]["created_ids"]) == 2 and events[-1]["requests"] >= 3


@pytest.mark.timeout(900)
def test_the_export_examples_without_a_data_interval(airflow_home: Path, tmp_path: Path) -> None:  # noqa: F811
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(
            parent_id=emu.root_page_id, title="Deals", properties={"Deal": {"title": {}}}
        )
        emu.add_rows(str(database["data_source_id"]), [{"Deal": {"title": [{"text": {"content": "d1"}}]}}])
        env = {
            "AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(
                {**emu.airflow_conn_dict, "extra": {"notion_version": "2026-03-11"}}
            ),
            "AIRFLOW_VAR_NOTION_EXPORT_DATABASE_ID": str(database["id"]),
            "NOTION_EXPORT_DIR": str(tmp_path),
        }
        snapshot = run_without_logical_date(airflow_home, "example_notion_export_snapshot", env)
        output = snapshot.stdout + snapshot.stderr
        assert snapshot.returncode == 0 and " None success" in output, output[-5000:]
        (written,) = (tmp_path / "snapshots").glob("*.parquet")
        assert pq.read_table(written).column("Deal").to_pylist() == ["d1"]

        hourly = run_without_logical_date(airflow_home, "example_notion_export", env)
        output = hourly.stdout + hourly.stderr
        assert " None failed" in output, output[-5000:]
        assert "Invalid path: uses {{ data_interval_start }}, which this run does not have" in output
        assert emu.token not in output


@pytest.mark.timeout(900)
def test_the_consumer_examples_run(airflow_home: Path) -> None:  # noqa: F811
    """The DAGs scheduled on assets run too (here without events: they report nothing rather than fail);
    test_on_change_e2e.py and test_webhooks_e2e.py run consumers started by real events."""
    with NotionEmulator(seed="demo") as emu:
        _, sql = run_dag(airflow_home, emu, "example_notion_sql_sync_consumer", "2026-03-11")
        _, export = run_dag(airflow_home, emu, "example_notion_export_consumer", "2026-03-11")
        _, webhooks = run_dag(airflow_home, emu, "example_notion_webhooks", "2026-03-11")
    assert sql["what_changed"] == {"titles": [], "created": 0, "updated": 0, "trashed": 0, "changed_ids": []}
    assert export["count_rows"] == {}
    assert webhooks["report"] == []
