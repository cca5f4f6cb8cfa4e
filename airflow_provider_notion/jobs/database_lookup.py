"""Find a database by its title under a parent, so a scheduled DAG can create its database once and reuse it.

Notion has no "get database by name": this searches titles (``POST /v1/search``), keeps the results under the
given parent, then compares the whole title exactly. Since 2025-09-03 search returns data sources; each one
names its database (``parent``) and the database's parent (``database_parent``), and the database itself is
read to compare its title (one request per candidate, usually one). Trashed databases never match.

Notion's search index can lag a freshly created database by a few seconds to minutes: two runs started
within that window may both create one. ``max_active_runs=1`` and a daily schedule keep that out of reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.values.from_notion import plain_text

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook


def _same_parent(found: Any, wanted: Mapping[str, Any]) -> bool:
    if not isinstance(found, Mapping) or found.get("type") != wanted.get("type"):
        return False
    kind = str(wanted["type"])
    if kind == "workspace":
        return True
    try:
        return normalize_notion_id(found.get(kind), "parent") == normalize_notion_id(
            wanted.get(kind), "parent"
        )
    except Exception:
        return False


def _trashed(obj: Mapping[str, Any]) -> bool:
    return bool(obj.get("in_trash") or obj.get("archived"))


def find_databases(hook: NotionHook, parent: Mapping[str, Any], title: str) -> list[dict[str, Any]]:
    """Every live database under ``parent`` (a parent object) whose title is exactly ``title``."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for page in hook.iter_search_pages(title, object_type="database", page_size=100):
        for result in page.get("results", []):
            if _trashed(result):
                continue
            if result.get("object") == "database":  # 2022-06-28: the database itself
                if _same_parent(result.get("parent"), parent) and plain_text(result.get("title")) == title:
                    found.append(dict(result))
                continue
            database_id = (result.get("parent") or {}).get("database_id")
            if (
                not database_id
                or database_id in seen
                or not _same_parent(result.get("database_parent"), parent)
            ):
                continue
            seen.add(database_id)
            database = hook.get_database(str(database_id))
            if not _trashed(database) and plain_text(database.get("title")) == title:
                found.append(database)
    return found


def database_with_data_sources(hook: NotionHook, database_id: str) -> dict[str, Any]:
    """A database whose ``data_sources`` entries are the full data source objects (with their schema).

    Before data-source versions the database already carries its schema in ``properties``; it is returned as
    :meth:`NotionHook.get_database` returns it.
    """
    database = hook.get_database(database_id)
    if hook.version.has_data_sources:
        database["data_sources"] = [
            hook.get_data_source(str(source["id"])) for source in database.get("data_sources", [])
        ]
    return database
