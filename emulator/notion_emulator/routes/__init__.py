"""One module per resource; add new ones (OAuth, file uploads …) to ``ALL_ROUTES``."""

from __future__ import annotations

from notion_emulator.routes import (
    blocks,
    catalog,
    comments,
    data_sources,
    databases,
    file_uploads,
    oauth,
    page_move,
    pages,
    search,
    users,
)
from notion_emulator.routes.base import Route, Router

ALL_ROUTES: list[Route] = [
    *users.ROUTES,
    *databases.ROUTES,
    *data_sources.ROUTES,
    *pages.ROUTES,
    *blocks.ROUTES,
    *search.ROUTES,
    *oauth.ROUTES,
    *file_uploads.ROUTES,
    *page_move.ROUTES,
    *catalog.ROUTES,
    *comments.ROUTES,
]

__all__ = ["ALL_ROUTES", "Route", "Router"]
