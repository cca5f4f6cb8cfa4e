"""NotionHook: the Airflow side of the Notion API (connection, masking, connection form, Test Connection) and
one short method per endpoint, like the official SDKs' endpoint lists.

Requests are built, sent, retried and parsed by :mod:`airflow_provider_notion.client`; request bodies are checked
by :mod:`airflow_provider_notion.rules`; work that takes several requests (upserts, syncs, exports, page content,
lookups) lives in :mod:`airflow_provider_notion.jobs` as functions that take the hook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Unpack

from airflow.providers.common.compat.sdk import AirflowNotFoundException, BaseHook

from airflow_provider_notion.client.auth import StaticTokenProvider, TokenProvider
from airflow_provider_notion.client.base import DEFAULT_TIMEOUT, PageOptions, RequestOptions
from airflow_provider_notion.client.large_query import CompleteQuery
from airflow_provider_notion.client.pacing.buckets import pacing_bucket
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_REQUESTS_PER_SECOND, TokenBucket
from airflow_provider_notion.client.paging import check_page_size, list_object, merge_pages
from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.client.sync import Session, SyncClient
from airflow_provider_notion.connection.masking import mask_secrets
from airflow_provider_notion.connection.settings import (
    CONN_TYPE,
    NotionConnectionSettings,
    connection_not_defined,
)
from airflow_provider_notion.exceptions import NotionPartialPageError
from airflow_provider_notion.rules.bodies import (
    DatabaseOptions,
    PageContent,
    SearchOptions,
    append_body,
    create_database_body,
    create_page_body,
    search_body,
    update_page_body,
)
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import MAX_CHILDREN_PER_REQUEST, property_values
from airflow_provider_notion.rules.queries import (
    PagedQueryOptions,
    QueryOptions,
    filter_properties_params,
    query_body,
    without_cursor,
)
from airflow_provider_notion.rules.targets import (
    Target,
    choose_target,
    needs_data_sources,
    single_data_source,
)
from airflow_provider_notion.rules.versions import NotionVersion, SearchObject, resolve_notion_version
from airflow_provider_notion.utils.checks import finite_number
from airflow_provider_notion.utils.deprecation import warn_deprecated

if TYPE_CHECKING:
    from airflow_provider_notion.oauth.client import NotionOAuthClient

__all__ = ["NotionHook", "check_page_size", "list_object"]

#: Test Connection retries once at most: the UI waits for the answer, and a wrong host should say so at once.
QUICK_CHECK = RetryPolicy(max_retries=1, base_delay=0.5)


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
        machine (:mod:`~.client.pacing.buckets`); ``None``, ``0`` or extra ``pacing_backend: off`` turn it off.
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
            raise connection_not_defined(self.notion_conn_id) from None

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

    # ------------------------------------------------------------------ raw requests and pagination

    def request(self, method: str, path: str, **options: Unpack[RequestOptions]) -> Any:
        """Send one API request and return the parsed body.

        :param path: a path under the API base (``/users/me``, ``users/me`` or ``/v1/users/me``). URLs and paths
            that leave ``/v1/`` are refused before anything is sent, so the token never reaches another host.
        :param options: ``json``, ``params``, ``data``, ``files``, ``headers``, ``timeout``; ``response_type``
            ``json`` (dict/list), ``text`` (str) or ``binary`` (bytes); ``retry_policy`` overrides the hook's.
        :raises NotionInputError: a bad argument (NaN in ``json``, a protected header...); nothing was sent.
        :raises NotionApiError: Notion answered with an error.
        :raises NotionWriteOutcomeUnknownError: a create/update was sent but its answer was lost.
        """
        return self.client.request(method, path, **options)

    def iter_pages(self, method: str, path: str, **options: Unpack[PageOptions]) -> Iterator[dict[str, Any]]:
        """Yield each list object of a paginated endpoint until ``has_more`` is false (:class:`~.client.paging.Pager`).

        :raises NotionQueryIncompleteError: Notion cut a page at its result cap: never a silently truncated result
            (queries continue past the cap with :meth:`iter_query`).
        :raises NotionPaginationError: the server keeps returning cursors it already returned.
        """
        yield from self.client.iter_pages(method, path, **options)

    def paginate(self, method: str, path: str, **options: Unpack[PageOptions]) -> Iterator[Any]:
        """Yield every result across pages (see :meth:`iter_pages`)."""
        for page in self.iter_pages(method, path, **options):
            yield from page.get("results", [])

    @staticmethod
    def _collect(pages: Iterator[dict[str, Any]], fetch_all: bool) -> dict[str, Any]:
        """The first page as Notion returns it, or with ``fetch_all`` every page merged into one list object."""
        return merge_pages(pages) if fetch_all else next(pages)

    # ------------------------------------------------------------------ users

    def iter_user_pages(
        self, *, start_cursor: str | None = None, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Each page of ``GET /users`` (see :meth:`list_users`)."""
        return self.iter_pages("GET", "/users", page_size=page_size, start_cursor=start_cursor)

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
        self.version.require_data_sources()
        path = f"/data_sources/{normalize_notion_id(data_source_id, 'data_source_id')}"
        return dict(self.request("GET", path))

    def create_database(
        self, parent: Any, title: Any, properties: Any, **options: Unpack[DatabaseOptions]
    ) -> dict[str, Any]:
        """Create a database under a page; the schema goes where the version expects it (:mod:`~.rules.bodies`)."""
        body = create_database_body(self.version, parent, title, properties, **options)
        return dict(self.request("POST", "/databases", json=body))

    def data_source_ids(self, database_id: str) -> list[dict[str, Any]]:
        """The ``[{id, name}]`` data sources of a database, fetched once per hook."""
        database_id = normalize_notion_id(database_id, "database_id")
        if database_id not in self._data_sources:
            self.get_database(database_id)
        return self._data_sources.get(database_id, [])

    def knows_data_sources(self, database_id: str) -> bool:
        """Whether :meth:`data_source_ids` answers without a request."""
        return normalize_notion_id(database_id, "database_id") in self._data_sources

    def resolve_data_source_id(self, database_id: str) -> str:
        """The single data source of a database; several raise ``NotionMultipleDataSourcesError``."""
        database_id = normalize_notion_id(database_id, "database_id")
        return single_data_source(database_id, self.data_source_ids(database_id))

    def target(self, database_id: Any = None, data_source_id: Any = None) -> Target:
        """Where a database's or data source's rows are queried and written (:mod:`~.rules.targets`)."""
        sources = None
        if needs_data_sources(self.version, database_id, data_source_id):
            sources = self.data_source_ids(database_id)
        return choose_target(
            self.version, database_id=database_id, data_source_id=data_source_id, sources=sources
        )

    def query_target(self, database_id: str | None = None, data_source_id: str | None = None) -> str:
        """The path a query of this database or data source is sent to, e.g. ``/v1/data_sources/{id}/query``."""
        return self.target(database_id, data_source_id).query_path

    # ------------------------------------------------------------------ queries

    def query_database(
        self, database_id: str | None = None, *, fetch_all: bool = False, **query: Unpack[PagedQueryOptions]
    ) -> dict[str, Any]:
        """Query a database's (or data source's) rows as a list object (the target: :meth:`target`).

        ``fetch_all`` returns every row, past Notion's 10,000-row cap (:meth:`iter_query`), ignoring ``start_cursor``.
        """
        if fetch_all:
            complete = self.complete_query(database_id, **without_cursor(query))
            return list_object(list(complete), complete.list_type)
        return next(self.iter_query_pages(database_id, **query))

    def iter_query_pages(
        self, database_id: str | None = None, **query: Unpack[PagedQueryOptions]
    ) -> Iterator[dict[str, Any]]:
        """Each page of a query (see :meth:`query_database`); the body is checked before the target is resolved."""
        body, params = query_body(query.get("filter"), query.get("sorts")), self._params(query)
        size = check_page_size(query.get("page_size"))
        path = self.query_target(database_id, query.get("data_source_id"))
        return self.iter_pages(
            "POST", path, json=body, params=params, page_size=size, start_cursor=query.get("start_cursor")
        )

    def iter_query(
        self, database_id: str | None = None, **query: Unpack[QueryOptions]
    ) -> Iterator[dict[str, Any]]:
        """Stream every row of a query, continuing past Notion's 10,000-row cap with ``created_time`` windows.

        Rows come oldest first (own ``sorts`` fail at the cap); each row is returned once (:mod:`~.client.large_query`).

        :raises NotionQueryIncompleteError: the query cannot be continued past the cap (the message says why).
        """
        return iter(self.complete_query(database_id, **query))

    def complete_query(self, database_id: str | None = None, **query: Unpack[QueryOptions]) -> CompleteQuery:
        """A checked query over every row past the cap: iterate it for rows, or its ``batches()`` per page."""
        body, params = query_body(query.get("filter"), query.get("sorts")), self._params(query)
        size = check_page_size(query.get("page_size"))
        path = self.query_target(database_id, query.get("data_source_id"))
        return CompleteQuery(
            lambda page_body: self.request("POST", path, json=page_body, params=params),
            filter=body.get("filter"),
            sorts=body.get("sorts"),
            page_size=size,
            target=f"POST {path}",
        )

    @staticmethod
    def _params(query: QueryOptions) -> dict[str, Any] | None:
        return filter_properties_params(query.get("filter_properties"))

    def query_data_source(self, data_source_id: str, **kwargs: Any) -> dict[str, Any]:
        """Query a data source (API 2025-09-03 and later); same options as :meth:`query_database`."""
        self.version.require_data_sources()
        return self.query_database(data_source_id=data_source_id, **kwargs)

    # ------------------------------------------------------------------ pages

    def get_page(self, page_id: str, *, filter_properties: Any = None) -> dict[str, Any]:
        """A page's properties (not its content); ``filter_properties`` limits them to the given ids."""
        path = f"/pages/{normalize_notion_id(page_id, 'page_id')}"
        return dict(self.request("GET", path, params=filter_properties_params(filter_properties)))

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
        """Create a page or a database item; children past the first 100 are appended in order, 100 at a time."""
        body, rest = create_page_body(
            parent, properties, children=children, icon=icon, cover=cover, parent_type=parent_type
        )
        page = dict(self.request("POST", "/pages", json=body))
        self.append_blocks(page["id"], rest, already=MAX_CHILDREN_PER_REQUEST)
        return page

    def create_database_item(
        self, parent: Mapping[str, Any], properties: Any, **content: Unpack[PageContent]
    ) -> dict[str, Any]:
        """Create a row under ``parent`` (:func:`~.rules.targets.item_parent`); ``content``: children, icon, cover."""
        return self.create_page(dict(parent), property_values(properties), **content)

    def post_page(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/pages`` with a body built by the caller (e.g. with ``markdown`` instead of ``children``)."""
        return dict(self.request("POST", "/pages", json=dict(body)))

    def update_page(self, page_id: str, properties: Any = None, **fields: Any) -> dict[str, Any]:
        """Update a page's properties (and ``icon``, ``cover``, ``in_trash``...)."""
        body = update_page_body(self.version, properties, fields)
        return dict(self.request("PATCH", f"/pages/{normalize_notion_id(page_id, 'page_id')}", json=body))

    def get_page_markdown(self, page_id: str) -> dict[str, Any]:
        """``GET /v1/pages/{id}/markdown`` (2026-03-11 and later): ``{"markdown", "truncated", ...}``."""
        return dict(self.request("GET", self.version.page_markdown_path(page_id)))

    def update_page_markdown(self, page_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /v1/pages/{id}/markdown`` (2026-03-11 and later), e.g. ``{"type": "replace_content", ...}``."""
        return dict(self.request("PATCH", self.version.page_markdown_path(page_id), json=dict(body)))

    # ------------------------------------------------------------------ blocks

    def get_block(self, block_id: str) -> dict[str, Any]:
        """``GET /v1/blocks/{id}``."""
        return dict(self.request("GET", f"/blocks/{normalize_notion_id(block_id, 'block_id')}"))

    def delete_block(self, block_id: str) -> dict[str, Any]:
        """``DELETE /v1/blocks/{id}``: moves the block (or page) to the trash."""
        return dict(self.request("DELETE", f"/blocks/{normalize_notion_id(block_id, 'block_id')}"))

    def append_block_children(
        self, block_id: str, children: list[dict[str, Any]], *, after: str | None = None
    ) -> dict[str, Any]:
        """Append up to 100 blocks to a block or page (at the end, or after block ``after``)."""
        body = append_body(self.version, children, after)
        path = f"/blocks/{normalize_notion_id(block_id, 'block_id')}/children"
        return dict(self.request("PATCH", path, json=body))

    def append_blocks(
        self, block_id: str, blocks: list[Any], *, already: int = 0, abandon: bool = True
    ) -> None:
        """Append ``blocks`` in order, 100 per request (``already``: blocks on the page before them, for messages).

        A failure raises ``NotionPartialPageError``; with ``abandon`` (a page this task just created) the page is
        moved to the trash first, so no partial page is left behind.
        """
        for start in range(0, len(blocks), MAX_CHILDREN_PER_REQUEST):
            try:
                self.append_block_children(block_id, blocks[start : start + MAX_CHILDREN_PER_REQUEST])
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
        path = f"/blocks/{normalize_notion_id(block_id, 'block_id')}/children"
        pages = self.iter_pages(
            "GET", path, page_size=page_size, start_cursor=None if fetch_all else start_cursor
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
        body = search_body(self.version, query, object_type, sort)
        return self.iter_pages("POST", "/search", json=body, page_size=page_size, start_cursor=start_cursor)

    def search(
        self,
        query: str | None = None,
        *,
        start_cursor: str | None = None,
        fetch_all: bool = False,
        **options: Unpack[SearchOptions],
    ) -> dict[str, Any]:
        """Search titles shared with the integration (``object_type="database"``: data sources since 2025-09-03).

        ``fetch_all`` ignores ``start_cursor``.
        """
        pages = self.iter_search_pages(query, start_cursor=None if fetch_all else start_cursor, **options)
        return self._collect(pages, fetch_all)

    def list_databases(self, **kwargs: Any) -> dict[str, Any]:
        """Databases shared with the integration (data sources since 2025-09-03)."""
        return self.search(object_type="database", **kwargs)

    def list_pages(self, **kwargs: Any) -> dict[str, Any]:
        """Pages shared with the integration."""
        return self.search(object_type="page", **kwargs)

    # ------------------------------------------------------------------ comments and file uploads

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
        part = (filename, content, content_type) if content_type else (filename, content)
        data = None if part_number is None else {"part_number": str(part_number)}
        return dict(
            self.request("POST", self._upload_path(upload_id, "/send"), files={"file": part}, data=data)
        )

    def complete_file_upload(self, upload_id: str) -> dict[str, Any]:
        """``POST /v1/file_uploads/{id}/complete`` after every part of a multi-part upload was sent."""
        return dict(self.request("POST", self._upload_path(upload_id, "/complete")))

    def get_file_upload(self, upload_id: str) -> dict[str, Any]:
        """``GET /v1/file_uploads/{id}``."""
        return dict(self.request("GET", self._upload_path(upload_id)))

    @staticmethod
    def _upload_path(upload_id: str, action: str = "") -> str:
        return f"/file_uploads/{normalize_notion_id(upload_id, 'file_upload_id')}{action}"

    # ------------------------------------------------------------------ OAuth tokens

    def introspect_token(self, token: str | None = None) -> dict[str, Any]:
        """``POST /v1/oauth/introspect``: ``{"active": bool, "scope"?, "iat"?}``; default: this hook's token."""
        return dict(self._oauth_client().introspect(token or self.token_provider.current_token()))

    def revoke_token(self, token: str | None = None) -> dict[str, Any]:
        """``POST /v1/oauth/revoke`` (default: this hook's token); the owner must then authorise again."""
        return dict(self._oauth_client().revoke(token or self.token_provider.current_token()))

    def _oauth_client(self) -> NotionOAuthClient:
        from airflow_provider_notion.oauth.client import oauth_client_for

        return oauth_client_for(self.settings, timeout=self.timeout)

    # ------------------------------------------------------------------ Test Connection and the connection form

    def test_connection(self) -> tuple[bool, str]:
        """Call ``GET /users/me`` and report the bot and workspace; OAuth: the token state, never a refresh."""
        from airflow_provider_notion.connection.failure_messages import bot_greeting, run_connection_test
        from airflow_provider_notion.oauth.token_check import check_oauth_connection

        def check() -> tuple[bool, str]:
            if self.settings.auth_type == "oauth":
                return check_oauth_connection(self.token_provider, self.get_current_user)
            return bot_greeting(self.request("GET", "/users/me", retry_policy=QUICK_CHECK))

        return run_connection_test(check, lambda: self.settings.base_url)

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

    # ------------------------------------------------------------------ deprecated forwarders (0.2)

    def upsert_database_item(self, *args: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
        """Deprecated: :func:`airflow_provider_notion.jobs.upsert.upsert_database_item` with the hook."""
        from airflow_provider_notion.jobs.upsert import upsert_database_item

        warn_deprecated("NotionHook.upsert_database_item", "jobs.upsert.upsert_database_item(hook, ...)")
        return upsert_database_item(self, *args, **kwargs)

    def sync_rows(self, rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> dict[str, Any]:
        """Deprecated: :func:`airflow_provider_notion.jobs.sync.engine.sync_rows` with the hook."""
        from airflow_provider_notion.jobs.sync.engine import sync_rows

        warn_deprecated("NotionHook.sync_rows", "jobs.sync.engine.sync_rows(hook, ...)")
        return sync_rows(self, rows, **kwargs)
