"""`edi-gateway serve --once` on the demo partners, `reprocess`, and `run` telling the
truth about what it took."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway.cli.main import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_serve_once_takes_the_demo_files_in_and_answers_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With nothing configured but a var folder: the demo files go into their inboxes,
    each is processed and answered (997s and CONTRLs in the outboxes), exit 0; a
    second run finds nothing new."""
    var = tmp_path / "var"
    assert main(["serve", "--once", "--var", str(var)]) == 0
    out = capsys.readouterr().out
    assert "5 files processed, 0 not cleanly; 5 sent" in out
    assert f"database  sqlite:///{var / 'gateway.db'}" in out
    x12 = sorted(p.name for p in (var / "partners" / "nwretail" / "outbox").iterdir())
    edifact = sorted(p.name for p in (var / "partners" / "northwind-be" / "outbox").iterdir())
    assert x12 == ["997_nwretail_000000001.x12", "997_nwretail_000000002.x12"]
    assert edifact == [f"CONTRL_northwind-be_{n}.edi" for n in (1, 2, 3)]
    assert main(["serve", "--once", "--var", str(var)]) == 0
    assert "0 files processed" in capsys.readouterr().out


def test_serve_once_exits_1_when_a_file_is_quarantined_and_reprocess_takes_it_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file from an unknown sender makes the exit status 1 with its reason; reprocess
    puts it back; it stays quarantined while its profile is unchanged."""
    var = tmp_path / "var"
    assert main(["serve", "--once", "--no-demo", "--var", str(var)]) == 0
    stranger = (SAMPLES / "x12" / "850_004010.x12").read_bytes().replace(
        b"ZZ*NWRETAIL       ", b"ZZ*SOMEONE        ")
    (var / "partners" / "nwretail" / "inbox" / "po.x12").write_bytes(stranger)
    import os  # noqa: PLC0415

    os.utime(var / "partners" / "nwretail" / "inbox" / "po.x12", (1, 1))  # settled
    capsys.readouterr()
    assert main(["serve", "--once", "--no-demo", "--var", str(var)]) == 1
    out = capsys.readouterr().out
    assert "! file 1: quarantined" in out and "isa:ZZ:SOMEONE" in out
    assert main(["reprocess", "--quarantined", "--var", str(var)]) == 0
    assert "file 1: received again" in capsys.readouterr().out
    assert main(["serve", "--once", "--no-demo", "--var", str(var)]) == 1


def test_run_takes_files_whatever_their_suffix_and_fails_when_one_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An .EDI and a .dat file are taken like any other, a README is listed as not EDI,
    and one broken file makes the exit status 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "edifact" / "ORDERS_D96A.edi", folder / "ORDERS.EDI")
    shutil.copy(SAMPLES / "x12" / "855_004010.x12", folder / "855.dat")
    (folder / "README.md").write_text("what this folder is\n", "utf-8")
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    assert main(["run", "--samples", str(folder), "--database", url]) == 0
    out = capsys.readouterr().out
    assert "+ ORDERS.EDI #1 ORDERS" in out and "+ 855.dat #1 855" in out
    assert "2 of the 3 files" in out and "1 are not EDIFACT, X12 or XML" in out
    shutil.copy(SAMPLES / "broken" / "UNT_count_wrong.edi", folder / "broken.edi")
    assert main(["run", "--samples", str(folder), "--database", url]) == 1
