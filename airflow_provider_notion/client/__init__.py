"""The request core: every request to Notion (hook, trigger, OAuth) is built, judged and parsed here.

- :mod:`.request`: path normalisation and checks, headers, the JSON body (all before anything is sent).
- :mod:`.base`: :class:`~.base.BaseClient`: prepares a :class:`~.base.Call`, parses an :class:`~.base.Answer`,
  maps errors, decides retries (with :class:`~airflow_provider_notion.client.retry.RetryPolicy`) and holds the timeouts.
- :mod:`.paging`: I/O-free pagination (cursor loop, page-size check, list objects).
- :mod:`.sync`: the ``requests`` sender and :class:`~.sync.SyncClient` (tenacity drives the retries).
- :mod:`.aio`: the ``httpx`` sender and :class:`~.aio.AsyncNotionClient` for triggers.

Only :mod:`.sync` imports ``requests`` and only :mod:`.aio` imports ``httpx``; nothing outside this package does.
See ``docs/architecture.md`` for the path of one request.
"""
