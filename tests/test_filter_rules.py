"""Filter nesting and AND-ing conditions (rules/filters.py): the edges ``make mutate`` found untested
(docs/contributing.md). The meaning of ``and_conditions`` on generated filters is in tests/properties/."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.filters import (
    FilterTooDeepError,
    and_conditions,
    check_filter_depth,
    filter_depth,
)

A = {"property": "A", "checkbox": {"equals": True}}
B = {"property": "B", "checkbox": {"equals": False}}


def test_an_empty_compound_is_one_level() -> None:
    assert filter_depth({"and": []}) == 1
    assert filter_depth({"or": [{"and": []}]}) == 2
    assert check_filter_depth(None) == 0


@pytest.mark.parametrize("bad", [{"and": "A"}, {"or": [{"and": 5}]}, {"and": [A, {"or": {"x": 1}}]}])
def test_a_compound_without_a_list_is_refused_naming_the_field(bad: dict[str, Any]) -> None:
    with pytest.raises(NotionInputError) as refused:
        check_filter_depth(bad, "query_filter")
    assert refused.value.field == "query_filter"
    assert refused.value.problem.endswith("must hold a list of filters")
    with pytest.raises(NotionInputError) as default:
        filter_depth(bad)
    assert default.value.field == "filter"


def test_too_deep_is_refused_with_the_depth_and_the_limit() -> None:
    deep = {"and": [{"or": [{"and": [A]}]}]}
    with pytest.raises(NotionInputError) as refused:
        check_filter_depth(deep)
    assert refused.value.field == "filter"
    assert refused.value.problem == "compound filters are nested 3 levels deep; Notion accepts at most 2"


def test_several_conditions_alone_are_one_and() -> None:
    assert and_conditions(None, [A, B]) == {"and": [A, B]}
    assert and_conditions(None, [A]) == A
    assert and_conditions(None, []) is None
    assert and_conditions({"or": [A, B]}, []) == {"or": [A, B]}


def test_a_two_level_filter_that_is_no_plain_and_or_or_cannot_take_a_condition() -> None:
    odd = {"and": [{"or": [A]}], "property": "B"}  # two levels, but with a stray key beside "and"
    with pytest.raises(FilterTooDeepError) as refused:
        and_conditions(odd, [B])
    assert refused.value.depth == 3
    assert str(refused.value) == "compound filters would be nested 3 levels deep (Notion accepts 2)"


def test_a_nested_or_is_flattened_into_the_top_level_or() -> None:
    assert and_conditions({"or": [{"or": [A, B]}, {"and": [A]}]}, [B]) == {
        "or": [{"and": [A, B]}, {"and": [B, B]}, {"and": [A, B]}]
    }
