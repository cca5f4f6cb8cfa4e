"""Benchmark 4: DAG-parsing cost, the time to import the operator and sensor modules on top of ``airflow.sdk``.

    .venv/bin/python -m benchmarks.bench_import [--runs 7]

Each measurement is a fresh interpreter that imports ``airflow.sdk`` (the baseline every DAG file pays) and then
the module under test, timing both imports inside the process; the cost is the second one. Compared with the
official HTTP provider's operator module. Median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME for the child interpreters

TARGETS = {
    "airflow_provider_notion.operators.notion": ["airflow_provider_notion.operators.notion"],
    "airflow_provider_notion.sensors.notion": ["airflow_provider_notion.sensors.notion"],
    "notion operators + sensor": [
        "airflow_provider_notion.operators.notion",
        "airflow_provider_notion.sensors.notion",
    ],
    "airflow.providers.http.operators.http": ["airflow.providers.http.operators.http"],
}
BASELINE = "airflow.providers.http.operators.http"

_PROBE = """
import importlib, json, sys, time
started = time.perf_counter()
import airflow.sdk
sdk = time.perf_counter() - started
started = time.perf_counter()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps({"sdk": sdk, "target": time.perf_counter() - started}))
"""


def probe(modules: list[str]) -> dict[str, float]:
    answer = subprocess.run(
        [sys.executable, "-c", _PROBE, *modules],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    return dict(json.loads(answer.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in TARGETS}
    for _ in range(args.runs):  # interleaved, so load on the machine affects every target alike
        for name, modules in TARGETS.items():
            samples[name].append(probe(modules))
    medians = {name: statistics.median(s["target"] for s in runs) for name, runs in samples.items()}
    sdk = statistics.median(s["sdk"] for runs in samples.values() for s in runs)
    print(
        f"\n== 4. DAG-parsing cost: import on top of airflow.sdk (median of {args.runs} fresh interpreters) =="
    )
    print(f"import airflow.sdk itself: {sdk * 1000:.0f} ms")
    print(f"{'module':44} {'ms':>7} {'vs HTTP provider':>17}")
    for name, seconds in medians.items():
        print(f"{name:44} {seconds * 1000:7.1f} {seconds / medians[BASELINE]:16.2f}x")
    ours = medians["notion operators + sensor"]
    verdict = "meets" if ours <= medians[BASELINE] else "MISSES"
    return [
        f"import operators+sensor on top of airflow.sdk: {ours * 1000:.0f} ms vs HTTP provider operator "
        f"{medians[BASELINE] * 1000:.0f} ms ({ours / medians[BASELINE]:.2f}x, {verdict} the goal)"
    ]


if __name__ == "__main__":
    main()
