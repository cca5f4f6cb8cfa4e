"""Notion integration webhooks, as pure rules: the signature, the handshake body and the event shape.

No I/O and no Airflow here; the receiver (:mod:`airflow_provider_notion.plugins.webhooks`) calls these in order:
:func:`signature_matches` on the raw bytes first, and only then :func:`parse_event`.

Notion signs each delivery with ``X-Notion-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body keyed with
the subscription's verification token. An event is a signal (``type``, ``entity``, ``data.parent``, ``authors``),
never the changed content.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, parse_instant

SIGNATURE_HEADER = "X-Notion-Signature"
SIGNATURE_PREFIX = "sha256="
#: Notion's own events are a few KB; anything much larger is not a Notion event.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
#: A verification token is a short printable string (``secret_...``); longer or odd ones are refused.
MAX_TOKEN_CHARS = 512
ENTITY_TYPES = ("page", "block", "database", "data_source", "comment", "file_upload", "view")
_EVENT_TYPE = re.compile(r"[a-z_]{1,40}(\.[a-z_]{1,40}){1,3}")
_TOKEN = re.compile(rf"[\x21-\x7e]{{8,{MAX_TOKEN_CHARS}}}")
_MAX_AUTHORS = 100


def sign(body: bytes, token: str) -> str:
    """The ``X-Notion-Signature`` value of ``body`` under ``token``."""
    return SIGNATURE_PREFIX + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(body: bytes, header: str | None, token: str) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``token`` (constant-time comparison)."""
    if not header:
        return False
    return hmac.compare_digest(sign(body, token).encode(), header.strip().encode("latin-1", "replace"))


def handshake_token(body: bytes) -> str | None:
    """The verification token of a handshake body ``{"verification_token": "..."}``, else ``None``.

    Only a JSON object with exactly that one key and a printable token of 8..512 characters is a handshake.
    """
    if len(body) > MAX_TOKEN_CHARS + 64:
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(parsed, dict) or set(parsed) != {"verification_token"}:
        return None
    token = parsed["verification_token"]
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return token


@dataclass(frozen=True)
class Parent:
    """Where a page (or comment, or data source) lives: a page, a database and/or a data source."""

    page_id: str | None = None
    database_id: str | None = None
    data_source_id: str | None = None


@dataclass(frozen=True)
class WebhookEvent:
    """The parts of a Notion event the receiver uses (validated)."""

    id: str
    type: str
    timestamp: str
    entity_id: str
    entity_type: str
    attempt_number: int
    authors: tuple[dict[str, str], ...] = ()
    parent: Parent = field(default_factory=Parent)
    #: The page a comment event belongs to (``data.page_id``).
    page_id: str | None = None

    @property
    def family(self) -> str:
        """``page``, ``data_source``, ``database``, ``comment``, … (the part of ``type`` before the dot)."""
        return self.type.split(".", 1)[0]

    def extra(self) -> dict[str, Any]:
        """What an asset event carries: type, event id, entity, authors and timestamp (never content)."""
        return {
            "source": "notion_webhook",
            "type": self.type,
            "event_id": self.id,
            "entity": {"id": self.entity_id, "type": self.entity_type},
            "authors": [dict(author) for author in self.authors],
            "timestamp": self.timestamp,
            "attempt_number": self.attempt_number,
        }


