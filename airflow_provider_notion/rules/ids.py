"""Turn whatever a user pastes where a Notion ID is expected into a canonical dashed UUID."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from airflow_provider_notion.exceptions import NotionInputError

_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
_DASHED = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NOTION_HOSTS = ("notion.so", "notion.site", "notion.com")


def _dashed(hex32: str) -> str:
    h = hex32.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _id_from_url(value: str, field: str) -> str:
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in _NOTION_HOSTS):
        raise NotionInputError(field, f"{value!r} is a URL but not a Notion link (notion.so, notion.site)")
    # The ID is the last 32 hex digits of the last path segment (slugs end with it, with or without dashes);
    # a ``?v=`` view id or ``#block`` fragment is not the object the link names.
    segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]).replace("-", "")
    tail = segment[-32:]
    if len(tail) == 32 and _HEX32.fullmatch(tail):
        return _dashed(tail)
    raise NotionInputError(field, f"no Notion ID found in the link {value!r}")


def normalize_notion_id(value: object, field: str) -> str:
    """Return ``value`` as a lower-case dashed UUID.

    Accepts a dashed or undashed UUID, or a Notion page/database link. Anything else is a
    :class:`NotionInputError` naming ``field``.
    """
    if not isinstance(value, str):
        raise NotionInputError(field, f"expected a Notion ID or URL string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise NotionInputError(field, "is empty; expected a Notion ID or URL")
    if _DASHED.fullmatch(text):
        return text.lower()
    if _HEX32.fullmatch(text):
        return _dashed(text)
    if text.startswith(("http://", "https://")):
        return _id_from_url(text, field)
    raise NotionInputError(
        field, f"{value!r} is neither a Notion ID (32 hex digits, dashes optional) nor a link"
    )


def optional_notion_id(value: object, field: str) -> str | None:
    """:func:`normalize_notion_id`, with ``None`` or ``""`` (an unset templated field) meaning unset."""
    return None if value is None or value == "" else normalize_notion_id(value, field)


#: Where :func:`notion_link` points: Notion opens ``/<id>`` as the page or database with that id.
NOTION_WEB = "https://www.notion.so"


def notion_link(object_id: object, field: str = "id") -> str:
    """A web link to a Notion page or database by its id alone (``https://www.notion.so/<32 hex>``).

    For the "Notion" extra link of a task that did not receive the object itself (an append, a query): Notion
    redirects it to the object's own URL. Prefer the ``url`` Notion returned when there is one.
    """
    return f"{NOTION_WEB}/{normalize_notion_id(object_id, field).replace('-', '')}"
