"""The emulator's in-memory world: workspace, users, integrations, tokens, pages, databases, blocks.

All mutation goes through methods here, under one re-entrant lock, so the HTTP routes and the direct Python
seeding API (``NotionEmulator.add_page`` …) share the same rules.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from notion_emulator import computed
from notion_emulator import properties as props_model
from notion_emulator.change_signals import ChangeSignal, ChangeSignals
from notion_emulator.comments import CommentStore
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.file_uploads import FileUploadStore
from notion_emulator.pagination import AnchoredListing
from notion_emulator.records import (
    AccessToken,
    BlockRecord,
    DatabaseRecord,
    DataSourceRecord,
    Integration,
    PageRecord,
    plain_text,
)
from notion_emulator.richtext import expand_rich_text
from notion_emulator.util import iso_minute, new_id, normalize_id, utcnow

_EMPTY_VALUES: dict[str, Any] = {
    "title": [],
    "rich_text": [],
    "multi_select": [],
    "people": [],
    "relation": [],
    "files": [],
    "number": None,
    "select": None,
    "status": None,
    "date": None,
    "url": None,
    "email": None,
    "phone_number": None,
    "checkbox": False,
    "verification": None,
    "button": {},
}
_COMPUTED_TYPES = frozenset({"created_time", "last_edited_time", "created_by", "last_edited_by", "unique_id"})
_QUERY_CACHE_SIZE = 32


class EmulatorState:
    """Thread-safe store. Public inspection helpers are the ``count_*``/``pages_in``/``get_*`` methods."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.workspace_id = new_id()
        self.workspace_name = "Emulated workspace"
        self.people: dict[str, dict[str, Any]] = {}
        self.integrations: dict[str, Integration] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.pages: dict[str, PageRecord] = {}
        self.databases: dict[str, DatabaseRecord] = {}
        self.data_sources: dict[str, DataSourceRecord] = {}
        self.blocks: dict[str, BlockRecord] = {}
        # Container id (page or block) -> ordered ids of child blocks, child pages and child databases.
        self.children: dict[str, list[str]] = {}
        self.file_uploads = FileUploadStore()
        self.comments = CommentStore()
        # Every write reports what changed here (the webhook sender listens; see change_signals.py).
        self.signals = ChangeSignals()
        self._seq = 0
        # Ordered query results (with their cursor index) per data source revision, filter, sorts and minute.
        self.query_cache: OrderedDict[tuple[Any, ...], AnchoredListing] = OrderedDict()

    # ------------------------------------------------------------------ users and integrations
    def add_person(
        self,
        name: str,
        email: str | None = None,
        *,
        user_id: str | None = None,
        avatar_url: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            uid = _require_id(user_id) if user_id else new_id()
            user = {"id": uid, "name": name, "avatar_url": avatar_url, "email": email}
            self.people[uid] = user
            return user

    def add_integration(
        self,
        name: str,
        token: str,
        *,
        capabilities: set[str] | None = None,
        integration_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
    ) -> Integration:
        from notion_emulator.records import ALL_CAPABILITIES

        with self.lock:
            iid = _require_id(integration_id) if integration_id else new_id()
            integration = Integration(
                id=iid,
                name=name,
                capabilities=set(ALL_CAPABILITIES if capabilities is None else capabilities),
                client_id=client_id,
                client_secret=client_secret,
                redirect_uris=list(redirect_uris or []),
            )
            self.integrations[iid] = integration
            self.tokens[token] = AccessToken(token=token, integration_id=iid)
            return integration

    def integration_for_token(self, token: str) -> Integration | None:
        with self.lock:
            record = self.tokens.get(token)
            if record is None or record.revoked:
                return None
            if record.expires_at is not None and record.expires_at <= utcnow():
                return None
            if record.kind == "oauth_refresh":
                return None
            return self.integrations.get(record.integration_id)

    def known_secrets(self) -> list[str]:
        """Every bearer token and client secret, so the request log can scrub them wherever they appear."""
        with self.lock:
            secrets = list(self.tokens)
            secrets.extend(i.client_secret for i in self.integrations.values() if i.client_secret)
            return secrets

    def user_map(self) -> dict[str, dict[str, Any]]:
        """Known users as Notion user objects (what ``people`` values expand to)."""
        users: dict[str, dict[str, Any]] = {}
        for uid, person in self.people.items():
            users[uid] = {
                "object": "user",
                "id": uid,
                "name": person["name"],
                "avatar_url": person.get("avatar_url"),
                "type": "person",
                "person": {"email": person["email"]} if person.get("email") else {},
            }
        for integration in self.integrations.values():
            users[integration.id] = {
                "object": "user",
                "id": integration.id,
                "name": integration.name,
                "avatar_url": None,
                "type": "bot",
                "bot": {},
            }
        return users

    def share(self, integration_id: str, object_id: str) -> None:
        with self.lock:
            self.integrations[integration_id].shared.add(object_id)

    # ------------------------------------------------------------------ tree and visibility
    def parent_of(self, object_id: str) -> str | None:
        if (page := self.pages.get(object_id)) is not None:
            return page.parent_id
        if (ds := self.data_sources.get(object_id)) is not None:
            return ds.database_id
        if (db := self.databases.get(object_id)) is not None:
            return db.parent_id
        if (block := self.blocks.get(object_id)) is not None:
            return block.parent_id
        return None

    def is_visible(self, integration: Integration, object_id: str) -> bool:
        current: str | None = object_id
        hops = 0
        while current is not None and hops < 1000:
            if current in integration.shared:
                return True
            current = self.parent_of(current)
            hops += 1
        return False

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _attach_child(self, container_id: str | None, child_id: str, *, index: int | None = None) -> None:
        if container_id is None:
            return
        siblings = self.children.setdefault(container_id, [])
        if index is None:
            siblings.append(child_id)
        else:
            siblings.insert(index, child_id)

    # ------------------------------------------------------------------ pages
    def create_page(
        self,
        *,
        parent_type: str,
        parent_id: str | None,
        properties_input: dict[str, Any],
        creator_id: str,
        icon: Any = None,
        cover: Any = None,
        created: datetime | None = None,
        page_id: str | None = None,
        validate: bool = True,
    ) -> PageRecord:
        with self.lock:
            moment = created or utcnow()
            pid = _require_id(page_id) if page_id else new_id()
            data_source = self.data_sources.get(parent_id or "") if parent_type == "data_source_id" else None
            if parent_type == "data_source_id" and data_source is None:
                raise NotionEmulatorError(404, "object_not_found", f"Could not find data_source {parent_id}.")
            if data_source is not None:
                values = props_model.build_property_values(
                    data_source.schema, properties_input, users=self.user_map()
                )
            else:
                values = dict(props_model.page_title_values(properties_input))
            user_ref = {"object": "user", "id": creator_id}
            row: dict[str, Any] = {
                "object": "page",
                "id": pid,
                "created_time": iso_minute(moment),
                "last_edited_time": iso_minute(moment),
                "created_by": user_ref,
                "last_edited_by": dict(user_ref),
                "properties": values,
            }
            page = PageRecord(
                id=pid,
                parent_type=parent_type,
                parent_id=parent_id,
                row=row,
                created=moment,
                last_edited=moment,
                icon=icon,
                cover=cover,
                seq=self._next_seq(),
            )
            if data_source is not None:
                self._complete_row_values(data_source, page, assign_unique_id=True)
                data_source.rows[pid] = page
                data_source.revision += 1
            else:
                self._attach_child(parent_id, pid)
            self.pages[pid] = page
            _ = validate
            self.signal_page("page.created", page, creator_id)
            return page

    def update_page_properties(
        self, page: PageRecord, properties_input: dict[str, Any], editor_id: str
    ) -> None:
        with self.lock:
            data_source = (
                self.data_sources.get(page.parent_id or "") if page.parent_type == "data_source_id" else None
            )
            if data_source is not None:
                updated = props_model.build_property_values(
                    data_source.schema, properties_input, existing=page.properties, users=self.user_map()
                )
            else:
                unknown = [name for name in properties_input if name != "title"]
                if unknown:
                    raise EmulatorValidationError(
                        f"{unknown[0]} is not a property that exists. Pages whose parent is a page only have "
                        "a title property."
                    )
                updated = dict(props_model.page_title_values(properties_input))
            merged = dict(page.properties)
            merged.update(updated)
            page.row["properties"] = merged
            self.touch_page(page, editor_id)
            changed = [merged[name].get("id", name) for name in updated if isinstance(merged.get(name), dict)]
            self.signal_page("page.properties_updated", page, editor_id, updated_properties=changed)

    def touch_page(self, page: PageRecord, editor_id: str) -> None:
        moment = utcnow()
        page.last_edited = moment
        page.row["last_edited_time"] = iso_minute(moment)
        page.row["last_edited_by"] = {"object": "user", "id": editor_id}
        if page.parent_type == "data_source_id" and (ds := self.data_sources.get(page.parent_id or "")):
            self._complete_row_values(ds, page, assign_unique_id=False)
            ds.revision += 1

    def set_page_trashed(self, page: PageRecord, in_trash: bool, editor_id: str) -> None:
        with self.lock:
            page.in_trash = in_trash
            page.row["in_trash"] = in_trash
            self.touch_page(page, editor_id)
            self.signal_page("page.deleted" if in_trash else "page.undeleted", page, editor_id)

    # ------------------------------------------------------------------ change signals (webhooks)
    def page_parent_ref(self, page: PageRecord) -> dict[str, Any]:
        """``data.parent`` of a page event: a row names its database and data source."""
        if page.parent_type == "data_source_id" and (ds := self.data_sources.get(page.parent_id or "")):
            return {"id": ds.database_id, "type": "database", "data_source_id": ds.id}
        if page.parent_type == "page_id":
            return {"id": page.parent_id, "type": "page"}
        if page.parent_type == "block_id":
            return {"id": page.parent_id, "type": "block"}
        return {"id": self.workspace_id, "type": "space"}

    def signal_page(self, event_type: str, page: PageRecord, author_id: str | None, **data: Any) -> None:
        self.signals.emit(
            ChangeSignal(
                event_type, page.id, "page", author_id, {"parent": self.page_parent_ref(page), **data}
            )
        )

    def page_of(self, object_id: str) -> PageRecord | None:
        """The page a block (or page) belongs to, walking up the parents (a bounded walk)."""
        current: str | None = object_id
        for _ in range(1000):
            if current is None:
                return None
            if current in self.pages:
                return self.pages[current]
            block = self.blocks.get(current)
            current = block.parent_id if block is not None else None
        return None

    def signal_content(self, container_id: str, author_id: str | None, block_ids: list[str]) -> None:
        """``page.content_updated`` for the page holding ``container_id`` (blocks added, edited or removed)."""
        page = self.page_of(container_id)
        if page is not None:
            blocks = [{"id": block_id, "type": "block"} for block_id in block_ids]
            self.signal_page("page.content_updated", page, author_id, updated_blocks=blocks)

    def _complete_row_values(self, ds: DataSourceRecord, page: PageRecord, *, assign_unique_id: bool) -> None:
        """Fill schema properties missing from the values and the ones Notion computes itself."""
        values = page.properties
        for name, spec in ds.schema.items():
            kind = spec["type"]
            if kind in _COMPUTED_TYPES:
                value: Any
                if kind == "created_time":
                    value = page.row["created_time"]
                elif kind == "last_edited_time":
                    value = page.row["last_edited_time"]
                elif kind == "created_by":
                    value = self._user_ref_full(page.row["created_by"]["id"])
                elif kind == "last_edited_by":
                    value = self._user_ref_full(page.row["last_edited_by"]["id"])
                else:
                    if not assign_unique_id and name in values:
                        continue
                    prefix = (spec.get("unique_id") or {}).get("prefix")
                    value = {"prefix": prefix, "number": ds.next_unique_id}
                    ds.next_unique_id += 1
                values[name] = {"id": spec["id"], "type": kind, kind: value}
            elif name not in values:
                if kind == "formula":
                    empty: Any = {"type": "string", "string": None}
                elif kind == "rollup":
                    empty = {"type": "array", "array": [], "function": "show_original"}
                else:
                    empty = _EMPTY_VALUES.get(kind)
                entry: dict[str, Any] = {"id": spec["id"], "type": kind, kind: empty}
                if kind == "relation":
                    entry["has_more"] = False
                values[name] = entry

    def _user_ref_full(self, user_id: str) -> dict[str, Any]:
        return {"object": "user", "id": user_id}

    def page_title(self, page: PageRecord) -> str:
        for value in page.properties.values():
            if value.get("type") == "title":
                return plain_text(value.get("title") or [])
        return ""

    # ------------------------------------------------------------------ databases and data sources
    def create_database(
        self,
        *,
        parent_type: str,
        parent_id: str | None,
        title_input: list[dict[str, Any]],
        schema_input: dict[str, Any] | None,
        creator_id: str,
        api_version: str,
        is_inline: bool = False,
        icon: Any = None,
        cover: Any = None,
        description_input: list[dict[str, Any]] | None = None,
        database_id: str | None = None,
        data_source_id: str | None = None,
    ) -> DatabaseRecord:
        with self.lock:
            moment = utcnow()
            title = expand_rich_text(title_input or [])
            schema = props_model.build_schema(
                schema_input if schema_input is not None else {"Name": {"title": {}}}, api_version=api_version
            )
            computed.finalize_schema(self, schema, self.workspace_id)
            db = DatabaseRecord(
                id=_require_id(database_id) if database_id else new_id(),
                parent_type=parent_type,
                parent_id=parent_id,
                title=title,
                created=moment,
                last_edited=moment,
                created_by=creator_id,
                last_edited_by=creator_id,
                description=expand_rich_text(description_input or []),
                is_inline=is_inline,
                icon=icon,
                cover=cover,
            )
            self.databases[db.id] = db
            self._attach_child(parent_id, db.id)
            ds = self._add_data_source_record(db, title, schema, creator_id, data_source_id=data_source_id)
            parent = {"id": parent_id, "type": "page" if parent_type == "page_id" else "space"}
            self.signals.emit(
                ChangeSignal("database.created", db.id, "database", creator_id, {"parent": parent})
            )
            self.signals.emit(
                ChangeSignal(
                    "data_source.created",
                    ds.id,
                    "data_source",
                    creator_id,
                    {"parent": {"id": db.id, "type": "database"}},
                )
            )
            return db

    def create_data_source(
        self,
        db: DatabaseRecord,
        *,
        title_input: list[dict[str, Any]] | None,
        schema_input: dict[str, Any],
        creator_id: str,
        api_version: str,
        icon: Any = None,
    ) -> DataSourceRecord:
        with self.lock:
            schema = props_model.build_schema(schema_input, api_version=api_version)
            computed.finalize_schema(self, schema, self.workspace_id)
            title = expand_rich_text(title_input or [])
            ds = self._add_data_source_record(db, title, schema, creator_id)
            ds.icon = icon
            return ds

    def _add_data_source_record(
        self,
        db: DatabaseRecord,
        title: list[dict[str, Any]],
        schema: dict[str, dict[str, Any]],
        creator_id: str,
        *,
        data_source_id: str | None = None,
    ) -> DataSourceRecord:
        moment = utcnow()
        ds = DataSourceRecord(
            id=_require_id(data_source_id) if data_source_id else new_id(),
            database_id=db.id,
            title=[dict(item) for item in title],
            schema=schema,
            created=moment,
            last_edited=moment,
            created_by=creator_id,
            last_edited_by=creator_id,
        )
        self.data_sources[ds.id] = ds
        db.data_source_ids.append(ds.id)
        return ds

    def update_schema(self, ds: DataSourceRecord, properties_input: dict[str, Any], api_version: str) -> None:
        """Apply a PATCH ``properties`` value (add, rename, reconfigure, ``null`` removes) and re-key rows."""
        with self.lock:
            schema = props_model.update_schema(ds.schema, properties_input, api_version=api_version)
            computed.finalize_schema(self, schema, self.workspace_id)
            ds.schema = schema
            ds.last_edited = utcnow()
            names_by_id = {spec["id"]: name for name, spec in schema.items()}
            for page in ds.rows.values():
                kept = {}
                for value in page.properties.values():
                    name = names_by_id.get(value.get("id", ""))
                    if name is not None and schema[name]["type"] == value.get("type"):
                        kept[name] = value
                page.row["properties"] = kept
                self._complete_row_values(ds, page, assign_unique_id=False)
            ds.revision += 1
            self.signals.emit(
                ChangeSignal(
                    "data_source.schema_updated",
                    ds.id,
                    "data_source",
                    None,
                    {"parent": {"id": ds.database_id, "type": "database"}},
                )
            )

    def single_data_source(self, db: DatabaseRecord) -> DataSourceRecord | None:
        live = [ds for ds in (self.data_sources[i] for i in db.data_source_ids) if not ds.in_trash]
        return live[0] if len(live) == 1 else None

    # ------------------------------------------------------------------ blocks
    def add_block(
        self,
        *,
        parent_type: str,
        parent_id: str,
        block_type: str,
        content: dict[str, Any],
        creator_id: str,
        index: int | None = None,
    ) -> BlockRecord:
        with self.lock:
            moment = utcnow()
            block = BlockRecord(
                id=new_id(),
                parent_type=parent_type,
                parent_id=parent_id,
                type=block_type,
                content=content,
                created=moment,
                last_edited=moment,
                created_by=creator_id,
                last_edited_by=creator_id,
            )
            self.blocks[block.id] = block
            self._attach_child(parent_id, block.id, index=index)
            self.signal_content(parent_id, creator_id, [block.id])
            return block

    def live_children(self, container_id: str) -> list[str]:
        return [cid for cid in self.children.get(container_id, []) if not self.is_trashed(cid)]

    def is_trashed(self, object_id: str) -> bool:
        record = self.pages.get(object_id) or self.databases.get(object_id) or self.blocks.get(object_id)
        return bool(record is not None and record.in_trash)

    # ------------------------------------------------------------------ inspection API for tests
    def count_pages(
        self, *, title: str | None = None, parent_id: str | None = None, include_trashed: bool = False
    ) -> int:
        return len(self.find_pages(title=title, parent_id=parent_id, include_trashed=include_trashed))

    def find_pages(
        self, *, title: str | None = None, parent_id: str | None = None, include_trashed: bool = False
    ) -> list[dict[str, Any]]:
        """Rows (response-shaped dicts) of pages matching an exact title and/or parent id (page, data source or
        database id)."""
        with self.lock:
            wanted_parent = normalize_id(parent_id) if parent_id else None
            parents: set[str] | None = None
            if wanted_parent is not None:
                parents = {wanted_parent}
                if (db := self.databases.get(wanted_parent)) is not None:
                    parents.update(db.data_source_ids)
            found = []
            for page in self.pages.values():
                if page.in_trash and not include_trashed:
                    continue
                if parents is not None and page.parent_id not in parents:
                    continue
                if title is not None and self.page_title(page) != title:
                    continue
                found.append(self._row_copy(page))
            return found

    def pages_in(
        self, data_source_or_database_id: str, *, include_trashed: bool = False
    ) -> list[dict[str, Any]]:
        """Rows of a data source (or of every data source of a database), in creation order."""
        with self.lock:
            object_id = _require_id(data_source_or_database_id)
            if (db := self.databases.get(object_id)) is not None:
                sources = [self.data_sources[i] for i in db.data_source_ids]
            elif (ds := self.data_sources.get(object_id)) is not None:
                sources = [ds]
            else:
                raise KeyError(f"no database or data source {object_id}")
            return [
                self._row_copy(page)
                for source in sources
                for page in source.rows.values()
                if include_trashed or not page.in_trash
            ]

    def get_page(self, page_id: str) -> dict[str, Any] | None:
        with self.lock:
            page = self.pages.get(_require_id(page_id))
            return self._row_copy(page) if page else None

    def block_children_of(self, container_id: str) -> list[dict[str, Any]]:
        """Child blocks (type and content) of a page or block, in order, trashed ones left out."""
        with self.lock:
            result = []
            for cid in self.live_children(_require_id(container_id)):
                if (block := self.blocks.get(cid)) is not None:
                    result.append({"id": block.id, "type": block.type, block.type: block.content})
                elif cid in self.pages:
                    result.append({"id": cid, "type": "child_page"})
                elif cid in self.databases:
                    result.append({"id": cid, "type": "child_database"})
            return result

    def _row_copy(self, page: PageRecord) -> dict[str, Any]:
        """A page row for the inspection API, formula and rollup values computed as a read would."""
        computed.refresh_page(self, page)
        return _copy_row(page)

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "pages": sum(1 for p in self.pages.values() if not p.in_trash),
                "databases": len(self.databases),
                "data_sources": len(self.data_sources),
                "blocks": sum(1 for b in self.blocks.values() if not b.in_trash),
                "users": len(self.people) + len(self.integrations),
            }

    def iter_live_pages(self) -> Iterator[PageRecord]:
        return (page for page in self.pages.values() if not page.in_trash)

    def user_lookup(self) -> Mapping[str, dict[str, Any]]:
        return self.user_map()


def _copy_row(page: PageRecord) -> dict[str, Any]:
    row = dict(page.row)
    row["properties"] = dict(page.properties)
    row["in_trash"] = page.in_trash
    row["parent"] = {"type": page.parent_type, page.parent_type: page.parent_id}
    return row


def _require_id(raw: str) -> str:
    normalized = normalize_id(raw)
    if normalized is None:
        raise ValueError(f"not a Notion id: {raw!r}")
    return normalized