def parse_event(body: bytes) -> WebhookEvent:
    """Validate a (signed) event body; :class:`NotionInputError` names the first bad field."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotionInputError("body", "is not JSON") from None
    if not isinstance(raw, dict):
        raise NotionInputError("body", "is not a JSON object")
    event_id = _id(raw.get("id"), "id")
    event_type = raw.get("type")
    if not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type):
        raise NotionInputError("type", "is not a Notion event type such as page.created")
    timestamp = raw.get("timestamp")
    if not isinstance(timestamp, str) or not 10 <= len(timestamp) <= 40:
        raise NotionInputError("timestamp", "is not an ISO 8601 instant")
    entity = raw.get("entity")
    if not isinstance(entity, dict):
        raise NotionInputError("entity", "is not an object")
    entity_type = entity.get("type")
    if entity_type not in ENTITY_TYPES:
        raise NotionInputError("entity.type", f"is not one of {', '.join(ENTITY_TYPES)}")
    attempt = raw.get("attempt_number", 1)
    if isinstance(attempt, bool) or not isinstance(attempt, int) or not 1 <= attempt <= 100:
        raise NotionInputError("attempt_number", "is not an integer from 1")
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise NotionInputError("data", "is not an object")
    return WebhookEvent(
        id=event_id,
        type=event_type,
        timestamp=timestamp,
        entity_id=_id(entity.get("id"), "entity.id"),
        entity_type=str(entity_type),
        attempt_number=attempt,
        authors=_authors(raw.get("authors")),
        parent=_parent(data.get("parent")),
        page_id=_optional_id(data.get("page_id"), "data.page_id"),
    )


def _id(value: Any, name: str) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise NotionInputError(name, "is not a Notion id")
    return normalize_notion_id(value, name)


def _optional_id(value: Any, name: str) -> str | None:
    return None if value in (None, "") else _id(value, name)


def _authors(value: Any) -> tuple[dict[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > _MAX_AUTHORS:
        raise NotionInputError("authors", f"is not a list of at most {_MAX_AUTHORS} authors")
    authors = []
    for index, author in enumerate(value):
        if not isinstance(author, dict):
            raise NotionInputError(f"authors[{index}]", "is not an object")
        kind = author.get("type")
        authors.append(
            {
                "id": _id(author.get("id"), f"authors[{index}].id"),
                "type": kind if isinstance(kind, str) and kind.isidentifier() else "unknown",
            }
        )
    return tuple(authors)


def _parent(value: Any) -> Parent:
    """``data.parent``: ``{"id", "type"}`` plus, for rows since 2025-09-03, the other of database/data source."""
    if value is None:
        return Parent()
    if not isinstance(value, dict):
        raise NotionInputError("data.parent", "is not an object")
    kind = value.get("type")
    ids: dict[str, str | None] = {
        "page": None,
        "database": _optional_id(value.get("database_id"), "data.parent.database_id"),
        "data_source": _optional_id(value.get("data_source_id"), "data.parent.data_source_id"),
    }
    if kind in ("page", "database", "data_source"):
        ids[str(kind)] = _optional_id(value.get("id"), "data.parent.id")
    return Parent(page_id=ids["page"], database_id=ids["database"], data_source_id=ids["data_source"])


# ---------------------------------------------------------------------------------------- the polling backstop

#: The asset state store key (on a watched data source's asset) where the receiver notes the pages a webhook
#: reported, so the polling backstop (``NotionChangeTrigger(backstop=True)``) does not report them again.
WEBHOOK_REPORTED_KEY = "notion_webhook_reported"
#: How long a reported page is remembered: longer than any backstop interval plus Notion's retry window.
REPORTED_KEEP = timedelta(hours=12)
#: The most pages remembered per data source (oldest dropped first); bounds the stored value (~80 bytes each).
MAX_REPORTED = 5000


def merge_reported(stored: str | None, page_id: str, timestamp: str, now: datetime) -> str:
    """``stored`` (the JSON map page id -> newest reported event time) with ``page_id`` at ``timestamp``.

    Entries older than :data:`REPORTED_KEEP` go; at most :data:`MAX_REPORTED` stay. Linear in the map's size.
    """
    reported = load_reported(stored)
    moment = parse_instant(timestamp, "timestamp")
    if moment is None:
        return json.dumps(reported)
    previous = reported.get(page_id)
    if previous is None or previous < notion_instant(moment):
        reported[page_id] = notion_instant(moment)
    horizon = notion_instant(now - REPORTED_KEEP)
    kept = sorted(((when, pid) for pid, when in reported.items() if when >= horizon), reverse=True)
    return json.dumps({pid: when for when, pid in kept[:MAX_REPORTED]}, sort_keys=True)


def load_reported(stored: Any) -> dict[str, str]:
    """The map of a stored value; anything malformed reads as empty (the backstop then reports, never loses)."""
    if isinstance(stored, str):
        try:
            stored = json.loads(stored)
        except ValueError:
            return {}
    if not isinstance(stored, dict):
        return {}
    return {str(k): v for k, v in stored.items() if isinstance(v, str)}


def reported_by_webhook(reported: dict[str, str], page_id: str, last_edited_time: str) -> bool:
    """Whether a webhook already reported the edit of ``page_id`` that Notion stamped ``last_edited_time``.

    Notion stamps ``last_edited_time`` to the minute; a webhook event at or after that minute covers it.
    """
    when = reported.get(page_id)
    if when is None:
        return False
    try:
        event_time = parse_instant(when, WEBHOOK_REPORTED_KEY)
        edited = parse_instant(last_edited_time, "last_edited_time")
    except NotionInputError:
        return False
    if event_time is None or edited is None:
        return False
    return floor_minute(event_time) >= floor_minute(edited)
