"""CPFR exception criteria applied to two figures, and resolutions.

A criterion (in the shape of UBL ExceptionCriteriaLine) compares a source value
with a compared value and fires when their deviation passes a threshold, in
percent of the compared value or in units:

- ``exceeds``: the deviation either way is beyond the threshold;
- ``above``: the source is above the compared by more than the threshold;
- ``below``: the source is below the compared by more than the threshold.

A compared value of zero has no percentage: any non-zero source passes every
percent threshold (in its direction), a zero source none. A resolution picks
the agreed figure: the buyer's (the compared value: the partner's), the
seller's (the source value: the gateway's own), their average, the higher, the
lower, or a figure a person gives. Exact decimals throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class Comparison(StrEnum):
    """When a criterion fires (the role of UBL's ThresholdValueComparisonCode)."""

    EXCEEDS = "exceeds"
    ABOVE = "above"
    BELOW = "below"


class ThresholdUnit(StrEnum):
    PERCENT = "percent"
    QUANTITY = "quantity"


class Resolution(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    AVERAGE = "average"
    HIGH = "high"
    LOW = "low"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Threshold:
    comparison: Comparison
    value: Decimal
    unit: ThresholdUnit = ThresholdUnit.PERCENT


@dataclass(frozen=True, slots=True)
class Finding:
    """Source against compared: the variance (source - compared), its percentage of
    the compared value (None when that is zero), and whether the threshold fires."""

    variance: Decimal
    percent: Decimal | None
    fires: bool


def compare(source: Decimal, compared: Decimal, threshold: Threshold) -> Finding:
    variance = source - compared
    percent = (variance / compared * HUNDRED) if compared else None
    if threshold.unit is ThresholdUnit.QUANTITY:
        beyond = abs(variance) > threshold.value
    elif percent is None:
        beyond = variance != ZERO
    else:
        beyond = abs(percent) > threshold.value
    if threshold.comparison is Comparison.ABOVE:
        fires = beyond and variance > ZERO
    elif threshold.comparison is Comparison.BELOW:
        fires = beyond and variance < ZERO
    else:
        fires = beyond
    return Finding(variance, percent, fires)


def resolve(resolution: Resolution, source: Decimal, compared: Decimal,
            manual: Decimal | None = None) -> Decimal:
    """The agreed figure a resolution gives."""
    if resolution is Resolution.MANUAL:
        if manual is None:
            raise ValueError("a manual resolution needs the agreed quantity")
        if manual < ZERO:
            raise ValueError(f"an agreed quantity cannot be negative: {manual}")
        return manual
    return {
        Resolution.BUYER: compared,
        Resolution.SELLER: source,
        Resolution.AVERAGE: (source + compared) / 2,
        Resolution.HIGH: max(source, compared),
        Resolution.LOW: min(source, compared),
    }[resolution]
