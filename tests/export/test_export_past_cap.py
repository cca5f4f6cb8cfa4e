"""A full export of 50,000 rows past Notion's 10,000-row cap: every row once, streamed page by page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
from notion_emulator import NotionEmulator

from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator
from tests.resilience.helpers import SCHEMA, seed_rows

ROWS = 50_000


def test_a_full_export_of_50000_rows_goes_past_the_cap(emu: NotionEmulator, tmp_path: Path) -> None:
    database = emu.add_database(parent_id=emu.root_page_id, title="Big", properties=SCHEMA)
    # The real cap is 10,000; a lower one gives more windows for the same rows (and keeps the test fast).
    emu.set_query_cap(5_000)
    ids = seed_rows(emu, database["data_source_id"], ROWS, per_minute=400)
    target = tmp_path / "rows.parquet"

    result = NotionToObjectStorageOperator(
        task_id="export",
        database_id=database["id"],
        path=str(target),
        format="parquet",
        mode="full",
        requests_per_second=None,
    ).execute({})

    table = pq.read_table(target, columns=["id", "Count"])
    assert table.num_rows == ROWS == result["rows"]
    assert Counter(table.column("id").to_pylist()) == Counter(ids)  # every row exactly once
    assert sorted(table.column("Count").to_pylist()) == [float(i) for i in range(ROWS)]
    # ⌈N/100⌉ pages, plus the windows' repeated boundary minutes, plus the two schema lookups.
    windows = ROWS // 5_000
    assert ROWS // 100 + 2 <= result["requests"] <= ROWS // 100 + 2 + 2 * windows
    assert pq.ParquetFile(target).metadata.num_row_groups == ROWS // 10_000  # streamed in row groups
