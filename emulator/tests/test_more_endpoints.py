"""Endpoints the official SDKs have beyond the core ones: page move, data source
templates, custom emojis, and Notion's answer for routes the emulator does not implement."""

from __future__ import annotations

import pytest
from emulator_support import V1, V2, V3, Api, make_database, title


def child_page(api: Api, parent: str, name: str) -> str:
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"page_id": parent}, "properties": {"title": {"title": title(name)}}}
    )
    page_id: str = page["id"]
    return page_id


def child_ids(api: Api, container: str) -> list[str]:
    return [block["id"] for block in api.ok("GET", f"/v1/blocks/{container}/children")["results"]]


@pytest.mark.parametrize("version", [V1, V2, V3])
def test_move_a_page_under_another_page(api: Api, version: str) -> None:
    api.version = version
    root = api.emulator.root_page_id
    source, target = child_page(api, root, "from"), child_page(api, root, "to")
    moving = child_page(api, source, "moving")
    moved = api.ok("POST", f"/v1/pages/{moving}/move", {"parent": {"type": "page_id", "page_id": target}})
    assert moved["object"] == "page"
    assert moved["parent"] == {"type": "page_id", "page_id": target}
    assert child_ids(api, source) == []
    assert child_ids(api, target) == [moving]
    assert api.ok("GET", f"/v1/pages/{moving}")["parent"]["page_id"] == target


def test_move_a_page_into_a_data_source_and_back_out(api: Api) -> None:
    root = api.emulator.root_page_id
    db = make_database(api, root)
    ds_id = db["data_sources"][0]["id"]
    moving = child_page(api, root, "Report")
    moved = api.ok("POST", f"/v1/pages/{moving}/move", {"parent": {"data_source_id": ds_id}})
    assert moved["parent"]["data_source_id"] == ds_id
    assert moved["properties"]["Name"]["title"][0]["plain_text"] == "Report"
    assert moved["properties"]["Count"] == {
        "id": moved["properties"]["Count"]["id"],
        "type": "number",
        "number": None,
    }
    rows = api.ok("POST", f"/v1/data_sources/{ds_id}/query", {})["results"]
    assert [row["id"] for row in rows] == [moving]
    back = api.ok("POST", f"/v1/pages/{moving}/move", {"parent": {"page_id": root}})
    assert list(back["properties"]) == ["title"]
    assert api.ok("POST", f"/v1/data_sources/{ds_id}/query", {})["results"] == []


def test_move_into_itself_or_a_descendant_is_refused(api: Api) -> None:
    root = api.emulator.root_page_id
    outer = child_page(api, root, "outer")
    inner = child_page(api, outer, "inner")
    for target in (outer, inner):
        response = api.call("POST", f"/v1/pages/{outer}/move", {"parent": {"page_id": target}})
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"
    response = api.call("POST", f"/v1/pages/{outer}/move", {"parent": {"workspace": True}})
    assert response.status_code == 400


def test_data_source_templates_list(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    listed = api.ok("GET", f"/v1/data_sources/{ds_id}/templates?page_size=10")
    assert {k: v for k, v in listed.items() if k != "request_id"} == {
        "templates": [],
        "has_more": False,
        "next_cursor": None,
    }
    # Like every data source endpoint, it does not exist before 2025-09-03.
    response = api.call("GET", f"/v1/data_sources/{ds_id}/templates", version=V1)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_request_url")


def test_custom_emojis_list(api: Api) -> None:
    listed = api.ok("GET", "/v1/custom_emojis?name=party")
    assert listed["object"] == "list"
    assert listed["type"] == "custom_emoji"
    assert listed["results"] == []
    response = api.call("GET", "/v1/custom_emojis?page_size=0")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/views?database_id=3c4d5e6f-0001-4c00-8000-00000000c001"),
        ("POST", "/v1/blocks/meeting_notes/query"),
        ("GET", "/v1/invalid"),
    ],
)
def test_unimplemented_routes_answer_like_an_unknown_notion_url(api: Api, method: str, path: str) -> None:
    response = api.call(method, path, {} if method == "POST" else None)
    body = response.json()
    assert response.status_code == 400
    assert {k: v for k, v in body.items() if k != "request_id"} == {
        "object": "error",
        "status": 400,
        "code": "invalid_request_url",
        "message": "Invalid request URL.",
    }


def test_filter_properties_accepts_encoded_and_decoded_property_ids(api: Api) -> None:
    # Found by the JavaScript SDK: it sends the id as returned ("a%5Bb") without encoding its "%", so the
    # query string decodes it to "a[b"; the Python SDK encodes it, which decodes back to "a%5Bb".
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    schema = api.emulator.state.data_sources[ds_id].schema
    schema["Count"]["id"] = "a%5Bb"  # an id with an escape, as Notion's often have
    page = api.ok("POST", "/v1/pages", {"parent": {"data_source_id": ds_id}, "properties": {}})
    for raw_query in ("filter_properties=a%5Bb", "filter_properties=a%255Bb"):
        only = api.ok("GET", f"/v1/pages/{page['id']}?{raw_query}")["properties"]
        assert list(only) == ["Count"], raw_query


def test_seeded_templates_are_listed_with_name_filter_and_pagination(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    ids = [api.emulator.add_template(ds_id, name) for name in ("Daily report", "Weekly report", "Incident")]
    default = api.emulator.add_template(ds_id, "Blank", is_default=True)
    first = api.ok("GET", f"/v1/data_sources/{ds_id}/templates?page_size=2")
    assert [t["id"] for t in first["templates"]] == ids[:2]
    assert first["has_more"] is True
    rest = api.ok(
        "GET", f"/v1/data_sources/{ds_id}/templates?page_size=2&start_cursor={first['next_cursor']}"
    )
    assert [t["id"] for t in rest["templates"]] == [ids[2], default]
    assert rest["templates"][1] == {"id": default, "name": "Blank", "is_default": True}
    assert (rest["has_more"], rest["next_cursor"]) == (False, None)
    reports = api.ok("GET", f"/v1/data_sources/{ds_id}/templates?name=REPORT")["templates"]
    assert [t["name"] for t in reports] == ["Daily report", "Weekly report"]
