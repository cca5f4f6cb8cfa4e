"""Formula and rollup properties: their schema entries (resolved against the schemas they point at) and the
values Notion computes for them, refreshed whenever a page is read or queried.

Schema shapes follow Notion's property object reference: a formula returns its ``expression`` with property
references as ``{{notion:block_property:<id>:<uuid>:<uuid>}}``; a rollup returns ``rollup_property_name``,
``relation_property_name``, ``rollup_property_id``, ``relation_property_id`` and ``function``.
Values: ``{"type": "formula", "formula": {"type": string|number|boolean|date, …}}`` and
``{"type": "rollup", "rollup": {"type": number|date|array, …, "function"}}``.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from notion_emulator import formula
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.formula import FormulaError, Value
from notion_emulator.util import utcnow

if TYPE_CHECKING:
    from notion_emulator.records import DataSourceRecord, PageRecord
    from notion_emulator.state_view import StateView

COMPUTED_TYPES = frozenset({"formula", "rollup"})
_NULL_UUID = "00000000-0000-0000-0000-000000000000"
# Rollup functions by result type; Notion also has count_per_group and percent_per_group (not emulated).
_NUMBER_FUNCTIONS = frozenset(
    {
        "count",
        "count_values",
        "empty",
        "not_empty",
        "unique",
        "percent_empty",
        "percent_not_empty",
        "sum",
        "average",
        "median",
        "min",
        "max",
        "range",
        "checked",
        "unchecked",
        "percent_checked",
        "percent_unchecked",
    }
)
_DATE_FUNCTIONS = frozenset({"earliest_date", "latest_date", "date_range"})
_ARRAY_FUNCTIONS = frozenset({"show_original", "show_unique"})
ROLLUP_FUNCTIONS = _NUMBER_FUNCTIONS | _DATE_FUNCTIONS | _ARRAY_FUNCTIONS
UNSUPPORTED_ROLLUP_FUNCTIONS = frozenset({"count_per_group", "percent_per_group"})
_MAX_DEPTH = 3


# --------------------------------------------------------------------------------------------- schema
def formula_config(config: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Syntax and function check of a create/update ``formula`` config (names are resolved later)."""
    expression = config.get("expression")
    if not isinstance(expression, str) or not expression.strip():
        raise EmulatorValidationError(
            f"body failed validation: {path}.expression should be a non-empty string, instead was "
            f"`{json.dumps(expression)}`."
        )
    formula.parse(expression, f"{path}.expression")
    return {"expression": expression}


