"""Notion links."""
