"""Read the recorded real Notion responses in emulator/tests/fixtures/cassettes (MIT, see the LICENSE files there)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

CASSETTES = Path(__file__).parent / "fixtures" / "cassettes"
FOLDERS = {"2022-06-28": "notion-sdk-py_2022-06-28", "2025-09-03": "notion-sdk-py_2025-09-03"}


@dataclass(frozen=True)
class Interaction:
    method: str
    path: str
    query: str
    request_body: Any
    status: int
    body: Any


def _json_or_text(text: Any) -> Any:
    if text in (None, ""):
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def interactions(version: str, name: str) -> list[Interaction]:
    """Every request/response pair of one cassette, e.g. ``interactions("2025-09-03", "test_users_me")``."""
    data = yaml.safe_load((CASSETTES / FOLDERS[version] / f"{name}.yaml").read_text())
    found = []
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        uri = urlsplit(request["uri"])
        if "body" in response and isinstance(response["body"], dict):
            status, text = response["status"]["code"], response["body"].get("string")
        else:
            status, text = response["status_code"], response.get("content")
        found.append(
            Interaction(
                method=request["method"],
                path=uri.path,
                query=uri.query,
                request_body=_json_or_text(request.get("body")),
                status=int(status),
                body=_json_or_text(text),
            )
        )
    return found


def response(version: str, name: str, method: str, path_contains: str = "") -> Any:
    """The recorded body of the first matching request in a cassette."""
    for item in interactions(version, name):
        if item.method == method and path_contains in item.path:
            return item.body
    raise LookupError(f"no {method} {path_contains} in {name} ({version})")
