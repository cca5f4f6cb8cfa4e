"""Every endpoint of the official Python SDK (notion-client 3.x), driven against the emulator on 2022-06-28,
2025-09-03 and 2026-03-11. Expected shapes come from the recorded answers (``expected``) and Notion's API
reference (cited per test); endpoints the emulator leaves out must answer like an unknown Notion URL."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from notion_client import APIErrorCode, APIResponseError
from notion_client.helpers import collect_data_source_templates, collect_paginated_api, iterate_paginated_api
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import add_public_integration, mint_authorization_code
from sdk_expected import V1, V2, V3, expected_keys, keys_of

endpoint = pytest.mark.endpoint


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def new_database(client: Any, version: str, parent: str, properties: dict[str, Any]) -> dict[str, Any]:
    """Create a database the way each version wants it; returns ids and the parent to use for rows."""
    if version == V1:
        # notion-client 3.x's databases.create drops `properties` (2025-09-03 body); Notion requires it under
        # 2022-06-28, so a 2022-06-28 user sends the body through request().
        body = {"parent": {"page_id": parent}, "title": text("Tasks"), "properties": properties}
        db = client.request(path="databases", method="POST", body=body)
        return {"db": db, "id": db["id"], "row_parent": {"database_id": db["id"]}, "ds_id": None}
    db = client.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=text("Tasks"),
        initial_data_source={"properties": properties},
    )
    ds_id = db["data_sources"][0]["id"]
    return {"db": db, "id": db["id"], "row_parent": {"data_source_id": ds_id}, "ds_id": ds_id}


SCHEMA = {"Name": {"title": {}}, "Count": {"number": {}}, "Tag": {"select": {"options": [{"name": "a"}]}}}


def rows(client: Any, version: str, database: dict[str, Any], **body: Any) -> dict[str, Any]:
    if version == V1:
        # notion-client 3.x dropped databases.query; a 2022-06-28 user calls the endpoint through request().
        result: dict[str, Any] = client.request(
            path=f"databases/{database['id']}/query", method="POST", body=body
        )
        return result
    result = client.data_sources.query(database["ds_id"], **body)
    return result


def assert_unknown_url(error: pytest.ExceptionInfo[APIResponseError]) -> None:
    """Notion's answer for a route it does not have (recorded: ``GET /v1/invalid``)."""
    assert error.value.status == 400
    assert error.value.code == APIErrorCode.InvalidRequestURL
    assert str(error.value) == "Invalid request URL."


# ---------------------------------------------------------------------- users
@endpoint("GET /v1/users/me")
def test_users_me(client: Any, version: str, emu: NotionEmulator) -> None:
    me = client.users.me()
    assert keys_of(me) == expected_keys("bot", version)
    assert (me["object"], me["type"], me["id"]) == ("user", "bot", emu.default_integration().id)
    assert "workspace_name" in me["bot"]
    # workspace_limits arrived with 2025-09-03 (recorded there, absent from the 2022-06-28 recording).
    assert ("workspace_limits" in me["bot"]) == (version != V1)


@endpoint("GET /v1/users", "GET /v1/users/{user_id}")
def test_users_list_and_retrieve(client: Any, version: str) -> None:
    listed = client.users.list(page_size=2)
    assert keys_of(listed) == expected_keys("user_list", version)
    assert listed["type"] == "user"
    assert listed["has_more"] is True
    everyone = collect_paginated_api(client.users.list, page_size=2)
    assert len({user["id"] for user in everyone}) == len(everyone) >= 4  # three people and the bot
    person = next(user for user in everyone if user["type"] == "person")
    assert client.users.retrieve(person["id"])["person"]["email"] == person["person"]["email"]


# ---------------------------------------------------------------------- databases and data sources
@endpoint("POST /v1/databases", "GET /v1/databases/{database_id}", "PATCH /v1/databases/{database_id}")
def test_databases_create_retrieve_update(client: Any, version: str, emu: NotionEmulator) -> None:
    database = new_database(client, version, emu.root_page_id, SCHEMA)
    assert keys_of(database["db"]) == expected_keys("database", version)
    fetched = client.databases.retrieve(database["id"])
    assert keys_of(fetched) == expected_keys("database", version)
    if version == V1:
        assert set(fetched["properties"]) == set(SCHEMA)
    else:
        assert [source["id"] for source in fetched["data_sources"]] == [database["ds_id"]]
    updated = client.databases.update(database["id"], title=text("Renamed"))
    assert updated["title"][0]["plain_text"] == "Renamed"


