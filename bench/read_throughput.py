"""Read throughput and memory of the EDIFACT and X12 readers, against baselines.

Run by hand: ``python3 run.py cli`` is not needed, just the venv's Python::

    .venv/bin/python bench/read_throughput.py [--mb 8] [--memory-mb 100] [--repeat 3]

For each standard it generates one large interchange of purchase orders
(bench/generate.py), then times in the same run, on the same bytes:

- ``gateway stream``: the gateway's read path, a message at a time, with the
  garbage collector as the library finds it (on);
- ``gateway read``: the whole tree in memory, collector on;
- ``gateway read, collector paused``: the same as the commands that read a file
  whole do it: they pause the collector around the call (the library itself
  never touches it);
- ``naive split``: ``[[e.split(c) for e in s.split(el)] for s in t.split(term)]``
  after decoding, the way a quick script would (collector on);
- ``naive split, gc paused``: the same with the cyclic collector paused; it
  does no escaping, no checks, no positions;
- ``pydifact``: the field's Python EDIFACT parser (EDIFACT only), on the same
  bytes and as many runs (``--pydifact-mb`` times it on a smaller slice instead,
  for a quicker look; a small input flatters it, as its collector then has less
  to walk).

The contenders take turns within each round of runs, so the ratios hold on a
busy machine. Then it streams a file of ``--memory-mb`` megabytes in a child process and
reports the peak resident memory. Ratios print as gateway / baseline.
"""

from __future__ import annotations

import argparse
import gc
import io
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from pydifact.segmentcollection import RawSegmentCollection

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import edifact_orders, sized, x12_850
from gateway.edi.reader import MessageRead, read, stream
from gateway.runtime import collector_paused


def best_of(repeat: int, runs: dict[str, Callable[[], int]]) -> dict[str, tuple[float, int]]:
    """Fastest wall time of ``repeat`` runs of each contender, and what it counted.

    The contenders take turns, one run each per round, so that a slower or busier
    spell of the machine falls on all of them alike and the ratios hold.
    """
    best = {label: (float("inf"), 0) for label in runs}
    for _ in range(repeat):
        for label, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            count = run()
            elapsed = time.perf_counter() - start
            best[label] = (min(best[label][0], elapsed), count)
    return best


def gateway_stream(data: bytes) -> int:
    segments = 0
    for event in stream(io.BytesIO(data)):
        if isinstance(event, MessageRead):
            segments += event.message.segment_count()
    return segments


def gateway_read(data: bytes) -> int:
    result = read(data)
    return sum(m.segment_count() for m in result.messages())


def gateway_read_paused(data: bytes) -> int:
    with collector_paused():
        return gateway_read(data)


def naive(data: bytes, term: str, element: str, component: str) -> int:
    text = data.decode("latin-1")
    tree = [[e.split(component) for e in s.split(element)] for s in text.split(term)]
    return len(tree)


def naive_paused(data: bytes, term: str, element: str, component: str) -> int:
    gc.disable()
    try:
        return naive(data, term, element, component)
    finally:
        gc.enable()


def pydifact_parse(data: bytes) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collection = RawSegmentCollection.from_str(data.decode("latin-1"))
        return sum(1 for _ in collection.segments)


def report(label: str, seconds: float, size: int, segments: int) -> float:
    mbps = size / 1e6 / seconds
    print(f"  {label:<31} {mbps:8.2f} MB/s {segments / seconds / 1e3:10.0f} k segments/s")
    return mbps


def bench_standard(name: str, data: bytes, small: bytes, delims: tuple[str, str, str],
                   repeat: int) -> None:
    print(f"{name}: {len(data) / 1e6:.1f} MB, generated purchase orders")
    runs: dict[str, Callable[[], int]] = {
        "gateway stream": lambda: gateway_stream(data),
        "gateway read (whole tree)": lambda: gateway_read(data),
        "gateway read, collector paused": lambda: gateway_read_paused(data),
        "naive split": lambda: naive(data, *delims),
        "naive split, gc paused": lambda: naive_paused(data, *delims),
    }
    pydifact_label = f"pydifact ({len(small) / 1e6:.1f} MB)"
    if small:
        runs[pydifact_label] = lambda: pydifact_parse(small)
    timed = best_of(repeat, runs)
    mbps = {}
    for label, (seconds, count) in timed.items():
        mbps[label] = report(label, seconds, len(small if label == pydifact_label else data),
                             count)
    ours, whole = mbps["gateway stream"], mbps["gateway read (whole tree)"]
    whole_paused = mbps["gateway read, collector paused"]
    plain, paused = mbps["naive split"], mbps["naive split, gc paused"]
    print(f"  ratio stream / naive split:            {ours / plain:5.2f}")
    print(f"  ratio stream / naive split, gc paused: {ours / paused:5.2f}  (target >= 0.5)")
    print(f"  ratio read / naive split, gc paused:   {whole / paused:5.2f}")
    print(f"  ratio read, collector paused / naive split, gc paused: {whole_paused / paused:5.2f}")
    if small:
        theirs = mbps[pydifact_label]
        print(f"  ratio stream / pydifact:               {ours / theirs:5.1f}  (target >= 15)")


def peak_rss_mb() -> float:
    """This process's peak resident memory. /proc's VmHWM starts afresh at exec,
    unlike getrusage's maxrss, which a child inherits from its parent on Linux."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(path: str) -> None:
    """Stream ``path`` and print peak RSS before and after, in MB."""
    before = peak_rss_mb()
    messages = 0
    with Path(path).open("rb") as handle:
        for event in stream(handle):
            if isinstance(event, MessageRead):
                messages += 1
    print(f"{before:.0f} {peak_rss_mb():.0f} {messages}")


def bench_memory(megabytes: int) -> None:
    for name, make in (("EDIFACT", edifact_orders), ("X12", x12_850)):
        data = sized(make, megabytes * 1_000_000)
        with tempfile.NamedTemporaryFile(suffix=".edi", delete=False) as handle:
            handle.write(data)
            path = handle.name
        del data
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--memory-child", path],
                capture_output=True, text=True, check=True,
            ).stdout.split()
        finally:
            Path(path).unlink()
        before, after, messages = float(out[0]), float(out[1]), int(out[2])
        print(f"{name}: streamed {megabytes} MB ({messages} messages): peak RSS "
              f"{after:.0f} MB (interpreter and imports alone: {before:.0f} MB; "
              "target < 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=8.0, help="size of the timed inputs")
    parser.add_argument("--pydifact-mb", type=float,
                        help="time pydifact on this many MB (default: the same bytes)")
    parser.add_argument("--memory-mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    size = int(args.mb * 1_000_000)
    print(f"Python {sys.version.split()[0]}, best of {args.repeat} runs\n")
    edifact = sized(edifact_orders, size)
    small = edifact if args.pydifact_mb is None else \
        sized(edifact_orders, int(args.pydifact_mb * 1_000_000))
    bench_standard("EDIFACT", edifact, small, ("'", "+", ":"), args.repeat)
    print()
    bench_standard("X12", sized(x12_850, size), b"", ("~", "*", ">"), args.repeat)
    print()
    if args.memory_mb:
        bench_memory(args.memory_mb)


if __name__ == "__main__":
    main()
