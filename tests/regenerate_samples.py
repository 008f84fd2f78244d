"""Rewrite the expected JSON beside every golden sample from what the CLI prints now.

The golden pairs under ``samples/`` pin the JSON contract of ``parse --json`` and
``validate``. Run this only when that contract changes on purpose, then review
the diff before committing it::

    .venv/bin/python tests/regenerate_samples.py

It runs the command line in-process on each sample and writes, beside
``<name>.<ext>``, ``<name>.parse.json`` (not for ``samples/broken/``) and
``<name>.validate.json``: the command's JSON line without its ``"path"`` key,
indented for readable diffs. A sample that an inbound mapping reads also gets
``<name>.document.json``: what ``convert <sample> --to json`` prints, the
document (or the list of documents, when the file holds several). It also owns
the layout rules the test module reads (which files are samples, which checks
apply), so both agree. Folders given as arguments (``ubl cxml``) limit the run::

    .venv/bin/python tests/regenerate_samples.py ubl cxml
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path
from typing import Any

from gateway.cli.main import main
from gateway.edi.issues import Code, Level
from gateway.edi.report import inspect
from gateway.mapping.convert import documents
from gateway.mapping.registry import Mappings, load_mappings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EDI_SUFFIXES = frozenset({".edi", ".x12"})
XML_SUFFIXES = frozenset({".xml"})
BROKEN = "broken"
# samples/schema/ holds the schema-validation and acknowledgement goldens: they
# have their own script (tests/regenerate_schema_samples.py) and test.
SCHEMA = "schema"
KINDS = ("parse", "validate")
DOCUMENT = "document"


def sample_files() -> list[Path]:
    """Every sample under ``samples/``, in a stable order."""
    suffixes = EDI_SUFFIXES | XML_SUFFIXES
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in suffixes
                  and not in_schema_folder(p))


def in_schema_folder(path: Path) -> bool:
    """Whether ``path`` is under ``samples/schema/``, which this script leaves alone."""
    return path.relative_to(SAMPLES).parts[0] == SCHEMA


def sample_id(sample: Path) -> str:
    """The sample's path relative to ``samples/``, with forward slashes."""
    return sample.relative_to(SAMPLES).as_posix()


def is_broken(sample: Path) -> bool:
    return sample.relative_to(SAMPLES).parts[0] == BROKEN


def is_edi(sample: Path) -> bool:
    return sample.suffix in EDI_SUFFIXES


@cache
def _mappings() -> Mappings:
    return load_mappings()


def is_mapped(sample: Path) -> bool:
    """Whether an inbound mapping reads (one of) the sample's messages."""
    report = inspect(sample.read_bytes(), level=Level.ENVELOPE)
    return any(all(issue.code is not Code.NO_MAPPING for issue in item.issues)
               for item in documents(report, _mappings()))


def kinds_for(sample: Path) -> tuple[str, ...]:
    """The expected files a sample has: broken files are only validated; mapped
    samples also have their business document."""
    if is_broken(sample):
        return ("validate",)
    return (*KINDS, DOCUMENT) if is_mapped(sample) else KINDS


def expected_path(sample: Path, kind: str) -> Path:
    return sample.with_name(f"{sample.stem}.{kind}.json")


def argv_for(sample: Path, kind: str) -> list[str]:
    if kind == "parse":
        return ["parse", "--json", str(sample)]
    if kind == DOCUMENT:
        return ["convert", str(sample), "--to", "json"]
    return ["validate", "--level", "envelope", str(sample)]


def without_path(line: str) -> dict[str, Any]:
    """One JSON line the CLI printed, as a value, without the machine-specific path."""
    value: dict[str, Any] = json.loads(line)
    value.pop("path", None)
    return value


def expected_value(kind: str, printed: str) -> Any:
    """The expected JSON value for what the CLI printed for ``kind``."""
    if kind == DOCUMENT:
        docs = [json.loads(line) for line in printed.splitlines() if line.strip()]
        return docs[0] if len(docs) == 1 else docs
    return without_path(printed)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Exit code and standard output of ``edi-gateway ARGV``, run in-process."""
    # A text stream over bytes: `convert` writes to sys.stdout.buffer.
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    with redirect_stdout(out):
        code = main(argv)
    out.flush()
    return code, raw.getvalue().decode("utf-8")


def regenerate(folders: list[str]) -> int:
    changed = 0
    wanted: set[Path] = set()
    for sample in sample_files():
        if folders and sample.relative_to(SAMPLES).parts[0] not in folders:
            wanted.update(expected_path(sample, kind) for kind in kinds_for(sample))
            continue
        for kind in kinds_for(sample):
            _code, printed = run_cli(argv_for(sample, kind))
            target = expected_path(sample, kind)
            wanted.add(target)
            text = dump(expected_value(kind, printed))
            if not target.exists() or target.read_text("utf-8") != text:
                target.write_text(text, "utf-8")
                changed += 1
                print(f"wrote {target.relative_to(SAMPLES)}")
    present = {p for p in SAMPLES.rglob("*.json") if not in_schema_folder(p)}
    for stale in sorted(present - wanted):
        print(f"stale (no sample beside it; delete it by hand): {stale.relative_to(SAMPLES)}")
    print(f"{changed} expected file(s) changed; review the diff before committing.")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate(sys.argv[1:]))
