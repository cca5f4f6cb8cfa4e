"""Kill rate per module from a ``mutmut run`` (``make mutate``): reads mutmut's results in ``mutants/``.

    .venv/bin/python scripts/mutation_report.py [--survivors]

A mutant is *killed* when a test failed (or timed out) with it in place; it *survived* when every test passed.
Mutants no test reaches and those not run yet are counted apart, not in the rate.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

KILLED = {"killed", "timeout"}


def results(root: Path) -> dict[str, dict[str, str]]:
    """``{module path: {mutant name: status}}`` for every module mutmut generated mutants for."""
    found: dict[str, dict[str, str]] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        module = str(meta.relative_to(root)).removesuffix(".meta")
        found[module] = {
            name: status_by_exit_code[code] if code is not None else "not checked"
            for name, code in data["exit_code_by_key"].items()
        }
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--root", type=Path, default=Path("mutants"))
    args = parser.parse_args(argv)
    print(f"{'module':60} {'killed':>6} {'survived':>8} {'no tests':>8} {'kill rate':>9}")
    total: Counter[str] = Counter()
    for module, statuses in results(args.root).items():
        counts = Counter(statuses.values())
        killed = sum(counts[s] for s in KILLED)
        survived = counts["survived"]
        if not killed + survived:
            continue
        total.update({"killed": killed, "survived": survived, "no tests": counts["no tests"]})
        rate = killed / (killed + survived)
        print(f"{module:60} {killed:6} {survived:8} {counts['no tests']:8} {rate:9.0%}")
        if args.survivors:
            for name, status in statuses.items():
                if status == "survived":
                    print(f"    {name}")
    if total["killed"] + total["survived"]:
        rate = total["killed"] / (total["killed"] + total["survived"])
        print(f"{'all':60} {total['killed']:6} {total['survived']:8} {total['no tests']:8} {rate:9.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
