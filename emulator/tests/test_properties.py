"""Schema building, page property values and rich text of the emulator, checked against recorded shapes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.properties import (
    build_property_values,
    build_schema,
    empty_value,
    fill_computed_values,
    format_timestamp,
    page_title_values,
    resolve_property,
    update_schema,
)
from notion_emulator.richtext import expand_rich_text
from recorded_notion import CASSETTES

V1 = "2022-06-28"
V2 = "2025-09-03"
USER_ID = "7775f3a3-893f-43fa-b625-460c61094c78"
PAGE_ID = "393abc1e-edcd-8191-9a63-e96e455face5"


def recorded(folder: str, name: str, method: str, path_suffix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(request body, response body) of the first interaction with that method and URI ending."""
    data = yaml.safe_load((CASSETTES / folder / name).read_text())
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        if request["method"] == method and request["uri"].endswith(path_suffix):
            body = response["body"]["string"] if "body" in response else response["content"]
            return json.loads(request["body"] or "{}"), json.loads(body)
    raise AssertionError(f"no {method} …{path_suffix} in {name}")


def full_schema(api_version: str = V2) -> dict[str, dict[str, Any]]:
    return build_schema(
        {
            "Name": {"title": {}},
            "Notes": {"rich_text": {}},
            "Price": {"number": {"format": "dollar"}},
            "Done": {"checkbox": {}},
            "Kind": {"select": {"options": [{"name": "A", "color": "red"}, {"name": "B"}]}},
            "Tags": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}]}},
            "When": {"date": {}},
            "Owner": {"people": {}},
            "Links": {"relation": {"data_source_id": PAGE_ID, "single_property": {}}}
            if api_version == V2
            else {"relation": {"database_id": PAGE_ID, "single_property": {}}},
            "Attachments": {"files": {}},
            "Site": {"url": {}},
            "Mail": {"email": {}},
            "Phone": {"phone_number": {}},
            "Ticket": {"unique_id": {"prefix": "T"}},
            "Created": {"created_time": {}},
            "Edited": {"last_edited_time": {}},
            "Author": {"created_by": {}},
            "Editor": {"last_edited_by": {}},
        },
        api_version=api_version,
    )


def text(content: str) -> list[dict[str, Any]]:
    return [{"text": {"content": content}}]


# ------------------------------------------------------------------------------------------ rich text


def test_expand_rich_text_matches_recorded_page_title() -> None:
    request, response = recorded(f"notion-sdk-py_{V2}", "test_pages_create.yaml", "POST", "/v1/pages")
    assert expand_rich_text(request["properties"]["title"]) == response["properties"]["title"]["title"]


def test_expand_rich_text_link_annotations_and_equation() -> None:
    expanded = expand_rich_text(
        [
            {
                "type": "text",
                "text": {"content": "site", "link": {"url": "https://x.test"}},
                "annotations": {"bold": True},
            },
            {"equation": {"expression": "e=mc^2"}},
        ]
    )
    assert expanded[0]["href"] == "https://x.test"
    assert expanded[0]["text"] == {"content": "site", "link": {"url": "https://x.test"}}
    assert expanded[0]["annotations"] == {
        "bold": True,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": False,
        "color": "default",
    }
    assert expanded[1]["type"] == "equation"
    assert expanded[1]["plain_text"] == "e=mc^2"


def test_expand_rich_text_limits() -> None:
    assert expand_rich_text(text("a" * 2000))[0]["plain_text"] == "a" * 2000
    with pytest.raises(
        EmulatorValidationError, match=r"text\.content\.length should be ≤ `2000`, instead was `2001`"
    ):
        expand_rich_text(text("a" * 2001))
    assert len(expand_rich_text(text("a") * 100)) == 100
    with pytest.raises(EmulatorValidationError, match=r"length should be ≤ `100`, instead was `101`"):
        expand_rich_text(text("a") * 101)
    with pytest.raises(EmulatorValidationError, match=r"link\.url\.length"):
        expand_rich_text([{"text": {"content": "a", "link": {"url": "h" * 2001}}}])
    with pytest.raises(EmulatorValidationError, match=r"expression\.length should be ≤ `1000`"):
        expand_rich_text([{"equation": {"expression": "x" * 1001}}])


