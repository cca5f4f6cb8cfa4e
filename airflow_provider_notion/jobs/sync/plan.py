"""The diff of a sync: which rows to create, update or trash, decided before any write (no I/O here).

Rows are matched by a key column. Keys are compared in normal form (:mod:`airflow_provider_notion.rules.keys`,
shared with the upsert: a number key ``1`` matches ``1.0``, a select key by option name). Every check that can
fail a sync (duplicate keys in the source or in Notion, rows without a key, too many rows to trash, rows that
could never be created) fails here, so a sync that starts writing has nothing left to refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from airflow_provider_notion.exceptions import NotionSyncError
from airflow_provider_notion.rules.keys import Key, key_of
from airflow_provider_notion.rules.values.from_notion import same_value

#: How many keys an error message lists.
MAX_KEYS_SHOWN = 20

Action = Literal["create", "update", "trash"]


def show_key(key: Key) -> str:
    """A key as people wrote it: ``7``, not ``7.0``."""
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def list_keys(keys: Iterable[Key]) -> str:
    shown = sorted({show_key(k) for k in keys})
    text = ", ".join(repr(k) for k in shown[:MAX_KEYS_SHOWN])
    return text + (f" and {len(shown) - MAX_KEYS_SHOWN} more" if len(shown) > MAX_KEYS_SHOWN else "")


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
