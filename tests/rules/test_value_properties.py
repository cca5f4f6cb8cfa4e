"""Property-based tests (Hypothesis) of the value rules: plain Python value -> Notion property value -> plain value
for every writable property type, and the update condition agreeing with the sync diff on equality.

Kept fast for ``make unit``: the settings are the shared profile of tests/property_settings.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.keys import key_of
from airflow_provider_notion.rules.timestamps import read_calendar_value
from airflow_provider_notion.rules.values.conditions import property_matches
from airflow_provider_notion.rules.values.from_notion import plain_value, same_value
from airflow_provider_notion.rules.values.to_notion import property_value

WRITABLE = (
    "title",
    "rich_text",
    "number",
    "checkbox",
    "select",
    "status",
    "multi_select",
    "url",
    "email",
    "phone_number",
    "date",
    "relation",
    "people",
    "files",
)
#: Options a select, status or multi-select has: (id, name); Notion answers with both.
OPTIONS = [("a1b2", "Open"), ("c3d4", "Done ✓"), ("e5f6", "wait"), ("g7h8", "WAIT"), ("i9j0", "ünï cödé")]

texts = st.text(max_size=300) | st.text(min_size=1990, max_size=4100)  # around Notion's 2,000-character items
names = st.text(min_size=1, max_size=40).map(str.strip).filter(lambda s: s and "," not in s)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.none() | offsets
)
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
ids = st.uuids().flatmap(lambda u: st.sampled_from([str(u), u.hex, str(u).upper()]))


def plain_values(prop_type: str) -> st.SearchStrategy[Any]:
    """Plain values a user may give for ``prop_type`` (as Python objects or as CSV/template text)."""
    if prop_type in ("title", "rich_text"):
        return texts
    if prop_type == "number":
        return (
            st.integers(min_value=-(10**30), max_value=10**30)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.decimals(
                allow_nan=False, allow_infinity=False, places=6, max_value=10**12, min_value=-(10**12)
            )
        )
    if prop_type == "checkbox":
        return (
            st.booleans()
            | st.sampled_from(["yes", "no", "true", "false", "1", "0", " TRUE "])
            | st.sampled_from([0, 1])
        )
    if prop_type in ("select", "status"):
        return names | st.sampled_from(OPTIONS).flatmap(lambda o: st.sampled_from([o[1], {"id": o[0]}]))
    if prop_type == "multi_select":
        return st.lists(names, max_size=5, unique=True)
    if prop_type in ("url", "email", "phone_number"):
        return st.text(max_size=200)
    if prop_type == "date":
        return days | moments | days.map(date.isoformat) | moments.map(datetime.isoformat)
    if prop_type in ("relation", "people"):
        return st.lists(ids, max_size=5)
    assert prop_type == "files"
    return st.lists(
        st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9_.]{1,20}", fullmatch=True), max_size=4
    )


def as_notion_returns(prop_type: str, value: dict[str, Any]) -> dict[str, Any]:
    """A property value the way Notion answers with it: ``id``/``type`` added, options with both id and name."""
    body = value[prop_type]
    by_name = {name: option_id for option_id, name in OPTIONS}
    by_id = dict(OPTIONS)

    def option(o: dict[str, Any]) -> dict[str, Any]:
        name = o.get("name", by_id.get(o.get("id", "")))
        return {"id": o.get("id", by_name.get(str(name), f"new-{name}")), "name": name, "color": "default"}

    if prop_type in ("select", "status") and body is not None:
        body = option(body)
    if prop_type == "multi_select":
        body = [option(o) for o in body]
    return {"id": "prop", "type": prop_type, prop_type: body}


def expected_plain(prop_type: str, given: Any) -> Any:
    """What reading the written value back must give, stated independently of the code under test."""
    if prop_type == "number":
        return None if isinstance(given, str) and not given.strip() else float(given)
    if prop_type == "checkbox":
        return given if isinstance(given, bool) else str(given).strip().lower() in ("yes", "true", "1")
    if prop_type in ("select", "status"):
        return given.get("name") if isinstance(given, dict) else (given.strip() or None)
    if prop_type in ("url", "email", "phone_number"):
        return given.strip() or None
    if prop_type == "date":
        if isinstance(given, datetime):
            return (given if given.tzinfo else given.replace(tzinfo=UTC)).astimezone(UTC)
        if isinstance(given, str) and len(given) > 10:
            moment = datetime.fromisoformat(given)
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        return date.fromisoformat(given) if isinstance(given, str) else given
    if prop_type in ("relation", "people"):
        return [str(uuid.UUID(i)) for i in given]
    return given


@given(st.data())
def test_plain_to_notion_to_plain_gives_the_value_back(data: st.DataObject) -> None:
    prop_type = data.draw(st.sampled_from(WRITABLE), label="type")
    given_value = data.draw(plain_values(prop_type), label="value")
    sent = property_value(prop_type, given_value, "p")
    read = plain_value(sent, prop_type)
    if prop_type == "number" and read is not None:
        assert float(read) == float(given_value) or abs(float(read) - float(given_value)) <= 1e-9 * abs(
            float(given_value)
        )
    elif prop_type == "date":
        assert read_calendar_value(read) == expected_plain(prop_type, given_value)
    else:
        assert read == expected_plain(prop_type, given_value)
    # What Notion answers with is the same value as what was sent: a rerun writes nothing.
    assert same_value(prop_type, sent, as_notion_returns(prop_type, sent))


@given(st.data())
def test_the_update_condition_and_the_sync_diff_agree_on_equality(data: st.DataObject) -> None:
    prop_type = data.draw(st.sampled_from(WRITABLE), label="type")
    expected = data.draw(plain_values(prop_type), label="expected")
    other = data.draw(st.just(expected) | plain_values(prop_type), label="current")
    current = as_notion_returns(prop_type, property_value(prop_type, other, "p"))
    wanted = property_value(prop_type, expected, "p")
    matches, _shown = property_matches({"properties": {"P": current}}, "P", expected)
    assert matches == same_value(prop_type, wanted, current)
    if other is expected:
        assert matches  # a value always equals itself, however it was spelt


@given(st.sampled_from(OPTIONS), st.sampled_from(OPTIONS), st.booleans(), st.booleans())
def test_an_option_given_by_id_or_by_name_is_equal_exactly_when_it_is_the_same_option(
    wanted: tuple[str, str], current: tuple[str, str], wanted_by_id: bool, as_list: bool
) -> None:
    prop_type = "multi_select" if as_list else "select"
    given_value: Any = {"id": wanted[0]} if wanted_by_id else wanted[1]
    sent = property_value(prop_type, [given_value] if as_list else given_value, "p")
    answer = as_notion_returns(
        prop_type, property_value(prop_type, [current[1]] if as_list else current[1], "p")
    )
    assert same_value(prop_type, sent, answer) == (wanted == current)


@given(moments, offsets)
def test_a_date_key_is_the_same_instant_in_any_time_zone(moment: datetime, zone: timezone) -> None:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    here = property_value("date", aware, "p")
    there = property_value("date", aware.astimezone(zone).isoformat(), "p")
    assert key_of("date", here) == key_of("date", there) is not None
    assert same_value("date", here, there)


@pytest.mark.parametrize("prop_type", ["title", "rich_text"])
def test_the_largest_text_notion_takes_comes_back_whole_and_one_more_character_is_refused(
    prop_type: str,
) -> None:
    text = "ü" * (100 * 2000)  # 100 rich-text items of 2,000 characters
    sent = property_value(prop_type, text, "p")
    assert len(sent[prop_type]) == 100 and plain_value(sent, prop_type) == text
    with pytest.raises(NotionInputError, match="at most 200,000"):
        property_value(prop_type, text + "!", "p")
