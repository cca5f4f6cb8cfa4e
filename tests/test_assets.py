"""Notion asset URIs: one canonical URI whatever form the id is given in, registered with Airflow."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from airflow_provider_notion.assets import (
    canonical_uri,
    convert_asset_to_openlineage,
    create_asset,
    notion_uri,
    sanitize_uri,
)
from airflow_provider_notion.exceptions import NotionInputError

DASHED = "248104cd-477e-80af-bc30-000bd28de8f9"
UNDASHED = DASHED.replace("-", "")


@pytest.mark.parametrize(
    "given",
    [DASHED, UNDASHED, DASHED.upper(), f"https://www.notion.so/acme/Tasks-{UNDASHED}?v=0123"],
)
def test_every_form_of_an_id_is_one_uri(given: str) -> None:
    assert notion_uri("database", given) == f"notion://database/{DASHED}"


@pytest.mark.parametrize(
    "uri",
    [
        f"notion://database/{UNDASHED}",
        f"notion://DATABASE/{DASHED.upper()}",
        f"notion://database/{DASHED}/",
    ],
)
def test_airflows_uri_handler_normalises(uri: str) -> None:
    assert canonical_uri(uri) == f"notion://database/{DASHED}"


def test_data_source_spellings() -> None:
    assert canonical_uri(f"notion://data-source/{UNDASHED}") == f"notion://data_source/{DASHED}"


@pytest.mark.parametrize(
    "uri",
    ["notion://table/" + DASHED, "notion://database/nope", f"notion://page/{DASHED}/x", "notion://page/"],
)
def test_bad_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValueError):
        sanitize_uri(urlsplit(uri))


def test_bad_kind_names_the_field() -> None:
    with pytest.raises(NotionInputError, match="kind"):
        notion_uri("table", DASHED)  # type: ignore[arg-type]


def test_factory_and_openlineage_converter() -> None:
    asset = create_asset(f"notion://page/{UNDASHED}")
    assert asset.uri == f"notion://page/{DASHED}"
    dataset = convert_asset_to_openlineage(asset)
    try:
        import airflow.providers.openlineage  # noqa: F401
    except ImportError:
        assert dataset is None  # the compat layer's stand-in: no OpenLineage, no dataset, no error
    else:
        assert (dataset.namespace, dataset.name) == ("notion", f"page/{DASHED}")


def test_airflow_normalises_a_notion_asset_through_the_provider() -> None:
    """Airflow's own Asset() runs the handler registered under asset-uris (via ProvidersManager)."""
    from airflow.sdk import Asset

    assert Asset(uri=f"notion://database/{UNDASHED}").uri == f"notion://database/{DASHED}"
