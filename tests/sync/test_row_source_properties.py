"""Property-based tests (Hypothesis) of the file row sources on generated files: CSV and JSON Lines written with
any cells (quotes, delimiters, line breaks, unicode), line endings and byte order marks read back exactly; a row
with too few or too many cells, a line that is not an object, or bytes that are not UTF-8 are refused, naming
the right line."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.sync.sources import iter_rows

cells = st.text(alphabet=st.sampled_from([*"ab ,;\"'\n\r\t=", "é", "💡", "\u2028", "\x0c"]), max_size=8)
names = st.text(alphabet=st.sampled_from([*"abcXYZ _-\"',", "é"]), min_size=1, max_size=6).filter(
    lambda name: name.strip() != ""
)
line_endings = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=6))
    # A row of one empty cell is written as a blank line, which a CSV reader skips.
    return header, [row for row in rows if row != [""]]


def csv_bytes(header: list[str], rows: list[list[str]], ending: str, bom: bool) -> bytes:
    out = io.StringIO(newline="")
    # The csv module quotes a cell only for its own terminator's characters, while a reader ends a line at
    # \r, \n or \r\n: quote every cell when some cell holds a line break, as a valid CSV must.
    breaks = any(ch in cell for row in rows for cell in row for ch in "\r\n")
    writer = csv.writer(out, lineterminator=ending, quoting=csv.QUOTE_ALL if breaks else csv.QUOTE_MINIMAL)
    writer.writerows([header, *rows])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def read(name: str, data: bytes) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return [dict(row) for row in iter_rows(str(path))]


@given(tables(), line_endings, st.booleans())
def test_a_csv_file_reads_back_its_rows(
    table: tuple[list[str], list[list[str]]], ending: str, bom: bool
) -> None:
    header, rows = table
    got = read("rows.csv", csv_bytes(header, rows, ending, bom))
    assert got == [dict(zip(header, row, strict=True)) for row in rows]


@given(tables(), line_endings, st.data())
def test_a_csv_row_of_the_wrong_width_is_refused_naming_its_line(
    table: tuple[list[str], list[list[str]]], ending: str, data: st.DataObject
) -> None:
    header, rows = table
    rows = [[cell.replace("\r", "").replace("\n", "") for cell in row] for row in rows]  # one line per row
    rows = [row for row in rows if row != [""]]
    bad_at = data.draw(st.integers(0, len(rows)))
    width = data.draw(st.integers(1, len(header) + 3).filter(lambda n: n != len(header)))
    bad = [f"c{i}" for i in range(width)]
    data_bytes = csv_bytes(header, [*rows[:bad_at], bad, *rows[bad_at:]], ending, bom=False)
    with pytest.raises(NotionInputError, match=rf"rows line {bad_at + 2}: has {width} cells? but the header"):
        read("rows.csv", data_bytes)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | cells,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(cells, inner, max_size=3),
    max_leaves=8,
)
json_rows = st.lists(st.dictionaries(names, json_values, max_size=4), max_size=6)


@given(json_rows, st.lists(st.integers(0, 3), min_size=7, max_size=7), line_endings, st.booleans())
def test_a_json_lines_file_reads_back_its_rows(
    rows: list[dict[str, Any]], blanks: list[int], ending: str, bom: bool
) -> None:
    lines: list[str] = []
    for index, row in enumerate(rows):
        lines.extend([""] * blanks[index])
        lines.append(json.dumps(row, ensure_ascii=bool(blanks[index] % 2)))
    data = (b"\xef\xbb\xbf" if bom else b"") + ending.join(lines).encode("utf-8")
    assert read("rows.jsonl", data) == rows


@given(json_rows, st.data())
def test_a_json_lines_line_that_is_not_an_object_is_refused_naming_it(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    bad_at = data.draw(st.integers(0, len(rows)))
    bad = data.draw(st.sampled_from(["[1]", "3", '"text"', "{", "{'a': 1}", "null", '{"a": NaN}']))
    lines = [json.dumps(row) for row in rows]
    lines.insert(bad_at, bad)
    with pytest.raises(NotionInputError, match=rf"rows line {bad_at + 1}\b"):
        read("rows.jsonl", "\n".join(lines).encode("utf-8"))


@given(tables(), st.data())
def test_bytes_that_are_not_utf8_are_refused_naming_their_line(
    table: tuple[list[str], list[list[str]]], data: st.DataObject
) -> None:
    header, rows = table
    rows = [[cell.replace("\r", "").replace("\n", "") or "x" for cell in row] for row in rows]
    lines = csv_bytes(header, rows, "\n", bom=False).split(b"\n")[:-1]
    bad_at = data.draw(st.integers(0, len(lines) - 1))
    lines[bad_at] += data.draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3("]))  # Latin-1 é, a cut sequence
    with pytest.raises(NotionInputError, match=rf"rows line {bad_at + 1}: is not UTF-8"):
        read("rows.csv", b"\n".join(lines) + b"\n")
