"""``/v1/oauth/*``: authorization, token exchange and refresh with rotation, introspection, revocation.

Behaviour follows notion-api.md §8: HTTP Basic ``client_id:client_secret`` on every token endpoint (wrong or
missing → 401 ``invalid_client``); every refresh returns a new access token *and* a new refresh token, and the
spent refresh token is then rejected with 400 ``invalid_grant``; revoking any token of a grant revokes the grant.

Test-only conveniences (Notion has no equivalent):

- ``GET /v1/oauth/authorize`` approves at once and answers ``302`` to the redirect URI with ``code`` and
  ``state`` (``emulator_decision=deny`` gives ``error=access_denied`` instead). The redirect's body is
  Notion-error-shaped JSON with code ``redirect``; clients only read ``Location``.
- Python helpers taking the :class:`~notion_emulator.server.NotionEmulator`:
  :func:`add_public_integration`, :func:`mint_authorization_code`, :func:`expire_access_token`,
  :func:`revoke_grant`, :func:`is_token_active`.

OAuth bookkeeping (codes, grants) lives here, keyed by the emulator state, so ``NotionEmulator.reset()`` drops it
together with the tokens.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from notion_emulator.context import RequestContext
from notion_emulator.errors import NotionEmulatorError
from notion_emulator.records import AccessToken, Integration
from notion_emulator.routes.base import Route
from notion_emulator.util import utcnow

if TYPE_CHECKING:
    from notion_emulator.server_view import EmulatorView
    from notion_emulator.state import EmulatorState

CODE_LIFETIME = timedelta(minutes=10)


@dataclass
class _Code:
    integration_id: str
    redirect_uri: str | None  # as given in the authorize URL; None when it was omitted
    expires_at: datetime


@dataclass
class _Grant:
    integration_id: str
    tokens: set[str] = field(default_factory=set)


@dataclass
class _Registry:
    codes: dict[str, _Code] = field(default_factory=dict)
    grant_of: dict[str, _Grant] = field(default_factory=dict)  # token -> its grant
    issued_at: dict[str, datetime] = field(default_factory=dict)


_registries: weakref.WeakKeyDictionary[EmulatorState, _Registry] = weakref.WeakKeyDictionary()


def _registry(state: EmulatorState) -> _Registry:
    with state.lock:
        found = _registries.get(state)
        if found is None:
            found = _registries[state] = _Registry()
        return found


class _Redirect(NotionEmulatorError):
    """Carried through the handler's error path so the answer can be a 302 with ``Location``."""

    def __init__(self, location: str) -> None:
        super().__init__(302, "redirect", "Redirecting to the integration's redirect URI.")
        self.headers = {"Location": location}


def _oauth_error(status: int, code: str, message: str) -> NotionEmulatorError:
    return NotionEmulatorError(status, code, message)


# ---------------------------------------------------------------------- authorization


def _integration_by_client_id(state: EmulatorState, client_id: str | None) -> Integration | None:
    if not client_id:
        return None
    with state.lock:
        return next((i for i in state.integrations.values() if i.client_id == client_id), None)


def _resolve_redirect(integration: Integration, redirect_uri: str | None) -> str:
    """The redirect target: the given URI when registered, else the only registered one (§8 rules)."""
    if redirect_uri:
        if redirect_uri not in integration.redirect_uris:
            raise _oauth_error(400, "invalid_request", "redirect_uri is not registered for this integration.")
        return redirect_uri
    if len(integration.redirect_uris) != 1:
        raise _oauth_error(
            400, "invalid_request", "redirect_uri is required when the integration has several redirect URIs."
        )
    return integration.redirect_uris[0]


def _issue_code(state: EmulatorState, integration: Integration, redirect_uri: str | None) -> str:
    _resolve_redirect(integration, redirect_uri)
    code = secrets.token_urlsafe(24)
    with state.lock:
        _registry(state).codes[code] = _Code(integration.id, redirect_uri, utcnow() + CODE_LIFETIME)
    return code


def authorize(ctx: RequestContext) -> dict[str, Any]:
    query = {key: values[0] for key, values in ctx.query.items() if values}
    integration = _integration_by_client_id(ctx.state, query.get("client_id"))
    if integration is None:
        raise _oauth_error(400, "invalid_request", "client_id is missing or unknown.")
    if query.get("response_type") != "code":
        raise _oauth_error(400, "invalid_request", "response_type must be code.")
    if query.get("owner") != "user":
        raise _oauth_error(400, "invalid_request", "owner must be user.")
    target = _resolve_redirect(integration, query.get("redirect_uri"))
    answer: dict[str, str] = {}
    if query.get("emulator_decision") == "deny":
        answer["error"] = "access_denied"
    else:
        answer["code"] = _issue_code(ctx.state, integration, query.get("redirect_uri"))
    if query.get("state"):
        answer["state"] = query["state"]
    separator = "&" if "?" in target else "?"
    raise _Redirect(target + separator + urlencode(answer))


