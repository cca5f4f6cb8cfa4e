"""Hypothesis settings of every property-based test, as one profile loaded by tests/conftest.py.

``make unit`` runs a fixed set of examples (derandomized: the same inputs every run, so a failure reproduces and
the suite never fails by luck), ``EXAMPLES`` per test unless a test asks for another count. No deadline: work is
bounded by counts where it matters, never by the wall clock of a loaded machine. ``HYPOTHESIS_EXAMPLES=2000
pytest tests/...`` explores with that many fresh random inputs per test, to look for the next defect.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = 100
_explore = int(os.environ.get("HYPOTHESIS_EXAMPLES") or 0)

settings.register_profile(
    "airflow-notion",
    max_examples=_explore or EXAMPLES,
    derandomize=not _explore,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("airflow-notion")
