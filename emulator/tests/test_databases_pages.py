"""Databases, data sources and pages across the three API versions."""

from __future__ import annotations

from urllib.parse import quote

from emulator_support import V1, V2, Api, make_database, title
from notion_emulator import NotionEmulator

PAGE_KEYS_V2 = [
    "object", "id", "created_time", "last_edited_time", "created_by", "last_edited_by", "cover", "icon", "parent",
    "in_trash", "is_archived", "is_locked", "properties", "url", "public_url", "archived", "request_id",
]  # fmt: skip


def test_create_database_2022_has_schema_and_rows_have_database_parent(api: Api) -> None:
    api.version = V1
    db = make_database(api, api.emulator.root_page_id)
    assert db["object"] == "database"
    assert "data_sources" not in db
    assert db["properties"]["Name"] == {"id": "title", "name": "Name", "type": "title", "title": {}}
    assert db["archived"] is False
    assert db["in_trash"] is False
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"database_id": db["id"]}, "properties": {"Name": title("r")}}
    )
    assert page["parent"] == {"type": "database_id", "database_id": db["id"]}
    assert page["properties"]["Count"] == {
        "id": db["properties"]["Count"]["id"],
        "type": "number",
        "number": None,
    }
    fetched = api.ok("GET", f"/v1/databases/{db['id']}")
    assert fetched["properties"].keys() == db["properties"].keys()


def test_create_database_2025_has_data_sources(api: Api) -> None:
    api.version = V2
    db = make_database(api, api.emulator.root_page_id, "Board")
    assert "properties" not in db
    assert [ds["name"] for ds in db["data_sources"]] == ["Board"]
    assert db["archived"] is False
    assert db["is_locked"] is False
    ds = api.ok("GET", f"/v1/data_sources/{db['data_sources'][0]['id']}")
    assert ds["object"] == "data_source"
    assert ds["parent"] == {"type": "database_id", "database_id": db["id"]}
    assert ds["database_parent"] == {"type": "page_id", "page_id": api.emulator.root_page_id}
    assert set(ds["properties"]) == {"Name", "Count", "Tag"}
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds["id"]}, "properties": {"Name": title("row")}}
    )
    assert page["parent"] == {"type": "data_source_id", "data_source_id": ds["id"], "database_id": db["id"]}
    assert list(page) == PAGE_KEYS_V2


def test_database_without_initial_data_source_still_gets_one(api: Api) -> None:
    db = api.ok(
        "POST", "/v1/databases", {"parent": {"page_id": api.emulator.root_page_id}, "title": title("X")}
    )
    assert len(db["data_sources"]) == 1
    assert "archived" not in db  # 2026-03-11


