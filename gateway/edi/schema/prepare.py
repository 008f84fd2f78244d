"""Writing the prepared form of the standards from their YAML, and checking it.

``python -m gateway.edi.schema.prepare`` writes ``prepared/<standard>/<version>.json.gz``
for every shipped directory (a maintainer's step after changing the YAML or
regenerating it); ``--check`` only lists the files out of step with the YAML, as
the tests do. What a prepared file holds and how the loader trusts it is in
:mod:`gateway.edi.schema.prepared`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gateway.edi.schema import loader
from gateway.edi.schema.prepared import dumps, encode, fingerprint, loads, source_file

FOLDER = Path(__file__).resolve().parent / "prepared"
STANDARDS = ("edifact", "x12")


def prepare(standard: str, version: str) -> dict[str, Any]:
    """The prepared data of one directory, read afresh from its YAML."""
    loaded = loader.from_yaml(standard, version)
    if loaded is None:
        raise LookupError(f"no {standard} directory {version}")
    sources = {relative: fingerprint(source_file(loader.DATA, relative).read_bytes())
               for relative in loaded.sources}
    return encode(loaded.directory, sources)


def expected_files() -> dict[Path, bytes]:
    """Every prepared file as the YAML makes it, by path under :data:`FOLDER`."""
    return {FOLDER / standard / f"{version}.json.gz": dumps(prepare(standard, version))
            for standard in STANDARDS for version in loader.versions(standard)}


def out_of_step() -> list[str]:
    """Prepared files that are missing, differ from what the YAML gives, or have
    no YAML any more (paths under :data:`FOLDER`)."""
    wanted = expected_files()
    found = set(FOLDER.glob("*/*.json.gz"))
    wrong = [p for p, raw in wanted.items()
             if not p.is_file() or loads(p.read_bytes()) != loads(raw)]
    return sorted(str(p.relative_to(FOLDER)) for p in [*wrong, *(found - set(wanted))])


def main(argv: list[str] | None = None) -> int:
    """Write every prepared file (``--check``: only say which are out of step)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        stale = out_of_step()
        for name in stale:
            print(f"out of step with the YAML: prepared/{name}", file=sys.stderr)
        return 1 if stale else 0
    if args:
        print("usage: python -m gateway.edi.schema.prepare [--check]", file=sys.stderr)
        return 2
    wanted = expected_files()
    for path in FOLDER.glob("*/*.json.gz"):
        if path not in wanted:
            path.unlink()
    for path, raw in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != raw:
            path.write_bytes(raw)
    print(f"{len(wanted)} prepared directories in {FOLDER}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
