"""OAuth 2.0 for public Notion integrations: getting tokens, refreshing them with rotation, storing them.

Command line: ``python -m airflow_provider_notion.oauth authorize-url|exchange --help``. Nothing heavy is imported
here; import the submodules (``client``, ``bootstrap``, ``store``, ``provider``) directly.
"""
