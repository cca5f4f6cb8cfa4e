"""A template that uses a run date the run does not have: a clear error instead of Jinja's bare one.

Airflow 3 runs triggered from the REST API, from the UI without a logical date, or by an asset event have no
logical date and no data interval: ``ds``, ``ts``, ``data_interval_start``... are then missing from the template
context, and a template using one fails with ``'data_interval_start' is undefined``, naming neither the task's
field nor what to do. :func:`missing_run_date_error` turns that into a :class:`NotionInputError` naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError

#: The context entries that exist only for a run with a logical date (and so a data interval).
RUN_DATE_NAMES = frozenset(
    {
        "ds",
        "ds_nodash",
        "ts",
        "ts_nodash",
        "ts_nodash_with_tz",
        "logical_date",
        "data_interval_start",
        "data_interval_end",
        "prev_ds",
        "next_ds",
        "prev_data_interval_start_success",
        "prev_data_interval_end_success",
    }
)
_UNDEFINED_NAME = re.compile(r"'(\w+)' is undefined")


def _template_text(value: Any) -> str:
    """The text of a template field's value, for finding which field uses a name (nested values included)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(_template_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return " ".join(_template_text(v) for v in value)
    return ""


def missing_run_date_error(operator: Any, error: Exception) -> Exception:
    """A :class:`NotionInputError` naming the templated field that uses a missing run date; else ``error``."""
    found = _UNDEFINED_NAME.search(str(error))
    name = found.group(1) if found else None
    if name not in RUN_DATE_NAMES:
        return error
    uses = re.compile(rf"\b{name}\b")
    field = next(
        (f for f in operator.template_fields if uses.search(_template_text(getattr(operator, f, None)))),
        "template",
    )
    return NotionInputError(
        field,
        f"uses {{{{ {name} }}}}, which this run does not have: a run triggered from the REST API, from the UI "
        "without a logical date or by an asset event has no logical date and no data interval. Use a value every "
        "run has, such as {{ run_id }} or {{ dag_run.run_after | ts_nodash }}, or trigger the run with a "
        "logical date",
    )
