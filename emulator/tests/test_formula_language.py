"""The formula subset, table-driven: expression -> value in Notion's result shape, for a fixed row and clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from notion_emulator import formula
from notion_emulator.errors import EmulatorValidationError

NOW = datetime(2026, 7, 4, 12, 30, tzinfo=UTC)
ROW: dict[str, formula.Value] = {
    "Hours": ("number", 4),
    "Empty": ("number", None),
    "Name": ("string", "Ada"),
    "Done": ("boolean", True),
    "Due": ("date", formula.parse_date("2026-07-10")),
    "Tags": ("list", [("string", "x"), ("string", "y")]),
}


def run(expression: str) -> dict[str, Any]:
    return formula.result_json(formula.evaluate(formula.parse(expression), lambda key, _: ROW[key], NOW))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ^ 3 ^ 2", 512),
        ("7 % 3", 1),
        ('-prop("Hours") + 1', -3),
        ('prop("Hours") / 8', 0.5),
        ('prop("Empty") * 2', None),
        ("1 / 0", None),
        ('length(prop("Name"))', 3),
        ('prop("Tags").length()', 2),
        ('dateBetween(prop("Due"), now(), "days")', 5),
        ('dateBetween(prop("Due"), parseDate("2026-06-10"), "months")', 1),
        ("round(2.345, 2)", 2.35),
        ("max(3, 9, 4)", 9),
        ('toNumber("42")', 42),
    ],
)
def test_numbers(expression: str, expected: float | None) -> None:
    assert run(expression) == {"type": "number", "number": expected}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"Hi " + prop("Name")', "Hi Ada"),
        ('"n=" + prop("Hours")', "n=4"),
        ('format(prop("Hours") / 8)', "0.5"),
        ('if(prop("Done"), "yes", "no")', "yes"),
        ('prop("Hours") > 10 ? "big" : "small"', "small"),
        ('ifs(prop("Hours") > 5, "a", prop("Hours") > 3, "b", "c")', "b"),
        ('upper(prop("Name"))', "ADA"),
        ('concat("a", "b")', "ab"),
        ('join(prop("Tags"), "-")', "x-y"),
        ('replaceAll("a.b.c", "\\\\.", "/")', "a/b/c"),
        ('format(prop("Done"))', "true"),
    ],
)
def test_text(expression: str, expected: str) -> None:
    assert run(expression) == {"type": "string", "string": expected}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('prop("Hours") >= 4 and prop("Done")', True),
        ('prop("Hours") != 4 || not prop("Done")', False),
        ('contains(prop("Name"), "d")', True),
        ('prop("Tags").includes("y")', True),
        ('empty(prop("Empty"))', True),
        ('empty("")', True),
        ('prop("Name") == "Ada"', True),
        ('prop("Due") > now()', True),
        ('prop("Empty") > 1', False),
    ],
)
def test_booleans(expression: str, expected: bool) -> None:
    assert run(expression) == {"type": "boolean", "boolean": expected}


def test_an_empty_text_result_is_null() -> None:
    assert run('""') == {"type": "string", "string": None}
    assert run('lower("")') == {"type": "string", "string": None}


def test_dates() -> None:
    assert run('dateAdd(prop("Due"), 2, "months")')["date"]["start"] == "2026-09-10"
    assert run('dateSubtract(prop("Due"), 1, "weeks")')["date"]["start"] == "2026-07-03"
    assert run('dateAdd(prop("Due"), 3, "hours")')["date"]["start"] == "2026-07-10T03:00:00.000+00:00"
    assert run("now()")["date"] == {"start": "2026-07-04T12:30:00.000+00:00", "end": None, "time_zone": None}
    assert run("today()")["date"]["start"] == "2026-07-04"


def test_block_property_references_resolve_by_id() -> None:
    tree = formula.parse("{{notion:block_property:ab%3Bc:00000000-0000-0000-0000-000000000000:x}} * 2")
    value = formula.evaluate(
        tree, lambda key, is_id: ("number", 5) if (key, is_id) == ("ab%3Bc", True) else ("number", None), NOW
    )
    assert formula.result_json(value) == {"type": "number", "number": 10}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("regexMatch(1)", "does not support the formula function `regexMatch`"),
        ("let(x, 1, x)", "does not support the formula function `let`"),
        ("1 +", "could not be parsed"),
        ("prop(Name)", "unknown name `Name`"),
        ("if(true, 1)", "takes 3 arguments"),
        ('"open', "could not be parsed"),
        ('prop("Tasks").prop("Hours")', "reading properties of related pages"),
        ("[1, 2]", "could not be parsed"),
        ("(" * 5000 + "1" + ")" * 5000, "nested too deeply"),
    ],
)
def test_refusals_name_the_problem(expression: str, message: str) -> None:
    with pytest.raises(EmulatorValidationError, match=message.replace("(", r"\(")):
        formula.parse(expression)