def test_2022_refuses_multi_source_databases(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    extra = api.ok(
        "POST",
        "/v1/data_sources",
        {
            "parent": {"database_id": db["id"]},
            "properties": {"Title": {"title": {}}},
            "title": title("Second"),
        },
    )
    assert extra["title"][0]["plain_text"] == "Second"
    response = api.call("GET", f"/v1/databases/{db['id']}", version=V1)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["additional_data"] == {
        "error_type": "multiple_data_sources_for_database",
        "database_id": db["id"],
        "child_data_source_ids": [db["data_sources"][0]["id"], extra["id"]],
        "minimum_api_version": "2025-09-03",
    }
    assert api.call("POST", f"/v1/databases/{db['id']}/query", {}, version=V1).status_code == 400
    create = api.call("POST", "/v1/pages", {"parent": {"database_id": db["id"]}, "properties": {}})
    assert create.json()["additional_data"]["error_type"] == "multiple_data_sources_for_database"


def test_update_database_and_data_source(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    updated = api.ok("PATCH", f"/v1/databases/{db['id']}", {"title": title("Renamed")})
    assert updated["title"][0]["plain_text"] == "Renamed"
    ds = api.ok("PATCH", f"/v1/data_sources/{ds_id}", {"properties": {"Done": {"checkbox": {}}, "Tag": None}})
    assert set(ds["properties"]) == {"Name", "Count", "Done"}
    v1 = api.ok(
        "PATCH", f"/v1/databases/{db['id']}", {"properties": {"Extra": {"rich_text": {}}}}, version=V1
    )
    assert "Extra" in v1["properties"]
    trashed = api.ok("PATCH", f"/v1/data_sources/{ds_id}", {"archived": True}, version=V2)
    assert trashed["in_trash"] is True
    assert trashed["archived"] is True


def test_pages_parents_update_and_trash(api: Api) -> None:
    root = api.emulator.root_page_id
    child = api.ok(
        "POST", "/v1/pages", {"parent": {"page_id": root}, "properties": {"title": title("Child")}}
    )
    assert child["parent"] == {"type": "page_id", "page_id": root}
    assert child["properties"]["title"]["title"][0]["plain_text"] == "Child"
    assert "archived" not in child
    assert child["in_trash"] is False
    changed = api.ok(
        "PATCH",
        f"/v1/pages/{child['id']}",
        {"properties": {"title": title("New")}, "icon": {"type": "emoji", "emoji": "🚀"}},
    )
    assert changed["properties"]["title"]["title"][0]["plain_text"] == "New"
    assert changed["icon"] == {"type": "emoji", "emoji": "🚀"}
    refused = api.call("PATCH", f"/v1/pages/{child['id']}", {"archived": True})
    assert refused.status_code == 400
    assert refused.json()["code"] == "validation_error"
    old = api.ok("PATCH", f"/v1/pages/{child['id']}", {"archived": True}, version=V2)
    assert old["archived"] is True
    assert old["in_trash"] is True
    restored = api.ok("PATCH", f"/v1/pages/{child['id']}", {"in_trash": False})
    assert restored["in_trash"] is False
    assert api.emulator.state.count_pages(title="New") == 1


def test_page_property_validation_comes_from_the_data_model(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    response = api.call(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds_id}, "properties": {"Nope": {"number": 1}}}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert api.emulator.state.count_pages(parent_id=ds_id) == 0


def test_retrieve_page_filter_properties_and_property_items(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id, Notes={"rich_text": {}})
    ds_id = db["data_sources"][0]["id"]
    pieces = [{"type": "text", "text": {"content": f"p{i} "}} for i in range(30)]
    page = api.ok(
        "POST",
        "/v1/pages",
        {
            "parent": {"data_source_id": ds_id},
            "properties": {"Name": title("r"), "Notes": {"rich_text": pieces}, "Count": {"number": 7}},
        },
    )
    count_id = page["properties"]["Count"]["id"]
    only = api.ok(
        "GET",
        f"/v1/pages/{page['id']}",
        params=[("filter_properties", count_id), ("filter_properties", "Name")],
    )
    assert set(only["properties"]) == {"Count", "Name"}
    brackets = api.ok("GET", f"/v1/pages/{page['id']}", params={"filter_properties[]": "Count"})
    assert set(brackets["properties"]) == {"Count"}
    full = api.ok("GET", f"/v1/pages/{page['id']}")
    assert len(full["properties"]["Notes"]["rich_text"]) == 25  # Notion truncates at 25 items
    notes_id = page["properties"]["Notes"]["id"]
    first = api.ok(
        "GET", f"/v1/pages/{page['id']}/properties/{quote(notes_id, safe='')}", params={"page_size": 20}
    )
    assert first["object"] == "list"
    assert first["type"] == "property_item"
    assert first["has_more"] is True
    assert first["property_item"]["type"] == "rich_text"
    assert first["property_item"]["next_url"]
    rest = api.ok(
        "GET",
        f"/v1/pages/{page['id']}/properties/{quote(notes_id, safe='')}",
        params={"start_cursor": first["next_cursor"]},
    )
    texts = [item["rich_text"]["plain_text"] for item in first["results"] + rest["results"]]
    assert texts == [f"p{i} " for i in range(30)]
    number = api.ok("GET", f"/v1/pages/{page['id']}/properties/{quote(count_id, safe='')}")
    assert number == {
        "object": "property_item",
        "id": count_id,
        "type": "number",
        "number": 7,
        "request_id": number["request_id"],
    }


def test_other_integration_cannot_see_unshared_database(emu: NotionEmulator, api: Api) -> None:
    db = make_database(api, emu.root_page_id)
    emu.add_integration("Other", "ntn_other")
    other = Api(emu, token="ntn_other")
    response = other.call("GET", f"/v1/databases/{db['id']}")
    assert response.status_code == 404
    assert "Could not find database with ID" in response.json()["message"]
    ds_id = db["data_sources"][0]["id"]
    assert other.call("POST", f"/v1/data_sources/{ds_id}/query", {}).status_code == 404
    # Objects an integration creates are shared with it.
    created = other.call("POST", "/v1/databases", {"parent": {"workspace": True}, "title": title("Mine")})
    assert created.status_code == 200
    assert other.call("GET", f"/v1/databases/{created.json()['id']}").status_code == 200