@endpoint(
    "POST /v1/data_sources",
    "GET /v1/data_sources/{data_source_id}",
    "PATCH /v1/data_sources/{data_source_id}",
)
def test_data_sources_create_retrieve_update(client: Any, version: str, emu: NotionEmulator) -> None:
    if version == V1:
        pytest.skip("data sources exist from 2025-09-03 on")
    database = new_database(client, version, emu.root_page_id, SCHEMA)
    second = client.data_sources.create(
        parent={"type": "database_id", "database_id": database["id"]},
        title=text("Second"),
        properties={"Title": {"title": {}}, "Done": {"checkbox": {}}},
    )
    assert keys_of(second) == expected_keys("data_source", version)
    assert second["parent"] == {"type": "database_id", "database_id": database["id"]}
    assert keys_of(client.data_sources.retrieve(second["id"])) == expected_keys("data_source", version)
    updated = client.data_sources.update(second["id"], properties={"Done": {"name": "Finished"}})
    assert "Finished" in updated["properties"]
    # Two data sources now: the database lists both (API reference, retrieve a database).
    assert len(client.databases.retrieve(database["id"])["data_sources"]) == 2


@endpoint(
    "POST /v1/data_sources/{data_source_id}/query",
    "POST /v1/databases/{database_id}/query (2022-06-28)",
    only={
        "POST /v1/data_sources/{data_source_id}/query": (V2, V3),
        "POST /v1/databases/{database_id}/query (2022-06-28)": (V1,),
    },
)
def test_query_rows_with_filter_sort_and_pagination(client: Any, version: str, emu: NotionEmulator) -> None:
    database = new_database(client, version, emu.root_page_id, SCHEMA)
    for count in (3, 1, 2, 5):
        client.pages.create(
            parent=database["row_parent"],
            properties={"Name": {"title": text(f"row {count}")}, "Count": {"number": count}},
        )
    result = rows(
        client,
        version,
        database,
        filter={"property": "Count", "number": {"greater_than": 1}},
        sorts=[{"property": "Count", "direction": "ascending"}],
        page_size=2,
    )
    assert keys_of(result) == expected_keys("query_list", version)
    assert [row["properties"]["Count"]["number"] for row in result["results"]] == [2, 3]
    assert result["has_more"] is True
    rest = rows(
        client,
        version,
        database,
        filter={"property": "Count", "number": {"greater_than": 1}},
        sorts=[{"property": "Count", "direction": "ascending"}],
        start_cursor=result["next_cursor"],
    )
    assert [row["properties"]["Count"]["number"] for row in rest["results"]] == [5]
    if version != V1:
        everything = collect_paginated_api(
            client.data_sources.query, data_source_id=database["ds_id"], page_size=1
        )
        assert len(everything) == 4


@endpoint("GET /v1/data_sources/{data_source_id}/templates")
def test_data_source_templates(client: Any, version: str, emu: NotionEmulator) -> None:
    if version == V1:
        pytest.skip("data sources exist from 2025-09-03 on")
    database = new_database(client, version, emu.root_page_id, SCHEMA)
    for name in ("Daily report", "Weekly report"):
        emu.add_template(database["ds_id"], name)
    listed = client.data_sources.list_templates(database["ds_id"], page_size=1)
    # API reference: {templates: [{id, name, is_default}], has_more, next_cursor}, no object: "list".
    assert keys_of(listed) == {"templates", "has_more", "next_cursor"}
    assert set(listed["templates"][0]) == {"id", "name", "is_default"}
    assert listed["has_more"] is True
    every = collect_data_source_templates(
        client.data_sources.list_templates, data_source_id=database["ds_id"], page_size=1
    )
    assert [template["name"] for template in every] == ["Daily report", "Weekly report"]


