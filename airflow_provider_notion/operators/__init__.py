"""Notion operators."""
