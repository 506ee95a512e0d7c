"""Run every benchmark and print one table: ``python -m benchmarks [--quick] [--only NAME ...]``.

Numbers, not assertions: targets are printed beside the measurements so a noisy machine can be read fairly, and
each benchmark measures its baseline in the same run so ratios hold.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import benchmarks


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def print_table(rows: list[dict[str, Any]], file: Any = sys.stdout) -> None:
    columns = ["benchmark", "metric", "value", "target", "note"]
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)), file=file)
    print("-+-".join("-" * w for w in widths), file=file)
    for row in cells:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)), file=file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small samples, for a smoke run")
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names (tagging, geo, claims, pipeline)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    names = sorted(
        m.name.removeprefix("bench_") for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    if args.only:
        names = [n for n in names if n in args.only]
    rows: list[dict[str, Any]] = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name}...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            rows += module.run(quick=args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others' numbers
            traceback.print_exc()
            rows.append({"benchmark": name, "metric": "error", "value": None, "note": repr(exc)})
        print(f"  {name} took {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
