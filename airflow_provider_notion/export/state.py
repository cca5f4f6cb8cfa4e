"""What an export remembers between runs, for ``detect_deletes``: the ids of the rows that existed.

The state is one small JSON document at ``state_path`` (a local path or an object storage URL, like the export):
``{"version": 1, "ids": [...], "updated": "<ISO 8601>"}``. It is read at the start of a run and replaced
(atomically) only after the export and its tombstones file are in place, so a failed run leaves it as it was and
the next run reports the same deletions again rather than losing them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from airflow_provider_notion.atomic_files import atomic_open
from airflow_provider_notion.exceptions import NotionError

STATE_VERSION = 1


def read_ids(state_path: Any) -> set[str] | None:
    """The ids recorded by the previous run, or ``None`` when there was none (first run)."""
    if not state_path.exists():
        return None
    try:
        document = json.loads(state_path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise NotionError(
            f"the export state {state_path} is not valid JSON ({err}); delete it to start over "
            "(the next run then reports no deletions)"
        ) from None
    ids = document.get("ids") if isinstance(document, dict) else None
    if not isinstance(ids, list):
        raise NotionError(f"the export state {state_path} has no list of ids; delete it to start over")
    return {str(row_id) for row_id in ids}


def write_ids(state_path: Any, ids: Iterable[str]) -> None:
    """Replace the state with these ids."""
    document = {"version": STATE_VERSION, "ids": sorted(ids), "updated": datetime.now(UTC).isoformat()}
    with atomic_open(state_path, "w") as handle:
        json.dump(document, handle)
