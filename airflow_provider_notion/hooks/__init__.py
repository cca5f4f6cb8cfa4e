"""Notion hooks."""
