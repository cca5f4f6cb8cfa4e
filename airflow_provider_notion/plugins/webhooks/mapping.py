"""Which ``notion://`` assets a Notion webhook event changes."""

from __future__ import annotations

from airflow_provider_notion.assets import notion_uri
from airflow_provider_notion.rules.webhooks import WebhookEvent


def event_asset_uris(event: WebhookEvent) -> list[str]:
    """The canonical URIs an event changes, in a stable order, without repeats.

    - ``page.*``: the page, and its parent data source and database (a row changed: the table changed);
    - ``data_source.*``: the data source and its parent database; ``database.*``: the database;
    - ``comment.*``: the page the comment is on (``data.page_id``, else a page parent);
    - anything else (blocks, file uploads, views): nothing.
    """
    family = event.family
    uris: list[str] = []
    if family == "page" and event.entity_type == "page":
        uris.append(notion_uri("page", event.entity_id))
        if event.parent.data_source_id:
            uris.append(notion_uri("data_source", event.parent.data_source_id))
        if event.parent.database_id:
            uris.append(notion_uri("database", event.parent.database_id))
    elif family == "data_source" and event.entity_type == "data_source":
        uris.append(notion_uri("data_source", event.entity_id))
        if event.parent.database_id:
            uris.append(notion_uri("database", event.parent.database_id))
    elif family == "database" and event.entity_type == "database":
        uris.append(notion_uri("database", event.entity_id))
    elif family == "comment":
        page_id = event.page_id or event.parent.page_id
        if page_id:
            uris.append(notion_uri("page", page_id))
    return list(dict.fromkeys(uris))
