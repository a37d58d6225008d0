"""Offline validation as the user runs it: the whole `tracker-check validate` process.

    .venv/bin/python benchmarks/validate_throughput.py [--events N] [--jobs N ...] [--keep DIR]

Writes a tracking plan (GA4 ecommerce events, a `unique` purchase id, a global parameter)
and a JSON Lines export of N GA4 ecommerce events from many sessions (default 1,000,000;
10% carry one realistic mistake, purchase ids unique), then times, in a fresh process each,

    tracker-check validate PLAN FILE --format json -o out.json [--jobs N]

from start to exit (interpreter start, plan load, parsing, validation, the report), and
prints events/s and the process's peak RSS (its children's too with `--jobs`), read from
`wait4`. Also times the in-process hot path (`Validator.check_all` over pre-normalized
Events) so the two figures can be compared. Numbers only: no assertion, no pass/fail (the
tests check correctness). Targets: >= 300,000 events/s and < 300 MB peak RSS for the command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PLAN = """\
version: 1
name: benchmark shop
settings:
  unplanned_events: error
  additional_parameters: warn
global_parameters:
  page_type: {type: string, enum: [home, listing, product, cart]}
definitions:
  item:
    type: object
    required: [item_id, item_name, price, quantity]
    properties:
      item_id: {type: string, minLength: 1}
      item_name: {type: string}
      item_brand: {type: string, optional: true}
      item_category: {type: string}
      item_variant: {type: string}
      price: {type: number, minimum: 0}
      quantity: {type: integer, minimum: 1}
  cart:
    type: object
    required: [currency, value, items]
    properties:
      currency: {type: string, pattern: "^[A-Z]{3}$"}
      value: {type: number, minimum: 0}
      items: {type: array, minItems: 1, items: {$ref: "#/definitions/item"}}
events:
  view_item_list: {parameters: {ecommerce: {$ref: "#/definitions/cart"}}}
  view_item: {parameters: {ecommerce: {$ref: "#/definitions/cart"}}}
  remove_from_cart: {parameters: {ecommerce: {$ref: "#/definitions/cart"}}}
  begin_checkout: {parameters: {ecommerce: {$ref: "#/definitions/cart"}}}
  add_to_cart:
    additional_parameters: error
    parameters:
      ecommerce: {$ref: "#/definitions/cart"}
      coupon: {type: string, optional: true}
  purchase:
    kind: macro
    unique: [ecommerce.transaction_id]
    parameters:
      ecommerce: {$ref: "ga4#/definitions/purchase_ecommerce"}
"""
NAMES = ("view_item_list", "view_item", "add_to_cart", "remove_from_cart", "begin_checkout")


def _item(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "item_id": f"SKU-{n:05d}",
        "item_name": f"Product {n}",
        "item_category": rng.choice(["shirts", "caps", "shoes"]),
        "item_variant": rng.choice(["S", "M", "L"]),
        "price": round(rng.uniform(1, 200), 2),
        "quantity": rng.randint(1, 3),
    }


def _break(push: dict[str, Any], rng: random.Random) -> None:
    """One realistic mistake."""
    eco = push["ecommerce"]
    match rng.randrange(5):
        case 0:
            eco["items"][0]["price"] = str(eco["items"][0]["price"])  # price as a string
        case 1:
            del eco["currency"]
        case 2:
            eco["currency"] = "eur"
        case 3:
            push["debug_info"] = "x"  # unexpected parameter
        case _:
            del eco["items"][0]["item_id"]


def pushes(count: int, seed: int = 7, start: int = 0) -> list[dict[str, Any]]:
    """`count` ecommerce event pushes (10% broken), purchase ids unique, in file order."""
    rng = random.Random(seed)
    out = []
    for n in range(start, start + count):
        name = "purchase" if n % 50 == 49 else rng.choice(NAMES)
        items = [_item(rng, rng.randrange(5000)) for _ in range(rng.randint(1, 3))]
        eco: dict[str, Any] = {
            "currency": "EUR",
            "value": round(sum(i["price"] * i["quantity"] for i in items), 2),
            "items": items,
        }
        if name == "purchase":
            eco["transaction_id"] = f"T-{n}"
        push = {"event": name, "ecommerce": eco, "page_type": "product"}
        if n % 10 == 3:
            _break(push, rng)
        out.append(push)
    return out


def write_jsonl(path: Path, total: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < total:
            chunk = min(50_000, total - written)
            out.writelines(json.dumps(p) + "\n" for p in pushes(chunk, seed=written, start=written))
            written += chunk


VENV: Path | None = None


def command() -> list[str]:
    script = (VENV / "bin" if VENV else Path(sys.executable).parent) / "tracker-check"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker_check"]


def time_command(args: list[str]) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS MB of the process and its children, exit code, CPU seconds
    of the process and its children)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss of wait4 is the largest of the process and its waited-for descendants
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def bench_command(plan: Path, events: Path, n: int, jobs: list[str], runs: int) -> None:
    out = events.parent / "out.json"
    for job in jobs:
        extra = [] if job == "default" else ["--jobs", job]
        args = [*command(), "validate", str(plan), str(events), "--format", "json", "-o", str(out)]
        results = [time_command(args + extra) for _ in range(runs)]
        walls = [r[0] for r in results]
        wall = statistics.median(walls)
        rss = max(r[1] for r in results)
        code = results[0][2]
        cpu = statistics.median(r[3] for r in results)
        report = json.loads(out.read_text("utf-8"))
        label = f"--jobs {job}" if job != "default" else "(default --jobs)"
        print(
            f"tracker-check validate {label:<18} median {wall:.2f} s (min {min(walls):.2f}): "
            f"{n / wall:,.0f} events/s; CPU {cpu:.2f} s; peak RSS {rss:,.0f} MB; exit {code}; "
            f"{len(report['findings']):,} findings; report {out.stat().st_size / 1e6:.1f} MB"
        )


def bench_in_process(plan_path: Path, events: Path) -> None:
    import gc

    from tracker_check.eventsio import read_events
    from tracker_check.plan.load import load_plan
    from tracker_check.validate.events import Validator

    gc.disable()  # a million Events held at once: keep the collector out of the timing
    plan = load_plan(plan_path)
    pre = list(read_events(events, records="standalone"))
    validator = Validator(plan, standalone=True)
    start = time.perf_counter()
    found = validator.check_all(pre)
    wall = time.perf_counter() - start
    print(
        f"in-process Validator.check_all over {len(pre):,} pre-normalized Events: "
        f"{wall:.2f} s, {len(pre) / wall:,.0f} events/s, {len(found):,} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--jobs", nargs="*", default=["default", "1"])
    parser.add_argument("--venv", type=Path, help="whose tracker-check to time (default: this)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write (or reuse) the files in this folder")
    parser.add_argument("--no-in-process", action="store_true")
    ns = parser.parse_args()
    global VENV
    VENV = ns.venv
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {ns.events:,} events")
    tmp = Path(tempfile.mkdtemp()) if ns.keep is None else ns.keep
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        plan, events = tmp / "plan.yaml", tmp / f"events-{ns.events}.jsonl"
        plan.write_text(PLAN, encoding="utf-8")
        if not events.exists():
            write_jsonl(events, ns.events)
        print(f"events file: {events.stat().st_size / 1e6:,.0f} MB")
        bench_command(plan, events, ns.events, ns.jobs, ns.runs)
        if not ns.no_in_process:
            bench_in_process(plan, events)
    finally:
        if ns.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
