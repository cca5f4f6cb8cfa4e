"""Benchmark: the Markdown converter's time grows linearly with its input, whatever the input.

    .venv/bin/python -m benchmarks.bench_markdown [--small 8192] [--factor 8] [--runs 3]

Each input repeats one unit (unclosed brackets, underscores that never close, backtick runs, nested lists...) up
to ``--small`` characters and to ``--factor`` times that, converts both with ``markdown_to_blocks`` and back
with ``blocks_to_markdown`` (best of ``--runs`` batches of at least 0.1 s), and reports the ratio of the two
times. Linear time gives a ratio near the factor (8); quadratic time near its square (64). The absolute times
are printed for reference only; what the benchmark checks is the ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks

#: Inputs that were, or could be, slow for a backtracking or rescanning parser: name -> one repeated unit.
UNITS: dict[str, str] = {
    "unclosed [": "[",
    "_a (never closes)": "_a ",
    "unclosed **": "**a ",
    "unclosed ~~": "~~a ",
    "unclosed $": "$a ",
    "backtick runs": "`a``b",
    "[a]( unclosed links": "[a](",
    "[[[ then one ]": "[[[[x",
    "nested parentheses ((((": "((((]",
    "![]( image-like": "![](",
    "escapes \\": "\\*\\_\\[",
    "plain words": "lorem ipsum ",
    "links": "[a](https://e.x/(b)) ",
    "bullets": "- item\n",
    "table rows": "| a | b |\n",
    "callout opener": "<callout>",
}


def _nested_list(size: int) -> str:
    """A list nested one space deeper per line, ``size`` characters long."""
    lines, total, depth = [], 0, 0
    while total < size:
        line = " " * depth + "- x"
        lines.append(line)
        total += len(line) + 1
        depth += 1
    return "\n".join(lines)


def inputs(size: int) -> dict[str, str]:
    """Every benchmark input at about ``size`` characters."""
    made = {name: (unit * (size // len(unit) + 1))[:size] for name, unit in UNITS.items()}
    made["nested list (1 space per level)"] = _nested_list(size)
    return made


def _best(function: Callable[[], object], runs: int) -> float:
    """Seconds per call: the best of ``runs`` batches, each repeating the call for at least 0.1 s (so a 2 ms
    conversion is not measured by a single call, which a busy machine makes noisy)."""
    repeat, elapsed = 1, 0.0
    while True:
        started = time.perf_counter()
        for _ in range(repeat):
            function()
        elapsed = time.perf_counter() - started
        if elapsed >= 0.1:
            break
        repeat *= 2
    best = elapsed / repeat
    for _ in range(runs - 1):
        started = time.perf_counter()
        for _ in range(repeat):
            function()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def convert(markdown: str) -> None:
    blocks_to_markdown(markdown_to_blocks(markdown))


def main(argv: list[str]) -> list[str]:
    parser = argparse.ArgumentParser(prog="bench_markdown")
    parser.add_argument("--small", type=int, default=8192)
    parser.add_argument("--factor", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    small, large = inputs(args.small), inputs(args.small * args.factor)
    print(f"{'input':34} {'small (s)':>10} {'large (s)':>10} {'ratio':>7}  (linear ~{args.factor})")
    worst = ("", 0.0)
    for name in small:
        t_small = _best(lambda name=name: convert(small[name]), args.runs)
        t_large = _best(lambda name=name: convert(large[name]), args.runs)
        ratio = t_large / max(t_small, 1e-9)
        print(f"{name:34} {t_small:10.4f} {t_large:10.4f} {ratio:7.1f}")
        if ratio > worst[1]:
            worst = (name, ratio)
    return [
        f"Markdown {args.small // 1024} KiB -> {args.small * args.factor // 1024} KiB: worst time ratio "
        f"{worst[1]:.1f} ({worst[0]}); linear is ~{args.factor}, quadratic ~{args.factor**2}"
    ]


if __name__ == "__main__":
    import sys

    for line in main(sys.argv[1:]):
        print(line)
