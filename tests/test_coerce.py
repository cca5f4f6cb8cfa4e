"""Templated booleans and numbers follow one set of rules in every operator and the sensor."""

from __future__ import annotations

import math

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.utils.coerce import as_bool, as_number, whole_number

TRUE = [True, "true", "True", " TRUE ", "1", 1, "yes", "Yes"]
FALSE = [False, "false", "False", "0", 0, "no", "NO"]
NEITHER = ["maybe", "", None, 2, "2", "on", 1.5]


@pytest.mark.parametrize("value", TRUE)
def test_true_forms(value: object) -> None:
    assert as_bool(value, "flag") is True


@pytest.mark.parametrize("value", FALSE)
def test_false_forms(value: object) -> None:
    assert as_bool(value, "flag") is False


@pytest.mark.parametrize("value", NEITHER)
def test_anything_else_names_the_field(value: object) -> None:
    with pytest.raises(NotionInputError) as caught:
        as_bool(value, "fetch_all")
    assert caught.value.field == "fetch_all"


def test_the_sensor_and_the_operators_use_these_rules() -> None:
    from airflow_provider_notion.operators import base as operator_module  # the shared operator plumbing
    from airflow_provider_notion.sensors import notion as sensor_module

    assert sensor_module._flag is operator_module._as_bool is as_bool
    assert sensor_module._whole_number is whole_number and operator_module._as_number is as_number


@pytest.mark.parametrize("value", [math.nan, math.inf, "nan", "-inf", "Infinity", True, "ten"])
def test_numbers_refuse_non_finite_and_non_numbers(value: object) -> None:
    with pytest.raises(NotionInputError, match="timeout"):
        as_number(value, "timeout")


def test_numbers_from_templates() -> None:
    assert as_number("2.5", "timeout") == 2.5
    assert as_number("", "timeout") is None
    assert whole_number("10", "min_results") == 10
    with pytest.raises(NotionInputError, match="min_results"):
        whole_number("10.0", "min_results")
    with pytest.raises(NotionInputError, match="min_results"):
        whole_number(None, "min_results")
