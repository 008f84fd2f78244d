"""Rewrite the expected JSON beside every golden sample from what the CLI prints now.

The golden pairs under ``samples/`` pin the JSON contract of ``parse --json`` and
``validate``. Run this only when that contract changes on purpose, then review
the diff before committing it::

    .venv/bin/python tests/regenerate_samples.py

It runs the command line in-process on each sample and writes, beside
``<name>.<ext>``, ``<name>.parse.json`` (not for ``samples/broken/``) and
``<name>.validate.json``: the command's JSON line without its ``"path"`` key,
indented for readable diffs. It also owns the layout rules the test module
reads (which files are samples, which checks apply), so both agree.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from gateway.cli.main import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EDI_SUFFIXES = frozenset({".edi", ".x12"})
XML_SUFFIXES = frozenset({".xml"})
BROKEN = "broken"
KINDS = ("parse", "validate")


def sample_files() -> list[Path]:
    """Every sample under ``samples/``, in a stable order."""
    suffixes = EDI_SUFFIXES | XML_SUFFIXES
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in suffixes)


def sample_id(sample: Path) -> str:
    """The sample's path relative to ``samples/``, with forward slashes."""
    return sample.relative_to(SAMPLES).as_posix()


def is_broken(sample: Path) -> bool:
    return sample.relative_to(SAMPLES).parts[0] == BROKEN


def is_edi(sample: Path) -> bool:
    return sample.suffix in EDI_SUFFIXES


def kinds_for(sample: Path) -> tuple[str, ...]:
    """The expected files a sample has: broken files are only validated."""
    return ("validate",) if is_broken(sample) else KINDS


def expected_path(sample: Path, kind: str) -> Path:
    return sample.with_name(f"{sample.stem}.{kind}.json")


def argv_for(sample: Path, kind: str) -> list[str]:
    if kind == "parse":
        return ["parse", "--json", str(sample)]
    return ["validate", "--level", "envelope", str(sample)]


def without_path(line: str) -> dict[str, Any]:
    """One JSON line the CLI printed, as a value, without the machine-specific path."""
    value: dict[str, Any] = json.loads(line)
    value.pop("path", None)
    return value


def dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Exit code and standard output of ``edi-gateway ARGV``, run in-process."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def regenerate() -> int:
    changed = 0
    wanted: set[Path] = set()
    for sample in sample_files():
        for kind in kinds_for(sample):
            _code, printed = run_cli(argv_for(sample, kind))
            target = expected_path(sample, kind)
            wanted.add(target)
            text = dump(without_path(printed))
            if not target.exists() or target.read_text("utf-8") != text:
                target.write_text(text, "utf-8")
                changed += 1
                print(f"wrote {target.relative_to(SAMPLES)}")
    for stale in sorted(set(SAMPLES.rglob("*.json")) - wanted):
        print(f"stale (no sample beside it; delete it by hand): {stale.relative_to(SAMPLES)}")
    print(f"{changed} expected file(s) changed; review the diff before committing.")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
