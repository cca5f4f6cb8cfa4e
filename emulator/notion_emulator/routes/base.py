"""The route table type. Each resource module exposes ``ROUTES``; ``routes/__init__`` concatenates them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from notion_emulator.context import RequestContext

Handler = Callable[[RequestContext], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/v1/pages/{page_id}"
    handler: Handler
    # False for endpoints that authenticate differently (OAuth token exchange uses HTTP Basic).
    auth: bool = True
    # False for endpoints that do not need a Notion-Version header.
    versioned: bool = True
    regex: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "regex", re.compile(f"^{pattern}/?$"))


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self._routes = routes

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None