# ---------------------------------------------------------------------- token endpoints


def _client(ctx: RequestContext) -> Integration:
    """The integration named by HTTP Basic credentials; anything else is 401 ``invalid_client``."""
    header = ctx.headers.get("authorization", "")
    invalid = _oauth_error(401, "invalid_client", "Client authentication failed.")
    if not header.startswith("Basic "):
        raise invalid
    try:
        decoded = base64.b64decode(header[len("Basic ") :].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid from None
    client_id, sep, client_secret = decoded.partition(":")
    integration = _integration_by_client_id(ctx.state, client_id)
    if not sep or integration is None or integration.client_secret is None:
        raise invalid
    if not hmac.compare_digest(integration.client_secret.encode(), client_secret.encode()):
        raise invalid
    return integration


def _body_str(ctx: RequestContext, key: str) -> str | None:
    value = ctx.body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _oauth_error(400, "invalid_request", f"body.{key} should be a non-empty string.")
    return value


def _token_response(state: EmulatorState, integration: Integration, grant: _Grant) -> dict[str, Any]:
    access = "ntn_" + secrets.token_hex(20)
    refresh = "nrt_" + secrets.token_hex(20)
    registry = _registry(state)
    now = utcnow()
    with state.lock:
        state.tokens[access] = AccessToken(token=access, integration_id=integration.id, kind="oauth_access")
        state.tokens[refresh] = AccessToken(
            token=refresh, integration_id=integration.id, kind="oauth_refresh"
        )
        for token in (access, refresh):
            grant.tokens.add(token)
            registry.grant_of[token] = grant
            registry.issued_at[token] = now
        person = next(iter(state.people.values()), None)
        owner: dict[str, Any] = (
            {"type": "user", "user": {"object": "user", "id": person["id"]}}
            if person
            else {"type": "workspace", "workspace": True}
        )
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "bot_id": integration.id,
            "workspace_id": state.workspace_id,
            "workspace_name": state.workspace_name,
            "workspace_icon": None,
            "owner": owner,
            "duplicated_template_id": None,
        }


def _exchange_code(ctx: RequestContext, integration: Integration) -> dict[str, Any]:
    code = _body_str(ctx, "code")
    if code is None:
        raise _oauth_error(400, "invalid_request", "body.code should be defined.")
    redirect_uri = _body_str(ctx, "redirect_uri")
    registry = _registry(ctx.state)
    with ctx.state.lock:
        issued = registry.codes.get(code)
        if issued is None or issued.integration_id != integration.id or issued.expires_at <= utcnow():
            raise _oauth_error(400, "invalid_grant", "Invalid code.")
        if issued.redirect_uri is not None and redirect_uri is None:
            raise _oauth_error(
                400, "invalid_request", "redirect_uri is required: the authorization request included one."
            )
        if issued.redirect_uri is None and redirect_uri is not None and len(integration.redirect_uris) == 1:
            raise _oauth_error(
                400, "invalid_request", "redirect_uri must be omitted: the authorization request omitted it."
            )
        if issued.redirect_uri is not None and redirect_uri != issued.redirect_uri:
            raise _oauth_error(400, "invalid_grant", "redirect_uri does not match the authorization request.")
        del registry.codes[code]  # single use
        return _token_response(ctx.state, integration, _Grant(integration.id))


def _refresh(ctx: RequestContext, integration: Integration) -> dict[str, Any]:
    refresh = _body_str(ctx, "refresh_token")
    if refresh is None:
        raise _oauth_error(400, "invalid_request", "body.refresh_token should be defined.")
    registry = _registry(ctx.state)
    with ctx.state.lock:
        record = ctx.state.tokens.get(refresh)
        grant = registry.grant_of.get(refresh)
        if (
            record is None
            or grant is None
            or record.kind != "oauth_refresh"
            or record.revoked
            or record.integration_id != integration.id
        ):
            raise _oauth_error(400, "invalid_grant", "Invalid refresh token.")
        record.revoked = True  # rotation: a refresh token works once
        return _token_response(ctx.state, integration, grant)


