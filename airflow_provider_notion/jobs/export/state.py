"""What an export remembers between runs at ``state_path``: the row ids and the column types.

One small JSON document (a local path or an object storage URL, like the export)::

    {"version": 1, "updated": "<ISO 8601>", "ids": [...], "columns": {"<column name>": "<type>"}}

- ``ids`` (with ``detect_deletes``): the rows that existed at the previous run, to find the ones that disappeared.
- ``columns``: every column type written so far, so a property retyped in Notion is **widened** to ``string``
  instead of changing type between files (see :func:`widen_retyped`); once widened it stays a string.

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
from airflow_provider_notion.jobs.export.columns import Column
from airflow_provider_notion.utils.atomic_files import atomic_open

STATE_VERSION = 1


@dataclass
class ExportState:
    """The previous run's ids (``None``: no run recorded them yet) and column types."""

    ids: set[str] | None = None
    columns: dict[str, str] = field(default_factory=dict)


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
        raise NotionError(f"the export state {state_path} is not a JSON object; delete it to start over")
    ids = document.get("ids")
    columns = document.get("columns") or {}
    if (ids is not None and not isinstance(ids, list)) or not isinstance(columns, dict):
        raise NotionError(
            f"the export state {state_path} is not in the expected shape; delete it to start over"
        )
    return ExportState(
        ids=None if ids is None else {str(row_id) for row_id in ids},
        columns={str(name): str(kind) for name, kind in columns.items()},
    )


def write_state(state_path: Any, ids: Iterable[str] | None, columns: Mapping[str, str]) -> None:
    """Replace the state (``ids`` ``None``: none recorded)."""
    document: dict[str, Any] = {"version": STATE_VERSION, "updated": datetime.now(UTC).isoformat()}
    if ids is not None:
        document["ids"] = sorted(ids)
    document["columns"] = dict(sorted(columns.items()))
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


def recorded_types(previous: Mapping[str, str], columns: Iterable[Column]) -> dict[str, str]:
    """The types to remember: earlier ones (a removed property keeps its entry) updated with this run's."""
    merged = dict(previous)
    merged.update({column.name: column.type for column in columns})
    return merged
