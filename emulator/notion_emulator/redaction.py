"""Keep secrets out of the request log: OAuth codes, client secrets, access and refresh tokens.

The log (``NotionEmulator.request_log``, ``GET /_emulator/requests``) is meant to be printed by tests and
scraped by other processes, so it must never hold a credential. Secrets are removed by field name (JSON bodies,
form bodies and query strings) and, as a second net, every credential the emulator knows (bearer tokens, client
secrets) is replaced wherever it appears in the kept text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

REDACTED = "[redacted]"

# Field names whose values are credentials, in any JSON object, form body or query string.
SECRET_FIELDS = frozenset(
    {
        "code",
        "client_secret",
        "access_token",
        "refresh_token",
        "token",
        "id_token",
        "password",
        "secret",
        "authorization",
    }
)
# Known secrets shorter than this are not scrubbed from free text (they would match ordinary words).
_MIN_SCRUB_LENGTH = 8


def redact_query(query: str, known_secrets: Iterable[str] = ()) -> str:
    """A query string with the values of secret parameters replaced."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    cleaned = [(key, REDACTED if key.lower() in SECRET_FIELDS else value) for key, value in pairs]
    return scrub(urlencode(cleaned), known_secrets)


def redact_body(raw: bytes, content_type: str, known_secrets: Iterable[str] = ()) -> str | None:
    """The body as text with secret fields replaced; ``None`` when it cannot be shown safely (binary uploads,
    bodies that are neither JSON nor a form, which could hold anything)."""
    if not raw:
        return ""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media.startswith("multipart/"):
        return None
    if media == "application/x-www-form-urlencoded":
        return redact_query(text, known_secrets)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return scrub(json.dumps(_redact_value(parsed), ensure_ascii=False), known_secrets)


def _redact_value(value: Any) -> Any:
    # Iterative walk: a hostile body may be nested far deeper than the recursion limit.
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, dict):
            copy = {
                # Only string values: a ``code`` object is a code block, not an OAuth code.
                name: (REDACTED if name.lower() in SECRET_FIELDS and isinstance(child, str) else child)
                for name, child in item.items()
            }
            container[key] = copy
            stack.extend((copy, name) for name, child in copy.items() if isinstance(child, (dict, list)))
        elif isinstance(item, list):
            copy_list = list(item)
            container[key] = copy_list
            stack.extend(
                (copy_list, index) for index, child in enumerate(copy_list) if isinstance(child, (dict, list))
            )
    return root[0]


def scrub(text: str, known_secrets: Iterable[str]) -> str:
    """``text`` with every known credential replaced."""
    for secret in known_secrets:
        if secret and len(secret) >= _MIN_SCRUB_LENGTH and secret in text:
            text = text.replace(secret, REDACTED)
    return text