# ---------------------------------------------------------------------- pages
@endpoint("POST /v1/pages", "GET /v1/pages/{page_id}", "PATCH /v1/pages/{page_id}")
def test_pages_create_retrieve_update_trash(client: Any, version: str, emu: NotionEmulator) -> None:
    database = new_database(client, version, emu.root_page_id, SCHEMA)
    page = client.pages.create(
        parent=database["row_parent"],
        properties={"Name": {"title": text("Report")}, "Tag": {"select": {"name": "b"}}},
        children=[{"paragraph": {"rich_text": text("body")}}],
    )
    assert keys_of(page) == expected_keys("page", version)
    assert page["properties"]["Tag"]["select"]["name"] == "b"
    expected_parent = "database_id" if version == V1 else "data_source_id"
    assert page["parent"]["type"] == expected_parent
    only = client.pages.retrieve(page["id"], filter_properties=[page["properties"]["Tag"]["id"]])
    assert list(only["properties"]) == ["Tag"]
    updated = client.pages.update(page["id"], properties={"Count": {"number": 7}})
    assert updated["properties"]["Count"]["number"] == 7
    trashed = client.pages.update(page["id"], in_trash=True)
    assert trashed["in_trash"] is True
    assert ("archived" in trashed) == (version != V3)


@endpoint("GET /v1/pages/{page_id}/properties/{property_id}")
def test_page_property_items_paginate(client: Any, version: str, emu: NotionEmulator) -> None:
    pieces = [{"type": "text", "text": {"content": f"part {i} "}} for i in range(30)]
    page = client.pages.create(parent={"page_id": emu.root_page_id}, properties={"title": {"title": pieces}})
    first = client.pages.properties.retrieve(page["id"], "title", page_size=25)
    assert keys_of(first) == expected_keys("property_item_list", version)
    assert first["property_item"]["type"] == "title"
    assert len(first["results"]) == 25
    assert first["has_more"] is True
    items = collect_paginated_api(client.pages.properties.retrieve, page_id=page["id"], property_id="title")
    assert [item["title"]["plain_text"] for item in items] == [f"part {i} " for i in range(30)]
    # The page itself cuts the title at 25 items (API reference, retrieve a page).
    assert len(client.pages.retrieve(page["id"])["properties"]["title"]["title"]) == 25


@endpoint("POST /v1/pages/{page_id}/move")
def test_page_move(client: Any, version: str, emu: NotionEmulator) -> None:
    target = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("to")}}
    )
    page = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("me")}}
    )
    moved = client.pages.move(page["id"], parent={"type": "page_id", "page_id": target["id"]})
    assert keys_of(moved) == expected_keys("page", version)
    assert moved["parent"] == {"type": "page_id", "page_id": target["id"]}
    children = client.blocks.children.list(target["id"])["results"]
    assert [(child["id"], child["type"]) for child in children] == [(page["id"], "child_page")]


@endpoint(
    "GET /v1/pages/{page_id}/markdown",
    "PATCH /v1/pages/{page_id}/markdown",
    "POST /v1/pages (markdown)",
    only={"PATCH /v1/pages/{page_id}/markdown": (V3,), "POST /v1/pages (markdown)": (V3,)},
)
def test_page_markdown(client: Any, version: str, emu: NotionEmulator) -> None:
    page = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("md")}}
    )
    if version != V3:
        # The page Markdown endpoints require Notion-Version 2026-03-11 or later (API reference).
        with pytest.raises(APIResponseError) as error:
            client.pages.retrieve_markdown(page["id"])
        assert error.value.status == 400
        return
    replaced = client.pages.update_markdown(
        page["id"], type="replace_content", replace_content={"new_str": "# Report\n\nAll green."}
    )
    # API reference: {object: "page_markdown", id, markdown, truncated, unknown_block_ids}.
    assert {"object", "id", "markdown", "truncated", "unknown_block_ids"} <= keys_of(replaced)
    assert replaced["object"] == "page_markdown"
    read = client.pages.retrieve_markdown(page["id"])
    assert "# Report" in read["markdown"]
    assert "All green." in read["markdown"]
    kinds = [
        block["type"] for block in collect_paginated_api(client.blocks.children.list, block_id=page["id"])
    ]
    assert kinds == ["heading_1", "paragraph"]
    edited = client.pages.update_markdown(
        page["id"],
        type="update_content",
        update_content={"content_updates": [{"old_str": "All green.", "new_str": "One red."}]},
    )
    assert "One red." in edited["markdown"]
    # POST /v1/pages accepts `markdown` instead of `children` (API reference, create a page).
    created = client.pages.create(
        parent={"page_id": emu.root_page_id},
        properties={"title": {"title": text("from markdown")}},
        markdown="## Summary\n\n- one\n- two",
    )
    kinds = [
        block["type"] for block in collect_paginated_api(client.blocks.children.list, block_id=created["id"])
    ]
    assert kinds == ["heading_2", "bulleted_list_item", "bulleted_list_item"]


