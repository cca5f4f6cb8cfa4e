"""Build a Notion request safely: the target path, the headers, the JSON body, and what the token may reach.

Every check here runs before anything is sent, so a bad value is a :class:`NotionInputError` naming the field,
never a request that fails half-way or is retried as if it had reached Notion.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from airflow_provider_notion import __version__
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.utils.checks import is_latin1, non_finite_path

API_PREFIX = "/v1/"
USER_AGENT = f"airflow-notion-provider/{__version__}"
METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
# Set by the client from the connection and the body: a user value would change what is sent or where.
_PROTECTED_HEADERS = frozenset({"authorization", "host", "content-length", "transfer-encoding", "cookie"})
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PATH_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")


def api_path(path: object, field: str = "path") -> str:
    """Normalise a path under the API base to ``/v1/...``.

    The token must never reach another host, so absolute URLs, scheme-relative URLs and paths with a ``..``
    segment (even percent-encoded) are refused before anything is sent. ``.`` and empty segments are removed,
    so the path judged (read-only or not, which endpoint) is the path sent. A query string is kept as given;
    percent-encoding in the path is kept too (property ids such as ``%3AUPp`` must keep it).
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
        raise NotionInputError(field, f"{path!r} leaves the API's /v1/ prefix (no '..' segments)")
    if "\r" in query or "\n" in query or "#" in query:
        raise NotionInputError(field, "the query string contains CR, LF or '#'")
    sent = route.strip().lstrip("/")
    if sent == "v1" or sent.startswith("v1/"):
        sent = sent[3:]
    segments = [part for part in sent.split("/") if part not in ("", ".") and unquote(part) != "."]
    return API_PREFIX + "/".join(segments) + (sep + query if sep else "")


def check_headers(headers: Mapping[str, Any] | None, field: str = "headers") -> dict[str, str]:
    """Extra request headers: no CR/LF injection, only latin-1 values (HTTP's charset), no overriding of the
    credentials or of what the client computes (``Host``, ``Content-Length``, ``Transfer-Encoding``)."""
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
        if not is_latin1(text):
            raise NotionInputError(f"{field}.{name}", "contains characters outside latin-1 (HTTP headers)")
        clean[name] = text
    return clean


def base_headers(notion_version: str) -> dict[str, str]:
    """Headers every Notion request carries (the credentials are added per attempt)."""
    return {
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


def encode_json(value: Any, field: str = "json") -> bytes:
    """The JSON body as UTF-8 bytes; NaN/Infinity (not JSON) and unserialisable values name their field."""
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":")).encode()
    except ValueError:
        where = non_finite_path(value, field) or field
        raise NotionInputError(where, "NaN and Infinity are not valid JSON numbers") from None
    except (TypeError, RecursionError) as err:
        raise NotionInputError(field, f"is not JSON-serialisable ({type(err).__name__}: {err})") from None
