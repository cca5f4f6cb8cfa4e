"""Every operation against every fault, over real HTTP to the emulator.

Per cell: reads end with the right data; writes create exactly one object or fail with an error saying the
outcome is unknown, never two; the number of requests the emulator saw matches the retry rules:

- 429 is retried for every method, after ``Retry-After`` (waits are recorded, not slept);
- 5xx (529 too, after its ``Retry-After``), connection resets, read timeouts, truncated and non-JSON answers
  are retried for reads only;
- a write hit by one of those fails at once with ``NotionWriteOutcomeUnknownError``.

``when="after"`` applies the request and then loses the answer: the case where a blind retry duplicates a
create. A 429 "after" is left out for writes: Notion's rate limiter answers before the request is processed
(that is why Notion, its SDKs and this hook retry it for writes too). A 529 "after" is kept: nothing documents
that an overloaded Notion never applies the write it answers so.

The whole matrix is printed at the end of the module's run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionError, NotionWriteOutcomeUnknownError
from airflow_provider_notion.hooks.notion import NotionHook
from tests.resilience.helpers import SCHEMA, add_report, row_values

HOOK_TIMEOUT = 0.25
SLOW_ANSWER = 0.6  # longer than HOOK_TIMEOUT: the hook's read timeout fires
SHORT_WAIT, LONG_WAIT = 1, 120


@dataclass
class Setup:
    """What a cell works on: a page, a data source with three rows, the seed's users."""

    emu: NotionEmulator
    page_id: str
    page_title: str
    data_source_id: str
    row_ids: list[str]
    user_ids: list[str]
    new_title: str = "fault-matrix object"


@dataclass(frozen=True)
class Operation:
    name: str
    writes: bool
    method: str
    path: str  # regex the fault is matched on
    run: Callable[[NotionHook, Setup], Any]
    check: Callable[[Any, Setup], bool] = lambda result, setup: True
    count: Callable[[Setup], int] = lambda setup: 0


@dataclass(frozen=True)
class FaultCase:
    name: str
    options: dict[str, Any]
    retry_after: int | None = None

    @property
    def always_retried(self) -> bool:
        return self.options.get("kind") == "status" and self.options["status"] == 429


def count_databases(setup: Setup) -> int:
    with setup.emu.state.lock:
        return sum(
            1
            for db in setup.emu.state.databases.values()
            if "".join(t.get("plain_text") or t["text"]["content"] for t in db.title) == setup.new_title
        )


OPERATIONS = [
    Operation(
        "get page",
        False,
        "GET",
        r"^/v1/pages/",
        lambda hook, s: hook.get_page(s.page_id),
        check=lambda page, s: page["id"] == s.page_id,
    ),
    Operation(
        "list users",
        False,
        "GET",
        r"^/v1/users$",
        lambda hook, s: hook.list_users(),
        check=lambda users, s: [u["id"] for u in users["results"]] == s.user_ids,
    ),
    Operation(
        "query",
        False,
        "POST",
        r"/query$",
        lambda hook, s: hook.query_database(data_source_id=s.data_source_id),
        check=lambda rows, s: sorted(r["id"] for r in rows["results"]) == sorted(s.row_ids),
    ),
    Operation(
        "search",
        False,
        "POST",
        r"^/v1/search$",
        lambda hook, s: hook.search(s.page_title, object_type="page"),
        check=lambda found, s: s.page_id in [r["id"] for r in found["results"]],
    ),
    Operation(
        "create page",
        True,
        "POST",
        r"^/v1/pages$",
        lambda hook, s: hook.create_page(s.page_id, {"title": s.new_title}),
        count=lambda s: s.emu.state.count_pages(title=s.new_title),
    ),
    Operation(
        "create db item",
        True,
        "POST",
        r"^/v1/pages$",
        lambda hook, s: hook.create_database_item(
            {"type": "data_source_id", "data_source_id": s.data_source_id}, {"Name": {"title": s.new_title}}
        ),
        count=lambda s: s.emu.state.count_pages(title=s.new_title),
    ),
    Operation(
        "create database",
        True,
        "POST",
        r"^/v1/databases$",
        lambda hook, s: hook.create_database(s.page_id, s.new_title, {"Name": {"title": {}}}),
        count=count_databases,
    ),
]

FAULTS = [
    FaultCase("429 short", {"kind": "status", "status": 429, "retry_after": SHORT_WAIT}, SHORT_WAIT),
    FaultCase("429 long", {"kind": "status", "status": 429, "retry_after": LONG_WAIT}, LONG_WAIT),
    FaultCase("529", {"kind": "status", "status": 529, "retry_after": SHORT_WAIT}, SHORT_WAIT),
    FaultCase("500", {"kind": "status", "status": 500}),
    FaultCase("502", {"kind": "status", "status": 502}),
    FaultCase("503", {"kind": "status", "status": 503}),
    FaultCase("504", {"kind": "status", "status": 504}),
    FaultCase("reset", {"kind": "reset"}),
    FaultCase("timeout", {"kind": "delay", "delay_seconds": SLOW_ANSWER}),
    FaultCase("truncated", {"kind": "truncate"}),
    FaultCase("HTML 502", {"kind": "html", "status": 502}),
    FaultCase("HTML 200", {"kind": "html", "status": 200}),
]


