"""The diff of a sync: which rows to create, update or trash, decided before any write (no I/O here).

Rows are matched by a key column. Keys are compared in normal form (a number key ``1`` matches ``1.0``, a
select key by option name). Every check that can fail a sync (duplicate keys in the source or in Notion,
rows without a key, too many rows to trash, rows that could never be created) fails here, so a sync that
starts writing has nothing left to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.rules.values.from_notion import body_of, plain_text, same_value

KEY_TYPES = (
    "title",
    "rich_text",
    "number",
    "url",
    "email",
    "phone_number",
    "select",
    "status",
    "unique_id",
)
#: How many keys an error message lists.
MAX_KEYS_SHOWN = 20
_UNIQUE_ID = re.compile(r"^(?:[A-Za-z0-9]+-)?(\d+)$")

Key = str | int | float
Action = Literal["create", "update", "trash"]


class NotionSyncError(NotionError):
    """A sync cannot (or did not completely) bring the database in line with the source.

    ``result`` holds the counts of what was done before it stopped (empty when nothing was written).
    """

    def __init__(self, message: str, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = dict(result or {})


def show_key(key: Key) -> str:
    """A key as people wrote it: ``7``, not ``7.0``."""
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def list_keys(keys: Iterable[Key]) -> str:
    shown = sorted({show_key(k) for k in keys})
    text = ", ".join(repr(k) for k in shown[:MAX_KEYS_SHOWN])
    return text + (f" and {len(shown) - MAX_KEYS_SHOWN} more" if len(shown) > MAX_KEYS_SHOWN else "")


def check_key_type(key: str, schema: Mapping[str, Any]) -> str:
    """The key column's property type; an error unless it is one a row can be identified by."""
    prop = schema.get(key)
    if not isinstance(prop, Mapping):
        raise NotionInputError(
            "key", f"{key!r} is not a property of the database (it has: {', '.join(sorted(schema))})"
        )
    key_type = str(prop.get("type"))
    if key_type not in KEY_TYPES:
        raise NotionInputError(
            "key", f"a {key_type} property cannot identify a row; use one of {', '.join(KEY_TYPES)}"
        )
    return key_type


def key_of(key_type: str, value: Any) -> Key | None:
    """A row's key in normal form from its property value (``None``: the row has no key)."""
    body = body_of(key_type, value)
    if key_type in ("title", "rich_text"):
        return plain_text(body) or None
    if key_type == "number":
        return None if body is None else float(body)
    if key_type in ("select", "status"):
        return str(body["name"]) if isinstance(body, Mapping) and body.get("name") else None
    if key_type == "unique_id":
        number = body.get("number") if isinstance(body, Mapping) else None
        return int(number) if isinstance(number, int | float) else None
    return str(body) if body else None


def unique_id_key(value: Any, where: str) -> int:
    """A source row's ``unique_id`` key: ``12`` or ``"TASK-12"`` (the prefix is not compared)."""
    if isinstance(value, Mapping):
        found = key_of("unique_id", value)
        if found is not None:
            return int(found)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _UNIQUE_ID.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise NotionInputError(where, f"{value!r} is not a unique ID (a number, or PREFIX-number)")
    return int(match.group(1))


@dataclass
class Write:
    """One planned request."""

    action: Action
    key: Key
    page_id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """For a dry run's sample: the action, key, page and the columns it would write."""
        found: dict[str, Any] = {"action": self.action, "key": show_key(self.key)}
        if self.page_id:
            found["page_id"] = self.page_id
        if self.properties:
            found["properties"] = sorted(self.properties)
        return found


@dataclass
class SyncPlan:
    """What a sync will do; ``writes`` in order: creates, then updates, then trashes."""

    creates: list[Write] = field(default_factory=list)
    updates: list[Write] = field(default_factory=list)
    trashes: list[Write] = field(default_factory=list)
    unchanged: int = 0
    existing: int = 0
    without_key: int = 0

    @property
    def writes(self) -> list[Write]:
        return [*self.creates, *self.updates, *self.trashes]


def existing_rows(
    pages: Iterable[Mapping[str, Any]], key: str, key_type: str
) -> tuple[dict[Key, Mapping[str, Any]], int]:
    """Notion's rows by key, and how many rows have no key; two rows with one key are an error."""
    by_key: dict[Key, Mapping[str, Any]] = {}
    duplicates: set[Key] = set()
    without_key = 0
    for page in pages:
        found = key_of(key_type, (page.get("properties") or {}).get(key))
        if found is None:
            without_key += 1
        elif found in by_key:
            duplicates.add(found)
        else:
            by_key[found] = page
    if duplicates:
        raise NotionSyncError(
            f"{len(duplicates)} keys of {key!r} are used by more than one row of the database: "
            f"{list_keys(duplicates)}. Nothing was written. Remove or merge the duplicate rows in Notion, "
            "then run the sync again."
        )
    return by_key, without_key


def plan_sync(
    schema: Mapping[str, Any],
    key: str,
    key_type: str,
    rows: Iterable[tuple[Key, dict[str, Any]]],
    pages: Iterable[Mapping[str, Any]],
    *,
    delete_missing: bool = False,
    max_delete_fraction: float = 0.5,
) -> SyncPlan:
    """Compare the source's ``(key, property values)`` with Notion's rows and plan the writes.

    Only the properties whose values differ from Notion's (in normal form) are written in an update.
    """
    by_key, without_key = existing_rows(pages, key, key_type)
    plan = SyncPlan(existing=len(by_key) + without_key, without_key=without_key)
    seen: set[Key] = set()
    missing_unique_ids: list[Key] = []
    for row_key, values in rows:
        seen.add(row_key)
        page = by_key.get(row_key)
        if page is None:
            if key_type == "unique_id":
                missing_unique_ids.append(row_key)
            plan.creates.append(Write("create", row_key, properties=values))
            continue
        current = page.get("properties") or {}
        changed = {
            name: value
            for name, value in values.items()
            if name not in current or not same_value(_type(schema, name), value, current[name])
        }
        if changed:
            plan.updates.append(Write("update", row_key, str(page["id"]), changed))
        else:
            plan.unchanged += 1
    if missing_unique_ids:
        raise NotionSyncError(
            f"{len(missing_unique_ids)} rows have a {key!r} (unique ID) that no row of the database has: "
            f"{list_keys(missing_unique_ids)}. Notion assigns unique IDs itself, so these rows cannot be "
            "created. Nothing was written."
        )
    if delete_missing:
        plan.trashes = [Write("trash", k, str(p["id"])) for k, p in by_key.items() if k not in seen]
        if by_key and len(plan.trashes) / len(by_key) > max_delete_fraction:
            raise NotionSyncError(
                f"delete_missing would trash {len(plan.trashes)} of the database's {len(by_key)} rows, more "
                f"than max_delete_fraction={max_delete_fraction:g}. Nothing was written. If the source really "
                "lost that many rows, raise max_delete_fraction for this run."
            )
    return plan


def _type(schema: Mapping[str, Any], name: str) -> str:
    prop = schema.get(name)
    return str(prop.get("type")) if isinstance(prop, Mapping) else ""
