"""`edi-gateway send` and `edi-gateway traffic` on the demo partners after `serve --once`
took their sample orders in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.cli.main import main


def test_send_puts_an_855_in_the_outbox_and_traffic_lists_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After the demo 850 (PO 4500017821) and 860 were answered with 997s 1 and 2, `send`
    writes the order response as ISA 3, sends it to NWRETAIL's outbox and prints one
    JSON line (exit 0); `traffic` lists it sent, a 997 expected."""
    var = tmp_path / "var"
    assert main(["serve", "--once", "--var", str(var)]) == 0
    capsys.readouterr()
    assert main(["send", "--var", str(var), "--partner", "nwretail",
                 "--document", "order-response", "--order", "4500017821"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert (line["message"], line["number"], line["control"], line["status"]) == (
        "855", "4500017821-1", "000000003", "sent")
    assert (var / "partners" / "nwretail" / "outbox" / "855_nwretail_000000003.x12").is_file()
    assert main(["traffic", "--var", str(var), "--partner", "nwretail"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("#") and " nwretail 855 4500017821-1 sent; ack: expected 997" \
        in listing[0]


def test_send_without_such_an_order_says_so_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An order the partner never sent: one line on stderr naming it, exit 2, nothing
    in the outbox."""
    var = tmp_path / "var"
    assert main(["serve", "--once", "--no-demo", "--var", str(var)]) == 0
    capsys.readouterr()
    assert main(["send", "--var", str(var), "--partner", "nwretail",
                 "--document", "invoice", "--order", "123"]) == 2
    err = capsys.readouterr().err
    assert err == "edi-gateway send: no purchase order 123 from nwretail is stored\n"
    assert list((var / "partners" / "nwretail" / "outbox").iterdir()) == []
