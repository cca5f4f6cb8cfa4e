"""The "only when a property currently has this value" check of the update operator.

Notion has no conditional writes: the page is read, compared and then written, so a change made by someone
else between the read and the write is not detected. The check narrows the window to two requests; it does
not close it.

Equality is the sync diff's (:func:`~airflow_provider_notion.rules.values.from_notion.same_value`): an expected
plain value is first mapped by the property's type exactly as the sync maps a source value
(:mod:`~airflow_provider_notion.rules.values.to_notion`), so the condition holds exactly when a sync of that
value would find nothing to write. Computed properties (formula, rollup, created time...) cannot be written,
so their expected plain value is compared with the current plain value (numbers by value, lists as sets; text
such as a templated ``"4"`` is read as a number when the current value is one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.values.from_notion import plain_value, same_plain, same_value, type_of
from airflow_provider_notion.rules.values.to_notion import (
    READ_ONLY_TYPES,
    is_mappable,
    mentions_email,
    property_value,
)


def property_matches(page: Mapping[str, Any], name: str, expected: Any) -> tuple[bool, Any]:
    """Whether the page's property ``name`` currently equals ``expected``; also returns the current plain value.

    ``expected`` is a plain value (``"Done"``, ``["a", "b"]``, ``3``) or a Notion property value.
    """
    properties = page.get("properties") or {}
    if name not in properties:
        return False, None
    current = properties[name]
    prop_type = type_of(current) or ""
    shown = plain_value(current, prop_type)
    if prop_type in READ_ONLY_TYPES or not is_mappable(prop_type):
        return same_plain(prop_type, _like(plain_value(expected), shown, name), current), shown
    if isinstance(expected, Mapping) and prop_type in expected:
        return same_value(prop_type, expected, current), shown
    expected = plain_value(expected)
    if prop_type == "people" and mentions_email(expected):
        raise NotionInputError(
            f"only_if_equals.{name}", "give people by user id; e-mail addresses are not looked up here"
        )
    wanted = property_value(prop_type, expected, f"only_if_equals.{name}")
    return same_value(prop_type, wanted, current), shown


def _like(expected: Any, current: Any, name: str) -> Any:
    """A templated (text) expected value read as the current computed value's kind: ``"4"`` for a number result,
    ``"true"`` for a boolean one, by the rules a sync maps text with."""
    kind = "checkbox" if isinstance(current, bool) else "number" if isinstance(current, int | float) else None
    if kind is None or not isinstance(expected, str):
        return expected
    try:
        return property_value(kind, expected, f"only_if_equals.{name}")[kind]
    except NotionInputError:
        return expected  # not a number (or flag) at all: compared as text, so it does not match
