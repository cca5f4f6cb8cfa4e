"""One operator per Notion action.

Operators are thin: they check and normalise their (rendered) inputs, call one :class:`NotionHook` method,
return the result as the ``return_value`` XCom and log one line. Every input is templated and may be a Python
object, a JSON string or an upstream ``XComArg``; nothing is checked in ``__init__`` that needs rendering.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_notion.client.large_query import CompleteQuery
from airflow_provider_notion.client.paging import check_page_size, list_object
from airflow_provider_notion.client.request import api_path
from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.page_content import append_left_over, content_for_create
from airflow_provider_notion.lineage import Direction, declare_notion_outlet, operator_lineage
from airflow_provider_notion.links.notion import NOTION_URL_XCOM_KEY, NotionLink
from airflow_provider_notion.operators.output_files import write_bytes, write_json_lines
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import (
    DEFAULT_MAX_XCOM_RESULTS,
    json_list,
    json_object,
    parse_json_value,
    property_values,
)
from airflow_provider_notion.utils.coerce import as_bool as _as_bool
from airflow_provider_notion.utils.coerce import as_number as _as_number
from airflow_provider_notion.utils.coerce import as_optional_bool as _as_optional_bool
from airflow_provider_notion.utils.progress import Progress
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

_JSON = "json"
#: The page-content inputs shared by the create-page and create-database-item operators (all JSON-like).
_PAGE_FIELDS = ("parent", "properties", "children", "icon", "cover")


def _optional_str(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise NotionInputError(field, f"expected a string, got {type(value).__name__}")
    return value


def _optional_id(value: Any, field: str) -> str | None:
    return None if value is None or value == "" else normalize_notion_id(value, field)


def _rich_text_input(value: Any, field: str) -> Any:
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


class _NotionLinkedOperator(NotionBaseOperator):
    """Operators whose result is one page or database: they show the "Notion" extra link."""

    operator_extra_links = (NotionLink(),)


class NotionGetCurrentUserOperator(NotionBaseOperator):
    """Return the integration's bot user (``GET /v1/users/me``); also a quick check that the token works.

    .. code-block:: python

        me = NotionGetCurrentUserOperator(task_id="whoami")
        # me.output["bot"]["workspace_name"]
    """

    def execute(self, context: Any) -> dict[str, Any]:
        user = self.hook.get_current_user()
        self.push_object_xcoms(context, user)
        workspace = (user.get("bot") or {}).get("workspace_name")
        self.log.info("Notion bot %s (%s) in workspace %s", user.get("name"), user.get("id"), workspace)
        return user


class NotionGetUserOperator(NotionBaseOperator):
    """Return one user (``GET /v1/users/{user_id}``; needs the "read user information" capability).

    :param user_id: the user's id (dashes optional). Templated.
    """

    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, "user_id")

    def __init__(self, *, user_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user_id = user_id

    def execute(self, context: Any) -> dict[str, Any]:
        user = self.hook.get_user(normalize_notion_id(self.user_id, "user_id"))
        self.push_object_xcoms(context, user)
        self.log.info("Notion user %s (%s, %s)", user.get("id"), user.get("name"), user.get("type"))
        return user


class NotionGetPageOperator(_NotionLinkedOperator):
    """Return a page's properties (``GET /v1/pages/{page_id}``), not its content blocks.

    :param page_id: page id, dashed or not, or its Notion URL. Templated.
    :param filter_properties: only return these properties: a list of property ids (or names) or a
        comma-separated string. Templated.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, "page_id", "filter_properties")

    def __init__(
        self, *, page_id: str, filter_properties: list[str] | str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.filter_properties = filter_properties

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        filter_properties = self.filter_properties
        if isinstance(filter_properties, str) and filter_properties.lstrip().startswith("["):
            filter_properties = json_list(filter_properties, "filter_properties")
        page = self.hook.get_page(page_id, filter_properties=filter_properties or None)
        self.push_object_xcoms(context, page)
        self.log.info("Notion page %s (%d properties)", page.get("id"), len(page.get("properties") or {}))
        return page


class NotionGetDatabaseOperator(_NotionLinkedOperator):
    """Return a database (``GET /v1/databases/{database_id}``).

    Under Notion-Version 2025-09-03 and later a database is a container: it lists ``data_sources: [{id,
    name}]`` and has no schema. With ``include_data_sources=True`` each entry of ``data_sources`` is replaced by
    the full data source object (``GET /v1/data_sources/{id}``), schema included. Under 2022-06-28 the
    database already carries its schema in ``properties`` and the option changes nothing.

    :param database_id: database id, dashed or not, or its Notion URL. Templated.
    :param include_data_sources: also fetch each data source's schema. Templated.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "database_id",
        "include_data_sources",
    )

    def __init__(self, *, database_id: str, include_data_sources: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.database_id = database_id
        self.include_data_sources = include_data_sources

    def execute(self, context: Any) -> dict[str, Any]:
        database_id = normalize_notion_id(self.database_id, "database_id")
        if _as_bool(self.include_data_sources, "include_data_sources"):
            database = self.hook.get_database_with_data_sources(database_id)
        else:
            database = self.hook.get_database(database_id)
        self.push_object_xcoms(context, database)
        self.log.info(
            "Notion database %s (%d data sources)",
            database.get("id"),
            len(database.get("data_sources") or []),
        )
        return database


class NotionCreateDatabaseOperator(_NotionLinkedOperator):
    """Create a database under a page (``POST /v1/databases``) and return it.

    Under 2022-06-28 the schema is sent as the database's ``properties``. Under 2025-09-03 and later it is sent
    as ``initial_data_source.properties``: the new database gets one data source with that schema, and the
    returned object lists it in ``data_sources`` (its ``properties`` are on the data source, not the database).

    :param parent: the parent page's id or URL, or a parent object such as ``{"page_id": ...}`` (2025-09-03 and
        later also accept ``{"workspace": true}``). Templated; an ``XComArg`` works.
    :param title: a plain string (split into 2,000-character pieces) or a rich-text list. Templated.
    :param properties: the schema, ``{"Name": {"title": {}}, "Done": {"checkbox": {}}, ...}``; exactly one
        ``title`` property. Templated; dict or JSON string.
    :param icon: an icon object, e.g. ``{"type": "emoji", "emoji": "📊"}``.
    :param cover: a cover object (external file).
    :param is_inline: create the database inline in the parent page.
    :param description: a plain string or rich-text list.
    :param if_exists: what to do when a database with exactly this title already exists under ``parent``:
        ``create`` (default: create another, no lookup), ``reuse`` (return the existing one and create nothing,
        so a scheduled DAG creates its database once; its schema is not changed) or ``error`` (fail). The
        lookup searches titles (see :mod:`airflow_provider_notion.jobs.database_lookup`; Notion's search index can
        lag a brand-new database). Several matches fail. Templated.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "parent",
        "title",
        "properties",
        "icon",
        "cover",
        "is_inline",
        "description",
        "if_exists",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        "parent": _JSON,
        "title": _JSON,
        "properties": _JSON,
        "icon": _JSON,
        "cover": _JSON,
        "description": _JSON,
    }

    def __init__(
        self,
        *,
        parent: Any,
        title: Any,
        properties: Any,
        icon: Any = None,
        cover: Any = None,
        is_inline: bool | None = None,
        description: Any = None,
        if_exists: str = "create",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.parent = parent
        self.title = title
        self.properties = properties
        self.icon = icon
        self.cover = cover
        self.is_inline = is_inline
        self.description = description
        self.if_exists = if_exists

    def execute(self, context: Any) -> dict[str, Any]:
        schema = json_object(self.properties, "properties", required=True)
        assert schema is not None
        titles = [name for name, v in schema.items() if isinstance(v, dict) and "title" in v]
        if len(titles) != 1:
            raise NotionInputError(
                "properties", 'needs exactly one title property, e.g. {"Name": {"title": {}}}'
            )
        if self.if_exists not in ("create", "reuse", "error"):
            raise NotionInputError("if_exists", f"{self.if_exists!r} is not one of create, reuse, error")
        if self.if_exists != "create":
            existing = self._existing_database()
            if existing is not None:
                self.push_object_xcoms(context, existing)
                self.log.info("Reusing Notion database %s (%s)", existing.get("id"), existing.get("url"))
                return existing
        database = self.hook.create_database(
            self.parent,
            _rich_text_input(self.title, "title"),
            schema,
            icon=self.icon,
            cover=self.cover,
            is_inline=_as_optional_bool(self.is_inline, "is_inline"),
            description=None
            if self.description is None
            else _rich_text_input(self.description, "description"),
        )
        self.push_object_xcoms(context, database)
        self.log.info("Created Notion database %s, open it at %s", database.get("id"), database.get("url"))
        return database

    def _existing_database(self) -> dict[str, Any] | None:
        """The database of this title under the parent (``if_exists`` reuse), or an error (``error``)."""
        from airflow_provider_notion.jobs.database_lookup import find_databases
        from airflow_provider_notion.rules.payloads import parent_object
        from airflow_provider_notion.rules.values.from_notion import plain_text

        title = _rich_text_input(self.title, "title")
        text = title if isinstance(title, str) else plain_text(title)
        found = find_databases(self.hook, parent_object(self.parent, "parent"), text)
        if not found:
            return None
        ids = ", ".join(str(db.get("id")) for db in found)
        if self.if_exists == "error" or len(found) > 1:
            raise NotionError(
                f"{len(found)} databases titled {text!r} already exist under the parent ({ids}); "
                + ("if_exists='error' forbids another." if self.if_exists == "error" else "reuse needs one.")
            )
        return found[0]


class NotionCreatePageOperator(_NotionLinkedOperator):
    """Create a page (``POST /v1/pages``) and return it.

    More than 100 ``children`` are sent as the first 100 with the page, then appended in order in batches of
    100. A plain-string title is split into 2,000-character rich-text pieces.

    :param parent: the parent page's id or URL, or a parent object (``{"page_id": ...}``). Templated; an
        ``XComArg`` such as ``create_db.output["id"]`` works.
    :param properties: for a page parent only ``title``: ``{"title": "My page"}`` or a full title value.
    :param children: a list of block objects.
    :param markdown: the content as Markdown instead of ``children`` (converted by the provider's converter,
        any depth; see ``docs/pages.md``).
    :param icon: an icon object.
    :param cover: a cover object.
    """

    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, *_PAGE_FIELDS, "markdown")
    template_fields_renderers: ClassVar[dict[str, str]] = dict.fromkeys(_PAGE_FIELDS, _JSON)

    def __init__(
        self,
        *,
        parent: Any,
        properties: Any = None,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
        markdown: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.parent = parent
        self.properties = properties
        self.children = children
        self.icon = icon
        self.cover = cover
        self.markdown = markdown

    def execute(self, context: Any) -> dict[str, Any]:
        properties = property_values(self.properties)
        children, left_over = content_for_create(self.children, self.markdown)
        page = self.hook.create_page(
            self.parent, properties, children=children, icon=self.icon, cover=self.cover
        )
        append_left_over(self.hook, str(page["id"]), left_over)
        self.push_object_xcoms(context, page)
        self.log.info(
            "Created Notion page %s with %d child blocks, open it at %s",
            page.get("id"),
            len(children or []),
            page.get("url"),
        )
        return page


class NotionCreateDatabaseItemOperator(_NotionLinkedOperator):
    """Create a row (a page) in a database, or update it when it already exists (upsert).

    Name the database with exactly one of ``database_id``, ``data_source_id`` (2025-09-03 and later) or
    ``parent`` (``{"database_id": ...}`` or ``{"data_source_id": ...}``).

    **Upsert.** With ``unique_property`` set to the name of a property whose value identifies a row (an
    external id, an e-mail...), the operator first reads the schema and queries the database for a row whose
    property *equals* ``properties[unique_property]`` (the filter type follows the schema: title, rich_text,
    url, email, phone_number, number, select, status, checkbox or date). If one row matches it is updated
    (``PATCH /v1/pages/{id}`` with ``properties``, ``icon``, ``cover``; ``children`` are not added again);
    if none matches the row is created; several matches fail the task. The unique value may be a Notion
    property value or a plain string/number/boolean. This makes a scheduled load re-runnable without
    duplicates, at the cost of one schema read and one query per row; concurrent runs can still race, so let
    only one run write a given database at a time (``max_active_runs=1`` or a pool).

    Under data-source versions a ``database_id`` is used as the parent as given when creating; with
    ``unique_property`` it is resolved to its data source, which then becomes the parent.

    :param database_id: the database's id or URL. Templated.
    :param data_source_id: the data source's id (2025-09-03 and later). Templated.
    :param parent: a parent object instead of the two above. Templated.
    :param properties: property values by name, e.g. ``{"Name": {"title": "Row 1"}, "Score": {"number": 3}}``;
        plain strings for ``title``/``rich_text`` are split into 2,000-character pieces. Templated.
    :param children: content blocks for a new row.
    :param markdown: the new row's content as Markdown instead of ``children`` (any depth).
    :param icon: an icon object.
    :param cover: a cover object.
    :param unique_property: turns the create into an upsert on this property (see above). Templated.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "database_id",
        "data_source_id",
        *_PAGE_FIELDS,
        "unique_property",
        "markdown",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = dict.fromkeys(_PAGE_FIELDS, _JSON)

    def __init__(
        self,
        *,
        properties: Any,
        database_id: Any = None,
        data_source_id: Any = None,
        parent: Any = None,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
        unique_property: str | None = None,
        markdown: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.markdown = markdown
        self.database_id = database_id
        self.data_source_id = data_source_id
        self.parent = parent
        self.properties = properties
        self.children = children
        self.icon = icon
        self.cover = cover
        self.unique_property = unique_property
        declare_notion_outlet(self)

    def execute(self, context: Any) -> dict[str, Any]:
        hook = self.hook
        parent = hook.database_item_parent(
            database_id=self.database_id, data_source_id=self.data_source_id, parent=self.parent
        )
        properties = property_values(self.properties)
        children, left_over = content_for_create(self.children, self.markdown)
        unique = _optional_str(self.unique_property, "unique_property")
        if unique is None:
            page = hook.create_database_item(
                parent, properties, children=children, icon=self.icon, cover=self.cover
            )
            action = "Created"
        else:
            if unique not in properties:
                raise NotionInputError(
                    "unique_property", f"{unique!r} has no value in properties, so there is nothing to match"
                )
            page, created = hook.upsert_database_item(
                parent, properties, unique, children=children, icon=self.icon, cover=self.cover
            )
            action = "Created" if created else "Updated"
        if action == "Created":
            append_left_over(hook, str(page["id"]), left_over)
        self.push_object_xcoms(context, page)
        self.log.info("%s Notion database item %s, open it at %s", action, page.get("id"), page.get("url"))
        return page


class _NotionListOperator(NotionBaseOperator):
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
        start_cursor = None if fetch_all else _optional_str(self.start_cursor, "start_cursor")
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


class NotionListUsersOperator(_NotionListOperator):
    """List the workspace's users (``GET /v1/users``) as a list object; ``page_size`` defaults to 50.

    Needs the "read user information" capability. See :class:`_NotionListOperator` for the paging options.
    """

    default_page_size = 50

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        return self.hook.iter_user_pages(start_cursor=start_cursor, page_size=page_size)

    def describe(self) -> str:
        return "users"


class NotionListDatabasesOperator(_NotionListOperator):
    """List the databases shared with the integration (``POST /v1/search`` filtered to databases).

    Under 2025-09-03 and later Notion returns **data sources** (``object: "data_source"``, list type
    ``page_or_data_source``), the objects that hold the schema and rows; each names its database in
    ``parent.database_id``. Under 2022-06-28 it returns database objects. Only databases whose title is shared
    with the integration appear. See :class:`_NotionListOperator` for the paging options.

    :param query: only databases whose title contains this text (Notion's search). Templated.
    """

    template_fields: Sequence[str] = (*_NotionListOperator.template_fields, "query")

    def __init__(self, *, query: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.query = query

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        return self.hook.iter_search_pages(
            _optional_str(self.query, "query"),
            object_type="database",
            start_cursor=start_cursor,
            page_size=page_size,
        )

    def describe(self) -> str:
        return (
            "databases (data sources since 2025-09-03)" if self.hook.version.has_data_sources else "databases"
        )


class NotionListPagesOperator(_NotionListOperator):
    """List the pages shared with the integration (``POST /v1/search`` filtered to pages), database rows included.

    See :class:`_NotionListOperator` for the paging options.

    :param query: only pages whose title contains this text (Notion's search). Templated.
    """

    template_fields: Sequence[str] = (*_NotionListOperator.template_fields, "query")

    def __init__(self, *, query: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.query = query

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        return self.hook.iter_search_pages(
            _optional_str(self.query, "query"),
            object_type="page",
            start_cursor=start_cursor,
            page_size=page_size,
        )

    def describe(self) -> str:
        return "pages"


def _pages_of(query: CompleteQuery) -> Iterator[dict[str, Any]]:
    """Each page's new rows as a list object, so fetch-all and ``output_path`` stream them like Notion's pages."""
    for batch in query.batches():
        yield {
            "object": "list",
            "results": batch,
            "next_cursor": None,
            "has_more": False,
            "type": query.list_type,
        }


class NotionQueryDatabaseOperator(_NotionListOperator):
    """Query a database's rows and return a list object.

    Under 2022-06-28 this is ``POST /v1/databases/{id}/query``. Under 2025-09-03 and later rows live in data
    sources: a ``database_id`` is resolved to its single data source (one ``GET /v1/databases/{id}``) and
    ``POST /v1/data_sources/{id}/query`` is sent; a database with several data sources needs ``data_source_id``.
    A ``fetch_all`` continues past Notion's 10,000-row cap with ``created_time`` windows (rows then come oldest
    first), and fails loudly where it cannot continue (a custom ``sorts`` at the cap, more than 10,000 rows created
    within one minute) rather than returning a truncated result.

    :param database_id: the database's id or URL. Templated.
    :param data_source_id: the data source's id (2025-09-03 and later). Templated.
    :param filter: a Notion filter object (compound filters at most two levels deep). Templated.
    :param sorts: a list of sort objects. Templated.
    :param filter_properties: only return these properties (ids or names; list or comma-separated string).

    See :class:`_NotionListOperator` for the paging options.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (
        *_NotionListOperator.template_fields,
        "database_id",
        "data_source_id",
        "filter",
        "sorts",
        "filter_properties",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"filter": _JSON, "sorts": _JSON}

    def __init__(
        self,
        *,
        database_id: Any = None,
        data_source_id: Any = None,
        filter: Any = None,
        sorts: Any = None,
        filter_properties: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.database_id = database_id
        self.data_source_id = data_source_id
        self.filter = filter
        self.sorts = sorts
        self.filter_properties = filter_properties

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        filter_properties = self.filter_properties
        if isinstance(filter_properties, str) and filter_properties.lstrip().startswith("["):
            filter_properties = json_list(filter_properties, "filter_properties")
        query: dict[str, Any] = {
            "data_source_id": _optional_id(self.data_source_id, "data_source_id"),
            "filter": self.filter,
            "sorts": self.sorts,
            "page_size": page_size,
            "filter_properties": filter_properties or None,
        }
        database_id = _optional_id(self.database_id, "database_id")
        if fetch_all:
            # Past Notion's 10,000-row cap the hook continues with created_time windows.
            complete = self.hook.complete_query(database_id, **query)
            self.progress_window = lambda: complete.window_start
            return _pages_of(complete)
        return self.hook.iter_query_pages(database_id, start_cursor=start_cursor, **query)

    def describe(self) -> str:
        return "database rows"


class NotionRawRequestOperator(NotionBaseOperator):
    """Send any Notion API request with the connection's token and ``Notion-Version``, and return the body.

    The ``url`` is a path under the API (``/users/me``, ``/v1/comments?block_id=...``); full URLs are refused,
    so the token never goes anywhere but the connection's API host. Retries follow the provider's rules (429
    after ``Retry-After``; 5xx, 529 included, and timeouts only for reads) unless ``retry_on_all_errors`` is set.

    :param url: the path. Templated.
    :param method: GET, POST, PATCH, PUT or DELETE. Templated.
    :param data: a JSON body (dict, list or JSON string). Templated.
    :param form_data: form fields ``{name: value}``; sent multipart with ``file_data``, else URL-encoded.
    :param file_data: files ``{field name: content}`` (bytes, or a string sent as UTF-8) for multipart uploads
        such as ``/file_uploads/{id}/send`` (field ``file``).
    :param file_data_file_names: ``{field name: file name}`` for ``file_data`` (default: the field name).
    :param query_params: query string parameters ``{name: value or list}``.
    :param headers: extra headers (``Authorization`` and ``Host`` cannot be overridden; ``Notion-Version``
        can, per request).
    :param response_type: ``json`` (parsed), ``text`` or ``binary``; binary is returned base64-encoded so it
        fits in XCom.
    :param output_path: write the response body (bytes as received; JSON as JSON) to this local path or
        ``ObjectStoragePath`` and return ``{"path": ..., "bytes": ...}`` instead of the body.
    :param timeout: read timeout in seconds.
    :param retry_delay_ms: delay before the first retry when Notion sends no ``Retry-After``.
    :param retry_on_all_errors: retry every failure, writes included (a create may then be applied twice).
    :param max_retry_count: retries after the first attempt.
    :param use_exponential_backoff: double the delay after each retry.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "url",
        "method",
        "data",
        "form_data",
        "file_data",
        "file_data_file_names",
        "query_params",
        "headers",
        "response_type",
        "output_path",
        "timeout",
        "retry_delay_ms",
        "retry_on_all_errors",
        "max_retry_count",
        "use_exponential_backoff",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        "data": _JSON,
        "form_data": _JSON,
        "query_params": _JSON,
        "headers": _JSON,
        "file_data_file_names": _JSON,
    }

    def __init__(
        self,
        *,
        url: str,
        method: str = "GET",
        data: Any = None,
        form_data: Any = None,
        file_data: Any = None,
        file_data_file_names: Any = None,
        query_params: Any = None,
        headers: Any = None,
        response_type: str = "json",
        output_path: Any = None,
        timeout: float | None = None,
        retry_delay_ms: int | None = None,
        retry_on_all_errors: bool | None = None,
        max_retry_count: int | None = None,
        use_exponential_backoff: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.method = method
        self.data = data
        self.form_data = form_data
        self.file_data = file_data
        self.file_data_file_names = file_data_file_names
        self.query_params = query_params
        self.headers = headers
        self.response_type = response_type
        self.output_path = output_path
        self.timeout = timeout
        self.retry_delay_ms = retry_delay_ms
        self.retry_on_all_errors = retry_on_all_errors
        self.max_retry_count = max_retry_count
        self.use_exponential_backoff = use_exponential_backoff

    def build_retry_policy(self) -> RetryPolicy | None:
        """The retry rules from the four retry inputs; ``None`` (the hook's default) when none is set."""
        max_retries = _as_number(self.max_retry_count, "max_retry_count", whole=True)
        delay_ms = _as_number(self.retry_delay_ms, "retry_delay_ms")
        all_errors = _as_optional_bool(self.retry_on_all_errors, "retry_on_all_errors")
        exponential = _as_optional_bool(self.use_exponential_backoff, "use_exponential_backoff")
        if max_retries is None and delay_ms is None and all_errors is None and exponential is None:
            return None
        default = RetryPolicy()
        return RetryPolicy(
            max_retries=default.max_retries if max_retries is None else max_retries,
            base_delay=default.base_delay if delay_ms is None else delay_ms / 1000,
            exponential_backoff=default.exponential_backoff if exponential is None else exponential,
            max_delay=default.max_delay,
            max_retry_after=default.max_retry_after,
            retry_on_all_errors=default.retry_on_all_errors if all_errors is None else all_errors,
        )

    def _files(self) -> dict[str, tuple[str, bytes]] | None:
        file_data = json_object(self.file_data, "file_data")
        names = json_object(self.file_data_file_names, "file_data_file_names") or {}
        unknown = set(names) - set(file_data or {})
        if unknown:
            raise NotionInputError(
                "file_data_file_names", f"names files that are not in file_data: {', '.join(sorted(unknown))}"
            )
        if not file_data:
            return None
        files: dict[str, tuple[str, bytes]] = {}
        for field, content in file_data.items():
            if isinstance(content, str):
                content = content.encode("utf-8")
            if not isinstance(content, bytes | bytearray):
                raise NotionInputError(
                    f"file_data.{field}", f"expected bytes or a string, got {type(content).__name__}"
                )
            files[field] = (str(names.get(field, field)), bytes(content))
        return files

    def execute(self, context: Any) -> Any:
        # Checked here too so the error names this operator's input, url, not the hook's path argument.
        api_path(self.url, "url (the request path)")
        method = str(self.method or "GET").upper()
        response_type = str(self.response_type or "json").lower()
        if response_type not in ("json", "text", "binary"):
            raise NotionInputError(
                "response_type", f"{self.response_type!r} is not one of json, text, binary"
            )
        body = parse_json_value(self.data, "data")
        form = json_object(self.form_data, "form_data")
        files = self._files()
        if body is not None and (form or files):
            raise NotionInputError(
                "data", "send either a JSON body (data) or a form (form_data/file_data), not both"
            )
        output = (
            None if self.output_path in (None, "") else resolve_storage_path(self.output_path, "output_path")
        )
        result = self.hook.request(
            method,
            self.url,
            json=body,
            params=json_object(self.query_params, "query_params"),
            data=form,
            files=files,
            headers=json_object(self.headers, "headers"),
            response_type=response_type,  # type: ignore[arg-type]
            timeout=_as_number(self.timeout, "timeout"),
            retry_policy=self.build_retry_policy(),
        )
        if output is not None:
            if isinstance(result, bytes):
                raw = result
            elif isinstance(result, str):
                raw = result.encode("utf-8")
            else:
                raw = json.dumps(result, ensure_ascii=False).encode("utf-8")
            summary = write_bytes(output, raw)
            self.log.info(
                "Notion %s %s: wrote %d bytes to %s", method, self.url, summary["bytes"], summary["path"]
            )
            return summary
        if isinstance(result, bytes):
            self.log.info("Notion %s %s: %d bytes (returned base64-encoded)", method, self.url, len(result))
            return base64.b64encode(result).decode("ascii")
        self.log.info("Notion %s %s: %s response", method, self.url, response_type)
        return result


__all__ = [
    "NotionBaseOperator",
    "NotionCreateDatabaseItemOperator",
    "NotionCreateDatabaseOperator",
    "NotionCreatePageOperator",
    "NotionGetCurrentUserOperator",
    "NotionGetDatabaseOperator",
    "NotionGetPageOperator",
    "NotionGetUserOperator",
    "NotionListDatabasesOperator",
    "NotionListPagesOperator",
    "NotionListUsersOperator",
    "NotionQueryDatabaseOperator",
    "NotionRawRequestOperator",
]
