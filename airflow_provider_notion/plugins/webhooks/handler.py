"""One webhook delivery from the raw bytes to an answer, framework-free (the app wraps it in FastAPI).

Order matters: the signature is checked on the raw bytes before anything is parsed; a request without a valid
signature changes nothing; only a handshake (no signature, ``{"verification_token": ...}``) may store a token,
and only when none is set.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.plugins.webhooks import deliveries, token_store
from airflow_provider_notion.plugins.webhooks.mapping import event_asset_uris
from airflow_provider_notion.plugins.webhooks.recent import RECENT, Delivery, now_iso
from airflow_provider_notion.rules.webhooks import handshake_token, parse_event, signature_matches

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: Seconds Notion is asked to wait before retrying when Airflow's database cannot be reached.
RETRY_AFTER_SECONDS = 30
_CONN_ID = re.compile(r"[A-Za-z0-9_.-]{1,250}")

SessionFactory = Callable[[], AbstractContextManager["Session"]]
ConnectionCheck = Callable[[str], bool]


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def default_session() -> AbstractContextManager[Session]:
    from airflow.utils.session import create_session

    return create_session(scoped=False)


def is_notion_connection(conn_id: str) -> bool:
    """Whether ``conn_id`` names a connection of type ``notion`` (a handshake for anything else is refused)."""
    from airflow.models.connection import Connection
    from airflow.providers.common.compat.sdk import AirflowNotFoundException

    try:
        connection = Connection.get_connection_from_secrets(conn_id)
    except AirflowNotFoundException:
        return False
    return connection.conn_type == "notion"


def _rejected(conn_id: str, status: int, reason: str) -> Answer:
    RECENT.add(
        Delivery(received_at=now_iso(), conn_id=conn_id, outcome="rejected", status=status, detail=reason)
    )
    return Answer(status, {"error": reason})


def handle_delivery(
    conn_id: str,
    body: bytes,
    signature: str | None,
    *,
    session_factory: SessionFactory = default_session,
    connection_exists: ConnectionCheck = is_notion_connection,
) -> Answer:
    """The answer to one POST to ``/notion/webhooks/<conn_id>`` (the body already size-checked)."""
    if not _CONN_ID.fullmatch(conn_id):
        return _rejected(conn_id[:250], 404, "no such connection")
    try:
        return _handle(conn_id, body, signature, session_factory, connection_exists)
    except Exception as err:
        if _database_unavailable(err):
            log.warning(
                "Notion webhook for %s: Airflow's database is unavailable (%s)", conn_id, type(err).__name__
            )
            return Answer(
                503,
                {"error": "Airflow's metadata database is unavailable; retry later"},
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        raise


def _handle(
    conn_id: str,
    body: bytes,
    signature: str | None,
    session_factory: SessionFactory,
    connection_exists: ConnectionCheck,
) -> Answer:
    with session_factory() as session:
        token = token_store.read_token(conn_id, session)
        if token is None:
            return _handshake(conn_id, body, signature, session, connection_exists)
        if not signature_matches(body, signature, token):
            if signature is None and handshake_token(body) is not None:
                log.warning(
                    "Notion webhook for %s: a second handshake was refused; the stored verification token "
                    "stays. Delete the Variable %s to accept a new subscription.",
                    conn_id,
                    token_store.variable_key(conn_id),
                )
                return _rejected(conn_id, 409, "a verification token is already set for this connection")
            return _rejected(conn_id, 401, "missing signature" if signature is None else "bad signature")
        # Signed with the token from here on: the body may be parsed.
        try:
            event = parse_event(body)
        except NotionInputError as err:
            return _rejected(conn_id, 400, str(err))
        deliveries.ensure_table(session)
        uris = event_asset_uris(event)
        try:
            delivery = deliveries.record_event(session, conn_id, event, uris)
            session.commit()
        except Exception as err:
            session.rollback()
            if not _unique_violation(err):
                raise
            delivery = Delivery(
                received_at=now_iso(),
                conn_id=conn_id,
                outcome="duplicate",
                status=200,
                event_id=event.id,
                event_type=event.type,
                entity_type=event.entity_type,
                entity_id=event.entity_id,
                attempt_number=event.attempt_number,
            )
        deliveries.run_after_commit(session)
    RECENT.add(delivery)
    return Answer(200, {"outcome": delivery.outcome, "event_id": event.id, "assets": list(delivery.assets)})


def _handshake(
    conn_id: str, body: bytes, signature: str | None, session: Session, connection_exists: ConnectionCheck
) -> Answer:
    """No token yet: only a handshake is accepted; nothing signed can be trusted before the token is set."""
    token = handshake_token(body) if signature is None else None
    if token is None:
        return _rejected(conn_id, 401, "no verification token is set for this connection yet")
    if not connection_exists(conn_id):
        return _rejected(conn_id, 404, "no such Notion connection")
    if not token_store.store_first_token(conn_id, token, session):
        return _rejected(conn_id, 409, "a verification token is already set for this connection")
    session.commit()
    log.info(
        "Notion webhook for %s: verification token stored in the Variable %s; paste it into Notion's "
        "integration settings to verify the subscription",
        conn_id,
        token_store.variable_key(conn_id),
    )
    RECENT.add(Delivery(received_at=now_iso(), conn_id=conn_id, outcome="handshake", status=200))
    return Answer(200, {"outcome": "handshake", "variable": token_store.variable_key(conn_id)})


def _causes(err: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = err
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _database_unavailable(err: BaseException) -> bool:
    """A connection-level database failure (not a bug in a query): worth a retry by Notion."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    for cause in _causes(err):
        if isinstance(cause, (OperationalError, PoolTimeout)):
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
    return False


def _unique_violation(err: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return any(isinstance(cause, IntegrityError) for cause in _causes(err))
