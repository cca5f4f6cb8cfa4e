"""Read a Notion Airflow connection into validated settings, shared by the sync hook and the async trigger."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.versions import resolve_notion_version
from airflow_provider_notion.utils.checks import is_latin1

DEFAULT_BASE_URL = "https://api.notion.com"
CONN_TYPE = "notion"
AUTH_TYPES = ("internal", "oauth")

AuthType = Literal["internal", "oauth"]
# A DNS name or an IPv4 address (letters, digits, dots, hyphens), or an IPv6 address (urlsplit drops the brackets).
_HOSTNAME = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?")
_PATH_FORBIDDEN = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/%-]")


def connection_not_defined(conn_id: str) -> NotionInputError:
    """The error for a connection id Airflow does not know, saying how to define it."""
    return NotionInputError(
        "notion_conn_id",
        f"connection {conn_id!r} is not defined; add it in the Airflow UI or set AIRFLOW_CONN_{conn_id.upper()}",
    )


def get_extra(extras: Mapping[str, Any], name: str) -> Any:
    """An extra by its plain name, falling back to the legacy ``extra__notion__<name>`` form."""
    value = extras.get(name)
    if value in (None, ""):
        value = extras.get(f"extra__{CONN_TYPE}__{name}")
    return None if value == "" else value


def normalize_base_url(host: str | None, port: int | None = None) -> str:
    """The API origin from the connection host: ``None`` means Notion; a trailing ``/`` or ``/v1`` is dropped.

    A host without a scheme gets ``https://``; a port given separately (URI form) is added when the host has none.
    """
    if not host or not host.strip():
        return DEFAULT_BASE_URL
    text = host.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    try:
        has_port = parts.port is not None
    except ValueError:
        has_port = False
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not _HOSTNAME.fullmatch(parts.hostname)
        or parts.query
        or parts.fragment
        or _PATH_FORBIDDEN.search(parts.path)
    ):
        raise NotionInputError("host", f"{host!r} is not an http(s) base URL such as https://api.notion.com")
    netloc = parts.netloc if has_port or not port else f"{parts.netloc}:{int(port)}"
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return f"{parts.scheme}://{netloc}{path}"


def _clean_secret(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NotionInputError(field_name, "is empty")
    secret = value.strip()
    # Never echo the value: it is a secret.
    if any(ch in secret for ch in "\r\n\t ") or not secret.isprintable():
        raise NotionInputError(field_name, "contains whitespace or control characters")
    if not is_latin1(secret):
        raise NotionInputError(
            field_name,
            "contains characters that cannot be sent in an HTTP header (only latin-1); copy it again",
        )
    return secret


@dataclass(frozen=True)
class NotionConnectionSettings:
    """What the hook needs from a connection. ``repr()`` never shows a secret."""

    conn_id: str
    auth_type: AuthType
    base_url: str
    notion_version: str | None
    integration_secret: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    # Where the request budget is shared (extra ``pacing_backend``, may hold a Redis password); see ratelimit.py.
    pacing_backend: str | None = field(default=None, repr=False)

    def secrets(self) -> tuple[str | None, ...]:
        """Every secret this connection holds (for the masker)."""
        return (self.integration_secret, self.client_secret, self.access_token, self.refresh_token)

    @property
    def bearer_token(self) -> str:
        """The token sent as ``Authorization: Bearer``."""
        token = self.integration_secret if self.auth_type == "internal" else self.access_token
        assert token is not None  # guaranteed by from_fields
        return token

    @classmethod
    def from_fields(
        cls,
        *,
        conn_id: str,
        host: str | None,
        port: int | None = None,
        login: str | None,
        password: str | None,
        extras: Mapping[str, Any],
    ) -> NotionConnectionSettings:
        """Validate a connection's fields; each problem names the field (never its value when secret)."""
        auth_type = get_extra(extras, "auth_type") or "internal"
        if auth_type not in AUTH_TYPES:
            raise NotionInputError("auth_type", f"{auth_type!r} is not one of {', '.join(AUTH_TYPES)}")
        version = get_extra(extras, "notion_version")
        if version is not None:
            version = resolve_notion_version(version).name
        base_url = normalize_base_url(host, port)
        pacing = get_extra(extras, "pacing_backend")
        pacing_backend = str(pacing) if pacing not in (None, "") else None
        if auth_type == "internal":
            return cls(
                conn_id=conn_id,
                auth_type="internal",
                base_url=base_url,
                notion_version=version,
                pacing_backend=pacing_backend,
                integration_secret=_clean_secret(password, "password (Internal Integration Secret)"),
            )
        if not login or not str(login).strip():
            raise NotionInputError("login (OAuth client id)", "is required when auth_type is oauth")
        refresh = get_extra(extras, "refresh_token")
        return cls(
            conn_id=conn_id,
            auth_type="oauth",
            base_url=base_url,
            notion_version=version,
            pacing_backend=pacing_backend,
            client_id=str(login).strip(),
            client_secret=_clean_secret(password, "password (OAuth client secret)"),
            access_token=_clean_secret(get_extra(extras, "access_token"), "extra.access_token"),
            refresh_token=_clean_secret(refresh, "extra.refresh_token") if refresh else None,
        )

    @classmethod
    def from_connection(cls, conn: Any, extras: Mapping[str, Any] | None = None) -> NotionConnectionSettings:
        """From an Airflow ``Connection`` (sync or async read); ``extras`` may be passed when already parsed."""
        return cls.from_fields(
            conn_id=conn.conn_id,
            host=conn.host,
            port=conn.port,
            login=conn.login,
            password=conn.password,
            extras=extras if extras is not None else conn.extra_dejson,
        )
