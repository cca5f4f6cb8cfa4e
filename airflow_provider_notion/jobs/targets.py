"""Read a table's schema and where its rows go: the one I/O step every writer and reader of rows shares.

The upsert, the sync, the export and the page-value updates all need a table's properties schema and the
:class:`~airflow_provider_notion.rules.targets.Target` (query path, parent of new rows). The choice of target is
:func:`~airflow_provider_notion.rules.targets.choose_target`; the database's data sources are read once per hook
(:meth:`NotionHook.data_source_ids`), so a task that resolves the same database twice sends one
``GET /databases/{id}``. The schema itself is read every time (a sync may have just added properties).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.targets import Target, choose_target, named_ids
from airflow_provider_notion.rules.titles import object_title

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook


@dataclass
class TableSchema:
    """A table's target, its properties schema, and how many requests reading them took (0-2)."""

    target: Target
    schema: dict[str, Any]
    requests: int
    #: The table's plain-text title (its data source's, or before 2025-09-03 its database's), for people:
    #: logs and asset events. Read with the schema, so it costs no request.
    title: str = ""
    #: The table's web URL as Notion returned it (``""`` if none): what a task's "Notion" link opens.
    url: str = ""

    @property
    def database_id(self) -> str | None:
        return self.target.database_id

    @property
    def data_source_id(self) -> str | None:
        return self.target.data_source_id

    @property
    def parent(self) -> dict[str, str]:
        """The ``parent`` of a new row."""
        return self.target.parent

    @property
    def schema_path(self) -> str:
        """Where the schema is updated: the data source since 2025-09-03, else the database."""
        if self.target.data_source_id is not None:
            return f"/data_sources/{self.target.data_source_id}"
        return f"/databases/{self.target.database_id}"


def _url(obj: Mapping[str, Any]) -> str:
    url = obj.get("url")
    return url if isinstance(url, str) else ""


def read_table(hook: NotionHook, *, database_id: Any = None, data_source_id: Any = None) -> TableSchema:
    """The target and schema of the table named by ``database_id`` or ``data_source_id`` (one or two reads).

    :raises NotionMultipleDataSourcesError: the database has several data sources (pass ``data_source_id``).
    :raises NotionInputError: neither id, no data source, or a ``data_source_id`` before 2025-09-03.
    """
    version = hook.version
    database, source = named_ids(database_id, data_source_id)
    if source is not None:
        version.require_data_sources()
        data_source = hook.get_data_source(source)
        parent = data_source.get("parent") or {}
        target = Target(version, parent.get("database_id"), source)
        properties = dict(data_source.get("properties") or {})
        return TableSchema(target, properties, 1, object_title(data_source), _url(data_source))
    assert database is not None
    if not version.has_data_sources:
        read = hook.get_database(database)
        schema = dict(read.get("properties") or {})
        target = choose_target(version, database_id=database)
        return TableSchema(target, schema, 1, object_title(read), _url(read))
    requests = 0 if hook.knows_data_sources(database) else 1
    target = choose_target(version, database_id=database, sources=hook.data_source_ids(database))
    assert target.data_source_id is not None
    data_source = hook.get_data_source(target.data_source_id)
    schema = dict(data_source.get("properties") or {})
    return TableSchema(target, schema, requests + 1, object_title(data_source), _url(data_source))


def read_parent_table(hook: NotionHook, parent: Mapping[str, Any]) -> TableSchema:
    """:func:`read_table` for a row parent (``{"type": "database_id" | "data_source_id", ...}``)."""
    kind = parent.get("type")
    if kind not in ("database_id", "data_source_id"):
        raise NotionInputError("parent", "a database item's parent is a database_id or data_source_id")
    return read_table(hook, **{str(kind): parent[str(kind)]})
