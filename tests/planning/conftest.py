"""A retailer's planning documents stored in a fresh database (SQLite and PostgreSQL):
26 weekly 852s from one store (two items), a corrected 852 for week 3, the chain's
830 order forecast for the next four weeks, and a planning file (one criterion,
one VMI policy)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.mapping.registry import load_mappings
from gateway.pipeline.ingest import ingest
from gateway.planning import cycle
from tests.planning.x12 import forecast_830, sales_852

FIRST_WEEK = date(2024, 1, 1)  # a Monday
WEEKS = 26
# Item 19 sells 30 + (week % 4) a week (30, 31, 32, 33, ...); item 26 sells 8 a week.
SOLD_19 = [30 + w % 4 for w in range(WEEKS)]
SOLD_26 = [8] * WEEKS
TODAY = FIRST_WEEK + timedelta(weeks=WEEKS)  # 2024-07-01, the first week forecast
NOW = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)

PLANNING = """
criteria:
  - id: FC-VS-PARTNER
    note: our sales forecast against the retailer's order forecast, week by week
    partner: gln:0614141000012
    compare: forecast_vs_partner
    comparison: exceeds
    threshold: 25
    unit: percent
    priority: high
    default_resolution: average
policies:
  - item: gtin:614141100019
    location: gln:0614141000029
    kind: "R,S"
    buyer: gln:0614141000012
    buyer_name: NORTHWIND RETAIL
    supplier: duns:039456712
    supplier_name: ACME HOUSEWARES INC
    review_periods: 1
    lead_time_periods: 1
    service_level: 0.95
    minimum_order: 24
    pack_size: 12
    vmi: true
"""


def clock() -> datetime:
    return NOW


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    mappings = load_mappings()
    for week in range(WEEKS):
        start = FIRST_WEEK + timedelta(weeks=week)
        data = sales_852(start, {"614141100019": SOLD_19[week], "614141100026": SOLD_26[week]},
                         {"614141100019": 20, "614141100026": 15}, f"R{week:03d}", 100 + week)
        result = ingest(engine, data, f"852-{week}.x12", mappings)
        assert result.stored == 1, result.messages[0].detail
    # A corrected report for week 3: 99 sold of item 19 instead of 33. It replaces it.
    corrected = sales_852(FIRST_WEEK + timedelta(weeks=3), {"614141100019": 99},
                          {"614141100019": 20}, "R003C", 200)
    assert ingest(engine, corrected, "852-3-corrected.x12", mappings).stored == 1
    weeks = [TODAY + timedelta(weeks=k) for k in range(4)]
    order_forecast = forecast_830("NW-FC-27", TODAY - timedelta(days=3), weeks,
                                  {"614141100019": [31, 32, 60, 33]}, 300)
    assert ingest(engine, order_forecast, "830.x12", mappings).stored == 1
    (tmp_path / "planning.yaml").write_text(PLANNING)
    with Session(engine) as session, session.begin():
        assert cycle.load_planning_file(session, tmp_path / "planning.yaml") == \
            (["FC-VS-PARTNER"], 1)
    return engine
