"""Database → data source: the one choice of where a database's rows are queried and where new rows go.

Since Notion-Version 2025-09-03 a database is a container of data sources; its rows, schema and queries live
on a data source. A caller names a table by ``database_id`` or ``data_source_id``; :func:`choose_target`
turns that (and, for a ``database_id`` under data-source versions, the database's ``data_sources`` list) into a
:class:`Target`. Every entry point uses it: the hook's queries, the upsert, the sync, the export and the change
trigger, so the same database gives the same target and the same error everywhere:

- several data sources: :class:`~airflow_provider_notion.exceptions.NotionMultipleDataSourcesError`, listing
  them (pass ``data_source_id``);
- none, neither id, or a ``data_source_id`` before 2025-09-03: :class:`NotionInputError` naming the field.

Pure: the caller reads the database (the hook caches it per hook; the trigger reads it asynchronously).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError, NotionMultipleDataSourcesError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import parent_object
from airflow_provider_notion.rules.versions import NotionVersion


@dataclass(frozen=True)
class Target:
    """A table resolved for one Notion-Version: queried at :attr:`query_path`, new rows go under :attr:`parent`.

    ``database_id`` is ``None`` when only the data source was named (its database is not looked up).
    """

    version: NotionVersion
    database_id: str | None
    data_source_id: str | None

    @property
    def query_path(self) -> str:
        return self.version.query_path(database_id=self.database_id, data_source_id=self.data_source_id)

    @property
    def parent(self) -> dict[str, str]:
        """The ``parent`` of a new row: the data source under data-source versions (Notion's recommendation)."""
        if self.data_source_id is not None:
            return {"type": "data_source_id", "data_source_id": self.data_source_id}
        assert self.database_id is not None
        return {"type": "database_id", "database_id": self.database_id}


def named_ids(database_id: Any, data_source_id: Any) -> tuple[str | None, str | None]:
    """The normalised ``(database_id, data_source_id)``; a ``data_source_id`` wins when both are given."""
    if data_source_id not in (None, ""):
        return None, normalize_notion_id(data_source_id, "data_source_id")
    if database_id not in (None, ""):
        return normalize_notion_id(database_id, "database_id"), None
    raise NotionInputError("database_id", "give database_id or data_source_id")


def needs_data_sources(version: NotionVersion, database_id: Any, data_source_id: Any) -> bool:
    """Whether :func:`choose_target` needs the database's ``data_sources`` (one ``GET /databases/{id}``)."""
    return version.has_data_sources and named_ids(database_id, data_source_id)[1] is None


def single_data_source(database_id: str, sources: Sequence[Mapping[str, Any]]) -> str:
    """The id of a database's only data source; none or several is an error."""
    if not sources:
        raise NotionInputError("database_id", f"database {database_id} has no data source")
    if len(sources) > 1:
        raise NotionMultipleDataSourcesError(database_id, [dict(source) for source in sources])
    return str(sources[0]["id"])


def choose_target(
    version: NotionVersion,
    *,
    database_id: Any = None,
    data_source_id: Any = None,
    sources: Sequence[Mapping[str, Any]] | None = None,
) -> Target:
    """The table to query and write for these ids under ``version``.

    :param sources: the database's ``data_sources`` list; needed when :func:`needs_data_sources` says so.
    """
    database, source = named_ids(database_id, data_source_id)
    if source is not None:
        version.require_data_sources()
        return Target(version, None, source)
    assert database is not None
    if not version.has_data_sources:
        return Target(version, database, None)
    if sources is None:
        raise ValueError("choose_target needs the database's data_sources under data-source versions")
    return Target(version, database, single_data_source(database, sources))


def item_parent(
    version: NotionVersion, *, database_id: Any = None, data_source_id: Any = None, parent: Any = None
) -> dict[str, Any]:
    """The ``parent`` of a new database item from exactly one of the three ways to name the database."""
    given = [name for name, v in (("database_id", database_id), ("data_source_id", data_source_id),
                                  ("parent", parent)) if v not in (None, "")]  # fmt: skip
    if len(given) != 1:
        raise NotionInputError("database_id", "give exactly one of database_id, data_source_id or parent")
    if parent not in (None, ""):
        result = parent_object(parent, "parent", default_type="database_id")
        if result["type"] not in ("database_id", "data_source_id"):
            raise NotionInputError("parent", "a database item's parent is a database_id or data_source_id")
    elif data_source_id not in (None, ""):
        result = parent_object(data_source_id, "data_source_id", default_type="data_source_id")
    else:
        result = parent_object(database_id, "database_id", default_type="database_id")
    if result["type"] == "data_source_id":
        version.require_data_sources()
    return result
