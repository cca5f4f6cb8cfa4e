"""The update operator's only-when check reads values like the sync diff; the cases a plain value needs care."""

from __future__ import annotations

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.values.conditions import property_matches

USER = "16cabc1e-edcd-8117-a024-fa5446b89751"
PAGE = {
    "properties": {
        "Count": {"id": "c", "type": "number", "number": 3},
        "Owners": {"id": "o", "type": "people", "people": [{"object": "user", "id": USER}]},
        "Total": {"id": "t", "type": "formula", "formula": {"type": "number", "number": 4.0}},
        "Made": {"id": "m", "type": "created_time", "created_time": "2026-01-31T10:00:00.000Z"},
    }
}


@pytest.mark.parametrize(
    ("name", "expected", "equal"),
    [
        ("Count", "3", True),  # a templated value is text
        ("Count", 3.0, True),
        ("Count", "4", False),
        ("Owners", [USER.replace("-", "").upper()], True),  # ids undashed, any case
        ("Owners", [], False),
        ("Total", 4, True),  # computed: its plain value
        ("Total", "4", True),  # ... a templated value is text, read as the number it names
        ("Total", "four", False),
        ("Made", "2026-01-31T12:00:00+02:00", True),  # the same instant
    ],
)
def test_plain_expected_values(name: str, expected: object, equal: bool) -> None:
    assert property_matches(PAGE, name, expected)[0] is equal


def test_people_by_e_mail_are_refused_naming_the_field() -> None:
    with pytest.raises(NotionInputError, match="by user id") as caught:
        property_matches(PAGE, "Owners", ["ada@example.com"])
    assert caught.value.field == "only_if_equals.Owners"
