"""Row queries (``/databases/{id}/query`` in 2022-06-28, ``/data_sources/{id}/query`` later), with the
10,000-row cap and a small cache of ordered results so paging through a big query does not re-sort."""

from __future__ import annotations

from typing import Any

from notion_emulator.computed import refresh_data_source as refresh_computed_values
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.pagination import AnchoredListing, fingerprint, page_size_from
from notion_emulator.records import DataSourceRecord
from notion_emulator.routes.common import filter_properties
from notion_emulator.serialize import list_json, page_json
from notion_emulator.state import _QUERY_CACHE_SIZE
from notion_emulator.util import utcnow


def run_query(ctx: RequestContext, ds: DataSourceRecord, list_type: str) -> dict[str, Any]:
    # Imported here so the package stays importable while the query module is developed separately.
    from notion_emulator import query as query_model

    ctx.require("read_content")
    body = ctx.body
    filt = body.get("filter")
    sorts = body.get("sorts")
    if filt is not None and not isinstance(filt, dict):
        raise EmulatorValidationError(
            f"body failed validation: body.filter should be an object, instead was `{filt}`."
        )
    if sorts is not None and not isinstance(sorts, list):
        raise EmulatorValidationError(
            f"body failed validation: body.sorts should be an array, instead was `{sorts}`."
        )
    size = page_size_from(body.get("page_size"), where="body")
    listing = fingerprint("query", ds.id, filt, sorts)
    only = filter_properties(ctx)
    state = ctx.state
    with state.lock:
        now = utcnow()
        refresh_computed_values(state, ds, now)  # formulas and rollups; bumps ds.revision on change
        # Relative date filters (past_week …) depend on the clock, hence the minute in the key.
        key = (ds.id, ds.revision, listing, now.strftime("%Y%m%d%H%M"))
        listing_index = state.query_cache.get(key)
        if listing_index is None:
            query_model.validate_filter(filt, ds.schema)
            query_model.validate_sorts(sorts, ds.schema)
            # Trashed rows keep their place in the ordering so a cursor naming one still finds where it was
            # (trashing bumps the revision, so the cached liveness is current).
            rows = [page.row for page in ds.rows.values()]
            ids = [row["id"] for row in query_model.filter_and_sort(rows, filt, sorts, ds.schema, now=now)]
            listing_index = AnchoredListing(ids, lambda pid: not ds.rows[pid].in_trash)
            state.query_cache[key] = listing_index
            while len(state.query_cache) > _QUERY_CACHE_SIZE:
                state.query_cache.popitem(last=False)
        else:
            state.query_cache.move_to_end(key)
        window, cursor, capped = listing_index.page(body.get("start_cursor"), size, cap=ctx.config.query_cap)
        results = [page_json(state, ds.rows[pid], ctx.version, only_properties=only) for pid in window]
    response = list_json(results, list_type, cursor)
    if capped:
        response["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    return response
