"""``GET /v1/pages/{id}/properties/{property_id}``: ids exactly as the page returned them
(URL-encoded) are found, and list-valued properties page through every item with ``next_cursor``/``next_url``
as Notion's reference describes, past the 25 items a page retrieve shows."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from emulator_support import V1, V2, V3, Api, make_database, title
from notion_emulator.routes.pages import _property_item_list


def _read_all(
    api: Api, page_id: str, property_id: str, page_size: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every item, following ``next_cursor``; also returns each list response."""
    items: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = f"?page_size={page_size}" + (f"&start_cursor={cursor}" if cursor else "")
        response = api.ok("GET", f"/v1/pages/{page_id}/properties/{property_id}{query}")
        responses.append(response)
        items += response["results"]
        if not response["has_more"]:
            return items, responses
        cursor = response["next_cursor"]


def test_every_property_id_as_returned_by_the_page_is_found(api: Api) -> None:
    # Thirty properties: Notion-like random ids, most of them with URL-encoded characters (%3B, %3F …).
    schema: dict[str, Any] = {f"Field {i}": {"rich_text": {}} for i in range(30)}
    db = make_database(api, api.emulator.root_page_id, **schema)
    ds = db["data_sources"][0]["id"]
    page = api.ok(
        "POST",
        "/v1/pages",
        {"parent": {"data_source_id": ds}, "properties": {"Field 3": {"rich_text": title("three")}}},
    )
    encoded = [value["id"] for value in page["properties"].values() if "%" in value["id"]]
    assert len(encoded) >= 5
    for name, value in page["properties"].items():
        found = api.call("GET", f"/v1/pages/{page['id']}/properties/{value['id']}")
        assert found.status_code == 200, (name, value["id"], found.text)
        body = found.json()
        item = body["results"][0] if body["object"] == "list" and body["results"] else body
        assert body.get("property_item", item)["id"] == value["id"]
    # A client that encodes the id once more (encodeURIComponent on an already encoded id) is served too.
    again = api.ok("GET", f"/v1/pages/{page['id']}/properties/{quote(encoded[0], safe='')}")
    assert again.get("property_item", again)["id"] == encoded[0]
    missing = api.call("GET", f"/v1/pages/{page['id']}/properties/zz%3Fq")
    assert missing.status_code == 404
    assert missing.json()["code"] == "object_not_found"


@pytest.mark.parametrize("version", [V1, V2, V3])
def test_relations_page_through_past_25(api: Api, version: str) -> None:
    api.version = version
    api_v3 = Api(api.emulator)
    targets_db = make_database(api_v3, api.emulator.root_page_id, "Targets")
    targets_ds = targets_db["data_sources"][0]["id"]
    targets = api.emulator.add_rows(targets_ds, [{"Name": {"title": title(f"t{i}")}} for i in range(60)])
    db = make_database(
        api_v3,
        api.emulator.root_page_id,
        "Owners",
        Links={"relation": {"data_source_id": targets_ds, "single_property": {}}},
    )
    ds = db["data_sources"][0]["id"]
    page = api_v3.ok(
        "POST",
        "/v1/pages",
        {
            "parent": {"data_source_id": ds},
            "properties": {"Links": {"relation": [{"id": t} for t in targets]}},
        },
    )
    retrieved = api.ok("GET", f"/v1/pages/{page['id']}")
    links = retrieved["properties"]["Links"]
    assert len(links["relation"]) == 25
    assert links["has_more"] is True

    items, responses = _read_all(api, page["id"], links["id"], 25)
    assert [item["relation"]["id"] for item in items] == targets
    assert {item["object"] for item in items} == {"property_item"}
    assert {item["type"] for item in items} == {"relation"}
    assert [len(r["results"]) for r in responses] == [25, 25, 10]
    first = responses[0]
    assert first["object"] == "list"
    assert first["type"] == "property_item"
    assert first["property_item"]["type"] == "relation"
    assert first["property_item"]["relation"] == {}
    assert first["property_item"]["id"] == links["id"]
    next_url = first["property_item"]["next_url"]
    assert next_url is not None
    assert urlsplit(next_url).path == f"/v1/pages/{page['id']}/properties/{links['id']}"
    assert f"start_cursor={first['next_cursor']}" in next_url
    # next_url is usable as is.
    followed = api.session.get(
        next_url, headers={"Authorization": f"Bearer {api.token}", "Notion-Version": version}, timeout=10
    )
    assert followed.json()["results"] == responses[1]["results"]
    assert responses[-1]["property_item"]["next_url"] is None
    assert responses[-1]["next_cursor"] is None


def test_people_and_title_page_through(api: Api) -> None:
    people = [api.emulator.state.add_person(f"Person {i}", f"p{i}@example.com") for i in range(30)]
    db = make_database(api, api.emulator.root_page_id, Team={"people": {}})
    ds = db["data_sources"][0]["id"]
    pieces = [{"text": {"content": f"w{i} "}} for i in range(40)]
    page = api.ok(
        "POST",
        "/v1/pages",
        {
            "parent": {"data_source_id": ds},
            "properties": {"Name": {"title": pieces}, "Team": {"people": [{"id": p["id"]} for p in people]}},
        },
    )
    team_id = page["properties"]["Team"]["id"]
    members, _ = _read_all(api, page["id"], team_id, 7)
    assert [m["people"]["id"] for m in members] == [p["id"] for p in people]
    assert members[0]["people"]["object"] == "user"
    assert members[0]["people"]["name"] == "Person 0"

    words, responses = _read_all(api, page["id"], "title", 100)
    assert len(responses) == 1
    assert "".join(w["title"]["plain_text"] for w in words) == "".join(f"w{i} " for i in range(40))
    assert responses[0]["property_item"] == {"id": "title", "next_url": None, "type": "title", "title": {}}


def test_single_value_properties_are_one_property_item(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds = db["data_sources"][0]["id"]
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds}, "properties": {"Count": {"number": 7}}}
    )
    count_id = page["properties"]["Count"]["id"]
    item = api.ok("GET", f"/v1/pages/{page['id']}/properties/{count_id}")
    assert {k: v for k, v in item.items() if k != "request_id"} == {
        "object": "property_item",
        "id": count_id,
        "type": "number",
        "number": 7,
    }


def test_bad_page_size_and_cursor_on_property_items(api: Api) -> None:
    page_id = api.emulator.root_page_id
    assert api.call("GET", f"/v1/pages/{page_id}/properties/title?page_size=0").status_code == 400
    assert api.call("GET", f"/v1/pages/{page_id}/properties/title?page_size=101").status_code == 400
    bad = api.call("GET", f"/v1/pages/{page_id}/properties/title?start_cursor=nonsense")
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"


def test_rollup_items_show_original_values_and_calculated_results() -> None:
    shown = {
        "id": "r%3Ax",
        "type": "rollup",
        "rollup": {
            "type": "array",
            "array": [{"type": "number", "number": 1}, {"type": "number", "number": 2}],
            "function": "show_original",
        },
    }
    items, summary = _property_item_list(shown)
    assert items == [
        {"object": "property_item", "id": "r%3Ax", "type": "number", "number": 1},
        {"object": "property_item", "id": "r%3Ax", "type": "number", "number": 2},
    ]
    assert summary == {"type": "array", "array": [], "function": "show_original"}
    counted = {"id": "c", "type": "rollup", "rollup": {"type": "number", "number": 2, "function": "count"}}
    assert _property_item_list(counted) == ([], {"type": "number", "number": 2, "function": "count"})