def test_expand_rich_text_rejects_bad_items() -> None:
    with pytest.raises(
        EmulatorValidationError, match=r"body\.rich_text\[0\]\.text\.content should be a string"
    ):
        expand_rich_text([{"text": {"content": 5}}])
    with pytest.raises(EmulatorValidationError, match=r"annotations\.color"):
        expand_rich_text([{"text": {"content": "a"}, "annotations": {"color": "neon"}}])
    with pytest.raises(EmulatorValidationError, match="should be an array"):
        expand_rich_text("abc")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ schema


def test_build_schema_matches_recorded_data_source() -> None:
    request, response = recorded(
        f"notion-sdk-py_{V2}", "test_data_sources_create.yaml", "POST", "/v1/data_sources"
    )
    assert build_schema(request["properties"], api_version=V2) == response["properties"]


def test_build_schema_matches_recorded_2022_database() -> None:
    request, response = recorded(f"notion-sdk-py_{V1}", "test_databases_query.yaml", "POST", "/v1/databases")
    assert build_schema(request["properties"], api_version=V1) == response["properties"]


def test_build_schema_shapes_per_type() -> None:
    schema = full_schema()
    assert list(schema) == [
        "Name", "Notes", "Price", "Done", "Kind", "Tags", "When", "Owner", "Links", "Attachments",
        "Site", "Mail", "Phone", "Ticket", "Created", "Edited", "Author", "Editor",
    ]  # fmt: skip
    ids = [entry["id"] for entry in schema.values()]
    assert ids[0] == "title"
    assert len(set(ids)) == len(ids)
    for entry_id in ids[1:]:
        # Short, opaque and URL-safe like Notion's (e.g. "%3AUPp").
        assert re.fullmatch(r"(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2}){1,4}", entry_id), entry_id
    assert schema["Notes"] == {"id": schema["Notes"]["id"], "name": "Notes", "description": None,
                               "type": "rich_text", "rich_text": {}}  # fmt: skip
    assert schema["Price"]["number"] == {"format": "dollar"}
    kind_options = schema["Kind"]["select"]["options"]
    assert [(o["name"], o["color"]) for o in kind_options] == [("A", "red"), ("B", "default")]
    assert all(re.fullmatch(r"[0-9a-f-]{36}", o["id"]) for o in kind_options)
    assert schema["Links"]["relation"] == {
        "data_source_id": PAGE_ID, "type": "single_property", "single_property": {}
    }  # fmt: skip
    assert schema["Ticket"]["unique_id"] == {"prefix": "T"}


def test_build_schema_2022_has_no_description_and_relation_by_database() -> None:
    schema = full_schema(V1)
    assert "description" not in schema["Notes"]
    assert schema["Links"]["relation"] == {
        "database_id": PAGE_ID,
        "type": "single_property",
        "single_property": {},
    }


def test_build_schema_status_default_options_and_groups() -> None:
    schema = build_schema({"Name": {"title": {}}, "State": {"status": {}}}, api_version=V2)
    status = schema["State"]["status"]
    assert [o["name"] for o in status["options"]] == ["Not started", "In progress", "Done"]
    assert [g["name"] for g in status["groups"]] == ["To-do", "In progress", "Complete"]
    assert [g["option_ids"] for g in status["groups"]] == [[o["id"]] for o in status["options"]]


