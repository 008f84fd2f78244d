"""`edi-gateway partners` and `--partner NAME` on the other commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.cli.main import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_check_list_and_show_the_demo_partners(capsys: pytest.CaptureFixture[str]) -> None:
    """check passes on the demo partners, list has a line each, show prints the profile
    with its defaults filled in."""
    assert main(["partners", "check"]) == 0
    assert "4 partner profiles checked" in capsys.readouterr().out
    assert main(["partners", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and any(line.startswith("nwretail ") and " x12 " in line
                                   for line in lines)
    assert main(["partners", "show", "northwind-be"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {a["message"] for a in shown["agreements"] if a["direction"] == "in"} == {
        "ORDERS", "ORDCHG", "RECADV", "SLSRPT", "DELFOR"}
    assert all(a["ack"]["send"] == ["CONTRL"] for a in shown["agreements"])


def test_check_names_an_agreement_without_a_mapping(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """An agreement for a message no mapping reads fails the check, naming the file and
    the agreement."""
    (tmp_path / "odd.yaml").write_text(
        "name: odd\ndisplay_name: Odd\nidentities: [{scheme: gln, id: '4000000000003'}]\n"
        "channel: {type: folder}\nagreements:\n"
        "  - {message: '999', direction: in, standard: x12, version: '004010'}\n", "utf-8")
    assert main(["partners", "check", "--partners", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'odd.yaml'}: agreements.0: no inbound mapping for x12 004010 999" in err


def test_show_an_unknown_partner_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """show NAME for a name no profile has says which names there are."""
    assert main(["partners", "show", "nobody"]) == 2
    assert "known: acme-retail" in capsys.readouterr().err


def test_partner_option_takes_the_overlays_from_the_profile(
        capsys: pytest.CaptureFixture[str]) -> None:
    """--partner NAME looks the profile up and applies its overlays; a name with no
    profile is refused, naming the partners folder."""
    assert main(["check-mappings", "--partner", "acme-retail"]) == 0
    assert main(["check-mappings", "--partner", "nobody"]) == 1
    assert "no partner profile 'nobody'" in capsys.readouterr().err
    order = SAMPLES / "edifact" / "ORDERS_D96A.edi"
    assert main(["convert", str(order), "--to", "json", "--partner", "northwind-be"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["number"] == "PO4500017821"