@endpoint("POST /v1/comments", "GET /v1/comments")
def test_comments(client: Any, version: str, emu: NotionEmulator) -> None:
    page = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("c")}}
    )
    first = client.comments.create(parent={"page_id": page["id"]}, rich_text=text("first"))
    # API reference, comment object.
    assert {"object", "id", "parent", "discussion_id", "created_time", "last_edited_time", "created_by",
            "rich_text"} <= keys_of(first)  # fmt: skip
    assert first["object"] == "comment"
    assert first["parent"] == {"type": "page_id", "page_id": page["id"]}
    reply = client.comments.create(discussion_id=first["discussion_id"], rich_text=text("reply"))
    assert reply["discussion_id"] == first["discussion_id"]
    listed = client.comments.list(block_id=page["id"], page_size=1)
    assert (listed["object"], listed["type"], listed["has_more"]) == ("list", "comment", True)
    every = collect_paginated_api(client.comments.list, block_id=page["id"])
    assert [c["rich_text"][0]["plain_text"] for c in every] == ["first", "reply"]


# ---------------------------------------------------------------------- blocks
@endpoint(
    "PATCH /v1/blocks/{block_id}/children",
    "GET /v1/blocks/{block_id}/children",
    "GET /v1/blocks/{block_id}",
    "PATCH /v1/blocks/{block_id}",
    "DELETE /v1/blocks/{block_id}",
)
def test_blocks(client: Any, version: str, emu: NotionEmulator) -> None:
    page = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("p")}}
    )
    appended = client.blocks.children.append(
        page["id"], children=[{"paragraph": {"rich_text": text(f"line {i}")}} for i in range(5)]
    )
    assert len(appended["results"]) == 5
    first = appended["results"][0]
    assert keys_of(first) == expected_keys("paragraph_block", version)
    listed = client.blocks.children.list(page["id"], page_size=2)
    assert keys_of(listed) == expected_keys("block_list", version)
    every = list(iterate_paginated_api(client.blocks.children.list, block_id=page["id"], page_size=2))
    assert [block["paragraph"]["rich_text"][0]["plain_text"] for block in every] == [
        f"line {i}" for i in range(5)
    ]
    assert client.blocks.retrieve(first["id"])["id"] == first["id"]
    updated = client.blocks.update(first["id"], paragraph={"rich_text": text("changed")})
    assert updated["paragraph"]["rich_text"][0]["plain_text"] == "changed"
    deleted = client.blocks.delete(first["id"])
    assert deleted["in_trash"] is True
    assert len(collect_paginated_api(client.blocks.children.list, block_id=page["id"])) == 4
    # Insert position: `after` until 2025-09-03, `position` from 2026-03-11 (upgrade guide).
    anchor = every[1]["id"]
    where = (
        {"position": {"type": "after_block", "after_block": {"id": anchor}}}
        if version == V3
        else {"after": anchor}
    )
    client.blocks.children.append(page["id"], children=[{"divider": {}}], **where)
    order = [
        block["type"] for block in collect_paginated_api(client.blocks.children.list, block_id=page["id"])
    ]
    assert order == ["paragraph", "divider", "paragraph", "paragraph", "paragraph"]


