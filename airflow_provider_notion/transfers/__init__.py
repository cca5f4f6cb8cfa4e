"""Transfers from Notion to other systems."""
