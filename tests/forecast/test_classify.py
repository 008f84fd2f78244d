"""Syntetos-Boylan classification, on series whose ADI and CV² are worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.forecast.classify import DemandClass, classify


@pytest.mark.parametrize(("series", "expected", "adi", "cv2"), [
    # Demand every period, sizes 9..11: ADI 1, CV² = (2/3) / 100.
    ([10, 9, 11, 10, 9, 11], DemandClass.SMOOTH, 1.0, (2 / 3) / 100),
    # Every period, sizes 1 and 19: mean 10, variance 81, CV² 0.81.
    ([1, 19, 1, 19], DemandClass.ERRATIC, 1.0, 0.81),
    # Every other period, steady size: ADI 2, CV² 0.
    ([5, 0, 5, 0, 5, 0], DemandClass.INTERMITTENT, 2.0, 0.0),
    # One period in three, sizes 1 and 19: ADI 3, CV² 0.81.
    ([1, 0, 0, 19, 0, 0], DemandClass.LUMPY, 3.0, 0.81),
])
def test_classes_follow_the_cut_offs(series: list[float], expected: DemandClass, adi: float,
                                      cv2: float) -> None:
    """ADI 1.32 and CV² 0.49 divide smooth, erratic, intermittent and lumpy demand."""
    found = classify(np.array([series], dtype=float))
    assert found.classes == [expected]
    assert found.adi[0] == pytest.approx(adi)
    assert found.cv2[0] == pytest.approx(cv2)


def test_cut_off_values_belong_to_the_upper_class() -> None:
    """An ADI of exactly 1.32 is sporadic; 1.31 is not (the lines are >=)."""
    # 33 periods, 25 with demand: ADI 1.32.
    at = [1.0] * 25 + [0.0] * 8
    below = [1.0] * 100 + [0.0] * 31  # 131 / 100 = 1.31
    found = classify(np.array([at]))
    assert found.adi[0] == pytest.approx(1.32)
    assert found.classes == [DemandClass.INTERMITTENT]
    assert classify(np.array([below])).classes == [DemandClass.SMOOTH]


def test_no_demand_is_its_own_class() -> None:
    """A series of zeros has no ADI or CV² and is classed none, not an error."""
    found = classify(np.zeros((2, 5)))
    assert found.classes == [DemandClass.NONE, DemandClass.NONE]
    assert np.isnan(found.adi).all()
    assert not DemandClass.NONE.sporadic
