"""``edi-gateway run``: the gateway's main job on embedded defaults.

For now it reads the golden samples shipped in ``samples/`` (or a folder
given) and reports, per file, what the gateway found: standard, messages and
whether they are valid. Later the same command runs the inbound pipeline.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gateway.edi.issues import Level
from gateway.edi.report import inspect

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "samples"
INPUT_SUFFIXES = {".edi", ".x12", ".xml", ".txt"}


def register(commands: Any) -> None:
    p = commands.add_parser("run", help="run the gateway on its embedded defaults")
    p.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES,
                   help="folder of files to read (default: the project's samples/)")
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    folder: Path = args.samples
    if not folder.is_dir():
        print(f"edi-gateway run: {folder} is not a folder")
        return 2
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in INPUT_SUFFIXES)
    valid = 0
    for path in files:
        report = inspect(path.read_bytes())
        line = report.validation_json(str(path.relative_to(folder)), Level.ENVELOPE)
        kinds = ", ".join(f"{m['type']} {m['version']}".strip() for m in line["messages"])
        mark = "ok " if line["valid"] else "BAD"
        print(f"{mark} {line['path']:<55} {line['standard']:<8} {kinds}")
        for issue in line["issues"]:
            if issue["severity"] in ("fatal", "error"):
                print(f"      {issue['severity']}: {issue['message']}")
        valid += bool(line["valid"])
    print(f"{len(files)} files read from {folder}: {valid} valid, {len(files) - valid} not.")
    return 0
