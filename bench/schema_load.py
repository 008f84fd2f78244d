"""Loading the EDIFACT directories: time and memory to load one, from its prepared
form and from its YAML, and `edi-gateway validate` of a one-message file of each
directory family as a whole process, beside baselines in the same run.

    .venv/bin/python bench/schema_load.py [--repeat 7]

In process, for one directory of each family (D96A, D03B, D16A, D21B), it times
loading the directory from its prepared form (what the gateway does) and from its
YAML (what it did before the prepared form, and does when the YAML has changed),
with the Python memory each allocates (tracemalloc peak), and counts the
directories loaded after validating one message: one, however many ship.

As whole processes, taking turns so that a busy spell of a shared host falls on
all alike, best of --repeat each, it times for one ORDERS message of each family:
  - `edi-gateway validate FILE` (the command, prepared form),
  - the same command with the prepared form out of the way (YAML read at start),
  - pydifact parsing the same file (its whole process), the issue's baseline,
  - `python -c pass`, the interpreter alone,
and prints each with its peak RSS and the ratio to pydifact (the target of the
start-up issue: at most 4x).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.edi.report import inspect
from gateway.edi.schema import loader, prepared
from gateway.edi.schema.model import Directory
from gateway.edi.schema.validator import Schemas

FAMILIES = {"D9x": "D96A", "D0x": "D03B", "D1x": "D16A", "D2x": "D21B"}

# One purchase order as a retailer sends it: header, two parties, two lines.
ORDER = ("UNA:+.? '\n"
         "UNB+UNOC:3+5412345000013:14+4012345000016:14+240318:1200+BENCH1'\n"
         "UNH+1+ORDERS:D:{release}:UN'\n"
         "BGM+220+PO-1+9'\n"
         "DTM+137:20240318:102'\n"
         "NAD+BY+5412345000013::9'\n"
         "NAD+SU+4012345000016::9'\n"
         "LIN+1++ART-1:SA'\n"
         "QTY+21:10'\n"
         "LIN+2++ART-2:SA'\n"
         "QTY+21:4'\n"
         "UNS+S'\n"
         "CNT+2:2'\n"
         "UNT+12+1'\n"
         "UNZ+1+BENCH1'\n")

# Each whole-process contender prints its peak RSS (KiB, VmHWM: getrusage's
# maximum survives exec and would report this script's) on its last stderr line.
PEAK = ("import sys\n"
        "def _peak():\n"
        "    with open('/proc/self/status') as f:\n"
        "        hwm = next(line for line in f if line.startswith('VmHWM:'))\n"
        "    print(hwm.split()[1], file=sys.stderr)\n")
GATEWAY = PEAK + ("from gateway.cli.main import main\n"
                  "code = main(['validate', sys.argv[1]])\n_peak()\n")
GATEWAY_YAML = PEAK + ("from pathlib import Path\n"
                       "from gateway.edi.schema import loader\n"
                       "loader.PREPARED = Path(sys.argv[2])\n"
                       "from gateway.cli.main import main\n"
                       "code = main(['validate', sys.argv[1]])\n_peak()\n")
PYDIFACT = PEAK + ("from pydifact.segmentcollection import Interchange\n"
                   "with open(sys.argv[1], encoding='latin-1') as f:\n"
                   "    Interchange.from_str(f.read())\n_peak()\n")
NOTHING = PEAK + "_peak()\n"


def best(repeat: int, run: Callable[[], object]) -> float:
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def cold_yaml(version: str) -> None:
    loader._base.cache_clear()  # the bases a directory is read with
    loader._MESSAGE_FILES.clear()
    loader.from_yaml("edifact", version)


def from_prepared(version: str) -> None:
    found = prepared.read(loader.PREPARED, loader.DATA, "edifact", version)
    assert found is not None, f"the prepared form of {version} is out of step"
    _ = found.messages["ORDERS"]


def allocated(run: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def in_process(repeat: int) -> None:
    print("loading one directory in process (best of", repeat, "runs):")
    print(f"  {'family':6} {'dir':5} {'prepared':>10} {'YAML':>10} {'ratio':>7}"
          f" {'memory prepared':>16} {'memory YAML':>12}")
    for family, version in FAMILIES.items():
        fast = best(repeat, lambda v=version: from_prepared(v))
        slow = best(max(2, repeat // 3), lambda v=version: cold_yaml(v))
        mem_fast = allocated(lambda v=version: from_prepared(v))
        mem_slow = allocated(lambda v=version: cold_yaml(v))
        print(f"  {family:6} {version:5} {fast * 1e3:8.1f}ms {slow * 1e3:8.1f}ms "
              f"{slow / fast:6.1f}x {mem_fast / 1e6:13.1f} MB {mem_slow / 1e6:9.1f} MB")


def run_process(script: str, *args: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"a contender failed: {done.stderr[-2000:]}")
    return elapsed, int(done.stderr.strip().splitlines()[-1])


def whole_process(repeat: int, folder: Path) -> None:
    empty = folder / "no-prepared-form"
    empty.mkdir()
    files = {}
    for family, version in FAMILIES.items():
        path = folder / f"ORDERS_{version}.edi"
        path.write_text(ORDER.format(release=version[1:]), "latin-1")
        files[family] = path
    contenders = {
        "validate": lambda p: run_process(GATEWAY, str(p)),
        "validate, YAML": lambda p: run_process(GATEWAY_YAML, str(p), str(empty)),
        "pydifact parse": lambda p: run_process(PYDIFACT, str(p)),
        "python -c pass": lambda p: run_process(NOTHING),
    }
    results: dict[tuple[str, str], tuple[float, int]] = {}
    for _ in range(repeat):  # turns: one run of each contender per round
        for family, path in files.items():
            for name, run in contenders.items():
                elapsed, rss = run(path)
                key = (family, name)
                old = results.get(key)
                results[key] = (min(elapsed, old[0]) if old else elapsed,
                                max(rss, old[1]) if old else rss)
    print(f"\none-message validate as a whole process (best of {repeat}, in turns):")
    print(f"  {'family':6} {'contender':16} {'time':>9} {'peak RSS':>10} {'/ pydifact':>11}")
    for family in files:
        base = results[(family, "pydifact parse")][0]
        for name in contenders:
            elapsed, rss = results[(family, name)]
            print(f"  {family:6} {name:16} {elapsed * 1e3:7.0f}ms {rss / 1024:7.0f} MB "
                  f"{elapsed / base:10.2f}x")


def lazy() -> None:
    """Validating one message loads its directory only."""
    loaded: list[str] = []

    def lookup(standard: str, version: str) -> Directory | None:
        loaded.append(version)
        return loader.load_directory(standard, version)

    inspect(ORDER.format(release="16A").encode("latin-1"), schemas=Schemas(lookup))
    print(f"\ndirectories loaded to validate one D16A message: {loaded} "
          f"(of {len(loader.versions('edifact'))} shipped)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    in_process(args.repeat)
    lazy()
    with tempfile.TemporaryDirectory() as folder:
        whole_process(args.repeat, Path(folder))


if __name__ == "__main__":
    main()
