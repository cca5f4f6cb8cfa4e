"""The pacing package has no import cycle: the bucket below both backends, the backend choice above them."""

from __future__ import annotations

from tests.architecture.test_layers import NAME, cycles, import_graph

PACING = f"{NAME}.client.pacing"


def test_no_cycle_runs_through_pacing_or_the_refresh_lock() -> None:
    graph = import_graph()
    assert [
        c for c in cycles(graph) if any(m.startswith(PACING) or m.endswith("refresh_lock") for m in c)
    ] == []


def test_the_bucket_module_imports_neither_backend_nor_the_choice() -> None:
    graph = import_graph()
    assert not {f"{PACING}.buckets", f"{PACING}.redis"} & graph[f"{PACING}.token_bucket"]
    assert f"{PACING}.buckets" not in graph[f"{PACING}.redis"]
    assert not any(module.startswith(f"{NAME}.oauth") for module in graph[f"{PACING}.redis"])
