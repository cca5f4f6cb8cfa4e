"""File uploads against the emulator over real HTTP: create, multipart send, complete, retrieve, list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from emulator_support import V1, V2, V3, Api, create, error_of, send
from notion_emulator import NotionEmulator
from notion_emulator.util import utcnow

MIB = 1024 * 1024
CONTENT = b"This is test file content"


@pytest.fixture
def big_limit(emu: NotionEmulator) -> Iterator[NotionEmulator]:
    emu.set_max_file_upload_bytes(40 * MIB)
    try:
        yield emu
    finally:
        emu.set_max_file_upload_bytes(5_242_880)


# ---------------------------------------------------------------------- shapes per version
RECORDED_KEYS_V1 = [
    "object", "id", "created_time", "created_by", "last_edited_time", "expiry_time", "upload_url",
    "archived", "status", "filename", "content_type", "content_length", "request_id",
]  # fmt: skip
RECORDED_KEYS_V2 = [
    "object", "id", "created_time", "created_by", "last_edited_time", "expiry_time", "upload_url",
    "in_trash", "status", "filename", "content_type", "content_length", "archived", "request_id",
]  # fmt: skip


@pytest.mark.parametrize(
    ("version", "keys"),
    [(V1, RECORDED_KEYS_V1), (V2, RECORDED_KEYS_V2), (V3, [k for k in RECORDED_KEYS_V2 if k != "archived"])],
)
def test_create_single_part_has_the_recorded_keys_in_order(api: Api, version: str, keys: list[str]) -> None:
    api.version = version
    upload = create(api, mode="single_part", filename="test_file.txt", content_type="text/plain")
    assert list(upload) == keys
    assert upload["status"] == "pending"
    assert upload["content_length"] is None
    assert upload["created_by"] == {"id": api.emulator.default_integration().id, "type": "bot"}
    # The upload URL points back at the emulator, not at api.notion.com.
    assert upload["upload_url"] == f"{api.emulator.base_url}/v1/file_uploads/{upload['id']}/send"
    assert upload["expiry_time"][:13] == (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H")


def test_send_single_part_uploads_and_retrieve_reports_it(api: Api) -> None:
    upload = create(api)
    response = send(api, upload["id"], CONTENT)
    assert response.status_code == 200, response.text
    sent = response.json()
    assert sent["status"] == "uploaded"
    assert sent["content_length"] == len(CONTENT)
    assert "upload_url" not in sent
    fetched = api.ok("GET", f"/v1/file_uploads/{upload['id']}")
    assert {k: v for k, v in fetched.items() if k != "request_id"} == {
        k: v for k, v in sent.items() if k != "request_id"
    }
    [record] = api.emulator.state.file_uploads.all()
    assert record.data == CONTENT


def test_filename_and_content_type_come_from_the_part_when_create_left_them_out(api: Api) -> None:
    upload = create(api, mode="single_part")
    assert upload["filename"] is None
    sent = send(api, upload["id"], CONTENT, name="notes.txt").json()
    assert (sent["filename"], sent["content_type"]) == ("notes.txt", "text/plain")


def test_second_send_to_an_uploaded_file_is_refused(api: Api) -> None:
    upload = create(api)
    assert send(api, upload["id"], CONTENT).status_code == 200
    assert "uploaded" in error_of(send(api, upload["id"], CONTENT))


def test_workspace_limit_is_reported_and_enforced(api: Api, emu: NotionEmulator) -> None:
    api.version = V2
    me = api.ok("GET", "/v1/users/me")
    assert me["bot"]["workspace_limits"] == {"max_file_upload_size_in_bytes": 5_242_880}
    upload = create(api)
    assert "exceeds" in error_of(send(api, upload["id"], b"x" * (5_242_880 + 1)))
    emu.set_max_file_upload_bytes(10)
    try:
        assert api.ok("GET", "/v1/users/me")["bot"]["workspace_limits"]["max_file_upload_size_in_bytes"] == 10
        assert "10 bytes" in error_of(send(api, create(api)["id"], b"x" * 11))
        assert send(api, create(api)["id"], b"x" * 10).status_code == 200
    finally:
        emu.set_max_file_upload_bytes(5_242_880)


# ---------------------------------------------------------------------- multi-part
def test_multi_part_parts_in_any_order_then_complete(api: Api, big_limit: NotionEmulator) -> None:
    api.version = V1
    upload = create(api, mode="multi_part", filename="big.bin", content_type="text/plain", number_of_parts=3)
    assert upload["number_of_parts"] == {"total": 3, "sent": 0}
    parts = {1: b"a" * (5 * MIB), 2: b"b" * (5 * MIB), 3: b"tail"}
    for number, sent_count in ((2, 1), (3, 2), (1, 3)):
        response = send(api, upload["id"], parts[number], part=number)
        assert response.status_code == 200, response.text
        assert response.json()["number_of_parts"] == {"total": 3, "sent": sent_count}
        assert response.json()["status"] == "pending"
    done = api.ok("POST", f"/v1/file_uploads/{upload['id']}/complete")
    assert done["status"] == "uploaded"
    assert done["content_length"] == 10 * MIB + 4
    assert "upload_url" not in done
    [record] = big_limit.state.file_uploads.all()
    assert record.data == parts[1] + parts[2] + parts[3]


def test_complete_needs_every_part(api: Api) -> None:
    upload = create(api, mode="multi_part", filename="big.bin", number_of_parts=2)
    assert send(api, upload["id"], b"last", part=2).status_code == 200
    message = error_of(api.call("POST", f"/v1/file_uploads/{upload['id']}/complete"))
    assert "missing part(s): 1" in message
    assert api.ok("GET", f"/v1/file_uploads/{upload['id']}")["status"] == "pending"


def test_only_the_last_part_may_be_smaller_than_5_mib(api: Api, big_limit: NotionEmulator) -> None:
    upload = create(api, mode="multi_part", filename="big.bin", number_of_parts=2)
    send(api, upload["id"], b"small", part=1)
    send(api, upload["id"], b"x" * (5 * MIB), part=2)
    assert "Part 1" in error_of(api.call("POST", f"/v1/file_uploads/{upload['id']}/complete"))


def test_multi_part_over_the_workspace_limit_fails(api: Api) -> None:
    upload = create(api, mode="multi_part", filename="big.bin", number_of_parts=2)
    send(api, upload["id"], b"a" * (5 * MIB), part=1)
    send(api, upload["id"], b"b", part=2)
    assert "exceeds" in error_of(api.call("POST", f"/v1/file_uploads/{upload['id']}/complete"))
    assert api.ok("GET", f"/v1/file_uploads/{upload['id']}")["status"] == "failed"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"mode": "multi_part", "filename": "x.bin"}, "number_of_parts"),
        ({"mode": "multi_part", "number_of_parts": 2}, "filename"),
        ({"mode": "multi_part", "filename": "x.bin", "number_of_parts": 0}, "between 1 and 1000"),
        ({"mode": "single_part", "number_of_parts": 2}, "only be provided"),
        ({"mode": "streaming"}, "body.mode should be one of"),
        ({"mode": "external_url", "filename": "x.pdf", "external_url": "http://x/y.pdf"}, "https://"),
        ({"mode": "external_url", "external_url": "https://x/y.pdf"}, "filename"),
        ({"external_url": "https://x/y.pdf"}, "only be provided"),
        ({"filename": ""}, "non-empty"),
        ({"content_type": "plain"}, "MIME type"),
    ],
)
def test_create_validation(api: Api, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error_of(api.call("POST", "/v1/file_uploads", body))


def test_part_number_rules(api: Api) -> None:
    multi = create(api, mode="multi_part", filename="big.bin", number_of_parts=2)
    assert "part_number should be defined" in error_of(send(api, multi["id"], b"x"))
    assert "between 1 and 2" in error_of(send(api, multi["id"], b"x", part=3))
    single = create(api)
    assert "should be not present" in error_of(send(api, single["id"], b"x", part=1))
    assert "single_part" in error_of(api.call("POST", f"/v1/file_uploads/{single['id']}/complete"))


def test_send_needs_a_multipart_body_with_a_file_field(api: Api) -> None:
    upload = create(api)
    assert "multipart/form-data" in error_of(api.call("POST", f"/v1/file_uploads/{upload['id']}/send", {}))
    response = api.session.post(
        f"{api.emulator.base_url}/v1/file_uploads/{upload['id']}/send",
        files={"other": ("a.txt", b"x")},
        headers={"Authorization": f"Bearer {api.token}", "Notion-Version": api.version},
    )
    assert "body.file should be defined" in error_of(response)


# ---------------------------------------------------------------------- external URL, expiry
def test_external_url_import_finishes_on_retrieve(api: Api) -> None:
    upload = create(
        api, mode="external_url", filename="test_file.pdf", external_url="https://example.com/dummy.pdf"
    )
    assert (upload["status"], upload["content_type"]) == ("pending", "application/pdf")
    assert "external_url" in error_of(send(api, upload["id"], b"%PDF"))
    fetched = api.ok("GET", f"/v1/file_uploads/{upload['id']}")
    assert fetched["status"] == "uploaded"
    assert fetched["file_import_result"]["type"] == "success"


def test_pending_uploads_expire_after_an_hour(api: Api, emu: NotionEmulator) -> None:
    upload = create(api)
    [record] = emu.state.file_uploads.all()
    record.expires_at = utcnow() - timedelta(seconds=1)
    fetched = api.ok("GET", f"/v1/file_uploads/{upload['id']}")
    assert (fetched["status"], fetched["expiry_time"]) == ("expired", None)
    assert "upload_url" not in fetched
    assert "expired" in error_of(send(api, upload["id"], CONTENT))


# ---------------------------------------------------------------------- list, privacy, errors
def test_list_newest_first_paginated_and_filtered(api: Api, emu: NotionEmulator) -> None:
    ids = [create(api, filename=f"f{i}.txt")["id"] for i in range(3)]
    send(api, ids[0], CONTENT)
    first = api.ok("GET", "/v1/file_uploads?page_size=2")
    assert (first["type"], first["file_upload"], first["has_more"]) == ("file_upload", {}, True)
    assert [u["id"] for u in first["results"]] == [ids[2], ids[1]]
    rest = api.ok("GET", f"/v1/file_uploads?page_size=2&start_cursor={first['next_cursor']}")
    assert [u["id"] for u in rest["results"]] == [ids[0]]
    assert rest["has_more"] is False
    pending = api.ok("GET", "/v1/file_uploads?status=pending")
    assert [u["id"] for u in pending["results"]] == [ids[2], ids[1]]
    uploaded = api.ok("GET", "/v1/file_uploads?status=uploaded")
    assert [u["id"] for u in uploaded["results"]] == [ids[0]]
    assert "query.status" in error_of(api.call("GET", "/v1/file_uploads?status=done"))


def test_uploads_are_private_to_their_integration(api: Api, emu: NotionEmulator) -> None:
    upload = create(api)
    emu.add_integration("Other", "ntn_other_integration_token")
    other = Api(emu, token="ntn_other_integration_token")
    error_of(other.call("GET", f"/v1/file_uploads/{upload['id']}"), 404, "object_not_found")
    error_of(send(other, upload["id"], CONTENT), 404, "object_not_found")
    assert other.ok("GET", "/v1/file_uploads")["results"] == []


def test_insert_content_capability_is_needed_to_upload(emu: NotionEmulator) -> None:
    emu.add_integration("Reader", "ntn_reader_only_token", capabilities={"read_content"})
    reader = Api(emu, token="ntn_reader_only_token")
    error_of(reader.call("POST", "/v1/file_uploads", {}), 403, "restricted_resource")


def test_unknown_or_malformed_ids(api: Api) -> None:
    error_of(
        api.call("GET", "/v1/file_uploads/00000000-0000-4000-8000-000000000000"), 404, "object_not_found"
    )
    assert "path.file_upload_id" in error_of(api.call("GET", "/v1/file_uploads/not-an-id"))


def test_direct_seeding_api(api: Api, emu: NotionEmulator) -> None:
    emu.add_file_upload(filename="old.pdf", status="expired")
    emu.add_file_upload(filename="done.txt", data=CONTENT)
    listed = api.ok("GET", "/v1/file_uploads")["results"]
    assert {(u["filename"], u["status"], u["content_length"]) for u in listed} == {
        ("old.pdf", "expired", None),
        ("done.txt", "uploaded", len(CONTENT)),
    }


def test_limit_can_be_set_when_constructing_the_emulator() -> None:
    with NotionEmulator(max_file_upload_bytes=1234) as emulator:
        api = Api(emulator, version=V2)
        limits = api.ok("GET", "/v1/users/me")["bot"]["workspace_limits"]
        assert limits == {"max_file_upload_size_in_bytes": 1234}
        assert "1234 bytes" in error_of(send(api, create(api)["id"], b"x" * 1235))
