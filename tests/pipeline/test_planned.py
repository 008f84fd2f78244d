"""Planning's documents through the outbound flow, on SQLite and PostgreSQL: the service's
planning job runs the cycle on a retailer's sales history; the approved proposal's
purchase order and the agreed forecast are rendered for the supplier's profile (our
envelope, its control numbers) and sent through the outbound queue to its outbox; a
document whose partner no profile names waits, ready, until one does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.documents.models import Forecast, PurchaseOrder
from gateway.jobs.service import Opened, Settings, drain, open_gateway
from gateway.pipeline.planned import run_cycle, send_planned
from gateway.planning import replenishment
from gateway.planning.models import DocumentStatus, PlanningDocument, Proposal
from tests.pipeline.test_send import read_back
from tests.planning.conftest import NOW, loaded

__all__ = ["loaded"]  # the planning tests' database, shared

SUPPLIER = """
name: acme-housewares
display_name: Acme Housewares Inc.
identities:
  - {scheme: isa, qualifier: "01", id: "039456712"}
  - {scheme: gs, id: "039456712"}
  - {scheme: duns, id: "039456712"}
us:
  - {scheme: isa, qualifier: "14", id: "0614141000012"}
  - {scheme: gs, id: "0614141000012"}
channel: {type: folder, settle_seconds: 0}
defaults:
  standard: x12
  version: "004010"
  ack: {send: ["997"], expect: "997", within_hours: 24}
  delimiters: {segment: "~", element: "*", component: ">"}
  charset: ascii
agreements:
  - {message: "850", direction: out}
  - {message: "830", direction: out}
"""


def _now() -> datetime:
    return NOW


def _open(loaded: Engine, tmp_path: Path, profile: str | None) -> Opened:
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    if profile is not None:
        (folder / "acme-housewares.yaml").write_text(profile, "utf-8")
    return open_gateway(Settings(var=tmp_path / "var", partners=folder,
                                 database=loaded.url.render_as_string(hide_password=False)),
                        clock=_now)


@pytest.fixture
def opened(loaded: Engine, tmp_path: Path) -> Iterator[Opened]:
    found = _open(loaded, tmp_path, SUPPLIER)
    try:
        yield found
    finally:
        found.close()


def _cycle_and_approve(gw: Opened) -> int:
    """The planning job's cycle (VMI policy: one proposal), then the buyer approves it."""
    report = run_cycle(gw.gateway)
    assert report.cycle is not None and "1 proposals" in report.cycle
    assert report.queued == []  # nothing approved yet
    with Session(gw.gateway.engine) as session, session.begin():
        proposal = session.execute(select(table(Proposal).c.id)).scalar_one()
        replenishment.approve(session, [proposal], reviewer="buyer@northwind", clock=_now,
                              mappings=gw.gateway.sets.of(None))
    return int(proposal)


def test_an_approved_proposal_leaves_as_an_850_and_830_to_the_supplier(
        opened: Opened) -> None:
    """The purchase order PLN<proposal> and the agreed forecast go to Acme Housewares
    (DUNS 039456712, the policy's supplier) as ISA 1 and 2 from our 14/0614141000012;
    they read back as the order and the forecast; planning's rows are handed over, and
    the next run has nothing left to send."""
    proposal = _cycle_and_approve(opened)
    report = send_planned(opened.gateway)
    assert [(q.partner, q.message, q.control) for q in report.queued] == [
        ("acme-housewares", "850", "000000001"), ("acme-housewares", "830", "000000002")]
    assert drain(opened.gateway).sent.sent == 2
    outbox = opened.settings.partner_folders / "acme-housewares" / "outbox"
    (order_file,) = outbox.glob("850_*")
    text = order_file.read_text("ascii")
    assert text.startswith("ISA*00*          *00*          *14*0614141000012  *01*039456712")
    order = read_back(order_file.read_bytes())
    assert isinstance(order, PurchaseOrder) and order.number == f"PLN{proposal:07d}"
    assert order.lines[0].item.gtin == "614141100019"  # the UPC, as PO1 UP carries it
    (forecast_file,) = outbox.glob("830_*")
    forecast = read_back(forecast_file.read_bytes())
    assert isinstance(forecast, Forecast) and len(forecast.lines[0].periods) > 0
    documents = table(PlanningDocument)
    with opened.gateway.engine.connect() as conn:
        statuses = list(conn.execute(select(documents.c.status)).scalars())
    assert statuses == [DocumentStatus.HANDED_OVER.value] * 2
    assert send_planned(opened.gateway).queued == []


def test_a_document_for_a_partner_without_a_profile_waits_ready(
        loaded: Engine, tmp_path: Path) -> None:
    """Without the supplier's profile, the order and forecast are given back ready, each
    with a reason naming the identity duns:039456712; once the profile is there, the
    next run sends them."""
    first = _open(loaded, tmp_path, None)
    try:
        _cycle_and_approve(first)
        report = send_planned(first.gateway)
        assert report.queued == []
        assert len(report.waiting) == 2
        assert all("no partner profile has the identity duns:039456712" in reason
                   for reason in report.waiting)
    finally:
        first.close()
    documents = table(PlanningDocument)
    with loaded.connect() as conn:
        assert list(conn.execute(select(documents.c.status)).scalars()) == ["ready"] * 2
    fixed = _open(loaded, tmp_path, SUPPLIER)
    try:
        assert [q.message for q in send_planned(fixed.gateway).queued] == ["850", "830"]
    finally:
        fixed.close()
