"""The delivery record and the recording of asset events, in one transaction.

Table ``notion_webhook_delivery`` (created in Airflow's metadata database on first use, outside Airflow's own
migrations): one row per ``(conn_id, event_id)`` that became asset events. The unique key makes a retried or
duplicated event id record once, even when two API server workers receive it at the same moment: the second
insert fails, its transaction (asset events included) rolls back, and it is answered as a duplicate.

An event for assets no DAG schedules on is acknowledged without a write (one indexed SELECT): Notion sends
events for every page the integration can see, and most of them start nothing.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from airflow_provider_notion.plugins.webhooks.recent import Delivery, Outcome
from airflow_provider_notion.rules.webhooks import WEBHOOK_REPORTED_KEY, WebhookEvent, merge_reported

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

METADATA = sa.MetaData()
DELIVERY_TABLE = sa.Table(
    "notion_webhook_delivery",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conn_id", sa.String(250), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(36), nullable=False),
    sa.Column("event_timestamp", sa.String(40), nullable=False),
    sa.Column("attempt_number", sa.Integer, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("assets", sa.Text, nullable=False),
    sa.UniqueConstraint("conn_id", "event_id", name="notion_webhook_delivery_event_uq"),
    sa.Index("notion_webhook_delivery_received_idx", "received_at"),
)
_created: set[str] = set()
_create_lock = threading.Lock()


def ensure_table(session: Session) -> None:
    """Create the table once per process and database (``CREATE TABLE IF NOT EXISTS``)."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    if key in _created:
        return
    with _create_lock:
        if key not in _created:
            METADATA.create_all(bind=bind.engine, checkfirst=True)
            _created.add(key)


def is_duplicate(session: Session, conn_id: str, event_id: str) -> bool:
    table = DELIVERY_TABLE
    found = session.execute(
        sa.select(table.c.id).where(table.c.conn_id == conn_id, table.c.event_id == event_id).limit(1)
    ).first()
    return found is not None


def scheduled_assets(session: Session, uris: list[str]) -> list[Any]:
    """The active ``AssetModel`` rows among ``uris`` that at least one DAG schedules on."""
    if not uris:
        return []
    from airflow.models.asset import AssetActive, AssetModel

    query = (
        sa.select(AssetModel)
        .join(AssetActive, sa.and_(AssetActive.name == AssetModel.name, AssetActive.uri == AssetModel.uri))
        .where(AssetModel.uri.in_(uris), AssetModel.scheduled_dags.any())
    )
    order = {uri: index for index, uri in enumerate(uris)}
    return sorted(session.scalars(query).all(), key=lambda asset: order[asset.uri])


def record_event(session: Session, conn_id: str, event: WebhookEvent, uris: list[str]) -> Delivery:
    """Record ``event`` as asset events on the scheduled ones of ``uris``, with its delivery row.

    The caller commits; on ``IntegrityError`` (the same event id committed meanwhile) it rolls back and
    answers a duplicate.
    """
    received = datetime.now(UTC)

    def delivery(outcome: Outcome, assets: tuple[str, ...] = (), status: int = 200) -> Delivery:
        return Delivery(
            received_at=received.isoformat(timespec="milliseconds"),
            conn_id=conn_id,
            outcome=outcome,
            status=status,
            event_id=event.id,
            event_type=event.type,
            entity_type=event.entity_type,
            entity_id=event.entity_id,
            attempt_number=event.attempt_number,
            assets=assets,
        )

    if is_duplicate(session, conn_id, event.id):
        return delivery("duplicate")
    assets = scheduled_assets(session, uris)
    if not assets:
        return delivery("no_subscriber")
    recorded = tuple(str(asset.uri) for asset in assets)
    session.execute(
        sa.insert(DELIVERY_TABLE).values(
            conn_id=conn_id,
            event_id=event.id,
            event_type=event.type,
            entity_type=event.entity_type,
            entity_id=event.entity_id,
            event_timestamp=event.timestamp,
            attempt_number=event.attempt_number,
            received_at=received,
            outcome="recorded",
            assets=json.dumps(recorded),
        )
    )
    callbacks: list[Callable[[], None]] = []
    for asset in assets:
        register_asset_change(session, asset, event.extra(), callbacks)
        if event.family == "page" and str(asset.uri).startswith("notion://data_source/"):
            note_reported(session, asset.id, event, received)
    session.info.setdefault("notion_after_commit", []).extend(callbacks)
    return delivery("recorded", recorded)


def register_asset_change(
    session: Session, asset: Any, extra: dict[str, Any], callbacks: list[Callable[[], None]]
) -> None:
    """Airflow's own asset manager records the event and queues the DAG runs (as ``POST /assets/events``)."""
    from airflow.assets.manager import asset_manager

    accepted = inspect.signature(asset_manager.register_asset_change).parameters
    kwargs: dict[str, Any] = {"asset": asset, "extra": extra, "session": session}
    if "source_is_api" in accepted:
        kwargs["source_is_api"] = True
    if "callback_sink" in accepted:
        kwargs["callback_sink"] = callbacks
    asset_manager.register_asset_change(**kwargs)


def note_reported(session: Session, asset_id: int, event: WebhookEvent, now: datetime) -> None:
    """Tell the data source's polling backstop that this page's edit was reported (Airflow 3.3+ state store)."""
    try:
        from airflow._shared.state import AssetScope
        from airflow.state.metastore import MetastoreBackend
    except ImportError:  # no asset state store before Airflow 3.3: the backstop reports every change
        return
    backend = MetastoreBackend()
    scope = AssetScope(asset_id=asset_id)
    stored = backend.get(scope, WEBHOOK_REPORTED_KEY, session=session)
    backend.set(
        scope,
        WEBHOOK_REPORTED_KEY,
        merge_reported(stored, event.entity_id, event.timestamp, now),
        session=session,
    )


def run_after_commit(session: Session) -> None:
    """Airflow's listener notifications of the committed asset events."""
    for callback in session.info.pop("notion_after_commit", []):
        callback()


def recent_rows(session: Session, limit: int = 100) -> list[Delivery]:
    """The newest recorded deliveries (every API server process's), newest first."""
    table = DELIVERY_TABLE
    rows = session.execute(sa.select(table).order_by(table.c.received_at.desc()).limit(limit)).mappings()
    return [
        Delivery(
            received_at=_iso(row["received_at"]),
            conn_id=row["conn_id"],
            outcome=row["outcome"],
            status=200,
            event_id=row["event_id"],
            event_type=row["event_type"],
            entity_type=row["entity_type"],
            entity_id=row["entity_id"],
            attempt_number=row["attempt_number"],
            assets=tuple(json.loads(row["assets"])),
        )
        for row in rows
    ]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return str(value)
