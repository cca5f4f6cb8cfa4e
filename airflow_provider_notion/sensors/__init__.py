"""Notion sensors."""
