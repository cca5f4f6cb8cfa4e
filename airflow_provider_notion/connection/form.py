"""The connection form's extra fields for Airflow before 3.2 (3.2+ reads ``conn-fields`` from the provider info).

Imported only when the Airflow 2 web server builds the form: flask and wtforms are not needed anywhere else.
"""

from __future__ import annotations

from typing import Any


def connection_form_widgets() -> dict[str, Any]:
    """``NotionHook.get_connection_form_widgets``: auth type, Notion-Version, OAuth tokens and token store."""
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import PasswordField, SelectField, StringField

    from airflow_provider_notion.rules.versions import DEFAULT_NOTION_VERSION, SUPPORTED_NOTION_VERSIONS

    return {
        "auth_type": SelectField(
            lazy_gettext("Auth type"),
            choices=[("internal", "Internal Integration Secret"), ("oauth", "OAuth 2.0")],
            default="internal",
        ),
        "notion_version": SelectField(
            lazy_gettext("Notion-Version"),
            choices=[(v, v) for v in SUPPORTED_NOTION_VERSIONS],
            default=DEFAULT_NOTION_VERSION,
        ),
        "access_token": PasswordField(lazy_gettext("OAuth access token"), widget=BS3PasswordFieldWidget()),
        "refresh_token": PasswordField(lazy_gettext("OAuth refresh token"), widget=BS3PasswordFieldWidget()),
        "oauth_store": StringField(lazy_gettext("OAuth token store"), widget=BS3TextFieldWidget()),
    }
