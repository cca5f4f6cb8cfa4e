"""Notifiers: Airflow callbacks and deadline alerts written to Notion (see docs/notifications.md)."""