@endpoint("POST /v1/search")
def test_search(client: Any, version: str, emu: NotionEmulator) -> None:
    new_database(client, version, emu.root_page_id, SCHEMA)
    client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("Findable")}}
    )
    pages = client.search(query="Findable", filter={"property": "object", "value": "page"})
    assert keys_of(pages) == expected_keys("search_list", version) - {
        "page_or_database",
        "page_or_data_source",
    } | {"page_or_database" if version == V1 else "page_or_data_source"}
    assert [page["object"] for page in pages["results"]] == ["page"]
    containers = "database" if version == V1 else "data_source"
    found = client.search(filter={"property": "object", "value": containers})
    assert {result["object"] for result in found["results"]} == {containers}


# ---------------------------------------------------------------------- file uploads
@endpoint(
    "POST /v1/file_uploads",
    "POST /v1/file_uploads/{file_upload_id}/send",
    "GET /v1/file_uploads/{file_upload_id}",
    "GET /v1/file_uploads",
)
def test_file_upload_single_part_and_attach(client: Any, version: str, emu: NotionEmulator) -> None:
    upload = client.file_uploads.create(filename="report.csv", content_type="text/csv")
    assert keys_of(upload) == expected_keys("file_upload_pending", version)
    sent = client.file_uploads.send(upload["id"], file=("report.csv", io.BytesIO(b"a,b\n1,2\n"), "text/csv"))
    assert (sent["status"], sent["content_length"]) == ("uploaded", 8)
    assert client.file_uploads.retrieve(upload["id"])["status"] == "uploaded"
    listed = client.file_uploads.list(status="uploaded")
    assert [item["id"] for item in listed["results"]] == [upload["id"]]
    # Attach it (API reference, file upload: "file_upload" in, "file" out; attached => expiry_time null).
    page = client.pages.create(
        parent={"page_id": emu.root_page_id}, properties={"title": {"title": text("f")}}
    )
    block = client.blocks.children.append(
        page["id"],
        children=[{"type": "file", "file": {"type": "file_upload", "file_upload": {"id": upload["id"]}}}],
    )["results"][0]
    assert block["file"]["type"] == "file"
    assert block["file"]["caption"] == []
    assert httpx.get(block["file"]["file"]["url"]).content == b"a,b\n1,2\n"
    assert client.file_uploads.retrieve(upload["id"])["expiry_time"] is None


@endpoint("POST /v1/file_uploads/{file_upload_id}/complete")
def test_file_upload_multi_part(client: Any, version: str, emu: NotionEmulator) -> None:
    emu.set_max_file_upload_bytes(20 * 1024 * 1024)
    try:
        upload = client.file_uploads.create(mode="multi_part", filename="big.bin", number_of_parts=2)
        assert upload["number_of_parts"] == {"total": 2, "sent": 0}
        part_one = b"x" * (5 * 1024 * 1024)
        client.file_uploads.send(upload["id"], file=("big.bin", part_one), part_number="1")
        client.file_uploads.send(upload["id"], file=("big.bin", b"tail"), part_number="2")
        completed = client.file_uploads.complete(upload["id"])
        assert completed["status"] == "uploaded"
        assert completed["content_length"] == len(part_one) + 4
    finally:
        emu.set_max_file_upload_bytes(5_242_880)


# ---------------------------------------------------------------------- small listings, OAuth, errors
@endpoint("GET /v1/custom_emojis")
def test_custom_emojis(client: Any, version: str) -> None:
    listed = client.custom_emojis.list(page_size=10)
    assert (listed["object"], listed["type"], listed["has_more"]) == ("list", "custom_emoji", False)
    assert isinstance(listed["results"], list)


