"""OAuth 2.0 for public Notion integrations: getting tokens, refreshing them with rotation, storing them.

Command line: ``python -m airflow_provider_notion.oauth authorize-url|exchange --help``. Nothing heavy is imported
here; import the submodules directly: ``client`` (HTTP calls), ``bootstrap`` and ``redirect`` (the CLI's exchange and
state check), ``store`` and ``store_registry`` (token stores, chosen only among registered ones), ``provider``
(refresh with rotation), ``refresh_lock`` (one refresh per connection per host), ``connection_test`` (Test
Connection without refreshing).
"""
