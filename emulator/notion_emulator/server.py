"""``NotionEmulator``: a real local HTTP server answering the Notion REST API, plus a Python API for tests."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from notion_emulator.context import EmulatorConfig
from notion_emulator.faults import FaultInjector
from notion_emulator.file_uploads import FileUploadRecord
from notion_emulator.http_handler import EmulatorHTTPServer
from notion_emulator.limits import (
    DEFAULT_BODY_DEADLINE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_SOCKET_TIMEOUT,
    ServerLimits,
)
from notion_emulator.ratelimit import RateLimit, RateLimiter
from notion_emulator.records import Integration
from notion_emulator.request_log import RequestRecord
from notion_emulator.routes import ALL_ROUTES, Router
from notion_emulator.seed import build_state, load_seed
from notion_emulator.state import EmulatorState
from notion_emulator.util import LATEST_VERSION, new_id, normalize_id
from notion_emulator.webhooks import Subscription, WebhookSender

DEFAULT_CONN_VERSION = LATEST_VERSION


class NotionEmulator:
    """Local Notion API on ``127.0.0.1``. Use as a context manager or call ``start()``/``stop()``."""

    def __init__(
        self,
        seed: str | Path | dict[str, Any] | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        query_cap: int = 10_000,
        rate_limit: RateLimit | None = None,
        max_logged_requests: int = 10_000,
        max_file_upload_bytes: int = 5_242_880,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
        body_deadline: float = DEFAULT_BODY_DEADLINE,
    ) -> None:
        self._seed = load_seed(seed)
        self._host = host
        self._port = port
        # Checked before anything else of a request (see ``limits``); fixed for the server's lifetime.
        self.limits = ServerLimits(
            max_body_bytes=max_body_bytes, socket_timeout=socket_timeout, body_deadline=body_deadline
        )
        self.config = EmulatorConfig(query_cap=query_cap, max_file_upload_bytes=max_file_upload_bytes)
        self._initial_config = dataclasses.replace(self.config)
        self.router = Router(list(ALL_ROUTES))
        self.faults = FaultInjector()
        self.rate_limiter = RateLimiter(rate_limit)
        self._initial_rate_limit = rate_limit
        self._log_lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._listeners: list[Callable[[RequestRecord], None]] = []
        self._max_logged = max_logged_requests
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.state: EmulatorState
        self._token: str | None
        self.state, self._token = build_state(self._seed)
        # Signed webhook deliveries after each write (webhooks.py), once something subscribes.
        self.webhooks = WebhookSender(self.state.workspace_id)
        self.state.signals.add(self.webhooks.on_change)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> NotionEmulator:
        if self._server is not None:
            return self
        self._server = EmulatorHTTPServer((self._host, self._port), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="notion-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        self.webhooks.close()

    def reset(self) -> None:
        """Back to the seed: state, faults, rate limit, query cap, upload limit and request log."""
        new_state, self._token = build_state(self._seed)
        self.state = new_state
        self.webhooks.clear()
        self.webhooks.workspace_id = new_state.workspace_id
        new_state.signals.add(self.webhooks.on_change)
        self.config.query_cap = self._initial_config.query_cap
        self.config.max_file_upload_bytes = self._initial_config.max_file_upload_bytes
        self.faults.clear()
        self.rate_limiter.configure(self._initial_rate_limit)
        self.clear_request_log()
        self._listeners.clear()

    def __enter__(self) -> NotionEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"NotionEmulator(base_url={self.base_url!r})"

    # ------------------------------------------------------------------ connection info
    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def token(self) -> str:
        if self._token is None:
            raise RuntimeError("the seed defines no integration")
        return self._token

    @property
    def airflow_conn_dict(self) -> dict[str, Any]:
        return {
            "conn_type": "notion",
            "host": self.base_url,
            "password": self.token,
            "extra": {"notion_version": DEFAULT_CONN_VERSION},
        }

    @property
    def airflow_conn_json(self) -> str:
        """Value for ``AIRFLOW_CONN_NOTION_DEFAULT`` (Airflow's JSON connection format)."""
        return json.dumps(self.airflow_conn_dict)

    @property
    def airflow_conn_uri(self) -> str:
        """URI form; the host carries the URL-encoded ``http://…`` base URL as Airflow allows."""
        return (
            f"notion://:{quote(self.token, safe='')}@{quote(self.base_url, safe='')}/"
            f"?notion_version={DEFAULT_CONN_VERSION}"
        )

    # ------------------------------------------------------------------ runtime knobs
    def set_rate_limit(self, limit: RateLimit | None) -> None:
        self.rate_limiter.configure(limit)

    def set_query_cap(self, cap: int) -> None:
        self.config.query_cap = cap

    def add_webhook_subscription(
        self, url: str, event_types: list[str] | None = None, *, integration_id: str | None = None
    ) -> Subscription:
        """Subscribe ``url`` to the integration's events (all types when ``event_types`` is empty); the
        handshake POST is sent before this returns. See :mod:`notion_emulator.webhooks`."""
        return self.webhooks.subscribe(url, integration_id or self.default_integration().id, event_types)

    def set_max_file_upload_bytes(self, limit: int) -> None:
        """The workspace's per-file limit (``bot.workspace_limits.max_file_upload_size_in_bytes``)."""
        self.config.max_file_upload_bytes = limit

    # ------------------------------------------------------------------ request log
    def record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)
            if len(self._log) > self._max_logged:
                del self._log[: len(self._log) - self._max_logged]
            listeners = list(self._listeners)
        for listener in listeners:
            listener(record)

    def add_request_listener(self, listener: Callable[[RequestRecord], None]) -> None:
        """Call ``listener`` with each request's record once it is handled, before its answer is sent: a test
        can act as another writer between two requests of the code under test (``reset()`` removes it)."""
        with self._log_lock:
            self._listeners.append(listener)

    def remove_request_listener(self, listener: Callable[[RequestRecord], None]) -> None:
        with self._log_lock:
            self._listeners.remove(listener)

    @property
    def request_log(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    # ------------------------------------------------------------------ direct seeding (no HTTP)
    def default_integration(self) -> Integration:
        return self.state.integration_for_token(self.token) or next(iter(self.state.integrations.values()))

    def add_integration(
        self, name: str, token: str, *, capabilities: set[str] | None = None, shared: list[str] | None = None
    ) -> Integration:
        integration = self.state.add_integration(name, token, capabilities=capabilities)
        for object_id in shared or []:
            self.share(object_id, integration.id)
        return integration

    def share(self, object_id: str, integration_id: str | None = None) -> None:
        target = integration_id or self.default_integration().id
        self.state.share(target, _id(object_id))

    def add_page(
        self,
        *,
        parent_id: str | None = None,
        title: str | None = None,
        properties: dict[str, Any] | None = None,
        share: bool = False,
    ) -> dict[str, Any]:
        """Create a page under a page, a data source or a database (its single data source), or at workspace
        level (``parent_id=None``, then ``share`` shares it with the default integration). Returns the row."""
        state = self.state
        with state.lock:
            kind, pid = "workspace", None
            if parent_id is not None:
                pid = _id(parent_id)
                if pid in state.databases:
                    kind, pid = "data_source_id", state.databases[pid].data_source_ids[0]
                elif pid in state.data_sources:
                    kind = "data_source_id"
                else:
                    kind = "page_id"
            props = dict(properties or {})
            if title is not None:
                title_name = "title"
                if kind == "data_source_id":
                    schema = state.data_sources[pid or ""].schema
                    title_name = next(n for n, spec in schema.items() if spec["type"] == "title")
                props[title_name] = [{"type": "text", "text": {"content": title}}]
            page = state.create_page(
                parent_type=kind,
                parent_id=pid,
                properties_input=props,
                creator_id=self.default_integration().id,
            )
            if share:
                state.share(self.default_integration().id, page.id)
            row = state.get_page(page.id)
            assert row is not None
            return row

    def add_database(
        self,
        *,
        parent_id: str,
        title: str = "Database",
        properties: dict[str, Any] | None = None,
        extra_data_sources: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Create a database (schema given as a create-database ``properties`` value) under a page.
        Returns ``{"id", "data_source_id", "data_source_ids"}``."""
        state = self.state
        with state.lock:
            creator = self.default_integration().id
            db = state.create_database(
                parent_type="page_id",
                parent_id=_id(parent_id),
                title_input=[{"type": "text", "text": {"content": title}}],
                schema_input=properties,
                creator_id=creator,
                api_version=LATEST_VERSION,
            )
            for extra in extra_data_sources or []:
                state.create_data_source(
                    db,
                    title_input=[{"type": "text", "text": {"content": extra.get("title", "")}}],
                    schema_input=extra.get("properties") or {"Name": {"title": {}}},
                    creator_id=creator,
                    api_version=LATEST_VERSION,
                )
            return {
                "id": db.id,
                "data_source_id": db.data_source_ids[0],
                "data_source_ids": list(db.data_source_ids),
            }

    def add_rows(self, data_source_or_database_id: str, rows: list[dict[str, Any]]) -> list[str]:
        """Bulk-create rows (each a page ``properties`` input); returns their ids."""
        state = self.state
        with state.lock:
            target = _id(data_source_or_database_id)
            if target in state.databases:
                target = state.databases[target].data_source_ids[0]
            creator = self.default_integration().id
            return [
                state.create_page(
                    parent_type="data_source_id", parent_id=target, properties_input=props, creator_id=creator
                ).id
                for props in rows
            ]

    def add_file_upload(
        self,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        mode: str = "single_part",
        number_of_parts: int | None = None,
        status: str = "pending",
        data: bytes | None = None,
        integration_id: str | None = None,
    ) -> FileUploadRecord:
        """Create a file upload owned by an integration (default: the default one) without HTTP; with ``data``
        it is already ``uploaded``. ``status`` may be any of pending, uploaded, expired, failed."""
        record = self.state.file_uploads.create(
            integration_id or self.default_integration().id,
            mode=mode,
            filename=filename,
            content_type=content_type,
            number_of_parts=number_of_parts,
            status="uploaded" if data is not None else status,
        )
        if data is not None:
            record.parts = {1: data}
            record.content_length = len(data)
        return record

    def add_template(self, data_source_id: str, name: str, *, is_default: bool = False) -> str:
        """Offer a page template in a data source (listed by ``GET /v1/data_sources/{id}/templates``); returns
        its id. Creating pages from templates is not emulated."""
        with self.state.lock:
            source = self.state.data_sources[_id(data_source_id)]
            if is_default:
                for template in source.templates:
                    template["is_default"] = False
            template_id = new_id()
            source.templates.append({"id": template_id, "name": name, "is_default": is_default})
            return template_id

    @property
    def root_page_id(self) -> str:
        """The first page shared with the default integration (the seed's root page)."""
        shared = self.default_integration().shared
        return next(pid for pid in self.state.pages if pid in shared)

    def iter_requests(self) -> Iterator[RequestRecord]:
        return iter(self.request_log)


def _id(raw: str) -> str:
    normalized = normalize_id(raw)
    if normalized is None:
        raise ValueError(f"not a Notion id: {raw!r}")
    return normalized
