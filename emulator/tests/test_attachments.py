"""Attached file uploads read back as Notion documents them: a ``file`` object with a
download link served by the emulator, ``caption`` on media blocks, and the upload's ``expiry_time`` cleared."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_support import V1, V2, V3, Api, create, error_of, make_database, send, title
from notion_emulator import NotionEmulator

CONTENT = b"col1,col2\n1,2\n"


def uploaded(api: Api, name: str = "report.csv", data: bytes = CONTENT) -> str:
    upload = create(api, filename=name, content_type="text/csv")
    assert send(api, upload["id"], data, name=name).status_code == 200
    upload_id: str = upload["id"]
    return upload_id


def ref(upload_id: str) -> dict[str, Any]:
    return {"type": "file_upload", "file_upload": {"id": upload_id}}


def download(url: str) -> requests.Response:
    # No Authorization header: Notion's file links are presigned, anyone holding the URL can fetch them.
    return requests.get(url, timeout=10)


def assert_hosted(file_object: dict[str, Any], api: Api) -> str:
    assert file_object["type"] == "file"
    assert "file_upload" not in file_object
    assert set(file_object["file"]) == {"url", "expiry_time"}
    assert file_object["file"]["expiry_time"].endswith("Z")
    url: str = file_object["file"]["url"]
    assert url.startswith(api.emulator.base_url + "/")
    return url


@pytest.mark.parametrize("version", [V1, V2, V3])
def test_files_property_reads_back_as_file_with_name_and_downloadable_url(api: Api, version: str) -> None:
    api.version = version
    db = make_database(api, api.emulator.root_page_id, Attachment={"files": {}})
    parent = {"database_id": db["id"]} if version == V1 else {"data_source_id": db["data_sources"][0]["id"]}
    upload_id = uploaded(api)
    page = api.ok(
        "POST",
        "/v1/pages",
        {
            "parent": parent,
            "properties": {"Name": {"title": title("run")}, "Attachment": {"files": [ref(upload_id)]}},
        },
    )
    [item] = page["properties"]["Attachment"]["files"]
    assert item["name"] == "report.csv"
    url = assert_hosted(item, api)
    again = api.ok("GET", f"/v1/pages/{page['id']}")["properties"]["Attachment"]["files"][0]
    assert again["file"]["url"] == url
    got = download(url)
    assert got.status_code == 200
    assert got.content == CONTENT
    assert got.headers["Content-Type"] == "text/csv"


def test_attached_upload_stays_uploaded_and_loses_its_expiry_time(api: Api) -> None:
    upload_id = uploaded(api)
    before = api.ok("GET", f"/v1/file_uploads/{upload_id}")
    assert before["status"] == "uploaded"
    assert before["expiry_time"] is not None
    api.ok(
        "PATCH", f"/v1/blocks/{api.emulator.root_page_id}/children", {"children": [{"file": ref(upload_id)}]}
    )
    after = api.ok("GET", f"/v1/file_uploads/{upload_id}")
    assert after["status"] == "uploaded"
    assert after["expiry_time"] is None
    # Upload once, attach many times.
    api.ok(
        "PATCH", f"/v1/blocks/{api.emulator.root_page_id}/children", {"children": [{"pdf": ref(upload_id)}]}
    )


@pytest.mark.parametrize("kind", ["file", "image", "pdf", "video", "audio"])
def test_media_blocks_carry_caption_and_a_file_object(api: Api, kind: str) -> None:
    upload_id = uploaded(api, name="clip.bin")
    listed = api.ok(
        "PATCH",
        f"/v1/blocks/{api.emulator.root_page_id}/children",
        {"children": [{"type": kind, kind: {"type": "file_upload", "file_upload": {"id": upload_id}}}]},
    )
    block = listed["results"][0]
    content = block[kind]
    assert content["caption"] == []
    assert list(content)[:3] == ["caption", "type", "file"]
    url = assert_hosted(content, api)
    assert ("name" in content) == (kind == "file")
    if kind == "file":
        assert content["name"] == "clip.bin"
    retrieved = api.ok("GET", f"/v1/blocks/{block['id']}")[kind]
    assert retrieved["file"]["url"] == url
    assert download(url).content == CONTENT


def test_external_media_blocks_get_an_empty_caption_and_keep_a_given_one(api: Api) -> None:
    url = "https://example.com/a.png"
    listed = api.ok(
        "PATCH",
        f"/v1/blocks/{api.emulator.root_page_id}/children",
        {
            "children": [
                {"image": {"external": {"url": url}}},
                {
                    "image": {
                        "type": "external",
                        "external": {"url": url},
                        "caption": [{"text": {"content": "c"}}],
                    }
                },
            ]
        },
    )
    first, second = (block["image"] for block in listed["results"])
    assert first == {"caption": [], "type": "external", "external": {"url": url}}
    assert second["caption"][0]["plain_text"] == "c"


def test_block_update_swaps_an_external_image_for_an_upload(api: Api) -> None:
    listed = api.ok(
        "PATCH",
        f"/v1/blocks/{api.emulator.root_page_id}/children",
        {
            "children": [
                {
                    "image": {
                        "external": {"url": "https://example.com/a.png"},
                        "caption": [{"text": {"content": "c"}}],
                    }
                }
            ]
        },
    )
    block_id = listed["results"][0]["id"]
    updated = api.ok("PATCH", f"/v1/blocks/{block_id}", {"image": ref(uploaded(api, name="b.png"))})["image"]
    assert "external" not in updated
    assert_hosted(updated, api)
    assert updated["caption"][0]["plain_text"] == "c"


def test_page_icon_and_cover_from_uploads(api: Api) -> None:
    icon_id, cover_id = uploaded(api, name="icon.png"), uploaded(api, name="cover.png")
    page = api.ok(
        "POST",
        "/v1/pages",
        {
            "parent": {"page_id": api.emulator.root_page_id},
            "properties": {"title": {"title": title("with icon")}},
            "icon": ref(icon_id),
            "cover": ref(cover_id),
        },
    )
    assert_hosted(page["icon"], api)
    assert_hosted(page["cover"], api)
    assert set(page["icon"]) == {"type", "file"}


def test_attaching_a_pending_upload_is_refused(api: Api) -> None:
    pending = create(api)["id"]
    response = api.call(
        "PATCH", f"/v1/blocks/{api.emulator.root_page_id}/children", {"children": [{"file": ref(pending)}]}
    )
    assert "pending" in error_of(response)
    assert api.ok("GET", f"/v1/file_uploads/{pending}")["expiry_time"] is not None


def test_another_integrations_upload_cannot_be_attached(api: Api, emu: NotionEmulator) -> None:
    other = emu.add_integration("Other", "ntn_other_token_for_attachments", shared=[emu.root_page_id])
    foreign = emu.add_file_upload(filename="x.txt", data=b"x", integration_id=other.id)
    response = api.call(
        "PATCH", f"/v1/blocks/{emu.root_page_id}/children", {"children": [{"file": ref(foreign.id)}]}
    )
    assert foreign.id in error_of(response)


def test_unattached_or_unknown_download_links_answer_404(api: Api) -> None:
    upload_id = uploaded(api)
    assert download(f"{api.emulator.base_url}/_files/{upload_id}/report.csv").status_code == 404
    assert download(f"{api.emulator.base_url}/_files/not-an-id/x").status_code == 404
