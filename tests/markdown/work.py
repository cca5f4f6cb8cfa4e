"""Counting the converter's work instead of timing it: deterministic, so growth can be bounded in tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import airflow_provider_notion.markdown as markdown_package

PACKAGE_DIR = str(Path(markdown_package.__file__).parent)


class TooMuchWork(Exception):
    pass


def lines_executed(function: Callable[[], Any], cap: int) -> int:
    """Python lines run inside ``airflow_provider_notion/markdown`` while ``function`` runs (stops past ``cap``)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
            if count > cap:
                raise TooMuchWork
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE_DIR) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        function()
    finally:
        sys.settrace(previous)
    return count
