"""``NotionSyncRowsOperator``: keep a Notion database in step with a table, writing only what changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from jinja2.exceptions import UndefinedError

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.sync.engine import sync_rows
from airflow_provider_notion.jobs.sync.sources import iter_rows
from airflow_provider_notion.lineage import (
    Direction,
    declare_notion_outlet,
    record_asset_event,
    sync_event_extra,
)
from airflow_provider_notion.operators.base import (
    NotionBaseOperator,
    NotionLinkedOperator,
    optional_str,
)
from airflow_provider_notion.operators.run_dates import missing_run_date_error
from airflow_provider_notion.utils.coerce import as_bool as _as_bool
from airflow_provider_notion.utils.coerce import as_number as _as_number


class NotionSyncRowsOperator(NotionLinkedOperator):
    """Make a database hold exactly the given rows, matched by a key column (``jobs.sync.engine.sync_rows``).

    Reads the schema and every existing row once, then creates new rows, updates only the properties that
    changed and, with ``delete_missing``, moves rows whose key is gone to the trash. A rerun with unchanged data
    sends no write. Returns the counts (``created``, ``updated``, ``unchanged``, ``trashed``, ``requests``, a
    bounded list of ids of each kind) as its XCom.

    With a literal database/data source id the database is the task's outlet (named ``asset_name``, else its
    URI), and each run's asset event carries the database's ``title``, the counts, the requests and the ids of
    each kind (at most 100: ``ids_truncated`` says when there were more), so a DAG scheduled on it can tell what
    changed (docs/events.md).

    .. code-block:: python

        NotionSyncRowsOperator(
            task_id="sync_inventory",
            database_id="{{ var.value.inventory_db }}",
            rows=extract.output,  # [{"SKU": "A-1", "Stock": 3, "Updated": "2026-03-01"}, ...]
            key="SKU",
        )

    :param rows: a list of dicts (column name -> plain Python value or Notion property value), an upstream
        ``XComArg``, a JSON array string, or a path / ``ObjectStoragePath`` URL of a JSON Lines or CSV file
        (read line by line). Plain values are mapped by the property type (see ``plain_values``). Templated.
    :param key: the column whose value identifies a row: a title, rich_text, number, url, email,
        phone_number, select, status or unique_id property. Templated.
    :param database_id: the database's id or URL. Templated.
    :param data_source_id: the data source's id instead (2025-09-03 and later). Templated.
    :param delete_missing: trash rows whose key is not in ``rows`` (never a hard delete). Templated.
    :param max_delete_fraction: refuse (before any write) to trash more than this share of the rows; a source
        that suddenly lost most rows fails instead of emptying the database. Templated.
    :param add_missing_properties: add columns that are not properties yet, with an inferred type, in one schema
        update; otherwise such a column is an error. Templated.
    :param dry_run: only plan: return the counts and a sample of the planned writes. Templated (as
        ``sync_dry_run``: ``BaseOperator.dry_run`` is a method).
    :param rows_format: ``auto`` (by file name), ``jsonl`` or ``csv`` for a file. Templated.
    :param max_workers: writes in flight at once (1-8; default: enough to keep the pacing rate with writes
        taking up to 1 s, e.g. 3 at Notion's 3 requests/s); every request still waits for its slot in the
        machine-wide pacing bucket.
    :param asset_name: a readable name for the database's asset (the outlet), e.g. ``"crm_accounts"``; DAGs
        scheduled on it use the same name: ``notion_asset("database", id, name="crm_accounts")``. Needs a literal
        id. Default: the asset is named by its URI.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "rows",
        "key",
        "database_id",
        "data_source_id",
        "delete_missing",
        "max_delete_fraction",
        "add_missing_properties",
        "sync_dry_run",
        "rows_format",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"rows": "json"}
    ui_color = "#e8f0fe"

    def __init__(
        self,
        *,
        rows: Any,
        key: str,
        database_id: Any = None,
        data_source_id: Any = None,
        delete_missing: bool | str = False,
        max_delete_fraction: float | str = 0.5,
        add_missing_properties: bool | str = False,
        dry_run: bool | str = False,
        rows_format: str = "auto",
        max_workers: int | None = None,
        asset_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rows = rows
        self.key = key
        self.database_id = database_id
        self.data_source_id = data_source_id
        self.delete_missing = delete_missing
        self.max_delete_fraction = max_delete_fraction
        self.add_missing_properties = add_missing_properties
        # Stored under another name: ``BaseOperator.dry_run`` is a method (``airflow tasks test --dry-run``).
        self.sync_dry_run = dry_run
        self.rows_format = rows_format
        self.max_workers = max_workers
        self.asset_name = asset_name
        declare_notion_outlet(self, asset_name)

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """Render as Airflow does, but a template using a run date the run lacks fails with a clear error."""
        try:
            super().render_template_fields(context, jinja_env)
        except UndefinedError as err:
            raise missing_run_date_error(self, err) from None

    def execute(self, context: Any) -> dict[str, Any]:
        key = optional_str(self.key, "key")
        if key is None:
            raise NotionInputError("key", "give the name of the column that identifies a row")
        fraction = _as_number(self.max_delete_fraction, "max_delete_fraction")
        result = sync_rows(
            self.hook,
            iter_rows(self.rows, rows_format=str(self.rows_format or "auto")),
            key=key,
            database_id=self.database_id or None,
            data_source_id=self.data_source_id or None,
            delete_missing=_as_bool(self.delete_missing, "delete_missing"),
            add_missing_properties=_as_bool(self.add_missing_properties, "add_missing_properties"),
            dry_run=_as_bool(self.sync_dry_run, "dry_run"),
            max_delete_fraction=0.5 if fraction is None else fraction,
            max_workers=self.max_workers,
        )
        self.push_notion_url(
            context, result.get("url"), result.get("database_id") or result.get("data_source_id")
        )
        record_asset_event(self, context, sync_event_extra(result))
        return result
