"""Every difference between the Notion API versions this provider speaks, in one place.

Adding a version means adding one :class:`NotionVersion` entry to ``_VERSIONS``; nothing else in the package
branches on a version string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_NOTION_VERSION = "2026-03-11"

SearchObject = Literal["page", "database"]


@dataclass(frozen=True)
class NotionVersion:
    """The behaviour of one ``Notion-Version``."""

    name: str
    #: Since 2025-09-03 a database is a container of data sources; rows, schema and queries live on those.
    has_data_sources: bool
    #: Since 2026-03-11 ``archived`` is gone and only ``in_trash`` is accepted.
    trash_field: Literal["archived", "in_trash"]
    #: Since 2026-03-11 appending blocks takes ``position`` instead of ``after``.
    append_uses_position: bool
    #: Since 2026-03-11 a page's content can be read and replaced as Markdown (``/v1/pages/{id}/markdown``).
    has_page_markdown: bool = False

    def query_path(self, *, database_id: str | None = None, data_source_id: str | None = None) -> str:
        """Where a query goes: ``/data_sources/{id}/query`` or, before data sources, ``/databases/{id}/query``."""
        if self.has_data_sources:
            if data_source_id is None:
                raise ValueError("data_source_id is required with data-source API versions")
            return f"/data_sources/{data_source_id}/query"
        if database_id is None:
            raise ValueError("database_id is required before data-source API versions")
        return f"/databases/{database_id}/query"

    def search_filter(self, object_type: SearchObject) -> dict[str, str]:
        """The search ``filter`` for pages or databases (data sources since 2025-09-03)."""
        value = "data_source" if object_type == "database" and self.has_data_sources else object_type
        return {"property": "object", "value": value}

    def create_database_body(
        self, *, parent: dict[str, Any], title: list[dict[str, Any]], properties: dict[str, Any]
    ) -> dict[str, Any]:
        """The body of ``POST /databases``: the schema is top-level before data sources, else in the first one."""
        if self.has_data_sources:
            return {"parent": parent, "title": title, "initial_data_source": {"properties": properties}}
        return {"parent": parent, "title": title, "properties": properties}

    def trash_body(self, in_trash: bool) -> dict[str, bool]:
        """The body field that moves a page, database or block to (or out of) the trash."""
        return {self.trash_field: in_trash}

    def require_data_sources(self, field: str = "data_source_id") -> None:
        """Refuse a data-source input or endpoint under a version without data sources, naming the input."""
        from airflow_provider_notion.exceptions import NotionInputError

        if not self.has_data_sources:
            raise NotionInputError(
                field, f"data sources need Notion-Version 2025-09-03 or later, not {self.name}"
            )

    def page_markdown_path(self, page_id: str) -> str:
        """``/pages/{id}/markdown``, which exists since 2026-03-11 (before: an error naming ``page_id``)."""
        from airflow_provider_notion.exceptions import NotionInputError
        from airflow_provider_notion.rules.ids import normalize_notion_id

        if not self.has_page_markdown:
            raise NotionInputError(
                "page_id", f"the page Markdown endpoints need Notion-Version 2026-03-11, not {self.name}"
            )
        return f"/pages/{normalize_notion_id(page_id, 'page_id')}/markdown"

    def append_after(self, after_block_id: str | None) -> dict[str, Any]:
        """Where appended blocks go: after a given block, else at the end."""
        if after_block_id is None:
            return {}
        if self.append_uses_position:
            return {"position": {"type": "after_block", "after_block": {"id": after_block_id}}}
        return {"after": after_block_id}


_VERSIONS: dict[str, NotionVersion] = {
    v.name: v
    for v in (
        NotionVersion(
            "2022-06-28", has_data_sources=False, trash_field="archived", append_uses_position=False
        ),
        NotionVersion(
            "2025-09-03", has_data_sources=True, trash_field="archived", append_uses_position=False
        ),
        NotionVersion(
            "2026-03-11",
            has_data_sources=True,
            trash_field="in_trash",
            append_uses_position=True,
            has_page_markdown=True,
        ),
    )
}

SUPPORTED_NOTION_VERSIONS: tuple[str, ...] = tuple(_VERSIONS)


def resolve_notion_version(value: object, *, field: str = "notion_version") -> NotionVersion:
    """Return the rules of a supported version; ``None`` or ``""`` means the default."""
    # Imported here: get_provider_info reads this module while Airflow is still importing its exceptions.
    from airflow_provider_notion.exceptions import NotionInputError

    if value is None or value == "":
        return _VERSIONS[DEFAULT_NOTION_VERSION]
    if not isinstance(value, str) or value.strip() not in _VERSIONS:
        raise NotionInputError(
            field, f"{value!r} is not a supported Notion-Version; use one of {', '.join(_VERSIONS)}"
        )
    return _VERSIONS[value.strip()]
