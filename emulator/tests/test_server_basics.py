"""Users, auth, versions, error shapes, capabilities, pagination of users."""

from __future__ import annotations

import requests
from emulator_support import V1, V2, V3, Api
from notion_emulator import NotionEmulator

DEMO_TOKEN = "ntn_demo_airflow_notion_provider_0000000000000000"


def test_users_me_shapes_per_version(api: Api) -> None:
    v1 = api.ok("GET", "/v1/users/me", version=V1)
    v3 = api.ok("GET", "/v1/users/me", version=V3)
    assert v1["type"] == "bot"
    assert v1["object"] == "user"
    assert "workspace_id" not in v1["bot"]
    assert v3["bot"]["workspace_id"] == "5d3c1a4e-8f2b-4b6a-9c1d-0a1b2c3d4e5f"
    assert v3["bot"]["workspace_limits"] == {"max_file_upload_size_in_bytes": 5242880}
    assert v3["bot"]["owner"] == {"type": "workspace", "workspace": True}
    assert len(v3["request_id"]) == 36
    assert v1["request_id"] != v3["request_id"]


def test_demo_token_and_connection_values(emu: NotionEmulator) -> None:
    assert emu.token == DEMO_TOKEN
    assert emu.base_url.startswith("http://127.0.0.1:")
    conn = emu.airflow_conn_dict
    assert conn == {
        "conn_type": "notion",
        "host": emu.base_url,
        "password": DEMO_TOKEN,
        "extra": {"notion_version": "2026-03-11"},
    }
    assert DEMO_TOKEN in emu.airflow_conn_uri
    assert "http%3A%2F%2F127.0.0.1" in emu.airflow_conn_uri
    assert DEMO_TOKEN not in repr(emu)


def test_bad_token_is_401(api: Api) -> None:
    bad = Api(api.emulator, token="ntn_wrong")
    response = bad.call("GET", "/v1/users/me")
    assert response.status_code == 401
    body = response.json()
    assert body["object"] == "error"
    assert body["code"] == "unauthorized"
    assert body["message"] == "API token is invalid."
    missing = requests.get(api.emulator.base_url + "/v1/users/me", headers={"Notion-Version": V3}, timeout=5)
    assert missing.status_code == 401


def test_missing_and_unknown_version(api: Api) -> None:
    response = requests.get(
        api.emulator.base_url + "/v1/users/me", headers={"Authorization": f"Bearer {api.token}"}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["code"] == "missing_version"
    unknown = api.call("GET", "/v1/users/me", version="2099-01-01")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "validation_error"
    assert "2099-01-01" in unknown.json()["message"]


def test_unknown_path_and_bad_json(api: Api) -> None:
    response = api.call("GET", "/v1/invalid")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request_url"
    assert response.json()["message"] == "Invalid request URL."
    bad = api.call("POST", "/v1/search", data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_json"


def test_data_source_endpoints_do_not_exist_in_2022(api: Api) -> None:
    response = api.call("GET", f"/v1/data_sources/{api.emulator.root_page_id}", version=V1)
    assert response.json()["code"] == "invalid_request_url"


def test_users_list_paginated_with_emails(api: Api) -> None:
    first = api.ok("GET", "/v1/users", params={"page_size": 2})
    assert first["type"] == "user"
    assert first["user"] == {}
    assert first["has_more"] is True
    second = api.ok("GET", "/v1/users", params={"page_size": 2, "start_cursor": first["next_cursor"]})
    assert second["has_more"] is False
    assert second["next_cursor"] is None
    users = first["results"] + second["results"]
    assert [u["type"] for u in users] == ["person", "person", "person", "bot"]
    assert users[0]["person"]["email"] == "ada@example.com"
    one = api.ok("GET", f"/v1/users/{users[1]['id']}")
    assert one["name"] == "Grace Hopper"


def test_bad_page_size_and_cursor(api: Api) -> None:
    assert api.call("GET", "/v1/users", params={"page_size": 101}).json()["code"] == "validation_error"
    assert api.call("GET", "/v1/users", params={"page_size": "x"}).status_code == 400
    assert (
        api.call("GET", "/v1/users", params={"start_cursor": "garbage"}).json()["code"] == "validation_error"
    )
    assert api.call("POST", "/v1/search", {"page_size": 0}).json()["code"] == "validation_error"


def test_missing_capability_is_403(emu: NotionEmulator) -> None:
    emu.add_integration("Reader", "ntn_reader", capabilities={"read_content"}, shared=[emu.root_page_id])
    reader = Api(emu, token="ntn_reader")
    assert reader.call("GET", "/v1/users/me").status_code == 200
    forbidden = reader.call("GET", "/v1/users")
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "restricted_resource"
    create = reader.call("POST", "/v1/pages", {"parent": {"page_id": emu.root_page_id}, "properties": {}})
    assert create.status_code == 403
    assert reader.call("GET", f"/v1/pages/{emu.root_page_id}").status_code == 200


def test_unshared_objects_are_404_worded_like_notion(emu: NotionEmulator, api: Api) -> None:
    hidden = emu.add_page(title="Private")  # workspace level, not shared
    response = api.call("GET", f"/v1/pages/{hidden['id']}")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "object_not_found"
    assert body["message"] == (
        f"Could not find page with ID: {hidden['id']}. Make sure the relevant pages and databases are shared "
        'with your integration "Airflow demo".'
    )
    assert body["additional_data"] == {"integration_id": emu.default_integration().id}
    emu.share(hidden["id"])
    assert api.call("GET", f"/v1/pages/{hidden['id']}").status_code == 200


def test_ids_without_dashes_and_invalid_ids(api: Api) -> None:
    compact = api.emulator.root_page_id.replace("-", "")
    assert api.ok("GET", f"/v1/pages/{compact}")["id"] == api.emulator.root_page_id
    bad = api.call("GET", "/v1/pages/not-a-uuid")
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"


def test_request_log_never_holds_the_token(api: Api) -> None:
    api.emulator.clear_request_log()
    api.ok("GET", "/v1/users/me", version=V2)
    log = api.emulator.request_log
    assert len(log) == 1
    record = log[0]
    assert (record.method, record.path, record.status, record.notion_version) == (
        "GET",
        "/v1/users/me",
        200,
        V2,
    )
    assert record.response_bytes > 0
    assert api.token not in repr(record.to_dict())
