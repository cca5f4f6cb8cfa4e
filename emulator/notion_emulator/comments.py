"""Comments: records and their response shape (``GET``/``POST /v1/comments``).

A comment on a page starts a discussion (a new ``discussion_id``); a comment with a ``discussion_id`` replies in
it. Listing by ``block_id`` returns the comments of every discussion started on that page or block, oldest first.
Resolving discussions is not in the public API, so every comment is open.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notion_emulator.util import iso_minute, new_id, utcnow


@dataclass
class CommentRecord:
    id: str
    discussion_id: str
    parent_type: str  # page_id or block_id: where the discussion was started
    parent_id: str
    rich_text: list[dict[str, Any]]
    created_by: str
    created: datetime


class CommentStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._comments: list[CommentRecord] = []

    def add(
        self,
        *,
        parent_type: str,
        parent_id: str,
        discussion_id: str | None,
        rich_text: list[dict[str, Any]],
        author: str,
    ) -> CommentRecord:
        record = CommentRecord(
            id=new_id(),
            discussion_id=discussion_id or new_id(),
            parent_type=parent_type,
            parent_id=parent_id,
            rich_text=rich_text,
            created_by=author,
            created=utcnow(),
        )
        with self._lock:
            self._comments.append(record)
        return record

    def discussion(self, discussion_id: str) -> CommentRecord | None:
        """The first comment of a discussion (it carries where the discussion lives)."""
        with self._lock:
            return next((c for c in self._comments if c.discussion_id == discussion_id), None)

    def on(self, block_id: str) -> list[CommentRecord]:
        with self._lock:
            return [c for c in self._comments if c.parent_id == block_id]

    def all(self) -> list[CommentRecord]:
        with self._lock:
            return list(self._comments)


def comment_json(record: CommentRecord) -> dict[str, Any]:
    stamp = iso_minute(record.created)
    return {
        "object": "comment",
        "id": record.id,
        "parent": {"type": record.parent_type, record.parent_type: record.parent_id},
        "discussion_id": record.discussion_id,
        "created_time": stamp,
        "last_edited_time": stamp,
        "created_by": {"object": "user", "id": record.created_by},
        "rich_text": record.rich_text,
    }
