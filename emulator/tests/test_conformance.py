"""Conformance: replay every recorded Notion call (fixtures/cassettes) against the emulator and compare.

Per cassette, a fresh emulator state is seeded with what the recording assumes already exists (the parent
page the SDK tests create under, the bot and the workspace's person). Each recorded request is sent with its
recorded ``Notion-Version`` after translating recorded ids into the ids the emulator handed out earlier in
the same cassette (and recorded cursors into emulator cursors). Objects that a recorded *list* shows but the
cassette never created (file uploads from earlier runs) are seeded just before that request.

The answers must match the recording in status and error ``code``, in ``object``/``type``/``status``
values, in key sets at every level and in JSON value types; ids, timestamps, request ids and free text are
ignored. Lists are compared element by element, or by their first elements when the lengths differ.

The rate per endpoint is printed in the terminal summary (``make test`` shows it; ``-s`` is not needed).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
import yaml
from notion_emulator import NotionEmulator
from notion_emulator.util import normalize_id, utcnow
from recorded_notion import CASSETTES

FOLDERS = ("notion-sdk-py_2022-06-28", "notion-sdk-py_2025-09-03")
TOKEN = "ntn_conformance_replay_token_00000000000000"
BOT_ID = "7775f3a3-893f-43fa-b625-460c61094c78"
PERSON_ID = "a4f789cc-7bc8-4cf0-82b9-a8ba7d985ecf"
# The page every recorded SDK test creates its objects under, per folder.
ROOT_PAGES = {
    "notion-sdk-py_2022-06-28": "95ba0116-6776-4c19-9e45-54e77415f03b",
    "notion-sdk-py_2025-09-03": "393abc1e-edcd-80f3-813b-e205934558c6",
}

# Endpoints recorded in the cassettes that the emulator deliberately does not answer like Notion, with the
# reason. Empty: every recorded endpoint is implemented and must conform. The README lists the same.
SKIPPED_ENDPOINTS: dict[str, str] = {}

# Keys whose values (not only types) must match: they name what an object is.
VALUE_KEYS = frozenset({"object", "type", "code", "status"})
IGNORED_KEYS = frozenset({"request_id"})


# ---------------------------------------------------------------------- cassette loading
@dataclass(frozen=True)
class Interaction:
    method: str
    uri: str  # path and query, as recorded
    version: str
    content_type: str | None
    body: str
    status: int
    response: Any


def load_cassette(path: Path) -> list[Interaction]:
    """Both layouts: standard vcrpy (``body.string``/``status.code``) and the older httpx style
    (``content``/``status_code``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    interactions = []
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        if "body" in response:
            text, status = response["body"]["string"], response["status"]["code"]
        else:
            text, status = response["content"], response["status_code"]
        headers = request["headers"]
        split = urlsplit(request["uri"])
        interactions.append(
            Interaction(
                method=request["method"],
                uri=split.path + (f"?{split.query}" if split.query else ""),
                version=headers["notion-version"][0],
                content_type=(headers.get("content-type") or [None])[0],
                body=request.get("body") or "",
                status=int(status),
                response=json.loads(text),
            )
        )
    return interactions


def cassette_paths() -> list[Path]:
    return [path for folder in FOLDERS for path in sorted((CASSETTES / folder).glob("*.yaml"))]


# ---------------------------------------------------------------------- shape comparison
def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_differences(recorded: Any, actual: Any, where: str = "$") -> list[str]:
    """Human-readable differences between two JSON values, by shape (see module docstring)."""
    if _kind(recorded) != _kind(actual):
        return [f"{where}: recorded {_kind(recorded)}, emulator {_kind(actual)}"]
    if isinstance(recorded, dict):
        rec_keys = set(recorded) - IGNORED_KEYS
        act_keys = set(actual) - IGNORED_KEYS
        found = []
        if rec_keys - act_keys:
            found.append(f"{where}: keys missing in emulator: {sorted(rec_keys - act_keys)}")
        if act_keys - rec_keys:
            found.append(f"{where}: keys not in recording: {sorted(act_keys - rec_keys)}")
        for key in sorted(rec_keys & act_keys):
            if key in VALUE_KEYS and recorded[key] != actual[key] and not isinstance(recorded[key], dict):
                found.append(f"{where}.{key}: recorded {recorded[key]!r}, emulator {actual[key]!r}")
            found.extend(shape_differences(recorded[key], actual[key], f"{where}.{key}"))
        return found
    if isinstance(recorded, list):
        if len(recorded) == len(actual):
            pairs = list(zip(recorded, actual, strict=True))
        elif recorded and actual:
            pairs = [(recorded[0], actual[0])]
        else:
            return [f"{where}: recorded {len(recorded)} items, emulator {len(actual)}"]
        found = []
        for index, (rec, act) in enumerate(pairs):
            found.extend(shape_differences(rec, act, f"{where}[{index}]"))
        return found
    return []


def test_shape_comparison_catches_what_it_must() -> None:
    base = {"object": "page", "id": "a", "n": 1, "items": [{"x": None}], "request_id": "r"}
    same_shape = {
        "object": "page",
        "id": "b",
        "n": 2.5,
        "items": [{"x": None}, {"x": None}],
        "request_id": "s",
    }
    assert shape_differences(base, same_shape) == []
    assert shape_differences(base, {**base, "object": "block"})
    assert shape_differences(base, {**base, "extra": 1})
    assert shape_differences(base, {k: v for k, v in base.items() if k != "n"})
    assert shape_differences(base, {**base, "n": "1"})
    assert shape_differences(base, {**base, "items": [{"x": "text"}]})
    assert shape_differences(base, {**base, "items": []})
    # request ids are ignored, even when one side has none (the 2022 400 error had none)
    assert shape_differences({"a": 1}, {"a": 2, "request_id": "x"}) == []


# ---------------------------------------------------------------------- replay
def seed_for(folder: str) -> dict[str, Any]:
    return {
        "workspace": {"name": "notion-sdk-py"},
        "people": [
            {
                "id": PERSON_ID,
                "name": "Maintainer",
                "email": "maintainer@example.com",
                "avatar_url": "https://example.com/avatar.png",
            }
        ],
        "integrations": [
            {"id": BOT_ID, "name": "notion-sdk-py", "token": TOKEN, "shared": [ROOT_PAGES[folder]]}
        ],
        # The recorded workspace's root page is untitled.
        "pages": [{"id": ROOT_PAGES[folder], "title": "", "parent": {"workspace": True}}],
    }


@dataclass
class Outcome:
    cassette: str
    index: int
    endpoint: str
    differences: list[str]


@dataclass
class Replayer:
    emulator: NotionEmulator
    session: requests.Session
    ids: dict[str, str] = field(default_factory=dict)  # recorded id (dashed) -> emulator id
    cursors: dict[str, str] = field(default_factory=dict)

    # ---- translation of recorded requests
    def _map_id(self, text: str) -> str:
        normalized = normalize_id(text)
        if normalized is None or normalized not in self.ids:
            return text
        return self.ids[normalized]

    def translate_uri(self, uri: str) -> str:
        split = urlsplit(uri)
        path = "/".join(self._map_id(segment) for segment in split.path.split("/"))
        query = [
            (key, self.cursors.get(value, value) if key == "start_cursor" else self._map_id(value))
            for key, value in parse_qsl(split.query, keep_blank_values=True)
        ]
        return path + (f"?{urlencode(query)}" if query else "")

    def translate_json(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.translate_json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.translate_json(v, key) for v in value]
        if isinstance(value, str):
            return self.cursors.get(value, value) if key == "start_cursor" else self._map_id(value)
        return value

    # ---- learning ids from answers
    def learn(self, recorded: Any, actual: Any, key: str = "") -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for k in recorded.keys() & actual.keys():
                self.learn(recorded[k], actual[k], k)
        elif isinstance(recorded, list) and isinstance(actual, list):
            for rec, act in zip(recorded, actual, strict=False):
                self.learn(rec, act, key)
        elif isinstance(recorded, str) and isinstance(actual, str):
            if key == "next_cursor":
                self.cursors[recorded] = actual
            elif key == "id" and (rec_id := normalize_id(recorded)) and normalize_id(actual):
                self.ids.setdefault(rec_id, actual)

    # ---- objects a recorded list shows that this replay never created
    def seed_listed(self, interaction: Interaction) -> None:
        if interaction.method != "GET" or not interaction.uri.startswith("/v1/file_uploads?"):
            return
        results = interaction.response.get("results", [])
        missing = [r for r in results if normalize_id(r["id"]) not in self.ids]
        extra = 1 if interaction.response.get("has_more") else 0
        # Older than everything created so far, in the recorded (newest first) order, within the 1 h lifetime.
        now = utcnow()
        store = self.emulator.state.file_uploads
        for age, listed in enumerate(missing + missing[-1:] * extra, start=1):
            record = store.create(
                self.emulator.default_integration().id,
                mode="multi_part" if "number_of_parts" in listed else "single_part",
                filename=listed["filename"],
                content_type=listed["content_type"],
                number_of_parts=(listed.get("number_of_parts") or {}).get("total"),
                status=listed["status"],
                created=now - timedelta(minutes=10, seconds=age),
            )
            if listed["content_length"] is not None:
                record.content_length = listed["content_length"]
            if age <= len(missing):
                self.ids[normalize_id(listed["id"]) or ""] = record.id

    def send(self, interaction: Interaction) -> requests.Response:
        # The recording's token is redacted: its 401 answers came from a bad token, the rest from a good one.
        token = "ntn_invalid_token" if interaction.status == 401 else TOKEN
        headers = {"Authorization": f"Bearer {token}", "Notion-Version": interaction.version}
        data: bytes | None = None
        if interaction.body:
            if interaction.content_type and interaction.content_type.startswith("multipart/"):
                headers["Content-Type"] = interaction.content_type
                data = interaction.body.encode()
            else:
                headers["Content-Type"] = "application/json"
                data = json.dumps(self.translate_json(json.loads(interaction.body))).encode()
        return self.session.request(
            interaction.method,
            self.emulator.base_url + self.translate_uri(interaction.uri),
            data=data,
            headers=headers,
            timeout=10,
        )


def endpoint_of(emulator: NotionEmulator, method: str, uri: str) -> str:
    path = urlsplit(uri).path
    matched = emulator.router.match(method, path)
    return f"{method} {matched[0].template if matched else path}"


def compare(interaction: Interaction, response: requests.Response) -> list[str]:
    if response.status_code != interaction.status:
        return [
            f"status: recorded {interaction.status}, emulator {response.status_code}: {response.text[:300]}"
        ]
    return shape_differences(interaction.response, response.json())


# ---------------------------------------------------------------------- the test and its report
RESULTS: list[Outcome] = []


@pytest.fixture(scope="module")
def emulators() -> Iterator[dict[str, NotionEmulator]]:
    started = {folder: NotionEmulator(seed=seed_for(folder)).start() for folder in FOLDERS}
    try:
        yield started
    finally:
        for emulator in started.values():
            emulator.stop()


@pytest.fixture(scope="module", autouse=True)
def conformance_report(request: pytest.FixtureRequest) -> None:
    """Prints the rates at the end of the run, in the terminal summary (visible without ``-s``)."""
    manager = request.config.pluginmanager
    if not manager.has_plugin("notion-conformance-report"):
        manager.register(_ReportPlugin(), "notion-conformance-report")


class _ReportPlugin:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not RESULTS:
            return
        for line in report_lines(RESULTS):
            terminalreporter.write_line(line)


def report_lines(outcomes: list[Outcome]) -> list[str]:
    per_endpoint: dict[str, list[bool]] = defaultdict(list)
    for outcome in outcomes:
        per_endpoint[outcome.endpoint].append(not outcome.differences)
    lines = ["", "Notion emulator conformance against the recorded cassettes:"]
    for endpoint in sorted(per_endpoint, key=lambda e: (e.split(" ", 1)[1], e)):
        marks = per_endpoint[endpoint]
        note = f"  (skipped: {SKIPPED_ENDPOINTS[endpoint]})" if endpoint in SKIPPED_ENDPOINTS else ""
        lines.append(
            f"  {endpoint:<55} {sum(marks):>3}/{len(marks):<3} {100 * sum(marks) / len(marks):6.1f}%{note}"
        )
    counted = [o for o in outcomes if o.endpoint not in SKIPPED_ENDPOINTS]
    passed = sum(1 for o in counted if not o.differences)
    lines.append(
        f"  {'overall (implemented endpoints)':<55} {passed:>3}/{len(counted):<3} {_pct(passed, len(counted))}"
    )
    for endpoint, reason in SKIPPED_ENDPOINTS.items():
        lines.append(f"  left out: {endpoint}: {reason}")
    return lines


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.1f}%" if whole else "   n/a"


