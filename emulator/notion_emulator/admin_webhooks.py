"""Admin HTTP API of the webhook sender, under ``/_emulator/webhooks`` (see :mod:`notion_emulator.webhooks`).

- ``POST /_emulator/webhooks/subscriptions`` ``{"url", "event_types": [...]}``: subscribe (the handshake is sent);
  answers the subscription with its ``verification_token``. ``GET`` lists them (no tokens);
  ``DELETE /_emulator/webhooks/subscriptions/<id>`` unsubscribes.
- ``GET /_emulator/webhooks/deliveries``: every POST made (event id, type, entity, attempt, status, fault).
- ``POST /_emulator/webhooks/faults`` ``{"kind": "drop|duplicate|reorder|bad_signature", "count": 1}``.
- ``GET``/``PUT /_emulator/webhooks/settings`` ``{"delay_seconds", "aggregation_seconds", "retry_seconds"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notion_emulator.server_view import EmulatorView

PREFIX = "/_emulator/webhooks"


class WebhookAdminError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def handle_webhook_admin(
    emulator: EmulatorView, method: str, path: str, body: dict[str, Any]
) -> tuple[int, Any] | None:
    """The answer to an admin request under :data:`PREFIX`, or ``None`` for another path."""
    if not path.startswith(PREFIX):
        return None
    sender = emulator.webhooks
    rest = path[len(PREFIX) :].rstrip("/")
    try:
        if (method, rest) == ("POST", "/subscriptions"):
            unknown = sorted(set(body) - {"url", "event_types"})
            if unknown:
                raise WebhookAdminError(unknown[0], "is not a subscription field")
            try:
                subscription = emulator.add_webhook_subscription(body.get("url", ""), body.get("event_types"))
            except ValueError as err:
                field = str(err).split(" ", 1)[0]
                raise WebhookAdminError(field, str(err)) from None
            return 200, {**subscription.to_dict(), "verification_token": subscription.verification_token}
        if (method, rest) == ("GET", "/subscriptions"):
            return 200, {"results": [s.to_dict() for s in sender.subscriptions()]}
        if method == "DELETE" and rest.startswith("/subscriptions/"):
            found = sender.unsubscribe(rest.rsplit("/", 1)[1])
            return (200, {"ok": True}) if found else (404, {"error": "no such subscription"})
        if (method, rest) == ("GET", "/deliveries"):
            return 200, {"results": [d.to_dict() for d in sender.deliveries]}
        if (method, rest) == ("POST", "/faults"):
            try:
                sender.inject(body.get("kind", ""), body.get("count", 1))
            except ValueError as err:
                raise WebhookAdminError(str(err).split(" ", 1)[0], str(err)) from None
            return 200, {"ok": True}
        if (method, rest) == ("GET", "/settings"):
            return 200, sender.settings()
        if method in ("PUT", "POST") and rest == "/settings":
            unknown = sorted(set(body) - set(sender.settings()))
            if unknown:
                raise WebhookAdminError(unknown[0], "is not a webhook setting")
            try:
                sender.configure(**body)
            except ValueError as err:
                raise WebhookAdminError(str(err).split(" ", 1)[0], str(err)) from None
            return 200, sender.settings()
    except WebhookAdminError as err:
        return 400, {"error": str(err), "field": err.field}
    return 404, {"error": f"unknown admin endpoint {method} {path}"}
