"""A local Notion API emulator (independent of the rest of ``airflow_provider_notion``).

    from airflow_provider_notion.emulator import NotionEmulator

    with NotionEmulator(seed="demo") as emu:
        requests.get(f"{emu.base_url}/v1/users/me",
                     headers={"Authorization": f"Bearer {emu.token}", "Notion-Version": "2026-03-11"})

See ``seed`` for the seed file format and ``admin`` for the ``/_emulator`` HTTP API.
"""

from __future__ import annotations

from airflow_provider_notion.emulator.errors import EmulatorValidationError, NotionEmulatorError
from airflow_provider_notion.emulator.faults import Fault
from airflow_provider_notion.emulator.ratelimit import RateLimit
from airflow_provider_notion.emulator.server import NotionEmulator

__all__ = ["EmulatorValidationError", "Fault", "NotionEmulator", "NotionEmulatorError", "RateLimit"]
