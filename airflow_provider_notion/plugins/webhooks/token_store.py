"""The verification token of a connection's webhook subscription, kept in a masked Airflow Variable.

The key is ``notion_webhook_verification_token_<conn_id>``: it contains ``token``, so Airflow masks its value in
the UI, the REST API and the logs, while an admin can still read it (``airflow variables get <key>``) to paste
it into Notion's integration settings. A secrets backend may hold it instead (it is read through Airflow's
secrets lookup after the metadata database). Only the first handshake stores a token; to accept a new
subscription, an admin deletes the Variable first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_notion.connection.masking import mask_secret

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

VARIABLE_PREFIX = "notion_webhook_verification_token_"


def variable_key(conn_id: str) -> str:
    """The Variable holding ``conn_id``'s verification token."""
    return f"{VARIABLE_PREFIX}{conn_id}"


def read_token(conn_id: str, session: Session) -> str | None:
    """The stored token (masked in this process from now on), or ``None`` before the handshake."""
    from airflow.models.variable import Variable
    from sqlalchemy import select

    row = session.scalar(select(Variable).where(Variable.key == variable_key(conn_id)))
    token = row.val if row is not None else Variable.get_variable_from_secrets(variable_key(conn_id))
    if not isinstance(token, str) or not token:
        return None
    mask_secret(token)
    return token


def store_first_token(conn_id: str, token: str, session: Session) -> bool:
    """Store ``token`` if none is set (``True``); never replace a set one (``False``). The caller commits."""
    from airflow.models.variable import Variable

    mask_secret(token)
    if read_token(conn_id, session) is not None:
        return False
    session.add(
        Variable(  # type: ignore[no-untyped-call]  # Airflow's model is untyped
            key=variable_key(conn_id),
            val=token,
            description=f"Notion webhook verification token of connection {conn_id} (docs/webhooks.md)",
        )
    )
    return True
