"""Run every benchmark and print a summary: ``python -m benchmarks [name ...]`` (``make bench``).

Names: overhead, fetch_all, rate_limit, import, triggers, sync, upload, export, distributed_pacing, change_trigger,
markdown, webhooks (default: all).
"""

from __future__ import annotations

import importlib
import platform
import subprocess
import sys
import time

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported

BENCHES = {
    "overhead": "benchmarks.bench_overhead",
    "fetch_all": "benchmarks.bench_fetch_all",
    "rate_limit": "benchmarks.bench_rate_limit",
    "import": "benchmarks.bench_import",
    "triggers": "benchmarks.bench_triggers",
    "sync": "benchmarks.bench_sync",
    "upload": "benchmarks.bench_upload",
    "export": "benchmarks.bench_export",
    "distributed_pacing": "benchmarks.bench_distributed_pacing",
    "change_trigger": "benchmarks.bench_change_trigger",
    "markdown": "benchmarks.bench_markdown",
    "webhooks": "benchmarks.bench_webhooks",
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or "?"
    from airflow import __version__ as airflow_version

    return f"{cores} cores ({cpu}), Python {platform.python_version()}, Airflow {airflow_version}"


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
        return 2
    summary: list[tuple[str, list[str]]] = []
    for name in chosen:
        started = time.perf_counter()
        module = importlib.import_module(BENCHES[name])
        result = module.main([])
        lines = [str(line) for line in result] if isinstance(result, list) else ["see its output above"]
        summary.append((f"{name} ({time.perf_counter() - started:.0f} s)", lines))
    print("\n== Summary ==")
    print(f"machine: {machine()}")
    for title, lines in summary:
        print(f"{title}:")
        for line in lines:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
