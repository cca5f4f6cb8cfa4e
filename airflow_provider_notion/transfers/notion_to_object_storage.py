"""NotionToObjectStorageOperator: export a Notion database (or the workspace's users) to a typed file.

See ``docs/export.md`` for usage, the column types, the window guarantees and loading the files into a warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import BaseOperator
from jinja2.exceptions import UndefinedError

from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_REQUESTS_PER_SECOND
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook, check_page_size
from airflow_provider_notion.jobs.export.columns import (
    COLUMN_NAME_STYLES,
    Column,
    ColumnNames,
    build_columns,
    flatten_page,
)
from airflow_provider_notion.jobs.export.content import CONTENT_COLUMN, page_markdown
from airflow_provider_notion.jobs.export.state import (
    ExportState,
    deletions,
    read_state,
    recorded_columns,
    run_key,
    widen_retyped,
    write_state,
)
from airflow_provider_notion.jobs.export.users import USER_COLUMNS, flatten_user
from airflow_provider_notion.jobs.export.writers import (
    DEFAULT_ROW_GROUP_ROWS,
    FORMATS,
    ExportFormat,
    open_table,
    require_pyarrow,
)
from airflow_provider_notion.jobs.targets import read_table
from airflow_provider_notion.lineage import export_lineage, record_asset_event
from airflow_provider_notion.links.notion import NotionLink, push_notion_url
from airflow_provider_notion.operators.run_dates import missing_run_date_error
from airflow_provider_notion.rules.filters import check_filter_depth
from airflow_provider_notion.rules.ids import optional_notion_id
from airflow_provider_notion.rules.payloads import json_object
from airflow_provider_notion.rules.query_window import QueryWindow
from airflow_provider_notion.rules.timestamps import notion_instant, parse_instant
from airflow_provider_notion.utils.coerce import as_bool, as_choice, whole_number
from airflow_provider_notion.utils.progress import Progress
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

MODES = ("incremental", "full")
STREAMS = ("rows", "users")
#: What each run's Asset event carries (``extra``): docs/export.md.
EVENT_KEYS = ("path", "format", "rows", "window", "title")
TOMBSTONE_COLUMNS = [
    Column("id", "string", "id", "system"),
    Column("detected_at", "timestamp", "detected_at", "system"),
]


def sibling(target: Any, suffix: str) -> Any:
    """``…/rows.parquet`` + ``.deleted`` -> ``…/rows.deleted.parquet`` (same folder, same extension)."""
    name = str(target.name)
    stem, dot, extension = name.rpartition(".")
    new_name = f"{stem}{suffix}.{extension}" if dot and stem else f"{name}{suffix}"
    return target.parent / new_name


def asset_uri_for(path: Any) -> str | None:
    """The Asset URI an export declares: the path up to its first templated part (a folder), as a URI.

    ``s3://lake/notion/tasks/{{ ds }}/rows.parquet`` -> ``s3://lake/notion/tasks/``; a path without templates is
    its own URI; a local absolute path becomes ``file://…``. A relative local path has no URI (``None``).
    """
    if not isinstance(path, str) or not path.strip():
        return None
    text = path.strip()
    if "{{" in text or "{%" in text:
        cut = min(i for i in (text.find("{{"), text.find("{%")) if i >= 0)
        text = text[: text.rfind("/", 0, cut) + 1]
    if "://" in text:
        return text if text.split("://", 1)[1] else None
    return f"file://{text}" if text.startswith("/") else None


class RequestCounter:
    """Counts the HTTP answers a hook's session receives (retries included): the ``requests`` of the XCom.

    Registered as a ``requests`` response hook on the hook's session, so every call counts, whichever hook
    method (query pages, block children, Markdown) made it.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return response

    def attach(self, hook: NotionHook) -> RequestCounter:
        hook.get_conn().hooks["response"].append(self)
        return self


