"""Write rows page by page to JSON Lines, CSV or Parquet, atomically (memory: one row group at most).

- JSON Lines: one object per row; timestamps as ISO 8601 text (``2026-01-31T10:05:00Z``), lists as arrays.
- CSV: a header row, then one line per row; empty cell = no value, booleans ``true``/``false``, lists as a JSON
  array (``["a","b"]``), timestamps as ISO 8601 text; text that a spreadsheet would run as a formula gets a
  leading ``'`` (see :func:`open_table`).
- Parquet (needs ``pyarrow``: ``pip install 'airflow-notion-provider[parquet]'``): the Arrow schema of the
  columns (string, double, bool, ``timestamp[us, tz=UTC]``, ``list<string>``), rows buffered into row groups of
  ``row_group_rows``.

CSV and JSON Lines carry their schema in a sidecar ``<file name>.schema.json`` next to the file (written right after
it, also atomically); Parquet carries it in the file. A table with no rows is still a valid file with the schema (a CSV
header, an empty JSON Lines file plus its sidecar, a Parquet file with zero rows).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import IO, Any, Literal, Protocol

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.export.columns import Column, text_form
from airflow_provider_notion.utils.atomic_files import atomic_open

ExportFormat = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "parquet")
PARQUET_EXTRA = "airflow-notion-provider[parquet]"
DEFAULT_ROW_GROUP_ROWS = 10_000


def require_pyarrow() -> tuple[ModuleType, ModuleType]:
    """``(pyarrow, pyarrow.parquet)``, or an input error naming the extra to install."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise NotionInputError(
            "format",
            f"'parquet' needs pyarrow, which is not installed; install the extra: pip install '{PARQUET_EXTRA}'",
        ) from None
    return pyarrow, pyarrow.parquet


def arrow_schema(columns: Sequence[Column]) -> Any:
    """The Arrow schema of the columns."""
    pa, _ = require_pyarrow()
    types = {
        "string": pa.string(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list<string>": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(column.name, types[column.type]) for column in columns])


def schema_sidecar_name(file_name: str) -> str:
    """``rows.csv`` -> ``rows.csv.schema.json`` (the whole name, so ``rows.csv`` and ``rows.jsonl`` side by side
    keep their own)."""
    return f"{file_name}.schema.json"


def schema_document(columns: Sequence[Column], fmt: ExportFormat, **about: Any) -> dict[str, Any]:
    return {"format": fmt, **about, "columns": [column.describe() for column in columns]}


class RowWriter(Protocol):
    """Takes rows (column name -> value) a page at a time."""

    def write(self, rows: Sequence[dict[str, Any]]) -> None: ...


class _JsonLinesWriter:
    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            payload = {key: text_form(value) for key, value in row.items()}
            self._handle.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
            self._handle.write("\n")
        self._handle.flush()


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``: a leading quote makes a spreadsheet show the text as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Any, formula_escape: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    value = text_form(value)
    # Only text: numbers (-3.5) and timestamps are written by us and are never formulas.
    return neutralise_formula(value) if formula_escape and isinstance(value, str) else value


class _LineFeedRows:
    """Ends each CSV row with ``\n`` while the writer is told ``\r\n``.

    The csv module quotes a cell only for the characters of its line terminator: with ``\n`` a text holding a
    lone ``\r`` was written unquoted and read back as two rows. ``writerow`` writes one whole row per call.
    """

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def write(self, row: str) -> int:
        return self._handle.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


class _CsvWriter:
    def __init__(self, handle: IO[str], columns: Sequence[Column], formula_escape: bool) -> None:
        self._handle = handle
        self._names = [column.name for column in columns]
        self._formula_escape = formula_escape
        self._csv = csv.writer(_LineFeedRows(handle), lineterminator="\r\n")
        self._csv.writerow([self._cell(name) for name in self._names])

    def _cell(self, value: Any) -> Any:
        return _csv_cell(value, self._formula_escape)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self._csv.writerow([self._cell(row.get(name)) for name in self._names])
        self._handle.flush()


class _ParquetWriter:
    def __init__(self, handle: IO[bytes], columns: Sequence[Column], row_group_rows: int) -> None:
        self._pa, parquet = require_pyarrow()
        self._schema = arrow_schema(columns)
        self._writer = parquet.ParquetWriter(handle, self._schema)
        self._row_group_rows = row_group_rows
        self._buffer: list[dict[str, Any]] = []

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        self._buffer.extend(rows)
        if len(self._buffer) >= self._row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            table = self._pa.Table.from_pylist(self._buffer, schema=self._schema)
            self._writer.write_table(table, row_group_size=self._row_group_rows)
            self._buffer = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


@contextmanager
def open_table(
    target: Any,
    fmt: ExportFormat,
    columns: Sequence[Column] | None,
    *,
    row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
    schema_about: dict[str, Any] | None = None,
    csv_formula_escape: bool = True,
) -> Iterator[RowWriter]:
    """A writer for ``target`` in ``fmt``; the file appears (complete) when the block ends without error.

    :param columns: the flat columns; ``None`` writes raw objects (JSON Lines only).
    :param schema_about: extra fields of the sidecar schema (the data source id...).
    :param csv_formula_escape: in CSV, text cells (and header names) starting with ``=``, ``+``, ``-``, ``@``, a
        tab or a carriage return get a leading ``'``, so a spreadsheet shows them instead of running them as
        formulas (OWASP's advice); the sidecar says ``"csv_formula_escape": true``. Off: cells as they are.
    """
    if fmt == "parquet":
        if columns is None:
            raise NotionInputError("flatten", "raw page objects (flatten=False) can only be written as jsonl")
        require_pyarrow()  # before anything is written
        with atomic_open(target, "wb") as binary:
            writer = _ParquetWriter(binary, columns, row_group_rows)
            yield writer
            writer.close()
        return
    if columns is None and fmt == "csv":
        raise NotionInputError("flatten", "raw page objects (flatten=False) can only be written as jsonl")
    with atomic_open(target, "w") as text:
        if fmt == "csv":
            assert columns is not None
            schema_about = {**(schema_about or {}), "csv_formula_escape": csv_formula_escape}
            yield _CsvWriter(text, columns, csv_formula_escape)
        else:
            yield _JsonLinesWriter(text)
    if columns is not None:
        # After the data file is in place, so a failed run never leaves a sidecar describing other data.
        sidecar = target.parent / schema_sidecar_name(target.name)
        with atomic_open(sidecar, "w") as handle:
            json.dump(schema_document(columns, fmt, **(schema_about or {})), handle, indent=2)
            handle.write("\n")
