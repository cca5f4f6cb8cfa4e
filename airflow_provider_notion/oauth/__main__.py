"""``python -m airflow_provider_notion.oauth``: see :mod:`airflow_provider_notion.oauth.cli`."""

from __future__ import annotations

import sys

from airflow_provider_notion.oauth.cli import main

if __name__ == "__main__":
    sys.exit(main())
