"""Benchmarks of airflow-notion-provider, run with ``make bench`` (``python -m benchmarks``).

Each ``bench_*`` module has a ``main()`` that prints its results and returns summary lines. Figures are ratios
against a baseline measured in the same run, never absolute timings asserted in tests.
"""

from __future__ import annotations

import os
import tempfile

# Before Airflow is imported anywhere: keep the developer's ~/airflow out of the benchmarks.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-notion-bench-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
