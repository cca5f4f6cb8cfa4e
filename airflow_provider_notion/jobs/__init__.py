"""Jobs: multi-request work (upsert, sync, export, page content, lookups) that takes a ``NotionHook`` as an
argument. The hook never imports this layer; operators, sensors and transfers call it."""
