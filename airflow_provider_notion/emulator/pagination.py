"""Opaque cursors and ``page_size`` handling shared by every paginated endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from airflow_provider_notion.emulator.errors import EmulatorValidationError

MAX_PAGE_SIZE = 100


def page_size_from(raw: Any, *, where: str) -> int:
    """``where`` is ``body`` or ``query`` (GET parameters arrive as strings)."""
    if raw is None:
        return MAX_PAGE_SIZE
    value = raw
    if where == "query":
        try:
            value = int(str(raw))
        except ValueError:
            raise EmulatorValidationError(
                f'{where} failed validation: {where}.page_size should be a number, instead was `"{raw}"`.'
            ) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatorValidationError(
            f"{where} failed validation: {where}.page_size should be a number or `undefined`, instead was "
            f"`{json.dumps(raw)}`."
        )
    if value < 1 or value > MAX_PAGE_SIZE:
        bound = "≥ `1`" if value < 1 else f"≤ `{MAX_PAGE_SIZE}`"
        raise EmulatorValidationError(
            f"{where} failed validation: {where}.page_size should be {bound}, instead was `{value}`."
        )
    return value


def fingerprint(*parts: Any) -> str:
    """Ties a cursor to the exact listing (target, filter, sorts) it was issued for."""
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=6).hexdigest()


def encode_cursor(offset: int, listing: str) -> str:
    raw = json.dumps({"o": offset, "l": listing}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Any, listing: str) -> int:
    """Offset encoded in ``cursor``; 0 when there is none. A cursor from another listing is invalid."""
    if cursor is None:
        return 0
    try:
        if not isinstance(cursor, str):
            raise ValueError("not a string")
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = int(data["o"])
        if data["l"] != listing or offset < 0:
            raise ValueError("foreign cursor")
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise EmulatorValidationError(f"The start_cursor provided is invalid: {cursor}") from None
    return offset


def paginate(items: list[Any], offset: int, size: int, listing: str) -> tuple[list[Any], str | None]:
    window = items[offset : offset + size]
    more = offset + size < len(items)
    return window, encode_cursor(offset + size, listing) if more else None
