"""Integration webhooks: the emulator POSTs Notion's signed events to subscribed URLs after each write.

- :meth:`WebhookSender.subscribe` (or ``POST /_emulator/webhooks/subscriptions``) registers a URL and its event
  types and sends the one-time handshake ``{"verification_token": "secret_..."}`` (unsigned), as Notion does.
- After each write the state reports a :class:`~notion_emulator.change_signals.ChangeSignal`; it becomes an event
  of Notion's shape (``id``, ``timestamp``, ``workspace_id``, ``subscription_id``, ``integration_id``, ``type``,
  ``authors``, ``attempt_number``, ``entity``, ``data``), signed ``X-Notion-Signature: sha256=<hex>`` (HMAC-SHA256
  of the raw body keyed with the verification token), and delivered ``delay_seconds`` later.
- ``page.content_updated`` signals of one page that arrive within ``aggregation_seconds`` become one event
  (authors and ``updated_blocks`` merged), as Notion aggregates rapid edits.
- A non-2xx answer (or no answer) is retried with ``attempt_number`` + 1 after ``retry_seconds * 2**(n-1)``
  (capped at 60 s), up to 8 attempts; then the event is lost.
- Faults for tests (:meth:`WebhookSender.inject`): ``drop`` (the next event is never delivered), ``duplicate``
  (delivered twice, same id), ``reorder`` (the next event is held and sent after the one that follows it),
  ``bad_signature`` (its first attempt is signed with a wrong key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any

from notion_emulator.change_signals import ChangeSignal
from notion_emulator.util import iso_millis, new_id, utcnow

MAX_ATTEMPTS = 8
MAX_RETRY_SECONDS = 60.0
WEBHOOK_FAULTS = ("drop", "duplicate", "reorder", "bad_signature")
AGGREGATED_TYPES = frozenset({"page.content_updated"})
#: The longest a reordered event waits for the one it should follow.
REORDER_HOLD_SECONDS = 5.0


def sign(body: bytes, token: str) -> str:
    return "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Subscription:
    id: str
    url: str
    event_types: frozenset[str]
    verification_token: str = field(repr=False)
    integration_id: str
    handshake_status: int | None = None

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "event_types": sorted(self.event_types),
            "integration_id": self.integration_id,
            "handshake_status": self.handshake_status,
        }


@dataclass
class _Pending:
    subscription: Subscription
    event: dict[str, Any]
    due: float
    attempt: int = 1
    faults: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DeliveryRecord:
    """One POST the emulator made (or gave up making)."""

    subscription_id: str
    event_id: str
    type: str
    entity_id: str
    attempt_number: int
    status: int  # 0: no HTTP answer; -1: dropped by a fault or lost after the last attempt
    fault: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class WebhookSender:
    """Queues events per subscription and delivers them from one background thread."""

    def __init__(
        self,
        workspace_id: str,
        *,
        delay_seconds: float = 0.0,
        aggregation_seconds: float = 1.0,
        retry_seconds: float = 1.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.workspace_id = workspace_id
        self.delay_seconds = delay_seconds
        self.aggregation_seconds = aggregation_seconds
        self.retry_seconds = retry_seconds
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Condition()
        self._subscriptions: dict[str, Subscription] = {}
        self._pending: list[_Pending] = []
        self._held: _Pending | None = None  # a reordered event, sent after the next one
        self._faults: list[str] = []
        self._log: list[DeliveryRecord] = []
        self._in_flight = 0
        self._stopped = False
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ configuration
    def configure(
        self,
        *,
        delay_seconds: float | None = None,
        aggregation_seconds: float | None = None,
        retry_seconds: float | None = None,
    ) -> None:
        with self._lock:
            for name, value in (
                ("delay_seconds", delay_seconds),
                ("aggregation_seconds", aggregation_seconds),
                ("retry_seconds", retry_seconds),
            ):
                if value is not None:
                    if (
                        isinstance(value, bool)
                        or not isinstance(value, (int, float))
                        or not 0 <= value <= 600
                    ):
                        raise ValueError(f"{name} must be a number of seconds from 0 to 600")
                    setattr(self, name, float(value))

    def settings(self) -> dict[str, float]:
        return {
            "delay_seconds": self.delay_seconds,
            "aggregation_seconds": self.aggregation_seconds,
            "retry_seconds": self.retry_seconds,
        }

    def subscribe(self, url: str, integration_id: str, event_types: list[str] | None = None) -> Subscription:
        """Register ``url`` and send it the handshake; returns the subscription (its token included)."""
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http(s) URL")
        types = event_types or []
        if not isinstance(types, list) or not all(isinstance(t, str) and "." in t for t in types):
            raise ValueError("event_types must be a list of event types such as page.created")
        subscription = Subscription(
            id=new_id(),
            url=url,
            event_types=frozenset(types),
            verification_token="secret_" + secrets.token_urlsafe(32),
            integration_id=integration_id,
        )
        body = json.dumps({"verification_token": subscription.verification_token}).encode()
        subscription.handshake_status = self._post(url, body, None)
        with self._lock:
            self._subscriptions[subscription.id] = subscription
        return subscription

    def unsubscribe(self, subscription_id: str) -> bool:
        with self._lock:
            self._pending = [p for p in self._pending if p.subscription.id != subscription_id]
            return self._subscriptions.pop(subscription_id, None) is not None

    def subscriptions(self) -> list[Subscription]:
        with self._lock:
            return list(self._subscriptions.values())

    def inject(self, kind: str, count: int = 1) -> None:
        """Apply fault ``kind`` to the next ``count`` events queued (one per subscription delivery)."""
        if kind not in WEBHOOK_FAULTS:
            raise ValueError(f"kind must be one of {', '.join(WEBHOOK_FAULTS)}")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise ValueError("count must be an integer from 1 to 1000")
        with self._lock:
            self._faults.extend([kind] * count)

    @property
    def deliveries(self) -> list[DeliveryRecord]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        """Forget subscriptions, queued events, faults and the delivery log (``NotionEmulator.reset``)."""
        with self._lock:
            self._subscriptions.clear()
            self._pending.clear()
            self._held = None
            self._faults.clear()
            self._log.clear()

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued or in flight (a held reordered event counts as queued)."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._in_flight or self._held is not None:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.05))
            return True

    # ------------------------------------------------------------------ events in
    def on_change(self, signal: ChangeSignal) -> None:
        """A write happened: queue its event for every subscription that wants it (never blocks on I/O)."""
        with self._lock:
            targets = [s for s in self._subscriptions.values() if s.wants(signal.type)]
            if not targets:
                return
            now = time.monotonic()
            for subscription in targets:
                if signal.type in AGGREGATED_TYPES and self._aggregate(subscription, signal):
                    continue
                wait = self.delay_seconds
                if signal.type in AGGREGATED_TYPES:
                    wait = max(wait, self.aggregation_seconds)
                faults = {self._faults.pop(0)} if self._faults else set()
                self._pending.append(
                    _Pending(subscription, self._event(subscription, signal), now + wait, 1, faults)
                )
            self._ensure_thread()
            self._lock.notify_all()

    def _aggregate(self, subscription: Subscription, signal: ChangeSignal) -> bool:
        for pending in self._pending:
            event = pending.event
            if (
                pending.subscription is subscription
                and pending.attempt == 1
                and event["type"] == signal.type
                and event["entity"]["id"] == signal.entity_id
            ):
                author = self._author(signal)
                if author and author not in event["authors"]:
                    event["authors"].append(author)
                blocks = event["data"].setdefault("updated_blocks", [])
                for block in signal.data.get("updated_blocks", []):
                    if block not in blocks:
                        blocks.append(block)
                event["timestamp"] = iso_millis(utcnow())
                return True
        return False

    def _author(self, signal: ChangeSignal) -> dict[str, str] | None:
        return {"id": signal.author_id, "type": "bot"} if signal.author_id else None

    def _event(self, subscription: Subscription, signal: ChangeSignal) -> dict[str, Any]:
        author = self._author(signal)
        return {
            "id": new_id(),
            "timestamp": iso_millis(utcnow()),
            "workspace_id": self.workspace_id,
            "workspace_name": "Emulated workspace",
            "subscription_id": subscription.id,
            "integration_id": subscription.integration_id,
            "authors": [author] if author else [],
            "attempt_number": 1,
            "type": signal.type,
            "entity": {"id": signal.entity_id, "type": signal.entity_type},
            "data": json.loads(json.dumps(signal.data)),
        }

    # ------------------------------------------------------------------ delivery
    def _ensure_thread(self) -> None:
        self._stopped = False
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="notion-emulator-webhooks", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the delivery thread (queued events are not sent)."""
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopped:
                    return
                job = self._next_due()
                if job is None:
                    continue
                self._in_flight += 1
            try:
                self._deliver(job)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._lock.notify_all()

    def _next_due(self) -> _Pending | None:
        """The first due event (called with the lock held; waits up to 50 ms for one)."""
        now = time.monotonic()
        if self._held is not None and self._held.due <= now:  # nothing followed it in time: send it anyway
            held, self._held = self._held, None
            return held
        due = [p for p in self._pending if p.due <= now]
        if not due:
            self._lock.wait(0.05)
            return None
        job = min(due, key=lambda p: p.due)
        self._pending.remove(job)
        if "reorder" in job.faults and self._held is None:
            # Held until the next event is delivered (at most REORDER_HOLD_SECONDS), then sent after it.
            job.faults.discard("reorder")
            job.due = now + REORDER_HOLD_SECONDS
            self._held = job
            return None
        return job

    def _deliver(self, job: _Pending) -> None:
        event = dict(job.event, attempt_number=job.attempt)
        fault = next(iter(job.faults), None)
        if fault == "drop":
            self._record(job, -1, "drop")
        else:
            body = json.dumps(event, separators=(",", ":")).encode()
            key = job.subscription.verification_token
            if fault == "bad_signature":
                key = "secret_not_the_verification_token"
                job.faults.discard("bad_signature")
            status = self._post(job.subscription.url, body, sign(body, key))
            self._record(job, status, None if fault == "duplicate" else fault)
            if fault == "duplicate":
                job.faults.discard("duplicate")
                self._record(job, self._post(job.subscription.url, body, sign(body, key)), "duplicate")
            if not 200 <= status < 300:
                self._retry(job)
        with self._lock:
            if self._held is not None and self._held is not job:
                self._held.due = time.monotonic()  # the event it waited for is out: send it next

    def _retry(self, job: _Pending) -> None:
        if job.attempt >= MAX_ATTEMPTS:
            self._record(job, -1, "lost")
            return
        wait = min(self.retry_seconds * 2 ** (job.attempt - 1), MAX_RETRY_SECONDS)
        with self._lock:
            if job.subscription.id in self._subscriptions:
                self._pending.append(
                    _Pending(job.subscription, job.event, time.monotonic() + wait, job.attempt + 1)
                )

    def _record(self, job: _Pending, status: int, fault: str | None) -> None:
        with self._lock:
            self._log.append(
                DeliveryRecord(
                    subscription_id=job.subscription.id,
                    event_id=job.event["id"],
                    type=job.event["type"],
                    entity_id=job.event["entity"]["id"],
                    attempt_number=job.attempt,
                    status=status,
                    fault=fault,
                )
            )
            del self._log[:-10_000]

    def _post(self, url: str, body: bytes, signature: str | None) -> int:
        headers = {"Content-Type": "application/json", "User-Agent": "notion-emulator-webhooks"}
        if signature is not None:
            headers["X-Notion-Signature"] = signature
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as answer:  # noqa: S310
                return int(answer.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except (urllib.error.URLError, OSError, TimeoutError):
            return 0
