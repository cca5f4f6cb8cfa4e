"""Helpers for the emulator tests: API versions, a keep-alive client, database builders."""

from __future__ import annotations

from typing import Any

import requests
from notion_emulator import NotionEmulator

V1 = "2022-06-28"
V2 = "2025-09-03"
V3 = "2026-03-11"


class Api:
    """A keep-alive ``requests`` client for the emulator, with a default Notion-Version."""

    def __init__(self, emulator: NotionEmulator, version: str = V3, token: str | None = None) -> None:
        self.emulator = emulator
        self.version = version
        self.token = token or emulator.token
        self.session = requests.Session()

    def call(
        self, method: str, path: str, body: Any = None, *, version: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", "Notion-Version": version or self.version}
        headers.update(kwargs.pop("headers", {}))
        return self.session.request(
            method, self.emulator.base_url + path, json=body, headers=headers, timeout=10, **kwargs
        )

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, path, body, **kwargs)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data


def title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def make_database(api: Api, parent: str, name: str = "Tasks", **schema: Any) -> dict[str, Any]:
    props = {"Name": {"title": {}}, "Count": {"number": {}}, "Tag": {"select": {"options": [{"name": "a"}]}}}
    props.update(schema)
    if api.version == V1:
        return api.ok(
            "POST",
            "/v1/databases",
            {"parent": {"page_id": parent}, "title": title(name), "properties": props},
        )
    return api.ok(
        "POST",
        "/v1/databases",
        {"parent": {"page_id": parent}, "title": title(name), "initial_data_source": {"properties": props}},
    )


def create(api: Api, **body: Any) -> dict[str, Any]:
    return api.ok("POST", "/v1/file_uploads", body or {"filename": "a.txt", "content_type": "text/plain"})


def send(
    api: Api, upload_id: str, data: bytes, *, part: int | None = None, name: str = "a.txt"
) -> requests.Response:
    files: dict[str, tuple[str | None, bytes | str] | tuple[str | None, bytes | str, str]] = {
        "file": (name, data, "text/plain")
    }
    if part is not None:
        files["part_number"] = (None, str(part))
    # requests sets the multipart Content-Type with its boundary itself.
    return api.session.post(
        f"{api.emulator.base_url}/v1/file_uploads/{upload_id}/send",
        files=files,
        headers={"Authorization": f"Bearer {api.token}", "Notion-Version": api.version},
        timeout=10,
    )


def error_of(response: requests.Response, status: int = 400, code: str = "validation_error") -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    message: str = body["message"]
    return message
