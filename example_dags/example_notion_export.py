"""Notion as an ETL source: export a database's edited rows every hour to Parquet and CSV, and the users.

export_rows_parquet / export_rows_csv (NotionToObjectStorageOperator, incremental: the rows last edited in the
run's data interval, each edit exactly once across runs) and export_users (stream="users") write typed files
under ``$NOTION_EXPORT_DIR`` (default ``/tmp/notion-export``). The Parquet task declares the Asset
``file://$NOTION_EXPORT_DIR/rows``; the DAG ``example_notion_export_consumer`` is scheduled on it and reads the
file each run wrote. ``example_notion_export_snapshot`` exports every row on demand (no schedule, no data
interval: triggered from the UI or the REST API).

The database is the Airflow Variable ``notion_export_database_id`` (an id or URL), read at run time.
"""

from __future__ import annotations

# [START howto_notion_export]
import os
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, Asset, task
from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_notion.transfers.notion_to_object_storage import (
    NotionToObjectStorageOperator,
    asset_uri_for,
)

EXPORT_DIR = os.environ.get("NOTION_EXPORT_DIR", "/tmp/notion-export")  # noqa: S108 - an example default
ROWS_PATH = EXPORT_DIR + "/rows/{{ data_interval_start | ts_nodash }}.parquet"

with DAG(
    dag_id="example_notion_export",
    description="Export a Notion database's edited rows every hour to Parquet and CSV, and the users",
    # Real data intervals ([09:00, 10:00) for the 10:00 run): Airflow 3's default cron timetable has
    # zero-length intervals, which an incremental export refuses.
    schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["notion", "example"],
) as dag:
    export_rows_parquet = NotionToObjectStorageOperator(
        task_id="export_rows_parquet",
        database_id="{{ var.value.notion_export_database_id }}",
        path=ROWS_PATH,  # the Asset is the folder before the first template: file://<dir>/rows/
        format="parquet",
        column_names="snake_case",  # warehouse-friendly names (BigQuery refuses spaces and dots)
    )

    export_rows_csv = NotionToObjectStorageOperator(
        task_id="export_rows_csv",
        database_id="{{ var.value.notion_export_database_id }}",
        path=EXPORT_DIR + "/rows_csv/{{ data_interval_start | ts_nodash }}.csv",
        format="csv",
        column_names="snake_case",
    )

    export_users = NotionToObjectStorageOperator(
        task_id="export_users",
        stream="users",  # every user, each run: to join people / created_by ids to names
        path=EXPORT_DIR + "/users/users.parquet",
        format="parquet",
    )
# [END howto_notion_export]

# [START howto_notion_export_consumer]
with DAG(
    dag_id="example_notion_export_consumer",
    description="Runs whenever example_notion_export has written new rows",
    schedule=[Asset(str(asset_uri_for(ROWS_PATH)))],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["notion", "example"],
) as consumer_dag:

    @task
    def count_rows(triggering_asset_events: Any = None) -> dict[str, int]:
        """Read each file the producer reported in its Asset event (path, format, rows, window)."""
        import pyarrow.parquet as pq

        counts: dict[str, int] = {}
        for events in (triggering_asset_events or {}).values():
            for event in events:
                path = event.extra["path"]
                counts[path] = pq.read_metadata(path).num_rows
        return counts

    count_rows()
# [END howto_notion_export_consumer]

# [START howto_notion_export_snapshot]
with DAG(
    dag_id="example_notion_export_snapshot",
    description="A full export on demand: triggered from the UI or the REST API, with no data interval",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["notion", "example"],
) as snapshot_dag:
    NotionToObjectStorageOperator(
        task_id="export_snapshot",
        database_id="{{ var.value.notion_export_database_id }}",
        # run_after: every run has it; a run without a logical date has no data_interval_start or ds.
        path=EXPORT_DIR + "/snapshots/{{ dag_run.run_after | ts_nodash }}.parquet",
        format="parquet",
        mode="full",  # every row: needs no data interval
    )
# [END howto_notion_export_snapshot]


if __name__ == "__main__":
    dag.test()
