"""Data model of the emulator: property schemas of databases / data sources and page property values.

Pure functions: no I/O, no state. The server stores what these functions return and hands it back in later
calls. Shapes follow the recorded Notion responses (``emulator/tests/fixtures/cassettes/``): a schema entry is
``{"id", "name", "type", <type>: config}`` (2025-09-03 adds ``"description": null`` after ``name``), a page
property value is ``{"id", "type", <type>: value}``.

Read-only properties (``created_time``, ``last_edited_time``, ``created_by``, ``last_edited_by``,
``unique_id``) are left empty by :func:`build_property_values`; the server fills them with
:func:`fill_computed_values`.
"""

from __future__ import annotations

import copy
import secrets
import string
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, unquote

from notion_emulator import computed as computed_properties
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.richtext import (
    COLORS,
    MISSING,
    body_error,
    check_array,
    check_url,
    expand_rich_text,
    length_error,
)

__all__ = [
    "build_property_values",
    "build_schema",
    "empty_value",
    "expand_rich_text",
    "fill_computed_values",
    "format_timestamp",
    "is_iso_date",
    "new_property_id",
    "page_title_values",
    "resolve_property",
    "update_schema",
]

API_VERSION_2022 = "2022-06-28"

MAX_SELECT_OPTIONS = 100
MAX_OPTION_NAME_LENGTH = 100
MAX_EMAIL_OR_PHONE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 280
MAX_FILE_NAME_LENGTH = 100

# Property types whose schema config is always ``{}``.
_EMPTY_CONFIG_TYPES = frozenset(
    {
        "title",
        "rich_text",
        "checkbox",
        "date",
        "people",
        "files",
        "url",
        "email",
        "phone_number",
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
    }
)
_OPTION_TYPES = frozenset({"select", "multi_select", "status"})
# Formula and rollup configs are checked here and resolved against the schemas by ``computed``; button and
# place have an empty config like the types above.
SUPPORTED_TYPES = (
    _EMPTY_CONFIG_TYPES
    | _OPTION_TYPES
    | {
        "number",
        "relation",
        "unique_id",
        "formula",
        "rollup",
        "button",
        "place",
    }
)
# Values of these types are computed by Notion and cannot be written by a client.
READ_ONLY_TYPES = frozenset(
    {
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
        "unique_id",
        "formula",
        "rollup",
        "button",
    }
)
# Known Notion property types the emulator does not implement: rejected explicitly, never silently ignored.
_UNSUPPORTED_TYPES = frozenset({"verification", "location"})
_SPEC_META_KEYS = frozenset({"name", "type", "description", "id"})

NUMBER_FORMATS = frozenset(
    {
        "number",
        "number_with_commas",
        "percent",
        "dollar",
        "australian_dollar",
        "canadian_dollar",
        "singapore_dollar",
        "euro",
        "pound",
        "yen",
        "ruble",
        "rupee",
        "won",
        "yuan",
        "real",
        "lira",
        "rupiah",
        "franc",
        "hong_kong_dollar",
        "new_zealand_dollar",
        "krona",
        "norwegian_krone",
        "mexican_peso",
        "rand",
        "new_taiwan_dollar",
        "danish_krone",
        "zloty",
        "baht",
        "forint",
        "koruna",
        "shekel",
        "chilean_peso",
        "philippine_peso",
        "dirham",
        "colombian_peso",
        "riyal",
        "ringgit",
        "leu",
        "argentine_peso",
        "uruguayan_peso",
        "peruvian_sol",
    }
)

# Notion's property ids are 1-4 printable ASCII characters, URL-encoded (e.g. ``%3AUPp``, ``BZ%5Eg``).
_ID_ALPHABET = string.ascii_letters + string.digits + ":;<=>?@[]^`{|}~!"

Schema = dict[str, dict[str, Any]]
PropertyValues = dict[str, dict[str, Any]]


# --------------------------------------------------------------------------------------------- schema


def new_property_id(taken: set[str]) -> str:
    """A fresh short opaque id like Notion's, not in ``taken``."""
    while True:
        candidate = quote("".join(secrets.choice(_ID_ALPHABET) for _ in range(4)), safe="")
        if candidate not in taken and candidate != "title":
            return candidate


