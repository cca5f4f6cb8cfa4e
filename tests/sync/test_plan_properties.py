"""Property-based tests of the sync plan (Hypothesis): generated source rows and existing Notion rows.

Every cell is generated as a *meaning* (a text, a number, a set of option names, an instant...), then spelt
twice, independently: as a plain source value (``int``/``Decimal``/``str``, a ``datetime`` in any time zone,
names in any order) and as Notion returns it (text cut into pieces of any size, numbers as floats, dates in
another offset, options with ids and colours). The oracle compares meanings only, so the plan must:

- create exactly the source keys Notion lacks, trash exactly the Notion keys the source lacks;
- update exactly the rows whose meaning changed, with exactly the changed columns;
- be idempotent: after its writes are applied (Notion keeps the meaning, spelt its own way again), planning
  again gives no write at all.

The rows go through :func:`to_property_values` first, as in a sync, so the plain-value builder is covered too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_notion.jobs.sync.plan import plan_sync
from airflow_provider_notion.rules.values.to_notion import to_property_values

TYPES = {
    "Name": "title",
    "Notes": "rich_text",
    "Score": "number",
    "Stage": "select",
    "Tags": "multi_select",
    "Done": "checkbox",
    "When": "date",
    "Link": "url",
}
SCHEMA = {name: {"id": name[:2], "name": name, "type": kind, kind: {}} for name, kind in TYPES.items()}
COLUMNS = [name for name in TYPES if name != "Name"]
OPTIONS = ["red", "green", "blue", "Grün", "x y"]
#: The meaning of a row nobody filled in (a new page, a row without a key).
EMPTY: dict[str, Any] = dict.fromkeys(COLUMNS, None) | {"Notes": "", "Tags": frozenset(), "Done": False}
ZONES = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((0, 0), (2, 0), (-5, 0), (5, 30), (-9, -30))]

keys = st.text(alphabet="abcXYZ-é1", min_size=1, max_size=4)
short_text = st.text(alphabet="ab é😀\n", max_size=6)
long_text = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["x", "yz", "é😀"]), st.integers(700, 1600)
)
instants = st.builds(
    lambda day, minute: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day, minutes=minute),
    st.integers(0, 60),
    st.integers(0, 1439),
)
MEANINGS: dict[str, st.SearchStrategy[Any]] = {
    "Notes": st.one_of(short_text, long_text),
    "Score": st.one_of(st.none(), st.integers(-1000, 1000), st.sampled_from([0.5, 2.25, -7.125, 1e-3])),
    "Stage": st.one_of(st.none(), st.sampled_from(OPTIONS)),
    "Tags": st.frozensets(st.sampled_from(OPTIONS), max_size=4),
    "Done": st.booleans(),
    "When": st.one_of(st.none(), instants, st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    "Link": st.one_of(st.none(), st.sampled_from(["https://example.com/a", "https://example.com/b?x=1"])),
}


# ---------------------------------------------------------------- spellings of one meaning


def source_spelling(draw: st.DrawFn, column: str, meaning: Any) -> Any:
    """A plain value a user could put in a row for ``meaning``."""
    if column == "Notes":
        return draw(st.sampled_from([None, ""])) if meaning == "" else meaning
    if column == "Score":
        if meaning is None:
            return draw(st.sampled_from([None, ""]))
        return draw(st.sampled_from([meaning, Decimal(str(meaning)), str(meaning), float(meaning)]))
    if column == "Tags":
        names = sorted(meaning)
        if draw(st.booleans()):
            return ", ".join(draw(st.permutations(names)))  # a CSV cell
        return draw(st.permutations(names)) + draw(
            st.lists(st.sampled_from(names), max_size=2) if names else st.just([])
        )
    if column == "Done":
        return draw(st.sampled_from([meaning, "yes" if meaning else "no"] + ([] if meaning else [None])))
    if column == "When" and isinstance(meaning, datetime):
        moment = meaning.astimezone(draw(st.sampled_from(ZONES)))
        return draw(st.sampled_from([moment, moment.isoformat(), meaning.replace(tzinfo=None)]))
    if column in ("Stage", "Link") and meaning is None:
        return draw(st.sampled_from([None, ""]))
    return meaning


def rich_text(draw: st.DrawFn, text: str) -> list[dict[str, Any]]:
    size = draw(st.integers(1, 2000))
    return [
        {
            "type": "text",
            "text": {"content": text[i : i + size], "link": None},
            "plain_text": text[i : i + size],
        }
        for i in range(0, len(text), size)
    ]


def option(name: str) -> dict[str, Any]:
    return {"id": f"id-{name}", "name": name, "color": "default"}


def notion_spelling(draw: st.DrawFn, column: str, meaning: Any) -> Any:
    """The value Notion returns in a query for ``meaning``."""
    kind = TYPES[column]
    body: Any
    if kind in ("title", "rich_text"):
        body = rich_text(draw, meaning)
    elif kind == "number":
        body = None if meaning is None else draw(st.sampled_from([meaning, float(meaning)]))
    elif kind == "select":
        body = None if meaning is None else option(meaning)
    elif kind == "multi_select":
        body = [option(name) for name in draw(st.permutations(sorted(meaning)))]
    elif kind == "date":
        if meaning is None:
            body = None
        elif isinstance(meaning, datetime):
            body = {"start": meaning.astimezone(draw(st.sampled_from(ZONES))).isoformat(), "end": None}
        else:
            body = {"start": meaning.isoformat(), "end": None, "time_zone": None}
    else:
        body = meaning
    return {"id": SCHEMA[column]["id"], "type": kind, kind: body}


# ---------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    source: dict[str, dict[str, Any]]  # key -> column -> meaning (only the columns the row gives)
    notion: dict[str, dict[str, Any]]  # key -> column -> meaning (every column)
    keyless: int
    delete_missing: bool


def full_meaning(draw: st.DrawFn) -> dict[str, Any]:
    return {column: draw(MEANINGS[column]) for column in COLUMNS}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    source_keys = draw(st.sets(keys, max_size=8))
    notion_keys = draw(st.sets(keys, max_size=8))
    notion = {key: full_meaning(draw) for key in notion_keys}
    source: dict[str, dict[str, Any]] = {}
    for key in source_keys:
        columns = draw(st.lists(st.sampled_from(COLUMNS), unique=True))
        base = notion.get(key) if draw(st.integers(0, 3)) else None  # mostly: the same meaning as Notion's
        source[key] = {
            column: (base[column] if base is not None and draw(st.booleans()) else draw(MEANINGS[column]))
            for column in columns
        }
    return Scenario(source, notion, draw(st.integers(0, 2)), draw(st.booleans()))


def source_rows(draw: st.DrawFn, scenario: Scenario) -> list[tuple[Any, dict[str, Any]]]:
    mapped = []
    for key, meanings in scenario.source.items():
        row = {"Name": key, **{c: source_spelling(draw, c, m) for c, m in meanings.items()}}
        values = to_property_values(SCHEMA, row, field=f"rows[Name={key!r}]")
        mapped.append((key, values))  # a title key is its text
    return mapped


def notion_pages(draw: st.DrawFn, notion: dict[str, dict[str, Any]], keyless: int) -> list[dict[str, Any]]:
    pages = [
        {
            "id": f"page-{key}",
            "properties": {
                "Name": notion_spelling(draw, "Name", key),
                **{c: notion_spelling(draw, c, m) for c, m in meanings.items()},
            },
        }
        for key, meanings in notion.items()
    ]
    for number in range(keyless):
        props = {c: notion_spelling(draw, c, m) for c, m in EMPTY.items()}
        pages.append(
            {"id": f"keyless-{number}", "properties": {"Name": notion_spelling(draw, "Name", ""), **props}}
        )
    return draw(st.permutations(pages))


def plan(draw: st.DrawFn, scenario: Scenario, notion: dict[str, dict[str, Any]]) -> Any:
    return plan_sync(
        SCHEMA,
        "Name",
        "title",
        source_rows(draw, scenario),
        notion_pages(draw, notion, scenario.keyless),
        delete_missing=scenario.delete_missing,
        max_delete_fraction=1.0,
    )


@given(scenario=scenarios(), data=st.data())
def test_the_plan_writes_exactly_what_differs_and_nothing_on_a_second_run(
    scenario: Scenario, data: st.DataObject
) -> None:
    first = plan(data.draw, scenario, scenario.notion)

    wanted_updates = {
        key: sorted(c for c, m in meanings.items() if m != scenario.notion[key][c])
        for key, meanings in scenario.source.items()
        if key in scenario.notion
    }
    assert sorted(w.key for w in first.creates) == sorted(set(scenario.source) - set(scenario.notion))
    assert {w.key: sorted(w.properties) for w in first.updates} == {
        k: c for k, c in wanted_updates.items() if c
    }
    assert all(w.page_id == f"page-{w.key}" for w in first.updates + first.trashes)
    assert first.unchanged == sum(1 for columns in wanted_updates.values() if not columns)
    wanted_trashes = set(scenario.notion) - set(scenario.source) if scenario.delete_missing else set()
    assert {w.key for w in first.trashes} == wanted_trashes
    assert (first.existing, first.without_key) == (len(scenario.notion) + scenario.keyless, scenario.keyless)

    # Apply the writes as Notion would: it keeps each written meaning and spells it its own way.
    after = {key: dict(meanings) for key, meanings in scenario.notion.items() if key not in wanted_trashes}
    for key, meanings in scenario.source.items():
        after[key] = {**(after.get(key) or EMPTY), **meanings}
    second = plan(data.draw, scenario, after)
    assert second.writes == []
    assert second.unchanged == len(scenario.source)
