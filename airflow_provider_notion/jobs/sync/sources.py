"""Where a sync's rows come from: Python lists, JSON text, or JSON Lines / CSV files read line by line.

``iter_rows(value)`` accepts:

- a list (or any iterable) of dicts, column name -> plain value or Notion property value;
- a JSON string holding an array of such objects (a rendered template, an XCom pulled as text);
- a local path, a ``file://`` / ``s3://`` / ... URL (opened with Airflow's ``ObjectStoragePath``), or an object
  with ``open()``, naming a JSON Lines (``.jsonl``, ``.ndjson``, ``.json``) or CSV (``.csv``) file. Files are
  parsed one line at a time, never read whole into memory. CSV cells are strings, which the mapping converts
  by the property type (``"3"`` -> number, ``"yes"`` -> checkbox, ``""`` -> cleared).

Files must be UTF-8 (a leading byte order mark, as Excel writes, is dropped). A CSV's first line names the
columns (each non-empty, none twice) and every row has exactly as many cells as the header: a shorter row is
usually a line cut off, a longer one a delimiter in an unquoted cell, and either would write wrong values. Every
JSON Lines line holds one object. Anything else is a :class:`NotionInputError` naming the line; the sync reads
all rows before its first request, so a bad line anywhere means nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, Literal

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.payloads import json_object, parse_json_value
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
    with path.open("rb") as handle:
        lines = text_lines(handle, field)
        if file_format == "csv":
            yield from csv_rows(lines, field)
        else:
            yield from json_lines_rows(lines, field)


def text_lines(handle: IO[bytes], field: str) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of a UTF-8 file read one line at a time, a leading BOM dropped.

    Lines end at ``\n``, ``\r\n`` or a lone ``\r`` (as Python's text files read them), and keep their
    ending, which the CSV reader needs for quoted cells that span lines. Bytes that are not UTF-8 are an input
    error naming the line, not a ``UnicodeDecodeError`` from somewhere in the middle of the file.
    """
    number = 0
    for raw in handle:
        if number == 0:
            if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise NotionInputError(f"{field} line 1", "is UTF-16 text; save the file as UTF-8")
            raw = raw.removeprefix(codecs.BOM_UTF8)  # Excel writes one; it is not part of the first header
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise NotionInputError(
                f"{field} line {number + 1}",
                f"is not UTF-8 text (byte 0x{raw[err.start]:02x} at column {err.start + 1}); save the file as UTF-8",
            ) from None
        # A binary line ends at \n only; a lone \r inside it ends a line too.
        for piece in _LONE_CR.split(text) if "\r" in text else (text,):
            if piece:
                number += 1
                yield number, piece


_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def csv_rows(lines: Iterable[tuple[int, str]], field: str) -> Iterator[dict[str, str]]:
    """Rows of a CSV file with a header line; every row must have exactly as many cells as the header.

    A row with fewer cells is usually a line cut off (a partial upload, a truncated file) and one with more a
    delimiter inside an unquoted cell: either is refused, naming the line, before any row is used. Blank lines
    are skipped; a quoted cell may span lines (the error names the line where its row starts).
    """
    current = 0

    def numbered() -> Iterator[str]:
        nonlocal current
        for number, text in lines:
            current = number
            yield text

    reader = csv.reader(numbered(), strict=True)
    header: list[str] | None = None
    while True:
        start = current + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise NotionInputError(f"{field} line {start}", f"is not valid CSV ({err})") from None
        if not cells:
            continue  # a blank line
        if header is None:
            header = _check_header(cells, f"{field} line {start}")
            continue
        if len(cells) != len(header):
            raise NotionInputError(
                f"{field} line {start}",
                f"has {len(cells)} cell{'' if len(cells) == 1 else 's'} but the header has {len(header)} "
                + ("(was the line cut off?)" if len(cells) < len(header) else "(an unquoted delimiter?)"),
            )
        yield dict(zip(header, cells, strict=True))
    if header is None:
        raise NotionInputError(field, "the CSV file is empty; its first line must name the columns")


def _check_header(cells: list[str], where: str) -> list[str]:
    seen: set[str] = set()
    for index, name in enumerate(cells, start=1):
        if not name.strip():
            raise NotionInputError(where, f"header cell {index} is empty; every column needs a name")
        if name in seen:
            raise NotionInputError(where, f"header names the column {name!r} twice")
        seen.add(name)
    return cells


def json_lines_rows(lines: Iterable[tuple[int, str]], field: str) -> Iterator[dict[str, Any]]:
    """One JSON object per line (blank lines skipped); anything else is refused, naming its line."""
    for number, text in lines:
        if text.strip():
            row = json_object(text, f"{field} line {number}", required=True)
            assert row is not None
            yield row
