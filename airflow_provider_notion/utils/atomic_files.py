"""Files and objects that appear complete or not at all.

Every file the provider writes (``output_path`` of the list/query operators, the exports of
:mod:`airflow_provider_notion.transfers.notion_to_object_storage`) goes through :func:`atomic_open`:

- the data is written to a temporary file (or object) **beside** the target, named
  ``.<name>.<random>.tmp``, so a reader of the target never sees a half-written file;
- on success the temporary is moved over the target in one step: locally ``fsync`` then ``os.replace`` (atomic
  on POSIX within one folder, which is why the temporary lives in the target's folder) and an ``fsync`` of the
  folder so the rename survives a crash; on object storage a server-side move (``fs.mv``: a copy and a delete
  on S3/GCS, where a single PUT of the final key is what readers see);
- on any failure (an exception, a cancelled task) the temporary is removed and the previous target, if any, is
  left exactly as it was. A process killed with SIGKILL cannot clean up: it may leave a ``.<name>.*.tmp``
  beside the target, never a partial target.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

log = logging.getLogger(__name__)

WriteMode = Literal["w", "wb"]
TEMP_SUFFIX = ".tmp"


def temporary_name(target_name: str) -> str:
    """The hidden name of a temporary beside ``target_name`` (random, so concurrent writers never share one)."""
    return f".{target_name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"


@contextmanager
def atomic_open(target: Any, mode: WriteMode = "w") -> Iterator[IO[Any]]:
    """Open a handle whose content replaces ``target`` only when the ``with`` block ends without an error.

    :param target: a ``pathlib.Path`` or an ``ObjectStoragePath`` (anything with ``open``, ``parent`` and
        ``name``; a ``str`` is taken as a local path).
    :param mode: ``"w"`` (UTF-8 text, ``\\n`` line ends) or ``"wb"``.
    """
    if isinstance(target, str | os.PathLike) and not hasattr(target, "fs"):
        target = Path(target)
    if isinstance(target, Path):
        with _atomic_local(target, mode) as handle:
            yield handle
    else:
        with _atomic_object(target, mode) as handle:
            yield handle


def atomic_write_bytes(target: Any, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_open`)."""
    with atomic_open(target, "wb") as handle:
        handle.write(data)


@contextmanager
def _atomic_local(target: Path, mode: WriteMode) -> Iterator[IO[Any]]:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / temporary_name(target.name)
    # O_EXCL: never write through a file or symlink someone else put at the temporary name.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    handle: IO[Any] = (
        os.fdopen(fd, mode) if mode == "wb" else os.fdopen(fd, mode, encoding="utf-8", newline="")
    )
    try:
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):  # best effort: the original error is what matters
            temp.unlink()
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after could otherwise bring back the old entry)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on folders; the rename itself is still atomic
        pass
    finally:
        os.close(fd)


@contextmanager
def _atomic_object(target: Any, mode: WriteMode) -> Iterator[IO[Any]]:
    parent = target.parent
    with contextlib.suppress(Exception):  # object stores have no folders; local file:// needs one
        parent.mkdir(parents=True, exist_ok=True)
    temp = parent / temporary_name(target.name)
    try:
        handle = temp.open(mode) if mode == "wb" else temp.open(mode, encoding="utf-8", newline="")
        try:
            yield handle
        finally:
            handle.close()
        temp.fs.mv(temp.path, target.path)
    except BaseException:
        with contextlib.suppress(Exception):
            if temp.exists():
                temp.unlink()
        raise
