"""example_notion_export end to end (``airflow dags test`` against the emulator): every property type to Parquet
and CSV, read back; two consecutive data intervals with edits in both export each edit exactly once."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from notion_emulator import NotionEmulator

from tests.e2e.test_example_dags_e2e import _env, _xcoms, airflow_home  # noqa: F401 - the fixture
from tests.export.helpers import every_type_database, set_edited, title

pytestmark = pytest.mark.e2e

RUN_1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # logical date of the first run; the second is an hour later


def run_export(
    home: Path, emu: NotionEmulator, logical: datetime, export_dir: Path, database_id: str
) -> dict:
    env = _env(
        home,
        {
            "AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(
                {**emu.airflow_conn_dict, "extra": {"notion_version": "2026-03-11"}}
            ),
            "AIRFLOW_VAR_NOTION_EXPORT_DATABASE_ID": database_id,
            "NOTION_EXPORT_DIR": str(export_dir),
        },
    )
    run = subprocess.run(
        [sys.executable, "-m", "airflow", "dags", "test", "example_notion_export", logical.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert emu.token not in output
    return _xcoms(home, "example_notion_export")


def test_hourly_exports_every_type_and_each_edit_exactly_once(
    airflow_home: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    with NotionEmulator(seed="demo") as emu:
        database, expected = every_type_database(emu)
        source = str(database["data_source_id"])
        extra = emu.add_rows(source, [{"Name": {"title": title(f"later {i}")}} for i in range(2)])
        full, empty = expected["full"]["id"], expected["empty"]["id"]
        # The @hourly data interval of the run at RUN_1 is [RUN_1 - 1h, RUN_1); the next run's [RUN_1, RUN_1 + 1h).
        edits_1 = {full: RUN_1 - timedelta(minutes=30), empty: RUN_1 - timedelta(seconds=1)}
        edits_2 = {extra[0]: RUN_1, extra[1]: RUN_1 + timedelta(minutes=59)}
        for row_id, moment in {**edits_1, **edits_2}.items():
            set_edited(emu, row_id, moment)

        first = run_export(airflow_home, emu, RUN_1, tmp_path, database["id"])
        second = run_export(airflow_home, emu, RUN_1 + timedelta(hours=1), tmp_path, database["id"])

    assert first["export_rows_parquet"]["window"] == ["2026-03-01T09:00:00.000Z", "2026-03-01T10:00:00.000Z"]
    assert second["export_rows_parquet"]["window"] == ["2026-03-01T10:00:00.000Z", "2026-03-01T11:00:00.000Z"]
    tables = [pq.read_table(result["export_rows_parquet"]["path"]) for result in (first, second)]
    assert sorted(tables[0].column("id").to_pylist()) == sorted(edits_1)
    assert sorted(tables[1].column("id").to_pylist()) == sorted(edits_2)

    # Every type, with its Arrow type and value (snake_case names in this DAG).
    table = tables[0]
    assert table.schema.field("count").type == pa.float64()
    assert table.schema.field("due_start").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("labels").type == pa.list_(pa.string())
    assert table.schema.field("done").type == pa.bool_()
    rows = {row["id"]: row for row in table.to_pylist()}
    snake = {"Due.start": "due_start", "Due.end": "due_end", "Due.time_zone": "due_time_zone"}
    for case in ("full", "empty"):
        for column, value in expected[case].items():
            if column in ("last_edited_time", "Edited"):
                continue  # moved into the interval above
            name = snake.get(column, column.lower())
            assert rows[expected[case]["id"]][name] == value, column

    with open(first["export_rows_csv"]["path"], newline="", encoding="utf-8") as handle:
        csv_rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(csv_rows) == set(edits_1)
    assert csv_rows[full]["count"] == "2.5" and json.loads(csv_rows[full]["labels"]) == ["x", "y"]
    assert csv_rows[full]["due_start"] == "2026-01-31T08:00:00Z"

    users = pq.read_table(first["export_users"]["path"]).to_pylist()
    assert {user["type"] for user in users} == {"person", "bot"}
    assert first["export_users"]["rows"] == len(users)
    assert all(isinstance(value, int) and value >= 2 for value in (first["export_rows_parquet"]["requests"],))
    produced: Any = second["export_rows_parquet"]
    assert produced["rows"] == 2 and produced["format"] == "parquet"
