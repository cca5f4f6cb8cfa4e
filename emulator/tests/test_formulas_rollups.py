"""Formula and rollup properties over HTTP: creation, Notion's schema and value shapes,
values recomputed on page reads and in queries, filters and sorts on them, and loud refusals outside the
documented subset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from emulator_support import V1, V2, V3, Api, title
from notion_emulator.computed import refresh_data_source

TASK_SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Hours": {"number": {}},
    "Done": {"checkbox": {}},
    "Due": {"date": {}},
    "Double": {"formula": {"expression": 'prop("Hours") * 2'}},
    "Label": {"formula": {"expression": 'if(prop("Done"), "done: " + prop("Name"), "open")'}},
    "Big": {"formula": {"expression": 'prop("Hours") > 3'}},
    "Deadline": {"formula": {"expression": 'dateAdd(prop("Due"), 7, "days")'}},
    "NameLength": {"formula": {"expression": 'prop("Name").length()'}},
    "Quadruple": {"formula": {"expression": 'prop("Double") * 2'}},
}


def create_source(api: Api, name: str, properties: dict[str, Any]) -> dict[str, Any]:
    """A database with one data source; returns ``{"database_id", "data_source_id", "schema"}``."""
    parent = {"page_id": api.emulator.root_page_id}
    if api.version == V1:
        db = api.ok(
            "POST", "/v1/databases", {"parent": parent, "title": title(name), "properties": properties}
        )
        ds_id = api.emulator.state.databases[db["id"]].data_source_ids[0]
        return {"database_id": db["id"], "data_source_id": ds_id, "schema": db["properties"]}
    db = api.ok(
        "POST",
        "/v1/databases",
        {"parent": parent, "title": title(name), "initial_data_source": {"properties": properties}},
    )
    ds_id = db["data_sources"][0]["id"]
    schema = api.ok("GET", f"/v1/data_sources/{ds_id}")["properties"]
    return {"database_id": db["id"], "data_source_id": ds_id, "schema": schema}


def add_row(api: Api, source: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    parent = (
        {"database_id": source["database_id"]}
        if api.version == V1
        else {"data_source_id": source["data_source_id"]}
    )
    return api.ok("POST", "/v1/pages", {"parent": parent, "properties": properties})


def query(api: Api, source: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    path = (
        f"/v1/databases/{source['database_id']}/query"
        if api.version == V1
        else f"/v1/data_sources/{source['data_source_id']}/query"
    )
    results: list[dict[str, Any]] = api.ok("POST", path, body)["results"]
    return results


def task(name: str, hours: float | None, done: bool = False, due: str | None = None) -> dict[str, Any]:
    return {
        "Name": {"title": title(name)},
        "Hours": {"number": hours},
        "Done": {"checkbox": done},
        "Due": {"date": {"start": due} if due else None},
    }


@pytest.mark.parametrize("version", [V1, V2, V3])
def test_formula_schema_uses_notion_property_references(api: Api, version: str) -> None:
    api.version = version
    source = create_source(api, "Tasks", TASK_SCHEMA)
    schema = source["schema"]
    double = schema["Double"]
    assert double["type"] == "formula"
    assert set(double["formula"]) == {"expression"}
    hours_id = schema["Hours"]["id"]
    assert double["formula"]["expression"].startswith(f"{{{{notion:block_property:{hours_id}:")
    assert double["formula"]["expression"].endswith("}} * 2")
    assert "prop(" not in schema["Label"]["formula"]["expression"]


@pytest.mark.parametrize("version", [V1, V3])
def test_formula_values_in_notion_shapes_on_create_read_and_query(api: Api, version: str) -> None:
    api.version = version
    source = create_source(api, "Tasks", TASK_SCHEMA)
    page = add_row(api, source, task("Write", 4, done=True, due="2026-07-01"))
    props = page["properties"]
    assert props["Double"]["formula"] == {"type": "number", "number": 8}
    assert props["Quadruple"]["formula"] == {"type": "number", "number": 16}
    assert props["Label"]["formula"] == {"type": "string", "string": "done: Write"}
    assert props["Big"]["formula"] == {"type": "boolean", "boolean": True}
    assert props["Deadline"]["formula"] == {
        "type": "date",
        "date": {"start": "2026-07-08", "end": None, "time_zone": None},
    }
    assert props["NameLength"]["formula"] == {"type": "number", "number": 5}
    assert props["Double"]["id"] == source["schema"]["Double"]["id"]
    # An edit of an input recomputes the formula on the next read and in queries.
    api.ok(
        "PATCH",
        f"/v1/pages/{page['id']}",
        {"properties": {"Hours": {"number": 1.5}, "Done": {"checkbox": False}}},
    )
    read = api.ok("GET", f"/v1/pages/{page['id']}")["properties"]
    assert read["Double"]["formula"] == {"type": "number", "number": 3}
    assert read["Label"]["formula"] == {"type": "string", "string": "open"}
    assert read["Big"]["formula"] == {"type": "boolean", "boolean": False}
    [row] = query(api, source, {})
    assert row["properties"]["Double"]["formula"]["number"] == 3


def test_empty_inputs_give_empty_formula_values(api: Api) -> None:
    source = create_source(api, "Tasks", TASK_SCHEMA)
    props = add_row(api, source, task("Blank", None))["properties"]
    assert props["Double"]["formula"] == {"type": "number", "number": None}
    assert props["Deadline"]["formula"] == {"type": "date", "date": None}
    assert props["Big"]["formula"] == {"type": "boolean", "boolean": False}


def test_filters_and_sorts_on_formulas(api: Api) -> None:
    source = create_source(api, "Tasks", TASK_SCHEMA)
    for name, hours, done in (("a", 1, False), ("b", 5, True), ("c", 3, True)):
        add_row(api, source, task(name, hours, done))

    def names(body: dict[str, Any]) -> list[str]:
        return [row["properties"]["Name"]["title"][0]["plain_text"] for row in query(api, source, body)]

    number = {"property": "Double", "formula": {"number": {"greater_than": 4}}}
    assert sorted(names({"filter": number})) == ["b", "c"]
    text = {"property": "Label", "formula": {"string": {"starts_with": "done"}}}
    assert sorted(names({"filter": text})) == ["b", "c"]
    checkbox = {"property": "Big", "formula": {"checkbox": {"equals": True}}}
    assert names({"filter": checkbox}) == ["b"]
    assert names({"sorts": [{"property": "Double", "direction": "descending"}]}) == ["b", "c", "a"]


def test_formula_keeps_working_after_the_referenced_property_is_renamed(api: Api) -> None:
    api.version = V3
    source = create_source(api, "Tasks", TASK_SCHEMA)
    page = add_row(api, source, task("x", 2))
    api.ok(
        "PATCH", f"/v1/data_sources/{source['data_source_id']}", {"properties": {"Hours": {"name": "Effort"}}}
    )
    assert api.ok("GET", f"/v1/pages/{page['id']}")["properties"]["Double"]["formula"]["number"] == 4


def test_formula_and_rollup_values_are_read_only(api: Api) -> None:
    source = create_source(api, "Tasks", TASK_SCHEMA)
    page = add_row(api, source, task("x", 2))
    response = api.call(
        "PATCH", f"/v1/pages/{page['id']}", {"properties": {"Double": {"formula": {"number": 1}}}}
    )
    assert response.status_code == 400
    assert "read-only" in response.json()["message"]


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ('regexMatch(prop("Name"), "a")', "does not support the formula function `regexMatch`"),
        ('prop("Nope") + 1', 'does not exist: "Nope"'),
        ("1 +", "could not be parsed"),
    ],
)
def test_unsupported_or_broken_formulas_fail_loudly(api: Api, expression: str, fragment: str) -> None:
    parent = {"page_id": api.emulator.root_page_id}
    properties = {"Name": {"title": {}}, "F": {"formula": {"expression": expression}}}
    response = api.call(
        "POST", "/v1/databases", {"parent": parent, "initial_data_source": {"properties": properties}}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert fragment in body["message"]


# ---------------------------------------------------------------------- rollups
def projects_with_rollups(api: Api, tasks: dict[str, Any]) -> dict[str, Any]:
    relation = (
        {"database_id": tasks["database_id"], "single_property": {}}
        if api.version == V1
        else {"data_source_id": tasks["data_source_id"], "single_property": {}}
    )

    def rollup(function: str, target: str = "Hours") -> dict[str, Any]:
        return {
            "rollup": {
                "relation_property_name": "Tasks",
                "rollup_property_name": target,
                "function": function,
            }
        }

    return create_source(
        api,
        "Projects",
        {
            "Name": {"title": {}},
            "Tasks": {"relation": relation},
            "Total": rollup("sum"),
            "Average": rollup("average"),
            "Most": rollup("max"),
            "N": rollup("count"),
            "Filled": rollup("not_empty"),
            "DoneCount": rollup("checked", "Done"),
            "Titles": rollup("show_original", "Name"),
            "Latest": rollup("latest_date", "Due"),
            "Doubles": rollup("sum", "Double"),
        },
    )


@pytest.mark.parametrize("version", [V1, V3])
def test_rollups_compute_over_related_rows(api: Api, version: str) -> None:
    api.version = version
    tasks = create_source(api, "Tasks", TASK_SCHEMA)
    ids = [
        add_row(api, tasks, task("a", 2, done=True, due="2026-07-01"))["id"],
        add_row(api, tasks, task("b", 4, due="2026-07-09"))["id"],
        add_row(api, tasks, task("c", None))["id"],
    ]
    projects = projects_with_rollups(api, tasks)
    total = projects["schema"]["Total"]
    assert total["rollup"] == {
        "rollup_property_name": "Hours",
        "relation_property_name": "Tasks",
        "rollup_property_id": tasks["schema"]["Hours"]["id"],
        "relation_property_id": projects["schema"]["Tasks"]["id"],
        "function": "sum",
    }
    page = add_row(
        api, projects, {"Name": {"title": title("P")}, "Tasks": {"relation": [{"id": i} for i in ids]}}
    )
    props = page["properties"]
    assert props["Total"]["rollup"] == {"type": "number", "number": 6, "function": "sum"}
    assert props["Average"]["rollup"] == {"type": "number", "number": 3, "function": "average"}
    assert props["Most"]["rollup"]["number"] == 4
    assert props["N"]["rollup"] == {"type": "number", "number": 3, "function": "count"}
    assert props["Filled"]["rollup"]["number"] == 2
    assert props["DoneCount"]["rollup"]["number"] == 1
    assert props["Doubles"]["rollup"]["number"] == 12  # a rollup of a formula
    assert props["Latest"]["rollup"] == {
        "type": "date",
        "date": {"start": "2026-07-09", "end": None, "time_zone": None},
        "function": "latest_date",
    }
    titles = props["Titles"]["rollup"]
    assert titles["type"] == "array"
    assert titles["function"] == "show_original"
    assert [item["type"] for item in titles["array"]] == ["title"] * 3
    assert [item["title"][0]["plain_text"] for item in titles["array"]] == ["a", "b", "c"]
    # A change on a related row shows on the next read of the rolled-up page.
    api.ok("PATCH", f"/v1/pages/{ids[2]}", {"properties": {"Hours": {"number": 10}}})
    assert api.ok("GET", f"/v1/pages/{page['id']}")["properties"]["Total"]["rollup"]["number"] == 16
    [row] = query(
        api, projects, {"filter": {"property": "Total", "rollup": {"number": {"greater_than": 15}}}}
    )
    assert row["id"] == page["id"]


def test_rollup_filters_any_every_none(api: Api) -> None:
    tasks = create_source(api, "Tasks", TASK_SCHEMA)
    alpha = add_row(api, tasks, task("alpha", 1))["id"]
    beta = add_row(api, tasks, task("beta", 1))["id"]
    projects = projects_with_rollups(api, tasks)
    both = add_row(
        api,
        projects,
        {"Name": {"title": title("both")}, "Tasks": {"relation": [{"id": alpha}, {"id": beta}]}},
    )
    only_a = add_row(api, projects, {"Name": {"title": title("a")}, "Tasks": {"relation": [{"id": alpha}]}})

    def ids(quantifier: str) -> set[str]:
        condition = {quantifier: {"rich_text": {"contains": "alp"}}}
        return {
            row["id"] for row in query(api, projects, {"filter": {"property": "Titles", "rollup": condition}})
        }

    assert ids("any") == {both["id"], only_a["id"]}
    assert ids("every") == {only_a["id"]}
    assert ids("none") == set()


def test_unknown_rollup_targets_fail_loudly(api: Api) -> None:
    tasks = create_source(api, "Tasks", TASK_SCHEMA)
    parent = {"page_id": api.emulator.root_page_id}
    properties = {
        "Name": {"title": {}},
        "Tasks": {"relation": {"data_source_id": tasks["data_source_id"], "single_property": {}}},
        "R": {
            "rollup": {
                "relation_property_name": "Tasks",
                "rollup_property_name": "Missing",
                "function": "sum",
            }
        },
    }
    response = api.call(
        "POST", "/v1/databases", {"parent": parent, "initial_data_source": {"properties": properties}}
    )
    assert response.status_code == 400
    assert "Rollup property not found" in response.json()["message"]


def test_button_and_place_properties_are_accepted(api: Api) -> None:
    source = create_source(
        api, "Places", {"Name": {"title": {}}, "Go": {"button": {}}, "Where": {"place": {}}}
    )
    assert source["schema"]["Go"]["button"] == {}
    assert source["schema"]["Where"]["place"] == {}
    page = add_row(
        api,
        source,
        {"Name": {"title": title("x")}, "Where": {"place": {"lat": 48.85, "lon": 2.35, "name": "Paris"}}},
    )
    assert page["properties"]["Go"] == {"id": source["schema"]["Go"]["id"], "type": "button", "button": {}}
    assert page["properties"]["Where"]["place"]["name"] == "Paris"
    assert page["properties"]["Where"]["place"]["lat"] == 48.85


def test_the_inspection_api_sees_computed_values(api: Api) -> None:
    source = create_source(api, "Tasks", TASK_SCHEMA)
    page = add_row(api, source, task("x", 2))
    state = api.emulator.state
    # A change made without HTTP (no page read refreshes the values in between).
    state.update_page_properties(
        state.pages[page["id"]], {"Hours": {"number": 5}}, api.emulator.default_integration().id
    )
    assert state.get_page(page["id"])["properties"]["Double"]["formula"]["number"] == 10  # type: ignore[index]
    assert state.pages_in(source["data_source_id"])[0]["properties"]["Double"]["formula"]["number"] == 10
    assert state.find_pages(title="x")[0]["properties"]["Label"]["formula"]["string"] == "open"


def test_a_rollup_function_can_be_changed_alone(api: Api) -> None:
    api.version = V3
    tasks = create_source(api, "Tasks", TASK_SCHEMA)
    ids = [add_row(api, tasks, task(name, hours))["id"] for name, hours in (("a", 2), ("b", 4))]
    projects = projects_with_rollups(api, tasks)
    page = add_row(
        api, projects, {"Name": {"title": title("P")}, "Tasks": {"relation": [{"id": i} for i in ids]}}
    )
    updated = api.ok(
        "PATCH",
        f"/v1/data_sources/{projects['data_source_id']}",
        {"properties": {"Total": {"rollup": {"function": "max"}}}},
    )
    assert updated["properties"]["Total"]["rollup"]["function"] == "max"
    assert updated["properties"]["Total"]["rollup"]["rollup_property_name"] == "Hours"
    total = api.ok("GET", f"/v1/pages/{page['id']}")["properties"]["Total"]["rollup"]
    assert total == {"type": "number", "number": 4, "function": "max"}


def test_runtime_errors_give_empty_values_not_server_errors(api: Api) -> None:
    schema = {
        "Name": {"title": {}},
        "Due": {"date": {}},
        "Far": {"formula": {"expression": 'dateAdd(prop("Due"), 10000000000, "days")'}},
        "Wrong": {"formula": {"expression": 'dateAdd(prop("Name"), 1, "days")'}},
    }
    source = create_source(api, "Odd", schema)
    page = add_row(api, source, {"Name": {"title": title("x")}, "Due": {"date": {"start": "2026-07-01"}}})
    assert page["properties"]["Far"]["formula"] == {"type": "date", "date": None}
    assert page["properties"]["Wrong"]["formula"] == {"type": "date", "date": None}


def test_clock_formulas_are_recomputed_when_the_minute_changes(api: Api) -> None:
    schema = {"Name": {"title": {}}, "Stamp": {"formula": {"expression": "now()"}}}
    source = create_source(api, "Clock", schema)
    page = add_row(api, source, {"Name": {"title": title("x")}})
    state = api.emulator.state
    ds = state.data_sources[source["data_source_id"]]
    stored = state.pages[page["id"]].properties
    refresh_data_source(state, ds, now=datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    assert stored["Stamp"]["formula"]["date"]["start"] == "2030-01-01T09:00:00.000+00:00"
    refresh_data_source(state, ds, now=datetime(2030, 1, 1, 9, 0, 30, tzinfo=UTC))  # same minute: kept
    assert stored["Stamp"]["formula"]["date"]["start"] == "2030-01-01T09:00:00.000+00:00"
    refresh_data_source(state, ds, now=datetime(2030, 1, 1, 9, 1, tzinfo=UTC))
    assert stored["Stamp"]["formula"]["date"]["start"] == "2030-01-01T09:01:00.000+00:00"
