"""``edi-gateway plan forecast --history FILE.csv``: CSV in, CSV out, located errors."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from gateway.cli.main import main


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(("item", "location", "period", "quantity"))
        out.writerows(rows)
    return path


def _weekly(tmp_path: Path) -> Path:
    start = date(2024, 1, 1)
    rows = []
    for week in range(30):
        day = (start + timedelta(weeks=week)).isoformat()
        rows.append(("SKU-1", "STORE-1", day, str(20 + week % 4)))
        if week % 3 == 0:
            rows.append(("SKU-2", "STORE-1", day, "3"))
    return _write(tmp_path / "history.csv", rows)


def test_forecast_writes_one_row_per_series_and_period(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two weekly series and horizon 3: six rows after the header, periods continuing
    the weeks after the last one (2024-07-22 is week 30), p10 <= p50 <= p90, none
    negative."""
    path = _weekly(tmp_path)
    assert main(["plan", "forecast", "--history", str(path), "--horizon", "3",
                 "--season", "4"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["item", "location", "period", "forecast", "p10", "p50", "p90"]
    assert [(r["item"], r["period"]) for r in rows] == [
        ("SKU-1", "2024-07-29"), ("SKU-1", "2024-08-05"), ("SKU-1", "2024-08-12"),
        ("SKU-2", "2024-07-29"), ("SKU-2", "2024-08-05"), ("SKU-2", "2024-08-12")]
    for row in rows:
        p10, p50, p90 = float(row["p10"]), float(row["p50"]), float(row["p90"])
        assert 0 <= p10 <= p50 <= p90
        assert float(row["forecast"]) >= 0
    # SKU-1 repeats 20, 21, 22, 23 every four weeks; week 30 is 20 + 30 % 4 = 22.
    assert [round(float(r["forecast"])) for r in rows[:3]] == [22, 23, 20]


@pytest.mark.parametrize(("content", "message"), [
    ("item,period,quantity\nA,2024-01-01,1\n", "line 1: the header lacks location"),
    ("item,location,period,quantity\nA,S,2024-13-01,1\n", "line 2: period '2024-13-01'"),
    ("item,location,period,quantity\nA,S,2024-01-01,1\nA,S,2024-01-08,x\n",
     "line 3: quantity 'x' is not a number"),
    ("item,location,period,quantity\n", "no rows after the header"),
])
def test_bad_history_is_a_located_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    """A broken CSV gives exit 2 and a message naming the file and line, no traceback."""
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["plan", "forecast", "--history", str(path), "--horizon", "2"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and message in err


def test_missing_file_and_missing_horizon(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable file or no horizon is a one-line usage error."""
    assert main(["plan", "forecast", "--history", str(tmp_path / "none.csv"),
                 "--horizon", "2"]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["plan", "forecast", "--history", str(_weekly(tmp_path))]) == 2
    assert "--horizon" in capsys.readouterr().err


def test_the_command_as_a_whole_process(tmp_path: Path) -> None:
    """Run as a process, the command prints the CSV on stdout and nothing on stderr."""
    done = subprocess.run([sys.executable, "-m", "gateway.cli.main", "plan", "forecast",
                           "--history", str(_weekly(tmp_path)), "--horizon", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[0] == "item,location,period,forecast,p10,p50,p90"
    assert len(done.stdout.splitlines()) == 5
