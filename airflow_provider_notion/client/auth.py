"""Where the bearer token comes from, so the hook does not care whether it is static or refreshed."""

from __future__ import annotations

from typing import Protocol


class TokenProvider(Protocol):
    """Supplies the bearer token and, where possible, a fresh one after a 401."""

    def current_token(self) -> str:
        """The token to send now."""
        ...

    def refresh(self, rejected_token: str) -> str | None:
        """A new token after ``rejected_token`` got 401, or ``None`` when no refresh is possible."""
        ...


class StaticTokenProvider:
    """An Internal Integration Secret: it never changes, so a 401 is final."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "StaticTokenProvider(<secret>)"

    def current_token(self) -> str:
        return self._token

    def refresh(self, rejected_token: str) -> str | None:
        return None
