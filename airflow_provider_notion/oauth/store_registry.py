"""Which token store a connection's ``oauth_store`` extra names, without ever importing or calling anything else.

The extra is connection data: whoever can edit a connection must not be able to make the API server, a worker
or the triggerer import a module or call a function of their choice (``os.abort``, ``builtins.exit``). So the
only stores are the built-in ``variable`` and ``memory`` and the :class:`TokenStore` subclasses that installed
packages register in the entry point group :data:`ENTRY_POINT_GROUP`; an installed package is the deployment
owner's decision, a connection extra is not. Any other value is refused before anything is imported.

Registering a store (in the package's ``pyproject.toml``)::

    [project.entry-points."airflow_provider_notion.oauth_stores"]
    team_vault = "team_airflow.notion_store:VaultTokenStore"

and in the connection: ``"oauth_store": "team_vault"``.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.oauth.store import (
    InMemoryTokenStore,
    TokenStore,
    VariableTokenStore,
    process_memory_store,
)

ENTRY_POINT_GROUP = "airflow_provider_notion.oauth_stores"
FIELD = "extra.oauth_store"


def registered_stores() -> dict[str, EntryPoint]:
    """The stores installed packages registered, by entry point name (nothing is imported)."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _find(name: str, registered: dict[str, EntryPoint]) -> EntryPoint | None:
    """The entry point called ``name``, or whose target is ``name`` (``pkg.mod:Class`` or ``pkg.mod.Class``)."""
    if name in registered:
        return registered[name]
    for ep in registered.values():
        if name in (ep.value, ep.value.replace(":", ".")):
            return ep
    return None


def _refuse(name: str, registered: dict[str, EntryPoint]) -> NotionInputError:
    names = sorted({"variable", "memory", *registered})
    return NotionInputError(
        FIELD,
        f"{name!r} is not a registered token store; use one of {', '.join(names)}, or register a TokenStore "
        f"subclass in the entry point group {ENTRY_POINT_GROUP!r} of an installed package (see docs/oauth.md)",
    )


def load_token_store(spec: Any) -> TokenStore:
    """The store named by the connection extra ``oauth_store``.

    ``None``/empty or ``variable``: :class:`VariableTokenStore`; ``memory``: the process's one in-memory store;
    otherwise the name (or target) of an entry point in :data:`ENTRY_POINT_GROUP` whose target is a
    :class:`TokenStore` subclass, built with no arguments. Anything else is refused without being imported.
    """
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return VariableTokenStore()
    if not isinstance(spec, str):
        raise NotionInputError(FIELD, "must be a string: 'variable', 'memory' or a registered store's name")
    name = spec.strip()
    if name.lower() == "variable":
        return VariableTokenStore()
    if name.lower() == "memory":
        return process_memory_store()
    registered = registered_stores()
    entry_point = _find(name, registered)
    if entry_point is None:
        raise _refuse(name, registered)
    try:
        target = entry_point.load()
    except Exception as err:
        raise NotionInputError(
            FIELD,
            f"the registered token store {entry_point.name!r} cannot be imported ({type(err).__name__})",
        ) from None
    # Checked before calling: a registered name pointing at a function must not run it.
    if not isinstance(target, type) or not issubclass(target, TokenStore):
        raise NotionInputError(
            FIELD,
            f"the registered token store {entry_point.name!r} is not a TokenStore subclass; not using it",
        )
    if target is InMemoryTokenStore:
        return process_memory_store()  # one per process, as for the name 'memory'
    try:
        return target()
    except Exception as err:
        raise NotionInputError(
            FIELD,
            f"the registered token store {entry_point.name!r} could not be built with no arguments "
            f"({type(err).__name__})",
        ) from None
