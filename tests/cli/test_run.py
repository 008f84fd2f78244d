"""``edi-gateway run`` and ``ingest``: the inbound job from the command line, on a
database file of the test's own."""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.cli.main import main
from gateway.db.engine import make_engine
from gateway.db.models import metadata

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _count(url: str, name: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
    engine.dispose()
    return int(count)


def test_run_takes_a_folder_into_the_database_and_knows_it_the_second_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`run` migrates the database, stores every message of every file with one line
    each, and on a second run recognises every file as already taken in."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("edifact/ORDERS_D96A.edi", "x12/855_004010.x12", "ubl/Invoice.xml"):
        shutil.copy(SAMPLES / name, folder / Path(name).name)
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    assert main(["run", "--samples", str(folder), "--database", url]) == 0
    out = capsys.readouterr().out
    assert "+ ORDERS_D96A.edi #1 ORDERS: purchase order" in out
    assert "+ 855_004010.x12 #1 855: order response" in out
    assert "+ Invoice.xml #1 Invoice: invoice" in out
    assert _count(url, "inbound_files") == 3
    assert _count(url, "purchase_orders") == 1
    assert main(["run", "--samples", str(folder), "--database", url]) == 0
    again = capsys.readouterr().out
    assert again.count("already taken in") == 3
    assert _count(url, "inbound_files") == 3


def test_run_without_the_folder_is_a_usage_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A folder that is not there is said so, with exit code 2."""
    assert main(["run", "--samples", str(tmp_path / "nowhere"),
                 "--database", f"sqlite:///{tmp_path / 'g.db'}"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_ingest_prints_one_line_per_file_and_fails_on_an_invalid_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ingest` prints a JSON line per file with each message's outcome; exit 1 when a
    message could not be stored, 0 when all were."""
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    good = str(SAMPLES / "edifact" / "ORDERS_D96A.edi")
    assert main(["ingest", good, "--database", url]) == 0
    line = json.loads(capsys.readouterr().out)
    assert [m["status"] for m in line["messages"]] == ["stored"]
    broken = tmp_path / "broken.edi"
    broken.write_bytes((SAMPLES / "edifact" / "ORDERS_D96A.edi").read_bytes()
                       .replace(b"BGM+", b"XXX+", 1))
    assert main(["ingest", str(broken), "--database", url]) == 1
    line = json.loads(capsys.readouterr().out)
    assert [m["status"] for m in line["messages"]] == ["failed"]


def test_ingest_with_workers_prints_what_one_process_prints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ingest --workers 2` shares a file between two processes and prints the same
    outcomes as `--workers 1`; a count below one is a usage error (exit 2)."""
    mailbag = tmp_path / "mailbag.edi"
    mailbag.write_bytes(b"".join((SAMPLES / "edifact" / f"{name}.edi").read_bytes()
                                 for name in ("ORDERS_D96A", "ORDCHG_D96A", "DESADV_D96A",
                                              "RECADV_D96A", "INVOIC_D96A")))
    lines = []
    for workers in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'gateway-{workers}.db'}"
        assert main(["ingest", str(mailbag), "--database", url, "--workers", workers]) == 0
        lines.append(json.loads(capsys.readouterr().out))
    assert len(lines[0]["messages"]) == 5
    assert lines[0]["messages"] == lines[1]["messages"]
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", str(mailbag), "--workers", "0"])
    assert exit_.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_ingest_reads_standard_input_as_it_reads_a_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`ingest -` stores what standard input holds, as for the same file by its path
    (the sample's one order, stored), and the same bytes again by path are known as
    the file already ingested; the temporary copy made of standard input is gone."""
    sample = SAMPLES / "edifact" / "ORDERS_D96A.edi"
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample.read_bytes())))
    assert main(["ingest", "-", "--database", url]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["path"] == "-" and not line["already_ingested"]
    assert [m["status"] for m in line["messages"]] == ["stored"]
    assert main(["ingest", str(sample), "--database", url]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["already_ingested"]
    assert [m["position"] for m in again["messages"]] == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gateway.db"]


@pytest.mark.parametrize(("content", "why"), [
    (b"", "no messages: The file is empty or holds only whitespace."),
    (b"\x89\x00\xffjunk\x01\x02", "no messages: The file is neither EDIFACT, X12 nor XML"),
])
def test_ingest_of_a_file_without_messages_says_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, why: str) -> None:
    """Rule: a file that yields no message is a failure (exit 1) whose line says why,
    not a bare empty list; a file with messages has no reason."""
    junk = tmp_path / "junk.edi"
    junk.write_bytes(content)
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    assert main(["ingest", str(junk), "--database", url]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["messages"] == [] and line["reason"].startswith(why)
    assert main(["ingest", str(SAMPLES / "x12" / "850_004010.x12"), "--database", url]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] is None
