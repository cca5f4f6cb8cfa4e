"""Seed files: the initial world of an emulator, as JSON.

Format (every key optional; ids are UUIDs, dashes optional)::

    {
      "workspace": {"id": "…", "name": "Airflow demo workspace"},
      "people": [{"id": "…", "name": "Ada Lovelace", "email": "ada@example.com", "avatar_url": null}],
      "integrations": [{
          "id": "…",                 # also the bot user's id
          "name": "Airflow",
          "token": "ntn_…",          # bearer token of the internal integration
          "capabilities": ["read_content", "update_content", "insert_content",
                           "read_user_information_with_email", …],   # default: all
          "client_id": null, "client_secret": null, "redirect_uris": [],  # for public (OAuth) integrations
          "shared": ["<page or database id>", …]   # what the integration can see (and its descendants)
      }],
      "pages": [{"id": "…", "title": "Airflow demo", "parent": {"page_id": "…"} | {"workspace": true}}],
      "databases": [{
          "id": "…", "data_source_id": "…", "title": "Tasks", "parent": {"page_id": "…"},
          "properties": {"Name": {"title": {}}, "Done": {"checkbox": {}}},   # create-database schema input
          "rows": [{"properties": {"Name": {"title": [{"text": {"content": "First"}}]}}}]
      }]
    }

The first integration is the default one (``NotionEmulator.token``). Pages and databases are created in file
order, so parents must come first. ``seed="demo"`` loads ``seeds/demo.json`` shipped with the package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from notion_emulator.state import EmulatorState
from notion_emulator.util import LATEST_VERSION, normalize_id

SEEDS_DIR = Path(__file__).parent / "seeds"

DEFAULT_SEED: dict[str, Any] = {
    "workspace": {"id": "7f0c2a8e-1d1b-4c1e-9a53-5f7c0e6a0001", "name": "Emulated workspace"},
    "people": [
        {"id": "a0000000-0000-4000-8000-000000000001", "name": "Test Person", "email": "person@example.com"}
    ],
    "integrations": [
        {
            "id": "b0000000-0000-4000-8000-000000000001",
            "name": "Notion emulator",
            "token": "ntn_emulator_default_token_0000000000000000",
            "shared": ["c0000000-0000-4000-8000-000000000001"],
        }
    ],
    "pages": [
        {
            "id": "c0000000-0000-4000-8000-000000000001",
            "title": "Emulator root",
            "parent": {"workspace": True},
        }
    ],
}


def load_seed(seed: str | Path | dict[str, Any] | None) -> dict[str, Any]:
    if seed is None:
        return DEFAULT_SEED
    if isinstance(seed, dict):
        return seed
    path = Path(seed)
    if isinstance(seed, str) and not path.suffix and (SEEDS_DIR / f"{seed}.json").exists():
        path = SEEDS_DIR / f"{seed}.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _parent(spec: dict[str, Any] | None) -> tuple[str, str | None]:
    if not spec or spec.get("workspace"):
        return "workspace", None
    for kind in ("page_id", "data_source_id", "block_id"):
        if kind in spec:
            return kind, normalize_id(str(spec[kind]))
    raise ValueError(f"seed: unsupported parent {spec!r}")


def build_state(seed: dict[str, Any]) -> tuple[EmulatorState, str | None]:
    """Return the state and the default integration's token."""
    state = EmulatorState()
    workspace = seed.get("workspace") or {}
    if workspace.get("id"):
        state.workspace_id = normalize_id(workspace["id"]) or state.workspace_id
    state.workspace_name = workspace.get("name", state.workspace_name)
    for person in seed.get("people", []):
        state.add_person(
            person["name"], person.get("email"), user_id=person.get("id"), avatar_url=person.get("avatar_url")
        )
    default_token: str | None = None
    shares: list[tuple[str, list[str]]] = []
    for spec in seed.get("integrations", []):
        caps = spec.get("capabilities")
        integration = state.add_integration(
            spec["name"],
            spec["token"],
            capabilities=set(caps) if caps is not None else None,
            integration_id=spec.get("id"),
            client_id=spec.get("client_id"),
            client_secret=spec.get("client_secret"),
            redirect_uris=spec.get("redirect_uris"),
        )
        default_token = default_token or spec["token"]
        shares.append((integration.id, spec.get("shared", [])))
    creator = next(iter(state.people), None) or next(iter(state.integrations), "")
    for page in seed.get("pages", []):
        kind, parent_id = _parent(page.get("parent"))
        title = page.get("title", "")
        state.create_page(
            parent_type=kind,
            parent_id=parent_id,
            # An untitled page has an empty title array in Notion, not one empty text item.
            properties_input={"title": ([{"type": "text", "text": {"content": title}}] if title else [])},
            creator_id=creator,
            page_id=page.get("id"),
            icon=page.get("icon"),
        )
    for db_spec in seed.get("databases", []):
        kind, parent_id = _parent(db_spec.get("parent"))
        db = state.create_database(
            parent_type=kind,
            parent_id=parent_id,
            title_input=[{"type": "text", "text": {"content": db_spec.get("title", "")}}],
            schema_input=db_spec.get("properties"),
            creator_id=creator,
            api_version=LATEST_VERSION,
            database_id=db_spec.get("id"),
            data_source_id=db_spec.get("data_source_id"),
            is_inline=bool(db_spec.get("is_inline", False)),
        )
        for row in db_spec.get("rows", []):
            state.create_page(
                parent_type="data_source_id",
                parent_id=db.data_source_ids[0],
                properties_input=row.get("properties", {}),
                creator_id=creator,
            )
    for integration_id, shared in shares:
        for object_id in shared:
            normalized = normalize_id(object_id)
            if normalized is None:
                raise ValueError(f"seed: shared id {object_id!r} is not a UUID")
            state.share(integration_id, normalized)
    return state, default_token
