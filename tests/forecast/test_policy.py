"""Replenishment arithmetic against worked examples, and order rounding in exact
decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.forecast.policy import (
    Policy,
    PolicyKind,
    Position,
    ServiceMeasure,
    decide,
    loss,
    round_order,
    safety_stock,
)

D = Decimal
TEN = [D(10)] * 8


def test_order_up_to_worked_example() -> None:
    """(R,S), demand 10 a period, lead time 2, review 1, sigma 4, 95% cycle service:
    SS = 1.64485 x 4 x 1.73205 = 11.3957, rounded up to thousandths 11.396;
    S = 30 + 11.396 = 41.396; position 12 + 5 on order = 17; need 24.396;
    minimum 20, packs of 6: 30."""
    policy = Policy(PolicyKind.ORDER_UP_TO, review_periods=1, lead_time_periods=2,
                    service_level=D("0.95"), minimum_order=D(20), pack_size=D(6))
    found = decide(policy, TEN, 4.0, Position(on_hand=D(12), on_order=D(5)))
    assert found.safety_stock == D("11.396")
    assert found.target == D("41.396")
    assert found.position == D(17)
    assert found.needed == D("24.396")
    assert found.quantity == D(30)


def test_position_counts_every_bucket() -> None:
    """IP = on hand + on order + in transit + planned - backorders."""
    assert Position(D(10), D(4), D(3), D(2), D(6)).total == D(13)


def test_min_max_orders_only_at_or_below_s() -> None:
    """(s,S) with s = 25 and S = 60 fixed: at 26 nothing; at 25, up to 60 (35)."""
    policy = Policy(PolicyKind.MIN_MAX, reorder_point=D(25), order_up_to=D(60))
    assert decide(policy, TEN, 0.0, Position(on_hand=D(26))).quantity == D(0)
    assert decide(policy, TEN, 0.0, Position(on_hand=D(25))).quantity == D(35)


def test_reorder_point_orders_whole_multiples_of_q() -> None:
    """(s,Q), s = 30 (lead 2 x 10 + SS 10 fixed as s), Q = 15: at 31 nothing; at 30 one
    Q; at 2 two Q (2 + 15 = 17 <= 30, 2 + 30 = 32 > 30)."""
    policy = Policy(PolicyKind.REORDER_POINT, reorder_point=D(30), order_quantity=D(15),
                    lead_time_periods=2)
    assert decide(policy, TEN, 0.0, Position(on_hand=D(31))).quantity == D(0)
    assert decide(policy, TEN, 0.0, Position(on_hand=D(30))).quantity == D(15)
    assert decide(policy, TEN, 0.0, Position(on_hand=D(2))).quantity == D(30)


def test_computed_reorder_point_covers_lead_time_demand_and_safety_stock() -> None:
    """s = demand over lead time + SS over lead time: 2 x 10 + 0 with no error."""
    policy = Policy(PolicyKind.MIN_MAX, lead_time_periods=2, review_periods=1)
    found = decide(policy, TEN, 0.0, Position(on_hand=D(20)))
    assert found.reorder_point == D(20)
    assert found.target == D(30)
    assert found.quantity == D(10)


@pytest.mark.parametrize(("needed", "minimum", "pack", "maximum", "expected"), [
    (D("0"), D(10), D(6), None, D(0)),  # nothing needed, nothing ordered
    (D("0.001"), D(0), D(1), None, D(1)),  # a thousandth is a whole unit
    (D("7"), D(10), D(1), None, D(10)),  # raised to the minimum
    (D("13"), D(0), D(6), None, D(18)),  # up to whole packs
    (D("2.5"), D(0), D("0.25"), None, D("2.5")),  # exact decimal packs, no float drift
    (D("2.51"), D(0), D("0.25"), None, D("2.75")),
    (D("100"), D(0), D(12), D(50), D(48)),  # held to the whole packs below the maximum
    (D("5"), D(24), D(12), None, D(24)),  # minimum, then packs
])
def test_rounding_minimum_packs_maximum(needed: Decimal, minimum: Decimal, pack: Decimal,
                                        maximum: Decimal | None, expected: Decimal) -> None:
    """Minimum order first, then up to whole packs, then down to the maximum's packs."""
    policy = Policy(minimum_order=minimum, pack_size=pack, maximum_order=maximum)
    assert round_order(needed, policy) == expected


def test_fill_rate_safety_stock_solves_the_loss_function() -> None:
    """For a 98% fill rate, order 100 and sigma 20 over the protection period, k solves
    G(k) = 0.02 x 100 / 20 = 0.1. The loss table gives G(0.90) = 0.1004 and
    G(0.91) = 0.0986, so k = 0.9024 by interpolation and SS = 18.05."""
    policy = Policy(service_level=D("0.98"), measure=ServiceMeasure.FILL_RATE)
    found = safety_stock(policy, 20.0, 1, D(100))
    assert loss(0.90) == pytest.approx(0.1004, abs=1e-4)
    assert loss(0.91) == pytest.approx(0.0986, abs=1e-4)
    assert found == pytest.approx(D("18.05"), abs=D("0.01"))


def test_safety_stock_grows_with_the_square_root_of_protection() -> None:
    """Four periods of protection need twice the safety stock of one."""
    policy = Policy(service_level=D("0.9"))
    one = safety_stock(policy, 10.0, 1, D(0))
    four = safety_stock(policy, 10.0, 4, D(0))
    assert one == D("12.816")  # z(0.90) = 1.28155 x 10, rounded up
    assert four == pytest.approx(2 * one, abs=D("0.002"))


def test_short_forecasts_are_extended_by_their_mean() -> None:
    """Demand over 4 periods from a 2-period forecast of 10 and 20: 10 + 20 + 2 x 15."""
    policy = Policy(lead_time_periods=3, review_periods=1)
    assert decide(policy, [D(10), D(20)], 0.0, Position()).demand == D(60)


@pytest.mark.parametrize("bad", [
    {"review_periods": 0}, {"service_level": D(1)}, {"pack_size": D(0)},
    {"kind": PolicyKind.REORDER_POINT},
])
def test_impossible_policies_are_refused(bad: dict[str, object]) -> None:
    """A zero review period, a 100% service level, a zero pack or (s,Q) without Q."""
    with pytest.raises(ValueError):
        Policy(**bad)  # type: ignore[arg-type]
