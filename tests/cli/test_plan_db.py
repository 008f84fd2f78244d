"""``edi-gateway plan forecast|exceptions|proposals|approve`` on a database: the
planning cycle from the command line, readable tables and JSON/CSV for tools."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.mapping.registry import load_mappings
from gateway.pipeline.ingest import ingest
from tests.planning.conftest import FIRST_WEEK, PLANNING, SOLD_19, SOLD_26, TODAY, WEEKS
from tests.planning.x12 import forecast_830, sales_852


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    engine = make_engine(url)
    upgrade(engine)
    mappings = load_mappings()
    for week in range(WEEKS):
        data = sales_852(FIRST_WEEK + timedelta(weeks=week),
                         {"614141100019": SOLD_19[week], "614141100026": SOLD_26[week]},
                         {"614141100019": 20, "614141100026": 15}, f"R{week:03d}",
                         100 + week)
        ingest(engine, data, f"852-{week}.x12", mappings)
    weeks = [TODAY + timedelta(weeks=k) for k in range(4)]
    ingest(engine, forecast_830("NW-FC-27", TODAY, weeks, {"614141100019": [31, 32, 60, 33]},
                                300), "830.x12", mappings)
    engine.dispose()
    return url


def test_the_planning_round_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """forecast --setup runs the cycle; exceptions lists and resolves; proposals lists
    in every format; approve writes the 850 and the 830 into --out."""
    url = _database(tmp_path)
    (tmp_path / "planning.yaml").write_text(PLANNING)
    common = ["--database", url, "--today", TODAY.isoformat()]
    assert main(["plan", "forecast", "--setup", str(tmp_path / "planning.yaml"),
                 "--horizon", "8", "--format", "json", *common]) == 0
    (summary,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert summary["series"] == 2 and summary["proposals"] == 1
    assert summary["exceptions"] == 1

    assert main(["plan", "exceptions", "--format", "csv", *common]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["partner"] == "60" and row["status"] == "open" and row["priority"] == "high"
    assert main(["plan", "exceptions", "--resolve", row["id"], "--resolution", "manual",
                 "--quantity", "45", "--reviewer", "ann", *common]) == 0
    captured = capsys.readouterr()
    assert "agreed forecast 45" in captured.err
    assert "(none)" in captured.out  # no open exception left

    assert main(["plan", "proposals", *common]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["id", "item", "location", "quantity"]
    proposal_id = table[1].split()[0]
    assert "gtin:00614141100019" in table[1]

    out = tmp_path / "out"
    assert main(["plan", "approve", proposal_id, "--reviewer", "bob", "--out", str(out),
                 *common]) == 0
    capsys.readouterr()
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"F{int(proposal_id):07d}.x12", f"PLN{int(proposal_id):07d}.x12"]
    assert b"ST*850*" in (out / f"PLN{int(proposal_id):07d}.x12").read_bytes()
    assert b"ST*830*" in (out / f"F{int(proposal_id):07d}.x12").read_bytes()
    assert b"FST*45*" in (out / f"F{int(proposal_id):07d}.x12").read_bytes()

    assert main(["plan", "approve", proposal_id, "--reviewer", "bob", *common]) == 1
    assert "is approved, not proposed" in capsys.readouterr().err


def test_usage_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Resolving without a reviewer, or a planning file that is not there, exits 2."""
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    assert main(["plan", "exceptions", "--resolve", "1", "--database", url]) == 2
    assert "--reviewer" in capsys.readouterr().err
    assert main(["plan", "forecast", "--setup", str(tmp_path / "none.yaml"),
                 "--database", url]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["plan"]) == 2
