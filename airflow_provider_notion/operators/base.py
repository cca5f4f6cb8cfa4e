"""Shared plumbing of every operator: the hook, the XComs of a created or read object, the paginated list
action, and the small input helpers the resource modules share.

Operators are thin: they check and normalise their (rendered) inputs, call the hook or one job, return the result as
the ``return_value`` XCom and log one line. Every input is templated and may be a Python object, a JSON string or an
upstream ``XComArg``; nothing is checked in ``__init__`` that needs rendering.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_notion.client.paging import check_page_size, list_object
from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.lineage import Direction, operator_lineage, record_asset_event, target_uri
from airflow_provider_notion.links.notion import NOTION_URL_XCOM_KEY, NotionLink, push_notion_url
from airflow_provider_notion.operators.output_files import write_json_lines
from airflow_provider_notion.rules.ids import optional_notion_id
from airflow_provider_notion.rules.payloads import (
    DEFAULT_MAX_XCOM_RESULTS,
)
from airflow_provider_notion.rules.titles import object_title
from airflow_provider_notion.utils.coerce import as_bool as _as_bool
from airflow_provider_notion.utils.coerce import as_number as _as_number
from airflow_provider_notion.utils.progress import Progress
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

#: The page-content inputs shared by the create-page and create-database-item operators (all JSON-like).
PAGE_FIELDS = ("parent", "properties", "children", "icon", "cover")


def optional_str(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise NotionInputError(field, f"expected a string, got {type(value).__name__}")
    return value


def optional_id(value: Any, field: str) -> str | None:
    """An id or link, ``None``/``""`` meaning unset: :func:`~airflow_provider_notion.rules.ids.optional_notion_id`."""
    return optional_notion_id(value, field)


def rich_text_input(value: Any, field: str) -> Any:
    """A title/description: a plain string, a rich-text list, or a JSON string of one.

    Only a string that parses as a JSON *array* is taken as rich text, so a title such as ``[Draft] Tasks``
    stays plain text.
    """
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, list):
            return parsed
    return value


class NotionBaseOperator(BaseOperator):
    """Shared plumbing: the connection, the API version and the hook.

    :param notion_conn_id: the Airflow connection (type ``notion``).
    :param notion_version: overrides the connection's ``Notion-Version`` (``2022-06-28``, ``2025-09-03`` or
        ``2026-03-11``). Templated.
    """

    template_fields: Sequence[str] = ("notion_version",)
    template_fields_renderers: ClassVar[dict[str, str]] = {}
    ui_color = "#f7f6f3"
    #: Whether the Notion object named by the operator's id field is read ("input") or written ("output").
    notion_lineage: ClassVar[Direction | None] = None

    def __init__(
        self,
        *,
        notion_conn_id: str = NotionHook.default_conn_name,
        notion_version: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.notion_conn_id = notion_conn_id
        self.notion_version = notion_version

    @cached_property
    def hook(self) -> NotionHook:
        """The hook, created on first use in ``execute`` (after templates are rendered)."""
        return NotionHook(notion_conn_id=self.notion_conn_id, notion_version=self.notion_version or None)

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage datasets of the Notion object read or written (used by the OpenLineage provider)."""
        return operator_lineage(self, self.notion_lineage)

    def push_object_xcoms(self, context: Any, obj: Any) -> None:
        """Push the object's ``id`` (so ``task.output["id"]`` works downstream) and ``url`` (the extra link).

        Under data-source versions a database's single data source id is pushed as ``data_source_id`` too.
        """
        if not isinstance(obj, dict):
            return
        ti = context["ti"]
        if obj.get("id"):
            ti.xcom_push(key="id", value=obj["id"])
        if obj.get("url"):
            ti.xcom_push(key=NOTION_URL_XCOM_KEY, value=obj["url"])
        sources = obj.get("data_sources") if obj.get("object") == "database" else None
        if isinstance(sources, list) and len(sources) == 1 and isinstance(sources[0], dict):
            ti.xcom_push(key="data_source_id", value=sources[0].get("id"))

    def push_notion_url(self, context: Any, url: Any = None, object_id: Any = None) -> None:
        """Push what the "Notion" extra link opens (:func:`~airflow_provider_notion.links.notion.push_notion_url`)."""
        push_notion_url(context, url, object_id)

    def record_notion_event(self, context: Any, extra: Mapping[str, Any], obj: Any = None) -> None:
        """Attach ``extra`` and the title of the task's Notion object to this run's asset events.

        ``obj`` is the object when the task has it (the page it updated); otherwise the object named by the
        operator's id field is read for its title (one request), and only when the task has outlets and Airflow
        gave it an event store: a task without outlets spends nothing. A failed read leaves the title empty.
        """
        if not self.outlets or not isinstance(context, Mapping) or context.get("outlet_events") is None:
            return
        if obj is None:
            obj = self._outlet_object()
        record_asset_event(self, context, {"title": object_title(obj), **extra})

    def _outlet_object(self) -> dict[str, Any]:
        uri = target_uri(self)
        if uri is None:
            return {}
        kind, _, object_id = uri.removeprefix("notion://").partition("/")
        read = {"database": self.hook.get_database, "data_source": self.hook.get_data_source}
        try:
            return dict(read.get(kind, self.hook.get_page)(object_id))
        except NotionError as err:  # the write succeeded; only the event's title is missing
            self.log.warning("Could not read the title of %s for its asset event: %s", uri, err)
            return {}