def resolve_property(schema: Mapping[str, Mapping[str, Any]], key: str) -> str | None:
    """The name of the property that ``key`` designates (a name, or an id URL-encoded or not), else None."""
    if key in schema:
        return key
    decoded = unquote(key)
    for name, entry in schema.items():
        entry_id = entry.get("id")
        if entry_id == key or (isinstance(entry_id, str) and unquote(entry_id) == decoded):
            return name
    return None


def build_schema(properties_input: dict[str, Any], *, api_version: str) -> Schema:
    """Stored schema (keyed by property name) for a create database (2022-06-28) / create data source body.

    Exactly one ``title`` property is required; it gets the id ``"title"``.
    """
    if not isinstance(properties_input, dict):
        raise body_error("body.properties", "should be an object", properties_input)
    schema: Schema = {}
    taken: set[str] = set()
    for name, spec in properties_input.items():
        path = f"body.properties.{name}"
        if spec is None:
            raise body_error(path, "should be an object", spec)
        ptype, config = _spec_type_and_config(spec, path)
        prop_name = _spec_name(spec, name, path)
        if prop_name in schema:
            raise EmulatorValidationError(f"Property names must be unique: {prop_name} is given twice.")
        entry_id = "title" if ptype == "title" else new_property_id(taken)
        taken.add(entry_id)
        schema[prop_name] = _make_entry(
            entry_id,
            prop_name,
            ptype,
            _build_config(ptype, config, path=path, api_version=api_version, previous=None),
            description=_spec_description(spec, path, api_version=api_version, previous=None),
            api_version=api_version,
        )
    _check_single_title(schema)
    return schema


def update_schema(schema: Schema, properties_update: dict[str, Any], *, api_version: str) -> Schema:
    """A new schema after a PATCH ``properties`` body: add, rename (``name``), reconfigure, remove (``null``).

    Keys may be property names or ids. The input schema is not modified.
    """
    if not isinstance(properties_update, dict):
        raise body_error("body.properties", "should be an object", properties_update)
    result: Schema = copy.deepcopy(schema)
    for key, spec in properties_update.items():
        path = f"body.properties.{key}"
        current_name = resolve_property(result, key)
        if spec is None:
            if current_name is None:
                raise EmulatorValidationError(f"{key} is not a property that exists.")
            if result[current_name]["type"] == "title":
                raise EmulatorValidationError("Cannot delete the title property.")
            del result[current_name]
            continue
        if current_name is None:
            try:
                ptype, config = _spec_type_and_config(spec, path)
            except EmulatorValidationError:
                if isinstance(spec, dict) and set(spec) <= {"name", "description"}:
                    # Only a rename of something that is not there.
                    raise EmulatorValidationError(f"{key} is not a property that exists.") from None
                raise
            prop_name = _spec_name(spec, key, path)
            if prop_name in result:
                raise EmulatorValidationError(f"Property names must be unique: {prop_name} already exists.")
            taken = {entry["id"] for entry in result.values()}
            entry_id = "title" if ptype == "title" and "title" not in taken else new_property_id(taken)
            result[prop_name] = _make_entry(
                entry_id,
                prop_name,
                ptype,
                _build_config(ptype, config, path=path, api_version=api_version, previous=None),
                description=_spec_description(spec, path, api_version=api_version, previous=None),
                api_version=api_version,
            )
            continue
        result = _update_existing(result, current_name, spec, path, api_version=api_version)
    _check_single_title(result)
    return result


def _update_existing(schema: Schema, current_name: str, spec: Any, path: str, *, api_version: str) -> Schema:
    if not isinstance(spec, dict):
        raise body_error(path, "should be an object or `null`", spec)
    previous = schema[current_name]
    new_name = _spec_name(spec, current_name, path)
    if new_name != current_name and new_name in schema:
        raise EmulatorValidationError(f"Property names must be unique: {new_name} already exists.")
    has_type = bool(set(spec) - _SPEC_META_KEYS) or "type" in spec
    if has_type:
        ptype, config = _spec_type_and_config(spec, path)
        if previous["type"] == "title" and ptype != "title":
            raise EmulatorValidationError("Cannot change the type of the title property.")
        same_type = ptype == previous["type"]
        new_config = _build_config(
            ptype, config, path=path, api_version=api_version, previous=previous[ptype] if same_type else None
        )
    else:
        ptype, new_config = previous["type"], previous[previous["type"]]
    entry = _make_entry(
        previous["id"],
        new_name,
        ptype,
        new_config,
        description=_spec_description(spec, path, api_version=api_version, previous=previous),
        api_version=api_version,
    )
    # Rebuild to keep the property at its position when it is renamed.
    return {
        (new_name if name == current_name else name): (entry if name == current_name else value)
        for name, value in schema.items()
    }


