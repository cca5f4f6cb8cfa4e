"""The emulator's comments and page Markdown endpoints, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import V1, V2, Api, title
from notion_emulator import NotionEmulator


def _page(api: Api, emu: NotionEmulator, **body: Any) -> dict[str, Any]:
    return api.ok(
        "POST",
        "/v1/pages",
        {"parent": {"page_id": emu.root_page_id}, "properties": {"title": title("P")}, **body},
    )


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["object"], body["code"]) == ("error", code)
    return str(body["message"])


# ---------------------------------------------------------------------------------------------- comments


def test_comment_on_a_page_starts_a_discussion_and_replies_join_it(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu)
    first = api.ok("POST", "/v1/comments", {"parent": {"page_id": page["id"]}, "rich_text": title("hello")})
    assert first["object"] == "comment"
    assert first["parent"] == {"type": "page_id", "page_id": page["id"]}
    assert first["created_by"] == {"object": "user", "id": emu.default_integration().id}
    assert first["rich_text"][0]["plain_text"] == "hello"
    reply = api.ok(
        "POST", "/v1/comments", {"discussion_id": first["discussion_id"], "rich_text": title("re")}
    )
    assert reply["discussion_id"] == first["discussion_id"]
    other = api.ok("POST", "/v1/comments", {"parent": {"page_id": page["id"]}, "rich_text": title("new")})
    assert other["discussion_id"] != first["discussion_id"]


def test_list_comments_pages_with_cursors(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu)
    for n in range(5):
        api.ok("POST", "/v1/comments", {"parent": {"page_id": page["id"]}, "rich_text": title(str(n))})
    seen: list[str] = []
    cursor = None
    while True:
        params = {"block_id": page["id"], "page_size": 2, **({"start_cursor": cursor} if cursor else {})}
        listing = api.ok("GET", "/v1/comments", params=params)
        assert listing["type"] == "comment" and listing["comment"] == {}
        seen += [c["rich_text"][0]["plain_text"] for c in listing["results"]]
        cursor = listing["next_cursor"]
        if not listing["has_more"]:
            break
    assert seen == ["0", "1", "2", "3", "4"]


def test_user_mentions_read_back_with_the_name(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu)
    person_id, person = next(iter(emu.state.people.items()))
    mention = {"type": "mention", "mention": {"type": "user", "user": {"id": person_id}}}
    comment = api.ok("POST", "/v1/comments", {"parent": {"page_id": page["id"]}, "rich_text": [mention]})
    item = comment["rich_text"][0]
    assert item["plain_text"] == "@" + person["name"]
    assert item["mention"]["user"] == {"object": "user", "id": person_id}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"rich_text": title("x")}, 400, "validation_error"),  # neither parent nor discussion
        ({"discussion_id": "nope", "rich_text": title("x")}, 404, "object_not_found"),
        ({"parent": {"page_id": "not-an-id"}, "rich_text": title("x")}, 400, "validation_error"),
        ({"parent": {"page_id": "0" * 32}, "rich_text": title("x")}, 404, "object_not_found"),
    ],
)
def test_bad_comments_are_refused(api: Api, body: dict[str, Any], status: int, code: str) -> None:
    _error(api.call("POST", "/v1/comments", body), status, code)


def test_comments_need_their_capabilities(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu)
    emu.add_integration("reader", "ntn_reader", capabilities={"read_content"}, shared=[page["id"]])
    reader = Api(emu, token="ntn_reader")
    _error(reader.call("GET", "/v1/comments", params={"block_id": page["id"]}), 403, "restricted_resource")
    body = {"parent": {"page_id": page["id"]}, "rich_text": title("x")}
    _error(reader.call("POST", "/v1/comments", body), 403, "restricted_resource")


def test_list_needs_a_block_id(api: Api) -> None:
    _error(api.call("GET", "/v1/comments"), 400, "validation_error")


# ---------------------------------------------------------------------------------------------- page markdown


def test_create_with_markdown_and_read_it_back(api: Api, emu: NotionEmulator) -> None:
    markdown = "# Title\n\nSome **bold** text.\n\n- a\n\t- b\n"
    page = _page(api, emu, markdown=markdown)
    blocks = emu.state.block_children_of(page["id"])
    assert [b["type"] for b in blocks] == ["heading_1", "paragraph", "bulleted_list_item"]
    answer = api.ok("GET", f"/v1/pages/{page['id']}/markdown")
    assert answer == {
        "object": "page_markdown",
        "id": page["id"],
        "markdown": markdown,
        "truncated": False,
        "unknown_block_ids": [],
        "request_id": answer["request_id"],
    }


@pytest.mark.parametrize("version", [V1, V2])
def test_markdown_endpoints_need_2026(api: Api, emu: NotionEmulator, version: str) -> None:
    page = _page(api, emu)
    _error(api.call("GET", f"/v1/pages/{page['id']}/markdown", version=version), 400, "invalid_request_url")
    body = {"parent": {"page_id": emu.root_page_id}, "properties": {"title": title("x")}, "markdown": "x"}
    _error(api.call("POST", "/v1/pages", body, version=version), 400, "validation_error")


def test_markdown_and_children_are_exclusive(api: Api, emu: NotionEmulator) -> None:
    body = {
        "parent": {"page_id": emu.root_page_id},
        "properties": {"title": title("x")},
        "markdown": "x",
        "children": [{"type": "paragraph", "paragraph": {"rich_text": title("y")}}],
    }
    _error(api.call("POST", "/v1/pages", body), 400, "validation_error")


def test_replace_and_update_content(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu, markdown="old\n")
    path = f"/v1/pages/{page['id']}/markdown"
    replaced = api.ok(
        "PATCH", path, {"type": "replace_content", "replace_content": {"new_str": "# A\n\nbody\n"}}
    )
    assert replaced["markdown"] == "# A\n\nbody\n"
    edit = {"content_updates": [{"old_str": "body", "new_str": "**new** body"}]}
    updated = api.ok("PATCH", path, {"type": "update_content", "update_content": edit})
    assert updated["markdown"] == "# A\n\n**new** body\n"
    assert [b["type"] for b in emu.state.block_children_of(page["id"])] == ["heading_1", "paragraph"]
    missing = {"content_updates": [{"old_str": "absent", "new_str": "x"}]}
    _error(
        api.call("PATCH", path, {"type": "update_content", "update_content": missing}),
        400,
        "validation_error",
    )


def test_child_pages_survive_a_replace(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu, markdown="text\n")
    child = api.ok(
        "POST", "/v1/pages", {"parent": {"page_id": page["id"]}, "properties": {"title": title("Kid")}}
    )
    api.ok(
        "PATCH",
        f"/v1/pages/{page['id']}/markdown",
        {"type": "replace_content", "replace_content": {"new_str": "new\n"}},
    )
    assert not emu.state.pages[child["id"]].in_trash
    assert emu.state.live_children(page["id"])[0] == child["id"]


def test_trashed_pages_cannot_be_edited_as_markdown(api: Api, emu: NotionEmulator) -> None:
    page = _page(api, emu)
    api.ok("PATCH", f"/v1/pages/{page['id']}", {"in_trash": True})
    body = {"type": "replace_content", "replace_content": {"new_str": "x"}}
    assert "archived" in _error(
        api.call("PATCH", f"/v1/pages/{page['id']}/markdown", body), 400, "validation_error"
    )


@pytest.mark.parametrize("kind", ["insert_content", "replace_content_range", "bogus"])
def test_unimplemented_edits_fail_loudly(api: Api, emu: NotionEmulator, kind: str) -> None:
    page = _page(api, emu)
    body = {"type": kind, kind: {"content": "x"}}
    _error(api.call("PATCH", f"/v1/pages/{page['id']}/markdown", body), 400, "validation_error")
