"""Each command imports only what it uses: starting `validate` does not load the
database, mapping or XML libraries that other commands need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EDIFACT = str(SAMPLES / "edifact" / "ORDERS_D96A.edi")
X12 = str(SAMPLES / "x12" / "850_004010.x12")

# What a command on an EDI file never needs: the database (SQLAlchemy, Alembic, the
# gateway's db, pipeline and domain packages), the business documents and mappings
# (pydantic) and the XML stack (lxml, Saxon).
DATABASE = ("sqlalchemy", "alembic", "psycopg", "gateway.db", "gateway.pipeline",
            "gateway.orders", "gateway.inventory", "gateway.traffic")
DOCUMENTS = ("pydantic", "gateway.documents", "gateway.mapping")
XML = ("lxml", "saxonche", "gateway.edi.xml")

_PROBE = """
import contextlib, io, json, sys
from gateway.cli.main import main
with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(*argv: str) -> set[str]:
    """The modules loaded by the end of one command run in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True,
                          text=True, check=True, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _loaded(modules: set[str], families: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in families or m.startswith(
        tuple(f + "." for f in families)))


@pytest.mark.parametrize("argv", [
    ["validate", EDIFACT], ["validate", X12], ["validate", "--level", "syntax", EDIFACT],
    ["detect", EDIFACT], ["parse", EDIFACT], ["parse", "--json", X12],
    ["ack", X12, "--now", "2025-01-01T00:00"], ["ack", EDIFACT, "--now", "2025-01-01T00:00"],
], ids=lambda argv: " ".join(a.rsplit("/", 1)[-1] for a in argv))
def test_edi_commands_load_no_database_document_or_xml_library(argv: list[str]) -> None:
    """detect, parse, validate and ack on EDI files start without SQLAlchemy, Alembic,
    pydantic, the mapping engine or lxml."""
    modules = _modules(*argv)
    assert _loaded(modules, DATABASE) == []
    assert _loaded(modules, DOCUMENTS) == []
    assert _loaded(modules, XML) == []


def test_help_loads_no_command_library() -> None:
    """Listing the commands loads none of the libraries they use."""
    modules = _modules("--help")
    assert _loaded(modules, DATABASE + DOCUMENTS + XML) == []


def test_convert_loads_no_database_library() -> None:
    """convert maps documents but stores nothing: no SQLAlchemy or Alembic."""
    modules = _modules("convert", EDIFACT, "--to", "json")
    assert "gateway.mapping.convert" in modules  # the probe ran the command
    assert _loaded(modules, DATABASE) == []
