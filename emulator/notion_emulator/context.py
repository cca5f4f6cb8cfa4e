"""What a route handler receives: the parsed request, the caller's integration and helpers for the checks
every Notion endpoint makes (capabilities, sharing, id validation, version-specific body keys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.records import Integration
from notion_emulator.util import drops_archived, is_v1, normalize_id

if TYPE_CHECKING:
    from notion_emulator.state import EmulatorState


@dataclass
class EmulatorConfig:
    query_cap: int = 10_000
    # Reported as bot.workspace_limits.max_file_upload_size_in_bytes and enforced on file uploads.
    max_file_upload_bytes: int = 5_242_880


@dataclass
class RequestContext:
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any]
    version: str
    state: EmulatorState
    config: EmulatorConfig
    integration: Integration | None = None
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # The undecoded body, for endpoints that do not take JSON (file upload send: multipart/form-data).
    raw_body: bytes = b""

    @property
    def v1(self) -> bool:
        return is_v1(self.version)

    @property
    def bot(self) -> Integration:
        if self.integration is None:  # routes registered with auth=False never call this
            raise NotionEmulatorError(401, "unauthorized", "API token is invalid.")
        return self.integration

    def require(self, capability: str) -> None:
        if capability not in self.bot.capabilities:
            raise NotionEmulatorError(
                403, "restricted_resource", "Insufficient permissions for this endpoint."
            )

    def path_id(self, name: str) -> str:
        raw = self.params[name]
        normalized = normalize_id(raw)
        if normalized is None:
            raise EmulatorValidationError(
                f'path failed validation: path.{name} should be a valid uuid, instead was `"{raw}"`.'
            )
        return normalized

    def not_found(self, kind: str, object_id: str) -> NotionEmulatorError:
        return NotionEmulatorError(
            404,
            "object_not_found",
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases are shared "
            f'with your integration "{self.bot.name}".',
            {"integration_id": self.bot.id},
        )

    def visible(self, object_id: str) -> bool:
        return self.state.is_visible(self.bot, object_id)

    def trash_flag(self) -> bool | None:
        """The requested ``in_trash``/``archived`` value of a PATCH body (``archived`` is gone in 2026-03-11)."""
        if "archived" in self.body and drops_archived(self.version):
            raise EmulatorValidationError(
                "body failed validation: body.archived should be not present, instead was "
                f"`{_js(self.body['archived'])}`. Use in_trash instead."
            )
        for key in ("in_trash", "archived"):
            if key in self.body:
                value = self.body[key]
                if not isinstance(value, bool):
                    raise EmulatorValidationError(
                        f"body failed validation: body.{key} should be a boolean, instead was `{_js(value)}`."
                    )
                return value
        return None


def _js(value: Any) -> str:
    import json

    return json.dumps(value)
