"""A local Notion API emulator: the test double of ``airflow-notion-provider``, its own distribution
(``notion-emulator``, standard library only), released in step with the provider.

    from notion_emulator import NotionEmulator

    with NotionEmulator(seed="demo") as emu:
        requests.get(f"{emu.base_url}/v1/users/me",
                     headers={"Authorization": f"Bearer {emu.token}", "Notion-Version": "2026-03-11"})

See ``seed`` for the seed file format and ``admin`` for the ``/_emulator`` HTTP API.
"""

from __future__ import annotations

__version__ = "0.3.0"

from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.faults import Fault
from notion_emulator.ratelimit import RateLimit
from notion_emulator.server import NotionEmulator

__all__ = [
    "EmulatorValidationError",
    "Fault",
    "NotionEmulator",
    "NotionEmulatorError",
    "RateLimit",
    "__version__",
]
