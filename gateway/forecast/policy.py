"""Replenishment policies: how much to order, in exact decimals.

- ``R,S`` (the default): every review, order up to S, where S covers the
  forecast demand over lead time plus review period and the safety stock;
- ``s,S`` (min-max): when the inventory position is at or below s (demand over
  the lead time plus safety stock), order up to S;
- ``s,Q``: when the position is at or below s, order Q, or as many Q as lift
  the position above s.

The inventory position is on hand + on order + in transit + planned orders
(approved, not yet shipped) - backorders. Safety stock is k x sigma x
sqrt(periods of protection), sigma being the forecast's one-period error from
its backtest: for a cycle service level k is the normal quantile of the level;
for a fill rate, k solves sigma_L G(k) = (1 - fill rate) x the expected order,
G the standard normal loss function. A quantity is raised to the minimum order,
rounded up to whole packs, and held to the maximum (whole packs below it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from statistics import NormalDist

ZERO = Decimal(0)
_STANDARD = NormalDist()
_PLACES = Decimal("0.001")


class PolicyKind(StrEnum):
    ORDER_UP_TO = "R,S"
    MIN_MAX = "s,S"
    REORDER_POINT = "s,Q"


class ServiceMeasure(StrEnum):
    CYCLE = "cycle"
    FILL_RATE = "fill_rate"


@dataclass(frozen=True, slots=True)
class Policy:
    kind: PolicyKind = PolicyKind.ORDER_UP_TO
    review_periods: int = 1
    lead_time_periods: int = 1
    service_level: Decimal = Decimal("0.95")
    measure: ServiceMeasure = ServiceMeasure.CYCLE
    minimum_order: Decimal = ZERO
    pack_size: Decimal = Decimal(1)
    maximum_order: Decimal | None = None
    reorder_point: Decimal | None = None  # s, when fixed rather than computed
    order_up_to: Decimal | None = None  # S, when fixed
    order_quantity: Decimal | None = None  # Q

    def __post_init__(self) -> None:
        if self.review_periods < 1 or self.lead_time_periods < 0:
            raise ValueError("the review period is at least one period and the lead "
                             "time not negative")
        if not ZERO < self.service_level < 1:
            raise ValueError(f"a service level is between 0 and 1, not {self.service_level}")
        if self.pack_size <= ZERO or self.minimum_order < ZERO:
            raise ValueError("the pack size must be positive and the minimum order not "
                             "negative")
        if self.kind is PolicyKind.REORDER_POINT and not self.order_quantity:
            raise ValueError("an (s,Q) policy needs its order quantity Q")


@dataclass(frozen=True, slots=True)
class Position:
    on_hand: Decimal = ZERO
    on_order: Decimal = ZERO
    in_transit: Decimal = ZERO
    planned: Decimal = ZERO
    backorders: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.on_hand + self.on_order + self.in_transit + self.planned - self.backorders


@dataclass(frozen=True, slots=True)
class Decision:
    quantity: Decimal  # rounded; zero: nothing to order
    needed: Decimal  # before minimum, packs and maximum
    position: Decimal
    demand: Decimal  # forecast over lead time + review period
    safety_stock: Decimal
    target: Decimal  # S, or s for (s,Q)
    reorder_point: Decimal
    explanation: str


def _quantized(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_PLACES, rounding=ROUND_CEILING)


def loss(k: float) -> float:
    """The standard normal loss function G(k) = phi(k) - k (1 - Phi(k))."""
    return _STANDARD.pdf(k) - k * (1 - _STANDARD.cdf(k))


def safety_factor(level: Decimal, measure: ServiceMeasure, sigma: float,
                  expected_order: Decimal) -> float:
    """k for a cycle service level, or the k whose expected shortage per cycle is the
    fill rate's share of the expected order (bisection on the decreasing G)."""
    if measure is ServiceMeasure.CYCLE:
        return _STANDARD.inv_cdf(float(level))
    if sigma <= 0:
        return 0.0
    wanted = (1 - float(level)) * float(expected_order) / sigma
    low, high = -4.0, 6.0
    for _ in range(100):
        middle = (low + high) / 2
        if loss(middle) > wanted:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def safety_stock(policy: Policy, sigma: float, periods: int, expected_order: Decimal
                 ) -> Decimal:
    """Safety stock over ``periods`` of protection; never negative."""
    spread = sigma * math.sqrt(max(periods, 0))
    k = safety_factor(policy.service_level, policy.measure, spread, expected_order)
    return max(_quantized(k * spread), ZERO)


def round_order(quantity: Decimal, policy: Policy) -> Decimal:
    """Minimum order, whole packs, maximum; zero stays zero."""
    if quantity <= ZERO:
        return ZERO
    q = max(quantity, policy.minimum_order)
    pack = policy.pack_size
    q = (q / pack).to_integral_value(rounding=ROUND_CEILING) * pack
    if policy.maximum_order is not None:
        cap = (policy.maximum_order / pack).to_integral_value(rounding=ROUND_FLOOR) * pack
        q = min(q, cap)
    return q


def _over(forecast: Sequence[Decimal], periods: int) -> Decimal:
    """Demand over the first ``periods`` periods; past the horizon, the horizon's mean."""
    if periods <= 0 or not forecast:
        return ZERO
    known = sum(forecast[:periods], ZERO)
    missing = periods - min(periods, len(forecast))
    if missing:
        known += sum(forecast, ZERO) / len(forecast) * missing
    return known


def decide(policy: Policy, forecast: Sequence[Decimal], sigma: float,
           position: Position) -> Decision:
    """What to order now, for a forecast per period starting with the current one."""
    lead, review = policy.lead_time_periods, policy.review_periods
    demand = _over(forecast, lead + review)
    lead_demand = _over(forecast, lead)
    review_demand = _over(forecast, review)
    ip = position.total
    protection = safety_stock(policy, sigma, lead + review, review_demand)
    lead_safety = safety_stock(policy, sigma, lead, review_demand)
    reorder = policy.reorder_point if policy.reorder_point is not None \
        else lead_demand + lead_safety
    if policy.kind is PolicyKind.ORDER_UP_TO:
        target = policy.order_up_to if policy.order_up_to is not None else demand + protection
        needed = max(target - ip, ZERO)
        why = f"order up to S {target} from position {ip}"
        ss = protection
    elif policy.kind is PolicyKind.MIN_MAX:
        target = policy.order_up_to if policy.order_up_to is not None else demand + protection
        target = max(target, reorder)
        needed = target - ip if ip <= reorder else ZERO
        why = (f"position {ip} at or below s {reorder}: up to S {target}" if needed
               else f"position {ip} above s {reorder}")
        ss = lead_safety
    else:
        q = policy.order_quantity or ZERO
        target = reorder
        needed = ZERO
        if ip <= reorder:
            needed = (((reorder - ip) / q).to_integral_value(rounding=ROUND_FLOOR) + 1) * q
        why = (f"position {ip} at or below s {reorder}: {needed / q} x Q {q}" if needed
               else f"position {ip} above s {reorder}")
        ss = lead_safety
    quantity = round_order(needed, policy)
    if quantity != needed and quantity:
        why += f"; {needed} rounded to {quantity} (minimum {policy.minimum_order}, " \
               f"pack {policy.pack_size})"
    return Decision(quantity, needed, ip, demand, ss, target, reorder, why)
