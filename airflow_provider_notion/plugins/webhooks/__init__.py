"""The Notion webhook receiver served by Airflow's API server under ``/notion`` (docs/webhooks.md).

- :mod:`.mapping`: a Notion event -> the ``notion://`` asset URIs it changes;
- :mod:`.token_store`: the subscription's verification token (a masked Airflow Variable per connection);
- :mod:`.deliveries`: the delivery record (one row per event id) and the recording of asset events;
- :mod:`.recent`: the in-memory list of this process's latest outcomes (rejected and duplicates included);
- :mod:`.app`: the FastAPI app (the webhook route and the deliveries page).
"""
