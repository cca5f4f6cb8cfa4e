"""Notion assets: one canonical URI per Notion object, so DAGs can be scheduled on "this database changed".

A database given as a Notion link, a dashed or an undashed id is the same asset::

    notion://database/<dashed-id>      a database (the container)
    notion://data_source/<dashed-id>   a data source (where rows live since Notion-Version 2025-09-03)
    notion://page/<dashed-id>          a page

The id is lower-case and dashed. Airflow normalises every ``notion://`` URI with :func:`sanitize_uri`
(registered under ``asset-uris`` in the provider info), so ``Asset("notion://database/<32 hex>")`` and
``Asset("notion://database/<dashed id>")`` are one asset. OpenLineage datasets use the namespace ``notion``
and the name ``<kind>/<id>`` (:func:`convert_asset_to_openlineage`).

**Names.** Airflow 3 identifies an asset by its name *and* its URI, and the Assets page lists it by name. An asset
is named by its URI unless a readable ``name`` is given (``notion_asset("database", id, name="crm_accounts")``,
or ``asset_name=`` on the operators that declare outlets): the producer and every consumer must then use the same
name, or Airflow sees two assets with one URI. Convention: lower-case words joined by ``_`` saying what the data
is (``crm_accounts``, ``support_tickets``), not where it lives; see docs/events.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import SplitResult, urlsplit

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id

if TYPE_CHECKING:
    from airflow.sdk import Asset

SCHEME = "notion"
Kind = Literal["database", "data_source", "page"]
KINDS: tuple[Kind, ...] = ("database", "data_source", "page")
#: OpenLineage namespace of every Notion dataset.
OPENLINEAGE_NAMESPACE = "notion"


def notion_uri(kind: Kind, object_id: str, field: str = "id") -> str:
    """The canonical URI of a Notion object; ``object_id`` may be an id (dashed or not) or a Notion link."""
    if kind not in KINDS:
        raise NotionInputError("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    return f"{SCHEME}://{kind}/{normalize_notion_id(object_id, field)}"


def _asset(uri: str, kwargs: dict[str, Any]) -> Asset:
    """``Asset`` on Airflow 3 (named by its URI unless ``name`` is given), ``Dataset`` on Airflow 2 (no name)."""
    from airflow.providers.common.compat.sdk import Asset

    try:
        return Asset(uri=uri, name=kwargs.pop("name", uri), **kwargs)  # type: ignore[no-any-return]
    except TypeError:  # Airflow 2's Dataset has no name
        return Asset(uri=uri, **kwargs)  # type: ignore[no-any-return]


def notion_asset(
    kind: Kind, object_id: str, field: str = "id", *, name: str | None = None, **kwargs: Any
) -> Asset:
    """An Airflow ``Asset`` for a Notion object, named ``name`` (a readable name) or else by its canonical URI.

    Further keyword arguments (``group``, ``extra``, ``watchers``) go to ``Asset``. Airflow 2's ``Dataset`` has
    no name: there ``name`` is ignored.
    """
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise NotionInputError("name", f"expected a non-empty string, got {name!r}")
    options = dict(kwargs)
    if name is not None:
        options["name"] = name.strip()
    return _asset(notion_uri(kind, object_id, field), options)


def sanitize_uri(uri: SplitResult) -> SplitResult:
    """Airflow's URI handler for ``notion://``: the canonical form, or ``ValueError`` for anything else."""
    kind = uri.netloc.lower().replace("-", "_")
    if kind == "datasource":
        kind = "data_source"
    if kind not in KINDS:
        raise ValueError(f"a notion:// asset URI names one of {', '.join(KINDS)}, got {uri.netloc!r}")
    raw = uri.path.strip("/")
    if not raw or "/" in raw or uri.query or uri.fragment:
        raise ValueError("a notion:// asset URI is notion://<kind>/<id> with nothing after the id")
    try:
        object_id = normalize_notion_id(raw, "uri")
    except NotionInputError as err:
        raise ValueError(str(err)) from None
    return SplitResult(SCHEME, kind, f"/{object_id}", "", "")


def canonical_uri(uri: str) -> str:
    """``uri`` in canonical form (what Airflow stores)."""
    return sanitize_uri(urlsplit(uri)).geturl()


def create_asset(uri: str, **kwargs: Any) -> Asset:
    """Airflow's asset factory for ``notion://`` URIs."""
    return _asset(canonical_uri(uri), dict(kwargs))


def openlineage_name(uri: str) -> str:
    """The OpenLineage dataset name of a Notion URI: ``<kind>/<id>``."""
    parts = urlsplit(canonical_uri(uri))
    return f"{parts.netloc}{parts.path}"


def convert_asset_to_openlineage(asset: Any, lineage_context: Any = None) -> Any:
    """Airflow's converter of a Notion asset to an OpenLineage dataset (namespace ``notion``)."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    return Dataset(namespace=OPENLINEAGE_NAMESPACE, name=openlineage_name(str(asset.uri)))
