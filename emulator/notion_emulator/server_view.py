"""The server as its HTTP handler, admin API and OAuth helpers see it (see :mod:`notion_emulator.state_view`
for why these Protocols exist: the server builds those modules, and they call it back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from notion_emulator.context import EmulatorConfig
    from notion_emulator.faults import FaultInjector
    from notion_emulator.limits import ServerLimits
    from notion_emulator.ratelimit import RateLimit, RateLimiter
    from notion_emulator.request_log import RequestRecord
    from notion_emulator.routes.base import Router
    from notion_emulator.state import EmulatorState
    from notion_emulator.webhooks import Subscription, WebhookSender


class EmulatorView(Protocol):
    """The server as its HTTP handler, admin API and OAuth helpers use it."""

    limits: ServerLimits
    config: EmulatorConfig
    router: Router
    faults: FaultInjector
    rate_limiter: RateLimiter
    state: EmulatorState
    webhooks: WebhookSender

    @property
    def base_url(self) -> str: ...

    @property
    def request_log(self) -> list[RequestRecord]: ...

    def record(self, record: RequestRecord) -> None: ...

    def clear_request_log(self) -> None: ...

    def reset(self) -> None: ...

    def set_query_cap(self, cap: int) -> None: ...

    def set_rate_limit(self, limit: RateLimit | None) -> None: ...

    def share(self, object_id: str, integration_id: str | None = None) -> None: ...

    def add_webhook_subscription(
        self, url: str, event_types: list[str] | None = None, *, integration_id: str | None = None
    ) -> Subscription: ...
