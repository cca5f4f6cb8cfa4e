"""Provider registration: the metadata Airflow reads, the connection form, and the Airflow CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import airflow
import jsonschema
import pytest

from airflow_provider_notion.get_provider_info import get_provider_info
from airflow_provider_notion.hooks.notion import NotionHook


def test_entry_point_points_at_get_provider_info() -> None:
    (entry,) = [
        e
        for e in entry_points(group="apache_airflow_provider")
        if e.value.startswith("airflow_provider_notion")
    ]
    assert entry.load() is get_provider_info


def test_provider_info_matches_airflows_schema() -> None:
    schema = json.loads((Path(airflow.__file__).parent / "provider_info.schema.json").read_text())
    jsonschema.validate(get_provider_info(), schema)


def test_every_listed_module_and_class_imports() -> None:
    import importlib

    info = get_provider_info()
    for kind in ("hooks", "operators", "sensors", "triggers"):
        for entry in info[kind]:
            for module in entry["python-modules"]:
                importlib.import_module(module)
    for transfer in info["transfers"]:
        importlib.import_module(transfer["python-module"])
    for dotted in [*info["extra-links"], info["connection-types"][0]["hook-class-name"]]:
        module, _, name = dotted.rpartition(".")
        assert getattr(importlib.import_module(module), name)


def test_providers_manager_sees_the_hook_and_the_form() -> None:
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    assert "airflow-notion-provider" in manager.providers
    behaviour = manager.field_behaviours["notion"]
    assert behaviour["hidden_fields"] == ["schema", "port"]
    assert set(behaviour["relabeling"]) == {"password", "login", "host"}
    widgets = {k: v for k, v in manager.connection_form_widgets.items() if k.startswith("extra__notion__")}
    assert {w.field_name for w in widgets.values()} == {
        "auth_type",
        "notion_version",
        "access_token",
        "refresh_token",
        "oauth_store",
    }
    sensitive = {w.field_name for w in widgets.values() if w.is_sensitive}
    assert sensitive == {"access_token", "refresh_token"}
    versions = widgets["extra__notion__notion_version"].field["schema"]["enum"]
    assert versions == ["2022-06-28", "2025-09-03", "2026-03-11"]


def test_legacy_form_methods_agree_with_the_provider_info() -> None:
    info = get_provider_info()["connection-types"][0]
    assert NotionHook.get_ui_field_behaviour() == info["ui-field-behaviour"]
    assert (
        NotionHook.conn_type,
        NotionHook.default_conn_name,
        NotionHook.conn_name_attr,
        NotionHook.hook_name,
    ) == ("notion", "notion_default", "notion_conn_id", "Notion")


@pytest.mark.e2e
def test_airflow_cli_lists_the_provider_and_adds_a_notion_connection(tmp_path: Path) -> None:
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}

    def airflow_cli(*args: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        return run.stdout

    assert "airflow-notion-provider" in airflow_cli("providers", "list")
    airflow_cli("db", "migrate")
    airflow_cli(
        "connections",
        "add",
        "notion_cli",
        "--conn-type",
        "notion",
        "--conn-password",
        "ntn_cli_test_secret",
        "--conn-extra",
        '{"notion_version": "2025-09-03"}',
    )
    (conn,) = json.loads(airflow_cli("connections", "get", "notion_cli", "-o", "json"))
    assert conn["conn_type"] == "notion"
    assert conn["extra_dejson"] == {"notion_version": "2025-09-03"}
