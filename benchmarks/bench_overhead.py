"""Benchmark 1: per-request overhead of NotionHook against a bare ``requests.Session`` and notion-client.

    .venv/bin/python -m benchmarks.bench_overhead [--calls 300] [--rounds 7]

The emulator runs in its own process on loopback. Three clients make the same calls, in alternating rounds so
drift affects them alike: a bare keep-alive ``requests.Session`` (status check + JSON parse, nothing else), the
hook (retries, error mapping, path checks, JSON parse; client-side pacing off, as it only waits) and the
official SDK ``notion-client`` (httpx). Reported: median time per call over rounds, hook / bare and hook / SDK.

Goals: the hook's sync sender (``airflow_provider_notion.client.sync``) is faster than a bare session (it reads
proxies and the CA bundle once per session instead of on every call) and within 1.2x of notion-client.

Calls per action: every operator runs once against the emulator (with a minimal task context) and the
requests the emulator received are counted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

NOTION_VERSION = "2026-03-11"
GOAL_VS_BARE = 1.0
GOAL_VS_SDK = 1.2


def per_call(fn: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


def measure_overhead(emu: EmulatorProcess, calls: int, rounds: int) -> dict[str, dict[str, float]]:
    import notion_client
    import requests

    from airflow_provider_notion.hooks.notion import NotionHook

    source = emu.databases["small"]["data_source_id"]
    session = requests.Session()
    headers = {"Authorization": f"Bearer {emu.token}", "Notion-Version": NOTION_VERSION}
    me_url = f"{emu.base_url}/v1/users/me"
    query_url = f"{emu.base_url}/v1/data_sources/{source}/query"

    def bare_get() -> Any:
        answer = session.get(me_url, headers=headers, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def bare_query() -> Any:
        answer = session.post(query_url, headers=headers, json={"page_size": 10}, timeout=30)
        answer.raise_for_status()
        return answer.json()

    hook = NotionHook(requests_per_second=None)
    sdk = notion_client.Client(auth=emu.token, base_url=emu.base_url, notion_version=NOTION_VERSION)
    clients: dict[str, dict[str, Callable[[], Any]]] = {
        "bare requests.Session": {"GET /users/me": bare_get, "query (10 rows)": bare_query},
        "NotionHook": {
            "GET /users/me": hook.get_current_user,
            "query (10 rows)": lambda: hook.query_database(data_source_id=source, page_size=10),
        },
        "notion-client (SDK)": {
            "GET /users/me": sdk.users.me,
            "query (10 rows)": lambda: sdk.data_sources.query(data_source_id=source, page_size=10),
        },
    }
    for calls_of in clients.values():  # warm up connections and caches
        for fn in calls_of.values():
            per_call(fn, 20)
    samples: dict[str, dict[str, list[float]]] = {c: {a: [] for a in clients[c]} for c in clients}
    names = list(clients)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for client in order:
            for action, fn in clients[client].items():
                samples[client][action].append(per_call(fn, calls))
    return {c: {a: statistics.median(v) for a, v in by_action.items()} for c, by_action in samples.items()}


class _TaskInstance:
    def __init__(self) -> None:
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value


def calls_per_action(emu: EmulatorProcess) -> list[tuple[str, int]]:
    """Requests each operator sends for its job (fresh hook each, as in a task)."""
    from airflow_provider_notion.operators import notion as ops

    root = emu.info["root_page_id"]
    small = emu.databases["small"]
    me = _run(ops.NotionGetCurrentUserOperator(task_id="me"))
    actions: list[tuple[str, Any]] = [
        ("get current user", ops.NotionGetCurrentUserOperator(task_id="a")),
        ("get user", ops.NotionGetUserOperator(task_id="a", user_id=me["id"])),
        ("get page", ops.NotionGetPageOperator(task_id="a", page_id=root)),
        ("get database", ops.NotionGetDatabaseOperator(task_id="a", database_id=small["id"])),
        (
            "create database",
            ops.NotionCreateDatabaseOperator(
                task_id="a", parent=root, title="Bench", properties={"Name": {"title": {}}}
            ),
        ),
        (
            "create page",
            ops.NotionCreatePageOperator(task_id="a", parent=root, properties={"title": "Bench"}),
        ),
        (
            "create db item (database_id)",
            ops.NotionCreateDatabaseItemOperator(
                task_id="a", database_id=small["id"], properties={"Name": {"title": "new"}}
            ),
        ),
        (
            "create db item (data_source_id)",
            ops.NotionCreateDatabaseItemOperator(
                task_id="a", data_source_id=small["data_source_id"], properties={"Name": {"title": "new2"}}
            ),
        ),
        (
            "upsert db item (update)",
            ops.NotionCreateDatabaseItemOperator(
                task_id="a",
                database_id=small["id"],
                properties={"Name": {"title": "new"}, "Count": {"number": 1}},
                unique_property="Name",
            ),
        ),
        ("list users", ops.NotionListUsersOperator(task_id="a")),
        ("list databases", ops.NotionListDatabasesOperator(task_id="a")),
        ("list pages (first page)", ops.NotionListPagesOperator(task_id="a")),
        (
            "query (database_id, 1 page)",
            ops.NotionQueryDatabaseOperator(task_id="a", database_id=small["id"]),
        ),
        (
            "query fetch_all (250 rows)",
            ops.NotionQueryDatabaseOperator(task_id="a", database_id=small["id"], fetch_all=True),
        ),
        ("raw request GET /users/me", ops.NotionRawRequestOperator(task_id="a", url="/users/me")),
    ]
    counts: list[tuple[str, int]] = []
    for name, operator in actions:
        emu.clear_requests()
        _run(operator)
        counts.append((name, len(emu.requests_sent())))
    return counts


def _run(operator: Any) -> Any:
    return operator.execute({"ti": _TaskInstance()})


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=300, help="calls per client and action in each round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with EmulatorProcess(databases={"small": 250}) as emu:
        emu.use_as_default_connection()
        medians = measure_overhead(emu, args.calls, args.rounds)
        counts = calls_per_action(emu)
    bare = medians["bare requests.Session"]
    sdk = medians["notion-client (SDK)"]
    print(f"\n== 1. Per-request overhead (median of {args.rounds} rounds x {args.calls} calls, loopback) ==")
    print(f"{'client':24} {'action':18} {'us/call':>9} {'vs bare':>8} {'vs SDK':>8}")
    summary: list[str] = []
    for client, by_action in medians.items():
        for action, seconds in by_action.items():
            ratio, vs_sdk = seconds / bare[action], seconds / sdk[action]
            print(f"{client:24} {action:18} {seconds * 1e6:9.0f} {ratio:7.2f}x {vs_sdk:7.2f}x")
            if client == "NotionHook":
                verdict = "meets" if ratio < GOAL_VS_BARE else "MISSES"
                summary.append(f"hook/bare {action}: {ratio:.2f}x ({verdict} the < {GOAL_VS_BARE:.1f}x goal)")
                verdict = "meets" if vs_sdk <= GOAL_VS_SDK else "MISSES"
                summary.append(f"hook/SDK {action}: {vs_sdk:.2f}x ({verdict} the {GOAL_VS_SDK:.1f}x goal)")
    print("\n== Calls per action (requests the emulator received, fresh hook per task) ==")
    for name, count in counts:
        print(f"{name:34} {count}")
    summary.append("calls per action: " + ", ".join(f"{name} {count}" for name, count in counts))
    return summary


if __name__ == "__main__":
    main()