@pytest.mark.parametrize("cassette", cassette_paths(), ids=lambda p: f"{p.parent.name[-10:]}/{p.stem}")
def test_replay_matches_recording(cassette: Path, emulators: dict[str, NotionEmulator]) -> None:
    emulator = emulators[cassette.parent.name]
    emulator.reset()
    replayer = Replayer(emulator, requests.Session())
    failures = []
    for index, interaction in enumerate(load_cassette(cassette)):
        replayer.seed_listed(interaction)
        response = replayer.send(interaction)
        differences = compare(interaction, response)
        if response.status_code == interaction.status == 200:
            # Learn ids even from a mismatching answer, so one shape bug does not fail the rest of the cassette.
            replayer.learn(interaction.response, response.json())
        endpoint = endpoint_of(emulator, interaction.method, interaction.uri)
        RESULTS.append(Outcome(cassette.name, index, endpoint, differences))
        if differences and endpoint not in SKIPPED_ENDPOINTS:
            failures.append(
                f"#{index} {interaction.method} {interaction.uri}\n    " + "\n    ".join(differences)
            )
    assert not failures, "\n".join(failures)


# Recorded requests that deliberately hit no endpoint (they record the invalid_request_url error).
ERROR_PROBES = frozenset({"GET /v1/invalid"})


def test_every_recorded_endpoint_is_routed_or_listed(emulators: dict[str, NotionEmulator]) -> None:
    """A cassette added later with a new endpoint must be either implemented or named as left out."""
    emulator = next(iter(emulators.values()))
    interactions = [i for p in cassette_paths() for i in load_cassette(p)]
    assert len(interactions) == 166  # 61 + 105, as _index.txt lists them
    unrouted = {
        f"{i.method} {urlsplit(i.uri).path}"
        for i in interactions
        if emulator.router.match(i.method, urlsplit(i.uri).path) is None
    }
    assert unrouted <= ERROR_PROBES | set(SKIPPED_ENDPOINTS)
