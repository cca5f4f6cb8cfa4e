"""NotionHook: the Airflow side of the Notion API (connection, masking, connection form, Test Connection) and
one short method per endpoint. Requests are built, sent, retried and parsed by :mod:`airflow_provider_notion.client`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

from airflow.providers.common.compat.sdk import AirflowNotFoundException, BaseHook

from airflow_provider_notion.client.auth import StaticTokenProvider, TokenProvider
from airflow_provider_notion.client.base import DEFAULT_TIMEOUT, ResponseType
from airflow_provider_notion.client.large_query import CompleteQuery
from airflow_provider_notion.client.pacing.buckets import (
    DEFAULT_REQUESTS_PER_SECOND,
    TokenBucket,
    pacing_bucket,
)
from airflow_provider_notion.client.paging import check_page_size, list_object, merge_pages
from airflow_provider_notion.client.request import drop_none, finite_number
from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.client.sync import Session, SyncClient
from airflow_provider_notion.connection.masking import mask_secrets
from airflow_provider_notion.connection.settings import CONN_TYPE, NotionConnectionSettings
from airflow_provider_notion.exceptions import (
    NotionInputError,
    NotionMultipleDataSourcesError,
    NotionPartialPageError,
)
from airflow_provider_notion.rules.filters import check_filter_depth
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import (
    MAX_CHILDREN_PER_REQUEST,
    check_children,
    json_list,
    json_object,
    parent_object,
    property_values,
    rich_text,
)
from airflow_provider_notion.rules.versions import NotionVersion, SearchObject, resolve_notion_version

__all__ = ["NotionHook", "check_page_size", "list_object"]


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so a test patching time.sleep reaches it


class NotionHook(BaseHook):
    """Talk to the Notion API through an Airflow connection.

    The connection (type ``notion``) holds an Internal Integration Secret in its password, or, with extra
    ``auth_type: oauth``, the OAuth client id (login), client secret (password) and the ``access_token`` /
    ``refresh_token`` extras. Extra ``notion_version`` picks the API version; host optionally points at another
    base URL (the local emulator, a proxy).

    Nothing is read or sent until the first request.

    :param notion_conn_id: the Airflow connection id.
    :param notion_version: overrides the connection's ``Notion-Version`` (default ``2026-03-11``).
    :param timeout: read timeout of each request in seconds (Notion gives up on requests after 60 s).
    :param retry_policy: default retry rules for every call (see :mod:`airflow_provider_notion.client.retry`).
    :param requests_per_second: client-side pacing per integration token, shared by every process on this
        machine (see :mod:`airflow_provider_notion.client.pacing.buckets`); ``None`` or ``0`` turns it off, as does the
        connection extra (or ``[notion]`` option) ``pacing_backend: off``. Across machines, use a Redis
        ``pacing_backend``.
    :param sleep: every wait (pacing, retries) goes through it (default ``time.sleep``); tests pass a recorder.
    """

    conn_name_attr = "notion_conn_id"
    default_conn_name = "notion_default"
    conn_type = CONN_TYPE
    hook_name = "Notion"

    def __init__(
        self,
        notion_conn_id: str = default_conn_name,
        notion_version: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy | None = None,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__()
        self.notion_conn_id = notion_conn_id
        self._notion_version_override = notion_version
        if notion_version is not None:
            resolve_notion_version(notion_version)  # fail early on a typo, without reading the connection
        self.timeout = finite_number(timeout, "timeout", minimum=0.001)
        self.retry_policy = retry_policy or RetryPolicy()
        if requests_per_second is not None:
            finite_number(requests_per_second, "requests_per_second")
        self.requests_per_second = requests_per_second
        self._sleep = sleep or _sleep
        self._data_sources: dict[str, list[dict[str, Any]]] = {}

    # ------------------------------------------------------------------ connection and session

    @cached_property
    def _extras(self) -> dict[str, Any]:
        """The connection's extras, read once with the connection (see :attr:`settings`)."""
        return dict(self._connection.extra_dejson)

    @cached_property
    def _connection(self) -> Any:
        try:
            return self.get_connection(self.notion_conn_id)
        except AirflowNotFoundException:
            raise NotionInputError(
                "notion_conn_id",
                f"connection {self.notion_conn_id!r} is not defined; add it in the Airflow UI or set "
                f"AIRFLOW_CONN_{self.notion_conn_id.upper()}",
            ) from None

    @cached_property
    def settings(self) -> NotionConnectionSettings:
        """The validated connection, read on first use; every secret in it is registered with the masker."""
        settings = NotionConnectionSettings.from_connection(self._connection, self._extras)
        mask_secrets(settings.secrets())
        return settings

    @cached_property
    def version(self) -> NotionVersion:
        """The ``Notion-Version`` rules in force: hook argument, else connection extra, else the default."""
        if self._notion_version_override is not None:
            return resolve_notion_version(self._notion_version_override)
        return resolve_notion_version(self.settings.notion_version)

    @cached_property
    def token_provider(self) -> TokenProvider:
        """Supplies the bearer token; OAuth connections refresh it on 401."""
        if self.settings.auth_type == "oauth":
            from airflow_provider_notion.oauth.provider import oauth_token_provider

            return oauth_token_provider(self.settings, self._extras, timeout=self.timeout)
        return StaticTokenProvider(self.settings.bearer_token)

    @cached_property
    def _bucket(self) -> TokenBucket | None:
        return pacing_bucket(
            self.settings.bearer_token, self.requests_per_second, backend=self.settings.pacing_backend
        )

    @cached_property
    def client(self) -> SyncClient:
        """The request core for this hook's connection (built on first use)."""
        return SyncClient(
            self.settings.base_url,
            self.version.name,
            self.token_provider,
            bucket=self._bucket,
            sleep=lambda seconds: self._sleep(seconds),
            retry_policy=self.retry_policy,
            timeout=self.timeout,
            logger=self.log,
        )

    def get_conn(self) -> Session:
        """The hook's ``requests.Session`` (one per hook, keep-alive, no automatic retries or redirects)."""
        return self.client.session

    # ------------------------------------------------------------------ raw requests

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        files: Any = None,
        headers: Mapping[str, Any] | None = None,
        response_type: ResponseType = "json",
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Any:
        """Send one API request and return the parsed body.

        :param path: a path under the API base (``/users/me``, ``users/me`` or ``/v1/users/me``). URLs and paths
            that leave ``/v1/`` are refused before anything is sent, so the token never reaches another host.
        :param response_type: ``json`` (dict/list), ``text`` (str) or ``binary`` (bytes).
        :param retry_policy: overrides the hook's retry rules for this call.
        :raises NotionInputError: a bad argument (NaN in ``json``, a protected header...); nothing was sent.
        :raises NotionApiError: Notion answered with an error.
        :raises NotionWriteOutcomeUnknownError: a create/update was sent but its answer was lost.
        """
        return self.client.request(
            method,
            path,
            json=json,
            params=params,
            data=data,
            files=files,
            headers=headers,
            response_type=response_type,
            timeout=timeout,
            retry_policy=retry_policy,
        )

    # ------------------------------------------------------------------ pagination

    def iter_pages(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        start_cursor: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield each list object of a paginated endpoint, following ``next_cursor`` until ``has_more`` is false.

        ``start_cursor`` and ``page_size`` go in the query string for GET and in the JSON body for POST.

        :raises NotionQueryIncompleteError: Notion cut a page at its result cap (``request_status`` incomplete):
            never a silently truncated result. Queries continue past the cap with :meth:`iter_query`.
        :raises NotionPaginationError: the server keeps returning cursors it already returned.
        """
        yield from self.client.iter_pages(
            method, path, json=json, params=params, page_size=page_size, start_cursor=start_cursor
        )

    def paginate(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        start_cursor: str | None = None,
    ) -> Iterator[Any]:
        """Yield every result across pages (see :meth:`iter_pages`)."""
        for page in self.iter_pages(
            method, path, json=json, params=params, page_size=page_size, start_cursor=start_cursor
        ):
            yield from page.get("results", [])

    @staticmethod
    def _collect(pages: Iterator[dict[str, Any]], fetch_all: bool) -> dict[str, Any]:
        """The first page as Notion returns it, or with ``fetch_all`` every page merged into one list object."""
        return merge_pages(pages) if fetch_all else next(pages)

    def iter_user_pages(
        self, *, start_cursor: str | None = None, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Each page of ``GET /users`` (see :meth:`list_users`)."""
        return self.iter_pages("GET", "/users", page_size=page_size, start_cursor=start_cursor)

    # ------------------------------------------------------------------ users

    def get_current_user(self) -> dict[str, Any]:
        """The integration's bot user (``GET /users/me``)."""
        return dict(self.request("GET", "/users/me"))

    def get_user(self, user_id: str) -> dict[str, Any]:
        """A user by id (needs the "read user information" capability)."""
        return dict(self.request("GET", f"/users/{normalize_notion_id(user_id, 'user_id')}"))

    def list_users(
        self, *, start_cursor: str | None = None, page_size: int | None = None, fetch_all: bool = False
    ) -> dict[str, Any]:
        """The workspace's users as a list object (``fetch_all`` ignores ``start_cursor``)."""
        pages = self.iter_user_pages(start_cursor=None if fetch_all else start_cursor, page_size=page_size)
        return self._collect(pages, fetch_all)

    # ------------------------------------------------------------------ databases and data sources

    def get_database(self, database_id: str) -> dict[str, Any]:
        """A database (under data-source versions: the container with ``data_sources: [{id, name}]``)."""
        database = dict(self.request("GET", f"/databases/{normalize_notion_id(database_id, 'database_id')}"))
        if "data_sources" in database:
            self._data_sources[database["id"]] = list(database["data_sources"])
        return database

    def get_data_source(self, data_source_id: str) -> dict[str, Any]:
        """A data source with its schema (API 2025-09-03 and later)."""
        self._require_data_sources("data_source_id")
        return dict(
            self.request("GET", f"/data_sources/{normalize_notion_id(data_source_id, 'data_source_id')}")
        )

    def create_database(
        self,
        parent: Any,
        title: Any,
        properties: Any,
        *,
        icon: Any = None,
        cover: Any = None,
        is_inline: bool | None = None,
        description: Any = None,
    ) -> dict[str, Any]:
        """Create a database under a page.

        The schema goes where the API version expects it: top-level ``properties`` under 2022-06-28, the new
        database's ``initial_data_source`` since 2025-09-03.
        """
        schema = json_object(properties, "properties", required=True)
        assert schema is not None
        body = self.version.create_database_body(
            parent=parent_object(parent, "parent"), title=rich_text(title, "title"), properties=schema
        )
        if description is not None:
            body["description"] = rich_text(description, "description")
        body.update(
            drop_none(
                {
                    "icon": json_object(icon, "icon"),
                    "cover": json_object(cover, "cover"),
                    "is_inline": is_inline,
                }
            )
        )
        return dict(self.request("POST", "/databases", json=body))

    def data_source_ids(self, database_id: str) -> list[dict[str, Any]]:
        """The ``[{id, name}]`` data sources of a database, fetched once per hook."""
        database_id = normalize_notion_id(database_id, "database_id")
        if database_id not in self._data_sources:
            self.get_database(database_id)
        return self._data_sources.get(database_id, [])

    def resolve_data_source_id(self, database_id: str) -> str:
        """The single data source of a database; several is an error that lists them."""
        sources = self.data_source_ids(database_id)
        if len(sources) != 1:
            if not sources:
                raise NotionInputError("database_id", f"database {database_id} has no data source to query")
            raise NotionMultipleDataSourcesError(normalize_notion_id(database_id, "database_id"), sources)
        return str(sources[0]["id"])

    def query_target(self, database_id: str | None = None, data_source_id: str | None = None) -> str:
        """The path a query of this database or data source is sent to, e.g. ``/v1/data_sources/{id}/query``.

        Under data-source versions a ``database_id`` is resolved to its single data source (once per hook);
        before them a ``data_source_id`` is refused. Used by the query methods and by the sensor.
        """
        if database_id is None and data_source_id is None:
            raise NotionInputError("database_id", "give database_id or data_source_id")
        if self.version.has_data_sources:
            if data_source_id is not None:
                return self.version.query_path(
                    data_source_id=normalize_notion_id(data_source_id, "data_source_id")
                )
            assert database_id is not None
            return self.version.query_path(data_source_id=self.resolve_data_source_id(database_id))
        if data_source_id is not None:
            raise NotionInputError(
                "data_source_id",
                f"needs Notion-Version 2025-09-03 or later (this hook uses {self.version.name})",
            )
        assert database_id is not None
        return self.version.query_path(database_id=normalize_notion_id(database_id, "database_id"))

    def query_body(self, filter: Any = None, sorts: Any = None) -> dict[str, Any]:
        """A validated query body (filter nesting checked, JSON strings parsed)."""
        filter_obj = json_object(filter, "filter")
        check_filter_depth(filter_obj)
        return drop_none({"filter": filter_obj, "sorts": json_list(sorts, "sorts")})

    @staticmethod
    def _filter_properties_params(filter_properties: Any) -> dict[str, Any] | None:
        if filter_properties is None:
            return None
        if isinstance(filter_properties, str):
            items = [part.strip() for part in filter_properties.split(",") if part.strip()]
        elif isinstance(filter_properties, list | tuple):
            items = [str(part) for part in filter_properties]
        else:
            raise NotionInputError(
                "filter_properties", "expected a list of property ids or a comma-separated string"
            )
        return {"filter_properties": items} if items else None

    def query_database(
        self,
        database_id: str | None = None,
        *,
        data_source_id: str | None = None,
        filter: Any = None,
        sorts: Any = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
        fetch_all: bool = False,
        filter_properties: Any = None,
    ) -> dict[str, Any]:
        """Query a database's rows as a list object.

        Under data-source versions a ``database_id`` is resolved to its data source (once per hook); a database
        with several data sources needs ``data_source_id``. ``fetch_all`` returns every row, continuing past
        Notion's 10,000-row cap (see :meth:`iter_query`).
        """
        if fetch_all:
            query = self.complete_query(
                database_id, data_source_id, filter, sorts, page_size, filter_properties
            )
            return list_object(list(query), query.list_type)
        pages = self.iter_query_pages(
            database_id,
            data_source_id=data_source_id,
            filter=filter,
            sorts=sorts,
            start_cursor=start_cursor,
            page_size=page_size,
            filter_properties=filter_properties,
        )
        return next(pages)

    def iter_query_pages(
        self,
        database_id: str | None = None,
        *,
        data_source_id: str | None = None,
        filter: Any = None,
        sorts: Any = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
        filter_properties: Any = None,
    ) -> Iterator[dict[str, Any]]:
        """Each page of a database (or data source) query (see :meth:`query_database`).

        The body is validated before the data source is resolved, so a bad filter sends nothing.
        """
        body = self.query_body(filter, sorts)
        params = self._filter_properties_params(filter_properties)
        check_page_size(page_size)
        path = self.query_target(database_id, data_source_id)
        return self.iter_pages(
            "POST", path, json=body, params=params, page_size=page_size, start_cursor=start_cursor
        )

    def iter_query(
        self,
        database_id: str | None = None,
        *,
        data_source_id: str | None = None,
        filter: Any = None,
        sorts: Any = None,
        page_size: int | None = None,
        filter_properties: Any = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream every row of a query, continuing past Notion's 10,000-row cap with ``created_time`` windows.

        Rows come oldest first; a query with its own ``sorts`` keeps them but fails at the cap. Every row that
        exists for the whole fetch is returned exactly once (details: :mod:`~.client.large_query`).
        Arguments are checked before anything is sent.

        :raises NotionQueryIncompleteError: the query cannot be continued past the cap (the message says why).
        """
        query = self.complete_query(database_id, data_source_id, filter, sorts, page_size, filter_properties)
        return iter(query)

    def complete_query(
        self,
        database_id: str | None,
        data_source_id: str | None,
        filter: Any,
        sorts: Any,
        page_size: int | None,
        filter_properties: Any,
    ) -> CompleteQuery:
        """A query over every row past the cap: iterate it for rows, or its ``batches()`` for each page's rows.

        Arguments are checked (and a database's data source resolved) before it is returned.
        """
        body = self.query_body(filter, sorts)
        params = self._filter_properties_params(filter_properties)
        size = check_page_size(page_size)
        path = self.query_target(database_id, data_source_id)
        return CompleteQuery(
            lambda page_body: self.request("POST", path, json=page_body, params=params),
            filter=body.get("filter"),
            sorts=body.get("sorts"),
            page_size=size,
            target=f"POST {path}",
        )

    def query_data_source(self, data_source_id: str, **kwargs: Any) -> dict[str, Any]:
        """Query a data source (API 2025-09-03 and later); same options as :meth:`query_database`."""
        self._require_data_sources("data_source_id")
        return self.query_database(data_source_id=data_source_id, **kwargs)

    def _require_data_sources(self, field: str) -> None:
        if not self.version.has_data_sources:
            raise NotionInputError(
                field, f"data sources need Notion-Version 2025-09-03 or later, not {self.version.name}"
            )

    # ------------------------------------------------------------------ pages and blocks

    def get_page(self, page_id: str, *, filter_properties: Any = None) -> dict[str, Any]:
        """A page's properties (not its content); ``filter_properties`` limits them to the given ids."""
        return dict(
            self.request(
                "GET",
                f"/pages/{normalize_notion_id(page_id, 'page_id')}",
                params=self._filter_properties_params(filter_properties),
            )
        )

    def create_page(
        self,
        parent: Any,
        properties: Any = None,
        *,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
        parent_type: str = "page_id",
    ) -> dict[str, Any]:
        """Create a page (under a page) or a database item (under a database or data source).

        More than 100 child blocks are sent as the first 100 with the page, then appended in order in batches of
        100. A plain-string ``title`` becomes rich text split into 2,000-character pieces.
        """
        # Size limits (more than 100 rich-text items, options...) are checked here, before anything is sent.
        props = property_values(properties)
        if isinstance(props.get("title"), str):
            props["title"] = {"title": rich_text(props["title"], "properties.title")}
        blocks = json_list(children, "children") or []
        check_children(blocks)
        body: dict[str, Any] = {
            "parent": parent_object(parent, "parent", default_type=parent_type),
            "properties": props,
        }
        if blocks:
            body["children"] = blocks[:MAX_CHILDREN_PER_REQUEST]
        body.update(drop_none({"icon": json_object(icon, "icon"), "cover": json_object(cover, "cover")}))
        page = dict(self.request("POST", "/pages", json=body))
        self.append_blocks(page["id"], blocks[MAX_CHILDREN_PER_REQUEST:], already=MAX_CHILDREN_PER_REQUEST)
        return page

    def update_page(self, page_id: str, properties: Any = None, **fields: Any) -> dict[str, Any]:
        """Update a page's properties (and ``icon``, ``cover``, ``in_trash``...)."""
        props = json_object(properties, "properties")
        if props is not None:
            props = property_values(props)  # size limits, before anything is sent
        body = drop_none({"properties": props, **fields})
        if "in_trash" in body:
            body.update(self.version.trash_body(bool(body.pop("in_trash"))))
        return dict(self.request("PATCH", f"/pages/{normalize_notion_id(page_id, 'page_id')}", json=body))

    def append_block_children(
        self, block_id: str, children: list[dict[str, Any]], *, after: str | None = None
    ) -> dict[str, Any]:
        """Append up to 100 blocks to a block or page (at the end, or after block ``after``)."""
        if len(children) > MAX_CHILDREN_PER_REQUEST:
            raise NotionInputError("children", f"at most {MAX_CHILDREN_PER_REQUEST} blocks per append")
        body: dict[str, Any] = {"children": children}
        if after is not None:
            body.update(self.version.append_after(normalize_notion_id(after, "after")))
        return dict(
            self.request("PATCH", f"/blocks/{normalize_notion_id(block_id, 'block_id')}/children", json=body)
        )

    def append_blocks(
        self, block_id: str, blocks: list[Any], *, already: int = 0, abandon: bool = True
    ) -> None:
        """Append ``blocks`` in order, 100 per request; ``already`` blocks are on the page before them (for messages).

        A failure raises :class:`~airflow_provider_notion.rules.children.NotionPartialPageError`; with ``abandon``
        (a page this task just created) the page is first moved to the trash, so no partial page is left behind.
        """
        for start in range(0, len(blocks), MAX_CHILDREN_PER_REQUEST):
            batch = blocks[start : start + MAX_CHILDREN_PER_REQUEST]
            try:
                self.append_block_children(block_id, batch)
            except Exception as err:
                trashed = False
                if abandon:
                    try:
                        self.update_page(block_id, in_trash=True)
                        trashed = True
                    except Exception as trash_error:
                        self.log.warning(
                            "Could not move partial page %s to the trash: %s", block_id, trash_error
                        )
                raise NotionPartialPageError(
                    block_id, already + start + 1, already + len(blocks), err, trashed=trashed
                ) from err

    def list_block_children(
        self,
        block_id: str,
        *,
        start_cursor: str | None = None,
        page_size: int | None = None,
        fetch_all: bool = False,
    ) -> dict[str, Any]:
        """A block's (or page's) children as a list object (``fetch_all`` ignores ``start_cursor``)."""
        pages = self.iter_pages(
            "GET",
            f"/blocks/{normalize_notion_id(block_id, 'block_id')}/children",
            page_size=page_size,
            start_cursor=None if fetch_all else start_cursor,
        )
        return self._collect(pages, fetch_all)

    # ------------------------------------------------------------------ search

    def iter_search_pages(
        self,
        query: str | None = None,
        *,
        object_type: SearchObject | None = None,
        sort: Any = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Each page of a search (see :meth:`search`)."""
        if object_type not in (None, "page", "database"):
            raise NotionInputError("object_type", f"{object_type!r} is not 'page' or 'database'")
        body = drop_none(
            {
                "query": query or None,
                "filter": self.version.search_filter(object_type) if object_type else None,
                "sort": json_object(sort, "sort"),
            }
        )
        return self.iter_pages("POST", "/search", json=body, page_size=page_size, start_cursor=start_cursor)

    def search(
        self,
        query: str | None = None,
        *,
        object_type: SearchObject | None = None,
        sort: Any = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
        fetch_all: bool = False,
    ) -> dict[str, Any]:
        """Search titles shared with the integration; ``object_type`` limits to pages or databases.

        Since 2025-09-03 "databases" are returned as data sources (Notion's search filter value
        ``data_source``). ``fetch_all`` ignores ``start_cursor``.
        """
        pages = self.iter_search_pages(
            query,
            object_type=object_type,
            sort=sort,
            start_cursor=None if fetch_all else start_cursor,
            page_size=page_size,
        )
        return self._collect(pages, fetch_all)

    def list_databases(self, **kwargs: Any) -> dict[str, Any]:
        """Databases shared with the integration (data sources since 2025-09-03)."""
        return self.search(object_type="database", **kwargs)

    def list_pages(self, **kwargs: Any) -> dict[str, Any]:
        """Pages shared with the integration."""
        return self.search(object_type="page", **kwargs)

    # ------------------------------------------------------------------ connection test and UI

    def test_connection(self) -> tuple[bool, str]:
        """Call ``GET /users/me`` and report the bot and workspace; OAuth: the token state, never a refresh."""
        try:
            if self.settings.auth_type == "oauth":
                from airflow_provider_notion.oauth.token_check import check_oauth_connection

                return check_oauth_connection(self)
            # One quick retry at most: the UI waits for the answer, and a wrong host should say so at once.
            me = dict(
                self.request("GET", "/users/me", retry_policy=RetryPolicy(max_retries=1, base_delay=0.5))
            )
        except Exception as err:
            from airflow_provider_notion.connection.failure_messages import connection_test_failure

            return False, connection_test_failure(err, self._base_url_or_none())
        bot = me.get("bot") or {}
        workspace = bot.get("workspace_name") or "an unnamed workspace"
        return True, f"{me.get('name') or 'Notion bot'} in {workspace}"

    def _base_url_or_none(self) -> str | None:
        try:
            return self.settings.base_url
        except Exception:
            return None

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Connection form for Airflow before 3.2 (3.2+ reads ``conn-fields`` from the provider info)."""
        from airflow_provider_notion.get_provider_info import UI_FIELD_BEHAVIOUR

        return dict(UI_FIELD_BEHAVIOUR)

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Extra fields of the connection form for Airflow before 3.2."""
        from airflow_provider_notion.connection.form import connection_form_widgets

        return connection_form_widgets()

    # ------------------------------------------------------------------ database items and upserts
    # Upserts keep scheduled ETL idempotent: a re-run updates the row it created instead of adding another.

    def get_database_with_data_sources(self, database_id: str) -> dict[str, Any]:
        """A database whose ``data_sources`` entries are the full data source objects (with their schema).

        Before data-source versions the database already carries its schema in ``properties``; it is returned
        as :meth:`get_database` returns it.
        """
        database = self.get_database(database_id)
        if self.version.has_data_sources:
            database["data_sources"] = [
                self.get_data_source(str(source["id"])) for source in database.get("data_sources", [])
            ]
        return database

    def database_item_parent(
        self, *, database_id: Any = None, data_source_id: Any = None, parent: Any = None
    ) -> dict[str, Any]:
        """The ``parent`` of a new database item from exactly one of the three ways to name the database."""
        given = [name for name, v in (("database_id", database_id), ("data_source_id", data_source_id),
                                      ("parent", parent)) if v not in (None, "")]  # fmt: skip
        if len(given) != 1:
            raise NotionInputError("database_id", "give exactly one of database_id, data_source_id or parent")
        if parent not in (None, ""):
            result = parent_object(parent, "parent", default_type="database_id")
            if result["type"] not in ("database_id", "data_source_id"):
                raise NotionInputError(
                    "parent", "a database item's parent is a database_id or data_source_id"
                )
        elif data_source_id not in (None, ""):
            result = parent_object(data_source_id, "data_source_id", default_type="data_source_id")
        else:
            result = parent_object(database_id, "database_id", default_type="database_id")
        if result["type"] == "data_source_id":
            self._require_data_sources("data_source_id")
        return result

    def database_item_schema(self, parent: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(properties schema, query-able parent)`` of a database item parent from :meth:`database_item_parent`.

        Under data-source versions a ``database_id`` is resolved to its single data source, which is returned
        as the parent so new items go straight to it (Notion's recommendation).
        """
        if parent["type"] == "data_source_id":
            return dict(self.get_data_source(parent["data_source_id"]).get("properties", {})), dict(parent)
        if self.version.has_data_sources:
            source_id = self.resolve_data_source_id(parent["database_id"])
            schema = self.get_data_source(source_id).get("properties", {})
            return dict(schema), {"type": "data_source_id", "data_source_id": source_id}
        return dict(self.get_database(parent["database_id"]).get("properties", {})), dict(parent)

    def create_database_item(
        self,
        parent: Mapping[str, Any],
        properties: Any,
        *,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
    ) -> dict[str, Any]:
        """Create a row (page) in a database or data source; ``parent`` from :meth:`database_item_parent`."""
        return self.create_page(
            dict(parent),
            property_values(properties),
            children=children,
            icon=icon,
            cover=cover,
        )

    def find_database_items(
        self, parent: Mapping[str, Any], property_name: str, value: Any, *, schema: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Every row whose ``property_name`` equals ``value`` (the filter type follows the property's schema)."""
        from airflow_provider_notion.jobs.upsert import find_database_items

        return find_database_items(self, parent, property_name, value, schema=schema)

    def upsert_database_item(
        self,
        parent: Mapping[str, Any],
        properties: Any,
        unique_property: str,
        *,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
    ) -> tuple[dict[str, Any], bool]:
        """Update the row whose ``unique_property`` has the given value, or create it; returns ``(page, created)``.

        Rules (matching, children on an existing row, retries): :mod:`airflow_provider_notion.jobs.upsert`.
        """
        from airflow_provider_notion.jobs.upsert import upsert_database_item

        return upsert_database_item(
            self, parent, properties, unique_property, children=children, icon=icon, cover=cover
        )

    def sync_rows(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        key: str,
        database_id: Any = None,
        data_source_id: Any = None,
        delete_missing: bool = False,
        add_missing_properties: bool = False,
        dry_run: bool = False,
        max_delete_fraction: float = 0.5,
        max_workers: int | None = None,
        max_ids: int = 100,
        sample_size: int = 20,
        progress_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> dict[str, Any]:
        """Make a database hold exactly ``rows`` (column -> plain or Notion value), matched by the ``key`` column.

        Reads the schema (≤ 2 requests) and every existing row once (⌈rows / 100⌉), then creates, updates (only
        the properties that differ) or, with ``delete_missing``, trashes rows, in a pool of ``max_workers``
        threads paced by the shared bucket (default: enough to keep the pacing rate with 1 s per write, 2-8).
        Returns the counts ``created``, ``updated``, ``unchanged``, ``trashed``, ``requests`` and up to
        ``max_ids`` ids of each kind; ``dry_run`` plans without writing and returns ``sample_size`` planned
        writes. Details: :mod:`airflow_provider_notion.jobs.sync.engine`.

        :raises NotionInputError: bad arguments or a value that does not fit its column, before any write.
        :raises NotionSyncError: duplicate keys, too many rows to trash (``max_delete_fraction``), or a write
            that failed (the others already sent are kept; a rerun finishes the job).
        """
        from airflow_provider_notion.jobs.sync.engine import SyncOptions, sync_rows

        options = SyncOptions(
            key=key,
            delete_missing=delete_missing,
            add_missing_properties=add_missing_properties,
            dry_run=dry_run,
            max_delete_fraction=max_delete_fraction,
            max_workers=max_workers,
            max_ids=max_ids,
            sample_size=sample_size,
            progress_interval=progress_interval,
            clock=clock,
        )
        return sync_rows(self, rows, database_id=database_id, data_source_id=data_source_id, options=options)

    # ------------------------------------------------------------------ OAuth tokens

    def introspect_token(self, token: str | None = None) -> dict[str, Any]:
        """``POST /v1/oauth/introspect`` with the client id and secret: ``{"active": bool, "scope"?, "iat"?}``.

        :param token: the token to inspect; default: the access token this hook sends.
        """
        return dict(self._oauth_client().introspect(token or self.token_provider.current_token()))

    def revoke_token(self, token: str | None = None) -> dict[str, Any]:
        """``POST /v1/oauth/revoke``; afterwards the workspace owner must authorise the integration again.

        :param token: the token to revoke; default: the access token this hook sends.
        """
        return dict(self._oauth_client().revoke(token or self.token_provider.current_token()))

    def _oauth_client(self) -> Any:
        from airflow_provider_notion.oauth.client import NotionOAuthClient

        settings = self.settings
        if settings.auth_type != "oauth" or not settings.client_id or not settings.client_secret:
            raise NotionInputError("auth_type", "token introspection and revocation need an OAuth connection")
        return NotionOAuthClient(
            settings.client_id, settings.client_secret, base_url=settings.base_url, timeout=self.timeout
        )

    # ------------------------------------------------------------------ page content, comments, file uploads
    # One thin method per endpoint; the logic (batching, Markdown, multi-part) lives in page_content.py,
    # comments.py and file_upload.py.

    def post_page(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/pages`` with a body built by the caller (e.g. with ``markdown`` instead of ``children``)."""
        return dict(self.request("POST", "/pages", json=dict(body)))

    def get_block(self, block_id: str) -> dict[str, Any]:
        """``GET /v1/blocks/{id}``."""
        return dict(self.request("GET", f"/blocks/{normalize_notion_id(block_id, 'block_id')}"))

    def delete_block(self, block_id: str) -> dict[str, Any]:
        """``DELETE /v1/blocks/{id}``: moves the block (or page) to the trash."""
        return dict(self.request("DELETE", f"/blocks/{normalize_notion_id(block_id, 'block_id')}"))

    def get_page_markdown(self, page_id: str) -> dict[str, Any]:
        """``GET /v1/pages/{id}/markdown`` (2026-03-11 and later): ``{"markdown", "truncated", ...}``."""
        self._require_page_markdown("page_id")
        return dict(self.request("GET", f"/pages/{normalize_notion_id(page_id, 'page_id')}/markdown"))

    def update_page_markdown(self, page_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /v1/pages/{id}/markdown`` (2026-03-11 and later), e.g. ``{"type": "replace_content", ...}``."""
        self._require_page_markdown("page_id")
        path = f"/pages/{normalize_notion_id(page_id, 'page_id')}/markdown"
        return dict(self.request("PATCH", path, json=dict(body)))

    def _require_page_markdown(self, field: str) -> None:
        if not self.version.has_page_markdown:
            raise NotionInputError(
                field, f"the page Markdown endpoints need Notion-Version 2026-03-11, not {self.version.name}"
            )

    def create_comment(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/comments`` with ``parent`` (a page) or ``discussion_id``, and ``rich_text``."""
        return dict(self.request("POST", "/comments", json=dict(body)))

    def iter_comment_pages(
        self, block_id: str, *, start_cursor: str | None = None, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Each page of ``GET /v1/comments?block_id=`` (the open comments on a page or block)."""
        params = {"block_id": normalize_notion_id(block_id, "block_id")}
        return self.iter_pages(
            "GET", "/comments", params=params, page_size=page_size, start_cursor=start_cursor
        )

    def create_file_upload(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/file_uploads`` (``mode``, ``filename``, ``content_type``, ``number_of_parts``)."""
        return dict(self.request("POST", "/file_uploads", json=dict(body)))

    def send_file_upload(
        self,
        upload_id: str,
        content: bytes,
        *,
        filename: str,
        content_type: str | None = None,
        part_number: int | None = None,
    ) -> dict[str, Any]:
        """``POST /v1/file_uploads/{id}/send``: one part (or the whole small file) as multipart/form-data."""
        path = f"/file_uploads/{normalize_notion_id(upload_id, 'file_upload_id')}/send"
        part = (filename, content, content_type) if content_type else (filename, content)
        data = None if part_number is None else {"part_number": str(part_number)}
        return dict(self.request("POST", path, files={"file": part}, data=data))

    def complete_file_upload(self, upload_id: str) -> dict[str, Any]:
        """``POST /v1/file_uploads/{id}/complete`` after every part of a multi-part upload was sent."""
        path = f"/file_uploads/{normalize_notion_id(upload_id, 'file_upload_id')}/complete"
        return dict(self.request("POST", path))

    def get_file_upload(self, upload_id: str) -> dict[str, Any]:
        """``GET /v1/file_uploads/{id}``."""
        return dict(self.request("GET", f"/file_uploads/{normalize_notion_id(upload_id, 'file_upload_id')}"))
