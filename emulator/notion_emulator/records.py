"""Plain records held by the emulator state. Version-independent; ``serialize`` renders them per API version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ALL_CAPABILITIES = frozenset(
    {
        "read_content",
        "update_content",
        "insert_content",
        "read_comments",
        "insert_comments",
        "read_user_information",
        "read_user_information_with_email",
    }
)


@dataclass
class Integration:
    """An internal or public integration; its bot user shares the integration's id."""

    id: str
    name: str
    capabilities: set[str]
    owner: dict[str, Any] = field(default_factory=lambda: {"type": "workspace", "workspace": True})
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uris: list[str] = field(default_factory=list)
    # Ids of objects shared with the integration; descendants are visible too.
    shared: set[str] = field(default_factory=set)


@dataclass
class AccessToken:
    """One bearer token. Internal tokens never expire; OAuth tokens may be expired or revoked."""

    token: str = field(repr=False)
    integration_id: str
    kind: str = "internal"  # internal | oauth_access | oauth_refresh
    expires_at: datetime | None = None
    revoked: bool = False


@dataclass
class PageRecord:
    id: str
    parent_type: str  # page_id | data_source_id | block_id | workspace
    parent_id: str | None
    # Kept in response shape and updated in place so queries can filter it without copying.
    row: dict[str, Any]
    created: datetime
    last_edited: datetime
    icon: Any = None
    cover: Any = None
    in_trash: bool = False
    is_locked: bool = False
    seq: int = 0

    @property
    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = self.row["properties"]
        return props


@dataclass
class DatabaseRecord:
    id: str
    parent_type: str  # page_id | block_id | workspace
    parent_id: str | None
    title: list[dict[str, Any]]
    created: datetime
    last_edited: datetime
    created_by: str
    last_edited_by: str
    description: list[dict[str, Any]] = field(default_factory=list)
    is_inline: bool = False
    icon: Any = None
    cover: Any = None
    in_trash: bool = False
    is_locked: bool = False
    data_source_ids: list[str] = field(default_factory=list)


@dataclass
class DataSourceRecord:
    id: str
    database_id: str
    title: list[dict[str, Any]]
    schema: dict[str, dict[str, Any]]
    created: datetime
    last_edited: datetime
    created_by: str
    last_edited_by: str
    description: list[dict[str, Any]] = field(default_factory=list)
    icon: Any = None
    cover: Any = None
    in_trash: bool = False
    # Rows by id, in creation order: the per-data-source index queries run over.
    rows: dict[str, PageRecord] = field(default_factory=dict)
    # Bumped on every row or schema change; keys the query-result cache.
    revision: int = 0
    next_unique_id: int = 1
    # The data sources' revisions and the minute the formula/rollup values were last computed for.
    computed_for: tuple[Any, ...] | None = None
    # Page templates offered by the data source ({"id", "name", "is_default"}); seeded with add_template.
    templates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BlockRecord:
    id: str
    parent_type: str  # page_id | block_id
    parent_id: str
    type: str
    content: dict[str, Any]
    created: datetime
    last_edited: datetime
    created_by: str
    last_edited_by: str
    in_trash: bool = False


def plain_text(rich_text: list[dict[str, Any]]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in rich_text)
