"""Where a sync's rows come from: Python lists, JSON text, or JSON Lines / CSV files read line by line.

``iter_rows(value)`` accepts:

- a list (or any iterable) of dicts, column name -> plain value or Notion property value;
- a JSON string holding an array of such objects (a rendered template, an XCom pulled as text);
- a local path, a ``file://`` / ``s3://`` / ... URL (opened with Airflow's ``ObjectStoragePath``), or an object
  with ``open()``, naming a JSON Lines (``.jsonl``, ``.ndjson``, ``.json``) or CSV (``.csv``) file. Files are
  parsed one line at a time, never read whole into memory. CSV cells are strings, which the mapping converts
  by the property type (``"3"`` -> number, ``"yes"`` -> checkbox, ``""`` -> cleared).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.payloads import parse_json_value
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

RowsFormat = Literal["auto", "jsonl", "csv"]
ROWS_FORMATS = ("auto", "jsonl", "csv")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


def iter_rows(value: Any, *, rows_format: str = "auto", field: str = "rows") -> Iterable[Mapping[str, Any]]:
    """The rows named by ``value`` (see the module docstring); files are opened lazily, when iterated."""
    if rows_format not in ROWS_FORMATS:
        raise NotionInputError("rows_format", f"{rows_format!r} is not one of {', '.join(ROWS_FORMATS)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise NotionInputError(field, "is empty; give rows, a JSON array, or a file path or URL")
        if text.startswith(("[", "{")):
            parsed = parse_json_value(text, field)
            if not isinstance(parsed, list):
                raise NotionInputError(field, "a JSON string must hold an array of row objects")
            return parsed
        return _file_rows(resolve_storage_path(text, field), _format_of(text, rows_format, field), field)
    if isinstance(value, os.PathLike) or (hasattr(value, "open") and not isinstance(value, Mapping)):
        return _file_rows(value, _format_of(str(value), rows_format, field), field)
    if value is None or isinstance(value, Mapping | bytes):
        raise NotionInputError(
            field,
            f"expected a list of row objects, a JSON array, or a file path or URL, got {type(value).__name__}",
        )
    if not isinstance(value, Iterable):
        raise NotionInputError(field, f"expected a list of row objects, got {type(value).__name__}")
    return value


def _format_of(name: str, rows_format: str, field: str) -> Literal["jsonl", "csv"]:
    if rows_format in ("jsonl", "csv"):
        return "jsonl" if rows_format == "jsonl" else "csv"
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    raise NotionInputError(
        field, f"cannot tell the format of {name!r} from its name; set rows_format to 'jsonl' or 'csv'"
    )


def _file_rows(path: Any, file_format: Literal["jsonl", "csv"], field: str) -> Iterator[Mapping[str, Any]]:
    if hasattr(path, "exists") and not path.exists():
        raise NotionInputError(field, f"file {str(path)!r} does not exist")
    return _read(path, file_format, field)


def _read(path: Any, file_format: Literal["jsonl", "csv"], field: str) -> Iterator[Mapping[str, Any]]:
    with path.open("r", encoding="utf-8", newline="") as handle:
        if file_format == "csv":
            yield from csv.DictReader(handle)
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise NotionInputError(f"{field} line {number}", f"is not valid JSON ({err.msg})") from None
            yield row
