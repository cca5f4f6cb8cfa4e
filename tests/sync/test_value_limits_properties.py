"""Property-based agreement of the one value validator with the emulator's model of Notion (Hypothesis).

Values near every size limit (one character under, at, one over) are generated as Notion property values and
sent, unchecked, to the emulator over HTTP as a page create. ``check_property_value`` must refuse a value
exactly when the emulator answers 400: a sync refuses before its first write what Notion would refuse, and
nothing Notion accepts. A limit that changes on one side only fails here.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionApiError, NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.rules.payloads import (
    MAX_ARRAY_LENGTH,
    MAX_EMAIL_OR_PHONE_LENGTH,
    MAX_FILE_NAME_LENGTH,
    MAX_OPTION_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
    check_property_value,
)

pytest_plugins = ["notion_emulator.pytest_plugin"]

EXAMPLES = 60
SCHEMA = {
    "Name": {"title": {}},
    "Notes": {"rich_text": {}},
    "Stage": {"select": {}},
    "Tags": {"multi_select": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Related": {"relation": {"data_source_id": str(uuid.UUID(int=1)), "single_property": {}}},
    "Files": {"files": {}},
}


def near(limit: int) -> st.SearchStrategy[int]:
    """A length just under, at or just over ``limit``."""
    return st.sampled_from([1, limit - 1, limit, limit + 1])


def text_items(count: int, longest: int, link: int | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"type": "text", "text": {"content": "t"}} for _ in range(count)]
    items[0]["text"]["content"] = "L" * longest
    if link is not None:
        items[-1]["text"]["link"] = {"url": "https://e.com/" + "u" * (link - len("https://e.com/"))}
    return items


def name(length: int, comma: bool) -> str:
    return ("a," if comma else "") + "n" * max(1, length - (2 if comma else 0))


VALUES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "Notes": st.builds(
        lambda count, longest, link: {"rich_text": text_items(count, longest, link)},
        near(MAX_ARRAY_LENGTH),
        near(MAX_TEXT_LENGTH),
        st.none() | near(MAX_URL_LENGTH),
    ),
    "Stage": st.builds(
        lambda length, comma: {"select": {"name": name(length, comma)}},
        near(MAX_OPTION_NAME_LENGTH),
        st.booleans(),
    ),
    "Tags": st.builds(
        lambda count, length, comma: {
            "multi_select": [{"name": name(length, comma)}] + [{"name": f"o{i}"} for i in range(count - 1)]
        },
        near(MAX_ARRAY_LENGTH),
        near(MAX_OPTION_NAME_LENGTH),
        st.booleans(),
    ),
    "Link": st.builds(lambda length: {"url": "https://e.com/" + "u" * (length - 14)}, near(MAX_URL_LENGTH)),
    "Mail": st.builds(
        lambda length: {"email": "m" * (length - 6) + "@e.com"}, near(MAX_EMAIL_OR_PHONE_LENGTH)
    ),
    "Phone": st.builds(lambda length: {"phone_number": "5" * length}, near(MAX_EMAIL_OR_PHONE_LENGTH)),
    "Related": st.builds(
        lambda count: {"relation": [{"id": str(uuid.UUID(int=i + 2))} for i in range(count)]},
        near(MAX_ARRAY_LENGTH),
    ),
    "Files": st.builds(
        lambda count, url, file_name: {
            "files": [
                {
                    "type": "external",
                    "name": "f" * file_name,
                    "external": {"url": "https://e.com/" + "u" * (url - 14)},
                }
            ]
            + [
                {"type": "external", "name": "f", "external": {"url": "https://e.com/f"}}
                for _ in range(count - 1)
            ]
        },
        near(MAX_ARRAY_LENGTH),
        near(MAX_URL_LENGTH),
        near(MAX_FILE_NAME_LENGTH),
    ),
}


@pytest.fixture
def hook(notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**notion_emulator.airflow_conn_dict, "extra": {"notion_version": "2022-06-28"}}),
    )
    return NotionHook(requests_per_second=None)


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(column=st.sampled_from(sorted(VALUES)), data=st.data())
def test_the_validator_refuses_exactly_what_the_emulator_refuses(
    notion_emulator: NotionEmulator, hook: NotionHook, column: str, data: st.DataObject
) -> None:
    value = data.draw(VALUES[column], label=column)
    # A fresh database per example: options added by earlier examples count towards a select's 100.
    database = notion_emulator.add_database(
        parent_id=notion_emulator.root_page_id, title="L", properties=SCHEMA
    )
    try:
        check_property_value(value, f"properties.{column}")
        refused = None
    except NotionInputError as error:
        refused = error
    body = {"parent": {"database_id": database["id"]}, "properties": {"Name": {"title": []}, column: value}}
    try:
        hook.request("POST", "/pages", json=body)
        answered: tuple[int, str | None] = (200, None)
    except NotionApiError as error:
        answered = (error.status, error.code)
    assert answered in ((200, None), (400, "validation_error")), answered
    assert (answered[0] == 400) == (refused is not None), (refused, answered)
    if refused is not None:
        assert refused.field == f"properties.{column}" and len(str(refused)) < 300
