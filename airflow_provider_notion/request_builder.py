"""Build a Notion request safely: the target URL, the headers, and what the token may be sent to.

Shared by the sync hook and the async trigger so both refuse the same things.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from airflow_provider_notion import __version__
from airflow_provider_notion.exceptions import NotionInputError

API_PREFIX = "/v1/"
USER_AGENT = f"airflow-notion-provider/{__version__}"
_PROTECTED_HEADERS = frozenset({"authorization", "host", "content-length", "cookie"})
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PATH_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")


def api_path(path: object, field: str = "path") -> str:
    """Normalise a path under the API base to ``/v1/...``.

    The token must never reach another host, so absolute URLs, scheme-relative URLs and paths that
    normalise outside ``/v1/`` are refused before anything is sent. A query string is kept as given.
    """
    if not isinstance(path, str) or not path.strip():
        raise NotionInputError(field, "must be a non-empty path such as /users/me")
    raw = path.strip()
    route, sep, query = raw.partition("?")
    decoded = unquote(unquote(route))
    if "://" in decoded or decoded.startswith("//") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", decoded):
        raise NotionInputError(
            field, f"{path!r} must be a path under the Notion API (e.g. /users/me), not a URL"
        )
    if _PATH_FORBIDDEN.search(decoded):
        raise NotionInputError(field, f"{path!r} contains spaces, backslashes or control characters")
    relative = decoded.lstrip("/")
    if relative == "v1" or relative.startswith("v1/"):
        relative = relative[3:]
    normalised = posixpath.normpath("/v1/" + relative)
    if not normalised.startswith(API_PREFIX) or ".." in relative.split("/"):
        raise NotionInputError(field, f"{path!r} leaves the API's /v1/ prefix")
    if "\r" in query or "\n" in query or "#" in query:
        raise NotionInputError(field, "the query string contains CR, LF or '#'")
    # Checked in decoded form, sent as given: property ids such as ``%3AUPp`` must keep their encoding.
    sent = route.strip().lstrip("/")
    if sent == "v1" or sent.startswith("v1/"):
        sent = sent[3:]
    return API_PREFIX + sent + (sep + query if sep else "")


def check_headers(headers: Mapping[str, Any] | None, field: str = "headers") -> dict[str, str]:
    """Extra request headers: no CR/LF injection and no overriding of the credentials."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise NotionInputError(
            field, f"expected a mapping of header names to values, got {type(headers).__name__}"
        )
    clean: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise NotionInputError(field, f"{name!r} is not a valid header name")
        if name.lower() in _PROTECTED_HEADERS:
            raise NotionInputError(field, f"the {name} header is set by the hook and cannot be overridden")
        text = str(value)
        if "\r" in text or "\n" in text or "\x00" in text:
            raise NotionInputError(f"{field}.{name}", "contains CR, LF or NUL characters")
        clean[name] = text
    return clean


def base_headers(token: str, notion_version: str) -> dict[str, str]:
    """Headers every Notion request carries."""
    return {
        "Authorization": f"Bearer {token}",
        "Notion-Version": notion_version,
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
    }


def is_read_only(method: str, path: str) -> bool:
    """Whether sending the request twice is harmless, so ambiguous failures may be retried.

    GETs and DELETEs (archive, repeatable) are; so are the POSTs that only read: search, queries and
    token introspection. Creates and PATCHes (an append would add blocks twice) are not.
    """
    verb = method.upper()
    if verb in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return True
    route = path.partition("?")[0]
    return verb == "POST" and (
        route == "/v1/search" or route.endswith("/query") or route == "/v1/oauth/introspect"
    )


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy without ``None`` values (Notion rejects explicit nulls in most optional fields)."""
    return {key: value for key, value in values.items() if value is not None}