@endpoint("POST /v1/oauth/token", "POST /v1/oauth/introspect", "POST /v1/oauth/revoke")
def test_oauth(client: Any, version: str, emu: NotionEmulator) -> None:
    redirect = "https://example.com/callback"
    add_public_integration(
        emu,
        client_id="sdk-client",
        client_secret="sdk-secret",
        redirect_uris=[redirect],
        shared=[emu.root_page_id],
    )
    code = mint_authorization_code(emu, "sdk-client", redirect)
    grant = client.oauth.token(
        client_id="sdk-client",
        client_secret="sdk-secret",
        grant_type="authorization_code",
        code=code,
        redirect_uri=redirect,
    )
    assert grant["token_type"] == "bearer"
    assert {"access_token", "refresh_token", "bot_id", "workspace_id", "owner"} <= set(grant)
    active = client.oauth.introspect(
        client_id="sdk-client", client_secret="sdk-secret", token=grant["access_token"]
    )
    assert active["active"] is True
    client.oauth.revoke(client_id="sdk-client", client_secret="sdk-secret", token=grant["access_token"])
    gone = client.oauth.introspect(
        client_id="sdk-client", client_secret="sdk-secret", token=grant["access_token"]
    )
    assert gone["active"] is False


@endpoint("errors: 401 unauthorized, 404 object_not_found, 400 validation_error")
def test_errors_have_notion_codes(client: Any, version: str, emu: NotionEmulator) -> None:
    import notion_client

    stranger = notion_client.Client(
        auth="ntn_wrong", base_url=emu.base_url, notion_version=version, retry=False
    )
    with pytest.raises(APIResponseError) as unauthorized:
        stranger.users.list()
    assert (unauthorized.value.status, unauthorized.value.code) == (401, APIErrorCode.Unauthorized)
    with pytest.raises(APIResponseError) as missing:
        client.pages.retrieve("00000000-0000-0000-0000-000000000000")
    assert (missing.value.status, missing.value.code) == (404, APIErrorCode.ObjectNotFound)
    with pytest.raises(APIResponseError) as invalid:
        client.pages.create(
            parent={"page_id": emu.root_page_id}, properties={"title": {"title": "not a list"}}
        )
    assert (invalid.value.status, invalid.value.code) == (400, APIErrorCode.ValidationError)
    assert invalid.value.request_id


# ---------------------------------------------------------------------- not implemented by the emulator
NOT_IMPLEMENTED = {  # endpoint -> SDK call; all answer 400 invalid_request_url
    "POST /v1/views [not implemented]": lambda c: c.views.create(
        data_source_id="00000000-0000-0000-0000-000000000000", type="table"
    ),
    "GET /v1/views [not implemented]": lambda c: c.views.list(
        database_id="00000000-0000-0000-0000-000000000000"
    ),
    "GET /v1/views/{view_id} [not implemented]": lambda c: c.views.retrieve(
        "00000000-0000-0000-0000-000000000000"
    ),
    "PATCH /v1/views/{view_id} [not implemented]": lambda c: c.views.update(
        "00000000-0000-0000-0000-000000000000", name="x"
    ),
    "DELETE /v1/views/{view_id} [not implemented]": lambda c: c.views.delete(
        "00000000-0000-0000-0000-000000000000"
    ),
    "POST /v1/views/{view_id}/queries [not implemented]": lambda c: c.views.queries.create(
        "00000000-0000-0000-0000-000000000000"
    ),
    "GET /v1/views/{view_id}/queries/{query_id} [not implemented]": lambda c: c.views.queries.results(
        "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001"
    ),
    "DELETE /v1/views/{view_id}/queries/{query_id} [not implemented]": lambda c: c.views.queries.delete(
        "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001"
    ),
    "POST /v1/blocks/meeting_notes/query [not implemented]": lambda c: c.blocks.meeting_notes.query(),
    "GET /v1/comments/{comment_id} [not implemented]": lambda c: c.comments.retrieve(
        "00000000-0000-0000-0000-000000000000"
    ),
    "PATCH /v1/comments/{comment_id} [not implemented]": lambda c: c.comments.update(
        "00000000-0000-0000-0000-000000000000", rich_text=text("x")
    ),
    "DELETE /v1/comments/{comment_id} [not implemented]": lambda c: c.comments.delete(
        "00000000-0000-0000-0000-000000000000"
    ),
}


@endpoint(param="name")
@pytest.mark.parametrize("name", sorted(NOT_IMPLEMENTED))
def test_not_implemented_endpoints_answer_like_an_unknown_notion_url(
    client: Any, version: str, name: str
) -> None:
    with pytest.raises(APIResponseError) as error:
        NOT_IMPLEMENTED[name](client)
    assert_unknown_url(error)
