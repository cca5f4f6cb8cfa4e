"""What Notion answers, per API version: key sets of recorded objects (fixtures/cassettes, MIT) and the
documented 2026-03-11 change (``archived`` removed everywhere, ``in_trash`` only: Notion's upgrade guide)."""

from __future__ import annotations

from typing import Any

from recorded_notion import response

V1, V2, V3 = "2022-06-28", "2025-09-03", "2026-03-11"
IGNORED = {"request_id"}

# object kind -> (cassette, method, path fragment, how to reach the object in the recorded body)
_RECORDED: dict[str, tuple[str, str, str, str]] = {
    "bot": ("test_users_me", "GET", "/v1/users/me", ""),
    "user_list": ("test_users_list", "GET", "/v1/users", ""),
    "page": ("test_pages_retrieve", "GET", "/v1/pages/", ""),
    "child_page_block": ("test_pages_retrieve", "DELETE", "/v1/blocks/", ""),
    "database": ("test_databases_retrieve", "GET", "/v1/databases/", ""),
    "block_list": ("test_blocks_children_list", "GET", "/children", ""),
    "paragraph_block": ("test_blocks_children_create", "PATCH", "/children", "results.0"),
    "search_list": ("test_search", "POST", "/v1/search", ""),
    "file_upload_pending": ("test_file_uploads_create", "POST", "/v1/file_uploads", ""),
    "file_upload_list": ("test_file_uploads_list_with_pagination", "GET", "/v1/file_uploads", ""),
    "error": ("test_api_response_error", "GET", "/v1/invalid", ""),
    "data_source": ("test_data_sources_retrieve", "GET", "/v1/data_sources/", ""),
    "query_list": ("test_data_sources_query", "POST", "/query", ""),
}
# Recorded only under 2025-09-03 (data sources do not exist in 2022-06-28) or only under 2022-06-28.
_ONLY_V2 = {"data_source", "query_list"}
_V1_QUERY = ("test_databases_query", "POST", "/query", "")
_PROPERTY_ITEM_LIST = ("test_pages_properties_retrieve", "GET", "/properties/", "")


def recorded(kind: str, version: str) -> Any:
    """The recorded body standing for ``kind`` under ``version`` (2026-03-11 uses the 2025-09-03 recording)."""
    source_version = V1 if version == V1 else V2
    if kind == "query_list" and version == V1:
        cassette, method, fragment, reach = _V1_QUERY
    elif kind == "property_item_list":
        # Recorded with 2022-06-28 only; the endpoint's shape is the same in every version (API reference).
        source_version = V1
        cassette, method, fragment, reach = _PROPERTY_ITEM_LIST
    else:
        if kind in _ONLY_V2 and version == V1:
            raise LookupError(f"{kind} does not exist in {V1}")
        cassette, method, fragment, reach = _RECORDED[kind]
    body = response(source_version, cassette, method, fragment)
    for step in filter(None, reach.split(".")):
        body = body[int(step)] if step.isdigit() else body[step]
    if kind == "block_list" or kind == "search_list":
        return body
    return body


def expected_keys(kind: str, version: str) -> set[str]:
    keys = set(recorded(kind, version)) - IGNORED
    if version == V3:
        keys.discard("archived")
    return keys


def keys_of(obj: dict[str, Any]) -> set[str]:
    return set(obj) - IGNORED


# The JavaScript SDK's outcomes per endpoint and version, filled by test_js_sdk, printed by conftest.
JS_OUTCOMES: dict[str, dict[str, str]] = {}