def rollup_config(config: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Shape check of a create/update ``rollup`` config (the properties are resolved later)."""
    function = config.get("function")
    if function in UNSUPPORTED_ROLLUP_FUNCTIONS:
        raise EmulatorValidationError(
            f"The Notion emulator does not support the rollup function `{function}` ({path}.function)."
        )
    if function not in ROLLUP_FUNCTIONS:
        raise EmulatorValidationError(
            f"body failed validation: {path}.function should be one of {', '.join(sorted(ROLLUP_FUNCTIONS))}, "
            f"instead was `{json.dumps(function)}`."
        )
    for side in ("relation", "rollup"):
        if not any(isinstance(config.get(f"{side}_property_{key}"), str) for key in ("name", "id")):
            raise EmulatorValidationError(
                f"body failed validation: {path}.{side}_property_name or {path}.{side}_property_id should be "
                "defined."
            )
    return {key: config[key] for key in config}


def finalize_schema(state: StateView, schema: dict[str, dict[str, Any]], owner_id: str) -> None:
    """Resolve formula references and rollup targets of ``schema`` in place (names → ids, Notion's shapes).

    References given by name must exist; references already stored by id may dangle (a referenced property
    was deleted since), as in Notion the formula then computes an empty value."""
    for name, entry in schema.items():
        path = f"body.properties.{name}"
        if entry["type"] == "formula":
            entry["formula"] = {
                "expression": _canonical_expression(entry["formula"]["expression"], schema, owner_id, path)
            }
        elif entry["type"] == "rollup":
            entry["rollup"] = _resolved_rollup(state, schema, entry["rollup"], f"{path}.rollup")


def _canonical_expression(
    expression: str,
    schema: Mapping[str, Mapping[str, Any]],
    owner_id: str,
    path: str,
) -> str:
    def reference(key: str, is_id: bool) -> str:
        if is_id:
            property_id = key
        else:
            if key not in schema:
                raise EmulatorValidationError(
                    f'Formula references a property that does not exist: "{key}" ({path}).'
                )
            property_id = schema[key]["id"]
        return f"{{{{notion:block_property:{property_id}:{_NULL_UUID}:{owner_id}}}}}"

    return formula.rewrite_references(expression, reference)


def _resolved_rollup(
    state: StateView, schema: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any], path: str
) -> dict[str, Any]:
    relation_name = _find(schema, config.get("relation_property_name"), config.get("relation_property_id"))
    if relation_name is None or schema[relation_name]["type"] != "relation":
        raise EmulatorValidationError(f"Rollup relation property not found or not a relation ({path}).")
    target = _relation_target(state, schema[relation_name]["relation"])
    if target is None:
        raise EmulatorValidationError(f"The related data source of the rollup could not be found ({path}).")
    rollup_name = _find(target.schema, config.get("rollup_property_name"), config.get("rollup_property_id"))
    if rollup_name is None:
        raise EmulatorValidationError(f"Rollup property not found in the related data source ({path}).")
    return {
        "rollup_property_name": rollup_name,
        "relation_property_name": relation_name,
        "rollup_property_id": target.schema[rollup_name]["id"],
        "relation_property_id": schema[relation_name]["id"],
        "function": config["function"],
    }


def _find(schema: Mapping[str, Mapping[str, Any]], name: Any, property_id: Any) -> str | None:
    if isinstance(property_id, str):
        for key, entry in schema.items():
            if unquote(entry["id"]) == unquote(property_id):
                return key
    if isinstance(name, str) and name in schema:
        return name
    return None


def _relation_target(state: StateView, relation: Mapping[str, Any]) -> DataSourceRecord | None:
    ds_id = relation.get("data_source_id")
    if isinstance(ds_id, str) and ds_id in state.data_sources:
        return state.data_sources[ds_id]
    db = state.databases.get(str(relation.get("database_id")))
    if db is not None and db.data_source_ids:
        return state.data_sources.get(db.data_source_ids[0])
    return None


# --------------------------------------------------------------------------------------------- values
def has_computed(ds: DataSourceRecord) -> bool:
    return any(entry["type"] in COMPUTED_TYPES for entry in ds.schema.values())


def refresh_data_source(state: StateView, ds: DataSourceRecord, now: datetime | None = None) -> None:
    """Recompute formula and rollup values of every row; bumps ``ds.revision`` when one changed, which keys
    the query cache."""
    if not has_computed(ds):
        return
    moment = now or utcnow()
    # Values only change when some row changes (any data source: rollups and relation titles look across)
    # or, for clock functions, when the minute does: skip the recomputation while neither happened.
    key = (
        tuple(sorted((source.id, source.revision) for source in state.data_sources.values())),
        moment.strftime("%Y%m%d%H%M"),
    )
    if ds.computed_for == key:
        return
    changed = False
    for page in ds.rows.values():
        changed |= _refresh(state, page, moment, 0)
    if changed:
        ds.revision += 1
    ds.computed_for = (
        tuple(sorted((source.id, source.revision) for source in state.data_sources.values())),
        key[1],
    )


def refresh_page(state: StateView, page: PageRecord, now: datetime | None = None) -> None:
    if _refresh(state, page, now or utcnow(), 0):
        ds = state.data_sources.get(page.parent_id or "")
        if ds is not None:
            ds.revision += 1


def _refresh(state: StateView, page: PageRecord, now: datetime, depth: int) -> bool:
    if page.parent_type != "data_source_id":
        return False
    ds = state.data_sources.get(page.parent_id or "")
    if ds is None or not has_computed(ds):
        return False
    evaluator = _RowEvaluator(state, ds, page, now, depth)
    changed = False
    for name, entry in ds.schema.items():
        if entry["type"] not in COMPUTED_TYPES:
            continue
        value = {"id": entry["id"], "type": entry["type"], entry["type"]: evaluator.json_of(name)}
        if page.properties.get(name) != value:
            page.properties[name] = value
            changed = True
    return changed


class _RowEvaluator:
    """Computes the formula and rollup values of one row, each once, with cycles giving empty values."""

    def __init__(self, state: StateView, ds: DataSourceRecord, page: PageRecord, now: datetime, depth: int):
        self.state, self.ds, self.page, self.now, self.depth = state, ds, page, now, depth
        self.done: dict[str, Value] = {}
        self.rollups: dict[str, dict[str, Any]] = {}
        self.visiting: set[str] = set()

    def json_of(self, name: str) -> dict[str, Any]:
        entry = self.ds.schema[name]
        if entry["type"] == "rollup":
            return self.rollup_json(name)
        return formula.result_json(self.value_of(name))

    def resolve(self, key: str, is_id: bool) -> Value:
        for name, entry in self.ds.schema.items():
            if (is_id and unquote(entry["id"]) == unquote(key)) or (not is_id and name == key):
                return self.value_of(name)
        return ("string", None)

    def value_of(self, name: str) -> Value:
        if name in self.done:
            return self.done[name]
        entry = self.ds.schema[name]
        if entry["type"] == "formula":
            if name in self.visiting:
                return ("string", None)
            self.visiting.add(name)
            try:
                tree = formula.parse(entry["formula"]["expression"])
            except EmulatorValidationError:
                tree = ("const", ("string", None))
            try:
                result = formula.evaluate(tree, self.resolve, self.now)
            except (FormulaError, ArithmeticError, TypeError, ValueError):
                # Notion shows a failing row as empty, in the formula's result type.
                result = (formula.static_kind(tree), None)
            finally:
                self.visiting.discard(name)
        elif entry["type"] == "rollup":
            result = _rollup_as_value(self.rollup_json(name))
        else:
            result = property_as_value(self.state, self.page.properties.get(name) or {})
        self.done[name] = result
        return result

    def rollup_json(self, name: str) -> dict[str, Any]:
        if name in self.rollups:
            return self.rollups[name]
        config = self.ds.schema[name]["rollup"]
        function = config["function"]
        related = self._related_values(config)
        result = rollup_result(function, related)
        self.rollups[name] = result
        return result

    def _related_values(self, config: Mapping[str, Any]) -> list[dict[str, Any]]:
        relation_name = _find(self.ds.schema, None, config.get("relation_property_id"))
        if relation_name is None or self.ds.schema[relation_name]["type"] != "relation":
            return []
        target = _relation_target(self.state, self.ds.schema[relation_name]["relation"])
        if target is None:
            return []
        rollup_name = _find(target.schema, None, config.get("rollup_property_id"))
        if rollup_name is None:
            return []
        relation_value = self.page.properties.get(relation_name) or {}
        values = []
        for item in relation_value.get("relation") or []:
            related = self.state.pages.get(item.get("id", ""))
            if related is None or related.in_trash:
                continue
            if target.schema[rollup_name]["type"] in COMPUTED_TYPES and self.depth < _MAX_DEPTH:
                _refresh(self.state, related, self.now, self.depth + 1)
            value = related.properties.get(rollup_name)
            if value is not None:
                values.append(value)
        return values


# --------------------------------------------------------------------------------------------- conversions
def property_as_value(state: StateView, prop: Mapping[str, Any]) -> Value:
    """A stored property value as a typed formula value (what ``prop("…")`` returns)."""
    kind = prop.get("type")
    raw = prop.get(kind) if isinstance(kind, str) else None
    if kind in ("title", "rich_text"):
        return ("string", "".join(item.get("plain_text", "") for item in raw or []))
    if kind in ("number",):
        return ("number", raw)
    if kind == "checkbox":
        return ("boolean", bool(raw))
    if kind in ("select", "status"):
        return ("string", raw["name"] if raw else "")
    if kind == "multi_select":
        return ("list", [("string", option["name"]) for option in raw or []])
    if kind == "date":
        return ("date", _date_of(raw))
    if kind in ("created_time", "last_edited_time"):
        return ("date", formula.parse_date(raw))
    if kind in ("url", "email", "phone_number"):
        return ("string", raw or "")
    if kind == "people":
        return ("list", [("string", _user_name(state, person)) for person in raw or []])
    if kind in ("created_by", "last_edited_by"):
        return ("string", _user_name(state, raw or {}))
    if kind == "relation":
        titles = []
        for item in raw or []:
            related = state.pages.get(item.get("id", ""))
            titles.append(("string", state.page_title(related) if related else ""))
        return ("list", titles)
    if kind == "unique_id":
        return ("number", (raw or {}).get("number"))
    if kind == "files":
        return ("list", [("string", item.get("name") or "") for item in raw or []])
    if kind == "formula":
        inner = raw or {}
        inner_type = inner.get("type", "string")
        if inner_type == "date":
            return ("date", _date_of(inner.get("date")))
        return (inner_type, inner.get(inner_type))
    if kind == "rollup":
        return _rollup_as_value(raw or {})
    return ("string", None)


def _date_of(raw: Any) -> formula.FormulaDate | None:
    if not isinstance(raw, dict):
        return None
    start = formula.parse_date(raw.get("start"))
    if start is None:
        return None
    end = formula.parse_date(raw.get("end"))
    return formula.FormulaDate(start.start, end.start if end else None, start.has_time)


def _user_name(state: StateView, user: Mapping[str, Any]) -> str:
    if user.get("name"):
        return str(user["name"])
    known = state.user_map().get(str(user.get("id")))
    return str(known["name"]) if known else ""


def _rollup_as_value(rollup: Mapping[str, Any]) -> Value:
    kind = rollup.get("type")
    if kind == "number":
        return ("number", rollup.get("number"))
    if kind == "date":
        return ("date", _date_of(rollup.get("date")))
    items = rollup.get("array") or []
    return ("list", [_item_as_value(item) for item in items])


def _item_as_value(item: Mapping[str, Any]) -> Value:
    kind = item.get("type")
    raw = item.get(kind) if isinstance(kind, str) else None
    if kind in ("title", "rich_text"):
        return ("string", "".join(part.get("plain_text", "") for part in raw or []))
    if kind == "number":
        return ("number", raw)
    if kind == "date":
        return ("date", _date_of(raw))
    if kind == "checkbox":
        return ("boolean", bool(raw))
    if kind in ("select", "status"):
        return ("string", raw["name"] if raw else "")
    return ("string", None if raw is None else json.dumps(raw))


def _is_empty(value: Mapping[str, Any]) -> bool:
    kind = value.get("type")
    raw = value.get(kind) if isinstance(kind, str) else None
    if kind == "checkbox":
        return raw is not True
    if kind == "formula":
        inner = raw or {}
        return inner.get(inner.get("type", "string")) in (None, "")
    if kind == "rollup":
        inner = raw or {}
        return inner.get(inner.get("type", "number")) in (None, [], "")
    if kind == "unique_id":
        return (raw or {}).get("number") is None
    return raw in (None, [], "", {})


def _count_values(value: Mapping[str, Any]) -> int:
    kind = value.get("type")
    raw = value.get(kind) if isinstance(kind, str) else None
    if kind in ("multi_select", "people", "relation", "files"):
        return len(raw or [])
    return 0 if _is_empty(value) else 1


def _number_of(value: Mapping[str, Any]) -> float | None:
    kind = value.get("type")
    raw = value.get(str(kind))
    number: Any = None
    if kind == "number":
        number = raw
    elif kind == "unique_id":
        number = (raw or {}).get("number")
    elif kind in ("formula", "rollup") and isinstance(raw, dict) and raw.get("type") == "number":
        number = raw.get("number")
    return float(number) if isinstance(number, int | float) and not isinstance(number, bool) else None


def _date_start(value: Mapping[str, Any]) -> tuple[datetime, str] | None:
    kind = value.get("type")
    raw = value.get(str(kind))
    if kind in ("created_time", "last_edited_time"):
        raw = {"start": raw}
    elif kind in ("formula", "rollup"):
        raw = (raw or {}).get("date") if (raw or {}).get("type") == "date" else None
    elif kind != "date":
        return None
    if not isinstance(raw, dict) or not raw.get("start"):
        return None
    parsed = formula.parse_date(raw["start"])
    return (parsed.start, str(raw["start"])) if parsed else None


def _item(value: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(value.get("type"))
    item = {"type": kind, kind: value.get(kind)}
    if kind == "relation":
        item["has_more"] = value.get("has_more", False)
    return item


def rollup_result(function: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``rollup`` value of one row from the related pages' values of the rolled-up property."""
    if function in _ARRAY_FUNCTIONS:
        items = [_item(value) for value in values]
        if function == "show_unique":
            seen: set[str] = set()
            unique = []
            for item in items:
                key = json.dumps(item, sort_keys=True, default=str)
                if key not in seen:
                    seen.add(key)
                    unique.append(item)
            items = unique
        return {"type": "array", "array": items, "function": function}
    if function in _DATE_FUNCTIONS:
        starts = sorted(
            (start for start in map(_date_start, values) if start is not None), key=lambda s: s[0]
        )
        date_value: dict[str, Any] | None = None
        if starts:
            if function == "earliest_date":
                date_value = {"start": starts[0][1], "end": None, "time_zone": None}
            elif function == "latest_date":
                date_value = {"start": starts[-1][1], "end": None, "time_zone": None}
            else:
                date_value = {"start": starts[0][1], "end": starts[-1][1], "time_zone": None}
        return {"type": "date", "date": date_value, "function": function}
    number = _number_rollup(function, values)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return {"type": "number", "number": number, "function": function}


def _number_rollup(function: str, values: list[dict[str, Any]]) -> float | int | None:
    total = len(values)
    empty = sum(1 for value in values if _is_empty(value))
    checked = sum(1 for value in values if value.get("type") == "checkbox" and value.get("checkbox") is True)
    simple: dict[str, Callable[[], float | int | None]] = {
        "count": lambda: total,
        "count_values": lambda: sum(_count_values(value) for value in values),
        "empty": lambda: empty,
        "not_empty": lambda: total - empty,
        "unique": lambda: len(
            {json.dumps(_item(v), sort_keys=True, default=str) for v in values if not _is_empty(v)}
        ),
        "percent_empty": lambda: empty / total if total else 0,
        "percent_not_empty": lambda: (total - empty) / total if total else 0,
        "checked": lambda: checked,
        "unchecked": lambda: total - checked,
        "percent_checked": lambda: checked / total if total else 0,
        "percent_unchecked": lambda: (total - checked) / total if total else 0,
    }
    if function in simple:
        return simple[function]()
    numbers = [n for n in map(_number_of, values) if n is not None]
    if function == "sum":
        return sum(numbers)
    if not numbers:
        return None
    aggregates: dict[str, Callable[[list[float]], float]] = {
        "average": statistics.fmean,
        "median": statistics.median,
        "min": min,
        "max": max,
        "range": lambda ns: max(ns) - min(ns),
    }
    return aggregates[function](numbers)
