"""Private per-user folders for the provider's small state files (pacing buckets, OAuth lock files).

Files other processes of the same user must find (a machine-wide pacing bucket, a refresh lock) cannot live at a
guessable name in a shared temp folder: another local user could create the folder first, plant a symlink to one
of our files, write absurd values or hold a lock forever. So a state folder is used only if it is a real directory
(not a symlink) owned by the current user that no one else may write to; we create it with mode 0700.

Where it lives: ``$AIRFLOW_NOTION_<NAME>_DIR`` when set (e.g. ``AIRFLOW_NOTION_PACING_DIR`` for
``private_state_dir("pacing")``), else ``$AIRFLOW_HOME/notion-provider/<name>`` when ``AIRFLOW_HOME`` is set (every
process of one Airflow deployment sees the same one), else ``$XDG_RUNTIME_DIR/airflow-notion-provider/<name>``,
else ``~/.cache/airflow-notion-provider/<name>``.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_APP = "airflow-notion-provider"


class UnsafeStateDirError(OSError):
    """A state folder exists but another user could tamper with it (or it is not a folder at all)."""


def override_variable(name: str) -> str:
    """The environment variable that sets the folder for ``name``: ``AIRFLOW_NOTION_<NAME>_DIR``."""
    return f"AIRFLOW_NOTION_{name.upper().replace('-', '_')}_DIR"


def default_state_dir(name: str) -> Path:
    """Where ``private_state_dir(name)`` puts its folder (the override, else the per-user default)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"state folder name {name!r} must be lower-case letters, digits, '-' or '_'")
    configured = os.environ.get(override_variable(name))
    if configured:
        return Path(configured)
    airflow_home = os.environ.get("AIRFLOW_HOME")
    if airflow_home:
        return Path(airflow_home) / "notion-provider" / name
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and _is_private_dir(Path(runtime)):
        return Path(runtime) / _APP / name
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / _APP / name


def private_state_dir(name: str) -> Path:
    """The private folder for state ``name`` (e.g. ``"pacing"``), created 0700 if missing.

    :raises UnsafeStateDirError: the folder exists but is a symlink, not a directory, not ours, or writable by
        group or others. Callers fall back to something that needs no shared file; they never fail a task.
    :raises OSError: the folder cannot be created.
    """
    return ensure_private_dir(default_state_dir(name))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700, parents as needed) or check that the existing one is safe to use."""
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


def _is_private_dir(path: Path) -> bool:
    try:
        return not _problem(path)
    except OSError:
        return False


def _problem(path: Path) -> str:
    """Why ``path`` must not hold our state, or "" if it may."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if info.st_uid != os.geteuid():
        return f"it belongs to uid {info.st_uid}, not to this user (uid {os.geteuid()})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"group or others may write to it (mode {stat.S_IMODE(info.st_mode):o}; 0700 expected)"
    return ""