class NotionLinkedOperator(NotionBaseOperator):
    """Operators that read or write one Notion object (a page, a database, a page's content or comments): the
    "Notion" extra link of their task opens it (the XCom ``notion_url`` they push)."""

    operator_extra_links = (NotionLink(),)


class NotionListOperator(NotionBaseOperator):
    """A paginated action returning Notion's list object.

    :param start_cursor: continue from a previous ``next_cursor`` (ignored with ``fetch_all``). Templated.
    :param page_size: results per request, 1-100. Templated.
    :param fetch_all: follow every page and return all results with ``next_cursor: null, has_more: false``.
    :param max_xcom_results: a ``fetch_all`` that finds more results than this fails instead of pushing a huge
        XCom; use ``output_path`` for big result sets.
    :param output_path: write the results as JSON Lines to this local path or ``ObjectStoragePath`` (streamed,
        page by page) and return ``{"path": ..., "count": ...}`` instead of the results. Templated.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "start_cursor",
        "page_size",
        "fetch_all",
        "output_path",
    )
    default_page_size: int | None = None
    #: Set by :meth:`pages` when a fetch can go past the cap: the current window, for the progress lines.
    progress_window: Callable[[], str | None] | None = None

    def __init__(
        self,
        *,
        start_cursor: str | None = None,
        page_size: int | None = None,
        fetch_all: bool = False,
        max_xcom_results: int = DEFAULT_MAX_XCOM_RESULTS,
        output_path: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_cursor = start_cursor
        self.page_size = page_size if page_size is not None else self.default_page_size
        self.fetch_all = fetch_all
        self.max_xcom_results = max_xcom_results
        self.output_path = output_path

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        """The hook's page iterator for this action; inputs are checked when it is called."""
        raise NotImplementedError

    def describe(self) -> str:
        """What was listed, for the log line."""
        return "results"

    def execute(self, context: Any) -> dict[str, Any]:
        page_size = check_page_size(self.page_size)
        fetch_all = _as_bool(self.fetch_all, "fetch_all")
        max_results = _as_number(self.max_xcom_results, "max_xcom_results", whole=True, minimum=1)
        start_cursor = None if fetch_all else optional_str(self.start_cursor, "start_cursor")
        output = (
            None if self.output_path in (None, "") else resolve_storage_path(self.output_path, "output_path")
        )
        pages = self.pages(start_cursor=start_cursor, page_size=page_size, fetch_all=fetch_all)
        if not fetch_all:
            pages = itertools.islice(pages, 1)
        progress = Progress(self.describe(), logger=self.log, window=self.progress_window)
        if fetch_all or output is not None:
            pages = progress.track_pages(pages)  # a line every ~10 s: 50,000 rows take minutes
        if output is not None:
            summary = write_json_lines(output, pages)
            progress.finish()
            self.log.info("Wrote %d Notion %s to %s", summary["count"], self.describe(), summary["path"])
            return summary
        if not fetch_all:
            page = next(pages)
            self.log.info(
                "Listed %d Notion %s (has_more=%s)",
                len(page.get("results", [])),
                self.describe(),
                page.get("has_more"),
            )
            return page
        results: list[Any] = []
        list_type: str | None = None
        for page in pages:
            list_type = list_type or page.get("type")
            results.extend(page.get("results", []))
            if len(results) > max_results:
                raise NotionError(
                    f"fetch_all found more than {max_results} {self.describe()}, more than max_xcom_results "
                    "allows in XCom. Set output_path (a local path or an ObjectStoragePath URL) to write them as "
                    "JSON Lines and pass the path on, or raise max_xcom_results."
                )
        progress.finish()
        self.log.info("Listed all %d Notion %s", len(results), self.describe())
        return list_object(results, list_type)
