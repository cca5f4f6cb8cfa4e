"""2026-03-11 shapes. Nothing was recorded with this version, so these tests pin the documented differences
from 2025-09-03 (see the README): ``archived`` is gone everywhere (``in_trash`` only), and block appends take
``position`` instead of ``after``."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import V2, V3, Api, make_database, title
from notion_emulator import NotionEmulator


def keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_anywhere(v)}
    return set()


def paragraph(text: str) -> dict[str, Any]:
    return {"paragraph": {"rich_text": title(text)}}


def texts(api: Api, block_id: str) -> list[str]:
    children = api.ok("GET", f"/v1/blocks/{block_id}/children")["results"]
    return [c["paragraph"]["rich_text"][0]["plain_text"] for c in children if c["type"] == "paragraph"]


@pytest.fixture
def page(api: Api, emu: NotionEmulator) -> dict[str, Any]:
    return api.ok(
        "POST",
        "/v1/pages",
        {"parent": {"page_id": emu.root_page_id}, "properties": {"title": title("Versioned")}},
    )


def every_object_kind(api: Api, parent_id: str) -> list[dict[str, Any]]:
    """One answer of each object kind the emulator serves, under ``api.version``."""
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"page_id": parent_id}, "properties": {"title": title("P")}}
    )
    db = make_database(api, page["id"])
    ds_id = db["data_sources"][0]["id"]
    row = api.ok(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds_id}, "properties": {"Name": title("r")}}
    )
    appended = api.ok("PATCH", f"/v1/blocks/{page['id']}/children", {"children": [paragraph("x")]})
    upload = api.ok("POST", "/v1/file_uploads", {"filename": "a.txt"})
    return [
        page,
        api.ok("GET", f"/v1/pages/{page['id']}"),
        api.ok("PATCH", f"/v1/pages/{page['id']}", {"icon": {"type": "emoji", "emoji": "🛴"}}),
        db,
        api.ok("GET", f"/v1/databases/{db['id']}"),
        api.ok("GET", f"/v1/data_sources/{ds_id}"),
        api.ok("POST", f"/v1/data_sources/{ds_id}/query", {}),
        row,
        appended,
        api.ok("GET", f"/v1/blocks/{page['id']}/children"),
        api.ok("GET", f"/v1/blocks/{appended['results'][0]['id']}"),
        api.ok("DELETE", f"/v1/blocks/{appended['results'][0]['id']}"),
        api.ok("POST", "/v1/search", {}),
        upload,
        api.ok("GET", "/v1/file_uploads"),
    ]


def test_2026_answers_have_in_trash_and_never_archived(api: Api, emu: NotionEmulator) -> None:
    answers = every_object_kind(api, emu.root_page_id)
    for answer in answers:
        assert "archived" not in keys_anywhere(answer), answer
    objects = [a for a in answers if a["object"] != "list"]
    assert all("in_trash" in obj for obj in objects)


def test_2025_answers_still_carry_archived_next_to_in_trash(api: Api, emu: NotionEmulator) -> None:
    api.version = V2
    answers = every_object_kind(api, emu.root_page_id)
    objects = [a for a in answers if a["object"] != "list"]
    assert all({"archived", "in_trash"} <= set(obj) for obj in objects)


def test_2026_refuses_archived_and_trashes_with_in_trash(api: Api, page: dict[str, Any]) -> None:
    response = api.call("PATCH", f"/v1/pages/{page['id']}", {"archived": True})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "in_trash" in response.json()["message"]
    assert api.ok("GET", f"/v1/pages/{page['id']}")["in_trash"] is False
    trashed = api.ok("PATCH", f"/v1/pages/{page['id']}", {"in_trash": True})
    assert trashed["in_trash"] is True
    assert "archived" not in trashed


def test_2025_still_accepts_archived(api: Api, page: dict[str, Any]) -> None:
    archived = api.ok("PATCH", f"/v1/pages/{page['id']}", {"archived": True}, version=V2)
    assert (archived["archived"], archived["in_trash"]) == (True, True)


def test_2026_append_places_children_by_position(api: Api, page: dict[str, Any]) -> None:
    pid = page["id"]
    first = api.ok("PATCH", f"/v1/blocks/{pid}/children", {"children": [paragraph("b")]})["results"][0]
    api.ok("PATCH", f"/v1/blocks/{pid}/children", {"children": [paragraph("d")], "position": {"type": "end"}})
    api.ok(
        "PATCH", f"/v1/blocks/{pid}/children", {"children": [paragraph("a")], "position": {"type": "start"}}
    )
    api.ok(
        "PATCH",
        f"/v1/blocks/{pid}/children",
        {
            "children": [paragraph("c")],
            "position": {"type": "after_block", "after_block": {"id": first["id"]}},
        },
    )
    assert texts(api, pid) == ["a", "b", "c", "d"]


def test_2026_refuses_after_and_2025_refuses_position(api: Api, page: dict[str, Any]) -> None:
    pid = page["id"]
    first = api.ok("PATCH", f"/v1/blocks/{pid}/children", {"children": [paragraph("a")]})["results"][0]
    refused = api.call(
        "PATCH", f"/v1/blocks/{pid}/children", {"children": [paragraph("x")], "after": first["id"]}
    )
    assert refused.status_code == 400
    assert "position" in refused.json()["message"]
    refused = api.call(
        "PATCH",
        f"/v1/blocks/{pid}/children",
        {"children": [paragraph("x")], "position": {"type": "start"}},
        version=V2,
    )
    assert refused.status_code == 400
    assert "after" in refused.json()["message"]
    api.ok(
        "PATCH",
        f"/v1/blocks/{pid}/children",
        {"children": [paragraph("b")], "after": first["id"]},
        version=V2,
    )
    assert texts(api, pid) == ["a", "b"]


def test_2026_position_type_is_validated(api: Api, page: dict[str, Any]) -> None:
    response = api.call(
        "PATCH",
        f"/v1/blocks/{page['id']}/children",
        {"children": [paragraph("x")], "position": {"type": "middle"}},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert api.version == V3
