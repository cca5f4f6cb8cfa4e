"""The requests one notification makes, written once for the worker (sync) and the triggerer (async).

A flow is a generator: it yields each :class:`Send` and receives Notion's parsed answer, so the same steps run
on the hook's request core (:func:`run_sync`) and on :class:`~airflow_provider_notion.client.aio.AsyncNotionClient`
(:func:`run_async`). The rules it applies live in ``rules/``: ids, the Notion-Version's query path, plain values
mapped by the schema (the sync and update operators' converter), size limits and the upsert key's match value.

Database mode, per notification: read the database (and its single data source), query for the row whose key
property equals this notification's key value, then update that row and append the body to it, or create it
with the body. Page mode: append the body to a page, or create a child page holding it.

Every write is sent once: the request core never repeats a create or an update whose answer was lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.keys import check_key_type, key_filter, key_of
from airflow_provider_notion.rules.payloads import MAX_CHILDREN_PER_REQUEST, property_values, rich_text
from airflow_provider_notion.rules.targets import choose_target, needs_data_sources
from airflow_provider_notion.rules.values.to_notion import to_property_values
from airflow_provider_notion.rules.versions import NotionVersion


@dataclass(frozen=True)
class Send:
    """One request of a flow."""

    method: str
    path: str
    json: dict[str, Any] | None = None


@dataclass
class Outcome:
    """What a flow did: the page written, and whether it was created (``False``: an existing row was updated)."""

    page_id: str
    created: bool
    url: str | None = None
    notes: list[str] = field(default_factory=list)


Flow = Generator[Send, Any, Outcome]


@dataclass(frozen=True)
class Entry:
    """One rendered notification: plain property values, the key property (``None``: the title) and its body."""

    properties: Mapping[str, Any]
    blocks: list[dict[str, Any]]
    key: str | None
    default_title: str


def title_property(schema: Mapping[str, Any]) -> str:
    """The name of the database's title property (every database has exactly one)."""
    for name, spec in schema.items():
        if isinstance(spec, Mapping) and spec.get("type") == "title":
            return str(name)
    raise NotionInputError("key", "the database has no title property; name the key property with key=...")


def database_flow(database_id: str, entry: Entry, version: NotionVersion) -> Flow:
    """Update the row whose ``key`` equals this entry's (appending the body), or create it."""
    database_id = normalize_notion_id(database_id, "database_id")
    database = yield Send("GET", f"/databases/{database_id}")
    # The one rule for where a database's rows live (its single data source under data-source versions).
    if needs_data_sources(version, database_id, None):
        target = choose_target(version, database_id=database_id, sources=database.get("data_sources") or [])
        source = yield Send("GET", f"/data_sources/{target.data_source_id}")
        schema = dict(source.get("properties") or {})
    else:
        target = choose_target(version, database_id=database_id)
        schema = dict(database.get("properties") or {})
    parent, query_path = target.parent, target.query_path

    key = entry.key or title_property(schema)
    key_type = check_key_type(key, schema, "key")
    values = dict(entry.properties)
    if values.get(key) in (None, ""):
        if entry.key is not None:
            raise NotionInputError("key", f"properties has no value for the key property {key!r}")
        values[key] = entry.default_title
    props = property_values(to_property_values(schema, values, field="properties"))
    match = key_of(key_type, props[key])
    if match is None:
        raise NotionInputError("key", f"the value of the key property {key!r} is empty")
    found = yield Send(
        "POST",
        query_path,
        {
            "filter": key_filter(key, key_type, match),
            # Oldest first: if two rows share a key (two notifications raced), every later one updates the same.
            "sorts": [{"timestamp": "created_time", "direction": "ascending"}],
            "page_size": 2,
        },
    )
    rows = list(found.get("results") or [])
    notes = []
    if len(rows) > 1:
        notes.append(f"{key} = {match!r} matches more than one row; the oldest was updated")
    if rows:
        page_id = str(rows[0]["id"])
        page = yield Send("PATCH", f"/pages/{page_id}", {"properties": props})
        if entry.blocks:
            yield Send("PATCH", f"/blocks/{page_id}/children", {"children": entry.blocks})
        return Outcome(page_id, created=False, url=page.get("url"), notes=notes)
    body: dict[str, Any] = {"parent": dict(parent), "properties": props}
    if entry.blocks:
        body["children"] = entry.blocks[:MAX_CHILDREN_PER_REQUEST]
    page = yield Send("POST", "/pages", body)
    return Outcome(str(page["id"]), created=True, url=page.get("url"), notes=notes)


def page_flow(parent_page_id: str, entry: Entry, *, child_page: bool) -> Flow:
    """Append the body to a page, or (``child_page``) create a page under it titled with the entry's title."""
    page_id = normalize_notion_id(parent_page_id, "parent_page_id")
    if not child_page:
        yield Send("PATCH", f"/blocks/{page_id}/children", {"children": entry.blocks})
        return Outcome(page_id, created=False)
    title = entry.properties.get("title") or entry.default_title
    body: dict[str, Any] = {
        "parent": {"type": "page_id", "page_id": page_id},
        "properties": {"title": {"title": rich_text(str(title), "properties.title")}},
    }
    if entry.blocks:
        body["children"] = entry.blocks[:MAX_CHILDREN_PER_REQUEST]
    page = yield Send("POST", "/pages", body)
    return Outcome(str(page["id"]), created=True, url=page.get("url"))


def run_sync(flow: Flow, send: Callable[[Send], Any]) -> Outcome:
    """Drive ``flow`` with a blocking sender (the hook's request core)."""
    answer: Any = None
    try:
        while True:
            answer = send(flow.send(answer))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]  # the generator's return value


async def run_async(flow: Flow, send: Callable[[Send], Awaitable[Any]]) -> Outcome:
    """Drive ``flow`` with an async sender (the triggerer's request core), never blocking the event loop."""
    answer: Any = None
    try:
        while True:
            answer = await send(flow.send(answer))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
