"""NotionQuerySensor: wait until a database or data source query returns enough rows."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowSensorTimeout,
    AirflowSkipException,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import DEFAULT_MAX_XCOM_RESULTS, json_list, json_object
from airflow_provider_notion.rules.query_window import QueryWindow
from airflow_provider_notion.triggers.notion import NotionQueryTrigger, matching_page
from airflow_provider_notion.utils.checks import drop_none
from airflow_provider_notion.utils.coerce import as_bool as _flag
from airflow_provider_notion.utils.coerce import whole_number as _whole_number

if TYPE_CHECKING:
    from airflow.sdk import Context


class NotionQuerySensor(BaseSensorOperator):
    """Wait until a Notion database (or data source) query returns at least ``min_results`` rows.

    Each poke runs the query; the XCom is Notion's list object of the matching rows (every page with
    ``fetch_all``, else the first page). Works in ``poke``, ``reschedule`` and deferrable mode; deferred, it
    pokes once on the worker (no deferral when that already matches), then polls from the triggerer.

    **Time windows.** ``edited_after``/``edited_before`` and ``created_after``/``created_before`` (datetimes or
    ISO 8601 strings, usually ``"{{ data_interval_start }}"`` and ``"{{ data_interval_end }}"``) are AND-ed with
    ``filter``. Notion keeps ``last_edited_time`` and ``created_time`` only to the minute, so a row is placed by
    its minute ``m`` and a run sees exactly the rows with::

        floor_minute(edited_after) <= m < floor_minute(edited_before)

    (an unset bound is open; the same for ``created_*``). Consecutive data intervals therefore see every row
    exactly once: ``[a, b)`` and ``[b, c)`` become ``[floor(a), floor(b))`` and ``[floor(b), floor(c))``. With
    minute-aligned intervals (any cron schedule) that is precisely "edited within the data interval"; when an
    interval ends inside a minute, that minute's rows go to the next run, since they may have been edited after
    this run looked. Without ``edited_before`` the window is open-ended and a later run may see the same row.
    Notion only keeps a row's latest edit: a row edited again before a run looks is reported in the interval
    of that latest edit (once), and a row edited after its run looked is reported again by the run of the new
    edit. ``"None"`` (a rendered missing value) or ``""`` leaves a bound unset.

    **Filter nesting.** Notion accepts two levels of ``and``/``or``. The window is appended to a top-level
    ``and``; any other filter is wrapped in a new ``and``, so it may be at most one level deep.

    :param database_id: database ID or URL; under 2025-09-03+ it must have exactly one data source.
    :param data_source_id: data source ID or URL (2025-09-03+); wins over ``database_id``.
    :param filter: Notion filter object (dict or JSON string).
    :param sorts: Notion sorts list (dict list or JSON string).
    :param min_results: rows needed to succeed (default 1).
    :param edited_after: inclusive lower bound on ``last_edited_time`` (see above).
    :param edited_before: exclusive upper bound on ``last_edited_time``.
    :param created_after: inclusive lower bound on ``created_time``.
    :param created_before: exclusive upper bound on ``created_time``.
    :param fetch_all: read every page (all matching rows count and go to XCom), else only the first page.
    :param max_xcom_results: the most rows the XCom may carry (default 10,000, as for the list operators); more
        fail the task with a message to narrow the query or read the rows with ``NotionQueryDatabaseOperator``
        and its ``output_path``.
    :param notion_conn_id: the Notion connection.
    :param notion_version: overrides the connection's ``Notion-Version``.
    :param deferrable: wait on the triggerer instead of holding a worker slot.
    """

    template_fields: Sequence[str] = (
        "database_id",
        "data_source_id",
        "filter",
        "sorts",
        "min_results",
        "edited_after",
        "edited_before",
        "created_after",
        "created_before",
        "fetch_all",
        "notion_conn_id",
        "notion_version",
    )
    template_fields_renderers = {"filter": "json", "sorts": "json"}
    ui_color = "#f7f6f3"

    def __init__(
        self,
        *,
        database_id: str | None = None,
        data_source_id: str | None = None,
        filter: Any = None,
        sorts: Any = None,
        min_results: int | str = 1,
        edited_after: Any = None,
        edited_before: Any = None,
        created_after: Any = None,
        created_before: Any = None,
        fetch_all: bool | str = False,
        max_xcom_results: int = DEFAULT_MAX_XCOM_RESULTS,
        notion_conn_id: str = NotionHook.default_conn_name,
        notion_version: str | None = None,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if database_id is None and data_source_id is None:
            raise NotionInputError("database_id", "give database_id or data_source_id")
        self.database_id = database_id
        self.data_source_id = data_source_id
        self.filter = filter
        self.sorts = sorts
        self.min_results = min_results
        self.edited_after = edited_after
        self.edited_before = edited_before
        self.created_after = created_after
        self.created_before = created_before
        self.fetch_all = fetch_all
        self.max_xcom_results = max_xcom_results
        self.notion_conn_id = notion_conn_id
        self.notion_version = notion_version
        self.deferrable = deferrable

    @cached_property
    def hook(self) -> NotionHook:
        return NotionHook(self.notion_conn_id, self.notion_version)

    # ------------------------------------------------------------------ the query, from rendered fields

    def _window(self) -> QueryWindow:
        return QueryWindow.build(
            edited_after=self.edited_after,
            edited_before=self.edited_before,
            created_after=self.created_after,
            created_before=self.created_before,
        )

    def query_body(self) -> dict[str, Any]:
        """The query body: the user's filter AND the time window, and the sorts."""
        window = self._window()
        combined = window.combine(json_object(self.filter, "filter"))
        return drop_none({"filter": combined, "sorts": json_list(self.sorts, "sorts")})

    def _ids(self) -> dict[str, str | None]:
        return {
            "database_id": normalize_notion_id(self.database_id, "database_id")
            if self.database_id and not self.data_source_id
            else None,
            "data_source_id": normalize_notion_id(self.data_source_id, "data_source_id")
            if self.data_source_id
            else None,
        }

    def query_path(self) -> str:
        """Where the query goes (a database resolves to its data source under 2025-09-03+)."""
        ids = self._ids()
        return self.hook.query_target(ids["database_id"], ids["data_source_id"])

    # ------------------------------------------------------------------ poke / reschedule

    def poke(self, context: Context) -> PokeReturnValue:
        min_results = _whole_number(self.min_results, "min_results", 0)
        _whole_number(self.max_xcom_results, "max_xcom_results", 1)  # refused before the first request
        fetch_all = _flag(self.fetch_all, "fetch_all")
        window = self._window()
        body = self.query_body()
        ids = self._ids()
        page = self.hook.query_database(
            ids["database_id"],
            data_source_id=ids["data_source_id"],
            filter=body.get("filter"),
            sorts=body.get("sorts"),
            fetch_all=fetch_all,
        )
        matched = matching_page(page, window)
        count = len(matched.get("results", []))
        self.log.info("Notion query matched %d row(s); waiting for %d", count, min_results)
        if count >= min_results:
            return PokeReturnValue(is_done=True, xcom_value=self._within_xcom_budget(matched))
        return PokeReturnValue(is_done=False)

    def _within_xcom_budget(self, rows: Mapping[str, Any]) -> dict[str, Any]:
        limit = _whole_number(self.max_xcom_results, "max_xcom_results", 1)
        count = len(rows.get("results", []))
        if count > limit:
            raise NotionError(
                f"NotionQuerySensor matched {count} rows, more than max_xcom_results ({limit}) allows in XCom. "
                "Narrow the filter, or let the sensor wait without fetch_all and read the rows downstream with "
                "NotionQueryDatabaseOperator(fetch_all=True, output_path=...)."
            )
        return dict(rows)

    # ------------------------------------------------------------------ deferrable

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        try:
            first = self.poke(context)
        except AirflowSkipException:
            raise
        except Exception as err:
            if self.never_fail:
                raise AirflowSkipException("Skipping due to never_fail is set to True.") from err
            raise
        if first.is_done:
            return first.xcom_value
        self.defer(
            trigger=self.build_trigger(),
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout),
        )

    def build_trigger(self, end_time: float | None = None) -> NotionQueryTrigger:
        """The trigger that continues this wait on the triggerer (the deadline is the sensor timeout)."""
        return NotionQueryTrigger(
            conn_id=self.notion_conn_id,
            query_path=self.query_path(),
            body=self.query_body(),
            notion_version=self.hook.version.name,
            window=self._window().to_json(),
            min_results=_whole_number(self.min_results, "min_results", 0),
            poke_interval=float(self.poke_interval),
            end_time=end_time if end_time is not None else time.time() + float(self.timeout),
            fetch_all=_flag(self.fetch_all, "fetch_all"),
            requests_per_second=self.hook.requests_per_second,
        )

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> Any:
        """Turn the trigger's event into the task's outcome: the rows, a sensor timeout or a failure."""
        if not isinstance(event, Mapping):
            raise NotionError(f"NotionQuerySensor resumed without a trigger event (got {event!r})")
        status = event.get("status")
        message = event.get("message") or "no message"
        if status == "success" and event.get("rows_included") is False:
            return self._reread_after_large_match(context, event)
        if status == "success":
            results = event.get("results")
            if not isinstance(results, Mapping) or not isinstance(results.get("results"), list):
                raise NotionError("NotionQuerySensor's trigger reported success without a list of results")
            self.log.info("Notion query matched %d row(s)", len(results["results"]))
            return self._within_xcom_budget(results)
        if status == "reauthorize":
            return self._resume_after_reauthorize(context, event)
        if status == "timeout":
            # Mapped by the sensor machinery like any sensor timeout (soft_fail/never_fail skip).
            raise AirflowSensorTimeout(f"Sensor has timed out: {message}")
        if status == "error":
            raise NotionError(f"NotionQuerySensor failed: {message}")
        raise NotionError(f"NotionQuerySensor got an unknown trigger event status {status!r}")

    def _reread_after_large_match(self, context: Context, event: Mapping[str, Any]) -> Any:
        """The match was too large for the trigger's event: read the rows here (the XCom is the same list
        object a poke returns); if they no longer match, wait on the triggerer again until the deadline."""
        self.log.info(
            "Notion query matched %s row(s), too many for the trigger event; reading them on the worker",
            event.get("count"),
        )
        return self._poke_or_defer_again(context, event)

    def _poke_or_defer_again(self, context: Context, event: Mapping[str, Any]) -> Any:
        end_time = float(event.get("end_time") or time.time() + float(self.timeout))
        poked = self.poke(context)
        if poked.is_done:
            return poked.xcom_value
        remaining = end_time - time.time()
        if remaining <= 0:
            raise AirflowSensorTimeout("Sensor has timed out after the rows the trigger saw stopped matching")
        self.defer(
            trigger=self.build_trigger(end_time=end_time),
            method_name="execute_complete",
            timeout=timedelta(seconds=remaining),
        )

    def _resume_after_reauthorize(self, context: Context, event: Mapping[str, Any]) -> Any:
        """The trigger's OAuth token was rejected: poke here (the hook refreshes and stores the rotated pair),
        then wait on the triggerer again until the original deadline."""
        end_time = float(event.get("end_time") or time.time())
        remaining = end_time - time.time()
        self.log.info("Notion rejected the trigger's OAuth token; refreshing it on the worker")
        poked = self.poke(context)
        if poked.is_done:
            return poked.xcom_value
        if remaining <= 0:
            raise AirflowSensorTimeout("Sensor has timed out while refreshing the Notion OAuth token")
        self.defer(
            trigger=self.build_trigger(end_time=end_time),
            method_name="execute_complete",
            timeout=timedelta(seconds=remaining),
        )
