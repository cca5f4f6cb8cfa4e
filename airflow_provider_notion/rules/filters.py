"""Query filters: their nesting depth, and AND-ing extra conditions into a user's filter.

Notion nests compound filters (``and``/``or``) at most two levels deep. Two features add conditions to a user's
filter: ``fetch_all`` past the result cap (a ``created_time`` window, :mod:`~.client.large_query`)
and the sensor's edited/created time windows (:mod:`~airflow_provider_notion.rules.query_window`). Both use
:func:`and_conditions`, so a filter accepted by one is accepted by the other:

- no filter: the conditions alone (one condition as is, several in an ``and``);
- a top-level ``and`` takes the conditions as more items (no extra level);
- a filter at most one level deep is wrapped: ``{"and": [filter, *conditions]}``;
- a two-level top-level ``or`` is distributed: ``(A or B) and W`` = ``(A and W) or (B and W)``, a nested ``or``
  flattened into it and a nested ``and`` extended, so it stays two levels deep.

Every filter Notion accepts can so take extra conditions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_notion.exceptions import FilterTooDeepError, NotionInputError

MAX_FILTER_NESTING = 2


def filter_depth(node: Any, field: str = "filter") -> int:
    """How many compound levels (``and``/``or``) a filter nests; ``0`` for a single condition."""
    if isinstance(node, Mapping):
        for key in ("and", "or"):
            if key in node:
                children = node[key]
                if not isinstance(children, list):
                    raise NotionInputError(field, f"'{key}' must hold a list of filters")
                return 1 + max((filter_depth(child, field) for child in children), default=0)
    return 0


def check_filter_depth(filter_: Mapping[str, Any] | None, field: str = "filter") -> int:
    """Return the compound nesting depth of a query filter, refusing more than Notion accepts."""
    if filter_ is None:
        return 0
    found = filter_depth(filter_, field)
    if found > MAX_FILTER_NESTING:
        raise NotionInputError(
            field,
            f"compound filters are nested {found} levels deep; Notion accepts at most {MAX_FILTER_NESTING}",
        )
    return found


def _and_branch(branch: Any, conditions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    if isinstance(branch, Mapping) and isinstance(branch.get("and"), list):
        return {"and": [*branch["and"], *conditions]}
    return {"and": [branch, *conditions]}


def and_conditions(
    user_filter: Mapping[str, Any] | None, conditions: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """``user_filter AND every condition``, within Notion's nesting limit (rules in the module docstring).

    :raises FilterTooDeepError: the user's filter is already too deep to take another condition.
    """
    extra = [dict(condition) for condition in conditions]
    if not user_filter:
        if not extra:
            return None
        return extra[0] if len(extra) == 1 else {"and": extra}
    if not extra:
        return dict(user_filter)
    if set(user_filter) == {"and"} and isinstance(user_filter["and"], list):
        combined: dict[str, Any] = {"and": [*user_filter["and"], *extra]}
    elif filter_depth(user_filter) < MAX_FILTER_NESTING:
        combined = {"and": [dict(user_filter), *extra]}
    elif set(user_filter) == {"or"} and isinstance(user_filter["or"], list):
        branches: list[dict[str, Any]] = []
        for child in user_filter["or"]:
            if isinstance(child, Mapping) and set(child) == {"or"} and isinstance(child["or"], list):
                branches.extend(_and_branch(grandchild, extra) for grandchild in child["or"])
            else:
                branches.append(_and_branch(child, extra))
        combined = {"or": branches}
    else:
        combined = {"and": [dict(user_filter), *extra]}
    depth = filter_depth(combined)
    if depth > MAX_FILTER_NESTING:
        raise FilterTooDeepError(depth, MAX_FILTER_NESTING)
    return combined
