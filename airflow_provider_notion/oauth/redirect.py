"""The OAuth ``state`` parameter: a random value per authorisation, checked when the code comes back.

``state`` ties the code to the authorisation this user started: a code delivered with another state (or none)
may come from someone else's authorisation (login CSRF) and is refused before anything is exchanged.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from airflow_provider_notion.exceptions import NotionInputError

STATE_BYTES = 24


def new_state() -> str:
    """A fresh unguessable state: 48 hex characters.

    Hex, not URL-safe base64: a base64 state starts with ``-`` one time in 64, and ``exchange --state -Xy…`` then
    fails in the argument parser ("expected one argument") for a value the user copied correctly.
    """
    return secrets.token_hex(STATE_BYTES)


def looks_like_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Redirect:
    """What Notion sent to the redirect URI. ``repr()`` never shows the code."""

    code: str = field(repr=False)
    state: str | None


def parse_redirect_url(url: str, field_name: str = "redirect_url") -> Redirect:
    """The ``code`` and ``state`` of the URL the browser was sent to after the consent screen.

    Errors name the field, never the URL (it carries the code).
    """
    query = parse_qs(urlsplit(url.strip()).query)
    errors = query.get("error") or []
    if errors:
        error = errors[0][:40]  # Notion's error codes are short; a long value is not worth echoing
        raise NotionInputError(
            field_name, f"Notion redirected with error={error!r}: the authorisation was not granted"
        )
    codes = query.get("code") or []
    if len(codes) != 1 or not codes[0].strip():
        raise NotionInputError(
            field_name, "has no single code parameter; paste the whole URL the browser opened"
        )
    states = query.get("state") or []
    if len(states) > 1:
        raise NotionInputError(field_name, "has several state parameters")
    return Redirect(code=codes[0].strip(), state=states[0] if states else None)


def check_state(expected: str, returned: str | None) -> None:
    """Refuse a code whose redirect did not carry ``expected`` as its state (compared in constant time)."""
    if returned is None:
        raise NotionInputError(
            "state",
            "the redirect URL carries no state, but one was expected: this code is not from that authorisation",
        )
    if not hmac.compare_digest(expected.encode(), returned.encode()):
        raise NotionInputError(
            "state",
            "the state in the redirect URL does not match the one authorize-url printed: this code is not from "
            "that authorisation (start again with authorize-url)",
        )
