"""Assets and OpenLineage datasets of the Notion operators, from the same ``notion://`` URIs.

**Outlets.** An operator that changes a database or a page declares its Notion asset as an outlet when the id is
known when the DAG is parsed (an id or a Notion link, not a template or an XCom): Airflow then emits an asset
event each time the task succeeds, and DAGs scheduled on that asset run without polling. A templated id cannot be
an outlet (Airflow reads outlets before templates are rendered); attach the asset yourself with ``outlets=[...]``.
The asset is named by its URI unless the operator is given ``asset_name``: a readable name (the Assets page shows
it) that the DAGs scheduled on the asset use too, ``notion_asset(kind, id, name=...)``.

**Asset events.** What a task attaches to the events of its outlets (``extra``) is built here, so every operator
says the same things the same way: the title of the object, what was done, and at most :data:`EVENT_MAX_IDS`
ids of each kind (Airflow stores every event in its database and shows it in the UI).

**OpenLineage.** When ``apache-airflow-providers-openlineage`` is installed it calls
``get_openlineage_facets_on_complete`` on each operator; the Notion operators answer with datasets of
namespace ``notion`` and name ``<kind>/<id>`` (see :mod:`airflow_provider_notion.assets`) for what they read
(inputs) and wrote (outputs), taken from the rendered fields. Without the provider nothing is imported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from airflow_provider_notion.assets import Kind, notion_asset, notion_uri, openlineage_name
from airflow_provider_notion.exceptions import NotionInputError

log = logging.getLogger(__name__)

Direction = Literal["input", "output"]
#: The most ids of one kind (created, updated, trashed) an asset event carries; ``ids_truncated`` says more.
EVENT_MAX_IDS = 100
#: The counts of a sync that its asset event carries.
SYNC_EVENT_COUNTS = ("created", "updated", "unchanged", "trashed", "requests")

#: (attribute, asset kind), most specific first: a data source wins over its database.
ID_FIELDS: tuple[tuple[str, Kind], ...] = (
    ("data_source_id", "data_source"),
    ("database_id", "database"),
    ("page_id", "page"),
)


def _literal_uri(kind: Kind, value: Any) -> str | None:
    """The URI for an id or link given literally; ``None`` for a template, an XComArg or nothing."""
    if not isinstance(value, str) or "{{" in value or "{%" in value or not value.strip():
        return None
    try:
        return notion_uri(kind, value)
    except NotionInputError:
        return None


def target_uri(operator: Any) -> str | None:
    """The URI of the object the operator works on, from its first set id field (as it is now)."""
    for attribute, kind in ID_FIELDS:
        value = getattr(operator, attribute, None)
        if value:
            return _literal_uri(kind, value)
    return None


def declare_notion_outlet(operator: Any, name: str | None = None) -> None:
    """Add the operator's Notion object as an outlet when its id is a literal (call at the end of ``__init__``).

    :param name: the asset's readable name (default: its URI); DAGs scheduled on it must use the same name.
    :raises NotionInputError: ``name`` is given but the id is a template or an XCom (no outlet can be declared).
    """
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise NotionInputError("asset_name", f"expected a non-empty string, got {name!r}")
    uri = target_uri(operator)
    if uri is None:
        if name is not None:
            raise NotionInputError(
                "asset_name",
                "names the outlet, which needs the database/page id given literally (an id or a link) when the "
                "DAG is parsed; with a templated id pass outlets=[notion_asset(kind, id, name=...)] instead",
            )
        return
    if any(getattr(outlet, "uri", None) == uri for outlet in operator.outlets):
        return
    kind, _, object_id = uri.removeprefix("notion://").partition("/")
    operator.outlets.append(notion_asset(kind, object_id, name=name))  # type: ignore[arg-type]  # our own URI


def sync_event_extra(result: Mapping[str, Any], max_ids: int = EVENT_MAX_IDS) -> dict[str, Any]:
    """The asset event ``extra`` of a sync: the title, the counts, the requests and the ids (bounded)."""
    extra: dict[str, Any] = {"title": result.get("title") or ""}
    extra.update({key: result.get(key, 0) for key in SYNC_EVENT_COUNTS})
    extra["dry_run"] = bool(result.get("dry_run"))
    truncated = bool(result.get("ids_truncated"))
    for action in ("created", "updated", "trashed"):
        ids = list(result.get(f"{action}_ids") or [])
        truncated = truncated or len(ids) > max_ids
        extra[f"{action}_ids"] = ids[:max_ids]
    extra["ids_truncated"] = truncated
    return extra


def page_event_extra(page: Mapping[str, Any]) -> dict[str, Any]:
    """The asset event ``extra`` of a page write, besides its ``title``: its id, URL and whether it is trashed."""
    in_trash = page.get("in_trash", page.get("archived"))
    return {"page_id": page.get("id"), "url": page.get("url"), "in_trash": bool(in_trash)}


def record_asset_event(operator: Any, context: Any, extra: Mapping[str, Any]) -> None:
    """Attach ``extra`` to the events of this run for each of the operator's outlets (what a downstream DAG reads).

    Never fails the task: the work is done when this runs, and Airflow 2 / a test context has no event store.
    """
    events = context.get("outlet_events") if isinstance(context, Mapping) else None
    if events is None:
        return
    for outlet in operator.outlets or []:
        try:
            events[outlet].extra = dict(extra)
        except Exception as err:
            log.warning("Could not attach the task's details to the asset event of %s: %s", outlet, err)


def openlineage_datasets(uris: Iterable[str]) -> list[Any]:
    """OpenLineage ``Dataset`` objects for Notion URIs (empty without the OpenLineage provider)."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    datasets = [Dataset(namespace="notion", name=openlineage_name(uri)) for uri in uris]
    return [dataset for dataset in datasets if dataset is not None]


def operator_lineage(operator: Any, direction: Direction | None) -> Any:
    """The ``OperatorLineage`` for a finished Notion operator, or ``None`` without OpenLineage / nothing to say."""
    if direction is None:
        return None
    try:
        from airflow.providers.openlineage.extractors import OperatorLineage  # type: ignore[import-not-found]
    except ImportError:
        return None
    uri = target_uri(operator)
    if uri is None:
        return None
    datasets = openlineage_datasets([uri])
    if direction == "input":
        return OperatorLineage(inputs=datasets, outputs=[])
    return OperatorLineage(inputs=[], outputs=datasets)


def _storage_dataset_name(uri: str) -> tuple[str, str]:
    """OpenLineage (namespace, name) of a storage URI: ``s3://bucket`` + ``/key``, ``file`` + ``/path``."""
    parts = urlsplit(uri)
    namespace = f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme or "file"
    return namespace, parts.path or "/"


def export_lineage(operator: Any) -> Any:
    """``OperatorLineage`` of an export: the Notion database (input) and the written files' outlets (output)."""
    try:
        from airflow.providers.openlineage.extractors import OperatorLineage
    except ImportError:
        return None
    from airflow.providers.common.compat.openlineage.facet import Dataset

    source = target_uri(operator)
    inputs = openlineage_datasets([source]) if source else []
    outputs = [
        Dataset(namespace=namespace, name=name)
        for namespace, name in (
            _storage_dataset_name(str(outlet.uri))
            for outlet in operator.outlets
            if getattr(outlet, "uri", None)
        )
    ]
    return OperatorLineage(inputs=inputs, outputs=[dataset for dataset in outputs if dataset is not None])
