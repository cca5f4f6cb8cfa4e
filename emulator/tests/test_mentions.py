"""Mentions read back as Notion renders them: a user mention carries the user object and
``@Name`` as plain text; page mentions carry the page's title and URL."""

from __future__ import annotations

from typing import Any

from emulator_support import V1, V2, V3, Api, make_database, title

ADA = "1a2b3c4d-0001-4a00-8000-00000000a001"


def _mention_user(user_id: str) -> dict[str, Any]:
    return {"type": "mention", "mention": {"type": "user", "user": {"id": user_id}}}


def test_user_mention_in_a_title_reads_back_with_the_user(api: Api) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds = db["data_sources"][0]["id"]
    name = [{"text": {"content": "Review by "}}, _mention_user(ADA)]
    created = api.ok(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds}, "properties": {"Name": {"title": name}}}
    )
    for version in (V1, V2, V3):
        page = api.ok("GET", f"/v1/pages/{created['id']}", version=version)
        mention = page["properties"]["Name"]["title"][1]
        assert mention["plain_text"] == "@Ada Lovelace"
        assert mention["href"] is None
        assert mention["mention"]["type"] == "user"
        user = mention["mention"]["user"]
        assert user["object"] == "user"
        assert user["id"] == ADA
        assert user["name"] == "Ada Lovelace"
        assert user["type"] == "person"
        assert list(mention) == ["type", "mention", "annotations", "plain_text", "href"]
    queried = api.ok("POST", f"/v1/data_sources/{ds}/query", {})
    assert queried["results"][0]["properties"]["Name"]["title"][1]["plain_text"] == "@Ada Lovelace"


def test_mention_without_a_type_key_and_unknown_user(api: Api) -> None:
    page = api.emulator.root_page_id
    rich = [
        {"mention": {"user": {"id": ADA}}},
        {"mention": {"user": {"id": "99999999-0000-4000-8000-000000000000"}}},
    ]
    block = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [{"paragraph": {"rich_text": rich}}]})
    first, second = block["results"][0]["paragraph"]["rich_text"]
    assert first["plain_text"] == "@Ada Lovelace"
    assert first["mention"]["user"]["name"] == "Ada Lovelace"
    assert second["plain_text"] == "@Anonymous"
    assert second["mention"]["user"] == {"object": "user", "id": "99999999-0000-4000-8000-000000000000"}


def test_page_mention_shows_the_current_title(api: Api) -> None:
    parent = api.emulator.root_page_id
    target = api.ok(
        "POST", "/v1/pages", {"parent": {"page_id": parent}, "properties": {"title": title("Spec")}}
    )
    rich = [{"type": "mention", "mention": {"type": "page", "page": {"id": target["id"].replace("-", "")}}}]
    made = api.ok(
        "PATCH", f"/v1/blocks/{parent}/children", {"children": [{"paragraph": {"rich_text": rich}}]}
    )
    block_id = made["results"][0]["id"]
    mention = made["results"][0]["paragraph"]["rich_text"][0]
    assert mention["plain_text"] == "Spec"
    assert mention["mention"] == {"type": "page", "page": {"id": target["id"]}}
    assert mention["href"] == "https://www.notion.so/" + target["id"].replace("-", "")
    api.ok("PATCH", f"/v1/pages/{target['id']}", {"properties": {"title": {"title": title("Spec v2")}}})
    again = api.ok("GET", f"/v1/blocks/{block_id}")
    assert again["paragraph"]["rich_text"][0]["plain_text"] == "Spec v2"


def test_date_mention_text(api: Api) -> None:
    parent = api.emulator.root_page_id
    rich = [{"mention": {"date": {"start": "2026-01-05", "end": "2026-01-09"}}}]
    made = api.ok(
        "PATCH", f"/v1/blocks/{parent}/children", {"children": [{"paragraph": {"rich_text": rich}}]}
    )
    mention = made["results"][0]["paragraph"]["rich_text"][0]
    assert mention["plain_text"] == "2026-01-05 → 2026-01-09"
    assert mention["mention"] == {
        "type": "date",
        "date": {"start": "2026-01-05", "end": "2026-01-09", "time_zone": None},
    }
