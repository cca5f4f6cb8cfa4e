"""What an export remembers between runs at ``state_path``: row ids, columns, and the deletions it reported.

One small JSON document (a local path or an object storage URL, like the export)::

    {"version": 2, "updated": "<ISO 8601>", "ids": [...],
     "columns": {"<column name>": {"type": "<type>", "property_id": "<id>", "part": "value"}},
     "deleted": {"<run key>": {"<row id>": "<detected at, ISO 8601>"}}}

- ``ids`` (with ``detect_deletes``): the rows that existed at the previous run, to find the ones that disappeared.
- ``columns``: every column written so far, with the property it holds. A column keeps its name (its property
  id and part are **bound** to it, see :func:`~airflow_provider_notion.jobs.export.columns.build_columns`), and
  a property retyped in Notion is **widened** to ``string`` instead of changing type between files (see
  :func:`widen_retyped`); once widened it stays a string. A removed property's entry is kept: its name is never
  given to another property, and its type is remembered should it come back.
- ``deleted``: the deletions each run reported, under the run's key (its tombstones file and window, see
  :func:`run_key`). A rerun of the same interval (a task retry, a cleared run) reports them again with their
  first ``detected_at``, so it writes the same tombstones file, instead of an empty one (the ids are no longer
  in ``ids`` by then). The log grows by one entry per deleted row.

Version 1 documents (``"columns": {"<name>": "<type>"}``, no ``deleted``) are read as they are: their names are
bound to properties from the first run that writes version 2.

The state is read at the start of a run and replaced (atomically) only after the export and its tombstones file
are in place, so a failed run leaves it as it was and the next run reports the same deletions again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.jobs.export.columns import SYSTEM_PROPERTY_TYPE, Column
from airflow_provider_notion.utils.atomic_files import atomic_open

STATE_VERSION = 2


@dataclass(frozen=True)
class ColumnRecord:
    """A column written by an earlier run: its type and the property (id and part) it holds."""

    type: str
    property_id: str | None = None
    part: str = "value"


@dataclass
class ExportState:
    """The previous run's ids (``None``: no run recorded them yet), the columns, and the deletions reported."""

    ids: set[str] | None = None
    columns: dict[str, ColumnRecord] = field(default_factory=dict)
    #: run key -> row id -> when the run first found it gone (ISO 8601).
    deleted: dict[str, dict[str, str]] = field(default_factory=dict)

    def types(self) -> dict[str, str]:
        """Column name -> the type recorded for it."""
        return {name: record.type for name, record in self.columns.items()}

    def bound_names(self) -> dict[tuple[str, str], str]:
        """``(property id, part) -> column name`` of every property column recorded (removed ones included)."""
        return {
            (record.property_id, record.part): name
            for name, record in self.columns.items()
            if record.property_id is not None
        }


def _shape_error(state_path: Any, what: str) -> NotionError:
    return NotionError(f"the export state {state_path} {what}; delete it to start over")


def read_state(state_path: Any) -> ExportState:
    """The state at ``state_path``; an empty one when the file does not exist (first run)."""
    if not state_path.exists():
        return ExportState()
    try:
        document = json.loads(state_path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise NotionError(
            f"the export state {state_path} is not valid JSON ({err}); delete it to start over "
            "(the next run then reports no deletions)"
        ) from None
    if not isinstance(document, dict):
        raise _shape_error(state_path, "is not a JSON object")
    ids = document.get("ids")
    columns = document.get("columns") or {}
    deleted = document.get("deleted") or {}
    if (ids is not None and not isinstance(ids, list)) or not isinstance(columns, dict):
        raise _shape_error(state_path, "is not in the expected shape")
    if not isinstance(deleted, dict) or not all(isinstance(v, dict) for v in deleted.values()):
        raise _shape_error(state_path, "has a 'deleted' entry that is not an object of row ids")
    return ExportState(
        ids=None if ids is None else {str(row_id) for row_id in ids},
        columns={str(name): _column_record(state_path, name, entry) for name, entry in columns.items()},
        deleted={
            str(key): {str(row_id): str(moment) for row_id, moment in rows.items()}
            for key, rows in deleted.items()
        },
    )


def _column_record(state_path: Any, name: str, entry: Any) -> ColumnRecord:
    if isinstance(entry, str):  # version 1: the type only
        return ColumnRecord(entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        raise _shape_error(state_path, f"has a column {name!r} without a type")
    property_id = entry.get("property_id")
    return ColumnRecord(
        entry["type"], None if property_id is None else str(property_id), str(entry.get("part") or "value")
    )


def write_state(state_path: Any, state: ExportState) -> None:
    """Replace the state (``state.ids`` ``None``: none recorded)."""
    document: dict[str, Any] = {"version": STATE_VERSION, "updated": datetime.now(UTC).isoformat()}
    if state.ids is not None:
        document["ids"] = sorted(state.ids)
    document["columns"] = {
        name: {"type": record.type, "property_id": record.property_id, "part": record.part}
        for name, record in sorted(state.columns.items())
    }
    if state.deleted:
        document["deleted"] = {key: dict(sorted(rows.items())) for key, rows in sorted(state.deleted.items())}
    with atomic_open(state_path, "w") as handle:
        json.dump(document, handle)


def widen_retyped(columns: list[Column], previous: Mapping[str, str]) -> tuple[list[Column], list[str]]:
    """Columns whose type differs from the one recorded earlier become ``string`` (their values as text).

    Returns the columns to write and the names widened. Anything widens to ``string``: a number ``2.5`` becomes
    ``"2.5"``, a list ``["a","b"]``, a timestamp ``2026-01-31T10:05:00Z``, a boolean ``true``.
    """
    widened: list[str] = []
    result: list[Column] = []
    for column in columns:
        before = previous.get(column.name)
        if before is not None and before != column.type:
            result.append(replace(column, type="string", extract_as=column.extract_as or column.type))
            widened.append(column.name)
        else:
            result.append(column)
    return result, widened


def recorded_columns(
    previous: Mapping[str, ColumnRecord], columns: Iterable[Column]
) -> dict[str, ColumnRecord]:
    """The columns to remember: earlier ones (a removed property keeps its entry) updated with this run's."""
    merged = dict(previous)
    for column in columns:
        bound = None if column.property_type == SYSTEM_PROPERTY_TYPE else column.property_id
        merged[column.name] = ColumnRecord(column.type, bound, column.part)
    return merged


def run_key(tombstones: Any, window: Iterable[str] | None) -> str:
    """What identifies a run to its rerun: its tombstones file and its window (``None`` for a full export)."""
    bounds = list(window or [])
    return f"{tombstones} [{bounds[0]}, {bounds[1]})" if len(bounds) == 2 else str(tombstones)


def deletions(
    state: ExportState, key: str, current: set[str], now: datetime
) -> tuple[list[tuple[str, datetime]], dict[str, dict[str, str]]]:
    """The ``(row id, detected at)`` a run reports, oldest id first, and the deletion log to keep.

    Those the run ``key`` reported before (a rerun), then the ids of ``state.ids`` not in ``current``.
    """
    reported = dict(state.deleted.get(key, {}))
    if state.ids is not None:
        moment = now.astimezone(UTC).isoformat()
        for row_id in state.ids - current:
            reported.setdefault(row_id, moment)
    log = dict(state.deleted)
    if reported:
        log[key] = reported
    rows = [(row_id, datetime.fromisoformat(moment)) for row_id, moment in sorted(reported.items())]
    return rows, log
