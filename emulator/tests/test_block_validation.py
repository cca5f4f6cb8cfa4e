"""Block payloads are validated against the block type and two levels of nested children
per request are allowed, a third refused (item 5), with Notion's ``body failed validation`` messages."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import Api, title


def _para(text: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"rich_text": title(text)}
    if children is not None:
        content["children"] = children
    return {"type": "paragraph", "paragraph": content}


def _toggle(text: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "toggle", "toggle": {"rich_text": title(text), "children": children}}


def _append(api: Api, parent: str, children: list[Any]) -> Any:
    return api.call("PATCH", f"/v1/blocks/{parent}/children", {"children": children})


def _refused(response: Any, message: str) -> None:
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["message"] == message


@pytest.fixture
def page(api: Api) -> str:
    body = {"parent": {"page_id": api.emulator.root_page_id}, "properties": {"title": title("Doc")}}
    page_id: str = api.ok("POST", "/v1/pages", body)["id"]
    return page_id


# ---------------------------------------------------------------------- item 3: types and children


def test_unknown_block_type_is_refused(api: Api, page: str) -> None:
    response = _append(api, page, [{"type": "nonsense", "nonsense": {}}])
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("body failed validation: body.children[0].type should be one of `embed`")
    assert 'instead was `"nonsense"`.' in message
    untyped = _append(api, page, [{"nonsense": {}}])
    assert untyped.status_code == 400
    lines = untyped.json()["message"].split("\n")
    assert lines[0] == "body failed validation. Fix one:"
    assert "body.children[0].paragraph should be defined, instead was `undefined`." in lines
    assert api.emulator.state.block_children_of(page) == []


def test_children_under_a_divider_are_refused(api: Api, page: str) -> None:
    divider = {"type": "divider", "divider": {"children": [_para("x")]}}
    _refused(
        _append(api, page, [divider]),
        "body failed validation: body.children[0].divider.children should be not present, instead was "
        '`[{"type":"paragraph","paragraph":{"rich_text":[{"type":...`.',
    )
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [{"divider": {}}]})["results"][0]
    refused = _append(api, made["id"], [_para("x")])
    assert refused.status_code == 400
    assert refused.json()["code"] == "validation_error"
    assert api.emulator.state.block_children_of(made["id"]) == []


def test_heading_takes_children_only_when_toggleable(api: Api, page: str) -> None:
    plain = {"heading_2": {"rich_text": title("h"), "children": [_para("x")]}}
    assert _append(api, page, [plain]).status_code == 400
    toggleable = {"heading_2": {"rich_text": title("h"), "is_toggleable": True, "children": [_para("x")]}}
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [toggleable]})["results"][0]
    assert made["has_children"] is True


def test_two_type_keys_are_refused(api: Api, page: str) -> None:
    _refused(
        _append(api, page, [{"paragraph": {"rich_text": []}, "toggle": {"rich_text": []}}]),
        "body failed validation: body.children[0].toggle should be not present, instead was "
        '`{"rich_text":[]}`.',
    )


def test_patch_body_for_another_block_type_is_refused(api: Api, page: str) -> None:
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [_para("keep")]})["results"][0]
    response = api.call("PATCH", f"/v1/blocks/{made['id']}", {"heading_1": {"rich_text": title("changed")}})
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["message"].startswith("body failed validation: body.heading_1 should be not present")
    assert api.ok("GET", f"/v1/blocks/{made['id']}")["paragraph"]["rich_text"][0]["plain_text"] == "keep"
    with_children = api.call(
        "PATCH", f"/v1/blocks/{made['id']}", {"paragraph": {"rich_text": [], "children": [_para("x")]}}
    )
    assert with_children.status_code == 400
    assert "body.paragraph.children should be not present" in with_children.json()["message"]
    typed = api.call(
        "PATCH", f"/v1/blocks/{made['id']}", {"type": "paragraph", "paragraph": {"rich_text": []}}
    )
    assert typed.status_code == 400
    assert typed.json()["message"].startswith("body failed validation: body.type should be not present")
    # The matching type still updates.
    edited = api.ok("PATCH", f"/v1/blocks/{made['id']}", {"paragraph": {"rich_text": title("edited")}})
    assert edited["paragraph"]["rich_text"][0]["plain_text"] == "edited"


# ---------------------------------------------------------------------- item 5: nesting


def test_two_levels_of_nesting_are_allowed(api: Api, page: str) -> None:
    tree = _toggle("level 1", [_para("level 2", [_para("level 3")])])
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [tree]})["results"][0]
    (level2,) = api.emulator.state.block_children_of(made["id"])
    (level3,) = api.emulator.state.block_children_of(level2["id"])
    assert level3["paragraph"]["rich_text"][0]["plain_text"] == "level 3"


def test_a_third_level_is_refused_as_notion_does(api: Api, page: str) -> None:
    tree = _toggle("1", [_para("2", [_para("3", [_para("4")])])])
    _refused(
        _append(api, page, [tree]),
        "body failed validation: body.children[0].toggle.children[0].paragraph.children[0].paragraph.children "
        'should be not present, instead was `[{"type":"paragraph","paragraph":{"rich_text":[{"type":...`.',
    )
    assert api.emulator.state.block_children_of(page) == []


def test_column_list_with_columns_creates_columns(api: Api, page: str) -> None:
    columns = {
        "type": "column_list",
        "column_list": {
            "children": [
                {"type": "column", "column": {"children": [_para("left")]}},
                {"type": "column", "column": {"children": [_para("right")]}},
            ]
        },
    }
    made = api.ok("PATCH", f"/v1/blocks/{page}/children", {"children": [columns]})["results"][0]
    assert made["type"] == "column_list"
    made_columns = api.ok("GET", f"/v1/blocks/{made['id']}/children")["results"]
    assert [c["type"] for c in made_columns] == ["column", "column"]
    left = api.ok("GET", f"/v1/blocks/{made_columns[0]['id']}/children")["results"]
    assert left[0]["paragraph"]["rich_text"][0]["plain_text"] == "left"


def test_column_rules(api: Api, page: str) -> None:
    lone_column = {"type": "column", "column": {"children": [_para("x")]}}
    assert _append(api, page, [lone_column]).status_code == 400
    not_a_column = {"type": "column_list", "column_list": {"children": [_para("x")]}}
    _refused(
        _append(api, page, [not_a_column]),
        "body failed validation: body.children[0].column_list.children[0].column should be defined, instead was "
        "`undefined`.",
    )
    empty = {"type": "column_list", "column_list": {}}
    _refused(
        _append(api, page, [empty]),
        "body failed validation: body.children[0].column_list.children should be defined, instead was `undefined`.",
    )


def test_page_create_children_follow_the_same_rules(api: Api) -> None:
    parent = {"page_id": api.emulator.root_page_id}
    ok = api.call(
        "POST",
        "/v1/pages",
        {
            "parent": parent,
            "properties": {"title": title("p")},
            "children": [_toggle("1", [_para("2", [_para("3")])])],
        },
    )
    assert ok.status_code == 200, ok.text
    refused = api.call(
        "POST",
        "/v1/pages",
        {"parent": parent, "properties": {"title": title("q")}, "children": [{"type": "nope", "nope": {}}]},
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"paragraph": {}},
            "body failed validation: body.children[0].paragraph.rich_text should be defined, instead was `undefined`.",
        ),
        (
            {"type": "equation", "equation": {}},
            "body failed validation: body.children[0].equation.expression should be defined, instead was `undefined`.",
        ),
        (
            {"type": "bookmark"},
            "body failed validation: body.children[0].bookmark should be defined, instead was `undefined`.",
        ),
    ],
)
def test_required_block_fields(api: Api, page: str, block: dict[str, Any], message: str) -> None:
    _refused(_append(api, page, [block]), message)
