"""The pure webhook rules: signature, handshake body, event validation, event -> assets, the backstop's map."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.plugins.webhooks.mapping import event_asset_uris
from airflow_provider_notion.rules.webhooks import (
    MAX_REPORTED,
    handshake_token,
    load_reported,
    merge_reported,
    parse_event,
    reported_by_webhook,
    sign,
    signature_matches,
)

PAGE = "11111111-1111-1111-1111-111111111111"
DB = "22222222-2222-2222-2222-222222222222"
DS = "33333333-3333-3333-3333-333333333333"
EVENT = "44444444-4444-4444-4444-444444444444"
USER = "55555555-5555-5555-5555-555555555555"
TOKEN = "secret_verification_token_1234"


def event(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": EVENT,
        "timestamp": "2026-01-31T10:05:12.345Z",
        "workspace_id": USER,
        "subscription_id": USER,
        "integration_id": USER,
        "type": "page.properties_updated",
        "authors": [{"id": USER, "type": "person"}],
        "attempt_number": 1,
        "entity": {"id": PAGE, "type": "page"},
        "data": {"parent": {"id": DB, "type": "database", "data_source_id": DS}, "updated_properties": ["a"]},
    }
    body.update(overrides)
    return body


def raw(body: dict[str, object]) -> bytes:
    return json.dumps(body).encode()


def test_the_signature_is_the_hmac_of_the_raw_body_under_the_token() -> None:
    body = raw(event())
    header = sign(body, TOKEN)
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert signature_matches(body, header, TOKEN)
    assert not signature_matches(body + b" ", header, TOKEN)
    assert not signature_matches(body, header, TOKEN + "x")
    assert not signature_matches(body, None, TOKEN)
    assert not signature_matches(body, "", TOKEN)
    assert not signature_matches(body, header.replace("sha256=", "sha1="), TOKEN)
    assert not signature_matches(body, "sha256=é", TOKEN)


def test_only_a_one_key_object_with_a_printable_token_is_a_handshake() -> None:
    assert handshake_token(b'{"verification_token": "secret_abcdefgh"}') == "secret_abcdefgh"
    assert handshake_token(b'{"verification_token": "secret_abcdefgh", "x": 1}') is None
    assert handshake_token(b'{"verification_token": "short"}') is None
    assert handshake_token(b'{"verification_token": "has space inside"}') is None
    assert handshake_token(b'{"verification_token": 12345678}') is None
    assert handshake_token(b"not json") is None
    assert handshake_token(raw({"verification_token": "x" * 600})) is None


def test_an_event_is_validated_field_by_field() -> None:
    parsed = parse_event(raw(event()))
    assert (parsed.id, parsed.type, parsed.entity_id, parsed.attempt_number) == (
        EVENT,
        "page.properties_updated",
        PAGE,
        1,
    )
    assert parsed.parent.database_id == DB and parsed.parent.data_source_id == DS
    for body, field in [
        (event(id="nope"), "id"),
        (event(type="PAGE CREATED"), "type"),
        (event(entity={"id": PAGE, "type": "spaceship"}), "entity.type"),
        (event(entity=[]), "entity"),
        (event(attempt_number="1"), "attempt_number"),
        (event(authors=[{"id": "x"}]), "authors[0].id"),
        (event(data={"parent": {"id": "bad", "type": "database"}}), "data.parent.id"),
    ]:
        with pytest.raises(NotionInputError, match=field.replace("[", r"\[").replace("]", r"\]")):
            parse_event(raw(body))
    with pytest.raises(NotionInputError, match="body"):
        parse_event(b"[1, 2]")


def test_the_extra_carries_the_signal_never_content() -> None:
    body = event(data={"parent": {"id": DB, "type": "database"}, "content": "SECRET CONTENT"})
    extra = parse_event(raw(body)).extra()
    assert extra["type"] == "page.properties_updated" and extra["event_id"] == EVENT
    assert extra["entity"] == {"id": PAGE, "type": "page"}
    assert extra["authors"] == [{"id": USER, "type": "person"}]
    assert extra["timestamp"] == "2026-01-31T10:05:12.345Z"
    assert "SECRET CONTENT" not in json.dumps(extra)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (event(), [f"notion://page/{PAGE}", f"notion://data_source/{DS}", f"notion://database/{DB}"]),
        (
            event(data={"parent": {"id": DS, "type": "data_source", "database_id": DB}}),
            [f"notion://page/{PAGE}", f"notion://data_source/{DS}", f"notion://database/{DB}"],
        ),
        (event(data={"parent": {"id": USER, "type": "page"}}), [f"notion://page/{PAGE}"]),
        (
            event(
                type="data_source.schema_updated",
                entity={"id": DS, "type": "data_source"},
                data={"parent": {"id": DB, "type": "database"}},
            ),
            [f"notion://data_source/{DS}", f"notion://database/{DB}"],
        ),
        (
            event(type="database.created", entity={"id": DB, "type": "database"}, data={}),
            [f"notion://database/{DB}"],
        ),
        (
            event(type="comment.created", entity={"id": USER, "type": "comment"}, data={"page_id": PAGE}),
            [f"notion://page/{PAGE}"],
        ),
        (event(type="file_upload.completed", entity={"id": USER, "type": "file_upload"}, data={}), []),
    ],
)
def test_events_become_asset_uris(body: dict[str, object], expected: list[str]) -> None:
    assert event_asset_uris(parse_event(raw(body))) == expected


def test_the_backstop_map_keeps_the_newest_report_and_forgets_old_ones() -> None:
    now = datetime(2026, 1, 31, 12, tzinfo=UTC)
    stored = merge_reported(None, PAGE, "2026-01-31T11:59:30Z", now)
    stored = merge_reported(stored, PAGE, "2026-01-31T11:58:00Z", now)  # late, older event
    assert load_reported(stored) == {PAGE: "2026-01-31T11:59:30.000Z"}
    assert reported_by_webhook(load_reported(stored), PAGE, "2026-01-31T11:59:00.000Z")
    assert not reported_by_webhook(load_reported(stored), PAGE, "2026-01-31T12:00:00.000Z")
    assert not reported_by_webhook(load_reported(stored), DB, "2026-01-31T11:00:00.000Z")
    old = merge_reported(stored, DB, (now - timedelta(days=1)).isoformat(), now)
    assert DB not in load_reported(old)
    assert load_reported("not json") == {} and load_reported('["x"]') == {}


def test_the_backstop_map_is_bounded() -> None:
    now = datetime(2026, 1, 31, 12, tzinfo=UTC)
    stored = json.dumps(
        {f"{i:08d}-0000-0000-0000-000000000000": "2026-01-31T11:00:00.000Z" for i in range(MAX_REPORTED)}
    )
    merged = load_reported(merge_reported(stored, PAGE, "2026-01-31T11:30:00Z", now))
    assert len(merged) == MAX_REPORTED and PAGE in merged
