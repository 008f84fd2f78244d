"""Validation throughput: messages per second with full schema validation, against
reading alone, on the same generated interchanges in one run.

    .venv/bin/python bench/validate_throughput.py [--messages 5000]

For EDIFACT ORDERS D96A and X12 850 004010 of twenty lines (bench/generate.py)
it times reading a message at a time, then reading plus envelope checks plus
schema validation of every message, and prints messages/s, segments/s and the
cost of validation as a ratio to reading.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import edifact_orders, x12_850
from gateway.edi.envelope import Scope
from gateway.edi.reader import MessageRead, stream
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Context, Schemas, check_message


def read_only(data: bytes) -> tuple[int, int]:
    messages = segments = 0
    for event in stream(io.BytesIO(data)):
        if isinstance(event, MessageRead):
            messages += 1
            segments += event.message.segment_count()
    return messages, segments


def read_and_validate(data: bytes) -> tuple[int, int]:
    schemas = Schemas(load_directory)
    messages = segments = issues = 0
    for event in stream(io.BytesIO(data)):
        if isinstance(event, MessageRead):
            ic = event.interchange
            found, _ = check_message(event.message, Context(Scope(), ic.delimiters.decimal,
                                                            ic.standard), schemas)
            issues += len(found)
            messages += 1
            segments += event.message.segment_count()
    if issues:
        print(f"    ({issues} issues found: the generated data should have none)")
    return messages, segments


def best(repeat: int, run: Callable[[], tuple[int, int]]) -> tuple[float, int, int]:
    fastest, counts = float("inf"), (0, 0)
    for _ in range(repeat):
        start = time.perf_counter()
        counts = run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for name, make in (("EDIFACT ORDERS D96A", edifact_orders), ("X12 850 004010", x12_850)):
        data = make(args.messages)
        read_s, messages, segments = best(args.repeat, lambda d=data: read_only(d))
        full_s, _, _ = best(args.repeat, lambda d=data: read_and_validate(d))
        print(f"{name}: {messages} messages, {segments} segments, {len(data) / 1e6:.1f} MB")
        print(f"  read only           {messages / read_s:9.0f} messages/s "
              f"{segments / read_s:10.0f} segments/s")
        print(f"  read + validate     {messages / full_s:9.0f} messages/s "
              f"{segments / full_s:10.0f} segments/s")
        print(f"  validation costs {(full_s - read_s) / read_s:4.2f} x reading")


if __name__ == "__main__":
    main()
