"""Where rotated OAuth tokens are kept between task runs.

Notion hands out a new refresh token on every refresh and the old one stops working, but Airflow 3 tasks cannot
write connections. So the latest pair lives in a *token store*: by default an Airflow Variable
``notion_oauth_token__<conn_id>`` (the key contains ``token``, so Airflow masks the value). A team that keeps
credentials in a secrets manager subclasses :class:`TokenStore`, registers it in the entry point group
``airflow_provider_notion.oauth_stores`` and names it in the connection extra ``oauth_store`` (see docs/oauth.md
and :mod:`airflow_provider_notion.oauth.store_registry`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError

# Importable from here too: docs of 0.2 showed ``from airflow_provider_notion.oauth.store import ...``.
from airflow_provider_notion.exceptions import TokenStoreNotWritableError as TokenStoreNotWritableError

log = logging.getLogger(__name__)

VARIABLE_KEY_TEMPLATE = "notion_oauth_token__{conn_id}"


def token_fingerprint(token: str) -> str:
    """A short one-way digest of a token, to recognise it later without storing or logging it."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StoredTokens:
    """The latest token pair of one connection. ``repr()`` never shows a token.

    :param origin: fingerprint of the connection's refresh token this pair descends from. When somebody puts a
        new grant into the connection, the fingerprint no longer matches and the connection wins again.
    :param generation: how many refreshes separate this pair from the connection's; a save never replaces a
        pair of a higher generation (a slow worker must not overwrite a newer rotation).
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    refreshed_at: datetime
    origin: str
    generation: int = 1
    bot_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "refreshed_at": self.refreshed_at.isoformat(),
                "origin": self.origin,
                "generation": self.generation,
                "bot_id": self.bot_id,
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes | dict[str, Any]) -> StoredTokens:
        """Parse a stored value; raises ``ValueError`` (without the value) when it is not a token pair."""
        data = text if isinstance(text, dict) else json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("not a stored Notion token pair")
        refreshed = datetime.fromisoformat(str(data.get("refreshed_at")))
        if refreshed.tzinfo is None:
            refreshed = refreshed.replace(tzinfo=UTC)
        refresh = data.get("refresh_token")
        return cls(
            access_token=data["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            refreshed_at=refreshed,
            origin=str(data.get("origin") or ""),
            generation=int(data.get("generation") or 1),
            bot_id=data.get("bot_id"),
        )

    def rotated(self, access_token: str, refresh_token: str | None, bot_id: str | None) -> StoredTokens:
        """The pair that a refresh of this one produced."""
        return replace(
            self,
            access_token=access_token,
            refresh_token=refresh_token,
            refreshed_at=datetime.now(UTC),
            generation=self.generation + 1,
            bot_id=bot_id or self.bot_id,
        )


class TokenStore(ABC):
    """Keeps the latest token pair per Airflow connection id.

    ``load`` must return what the last ``save`` (from any worker) wrote, not a cached copy: after a failed refresh
    the provider re-reads the store to pick up a rotation another worker made. Implementations must never log
    the tokens. They are built with no arguments and must be registered in the entry point group
    ``airflow_provider_notion.oauth_stores`` to be usable from a connection (see
    :func:`~airflow_provider_notion.oauth.store_registry.load_token_store`).
    """

    @abstractmethod
    def load(self, conn_id: str) -> StoredTokens | None:
        """The stored pair, or ``None`` when nothing is stored yet."""

    @abstractmethod
    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        """Replace the stored pair."""

    def check_writable(self, conn_id: str) -> None:  # noqa: B027 - optional; writable unless overridden
        """Raise :class:`TokenStoreNotWritableError` when :meth:`save` cannot work in this process.

        Called before every refresh: a refresh spends the refresh token, so it must not happen when its
        successor cannot be stored. The default assumes the store is writable; override it when the store
        can tell (missing credentials, read-only mode, no task context).
        """


class VariableTokenStore(TokenStore):
    """The default store: one Airflow Variable per connection holding the pair as JSON.

    Works from tasks in Airflow 3 (``Variable.set`` goes through the Execution API). The key contains ``token``,
    so Airflow masks the value in logs and the UI. Not for triggers (the triggerer cannot be relied on to write
    Variables).
    """

    def __init__(self, key_template: str = VARIABLE_KEY_TEMPLATE) -> None:
        if "token" not in key_template.lower() or "{conn_id}" not in key_template:
            raise NotionInputError(
                "key_template", "must contain 'token' (so Airflow masks it) and '{conn_id}'"
            )
        self.key_template = key_template

    def __repr__(self) -> str:
        return f"VariableTokenStore(key_template={self.key_template!r})"

    def key(self, conn_id: str) -> str:
        return self.key_template.format(conn_id=conn_id)

    def load(self, conn_id: str) -> StoredTokens | None:
        from airflow.providers.common.compat.sdk import Variable

        key = self.key(conn_id)
        _forget_cached_variable(key)
        raw = Variable.get(key, default=None)
        if raw in (None, ""):
            return None
        try:
            return StoredTokens.from_json(raw)
        except (ValueError, TypeError):
            log.warning("Variable %s does not hold a Notion token pair; ignoring it", key)
            return None

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        from airflow.providers.common.compat.sdk import Variable

        key = self.key(conn_id)
        description = f"Rotated Notion OAuth tokens of connection {conn_id}"
        try:
            Variable.set(key, tokens.to_json(), description=description)
        except ImportError:
            # Airflow 3 writes Variables through the running task's supervisor; there is none outside a task.
            raise TokenStoreNotWritableError(self._outside_a_task(key)) from None

    def check_writable(self, conn_id: str) -> None:
        """Airflow 3 writes Variables only from a running task (through its supervisor); Airflow 2 anywhere."""
        if not _in_task_context():
            raise TokenStoreNotWritableError(self._outside_a_task(self.key(conn_id)))

    @staticmethod
    def _outside_a_task(key: str) -> str:
        return (
            f"cannot write Variable {key} outside a running Airflow task; run this in a task, or use an "
            "oauth_store that can (see docs/oauth.md)"
        )


def _in_task_context() -> bool:
    """Whether this process runs an Airflow 3 task (it has a supervisor channel), or runs Airflow 2."""
    try:
        import airflow.sdk.execution_time  # noqa: F401 - present from Airflow 3 on
    except ImportError:
        return True  # Airflow 2: Variables are written to the metadata database from any process
    # Not imported: no task runs here (and importing it just to look would be heavy).
    task_runner = sys.modules.get("airflow.sdk.execution_time.task_runner")
    # Airflow documents this attribute as the marker of a Task SDK execution context (see set_supervisor_comms).
    return getattr(task_runner, "SUPERVISOR_COMMS", None) is not None


def _forget_cached_variable(key: str) -> None:
    """Drop Airflow's worker-side Variable cache entry (if caching is on) so a re-read sees other workers' saves."""
    try:
        from airflow.sdk.execution_time.cache import SecretCache

        SecretCache.invalidate_variable(key)
    except Exception:  # noqa: S110 - the cache is optional and absent in older Airflow versions
        pass


class InMemoryTokenStore(TokenStore):
    """Keeps pairs in this process only: for tests and single-process scripts (lost when the process ends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pairs: dict[str, StoredTokens] = {}

    def __repr__(self) -> str:
        return f"InMemoryTokenStore({sorted(self._pairs)!r})"

    def load(self, conn_id: str) -> StoredTokens | None:
        with self._lock:
            return self._pairs.get(conn_id)

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        with self._lock:
            self._pairs[conn_id] = tokens


# One memory store per process: every hook of the process must see the pair another one rotated, or its next
# refresh would present a spent refresh token.
_PROCESS_MEMORY_STORE = InMemoryTokenStore()


def process_memory_store() -> InMemoryTokenStore:
    """The in-memory store every hook of this process shares (``oauth_store: memory``)."""
    return _PROCESS_MEMORY_STORE
