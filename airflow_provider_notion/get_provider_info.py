"""Provider metadata read by Airflow's ProvidersManager (entry point ``apache_airflow_provider``)."""

from __future__ import annotations

from typing import Any

from airflow_provider_notion import __version__
from airflow_provider_notion.rules.versions import DEFAULT_NOTION_VERSION, SUPPORTED_NOTION_VERSIONS

INTEGRATION = "Notion"

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["schema", "port"],
    "relabeling": {
        "password": "Integration secret (internal) / OAuth client secret",
        "login": "OAuth client id (OAuth only)",
        "host": "Base URL (optional, e.g. a local emulator)",
    },
    "placeholders": {
        "password": "ntn_...",
        "host": "https://api.notion.com",
        "login": "OAuth client id; leave empty for an internal integration",
    },
}

CONN_FIELDS: dict[str, Any] = {
    "auth_type": {
        "label": "Auth type",
        "description": "internal: Internal Integration Secret in the password field; oauth: OAuth 2.0.",
        "schema": {"type": ["string", "null"], "enum": ["internal", "oauth"], "default": "internal"},
    },
    "notion_version": {
        "label": "Notion-Version",
        "description": "API version sent with every request; operators may override it.",
        "schema": {
            "type": ["string", "null"],
            "enum": list(SUPPORTED_NOTION_VERSIONS),
            "default": DEFAULT_NOTION_VERSION,
        },
    },
    "access_token": {
        "label": "OAuth access token",
        "description": "OAuth only: the access token from the token exchange.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "refresh_token": {
        "label": "OAuth refresh token",
        "description": "OAuth only: lets the hook refresh an expired access token.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "oauth_store": {
        "label": "OAuth token store",
        "description": (
            "OAuth only: where rotated tokens are kept. Empty or 'variable': the Airflow Variable "
            "notion_oauth_token__<conn_id>; 'memory'; or the name of a TokenStore registered in the entry point "
            "group airflow_provider_notion.oauth_stores (see docs/oauth.md)."
        ),
        "schema": {"type": ["string", "null"]},
    },
}

#: The ``[notion]`` section of airflow.cfg, as Airflow's ``config`` provider info declares it: ``airflow config
#: get-value notion <option>`` and ``airflow config list`` know every option the provider reads
#: (``tests/test_provider_config.py`` checks that each ``conf.get("notion", ...)`` in the package is here).
CONFIG: dict[str, Any] = {
    "notion": {
        "description": "Options of the Notion provider (airflow-notion-provider).",
        "options": {
            "pacing_backend": {
                "description": (
                    "Where the client-side pacing bucket (3 requests/s per integration token) and the OAuth "
                    "refresh lock live. 'local': one bucket per machine, shared by its processes; 'off': no "
                    "client-side pacing; a redis://, rediss:// or unix:// URL: one bucket for every host of the "
                    "deployment (install the provider's [redis] extra). Set it on every worker and the "
                    "triggerer. A connection's pacing_backend extra overrides it. See docs/deployment.md."
                ),
                "version_added": "0.2.0",
                "type": "string",
                # The URL may hold a Redis password: Airflow masks it in `airflow config list` and the UI.
                "sensitive": True,
                "example": "redis://redis.internal:6379/2",
                "default": "local",
            },
        },
    },
}


def get_provider_info() -> dict[str, Any]:
    """Describe the provider: integrations, hooks, operators, sensors, triggers, links, connection type."""
    return {
        "package-name": "airflow-notion-provider",
        "name": "Notion",
        "description": "Notion (https://developers.notion.com/) hook, operators, sensor and trigger.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": INTEGRATION,
                "external-doc-url": "https://developers.notion.com/reference/intro",
                "tags": ["service"],
            }
        ],
        "hooks": [
            {"integration-name": INTEGRATION, "python-modules": ["airflow_provider_notion.hooks.notion"]}
        ],
        "operators": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    "airflow_provider_notion.operators.users",
                    "airflow_provider_notion.operators.databases",
                    "airflow_provider_notion.operators.pages",
                    "airflow_provider_notion.operators.search",
                    "airflow_provider_notion.operators.raw_request",
                    "airflow_provider_notion.operators.sync",
                    "airflow_provider_notion.operators.blocks",
                    "airflow_provider_notion.operators.comments",
                    "airflow_provider_notion.operators.file_uploads",
                ],
            }
        ],
        "transfers": [
            {
                "source-integration-name": "Common SQL",
                "target-integration-name": INTEGRATION,
                "python-module": "airflow_provider_notion.transfers.sql_to_notion",
            },
            {
                "source-integration-name": INTEGRATION,
                "target-integration-name": "Object Storage",
                "python-module": "airflow_provider_notion.transfers.notion_to_object_storage",
            },
        ],
        "sensors": [
            {"integration-name": INTEGRATION, "python-modules": ["airflow_provider_notion.sensors.notion"]}
        ],
        "triggers": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    "airflow_provider_notion.triggers.notion",
                    "airflow_provider_notion.triggers.change",
                ],
            }
        ],
        "asset-uris": [
            {
                "schemes": ["notion"],
                "handler": "airflow_provider_notion.assets.sanitize_uri",
                "factory": "airflow_provider_notion.assets.create_asset",
                "to_openlineage_converter": "airflow_provider_notion.assets.convert_asset_to_openlineage",
            }
        ],
        # Airflow 2 reads the same registration under its older name.
        "dataset-uris": [
            {
                "schemes": ["notion"],
                "handler": "airflow_provider_notion.assets.sanitize_uri",
                "factory": "airflow_provider_notion.assets.create_asset",
                "to_openlineage_converter": "airflow_provider_notion.assets.convert_asset_to_openlineage",
            }
        ],
        "notifications": ["airflow_provider_notion.notifications.notion.NotionNotifier"],
        "extra-links": ["airflow_provider_notion.links.notion.NotionLink"],
        "config": CONFIG,
        "connection-types": [
            {
                "hook-class-name": "airflow_provider_notion.hooks.notion.NotionHook",
                "connection-type": "notion",
                "hook-name": "Notion",
                "conn-fields": CONN_FIELDS,
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
            }
        ],
    }