def test_build_schema_errors() -> None:
    with pytest.raises(EmulatorValidationError, match="exactly one title property, instead has 0"):
        build_schema({"Notes": {"rich_text": {}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="exactly one title property, instead has 2"):
        build_schema({"A": {"title": {}}, "B": {"title": {}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="status"):
        build_schema({"Name": {"title": {}}, "State": {"status": {}}}, api_version=V1)
    options = [{"name": f"o{i}"} for i in range(101)]
    with pytest.raises(
        EmulatorValidationError, match=r"options\.length should be ≤ `100`, instead was `101`"
    ):
        build_schema({"Name": {"title": {}}, "Kind": {"select": {"options": options}}}, api_version=V2)
    assert len(build_schema({"Name": {"title": {}}, "K": {"select": {"options": options[:100]}}}, api_version=V2)
               ["K"]["select"]["options"]) == 100  # fmt: skip
    with pytest.raises(EmulatorValidationError, match="commas"):
        build_schema({"Name": {"title": {}}, "K": {"select": {"options": [{"name": "a,b"}]}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="number format"):
        build_schema({"Name": {"title": {}}, "P": {"number": {"format": "bitcoin"}}}, api_version=V2)
    # Formulas are supported for a documented subset; what is outside it fails loudly, naming it.
    with pytest.raises(EmulatorValidationError, match="does not support the formula function `regexMatch`"):
        build_schema(
            {"Name": {"title": {}}, "F": {"formula": {"expression": "regexMatch(1)"}}}, api_version=V2
        )
    with pytest.raises(
        EmulatorValidationError, match="does not support the rollup function `count_per_group`"
    ):
        build_schema(
            {"Name": {"title": {}}, "R": {"rollup": {"function": "count_per_group", "relation_property_name": "x",
                                                      "rollup_property_name": "y"}}},
            api_version=V2,
        )  # fmt: skip
    with pytest.raises(EmulatorValidationError, match="does not support verification"):
        build_schema({"Name": {"title": {}}, "V": {"verification": {}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="data_source_id should be a valid uuid"):
        build_schema({"Name": {"title": {}}, "R": {"relation": {"database_id": PAGE_ID}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="exactly one property type"):
        build_schema({"Name": {"title": {}, "rich_text": {}}}, api_version=V2)


def test_update_schema_add_rename_remove_keeps_ids_and_input() -> None:
    schema = full_schema()
    before = json.dumps(schema)
    notes_id = schema["Notes"]["id"]
    updated = update_schema(
        schema,
        {
            notes_id: {"name": "Comments"},  # rename addressed by id
            "Price": None,  # remove
            "Score": {"number": {}},  # add
            "Kind": {"select": {"options": [{"name": "B"}, {"name": "C", "color": "blue"}]}},
        },
        api_version=V2,
    )
    assert json.dumps(schema) == before  # the input is not modified
    assert "Notes" not in updated
    assert updated["Comments"]["id"] == notes_id
    assert list(updated).index("Comments") == 1  # a renamed property keeps its position
    assert "Price" not in updated
    assert updated["Score"]["number"] == {"format": "number"}
    old_b = next(o for o in schema["Kind"]["select"]["options"] if o["name"] == "B")
    assert updated["Kind"]["select"]["options"][0] == old_b  # existing option keeps id and color
    assert updated["Kind"]["select"]["options"][1]["color"] == "blue"


def test_update_schema_errors() -> None:
    schema = full_schema()
    with pytest.raises(EmulatorValidationError, match="Cannot delete the title property"):
        update_schema(schema, {"Name": None}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match=r"Ghost is not a property that exists\."):
        update_schema(schema, {"Ghost": None}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match=r"Ghost is not a property that exists\."):
        update_schema(schema, {"Ghost": {"name": "Spirit"}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="unique"):
        update_schema(schema, {"Notes": {"name": "Price"}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="title"):
        update_schema(schema, {"Name": {"rich_text": {}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="exactly one title"):
        update_schema(schema, {"Other": {"title": {}}}, api_version=V2)
    with pytest.raises(EmulatorValidationError, match="status"):
        update_schema(full_schema(V1), {"State": {"status": {}}}, api_version=V1)


def test_update_schema_type_change_and_description() -> None:
    schema = full_schema()
    updated = update_schema(schema, {"Notes": {"number": {}, "description": "How many"}}, api_version=V2)
    assert updated["Notes"]["type"] == "number"
    assert "rich_text" not in updated["Notes"]
    assert updated["Notes"]["description"] == "How many"


def test_resolve_property_by_name_and_encoded_or_decoded_id() -> None:
    schema = {"A": {"id": "%3AUPp", "name": "A", "type": "number", "number": {}}}
    assert resolve_property(schema, "A") == "A"
    assert resolve_property(schema, "%3AUPp") == "A"
    assert resolve_property(schema, ":UPp") == "A"
    assert resolve_property(schema, "B") is None


# ------------------------------------------------------------------------------------------ values


def test_create_gives_every_property_its_empty_value() -> None:
    schema = full_schema()
    values = build_property_values(schema, {"Name": text("Row")})
    by_type = {entry["type"]: values[name] for name, entry in schema.items()}
    assert values["Name"]["title"][0]["plain_text"] == "Row"
    for ptype in ("rich_text", "multi_select", "people", "files"):
        assert by_type[ptype][ptype] == []
    for ptype in ("number", "select", "date", "url", "email", "phone_number"):
        assert by_type[ptype][ptype] is None
    assert by_type["checkbox"]["checkbox"] is False
    assert by_type["relation"] == {
        "id": schema["Links"]["id"],
        "type": "relation",
        "relation": [],
        "has_more": False,
    }
    assert by_type["unique_id"]["unique_id"] == {"prefix": "T", "number": None}
    assert all(values[name]["id"] == entry["id"] for name, entry in schema.items())


def test_status_defaults_to_first_option_or_null() -> None:
    schema = build_schema({"Name": {"title": {}}, "State": {"status": {}}}, api_version=V2)
    first = schema["State"]["status"]["options"][0]
    values = build_property_values(schema, {})
    assert values["State"]["status"] == {"id": first["id"], "name": "Not started", "color": "default"}
    assert (
        empty_value({"id": "x", "type": "status", "status": {"options": [], "groups": []}})["status"] is None
    )


def test_values_of_every_writable_type() -> None:
    schema = full_schema()
    users = {USER_ID: {"object": "user", "id": USER_ID, "name": "Bot", "type": "bot"}}
    values = build_property_values(
        schema,
        {
            "Name": {"title": text("Row")},
            "Notes": {"type": "rich_text", "rich_text": text("note")},
            "Price": {"number": 12.5},
            "Done": {"checkbox": True},
            "Kind": {"select": {"name": "A"}},
            "Tags": {"multi_select": [{"name": "x"}, {"name": "y"}, {"name": "x"}]},
            "When": {"date": {"start": "2026-07-04", "end": "2026-07-05"}},
            "Owner": {"people": [{"object": "user", "id": USER_ID}]},
            "Links": {"relation": [{"id": PAGE_ID.replace("-", "")}]},
            "Attachments": {"files": [{"name": "doc", "external": {"url": "https://x.test/d.pdf"}}]},
            "Site": {"url": "https://x.test"},
            "Mail": {"email": "a@x.test"},
            "Phone": {"phone_number": "+1 555"},
        },
        users=users,
    )
    assert values["Notes"]["rich_text"][0]["plain_text"] == "note"
    assert values["Price"] == {"id": schema["Price"]["id"], "type": "number", "number": 12.5}
    assert values["Done"]["checkbox"] is True
    option_a = schema["Kind"]["select"]["options"][0]
    assert values["Kind"]["select"] == {"id": option_a["id"], "name": "A", "color": "red"}
    assert [o["name"] for o in values["Tags"]["multi_select"]] == ["x", "y"]  # duplicates collapse
    assert values["When"]["date"] == {"start": "2026-07-04", "end": "2026-07-05", "time_zone": None}
    assert values["Owner"]["people"] == [users[USER_ID]]
    assert values["Links"]["relation"] == [{"id": PAGE_ID}]
    assert values["Attachments"]["files"] == [
        {"name": "doc", "type": "external", "external": {"url": "https://x.test/d.pdf"}}
    ]
    assert values["Site"]["url"] == "https://x.test"
    assert values["Mail"]["email"] == "a@x.test"
    assert values["Phone"]["phone_number"] == "+1 555"


def test_keys_may_be_ids_and_title_may_be_a_bare_array() -> None:
    schema = full_schema()
    values = build_property_values(schema, {"title": text("T"), schema["Price"]["id"]: {"number": 3}})
    assert values["Name"]["title"][0]["plain_text"] == "T"
    assert values["Price"]["number"] == 3


def test_file_upload_value_is_kept_for_the_server_to_resolve() -> None:
    schema = full_schema()
    upload = {"type": "file_upload", "file_upload": {"id": PAGE_ID}, "name": "a.txt"}
    values = build_property_values(schema, {"Attachments": {"files": [upload]}})
    assert values["Attachments"]["files"] == [
        {"name": "a.txt", "type": "file_upload", "file_upload": {"id": PAGE_ID}}
    ]


def test_unknown_select_option_is_created_only_after_validation() -> None:
    schema = full_schema()
    with pytest.raises(EmulatorValidationError):
        build_property_values(schema, {"Kind": {"select": {"name": "New"}}, "Price": {"number": "abc"}})
    assert [o["name"] for o in schema["Kind"]["select"]["options"]] == ["A", "B"]
    values = build_property_values(
        schema, {"Kind": {"select": {"name": "New"}}, "Tags": {"multi_select": [{"name": "z"}]}}
    )
    new_option = schema["Kind"]["select"]["options"][2]
    assert new_option["name"] == "New"
    assert values["Kind"]["select"] == {"id": new_option["id"], "name": "New", "color": "default"}
    assert [o["name"] for o in schema["Tags"]["multi_select"]["options"]] == ["x", "y", "z"]


def test_status_does_not_create_options() -> None:
    schema = build_schema({"Name": {"title": {}}, "State": {"status": {}}}, api_version=V2)
    assert (
        build_property_values(schema, {"State": {"status": {"name": "Done"}}})["State"]["status"]["name"]
        == "Done"
    )
    with pytest.raises(EmulatorValidationError, match='Status option "Nope" does not exist'):
        build_property_values(schema, {"State": {"status": {"name": "Nope"}}})


def test_update_keeps_unmentioned_values_matched_by_id() -> None:
    schema = full_schema()
    existing = build_property_values(
        schema, {"Name": text("Row"), "Price": {"number": 1}, "Notes": text("n")}
    )
    renamed = update_schema(
        schema, {"Notes": {"name": "Comments"}, "Extra": {"checkbox": {}}}, api_version=V2
    )
    updated = build_property_values(renamed, {"Price": {"number": 2}}, existing=existing)
    assert updated["Price"]["number"] == 2
    assert updated["Name"] == existing["Name"]
    assert updated["Comments"] == existing["Notes"]
    assert updated["Extra"]["checkbox"] is False
    assert "Notes" not in updated


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Ghost": {"number": 1}}, "Ghost is not a property that exists."),
        (
            {"Price": {"number": "abc"}},
            'body failed validation: body.properties.Price.number should be a number, instead was "abc".',
        ),
        ({"Price": {"number": True}}, "body.properties.Price.number should be a number, instead was true."),
        ({"Done": {"checkbox": "yes"}}, "body.properties.Done.checkbox should be a boolean"),
        (
            {"Price": {"rich_text": text("x")}},
            "body.properties.Price.number should be defined, instead was undefined.",
        ),
        (
            {"Notes": {"rich_text": "plain"}},
            'body.properties.Notes.rich_text should be an array, instead was "plain".',
        ),
        (
            {"Notes": {"rich_text": text("a") * 101}},
            "body.properties.Notes.rich_text.length should be ≤ `100`",
        ),
        (
            {"Notes": {"rich_text": text("a" * 2001)}},
            r"Notes.rich_text[0].text.content.length should be ≤ `2000`",
        ),
        ({"Name": {"title": text("a" * 2001)}}, "Name.title[0].text.content.length should be ≤ `2000`"),
        (
            {"Site": {"url": "h" * 2001}},
            "body.properties.Site.url.length should be ≤ `2000`, instead was `2001`.",
        ),
        (
            {"Mail": {"email": "e" * 201}},
            "body.properties.Mail.email.length should be ≤ `200`, instead was `201`.",
        ),
        ({"Phone": {"phone_number": "1" * 201}}, "Phone.phone_number.length should be ≤ `200`"),
        (
            {"Tags": {"multi_select": [{"name": f"t{i}"} for i in range(101)]}},
            "Tags.multi_select.length should be ≤ `100`",
        ),
        ({"Links": {"relation": [{"id": PAGE_ID}] * 101}}, "Links.relation.length should be ≤ `100`"),
        ({"Owner": {"people": [{"id": USER_ID}] * 101}}, "Owner.people.length should be ≤ `100`"),
        (
            {"Attachments": {"files": [{"external": {"url": "u"}}] * 101}},
            "Attachments.files.length should be ≤ `100`",
        ),
        ({"Links": {"relation": [{"id": "nope"}]}}, "Links.relation[0].id should be a valid uuid"),
        (
            {"When": {"date": {"start": "yesterday"}}},
            "When.date.start should be a valid ISO 8601 date string",
        ),
        ({"Kind": {"select": {"id": "no-such-id"}}}, "Invalid select option id"),
        ({"Kind": {"select": {"name": "a,b"}}}, "commas"),
        ({"Created": {"created_time": "2026-01-01"}}, "read-only"),
        ({"Ticket": {"unique_id": {"number": 3}}}, "read-only"),
        ({"Owner": {"people": [{"id": PAGE_ID}]}}, f"Could not find user with ID: {PAGE_ID}."),
    ],
)
def test_value_errors(values: dict[str, Any], message: str) -> None:
    users = {USER_ID: {"object": "user", "id": USER_ID}}
    with pytest.raises(EmulatorValidationError) as caught:
        build_property_values(full_schema(), values, users=users)
    assert message in caught.value.message
    assert caught.value.status == 400
    assert caught.value.code == "validation_error"


def test_exactly_100_elements_are_accepted() -> None:
    schema = full_schema()
    values = build_property_values(
        schema,
        {
            "Tags": {"multi_select": [{"name": f"t{i}"} for i in range(98)]},  # 2 existing + 98 new = 100
            "Links": {"relation": [{"id": PAGE_ID}] * 100},
            "Site": {"url": "h" * 2000},
            "Mail": {"email": "e" * 200},
        },
    )
    assert len(values["Tags"]["multi_select"]) == 98
    assert len(values["Links"]["relation"]) == 100


def test_select_options_over_100_in_schema_are_rejected() -> None:
    schema = full_schema()
    with pytest.raises(EmulatorValidationError, match=r"options\.length should be ≤ `100`"):
        build_property_values(schema, {"Tags": {"multi_select": [{"name": f"t{i}"} for i in range(99)]}})


def test_page_title_values_matches_recorded_page() -> None:
    request, response = recorded(f"notion-sdk-py_{V2}", "test_pages_create.yaml", "POST", "/v1/pages")
    assert page_title_values(request["properties"]) == response["properties"]
    assert page_title_values({"title": {"title": text("x")}})["title"]["title"][0]["plain_text"] == "x"
    assert page_title_values({}) == {"title": {"id": "title", "type": "title", "title": []}}
    with pytest.raises(EmulatorValidationError, match=r"Name is not a property that exists\."):
        page_title_values({"Name": text("x")})


def test_fill_computed_values_and_timestamp_format() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    schema = full_schema()
    created = format_timestamp(datetime(2026, 7, 4, 11, 9, 42, 123456, tzinfo=timezone(timedelta(hours=2))))
    assert created == "2026-07-04T09:09:00.000Z"  # UTC, rounded down to the minute
    assert format_timestamp(datetime(2026, 7, 4, 9, 9, 59)) == "2026-07-04T09:09:00.000Z"
    user = {"object": "user", "id": USER_ID}
    values = build_property_values(schema, {})
    filled = fill_computed_values(
        schema, values, created_time=created, created_by=user, last_edited_time=created, last_edited_by=user,
        unique_id_number=7,
    )  # fmt: skip
    assert filled["Created"] == {
        "id": schema["Created"]["id"],
        "type": "created_time",
        "created_time": created,
    }
    assert filled["Author"]["created_by"] == user
    assert filled["Editor"]["last_edited_by"] == user
    assert filled["Ticket"]["unique_id"] == {"prefix": "T", "number": 7}
    again = fill_computed_values(
        schema, filled, created_time=created, created_by=user, last_edited_time=created, last_edited_by=user
    )
    assert again["Ticket"]["unique_id"]["number"] == 7  # kept on update
    assert datetime.fromisoformat(again["Edited"]["last_edited_time"]).tzinfo == UTC
