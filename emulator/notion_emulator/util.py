"""Small helpers shared by the emulator modules: ids, timestamps, API versions."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

V2022 = "2022-06-28"
V2025 = "2025-09-03"
V2026 = "2026-03-11"
SUPPORTED_VERSIONS = (V2022, V2025, V2026)
LATEST_VERSION = V2026

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")


def new_id() -> str:
    return str(uuid.uuid4())


def normalize_id(raw: str) -> str | None:
    """Return the dashed lower-case form of a Notion id (dashes optional), or None if it is not a UUID."""
    compact = raw.replace("-", "")
    if not _HEX32.match(compact):
        return None
    compact = compact.lower()
    return f"{compact[:8]}-{compact[8:12]}-{compact[12:16]}-{compact[16:20]}-{compact[20:]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_minute(moment: datetime) -> str:
    """Notion reports page and block timestamps rounded down to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def iso_millis(moment: datetime) -> str:
    """Database timestamps carry milliseconds and an explicit offset in the recorded responses."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def is_v1(version: str) -> bool:
    """True for the pre-data-source API (2022-06-28)."""
    return version < V2025


def drops_archived(version: str) -> bool:
    """2026-03-11 removed ``archived`` in favour of ``in_trash``."""
    return version >= V2026


def page_url(title: str, object_id: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
    compact = object_id.replace("-", "")
    return f"https://app.notion.com/p/{slug}-{compact}" if slug else f"https://app.notion.com/p/{compact}"
