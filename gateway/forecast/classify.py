"""Demand classes by the Syntetos-Boylan cut-offs.

ADI is the average interval between periods with demand (periods per demand
occurrence); CV² the squared coefficient of variation of the non-zero demand
sizes. Syntetos, Boylan and Croston (2005) draw the lines at ADI = 1.32 and
CV² = 0.49:

==============  ==============  =============
                CV² < 0.49      CV² >= 0.49
ADI < 1.32      smooth          erratic
ADI >= 1.32     intermittent    lumpy
==============  ==============  =============

A series with no demand at all is ``none``: there is nothing to classify.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49

Array = npt.NDArray[np.float64]


class DemandClass(StrEnum):
    SMOOTH = "smooth"
    ERRATIC = "erratic"
    INTERMITTENT = "intermittent"
    LUMPY = "lumpy"
    NONE = "none"

    @property
    def sporadic(self) -> bool:
        """Demand in few periods: the intermittent methods fit it."""
        return self in (DemandClass.INTERMITTENT, DemandClass.LUMPY)


@dataclass(frozen=True, slots=True)
class Classes:
    """Per series: its class, ADI and CV² (NaN where undefined)."""

    classes: list[DemandClass]
    adi: Array
    cv2: Array


def classify(values: Array) -> Classes:
    """Classify each row of ``values`` (series x periods; no NaN)."""
    rows = np.atleast_2d(np.asarray(values, dtype=np.float64))
    demand = rows > 0
    occurrences = demand.sum(axis=1)
    periods = rows.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(occurrences > 0, periods / np.maximum(occurrences, 1), np.nan)
        sizes = np.where(demand, rows, 0.0)
        mean = sizes.sum(axis=1) / np.maximum(occurrences, 1)
        square = np.where(demand, (rows - mean[:, None]) ** 2, 0.0).sum(axis=1)
        variance = square / np.maximum(occurrences, 1)
        cv2 = np.where(occurrences > 0, variance / np.where(mean > 0, mean, 1.0) ** 2, np.nan)
    classes = []
    for a, c in zip(adi.tolist(), cv2.tolist(), strict=True):
        if np.isnan(a):
            classes.append(DemandClass.NONE)
        elif a < ADI_CUTOFF:
            classes.append(DemandClass.SMOOTH if c < CV2_CUTOFF else DemandClass.ERRATIC)
        else:
            classes.append(DemandClass.INTERMITTENT if c < CV2_CUTOFF else DemandClass.LUMPY)
    return Classes(classes, adi, cv2)
