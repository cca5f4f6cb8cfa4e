"""Notion operators declare their asset as an outlet and answer OpenLineage with the same URIs."""

from __future__ import annotations

import importlib.util

import pytest

from airflow_provider_notion.lineage import operator_lineage, target_uri
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionQueryDatabaseOperator,
)
from airflow_provider_notion.operators.pages import NotionUpdatePageOperator
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator

DB = "248104cd-477e-80af-bc30-000bd28de8f9"
UNDASHED = DB.replace("-", "")


def uris(operator: object) -> list[str]:
    return [outlet.uri for outlet in operator.outlets]  # type: ignore[attr-defined]


def test_a_write_to_a_database_given_by_link_declares_the_canonical_asset() -> None:
    op = NotionCreateDatabaseItemOperator(
        task_id="add", database_id=f"https://www.notion.so/acme/Tasks-{UNDASHED}", properties={}
    )
    assert uris(op) == [f"notion://database/{DB}"]


def test_a_data_source_wins_over_its_database() -> None:
    op = NotionSyncRowsOperator(task_id="sync", data_source_id=UNDASHED, database_id=DB, rows=[], key="K")
    assert uris(op) == [f"notion://data_source/{DB}"]


def test_a_page_write_declares_the_page() -> None:
    assert uris(NotionUpdatePageOperator(task_id="up", page_id=UNDASHED, properties={})) == [
        f"notion://page/{DB}"
    ]


def test_a_templated_id_declares_nothing_and_an_explicit_outlet_is_kept_once() -> None:
    from airflow.sdk import Asset

    templated = NotionCreateDatabaseItemOperator(task_id="t", database_id="{{ params.db }}", properties={})
    assert uris(templated) == []
    mine = Asset(f"notion://database/{UNDASHED}")
    explicit = NotionCreateDatabaseItemOperator(task_id="e", database_id=DB, properties={}, outlets=[mine])
    assert uris(explicit) == [f"notion://database/{DB}"]


def test_readers_declare_no_outlet_but_name_their_input() -> None:
    op = NotionQueryDatabaseOperator(task_id="q", database_id=UNDASHED)
    assert uris(op) == []
    assert op.notion_lineage == "input"
    assert target_uri(op) == f"notion://database/{DB}"


@pytest.mark.skipif(
    importlib.util.find_spec("airflow.providers.openlineage") is not None, reason="OpenLineage installed"
)
def test_without_openlineage_there_is_no_lineage_and_no_error() -> None:
    op = NotionSyncRowsOperator(task_id="sync", data_source_id=DB, rows=[], key="K")
    assert op.get_openlineage_facets_on_complete(None) is None
    assert operator_lineage(op, "output") is None


def test_the_outlet_survives_dag_serialisation() -> None:
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    with DAG("lineage_dag", schedule=None) as dag:
        NotionSyncRowsOperator(task_id="sync", data_source_id=DB, rows=[], key="K")
    data = DagSerialization.to_dict(dag)
    assert f"notion://data_source/{DB}" in str(data)


@pytest.mark.skipif(
    importlib.util.find_spec("airflow.providers.openlineage") is not None, reason="OpenLineage installed"
)
def test_the_export_has_no_lineage_without_openlineage_and_keeps_its_file_outlet() -> None:
    from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator

    op = NotionToObjectStorageOperator(
        task_id="export", database_id=DB, path="file:///tmp/notion/rows.parquet"
    )
    assert op.get_openlineage_facets_on_complete(None) is None
    assert [outlet.uri for outlet in op.outlets] != []


def test_storage_dataset_names_follow_openlineage_naming() -> None:
    from airflow_provider_notion.lineage import _storage_dataset_name

    assert _storage_dataset_name("s3://bucket/notion/rows.parquet") == ("s3://bucket", "/notion/rows.parquet")
    assert _storage_dataset_name("file:///tmp/rows.csv") == ("file", "/tmp/rows.csv")
