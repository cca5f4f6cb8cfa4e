"""Row sources read from files (``jobs/sync/sources.py``): what a sync receives from a CSV or JSON Lines file,
and that a bad file is refused, naming its line, before the sync sends anything (the emulator's request log)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync.sources import iter_rows
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

BOM = b"\xef\xbb\xbf"


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def rows_of(path: str) -> list[dict[str, Any]]:
    return [dict(row) for row in iter_rows(path)]


def test_a_byte_order_mark_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, "excel.csv", BOM + b"Status,Name\r\nDone,Write docs\r\n")
    assert rows_of(path) == [{"Status": "Done", "Name": "Write docs"}]
    lines = write(tmp_path, "rows.jsonl", BOM + b'{"Status": "Done"}\n')
    assert rows_of(lines) == [{"Status": "Done"}]


@pytest.mark.parametrize(
    ("data", "where", "says"),
    [
        # The last line cut off mid-row: "Open" became "Op" and the Stock cell is gone.
        (b"SKU,Status,Stock\nA-1,Open,3\nA-2,Op", "rows line 3", "has 2 cells but the header has 3"),
        (b"SKU,Status,Stock\nA-1,Open,3,extra\n", "rows line 2", "has 4 cells but the header has 3"),
        (b'SKU,Status,Stock\n"A-1,Open,3\n', "rows line 2", "not valid CSV"),
        (b"SKU,Status,Stock\nA-1,Op\xe9n,3\n", "rows line 2", "not UTF-8"),
        (b"SKU,,Stock\nA-1,Open,3\n", "rows line 1", "header cell 2 is empty"),
        (b"SKU,Stock,SKU\nA-1,3,A-2\n", "rows line 1", "names the column 'SKU' twice"),
        (b"\xff\xfeS\x00", "rows line 1", "UTF-16"),
        (b"", "rows", "empty"),
    ],
)
def test_a_bad_csv_is_refused_naming_the_line(tmp_path: Path, data: bytes, where: str, says: str) -> None:
    path = write(tmp_path, "rows.csv", data)
    with pytest.raises(NotionInputError, match=f"{where}: .*{says}"):
        rows_of(path)


def test_a_csv_line_number_counts_physical_lines_and_quoted_cells_may_span_lines(tmp_path: Path) -> None:
    data = b'SKU,Note\nA-1,"two\nlines"\n\nA-2,ok\rA-3,"x,y"\nA-4\n'
    with pytest.raises(NotionInputError, match="rows line 7: has 1 cell but"):
        rows_of(write(tmp_path, "rows.csv", data))
    good = write(tmp_path, "good.csv", data.rsplit(b"A-4", 1)[0])
    assert rows_of(good) == [
        {"SKU": "A-1", "Note": "two\nlines"},
        {"SKU": "A-2", "Note": "ok"},
        {"SKU": "A-3", "Note": "x,y"},
    ]


@pytest.mark.parametrize(
    ("data", "where", "says"),
    [
        (b'{"a": 1}\n\n\n{"a": 2,}\n', "rows line 4", "not valid JSON"),
        (b'{"a": 1}\n\n[1, 2]\n', "rows line 3", "expected a JSON object, got list"),
        (b'{"a": 1}\r\n{"a": NaN}\r\n', r"rows line 2\.a", "NaN"),
    ],
)
def test_a_bad_json_lines_row_names_its_own_line(tmp_path: Path, data: bytes, where: str, says: str) -> None:
    with pytest.raises(NotionInputError, match=f"{where}: .*{says}"):
        rows_of(write(tmp_path, "rows.jsonl", data))


# ------------------------------------------------------------------------------------ through a sync

SCHEMA = {"SKU": {"title": {}}, "Status": {"rich_text": {}}, "Stock": {"number": {}}}


@pytest.fixture
def database(notion_emulator_conn: NotionEmulator) -> dict[str, Any]:
    return notion_emulator_conn.add_database(
        parent_id=notion_emulator_conn.root_page_id, title="Stock", properties=SCHEMA
    )


def sync(path: str, database: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    operator = NotionSyncRowsOperator(task_id="t", rows=path, key="SKU", database_id=database["id"], **kwargs)
    operator.hook.requests_per_second = None
    return dict(operator.execute({"ti": MagicMock()}))


def writes(emu: NotionEmulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.request_log if r.method in ("POST", "PATCH", "DELETE")]


def property_names(database: dict[str, Any]) -> set[str]:
    hook = NotionHook(notion_version="2022-06-28", requests_per_second=None)
    return set(hook.get_database(database["id"])["properties"])


def test_an_excel_csv_updates_the_real_property_and_adds_no_look_alike(
    notion_emulator_conn: NotionEmulator, database: dict[str, Any], tmp_path: Path
) -> None:
    sync(write(tmp_path, "first.csv", b"SKU,Status,Stock\nA-1,Open,3\n"), database)
    result = sync(
        write(tmp_path, "excel.csv", BOM + b"Status,SKU,Stock\r\nDone,A-1,3\r\n"),
        database,
        add_missing_properties=True,
    )
    assert (result["updated"], result["added_properties"]) == (1, {})
    assert property_names(database) == set(SCHEMA)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"SKU,Status,Stock\nA-1,Open,3\nA-2,Op", "line 3"),  # cut off
        (b"SKU,Status,Stock\nA-1,Open,3\nA-2,Open,4,5\n", "line 3"),  # one cell too many
    ],
)
def test_a_bad_line_fails_the_sync_before_anything_is_written(
    notion_emulator_conn: NotionEmulator,
    database: dict[str, Any],
    tmp_path: Path,
    data: bytes,
    where: str,
) -> None:
    emu = notion_emulator_conn
    emu.clear_request_log()
    with pytest.raises(NotionInputError, match=where):
        sync(write(tmp_path, "rows.csv", data), database, add_missing_properties=True)
    assert writes(emu) == []
    assert property_names(database) == set(SCHEMA)  # no property named "null" (or anything else)
