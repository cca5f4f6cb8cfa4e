"""Edits to trashed pages and deleted blocks are refused as Notion refuses them; taking
them out of the trash still works."""

from __future__ import annotations

import pytest
from emulator_support import V1, V2, V3, Api, make_database, title

ARCHIVED = "Can't edit block that is archived. You must unarchive the block before editing."


def _refused(api: Api, method: str, path: str, body: object, version: str | None = None) -> None:
    response = api.call(method, path, body, version=version)
    assert response.status_code == 400, response.text
    error = response.json()
    assert (error["code"], error["message"]) == ("validation_error", ARCHIVED)


@pytest.mark.parametrize("version", [V1, V2, V3])
def test_trashed_page_refuses_edits_until_restored(api: Api, version: str) -> None:
    db = make_database(api, api.emulator.root_page_id)
    ds = db["data_sources"][0]["id"]
    page = api.ok(
        "POST", "/v1/pages", {"parent": {"data_source_id": ds}, "properties": {"Name": {"title": title("a")}}}
    )
    trash_key = "archived" if version == V1 else "in_trash"
    api.ok("PATCH", f"/v1/pages/{page['id']}", {trash_key: True}, version=version)

    _refused(api, "PATCH", f"/v1/pages/{page['id']}", {"properties": {"Count": {"number": 3}}}, version)
    _refused(api, "PATCH", f"/v1/pages/{page['id']}", {"icon": {"emoji": "🔥"}}, version)
    _refused(api, "PATCH", f"/v1/pages/{page['id']}", {trash_key: True}, version)
    _refused(
        api, "PATCH", f"/v1/blocks/{page['id']}/children", {"children": [{"paragraph": {"rich_text": []}}]}
    )
    stored = api.emulator.state.get_page(page["id"])
    assert stored is not None
    assert stored["properties"]["Count"]["number"] is None

    # Restoring works, and may carry edits in the same request.
    restored = api.ok(
        "PATCH",
        f"/v1/pages/{page['id']}",
        {trash_key: False, "properties": {"Count": {"number": 4}}},
        version=version,
    )
    assert restored["in_trash"] is False
    assert restored["properties"]["Count"]["number"] == 4
    assert api.ok(
        "PATCH", f"/v1/pages/{page['id']}", {"properties": {"Count": {"number": 5}}}, version=version
    )


def test_deleted_block_refuses_edits_until_restored(api: Api) -> None:
    page_id = api.emulator.root_page_id
    created = api.ok(
        "PATCH", f"/v1/blocks/{page_id}/children", {"children": [{"toggle": {"rich_text": title("t")}}]}
    )
    block_id = created["results"][0]["id"]
    api.ok("DELETE", f"/v1/blocks/{block_id}")

    _refused(api, "PATCH", f"/v1/blocks/{block_id}", {"toggle": {"rich_text": title("changed")}})
    _refused(api, "PATCH", f"/v1/blocks/{block_id}", {"in_trash": True})
    _refused(
        api, "PATCH", f"/v1/blocks/{block_id}/children", {"children": [{"paragraph": {"rich_text": []}}]}
    )
    assert api.emulator.state.blocks[block_id].content["rich_text"][0]["plain_text"] == "t"

    restored = api.ok("PATCH", f"/v1/blocks/{block_id}", {"in_trash": False})
    assert restored["in_trash"] is False
    edited = api.ok("PATCH", f"/v1/blocks/{block_id}", {"toggle": {"rich_text": title("changed")}})
    assert edited["toggle"]["rich_text"][0]["plain_text"] == "changed"


def test_archived_false_restores_a_block_before_2026(api: Api) -> None:
    page_id = api.emulator.root_page_id
    block_id = api.ok("PATCH", f"/v1/blocks/{page_id}/children", {"children": [{"divider": {}}]})["results"][
        0
    ]["id"]
    api.ok("DELETE", f"/v1/blocks/{block_id}")
    _refused(api, "PATCH", f"/v1/blocks/{block_id}", {"divider": {}}, V2)
    assert api.ok("PATCH", f"/v1/blocks/{block_id}", {"archived": False}, version=V2)["archived"] is False
