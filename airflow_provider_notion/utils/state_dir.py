"""Private per-user folders for state shared between this user's processes (pacing buckets, OAuth refresh locks).

Files other processes of the same user must find (a machine-wide pacing bucket, a refresh lock) cannot live at a
guessable name in a shared temp folder: another local user could create the folder first, plant a symlink to one
of our files, write absurd values or hold a lock forever. So a folder is used only if it is a real directory
(not a symlink) owned by the current user with no group or other write permission; it is created ``0700``.

Location of ``private_state_dir(name)``:

- ``$AIRFLOW_NOTION_<NAME>_DIR`` when set (e.g. ``AIRFLOW_NOTION_PACING_DIR`` for ``"pacing"``), checked the same way;
- else ``$XDG_RUNTIME_DIR/airflow-notion-provider/<name>`` when the session has a runtime folder of this user
  (a per-user tmpfs);
- else ``$XDG_CACHE_HOME`` (default ``~/.cache``) ``/airflow-notion-provider/<name>``.

Processes that share state must agree on the folder: set the override when they run with different environments
(a worker started from a login shell has ``XDG_RUNTIME_DIR``, a service usually has not).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from airflow_provider_notion.exceptions import UnsafeStateDirError

APP_FOLDER = "airflow-notion-provider"
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def override_variable(name: str) -> str:
    """The environment variable that sets the folder for ``name``: ``AIRFLOW_NOTION_<NAME>_DIR``."""
    return f"AIRFLOW_NOTION_{name.upper().replace('-', '_')}_DIR"


def _base() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    # Only this user's own runtime folder (``sudo -u`` can leave another user's in the environment).
    if (
        runtime
        and Path(runtime).is_absolute()
        and Path(runtime).is_dir()
        and Path(runtime).stat().st_uid == os.getuid()
    ):
        return Path(runtime) / APP_FOLDER
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return root / APP_FOLDER


def default_state_dir(name: str) -> Path:
    """Where ``private_state_dir(name)`` puts its folder (without creating or checking it)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a plain folder name (lower-case letters, digits, '-', '_'): {name!r}")
    configured = os.environ.get(override_variable(name), "").strip()
    if configured:
        return Path(configured)
    return _base() / name


def private_state_dir(name: str) -> Path:
    """The private folder for state ``name`` (e.g. ``"pacing"``, ``"oauth"``), created ``0700`` if missing.

    :raises UnsafeStateDirError: the folder (or the provider's folder above it) exists but is a symlink, not a
        directory, not this user's, or writable by group or others. Callers fall back to something that needs
        no shared file; they never fail a task for it.
    :raises OSError: the folder cannot be created.
    """
    folder = default_state_dir(name)
    if folder.parent.name == APP_FOLDER and not os.environ.get(override_variable(name), "").strip():
        folder.parent.parent.mkdir(parents=True, exist_ok=True)
        ensure_private_dir(folder.parent)
    return ensure_private_dir(folder)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700; missing parents too) or check that the existing one is safe to use."""
    if not os.path.lexists(path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(
            FileExistsError
        ):  # another process made it first: checked below all the same
            os.mkdir(path, 0o700)
    problem = _problem(path)
    if problem:
        raise UnsafeStateDirError(f"state folder {path} is not safe to use: {problem}")
    return path


def _problem(path: Path) -> str:
    """Why ``path`` must not hold our state, or "" if it may."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):  # lstat: a symlink is not a directory here
        return "it is not a directory (a symlink or file is in its place)"
    if info.st_uid != os.getuid():
        return f"it is owned by another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (
            f"it is writable by its group or other users (mode {stat.S_IMODE(info.st_mode):o}; 0700 expected)"
        )
    return ""
