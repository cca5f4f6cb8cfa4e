"""A client that hangs up mid-request is routine for the emulator (cancelled triggers, client timeouts)."""

from __future__ import annotations

import socket
import struct
import time

import pytest
from notion_emulator import NotionEmulator


def test_a_reset_connection_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with NotionEmulator() as emu:
        host, port = emu.base_url.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)))
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST
        client.send(b"GET /v1/users/me HTTP/1.1\r\n")
        client.close()
        time.sleep(0.3)
        assert emu.state.counts()["users"] >= 1  # still serving
    assert "Traceback" not in capsys.readouterr().err
