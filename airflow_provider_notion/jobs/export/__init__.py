"""Notion data exported to files and object storage."""