def token(ctx: RequestContext) -> dict[str, Any]:
    integration = _client(ctx)
    grant_type = ctx.body.get("grant_type")
    if grant_type == "authorization_code":
        return _exchange_code(ctx, integration)
    if grant_type == "refresh_token":
        return _refresh(ctx, integration)
    raise _oauth_error(
        400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token."
    )


def _active(state: EmulatorState, record: AccessToken | None, integration: Integration) -> bool:
    if record is None or record.revoked or record.integration_id != integration.id:
        return False
    return record.expires_at is None or record.expires_at > utcnow()


def introspect(ctx: RequestContext) -> dict[str, Any]:
    integration = _client(ctx)
    value = _body_str(ctx, "token")
    if value is None:
        raise _oauth_error(400, "invalid_request", "body.token should be defined.")
    with ctx.state.lock:
        record = ctx.state.tokens.get(value)
        if not _active(ctx.state, record, integration) or value not in _registry(ctx.state).grant_of:
            return {"active": False}
        issued = _registry(ctx.state).issued_at[value]
        return {
            "active": True,
            "scope": " ".join(sorted(integration.capabilities)),
            "iat": int(issued.timestamp()),
        }


def revoke(ctx: RequestContext) -> dict[str, Any]:
    integration = _client(ctx)
    value = _body_str(ctx, "token")
    if value is None:
        raise _oauth_error(400, "invalid_request", "body.token should be defined.")
    with ctx.state.lock:
        grant = _registry(ctx.state).grant_of.get(value)
        if grant is not None and grant.integration_id == integration.id:
            _revoke(ctx.state, grant)
    return {}


def _revoke(state: EmulatorState, grant: _Grant) -> None:
    for token_value in grant.tokens:
        if (record := state.tokens.get(token_value)) is not None:
            record.revoked = True


ROUTES = [
    Route("GET", "/v1/oauth/authorize", authorize, auth=False, versioned=False),
    Route("POST", "/v1/oauth/token", token, auth=False, versioned=False),
    Route("POST", "/v1/oauth/introspect", introspect, auth=False, versioned=False),
    Route("POST", "/v1/oauth/revoke", revoke, auth=False, versioned=False),
]


# ---------------------------------------------------------------------- Python API for tests


def add_public_integration(
    emulator: EmulatorView,
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
    name: str = "Public integration",
    shared: list[str] | None = None,
) -> Integration:
    """Register a public (OAuth) integration; its bot is owned by the workspace's first person."""
    state = emulator.state
    # The state wants an internal token per integration; a random one nobody knows keeps it unusable.
    integration = state.add_integration(
        name,
        "ntn_unused_" + secrets.token_hex(20),
        client_id=client_id,
        client_secret=client_secret,
        redirect_uris=redirect_uris,
    )
    person = next(iter(state.people.values()), None)
    if person is not None:
        integration.owner = {"type": "user", "user": {"object": "user", "id": person["id"]}}
    for object_id in shared or []:
        emulator.share(object_id, integration.id)
    return integration


def mint_authorization_code(emulator: EmulatorView, client_id: str, redirect_uri: str | None = None) -> str:
    """A code as if the workspace owner had approved ``/v1/oauth/authorize`` with these parameters."""
    integration = _integration_by_client_id(emulator.state, client_id)
    if integration is None:
        raise KeyError(f"no integration with client_id {client_id!r}")
    return _issue_code(emulator.state, integration, redirect_uri)


def expire_access_token(emulator: EmulatorView, token: str | None = None) -> int:
    """Expire one OAuth access token (or, with ``None``, every one) so the next call gets 401; returns how many."""
    state = emulator.state
    past = utcnow() - timedelta(seconds=1)
    expired = 0
    with state.lock:
        for value, record in state.tokens.items():
            if record.kind == "oauth_access" and (token is None or value == token):
                record.expires_at = past
                expired += 1
    return expired


def revoke_grant(emulator: EmulatorView, token: str) -> None:
    """Revoke the grant that ``token`` belongs to, as the workspace owner removing the integration would."""
    state = emulator.state
    with state.lock:
        grant = _registry(state).grant_of.get(token)
        if grant is None:
            raise KeyError("unknown OAuth token")
        _revoke(state, grant)


def is_token_active(emulator: EmulatorView, token: str) -> bool:
    """Whether an OAuth access or refresh token is still usable."""
    state = emulator.state
    with state.lock:
        record = state.tokens.get(token)
        if record is None or record.revoked:
            return False
        return record.expires_at is None or record.expires_at > utcnow()
