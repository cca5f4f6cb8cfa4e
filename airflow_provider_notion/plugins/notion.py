"""``NotionWebhooksPlugin``: the webhook receiver and its deliveries page, inside Airflow's API server.

Registered through the ``airflow.plugins`` entry point (pyproject.toml). On Airflow 3.1+ the API server mounts
the app under ``/notion`` and the UI links the deliveries page; on older Airflow (or without FastAPI) the plugin
loads empty.
"""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/notion"


def _fastapi_apps() -> list[dict[str, Any]]:
    try:
        from airflow_provider_notion.plugins.webhooks.app import create_app

        app = create_app()
    except ImportError:  # Airflow 2: no FastAPI, or no API server to mount it in
        return []
    return [{"app": app, "url_prefix": URL_PREFIX, "name": "Notion webhooks"}]


class NotionWebhooksPlugin(AirflowPlugin):
    """Serves ``POST /notion/webhooks/<conn_id>`` and the "Notion webhooks" deliveries page."""

    name = "notion_webhooks"
    fastapi_apps = _fastapi_apps()
    external_views = [
        {
            "name": "Notion webhooks",
            "href": f"{URL_PREFIX}/deliveries",
            "destination": "nav",
            "category": "browse",
            "url_route": "notion-webhooks",
        }
    ]
