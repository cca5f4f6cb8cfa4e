"""Private per-user folders for state shared between this user's processes (pacing buckets, OAuth refresh locks).

A folder another local user can write to, or a symlink they planted, would let them read, swap or block the
files inside; so a folder is used only if it is a real directory owned by the current user with no group or
other write permission, and it is created ``0700``.

Location: ``$XDG_RUNTIME_DIR/airflow-notion-provider/<name>`` when the session has a runtime folder of this user
(a per-user tmpfs), else ``$XDG_CACHE_HOME`` (default ``~/.cache``) ``/airflow-notion-provider/<name>``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

APP_FOLDER = "airflow-notion-provider"


class UnsafeStateDirError(OSError):
    """A state folder exists but is not a private directory of the current user; it is not used."""


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


def _ensure_private(path: Path) -> None:
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=False)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeStateDirError(f"{path} is not a directory (a symlink or file is in its place)")
    if info.st_uid != os.getuid():
        raise UnsafeStateDirError(f"{path} is owned by another user (uid {info.st_uid})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeStateDirError(f"{path} is writable by its group or other users")


def private_state_dir(name: str) -> Path:
    """The folder ``name`` under this user's private state folder, created ``0700`` if missing.

    :raises UnsafeStateDirError: when the folder or its parent is not a directory owned by the current user
        without group/other write permission.
    """
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"not a plain folder name: {name!r}")
    base = _base()
    base.parent.mkdir(parents=True, exist_ok=True)
    _ensure_private(base)
    folder = base / name
    _ensure_private(folder)
    return folder
