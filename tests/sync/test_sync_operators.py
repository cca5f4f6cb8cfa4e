"""NotionSyncRowsOperator (rows from lists, JSON, JSON Lines, CSV, ObjectStoragePath) and SqlToNotionOperator
against the emulator; the transfer reads a real SQLite database through Airflow's sqlite provider."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator
from airflow_provider_notion.transfers.sql_to_notion import SqlToNotionOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {
    "SKU": {"rich_text": {}},
    "Name": {"title": {}},
    "Stock": {"number": {}},
    "Active": {"checkbox": {}},
    "Since": {"date": {}},
}
ROWS = [
    {
        "SKU": f"A-{i}",
        "Name": f"Widget {i}",
        "Stock": i,
        "Active": i % 2 == 0,
        "Since": f"2026-01-{i + 1:02d}",
    }
    for i in range(12)
]


@pytest.fixture
def database(notion_emulator_conn: NotionEmulator) -> dict[str, Any]:
    return notion_emulator_conn.add_database(
        parent_id=notion_emulator_conn.root_page_id, title="Stock", properties=SCHEMA
    )


def run(operator: Any) -> dict[str, Any]:
    operator.hook.requests_per_second = None
    return dict(operator.execute({"ti": MagicMock()}))


def stock(emu: NotionEmulator, database_id: str) -> dict[str, Any]:
    with emu.state.lock:
        rows = emu.state.pages_in(database_id)
    return {
        "".join(p["plain_text"] for p in r["properties"]["SKU"]["rich_text"]): r["properties"]["Stock"][
            "number"
        ]
        for r in rows
    }


def test_rows_as_a_list_then_unchanged(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    first = run(
        NotionSyncRowsOperator(
            task_id="t",
            rows=ROWS,
            key="SKU",
            database_id=f"https://www.notion.so/acme/Stock-{database['id'].replace('-', '')}",
        )
    )
    assert first["created"] == 12
    second = run(NotionSyncRowsOperator(task_id="t", rows=ROWS, key="SKU", database_id=database["id"]))
    assert (second["unchanged"], second["created"], second["updated"]) == (12, 0, 0)
    assert stock(notion_emulator_conn, database["id"]) == {f"A-{i}": i for i in range(12)}


def test_rows_as_a_json_string_and_a_dry_run_flag_rendered_as_text(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    result = run(
        NotionSyncRowsOperator(
            task_id="t", rows=json.dumps(ROWS[:3]), key="SKU", database_id=database["id"], dry_run="True"
        )
    )
    assert result["dry_run"] is True and result["created"] == 3
    assert stock(notion_emulator_conn, database["id"]) == {}


def test_rows_from_json_lines_and_csv_files(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], tmp_path: Path
) -> None:
    lines = tmp_path / "rows.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in ROWS[:6]) + "\n\n")
    assert (
        run(NotionSyncRowsOperator(task_id="t", rows=str(lines), key="SKU", database_id=database["id"]))[
            "created"
        ]
        == 6
    )

    table = tmp_path / "rows.csv"
    with table.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(ROWS[0]))
        writer.writeheader()
        for row in ROWS:
            writer.writerow({**row, "Active": "yes" if row["Active"] else "no"})
    result = run(NotionSyncRowsOperator(task_id="t", rows=str(table), key="SKU", database_id=database["id"]))
    # CSV cells are strings; mapped by type they equal what the JSON Lines load wrote.
    assert (result["unchanged"], result["created"]) == (6, 6)
    assert stock(notion_emulator_conn, database["id"]) == {f"A-{i}": i for i in range(12)}


def test_rows_from_an_object_storage_url(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], tmp_path: Path
) -> None:
    lines = tmp_path / "export.ndjson"
    lines.write_text("\n".join(json.dumps(r) for r in ROWS[:2]))
    result = run(
        NotionSyncRowsOperator(task_id="t", rows=f"file://{lines}", key="SKU", database_id=database["id"])
    )
    assert result["created"] == 2


@pytest.mark.parametrize(
    ("rows", "kwargs", "match"),
    [
        ("/nowhere/rows.csv", {}, "does not exist"),
        ("/tmp/rows.parquet", {}, "set rows_format"),
        ('{"SKU": "A"}', {}, "array of row objects"),
        (ROWS, {"rows_format": "xml"}, "rows_format"),
        (ROWS, {"delete_missing": "perhaps"}, "delete_missing"),
        ([1, 2], {}, r"rows\[0\]"),
    ],
)
def test_bad_inputs_fail_before_any_request(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], rows: Any, kwargs: Any, match: str
) -> None:
    notion_emulator_conn.clear_request_log()
    with pytest.raises(NotionInputError, match=match):
        run(NotionSyncRowsOperator(task_id="t", rows=rows, key="SKU", database_id=database["id"], **kwargs))
    assert notion_emulator_conn.request_log == []


def test_templated_fields() -> None:
    fields = set(NotionSyncRowsOperator.template_fields)
    assert {"rows", "key", "database_id", "data_source_id", "delete_missing", "sync_dry_run"} <= fields
    assert {"sql", "parameters", "key", "database_id"} <= set(SqlToNotionOperator.template_fields)
    assert "rows" not in SqlToNotionOperator.template_fields


@pytest.fixture
def sqlite_conn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE products (sku TEXT, name TEXT, stock INTEGER, active INTEGER, since TEXT)")
        db.executemany(
            "INSERT INTO products VALUES (?, ?, ?, ?, ?)",
            [(f"A-{i}", f"Widget {i}", i * 10, i % 2, f"2026-02-{i + 1:02d}") for i in range(25)],
        )
    monkeypatch.setenv("AIRFLOW_CONN_SHOP", json.dumps({"conn_type": "sqlite", "host": str(path)}))
    return path


SQL = 'SELECT sku AS "SKU", name AS "Name", stock AS "Stock", active AS "Active", since AS "Since" FROM products'


def test_sql_to_notion_streams_a_real_sqlite_query(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], sqlite_conn: Path
) -> None:
    transfer = SqlToNotionOperator(
        task_id="t", conn_id="shop", sql=SQL, key="SKU", database_id=database["id"], chunk_size=7
    )
    assert run(transfer)["created"] == 25
    assert stock(notion_emulator_conn, database["id"]) == {f"A-{i}": i * 10 for i in range(25)}

    with sqlite3.connect(sqlite_conn) as db:
        db.execute("UPDATE products SET stock = 0 WHERE sku = 'A-3'")
        db.execute("DELETE FROM products WHERE sku = 'A-24'")
    again = SqlToNotionOperator(
        task_id="t",
        conn_id="shop",
        sql=SQL + " WHERE stock >= :least",
        parameters={"least": 0},
        key="SKU",
        database_id=database["id"],
        delete_missing=True,
    )
    result = run(again)
    assert (result["updated"], result["trashed"], result["unchanged"]) == (1, 1, 23)
    assert Counter(stock(notion_emulator_conn, database["id"])) == Counter(
        {f"A-{i}": (0 if i == 3 else i * 10) for i in range(24)}
    )


def test_sql_to_notion_refuses_a_connection_without_a_sql_hook(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any]
) -> None:
    transfer = SqlToNotionOperator(
        task_id="t", conn_id="notion_default", sql="SELECT 1", key="SKU", database_id=database["id"]
    )
    with pytest.raises(NotionInputError, match="not a SQL"):
        run(transfer)
