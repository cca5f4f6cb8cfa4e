"""Cursors and ``page_size`` handling shared by every paginated endpoint.

Listings whose items can be trashed or inserted while a client pages through them (queries, block children,
search) use Notion's cursor: the id of the next item (``anchored_page``). Static listings keep opaque offset
cursors tied to the listing they were issued for."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Callable
from typing import Any

from notion_emulator.errors import EmulatorValidationError
from notion_emulator.util import normalize_id

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


class AnchoredListing:
    """A listing whose cursor is the id of the next item, as Notion's cursors are.

    ``ordered_ids`` holds every item the listing has ever had, trashed ones included, in listing order; only
    items for which ``is_live`` is true are returned. Because the cursor names a row, not a position, rows
    inserted or trashed between two pages neither shift the next page nor make it skip a row that is still
    there. Built once per state of the listing (queries keep it in their cache), so each page costs the page,
    not the listing.
    """

    def __init__(self, ordered_ids: list[str], is_live: Callable[[str], bool]) -> None:
        self.ids = ordered_ids
        self._position = {object_id: index for index, object_id in enumerate(ordered_ids)}
        self._live = [is_live(object_id) for object_id in ordered_ids]
        self._live_before = list(itertools.accumulate(self._live, initial=0))

    def page(self, cursor: Any, size: int, *, cap: int | None = None) -> tuple[list[str], str | None, bool]:
        """``(ids, next_cursor, capped)``. ``cap`` bounds the rows a whole scan may return (the query's
        10,000-row limit); ``capped`` says the scan stopped at the cap with rows left."""
        start = 0
        if cursor is not None:
            anchor = normalize_id(cursor) if isinstance(cursor, str) else None
            found = self._position.get(anchor or "")
            if found is None:
                raise EmulatorValidationError(f"The start_cursor provided is invalid: {cursor}")
            start = found
        returned_before = self._live_before[start]
        budget = size if cap is None else max(0, min(size, cap - returned_before))
        window: list[str] = []
        position = start
        while position < len(self.ids) and len(window) < budget:
            if self._live[position]:
                window.append(self.ids[position])
            position += 1
        next_id = None
        if self._live_before[-1] > self._live_before[position]:  # a live item remains after the window
            next_id = next(self.ids[i] for i in range(position, len(self.ids)) if self._live[i])
        capped = cap is not None and next_id is not None and returned_before + len(window) >= cap
        return window, None if capped else next_id, capped


def anchored_page(
    ordered_ids: list[str],
    is_live: Callable[[str], bool],
    cursor: Any,
    size: int,
    *,
    cap: int | None = None,
) -> tuple[list[str], str | None, bool]:
    """One page of a listing built for this request (see :class:`AnchoredListing`)."""
    return AnchoredListing(ordered_ids, is_live).page(cursor, size, cap=cap)
