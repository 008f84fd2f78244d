"""The commands as a user runs them: whole processes on big files, time and peak memory,
against named baselines in the same run.

    .venv/bin/python bench/commands.py [--mb 100] [--small-mb 10] [--skip-big] [--repeat 3]

Generates (bench/generate.py) an EDIFACT ORDERS and an X12 850 interchange of
``--mb`` megabytes, one of ``--small-mb`` and a one-message file, then runs
``edi-gateway`` as a child process and measures it whole: wall time, and the
peak resident memory of its process tree (the sum over the process and its
children, sampled from /proc, so the workers ``ingest`` starts count too).

- peak memory of ``validate`` (default level), ``ack``, ``convert --to json``
  and ``ingest`` (SQLite, in a fresh file) on the big files; target < 300 MB.
  Baseline: the interpreter with the command line imported, doing nothing.
- ``validate --level syntax`` and ``validate`` (schema) on the small EDIFACT file
  against pydifact parsing the same file in a process of its own; targets: at
  least 10 and 5 times as fast.
- ``validate`` of a one-message file against pydifact's whole process on it;
  target: at most 4 times pydifact's time. Best of ``--repeat`` runs, the
  contenders taking turns.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import edifact_orders, sized, x12_850

BIN = Path(sys.executable).parent
GATEWAY = str(BIN / "edi-gateway")
PYDIFACT = ("import sys, warnings\n"
            "from pydifact.segmentcollection import RawSegmentCollection\n"
            "warnings.simplefilter('ignore')\n"
            "text = open(sys.argv[1], encoding='latin-1').read()\n"
            "print(sum(1 for _ in RawSegmentCollection.from_str(text).segments))\n")
IDLE = "import gateway.cli.main"
NOW = "2025-01-01T00:00"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int


def _tree_rss_kb(root: int) -> int:
    """Resident kB of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path("/proc", entry.name, "stat").read_text("ascii")
            fields = stat.rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run(argv: list[str], cwd: Path) -> Run:
    """One whole process: wall time and the peak RSS of its tree (sampled every 20 ms)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          cwd=cwd, env=env) as child:
        peak = [0]

        def sample() -> None:
            while child.poll() is None:
                peak[0] = max(peak[0], _tree_rss_kb(child.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = child.wait()
        sampler.join()
    return Run(time.perf_counter() - start, peak[0] / 1024, code)


def best(repeat: int, runs: dict[str, list[str]], cwd: Path) -> dict[str, Run]:
    """Best time (and its peak) of ``repeat`` runs of each, the contenders taking turns."""
    found: dict[str, Run] = {}
    for _ in range(repeat):
        for label, argv in runs.items():
            got = run(argv, cwd)
            if label not in found or got.seconds < found[label].seconds:
                found[label] = got
    return found


def memory(folder: Path, mb: int) -> None:
    print(f"Peak memory of the process tree, {mb} MB interchanges (target < 300 MB)")
    idle = run([sys.executable, "-c", IDLE], folder)
    print(f"  baseline: interpreter with the command line imported  {idle.peak_mb:6.0f} MB")
    for name, make in (("EDIFACT ORDERS", edifact_orders), ("X12 850", x12_850)):
        path = folder / f"big-{name.split()[0].lower()}.edi"
        path.write_bytes(sized(make, mb * 1_000_000))
        size = path.stat().st_size / 1e6
        print(f"  {name}, {size:.0f} MB:")
        database = folder / f"ingest-{name.split()[0].lower()}.db"
        commands = {
            "validate": ["validate", str(path)],
            "ack": ["ack", str(path), "--now", NOW],
            "convert --to json": ["convert", str(path), "--to", "json"],
            "ingest (SQLite)": ["ingest", str(path), "--database", f"sqlite:///{database}"],
        }
        for label, argv in commands.items():
            got = run([GATEWAY, *argv], folder)
            print(f"    {label:<20} {got.peak_mb:6.0f} MB  {got.seconds:7.1f} s  "
                  f"{size / got.seconds:5.2f} MB/s  {got.peak_mb / idle.peak_mb:4.1f} x baseline"
                  f"  (exit {got.code})")
        path.unlink()


def speed(folder: Path, small_mb: int, repeat: int) -> None:
    path = folder / "small.edi"
    path.write_bytes(sized(edifact_orders, small_mb * 1_000_000))
    one = folder / "one.edi"
    one.write_bytes(edifact_orders(1))
    print(f"\nWhole-process time, EDIFACT ORDERS {path.stat().st_size / 1e6:.0f} MB, "
          f"best of {repeat}")
    got = best(repeat, {
        "pydifact parse": [sys.executable, "-c", PYDIFACT, str(path)],
        "validate --level syntax": [GATEWAY, "validate", "--level", "syntax", str(path)],
        "validate (schema)": [GATEWAY, "validate", str(path)],
    }, folder)
    base = got["pydifact parse"].seconds
    for label, result in got.items():
        print(f"  {label:<24} {result.seconds:7.2f} s  {result.peak_mb:6.0f} MB  "
              f"{base / result.seconds:5.1f} x pydifact's speed")
    print("  targets: syntax >= 10 x, schema >= 5 x")
    print(f"\nWhole-process time, one message ({one.stat().st_size} bytes), best of {repeat * 3}")
    got = best(repeat * 3, {
        "pydifact parse": [sys.executable, "-c", PYDIFACT, str(one)],
        "python -c pass": [sys.executable, "-c", "pass"],
        "validate": [GATEWAY, "validate", str(one)],
    }, folder)
    base = got["pydifact parse"].seconds
    for label, result in got.items():
        print(f"  {label:<24} {result.seconds:7.3f} s  {result.seconds / base:5.2f} x pydifact's "
              "time")
    print("  target: validate <= 4 x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--small-mb", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="only the speed comparisons")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="edi-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_big:
            memory(folder, args.mb)
        speed(folder, args.small_mb, args.repeat)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
