"""``reset()`` puts the emulator back as it was built, so one test's settings never leak into the next."""

from __future__ import annotations

from notion_emulator import NotionEmulator


def test_reset_restores_the_query_cap_and_the_upload_limit() -> None:
    with NotionEmulator(query_cap=500, max_file_upload_bytes=1_000_000) as emu:
        emu.set_query_cap(7)
        emu.set_max_file_upload_bytes(10)
        emu.reset()
        assert (emu.config.query_cap, emu.config.max_file_upload_bytes) == (500, 1_000_000)
