"""Throughput of offline validation: 1,000,000 GA4 ecommerce events, 10% invalid.

    .venv/bin/python benchmarks/validate_throughput.py [--events N] [--no-rss]

Part 1 validates pre-normalized Events with `Validator.check` (the library hot path, as a
browser run uses it). The stream is what a well-built GTM site pushes: `{ecommerce: null}`
before every ecommerce event, so 1M events are 2M records; both rates are printed.
Part 2 writes a 1M-line JSON Lines file (500k events, each after its null push) and, in a
fresh process, streams it through `eventsio` + `Validator` (the `tracker-check validate`
path, without keeping the events), printing throughput and the process's peak RSS at the
start, after 10% and 50% of the file and at the end: flat memory means those stay equal.
Numbers only: no assertion, no pass/fail (see tests for correctness).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tracker_check.eventsio import read_events
from tracker_check.models import Event
from tracker_check.plan.model import EventSpec, Plan, Settings
from tracker_check.sources.gtm import normalize
from tracker_check.validate.events import Validator

ITEM = {
    "type": "object",
    "required": ["item_id", "item_name", "price", "quantity"],
    "properties": {
        "item_id": {"type": "string", "minLength": 1},
        "item_name": {"type": "string"},
        "item_brand": {"type": "string", "optional": True},
        "item_category": {"type": "string"},
        "item_variant": {"type": "string"},
        "price": {"type": "number", "minimum": 0},
        "quantity": {"type": "integer", "minimum": 1},
    },
}
CART = {
    "type": "object",
    "required": ["currency", "value", "items"],
    "properties": {
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "value": {"type": "number", "minimum": 0},
        "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/item"}},
    },
}
NAMES = ("view_item_list", "view_item", "add_to_cart", "remove_from_cart", "begin_checkout")


def realistic_plan() -> Plan:
    events = {name: EventSpec(name, parameters={"ecommerce": CART}) for name in NAMES}
    events["purchase"] = EventSpec(
        "purchase",
        parameters={"ecommerce": {"$ref": "ga4#/definitions/purchase_ecommerce"}},
        unique=("ecommerce.transaction_id",),
        kind="macro",
    )
    events["add_to_cart"] = EventSpec(
        "add_to_cart",
        parameters={"ecommerce": CART, "coupon": {"type": "string", "optional": True}},
        additional_parameters="error",
    )
    return Plan(
        events,
        name="benchmark shop",
        settings=Settings(unplanned_events="error", additional_parameters="warn"),
        global_parameters={
            "page_type": {"type": "string", "enum": ["home", "listing", "product", "cart"]},
        },
        definitions={"item": ITEM},
    )


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
    """`count` ecommerce event pushes (10% broken), purchase ids unique, in stream order."""
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


def stream(pool: list[dict[str, Any]]) -> list[Event]:
    events = []
    for push in pool:
        events.append(normalize({"ecommerce": None}, index=len(events)))
        events.append(normalize(push, index=len(events)))
    return events


def rss_mb() -> float:
    """Peak RSS of this process in MB (VmHWM: ru_maxrss on Linux survives exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_check(total: int, pool_size: int) -> None:
    plan = realistic_plan()
    pool = pushes(pool_size)
    records = stream(pool)
    cycles = max(1, total // pool_size)
    validator = Validator(plan)
    check = validator.check
    findings = 0
    start, cpu = time.perf_counter(), time.process_time()
    for c in range(cycles):
        if c:  # fresh transaction ids per cycle so purchases stay unique
            for push in pool:
                if push["event"] == "purchase":
                    push["ecommerce"]["transaction_id"] += f"-{c}"
        for event in records:
            findings += len(check(event))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    n_events = cycles * pool_size
    print(f"validate (Validator.check over pre-normalized Events, {cycles} x {pool_size}):")
    print(f"  {n_events:,} ecommerce events + {n_events:,} {{ecommerce: null}} pushes")
    rate, record_rate = n_events / elapsed, 2 * n_events / elapsed
    print(f"  wall {elapsed:.2f} s: {rate:,.0f} events/s, {record_rate:,.0f} records/s")
    print(f"  cpu  {cpu:.2f} s: {n_events / cpu:,.0f} events/s (the machine is shared)")
    print(f"  {findings:,} findings")
    validator = Validator(plan)
    start, cpu = time.perf_counter(), time.process_time()
    findings = 0
    for c in range(cycles):
        for push in pool:
            if push["event"] == "purchase":
                push["ecommerce"]["transaction_id"] += f"-b{c}"
        findings += len(validator.check_all(records))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print("validate (Validator.check_all, the bulk path `tracker-check validate` uses):")
    print(f"  wall {elapsed:.2f} s: {n_events / elapsed:,.0f} events/s")
    print(f"  cpu  {cpu:.2f} s: {n_events / cpu:,.0f} events/s")
    print(f"  {findings:,} findings")


def write_jsonl(path: Path, total: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < total:
            chunk = min(50_000, total - written)
            for push in pushes(chunk, seed=written, start=written):
                out.write('{"ecommerce": null}\n')
                out.write(json.dumps(push) + "\n")
            written += chunk


def validate_file(path: Path) -> None:
    """Child process: stream a JSONL file through eventsio + Validator, sampling peak RSS."""
    validator = Validator(realistic_plan())
    lines = sum(1 for _ in path.open("rb"))
    marks = {lines // 10: "10%", lines // 2: "50%"}
    samples = [f"start {rss_mb():,.0f} MB"]
    findings = 0
    start, cpu = time.perf_counter(), time.process_time()
    for n, event in enumerate(read_events(path)):
        findings += len(validator.check(event))
        if n in marks:
            samples.append(f"{marks[n]} {rss_mb():,.0f} MB")
    # (check per event here, to sample RSS while reading; check_all is the same loop inlined)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    samples.append(f"end {rss_mb():,.0f} MB")
    size = path.stat().st_size / 1e6
    print(f"eventsio + validate ({lines:,} JSONL lines, {size:,.0f} MB file, separate process):")
    rate, line_rate = lines / 2 / elapsed, lines / elapsed
    print(f"  wall {elapsed:.2f} s: {rate:,.0f} events/s, {line_rate:,.0f} lines/s")
    print(f"  cpu  {cpu:.2f} s: {lines / 2 / cpu:,.0f} events/s")
    print(f"  {findings:,} findings")
    print(f"  peak RSS: {', '.join(samples)}")


def bench_file(lines: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        write_jsonl(path, lines // 2)
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--validate-file", str(path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--no-rss", action="store_true", help="skip the JSONL/RSS part")
    parser.add_argument("--validate-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.validate_file:
        validate_file(args.validate_file)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_check(args.events, min(args.pool, args.events))
    if not args.no_rss:
        bench_file(args.events)
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