@dataclass
class Matrix:
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def render(self) -> list[str]:
        rows = sorted({(op, when) for op, when, _ in self.cells}, key=_row_order)
        names = [fault.name for fault in FAULTS]
        width = max(len(f"{op} ({when})") for op, when in rows)
        cols = [max(len(name), 14) for name in names]
        lines = [
            "Fault matrix: cell = outcome / requests sent. ok = right data or exactly one object; "
            "unknown(n) = NotionWriteOutcomeUnknownError with n objects created; n/a = not a real-world case",
            " " * width + " | " + " | ".join(name.ljust(c) for name, c in zip(names, cols, strict=True)),
        ]
        lines.append("-" * len(lines[-1]))
        for op, when in rows:
            cells = [
                self.cells.get((op, when, name), "").ljust(c) for name, c in zip(names, cols, strict=True)
            ]
            lines.append(f"{op} ({when})".ljust(width) + " | " + " | ".join(cells))
        return lines


def _row_order(row: tuple[str, str]) -> tuple[int, int]:
    names = [op.name for op in OPERATIONS]
    return names.index(row[0]), 0 if row[1] == "before" else 1


@pytest.fixture(scope="module")
def matrix(request: pytest.FixtureRequest) -> Iterator[Matrix]:
    collected = Matrix()
    yield collected
    if collected.cells:
        add_report(request.config, collected.render())


@pytest.fixture
def setup(emu: NotionEmulator) -> Setup:
    page = emu.add_page(parent_id=emu.root_page_id, title="Fault matrix target")
    database = emu.add_database(parent_id=emu.root_page_id, title="Fault rows", properties=SCHEMA)
    rows = emu.add_rows(database["data_source_id"], [row_values(i) for i in range(3)])
    return Setup(emu, page["id"], "Fault matrix target", database["data_source_id"], rows, [])


def wait_for_requests(emu: NotionEmulator, expected: int, timeout: float) -> int:
    """The emulator logs a slow request only once it has answered; wait for it before counting."""
    deadline = time.monotonic() + timeout
    while len(emu.request_log) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return len(emu.request_log)


CELLS = [
    pytest.param(op, fault, when, id=f"{op.name}-{fault.name}-{when}")
    for op in OPERATIONS
    for when in ("before", "after")
    for fault in FAULTS
]


@pytest.mark.parametrize(("op", "fault", "when"), CELLS)
def test_fault_cell(
    emu: NotionEmulator, setup: Setup, matrix: Matrix, op: Operation, fault: FaultCase, when: str
) -> None:
    if op.writes and when == "after" and fault.always_retried:
        matrix.cells[(op.name, when, fault.name)] = "n/a"
        pytest.skip("Notion answers 429 before processing a request")
    if op.name == "list users":  # compared with the list as read without a fault
        setup.user_ids = [u["id"] for u in NotionHook(requests_per_second=None).list_users()["results"]]
        assert setup.user_ids
    sleeps: list[float] = []
    hook = NotionHook(timeout=HOOK_TIMEOUT, requests_per_second=None, sleep=sleeps.append)
    emu.clear_request_log()
    emu.faults.inject(method=op.method, path=op.path, when=when, count=1, **fault.options)

    retried = fault.always_retried or not op.writes
    expected_requests = 2 if retried else 1
    error: NotionError | None = None
    result: Any = None
    try:
        result = op.run(hook, setup)
    except NotionError as failure:
        error = failure
    # A slow answer is logged once the emulator has sent it, after the hook gave up on it.
    sent = wait_for_requests(emu, expected_requests, SLOW_ANSWER + 1.0)
    objects = op.count(setup) if op.writes else None

    if retried:
        outcome = (
            "ok" if error is None and (objects == 1 if op.writes else op.check(result, setup)) else "FAIL"
        )
    else:
        outcome = f"unknown({objects})" if isinstance(error, NotionWriteOutcomeUnknownError) else "FAIL"
    matrix.cells[(op.name, when, fault.name)] = f"{outcome} / {sent}"

    assert sent == expected_requests, [(r.method, r.path, r.status, r.fault) for r in emu.request_log]
    assert emu.faults.pending() == []
    if fault.retry_after is not None and retried:
        assert sleeps == [fault.retry_after]  # Notion's Retry-After, not our own backoff
    if retried:
        assert error is None, error
        if op.writes:
            assert objects == 1
        else:
            assert op.check(result, setup), result
        return
    # A write whose outcome is unknown: one attempt, a clear error, never a duplicate.
    assert isinstance(error, NotionWriteOutcomeUnknownError), error
    assert "outcome is unknown" in str(error)
    applied = when == "after" or fault.options["kind"] == "delay"  # a slow answer is still applied
    assert objects == (1 if applied else 0)
