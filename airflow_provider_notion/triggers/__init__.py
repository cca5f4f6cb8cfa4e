"""Notion triggers."""
