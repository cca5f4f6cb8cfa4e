"""A task process for the Redis fault test, driven line by line on stdin (``python -m tests.redis.pacing_driver``).

Commands: ``reserve`` (answers ``{"wait": s, "fallback": bool}``), ``pause S``, ``advance S`` (moves the clock that
times the retry period of the Redis backend; a public parameter, so the test needs no real waiting). Logs go to
stderr, where the test counts the warnings.
"""

from __future__ import annotations

import json
import logging
import sys


def main(url: str, rate: float, burst: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("airflow_provider_notion")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    from airflow_provider_notion.client.pacing.buckets import FallbackBucket, machine_bucket
    from airflow_provider_notion.client.pacing.redis import RedisTokenBucket

    now = [0.0]
    primary = RedisTokenBucket.from_url(url, "fault-test", rate, burst)
    bucket = FallbackBucket(
        primary,
        machine_bucket("fault-test", rate, burst),
        describe=f"the Redis pacing backend ({primary.where})",
        clock=lambda: now[0],
    )
    for line in sys.stdin:
        command, *args = line.split()
        if command == "reserve":
            wait = bucket.reserve()
            print(json.dumps({"wait": wait, "fallback": bucket.using_fallback}), flush=True)
        elif command == "pause":
            bucket.pause(float(args[0]))
            print(json.dumps({"fallback": bucket.using_fallback}), flush=True)
        elif command == "advance":
            now[0] += float(args[0])
            print("{}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
