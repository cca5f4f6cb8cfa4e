"""Values and helpers shared by the tests (imported by tests; conftest.py only holds fixtures)."""

from __future__ import annotations

# Distinctive, so a leak into a log, an error or an XCom is unmistakable.
CANARY_SECRET = "ntn_CANARY_8f3e2b1a9c7d_do_not_log"
