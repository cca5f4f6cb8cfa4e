"""What the lower modules of the emulator see of the state and of the server, as Protocols.

The state computes formulas and rollups through ``computed``, and ``computed`` reads the state back; the server
builds the HTTP handler, admin API and OAuth routes, and they call the server back. Typing those calls against the
classes themselves made two import circles (state <-> computed, server <-> handler). ``computed`` depends on
:class:`StateView` and the handler, admin API and OAuth helpers on :class:`EmulatorView` instead; the concrete
classes satisfy them structurally, and mypy checks that they do wherever one is passed as the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from notion_emulator.records import DatabaseRecord, DataSourceRecord, PageRecord


class StateView(Protocol):
    """The state as computed values read it: the objects, page titles and users."""

    pages: dict[str, PageRecord]
    databases: dict[str, DatabaseRecord]
    data_sources: dict[str, DataSourceRecord]

    def page_title(self, page: PageRecord) -> str: ...

    def user_map(self) -> dict[str, dict[str, Any]]: ...
