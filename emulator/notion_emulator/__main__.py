"""``python -m notion_emulator --port 8765 --seed demo``"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from notion_emulator.limits import DEFAULT_MAX_BODY_BYTES, DEFAULT_SOCKET_TIMEOUT
from notion_emulator.ratelimit import RateLimit
from notion_emulator.server import NotionEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notion_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", default="demo", help="'demo', 'none' or a path to a seed JSON file")
    parser.add_argument("--query-cap", type=int, default=10_000)
    parser.add_argument("--rate-limit", type=float, default=None, help="requests/second per integration")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument(
        "--max-file-upload-bytes", type=int, default=5_242_880, help="the workspace's per-file upload limit"
    )
    parser.add_argument(
        "--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES, help="larger request bodies get 413"
    )
    parser.add_argument(
        "--socket-timeout",
        type=float,
        default=DEFAULT_SOCKET_TIMEOUT,
        help="seconds a connection may stay silent before it is closed",
    )
    args = parser.parse_args(argv)
    limit = RateLimit(rate=args.rate_limit, burst=args.burst) if args.rate_limit else None
    seed = None if args.seed == "none" else args.seed
    emulator = NotionEmulator(
        seed,
        host=args.host,
        port=args.port,
        query_cap=args.query_cap,
        rate_limit=limit,
        max_file_upload_bytes=args.max_file_upload_bytes,
        max_body_bytes=args.max_body_bytes,
        socket_timeout=args.socket_timeout,
    )
    emulator.start()
    print(f"Notion emulator listening on {emulator.base_url}")
    print(f"  token:  {emulator.token}")
    print(f"  admin:  {emulator.base_url}/_emulator/health")
    print(f"  export AIRFLOW_CONN_NOTION_DEFAULT='{emulator.airflow_conn_json}'")
    print("Press Ctrl+C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
