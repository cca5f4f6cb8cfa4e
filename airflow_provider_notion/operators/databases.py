"""Operators on databases: read, create, add or upsert a row, query the rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from airflow_provider_notion.client.large_query import CompleteQuery
from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.jobs.database_lookup import database_with_data_sources
from airflow_provider_notion.jobs.page_content import append_left_over, content_for_create
from airflow_provider_notion.jobs.upsert import upsert_database_item
from airflow_provider_notion.lineage import Direction, declare_notion_outlet
from airflow_provider_notion.links.notion import NotionLink
from airflow_provider_notion.operators.base import (
    PAGE_FIELDS,
    NotionBaseOperator,
    NotionLinkedOperator,
    NotionListOperator,
    optional_id,
    optional_str,
    rich_text_input,
)
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import (
    json_list,
    json_object,
    property_values,
)
from airflow_provider_notion.rules.targets import item_parent
from airflow_provider_notion.rules.titles import object_title
from airflow_provider_notion.utils.coerce import as_bool as _as_bool
from airflow_provider_notion.utils.coerce import as_optional_bool as _as_optional_bool

_JSON = "json"


class NotionGetDatabaseOperator(NotionLinkedOperator):
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
            database = database_with_data_sources(self.hook, database_id)
        else:
            database = self.hook.get_database(database_id)
        self.push_object_xcoms(context, database)
        self.log.info(
            "Notion database %s (%d data sources)",
            database.get("id"),
            len(database.get("data_sources") or []),
        )
        return database


class NotionCreateDatabaseOperator(NotionLinkedOperator):
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
            rich_text_input(self.title, "title"),
            schema,
            icon=self.icon,
            cover=self.cover,
            is_inline=_as_optional_bool(self.is_inline, "is_inline"),
            description=None
            if self.description is None
            else rich_text_input(self.description, "description"),
        )
        self.push_object_xcoms(context, database)
        self.log.info("Created Notion database %s, open it at %s", database.get("id"), database.get("url"))
        return database

    def _existing_database(self) -> dict[str, Any] | None:
        """The database of this title under the parent (``if_exists`` reuse), or an error (``error``)."""
        from airflow_provider_notion.jobs.database_lookup import find_databases
        from airflow_provider_notion.rules.payloads import parent_object
        from airflow_provider_notion.rules.values.from_notion import plain_text

        title = rich_text_input(self.title, "title")
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


class NotionCreateDatabaseItemOperator(NotionLinkedOperator):
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
    :param markdown: the new row's content as Markdown instead of ``children`` (up to 100 levels deep).
    :param icon: an icon object.
    :param cover: a cover object.
    :param unique_property: turns the create into an upsert on this property (see above). Templated.
    :param asset_name: a readable name for the asset this task declares as its outlet (the Assets page shows
        it); DAGs scheduled on it use the same name in ``notion_asset(..., name=...)``. Needs a literal id.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "database_id",
        "data_source_id",
        *PAGE_FIELDS,
        "unique_property",
        "markdown",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = dict.fromkeys(PAGE_FIELDS, _JSON)

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
        asset_name: str | None = None,
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
        self.asset_name = asset_name
        declare_notion_outlet(self, asset_name)

    def execute(self, context: Any) -> dict[str, Any]:
        hook = self.hook
        parent = item_parent(
            hook.version, database_id=self.database_id, data_source_id=self.data_source_id, parent=self.parent
        )
        properties = property_values(self.properties)
        children, left_over = content_for_create(self.children, self.markdown)
        unique = optional_str(self.unique_property, "unique_property")
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
            page, created = upsert_database_item(
                hook, parent, properties, unique, children=children, icon=self.icon, cover=self.cover
            )
            action = "Created" if created else "Updated"
        if action == "Created":
            append_left_over(hook, str(page["id"]), left_over)
        self.push_object_xcoms(context, page)
        item = {"page_id": page.get("id"), "page_title": object_title(page), "url": page.get("url")}
        self.record_notion_event(context, {**item, "action": action.lower()})
        self.log.info("%s Notion database item %s, open it at %s", action, page.get("id"), page.get("url"))
        return page


def pages_of(query: CompleteQuery) -> Iterator[dict[str, Any]]:
    """Each page's new rows as a list object, so fetch-all and ``output_path`` stream them like Notion's pages."""
    for batch in query.batches():
        yield {
            "object": "list",
            "results": batch,
            "next_cursor": None,
            "has_more": False,
            "type": query.list_type,
        }


class NotionQueryDatabaseOperator(NotionListOperator):
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

    See :class:`NotionListOperator` for the paging options.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (
        *NotionListOperator.template_fields,
        "database_id",
        "data_source_id",
        "filter",
        "sorts",
        "filter_properties",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"filter": _JSON, "sorts": _JSON}
    operator_extra_links = (NotionLink(),)

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
            "data_source_id": optional_id(self.data_source_id, "data_source_id"),
            "filter": self.filter,
            "sorts": self.sorts,
            "page_size": page_size,
            "filter_properties": filter_properties or None,
        }
        database_id = optional_id(self.database_id, "database_id")
        if fetch_all:
            # Past Notion's 10,000-row cap the hook continues with created_time windows.
            complete = self.hook.complete_query(database_id, **query)
            self.progress_window = lambda: complete.window_start
            return pages_of(complete)
        return self.hook.iter_query_pages(database_id, start_cursor=start_cursor, **query)

    def describe(self) -> str:
        return "database rows"

    def execute(self, context: Any) -> dict[str, Any]:
        result = super().execute(context)
        # Linked by id (the query returns rows, not the database): the database, else the data source.
        self.push_notion_url(context, object_id=self.database_id or self.data_source_id)
        return result