def _check_single_title(schema: Schema) -> None:
    titles = [name for name, entry in schema.items() if entry["type"] == "title"]
    if len(titles) != 1:
        raise EmulatorValidationError(
            "body failed validation: a database must have exactly one title property, "
            f"instead has {len(titles)}."
        )


def _make_entry(
    entry_id: str, name: str, ptype: str, config: Any, *, description: str | None, api_version: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": entry_id, "name": name}
    if api_version != API_VERSION_2022:
        entry["description"] = description
    entry["type"] = ptype
    entry[ptype] = config
    return entry


def _spec_name(spec: Any, default: str, path: str) -> str:
    name = spec.get("name", default) if isinstance(spec, dict) else default
    if not isinstance(name, str) or not name.strip():
        raise body_error(f"{path}.name", "should be a non-empty string", name)
    return name


def _spec_description(
    spec: Mapping[str, Any], path: str, *, api_version: str, previous: Mapping[str, Any] | None
) -> str | None:
    if "description" not in spec:
        return previous.get("description") if previous else None
    description = spec["description"]
    if description is not None and not isinstance(description, str):
        raise body_error(f"{path}.description", "should be a string or `null`", description)
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION_LENGTH:
        raise length_error(f"{path}.description", MAX_DESCRIPTION_LENGTH, len(description))
    return description


def _spec_type_and_config(spec: Any, path: str) -> tuple[str, Any]:
    if not isinstance(spec, dict):
        raise body_error(path, "should be an object", spec)
    declared = spec.get("type")
    type_keys = [key for key in spec if key not in _SPEC_META_KEYS]
    if declared is not None:
        if not isinstance(declared, str):
            raise body_error(f"{path}.type", "should be a string", declared)
        if any(key != declared for key in type_keys):
            raise body_error(f"{path}.{type_keys[0]}", "should be not present", spec[type_keys[0]])
        ptype, config = declared, spec.get(declared, {})
    elif len(type_keys) == 1:
        ptype, config = type_keys[0], spec[type_keys[0]]
    else:
        raise body_error(path, "should define exactly one property type", spec)
    if ptype in _UNSUPPORTED_TYPES:
        raise EmulatorValidationError(f"The Notion emulator does not support {ptype} properties ({path}).")
    if ptype not in SUPPORTED_TYPES:
        raise body_error(f"{path}.type", "should be a valid property type", ptype)
    return ptype, config


def _build_config(
    ptype: str, config: Any, *, path: str, api_version: str, previous: Mapping[str, Any] | None
) -> Any:
    config_path = f"{path}.{ptype}"
    if not isinstance(config, dict):
        raise body_error(config_path, "should be an object", config)
    if ptype in _EMPTY_CONFIG_TYPES or ptype in ("button", "place"):
        return {}
    if ptype == "formula":
        return computed_properties.formula_config(config, config_path)
    if ptype == "rollup":
        # An update may change only the function (or only one side); the rest stays as it was.
        merged = {**previous, **config} if previous else config
        return computed_properties.rollup_config(merged, config_path)
    if ptype == "number":
        default_format = previous.get("format", "number") if previous else "number"
        number_format = config.get("format", default_format)
        if number_format not in NUMBER_FORMATS:
            raise body_error(f"{config_path}.format", "should be a valid number format", number_format)
        return {"format": number_format}
    if ptype == "select" or ptype == "multi_select":
        raw = config.get("options", MISSING)
        if raw is MISSING:
            return copy.deepcopy(dict(previous)) if previous else {"options": []}
        return {"options": _build_options(raw, f"{config_path}.options", previous)}
    if ptype == "status":
        return _build_status_config(config, config_path, api_version=api_version, previous=previous)
    if ptype == "relation":
        return _build_relation_config(config, config_path, api_version=api_version)
    # unique_id
    prefix = config.get("prefix", previous.get("prefix") if previous else None)
    if prefix is not None and not isinstance(prefix, str):
        raise body_error(f"{config_path}.prefix", "should be a string or `null`", prefix)
    return {"prefix": prefix}


def _build_options(raw: Any, path: str, previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    check_array(raw, path, limit=MAX_SELECT_OPTIONS)
    known = list(previous.get("options", [])) if previous else []
    by_id = {option["id"]: option for option in known}
    by_name = {option["name"]: option for option in known}
    options: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, option in enumerate(raw):
        option_path = f"{path}[{index}]"
        if not isinstance(option, dict):
            raise body_error(option_path, "should be an object", option)
        match = by_id.get(option.get("id", "")) or by_name.get(option.get("name", ""))
        if "id" in option and option["id"] not in by_id:
            raise EmulatorValidationError(f"Select option with id {option['id']} does not exist.")
        name = option.get("name", match["name"] if match else MISSING)
        _check_option_name(name, f"{option_path}.name")
        if name in seen:
            raise EmulatorValidationError(f"Select option names must be unique: {name} is given twice.")
        seen.add(name)
        color = option.get("color", match["color"] if match else "default")
        if color not in COLORS:
            raise body_error(f"{option_path}.color", "should be a valid color", color)
        new_option: dict[str, Any] = {"id": match["id"] if match else str(uuid.uuid4()), "name": name}
        new_option["color"] = color
        new_option["description"] = option.get("description", match.get("description") if match else None)
        options.append(new_option)
    return options


def _check_option_name(name: Any, path: str) -> None:
    if not isinstance(name, str) or not name:
        raise body_error(path, "should be a non-empty string", name)
    if "," in name:
        raise EmulatorValidationError(f"Select option names cannot contain commas: {name}")
    if len(name) > MAX_OPTION_NAME_LENGTH:
        raise length_error(path, MAX_OPTION_NAME_LENGTH, len(name))


def _build_status_config(
    config: Mapping[str, Any], path: str, *, api_version: str, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    if previous is None and api_version == API_VERSION_2022:
        # notion-api.md §2: with 2022-06-28, status properties cannot be created through the API.
        raise EmulatorValidationError(
            f"body failed validation: {path} cannot be created with Notion-Version {API_VERSION_2022}; "
            "status properties can only be created with a newer version."
        )
    if previous is not None and "options" not in config:
        return copy.deepcopy(dict(previous))
    if "options" not in config:
        options = [
            {"id": str(uuid.uuid4()), "name": "Not started", "color": "default", "description": None},
            {"id": str(uuid.uuid4()), "name": "In progress", "color": "blue", "description": None},
            {"id": str(uuid.uuid4()), "name": "Done", "color": "green", "description": None},
        ]
        groups_members = [[options[0]["id"]], [options[1]["id"]], [options[2]["id"]]]
    else:
        options = _build_options(config["options"], f"{path}.options", previous)
        # Options given by the client all start in the to-do group.
        groups_members = [[option["id"] for option in options], [], []]
    groups = [
        {"id": str(uuid.uuid4()), "name": group_name, "color": color, "option_ids": members}
        for (group_name, color), members in zip(
            (("To-do", "gray"), ("In progress", "blue"), ("Complete", "green")), groups_members, strict=True
        )
    ]
    return {"options": options, "groups": groups}


def _build_relation_config(config: Mapping[str, Any], path: str, *, api_version: str) -> dict[str, Any]:
    target_key = "database_id" if api_version == API_VERSION_2022 else "data_source_id"
    target = config.get(target_key, MISSING)
    if not _is_uuid(target):
        raise body_error(f"{path}.{target_key}", "should be a valid uuid", target)
    kind = config.get("type", "single_property")
    if kind not in ("single_property", "dual_property"):
        raise body_error(f"{path}.type", 'should be "single_property" or "dual_property"', kind)
    kind_config = config.get(kind, {})
    if not isinstance(kind_config, dict):
        raise body_error(f"{path}.{kind}", "should be an object", kind_config)
    result: dict[str, Any] = {}
    # Under 2025-09-03 the server adds the target's database_id (it knows the data source's parent).
    if _is_uuid(config.get("database_id")):
        result["database_id"] = _normalize_uuid(config["database_id"])
    if target_key == "data_source_id":
        result["data_source_id"] = _normalize_uuid(target)
    result["type"] = kind
    result[kind] = dict(kind_config)
    return result


# --------------------------------------------------------------------------------------------- values


def empty_value(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The value a property has when nothing was written to it, as Notion returns it."""
    ptype = entry["type"]
    value: Any
    if ptype in ("title", "rich_text", "multi_select", "people", "files"):
        value = []
    elif ptype == "relation":
        return {"id": entry["id"], "type": "relation", "relation": [], "has_more": False}
    elif ptype == "checkbox":
        value = False
    elif ptype == "status":
        options = entry["status"]["options"]
        value = _option_value(options[0]) if options else None
    elif ptype == "unique_id":
        value = {"prefix": entry["unique_id"]["prefix"], "number": None}
    elif ptype == "formula":
        value = {"type": "string", "string": None}
    elif ptype == "rollup":
        value = {"type": "array", "array": [], "function": entry["rollup"]["function"]}
    elif ptype == "button":
        value = {}
    else:
        value = None
    return {"id": entry["id"], "type": ptype, ptype: value}


def build_property_values(
    schema: Schema,
    values_input: dict[str, Any],
    *,
    existing: dict[str, Any] | None = None,
    users: Mapping[str, dict[str, Any]] | None = None,
) -> PropertyValues:
    """Validate a page create/update ``properties`` body and return all stored values keyed by name.

    Keys of ``values_input`` may be names or ids. With ``existing`` (update), values not mentioned are kept;
    they are matched by property id, so a property renamed since keeps its value. Without it (create), every
    schema property gets its empty value. With ``users``, people must be known user ids and are returned as
    those user objects.

    A select / multi_select value naming an unknown option adds that option to ``schema`` **in place** (as
    Notion does) — only once the whole body has passed validation.
    """
    if not isinstance(values_input, dict):
        raise body_error("body.properties", "should be an object", values_input)
    new_options: dict[str, list[dict[str, Any]]] = {}
    written: dict[str, dict[str, Any]] = {}
    for key, raw in values_input.items():
        name = resolve_property(schema, key)
        if name is None:
            raise EmulatorValidationError(f"{key} is not a property that exists.")
        entry = schema[name]
        written[name] = _build_value(entry, key, raw, users=users, new_options=new_options)

    existing_by_id = {value["id"]: value for value in (existing or {}).values() if isinstance(value, dict)}
    result: PropertyValues = {}
    for name, entry in schema.items():
        if name in written:
            result[name] = written[name]
            continue
        kept = existing_by_id.get(entry["id"])
        result[name] = kept if kept is not None and kept.get("type") == entry["type"] else empty_value(entry)

    for name, options in new_options.items():
        config = schema[name][schema[name]["type"]]
        if len(config["options"]) + len(options) > MAX_SELECT_OPTIONS:
            raise length_error(
                f"body.properties.{name}.options", MAX_SELECT_OPTIONS, len(config["options"]) + len(options)
            )
    for name, options in new_options.items():
        schema[name][schema[name]["type"]]["options"].extend(options)
    return result


def page_title_values(values_input: dict[str, Any]) -> PropertyValues:
    """Properties of a page whose parent is a page: only ``title`` exists there."""
    if not isinstance(values_input, dict):
        raise body_error("body.properties", "should be an object", values_input)
    entry = {"id": "title", "name": "title", "type": "title", "title": {}}
    result: PropertyValues = {"title": empty_value(entry)}
    for key, raw in values_input.items():
        if key != "title":
            raise EmulatorValidationError(f"{key} is not a property that exists.")
        result["title"] = _build_value(entry, key, raw, users=None, new_options={})
    return result


def fill_computed_values(
    schema: Schema,
    values: PropertyValues,
    *,
    created_time: str,
    created_by: Mapping[str, Any],
    last_edited_time: str,
    last_edited_by: Mapping[str, Any],
    unique_id_number: int | None = None,
) -> PropertyValues:
    """Return ``values`` with the read-only properties computed by the server filled in.

    Timestamps should come from :func:`format_timestamp` (minute-granular, as Notion stores them). Pass
    ``unique_id_number`` (the data source's next counter value) when creating a page; ``None`` keeps the
    numbers already assigned.
    """
    computed: dict[str, Any] = {
        "created_time": created_time,
        "last_edited_time": last_edited_time,
        "created_by": dict(created_by),
        "last_edited_by": dict(last_edited_by),
    }
    result = dict(values)
    for name, entry in schema.items():
        ptype = entry["type"]
        if ptype in computed:
            result[name] = {"id": entry["id"], "type": ptype, ptype: computed[ptype]}
        elif ptype == "unique_id" and unique_id_number is not None:
            result[name] = {
                "id": entry["id"],
                "type": "unique_id",
                "unique_id": {"prefix": entry["unique_id"]["prefix"], "number": unique_id_number},
            }
    return result


def format_timestamp(moment: datetime) -> str:
    """Notion's ``created_time`` / ``last_edited_time`` text: UTC, rounded down to the minute.

    Notion only keeps minutes for page timestamps (``2026-07-04T09:09:00.000Z`` in the recorded responses).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def _build_value(
    entry: Mapping[str, Any],
    key: str,
    raw: Any,
    *,
    users: Mapping[str, dict[str, Any]] | None,
    new_options: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    ptype: str = entry["type"]
    path = f"body.properties.{key}"
    if ptype in READ_ONLY_TYPES:
        raise EmulatorValidationError(
            f"{key} is a {ptype} property, which is computed by Notion and read-only."
        )
    if isinstance(raw, list) and ptype in ("title", "rich_text"):
        raw = {ptype: raw}  # Notion accepts the bare rich-text array (see the recorded page creates).
    if not isinstance(raw, dict):
        raise body_error(path, "should be an object", raw)
    declared = raw.get("type")
    if declared is not None and declared != ptype:
        raise body_error(f"{path}.{ptype}", "should be defined", MISSING)
    if ptype not in raw:
        raise body_error(f"{path}.{ptype}", "should be defined", MISSING)
    value = raw[ptype]
    vpath = f"{path}.{ptype}"
    stored: Any
    if ptype in ("title", "rich_text"):
        stored = expand_rich_text(value, path=vpath)
    elif ptype == "number":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise body_error(vpath, "should be a number", value)
        stored = value
    elif ptype == "checkbox":
        if not isinstance(value, bool):
            raise body_error(vpath, "should be a boolean", value)
        stored = value
    elif ptype == "select":
        stored = None if value is None else _select_option(entry, value, vpath, new_options, create=True)
    elif ptype == "status":
        stored = None if value is None else _select_option(entry, value, vpath, new_options, create=False)
    elif ptype == "multi_select":
        check_array(value, vpath)
        stored = []
        for index, item in enumerate(value):
            option = _select_option(entry, item, f"{vpath}[{index}]", new_options, create=True)
            if all(existing["id"] != option["id"] for existing in stored):
                stored.append(option)
    elif ptype == "date":
        stored = None if value is None else _date_value(value, vpath)
    elif ptype == "people":
        stored = _people_value(value, vpath, users)
    elif ptype == "relation":
        check_array(value, vpath)
        ids: list[dict[str, Any]] = []
        for index, item in enumerate(value):
            page_id = item.get("id", MISSING) if isinstance(item, dict) else item
            if not _is_uuid(page_id):
                raise body_error(f"{vpath}[{index}].id", "should be a valid uuid", page_id)
            ids.append({"id": _normalize_uuid(page_id)})
        return {"id": entry["id"], "type": "relation", "relation": ids, "has_more": False}
    elif ptype == "files":
        check_array(value, vpath)
        stored = [_file_value(item, f"{vpath}[{index}]") for index, item in enumerate(value)]
    elif ptype == "url":
        stored = None if value is None else check_url(value, vpath)
    elif ptype == "place":
        stored = None if value is None else _place_value(value, vpath)
    else:  # email, phone_number
        if value is not None:
            if not isinstance(value, str):
                raise body_error(vpath, "should be a string", value)
            if len(value) > MAX_EMAIL_OR_PHONE_LENGTH:
                raise length_error(vpath, MAX_EMAIL_OR_PHONE_LENGTH, len(value))
        stored = value
    return {"id": entry["id"], "type": ptype, ptype: stored}


def _select_option(
    entry: Mapping[str, Any],
    value: Any,
    path: str,
    new_options: dict[str, list[dict[str, Any]]],
    *,
    create: bool,
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise body_error(path, "should be an object", value)
    ptype = entry["type"]
    pending = new_options.setdefault(entry["name"], [])
    options = [*entry[ptype]["options"], *pending]
    if "id" in value:
        for option in options:
            if option["id"] == value["id"]:
                return _option_value(option)
        raise EmulatorValidationError(f"Invalid {ptype} option id: {value['id']}.")
    name = value.get("name", MISSING)
    _check_option_name(name, f"{path}.name")
    for option in options:
        if option["name"] == name:
            return _option_value(option)
    if not create:
        raise EmulatorValidationError(f'Invalid status option. Status option "{name}" does not exist.')
    color = value.get("color", "default")
    if color not in COLORS:
        raise body_error(f"{path}.color", "should be a valid color", color)
    option = {"id": str(uuid.uuid4()), "name": name, "color": color, "description": None}
    pending.append(option)
    return _option_value(option)


def _option_value(option: Mapping[str, Any]) -> dict[str, Any]:
    # Page values carry id, name and color of the option (no description).
    return {"id": option["id"], "name": option["name"], "color": option["color"]}


def _date_value(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise body_error(path, "should be an object or `null`", value)
    start = value.get("start", MISSING)
    if not isinstance(start, str) or not is_iso_date(start):
        raise body_error(f"{path}.start", "should be a valid ISO 8601 date string", start)
    end = value.get("end")
    if end is not None and (not isinstance(end, str) or not is_iso_date(end)):
        raise body_error(f"{path}.end", "should be a valid ISO 8601 date string or `null`", end)
    time_zone = value.get("time_zone")
    if time_zone is not None and not isinstance(time_zone, str):
        raise body_error(f"{path}.time_zone", "should be a string or `null`", time_zone)
    return {"start": start, "end": end, "time_zone": time_zone}


def is_iso_date(text: str) -> bool:
    """True for an ISO 8601 date (``2026-07-04``) or date-time (``2026-07-04T09:09:00.000Z``)."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _people_value(value: Any, path: str, users: Mapping[str, dict[str, Any]] | None) -> list[dict[str, Any]]:
    check_array(value, path)
    people: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        user_id = item.get("id", MISSING) if isinstance(item, dict) else MISSING
        if not _is_uuid(user_id):
            raise body_error(f"{path}[{index}].id", "should be a valid uuid", user_id)
        user_id = _normalize_uuid(user_id)
        if users is None:
            people.append({"object": "user", "id": user_id})
        elif user_id in users:
            people.append(dict(users[user_id]))
        else:
            raise EmulatorValidationError(f"Could not find user with ID: {user_id}.")
    return people


def _file_value(item: Any, path: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise body_error(path, "should be an object", item)
    kind = item.get("type") or next((k for k in ("external", "file_upload", "file") if k in item), None)
    name = item.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_FILE_NAME_LENGTH):
        raise body_error(
            f"{path}.name", f"should be a string of at most {MAX_FILE_NAME_LENGTH} characters", name
        )
    if kind == "external":
        external = item.get("external", MISSING)
        if not isinstance(external, dict):
            raise body_error(f"{path}.external", "should be an object", external)
        url = check_url(external.get("url", MISSING), f"{path}.external.url")
        return {"name": name or url, "type": "external", "external": {"url": url}}
    if kind == "file_upload":
        upload = item.get("file_upload", MISSING)
        upload_id = upload.get("id", MISSING) if isinstance(upload, dict) else MISSING
        if not _is_uuid(upload_id):
            raise body_error(f"{path}.file_upload.id", "should be a valid uuid", upload_id)
        # The server swaps this for {"type": "file", "file": {"url", "expiry_time"}} once the upload resolves.
        return {"name": name, "type": "file_upload", "file_upload": {"id": _normalize_uuid(upload_id)}}
    if kind == "file":
        hosted = item.get("file", MISSING)
        if not isinstance(hosted, dict):
            raise body_error(f"{path}.file", "should be an object", hosted)
        url = check_url(hosted.get("url", MISSING), f"{path}.file.url")
        return {
            "name": name or url,
            "type": "file",
            "file": {"url": url, "expiry_time": hosted.get("expiry_time")},
        }
    raise body_error(path, "should have `external` or `file_upload` defined", item)


def _place_value(value: Any, path: str) -> dict[str, Any]:
    """``{lat, lon, name?, address?, aws_place_id?, google_place_id?}`` (SDK-JS ``PlacePropertyValue``)."""
    if not isinstance(value, dict):
        raise body_error(path, "should be an object or `null`", value)
    for key in ("lat", "lon"):
        number = value.get(key, MISSING)
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise body_error(f"{path}.{key}", "should be a number", number)
    place: dict[str, Any] = {"lat": value["lat"], "lon": value["lon"]}
    for key in ("name", "address", "aws_place_id", "google_place_id"):
        text = value.get(key)
        if text is not None and not isinstance(text, str):
            raise body_error(f"{path}.{key}", "should be a string or `null`", text)
        place[key] = text
    return place


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _normalize_uuid(value: str) -> str:
    return str(uuid.UUID(value))
