"""Row queries (pagination, cap, filters, performance), search, block children."""

from __future__ import annotations

import time

from emulator_support import V1, V2, Api, make_database, title
from notion_emulator import NotionEmulator


def _rows(emu: NotionEmulator, ds_id: str, count: int) -> None:
    emu.add_rows(ds_id, [{"Name": title(f"row {i}"), "Count": {"number": i}} for i in range(count)])


def test_query_pages_through_results_with_cursors(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    _rows(api.emulator, ds_id, 25)
    body = {"sorts": [{"property": "Count", "direction": "ascending"}], "page_size": 10}
    seen: list[int] = []
    cursor = None
    while True:
        page = api.ok(
            "POST", f"/v1/data_sources/{ds_id}/query", {**body, "start_cursor": cursor} if cursor else body
        )
        assert page["type"] == "page_or_data_source"
        assert "request_status" not in page
        seen += [row["properties"]["Count"]["number"] for row in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert seen == list(range(25))
    # Like Notion's, a cursor is the id of the next row; one from another data source is refused.
    other = make_database(api, api.emulator.root_page_id, "Other")["data_sources"][0]["id"]
    foreign = api.call("POST", f"/v1/data_sources/{other}/query", {"start_cursor": cursor, "page_size": 5})
    assert foreign.status_code == 400
    assert foreign.json()["code"] == "validation_error"
    assert foreign.json()["message"] == f"The start_cursor provided is invalid: {cursor}"


def test_query_filter_and_2022_database_query(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    _rows(api.emulator, db["data_sources"][0]["id"], 10)
    body = {"filter": {"property": "Count", "number": {"greater_than": 6}}}
    result = api.ok("POST", f"/v1/databases/{db['id']}/query", body, version=V1)
    assert result["type"] == "page_or_database"
    assert sorted(r["properties"]["Count"]["number"] for r in result["results"]) == [7, 8, 9]
    assert result["results"][0]["parent"]["type"] == "database_id"
    bad = api.call(
        "POST",
        f"/v1/databases/{db['id']}/query",
        {"filter": {"property": "Nope", "number": {"equals": 1}}},
        version=V1,
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"
    assert (
        api.call("POST", f"/v1/databases/{db['id']}/query", {}, version=V2).json()["code"]
        == "invalid_request_url"
    )


def test_query_cap_stops_with_request_status(api: Api) -> None:
    api.emulator.set_query_cap(15)
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    _rows(api.emulator, ds_id, 40)
    body = {"page_size": 10, "sorts": [{"timestamp": "created_time", "direction": "ascending"}]}
    first = api.ok("POST", f"/v1/data_sources/{ds_id}/query", body)
    assert first["has_more"] is True
    assert "request_status" not in first
    second = api.ok("POST", f"/v1/data_sources/{ds_id}/query", {**body, "start_cursor": first["next_cursor"]})
    assert len(second["results"]) == 5
    assert second["has_more"] is False
    assert second["next_cursor"] is None
    assert second["request_status"] == {
        "type": "incomplete",
        "incomplete_reason": "query_result_limit_reached",
    }
    # A narrower query below the cap is complete and carries no request_status.
    narrow = api.ok(
        "POST",
        f"/v1/data_sources/{ds_id}/query",
        {"filter": {"property": "Count", "number": {"less_than": 5}}},
    )
    assert len(narrow["results"]) == 5
    assert "request_status" not in narrow


def test_ten_thousand_row_filtered_sorted_query_time(emu: NotionEmulator, api: Api) -> None:
    db = emu.add_database(
        parent_id=emu.root_page_id, title="Big", properties={"Name": {"title": {}}, "Count": {"number": {}}}
    )
    started = time.perf_counter()
    emu.add_rows(
        db["data_source_id"], [{"Name": title(f"r{i}"), "Count": {"number": i % 997}} for i in range(10_000)]
    )
    seeded = time.perf_counter() - started
    body = {
        "filter": {"property": "Count", "number": {"greater_than": 100}},
        "sorts": [{"property": "Count", "direction": "descending"}],
        "page_size": 100,
    }
    started = time.perf_counter()
    first = api.ok("POST", f"/v1/data_sources/{db['data_source_id']}/query", body)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    api.ok(
        "POST",
        f"/v1/data_sources/{db['data_source_id']}/query",
        {**body, "start_cursor": first["next_cursor"]},
    )
    cached = time.perf_counter() - started
    print(
        f"\n10k rows: seed {seeded * 1000:.0f} ms, first query page {elapsed * 1000:.1f} ms, "
        f"next page {cached * 1000:.1f} ms"
    )
    assert first["results"][0]["properties"]["Count"]["number"] == 996
    assert emu.state.count_pages(parent_id=db["id"]) == 10_000


def test_search_per_version(api: Api) -> None:
    root = api.emulator.root_page_id
    make_database(api, root, "Quarterly goals")
    api.ok("POST", "/v1/pages", {"parent": {"page_id": root}, "properties": {"title": title("Goals notes")}})
    v3 = api.ok(
        "POST",
        "/v1/search",
        {"query": "goals", "sort": {"timestamp": "last_edited_time", "direction": "descending"}},
    )
    assert v3["type"] == "page_or_data_source"
    assert sorted(r["object"] for r in v3["results"]) == ["data_source", "page"]
    only_ds = api.ok(
        "POST", "/v1/search", {"query": "goals", "filter": {"property": "object", "value": "data_source"}}
    )
    assert [r["object"] for r in only_ds["results"]] == ["data_source"]
    v1 = api.ok(
        "POST",
        "/v1/search",
        {"query": "goals", "filter": {"property": "object", "value": "database"}},
        version=V1,
    )
    assert v1["type"] == "page_or_database"
    assert [r["object"] for r in v1["results"]] == ["database"]
    wrong = api.call("POST", "/v1/search", {"filter": {"property": "object", "value": "database"}})
    assert wrong.status_code == 400
    paged = api.ok("POST", "/v1/search", {"page_size": 1})
    assert paged["has_more"] is True
    assert len(paged["results"]) == 1


def test_search_hides_unshared_pages(emu: NotionEmulator, api: Api) -> None:
    emu.add_page(title="Secret plans")
    assert api.ok("POST", "/v1/search", {"query": "secret"})["results"] == []


def _para(text: str) -> dict[str, object]:
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": title(text)}}


def test_block_children_append_positions_and_listing(api: Api) -> None:
    root = api.emulator.root_page_id
    page = api.ok(
        "POST",
        "/v1/pages",
        {
            "parent": {"page_id": root},
            "properties": {"title": title("Doc")},
            "children": [_para("a"), _para("c")],
        },
    )
    children = api.ok("GET", f"/v1/blocks/{page['id']}/children")
    assert children["type"] == "block"
    assert children["block"] == {}
    first_id = children["results"][0]["id"]
    block = children["results"][0]
    assert block["paragraph"]["rich_text"][0]["plain_text"] == "a"
    assert block["paragraph"]["color"] == "default"
    api.ok(
        "PATCH",
        f"/v1/blocks/{page['id']}/children",
        {"children": [_para("b")], "position": {"type": "after_block", "after_block": {"id": first_id}}},
    )
    api.ok(
        "PATCH",
        f"/v1/blocks/{page['id']}/children",
        {"children": [_para("start")], "position": {"type": "start"}},
    )
    api.ok(
        "PATCH",
        f"/v1/blocks/{page['id']}/children",
        {
            "children": [_para("end")],
            "after": api.ok("GET", f"/v1/blocks/{page['id']}/children")["results"][-1]["id"],
        },
        version=V2,
    )
    texts = [
        b["paragraph"]["rich_text"][0]["plain_text"]
        for b in api.ok("GET", f"/v1/blocks/{page['id']}/children")["results"]
    ]
    assert texts == ["start", "a", "b", "c", "end"]
    assert (
        api.call(
            "PATCH", f"/v1/blocks/{page['id']}/children", {"children": [_para("x")], "after": first_id}
        ).status_code
        == 400
    )
    small = api.ok("GET", f"/v1/blocks/{page['id']}/children", params={"page_size": 2})
    assert small["has_more"] is True
    assert len(small["results"]) == 2
    listed = api.ok("GET", f"/v1/blocks/{root}/children")
    assert [b["type"] for b in listed["results"]] == ["child_page"]
    assert listed["results"][0]["child_page"] == {"title": "Doc"}
    assert listed["results"][0]["has_children"] is True


def test_block_limits_and_update_delete(api: Api) -> None:
    page = api.emulator.root_page_id
    too_many = api.call(
        "PATCH", f"/v1/blocks/{page}/children", {"children": [_para(str(i)) for i in range(101)]}
    )
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "validation_error"
    deep = {
        "type": "toggle",
        "toggle": {
            "rich_text": title("1"),
            "children": [
                {
                    "type": "toggle",
                    "toggle": {
                        "rich_text": title("2"),
                        # A third level of nesting in one request: Notion refuses it (two are fine).
                        "children": [
                            {"type": "toggle", "toggle": {"rich_text": title("3"), "children": [_para("4")]}}
                        ],
                    },
                }
            ],
        },
    }
    assert api.call("PATCH", f"/v1/blocks/{page}/children", {"children": [deep]}).status_code == 400
    assert api.emulator.state.block_children_of(page) == []
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [_para("keep")]})["results"][0]
    got = api.ok("GET", f"/v1/blocks/{made['id']}")
    assert got["type"] == "paragraph"
    assert "archived" not in got
    edited = api.ok("PATCH", f"/v1/blocks/{made['id']}", {"paragraph": {"rich_text": title("edited")}})
    assert edited["paragraph"]["rich_text"][0]["plain_text"] == "edited"
    deleted = api.ok("DELETE", f"/v1/blocks/{made['id']}", version=V2)
    assert deleted["in_trash"] is True
    assert deleted["archived"] is True
    assert api.emulator.state.block_children_of(page) == []
