"""Deprecation warnings of names kept one release for compatibility (listed in CHANGELOG under "Deprecated")."""

from __future__ import annotations

import warnings


def warn_deprecated(old: str, replacement: str, *, since: str = "0.3.0") -> None:
    """Warn the caller's caller that ``old`` is deprecated and what to call instead."""
    warnings.warn(f"{old} is deprecated since {since}; use {replacement}", DeprecationWarning, stacklevel=3)
