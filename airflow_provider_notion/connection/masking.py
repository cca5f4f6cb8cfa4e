"""Register secrets with Airflow's masker: the one place every token, secret and rotated token goes through."""

from __future__ import annotations

from collections.abc import Iterable


def mask_secret(secret: str | None) -> None:
    """Register ``secret`` so Airflow redacts it wherever it is logged (by us, by a library, in a traceback).

    Best effort: outside an Airflow process (a plain script) there may be no masker to register with.
    """
    if not secret:
        return
    try:
        from airflow.providers.common.compat.sdk import mask_secret as airflow_mask_secret

        airflow_mask_secret(secret)
    except Exception:  # noqa: S110 - masking is best effort outside a task
        pass


def mask_secrets(secrets: Iterable[str | None]) -> None:
    """:func:`mask_secret` for each value."""
    for secret in secrets:
        mask_secret(secret)


def redact_text(text: str) -> str:
    """``text`` with every secret the process's masker knows replaced by ``***``.

    The masker is the one the task process (and the triggerer, and the DAG processor) registers connection
    passwords and tokens with: Airflow's own ``redact`` through common-compat. Outside Airflow there is nothing
    registered, and the text is returned as it is.
    """
    try:
        from airflow.providers.common.compat.sdk import redact
    except Exception:
        return text
    redacted = redact(text)
    return redacted if isinstance(redacted, str) else str(redacted)
