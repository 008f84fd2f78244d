"""Exception criteria firing and not firing, and resolutions, in exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.forecast.rules import (
    Comparison,
    Resolution,
    Threshold,
    ThresholdUnit,
    compare,
    resolve,
)

D = Decimal


@pytest.mark.parametrize(("source", "compared", "threshold", "fires"), [
    (D(125), D(100), Threshold(Comparison.EXCEEDS, D(25)), False),  # exactly 25%: not beyond
    (D("125.01"), D(100), Threshold(Comparison.EXCEEDS, D(25)), True),
    (D(70), D(100), Threshold(Comparison.EXCEEDS, D(25)), True),  # either way
    (D(70), D(100), Threshold(Comparison.ABOVE, D(25)), False),  # wrong direction
    (D(130), D(100), Threshold(Comparison.ABOVE, D(25)), True),
    (D(5), D(12), Threshold(Comparison.BELOW, D(0)), True),  # stock below target
    (D(12), D(12), Threshold(Comparison.BELOW, D(0)), False),
    (D(108), D(100), Threshold(Comparison.EXCEEDS, D(5), ThresholdUnit.QUANTITY), True),
    (D(104), D(100), Threshold(Comparison.EXCEEDS, D(5), ThresholdUnit.QUANTITY), False),
    (D(3), D(0), Threshold(Comparison.EXCEEDS, D(50)), True),  # against nothing
    (D(0), D(0), Threshold(Comparison.EXCEEDS, D(0)), False),
])
def test_thresholds(source: Decimal, compared: Decimal, threshold: Threshold,
                    fires: bool) -> None:
    """Percent or units, either way or one way; beyond means strictly beyond."""
    assert compare(source, compared, threshold).fires is fires


def test_variance_and_percentage() -> None:
    """Variance is source - compared; the percentage is of the compared value."""
    found = compare(D(90), D(120), Threshold(Comparison.EXCEEDS, D(10)))
    assert found.variance == D(-30)
    assert found.percent == D(-25)
    assert compare(D(1), D(0), Threshold(Comparison.EXCEEDS, D(10))).percent is None


@pytest.mark.parametrize(("resolution", "expected"), [
    (Resolution.BUYER, D(120)), (Resolution.SELLER, D(90)), (Resolution.AVERAGE, D(105)),
    (Resolution.HIGH, D(120)), (Resolution.LOW, D(90)),
])
def test_resolutions(resolution: Resolution, expected: Decimal) -> None:
    """Seller = source (ours), buyer = compared (the partner's)."""
    assert resolve(resolution, D(90), D(120)) == expected


def test_manual_resolution_needs_a_quantity_that_is_not_negative() -> None:
    """A person's figure is taken as given; none, or a negative one, is refused."""
    assert resolve(Resolution.MANUAL, D(90), D(120), D("101.5")) == D("101.5")
    with pytest.raises(ValueError, match="needs the agreed quantity"):
        resolve(Resolution.MANUAL, D(90), D(120))
    with pytest.raises(ValueError, match="negative"):
        resolve(Resolution.MANUAL, D(90), D(120), D(-1))
