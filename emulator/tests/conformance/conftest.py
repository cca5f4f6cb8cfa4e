"""The official Python SDK (``notion-client`` 3.x, sync ``Client``) against the emulator, on every Notion-Version.

Each test is marked with the SDK endpoint it exercises (``@pytest.mark.endpoint("GET /v1/users/me")``) and
parametrized over the three versions; the terminal summary prints endpoints x versions passing, the numbers
in docs/emulator-conformance.md. Expectations come from Notion's API reference and the recorded responses in
emulator/tests/fixtures/cassettes (``expected_keys``), never from the emulator's code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from sdk_expected import V1, V2, V3

notion_client = pytest.importorskip("notion_client", reason="notion-client (dev extra) is not installed")

VERSIONS = (V1, V2, V3)
# endpoint -> version -> outcome ("passed" | "failed" | "skipped")
OUTCOMES: dict[str, dict[str, str]] = defaultdict(dict)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "endpoint(*names, only={name: versions}, param=None): the SDK endpoints a conformance test exercises",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    marker = item.get_closest_marker("endpoint")
    callspec = getattr(item, "callspec", None)
    if marker is None or callspec is None or "version" not in callspec.params:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        version = callspec.params["version"]
        # ``param="name"``: the endpoint is the value of that parameter (one test, many endpoints).
        endpoints = (
            [callspec.params[marker.kwargs["param"]]] if "param" in marker.kwargs else list(marker.args)
        )
        only: dict[str, tuple[str, ...]] = marker.kwargs.get("only", {})
        for endpoint in endpoints:
            if endpoint in only and version not in only[endpoint]:
                continue
            previous = OUTCOMES[endpoint].get(version)
            if previous != "failed":
                OUTCOMES[endpoint][version] = report.outcome


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from sdk_expected import JS_OUTCOMES

    write = terminalreporter.write_line
    if JS_OUTCOMES:
        cells = [(endpoint, outcome) for endpoint, per in JS_OUTCOMES.items() for outcome in per.values()]
        passing = sum(1 for _, outcome in cells if outcome == "passed")
        write("")
        write(
            f"Official JavaScript SDK (@notionhq/client): {passing}/{len(cells)} endpoint x version pairs pass"
        )
        for endpoint, per in sorted(JS_OUTCOMES.items()):
            if any(outcome != "passed" for outcome in per.values()):
                write(f"  failing: {endpoint} {per}")
    if not OUTCOMES:
        return
    write("")
    write("Official Python SDK (notion-client) against the emulator, endpoints x versions:")
    write(f"  {'endpoint':<52} {V1:>11} {V2:>11} {V3:>11}")
    totals = {True: {"passed": 0, "failed": 0}, False: {"passed": 0, "failed": 0}}
    for endpoint in sorted(OUTCOMES, key=lambda e: (e.split(" ", 1)[-1], e)):
        cells = [OUTCOMES[endpoint].get(version, "-") for version in VERSIONS]
        implemented = "[not implemented]" not in endpoint
        for cell in cells:
            if cell in totals[implemented]:
                totals[implemented][cell] += 1
        write(f"  {endpoint:<52} {cells[0]:>11} {cells[1]:>11} {cells[2]:>11}")
    for implemented, label in (
        (True, "implemented"),
        (False, "not implemented, answering invalid_request_url"),
    ):
        counts = totals[implemented]
        write(
            f"  {label}: {counts['passed']}/{counts['passed'] + counts['failed']} endpoint x version pairs pass"
        )


@pytest.fixture(scope="session")
def sdk_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(sdk_emulator: NotionEmulator) -> NotionEmulator:
    sdk_emulator.reset()
    return sdk_emulator


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def client(emu: NotionEmulator, version: str) -> Iterator[Any]:
    """The SDK as a user points it at the emulator: ``base_url`` and ``notion_version``; no retries so a
    wrong answer shows at once."""
    sdk = notion_client.Client(auth=emu.token, base_url=emu.base_url, notion_version=version, retry=False)
    try:
        yield sdk
    finally:
        sdk.close()
