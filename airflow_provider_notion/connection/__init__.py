"""The connection layer: reading a Notion connection (settings), its UI form, masking its secrets, and the one
sentence Test Connection shows per failure. Imports only ``rules``, ``utils`` and ``exceptions``."""