class NotionToObjectStorageOperator(BaseOperator):
    """Export a Notion database's rows (or the workspace's users) to JSON Lines, CSV or Parquet.

    The file appears at ``path`` complete or not at all; a rerun of the same interval rewrites it with the same
    content. Rows are fetched and written page by page (memory does not grow with the row count), past Notion's
    10,000-row cap. A progress line is logged every ~10 s.

    :param database_id: the database's id or URL (under 2025-09-03+ it must have one data source). Templated.
    :param data_source_id: the data source's id or URL (2025-09-03+); wins over ``database_id``. Templated.
    :param filter: a Notion filter, AND-ed with the window. Templated.
    :param path: a local path or an ``ObjectStoragePath`` URL (``s3://…``, ``gs://…``, ``file://…``). Templated.
    :param format: ``jsonl`` (default), ``csv`` or ``parquet`` (extra ``airflow-notion-provider[parquet]``).
    :param mode: ``incremental`` (default): the rows whose ``last_edited_time`` minute lies in
        ``[floor(edited_after), floor(edited_before))``, by default the run's data interval, so consecutive runs
        export each edit exactly once; ``full``: every row.
    :param edited_after: start of the window (default: the run's ``data_interval_start``). Templated.
    :param edited_before: end of the window (default: the run's ``data_interval_end``). Taken from the run
        only in ``incremental`` mode, so a ``full`` export runs without a data interval (a run triggered from
        the REST API or by an asset has none). Templated.
    :param flatten: one typed column per property (default); ``False`` writes raw page objects (JSON Lines only).
    :param column_names: ``default`` (property names) or ``snake_case``; collisions get ``_2``, ``_3``… With a
        ``state_path``, a column keeps its property across runs (names are bound to property ids).
    :param include_content: add a ``content_markdown`` column: Notion's page Markdown under 2026-03-11 (one extra
        request per row), else the block tree converted (a request per level and per 100 blocks).
    :param detect_deletes: also write the ids of rows gone since the previous run (trashed or no longer shared)
        to ``<stem>.deleted.<ext>`` beside ``path``; needs ``state_path``. Costs one key scan of the whole data
        source (⌈rows/100⌉ requests) unless a ``full`` export without filter already read every row. A rerun of
        the same interval (same tombstones file and window) reports the same deletions again.
    :param state_path: a small JSON file (local path or URL) remembering the previous run's ids (for
        ``detect_deletes``), the deletions each run reported, and the columns written so far: each column keeps
        its property (a property added later never takes its name), and a property retyped in Notion is widened
        to ``string`` instead of changing type between files. Templated.
    :param csv_formula_escape: with ``format="csv"``, text cells starting with ``=``, ``+``, ``-``, ``@``, a tab
        or a carriage return get a leading ``'`` so a spreadsheet does not run them as formulas (default
        ``True``; ``False`` writes them as they are, for loaders that are not spreadsheets). Templated.
    :param stream: ``rows`` (default) or ``users``: the workspace's users (id, type, name, avatar_url, email,
        bot_workspace_name), always a full export, to join people columns to names.
    :param page_size: rows per request (1-100).
    :param row_group_rows: Parquet rows per row group (memory holds at most one row group).
    :param requests_per_second: client-side pacing (see :class:`NotionHook`); ``None`` turns it off.
    :param asset_uri: the Asset this task declares as its outlet (default: :func:`asset_uri_for` of ``path``);
        ``""`` for none.
    """

    template_fields: Sequence[str] = (
        "database_id",
        "data_source_id",
        "filter",
        "path",
        "format",
        "mode",
        "edited_after",
        "edited_before",
        "flatten",
        "column_names",
        "include_content",
        "detect_deletes",
        "state_path",
        "stream",
        "notion_version",
        "csv_formula_escape",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"filter": "json"}
    ui_color = "#f7f6f3"
    #: The "Notion" link opens the exported database (a users export has no Notion object to open).
    operator_extra_links = (NotionLink(),)

    def __init__(
        self,
        *,
        path: Any,
        database_id: Any = None,
        data_source_id: Any = None,
        filter: Any = None,
        format: str = "jsonl",
        mode: str = "incremental",
        edited_after: Any = None,
        edited_before: Any = None,
        flatten: bool | str = True,
        column_names: str = "default",
        include_content: bool | str = False,
        detect_deletes: bool | str = False,
        state_path: Any = None,
        stream: str = "rows",
        page_size: int = 100,
        row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
        asset_uri: str | None = None,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        notion_conn_id: str = NotionHook.default_conn_name,
        notion_version: str | None = None,
        csv_formula_escape: bool | str = True,
        **kwargs: Any,
    ) -> None:
        uri = asset_uri_for(path) if asset_uri is None else (asset_uri or None)
        if uri and "outlets" not in kwargs:
            from airflow.providers.common.compat.sdk import Asset

            kwargs["outlets"] = [Asset(uri)]
        super().__init__(**kwargs)
        self.path = path
        self.database_id = database_id
        self.data_source_id = data_source_id
        self.filter = filter
        self.format = format
        self.mode = mode
        self.edited_after = edited_after
        self.edited_before = edited_before
        self.flatten = flatten
        self.column_names = column_names
        self.include_content = include_content
        self.detect_deletes = detect_deletes
        self.state_path = state_path
        self.stream = stream
        self.page_size = page_size
        self.row_group_rows = row_group_rows
        self.requests_per_second = requests_per_second
        self.notion_conn_id = notion_conn_id
        self.notion_version = notion_version
        self.csv_formula_escape = csv_formula_escape

    @cached_property
    def hook(self) -> NotionHook:
        return NotionHook(
            notion_conn_id=self.notion_conn_id,
            notion_version=self.notion_version or None,
            requests_per_second=self.requests_per_second,
        )

    # ------------------------------------------------------------------ inputs (checked before any request)

    def _format(self) -> ExportFormat:
        fmt = as_choice(self.format, "format", FORMATS)
        if fmt == "parquet":
            require_pyarrow()
        return fmt  # type: ignore[return-value]

    def _window(self, mode: str, context: Any) -> QueryWindow:
        if mode == "full":
            return QueryWindow()
        run = context if isinstance(context, Mapping) else {}
        after = run.get("data_interval_start") if self.edited_after is None else self.edited_after
        before = run.get("data_interval_end") if self.edited_before is None else self.edited_before
        window = QueryWindow.build(edited_after=after, edited_before=before)
        start = parse_instant(after, "edited_after")
        if start is not None and start == parse_instant(before, "edited_before"):
            raise NotionInputError(
                "edited_before",
                f"equals edited_after ({notion_instant(start)}): an empty window would export nothing on every "
                "run. Airflow 3's cron schedules have zero-length data intervals by default; schedule the DAG "
                "with CronDataIntervalTimetable (or DeltaDataIntervalTimetable), or pass the bounds yourself",
            )
        bounds = window.windows[0] if window.windows else None
        if bounds is None or bounds.start is None or bounds.end is None:
            raise NotionInputError(
                "edited_after",
                "mode='incremental' needs both edited_after and edited_before (by default the run's data "
                "interval, which this run does not have: a run triggered from the REST API, the UI without a "
                "logical date, or by an asset); give them, or use mode='full'",
            )
        return window

    # ------------------------------------------------------------------ execute

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage: the Notion database read (input) and the files written (output), with OpenLineage only."""
        return export_lineage(self)

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """Render as Airflow does, but a template using a run date the run lacks fails with a clear error."""
        try:
            super().render_template_fields(context, jinja_env)
        except UndefinedError as err:
            raise missing_run_date_error(self, err) from None

    def execute(self, context: Any) -> dict[str, Any]:
        stream = as_choice(self.stream, "stream", STREAMS)
        fmt = self._format()
        target = resolve_storage_path(self.path, "path")
        formula_escape = as_bool(self.csv_formula_escape, "csv_formula_escape")
        if stream == "users":
            return self._export_users(context, target, fmt, formula_escape)
        mode = as_choice(self.mode, "mode", MODES)
        flatten = as_bool(self.flatten, "flatten")
        include_content = as_bool(self.include_content, "include_content")
        detect_deletes = as_bool(self.detect_deletes, "detect_deletes")
        column_names: ColumnNames = as_choice(self.column_names, "column_names", COLUMN_NAME_STYLES)  # type: ignore[assignment]
        if not flatten and fmt != "jsonl":
            raise NotionInputError("flatten", "raw page objects (flatten=False) can only be written as jsonl")
        page_size = check_page_size(self.page_size)
        row_group_rows = whole_number(self.row_group_rows, "row_group_rows", minimum=1)
        user_filter = json_object(self.filter, "filter")
        check_filter_depth(user_filter)
        window = self._window(mode, context)
        combined = window.combine(user_filter)
        state_path = None
        if self.state_path not in (None, ""):
            state_path = resolve_storage_path(self.state_path, "state_path")
        elif detect_deletes:
            raise NotionInputError(
                "state_path", "detect_deletes needs a state_path where the previous run's ids are kept"
            )
        database_id = optional_notion_id(self.database_id, "database_id")
        data_source_id = optional_notion_id(self.data_source_id, "data_source_id")
        if database_id is None and data_source_id is None:
            raise NotionInputError("database_id", "give database_id or data_source_id")

        # Requests start here.
        counter = RequestCounter().attach(self.hook)
        table = read_table(self.hook, database_id=database_id, data_source_id=data_source_id)
        push_notion_url(context, table.url, table.database_id or table.data_source_id)
        schema = table.schema
        target_ids = (
            {"data_source_id": table.data_source_id}
            if table.data_source_id is not None
            else {"database_id": str(table.database_id)}
        )
        state = read_state(state_path) if state_path is not None else ExportState()
        columns = build_columns(schema, column_names, bound=state.bound_names()) if flatten else None
        if columns is not None:
            columns, widened = widen_retyped(columns, state.types())
            if widened:
                self.log.warning(
                    "Properties retyped in Notion since an earlier export; widened to string so every file keeps "
                    "one type per column: %s",
                    ", ".join(widened),
                )
        if columns is not None and include_content:
            columns.append(Column(CONTENT_COLUMN, "string", CONTENT_COLUMN, "content"))
        query = self.hook.complete_query(
            target_ids.get("database_id"),
            data_source_id=target_ids.get("data_source_id"),
            filter=combined,
            page_size=page_size,
        )
        progress = Progress("export rows", logger=self.log, window=lambda: query.window_start)
        seen_ids: set[str] | None = set() if detect_deletes and mode == "full" and not user_filter else None
        rows = 0
        about = {"source": target_ids, "mode": mode, "window": self._window_json(window)}
        with open_table(
            target,
            fmt,
            columns,
            row_group_rows=row_group_rows,
            schema_about=about,
            csv_formula_escape=formula_escape,
        ) as writer:
            for batch in query.batches():
                kept = window.keep(batch)  # the exact-once minute rule, whatever the server compared
                progress.page(len(kept))
                if seen_ids is not None:
                    seen_ids.update(str(row["id"]) for row in kept)
                writer.write(list(self._rows(kept, columns, include_content)))
                rows += len(kept)
        progress.finish()
        if rows == 0:
            self.log.info("No rows in this window: wrote an empty %s file with the schema to %s", fmt, target)
        result: dict[str, Any] = {
            "path": str(target),
            "format": fmt,
            "rows": rows,
            "columns": [column.name for column in columns] if columns is not None else None,
            "window": self._window_json(window),
            "requests": 0,
            "title": table.title,
        }
        next_state = ExportState(
            columns=recorded_columns(state.columns, columns or []), deleted=state.deleted
        )
        if detect_deletes:
            next_state.ids = seen_ids if seen_ids is not None else self._key_scan(target_ids)
            key = run_key(sibling(target, ".deleted"), result["window"])
            result["deleted"], next_state.deleted = self._write_tombstones(
                target, fmt, state, next_state.ids, key, formula_escape
            )
        if state_path is not None:
            # Last, after every file is in place: a failed run leaves the previous state as it was.
            write_state(state_path, next_state)
        result["requests"] = counter.count
        self._record_asset_event(context, result)
        self.log.info(
            "Exported %d Notion rows to %s (%s, %d requests)", rows, result["path"], fmt, result["requests"]
        )
        return result

    @staticmethod
    def _window_json(window: QueryWindow) -> list[str] | None:
        if not window.windows:
            return None
        bounds = window.windows[0]
        if bounds.start is None or bounds.end is None:
            return None
        return [notion_instant(bounds.start), notion_instant(bounds.end)]

    def _rows(
        self, pages: list[dict[str, Any]], columns: list[Column] | None, include_content: bool
    ) -> Iterator[dict[str, Any]]:
        for page in pages:
            row = flatten_page(page, columns) if columns is not None else dict(page)
            if include_content:
                row[CONTENT_COLUMN] = page_markdown(self.hook, str(page["id"]))
            yield row

    # ------------------------------------------------------------------ deletes

    def _write_tombstones(
        self,
        target: Any,
        fmt: ExportFormat,
        state: ExportState,
        current: set[str],
        key: str,
        formula_escape: bool,
    ) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
        """Write the tombstones file; returns the XCom entry and the deletion log to keep."""
        previous = state.ids
        gone, log = deletions(state, key, current, datetime.now(UTC))
        tombstones = sibling(target, ".deleted")
        with open_table(tombstones, fmt, TOMBSTONE_COLUMNS, csv_formula_escape=formula_escape) as writer:
            writer.write([{"id": row_id, "detected_at": moment} for row_id, moment in gone])
        if previous is None:
            self.log.info("First run with detect_deletes: recorded %d ids, no deletions yet", len(current))
        else:
            self.log.info("%d row(s) disappeared since the previous run; ids in %s", len(gone), tombstones)
        return {"path": str(tombstones), "rows": len(gone), "first_run": previous is None}, log

    def _key_scan(self, target_ids: Mapping[str, str]) -> set[str]:
        """Every current row id: one pass over the data source (⌈rows/100⌉ requests)."""
        query = self.hook.complete_query(
            target_ids.get("database_id"), data_source_id=target_ids.get("data_source_id"), page_size=100
        )
        progress = Progress("key scan for deletes", logger=self.log, window=lambda: query.window_start)
        ids: set[str] = set()
        for batch in query.batches():
            progress.page(len(batch))
            ids.update(str(row["id"]) for row in batch)
        progress.finish()
        return ids

    # ------------------------------------------------------------------ users

    def _export_users(
        self, context: Any, target: Any, fmt: ExportFormat, formula_escape: bool
    ) -> dict[str, Any]:
        counter = RequestCounter().attach(self.hook)
        progress = Progress("users", logger=self.log)
        rows = 0
        with open_table(
            target, fmt, USER_COLUMNS, schema_about={"source": "users"}, csv_formula_escape=formula_escape
        ) as writer:
            for page in progress.track_pages(self.hook.iter_user_pages(page_size=100)):
                batch = [flatten_user(user) for user in page.get("results", [])]
                writer.write(batch)
                rows += len(batch)
        progress.finish()
        result = {
            "path": str(target),
            "format": fmt,
            "rows": rows,
            "columns": [column.name for column in USER_COLUMNS],
            "window": None,
            "requests": counter.count,
            "title": "Notion users",
        }
        self._record_asset_event(context, result)
        return result

    # ------------------------------------------------------------------ asset

    def _record_asset_event(self, context: Any, result: Mapping[str, Any]) -> None:
        """Attach the written path, counts and the database's title to this run's Asset event."""
        extra = {key: result[key] for key in EVENT_KEYS if key in result}
        record_asset_event(self, context, extra)
