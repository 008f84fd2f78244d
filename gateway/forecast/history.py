"""Demand history as the forecasting methods need it: a grid of periods, one row
per item and location, NaN where nothing was reported.

A period counts as reported for a location when the location reported anything
for it (any item); an item the location did not name in a reported period sold
nothing there, so it is zero. A period the location did not report at all is
unknown (NaN), never zero: the engine interpolates it. Before an item's first
report its row is NaN too: the item was not sold there yet.

Periods are days, weeks (anchored on the weekday of the earliest date) or
months (and quarters), named by the date they start on. The grid runs from the
earliest to the latest period in the data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class Frequency(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"

    @property
    def season(self) -> int:
        """The yearly season in periods: the default season length."""
        return {"day": 7, "week": 52, "month": 12, "quarter": 4}[self.value]


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def _from_months(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Turns dates into period numbers and back."""

    frequency: Frequency
    anchor: date  # the start of period 0

    def index(self, d: date) -> int:
        if self.frequency is Frequency.DAY:
            return (d - self.anchor).days
        if self.frequency is Frequency.WEEK:
            return (d - self.anchor).days // 7
        step = 3 if self.frequency is Frequency.QUARTER else 1
        return (_months(d) - _months(self.anchor)) // step

    def start(self, index: int) -> date:
        if self.frequency is Frequency.DAY:
            return self.anchor + timedelta(days=index)
        if self.frequency is Frequency.WEEK:
            return self.anchor + timedelta(days=7 * index)
        step = 3 if self.frequency is Frequency.QUARTER else 1
        return _from_months(_months(self.anchor) + step * index)


def infer_frequency(dates: Iterable[date]) -> Frequency:
    """The period length the dates are reported in: the commonest gap between
    consecutive distinct dates (one day, a week, a month, a quarter)."""
    distinct = sorted(set(dates))
    if len(distinct) < 2:
        return Frequency.DAY
    gaps = np.diff(np.array([d.toordinal() for d in distinct]))
    values, counts = np.unique(gaps, return_counts=True)
    gap = int(values[counts.argmax()])
    if gap < 7:
        return Frequency.DAY
    if gap < 28:
        return Frequency.WEEK
    if gap < 80:
        return Frequency.MONTH
    return Frequency.QUARTER


def calendar_for(dates: Iterable[date], frequency: Frequency | None = None) -> Calendar:
    found = list(dates)
    if not found:
        raise ValueError("no dates: a history needs at least one reported period")
    freq = frequency or infer_frequency(found)
    first = min(found)
    if freq in (Frequency.MONTH, Frequency.QUARTER):
        month = first.month if freq is Frequency.MONTH else (first.month - 1) // 3 * 3 + 1
        first = date(first.year, month, 1)
    return Calendar(freq, first)


@dataclass(frozen=True, slots=True)
class History:
    """Series by (item, location) on one grid of periods."""

    calendar: Calendar
    keys: list[tuple[str, str]]
    values: Array  # series x periods, NaN where unknown

    @property
    def periods(self) -> int:
        return int(self.values.shape[1])

    def period_start(self, index: int) -> date:
        return self.calendar.start(index)


def build_history(rows: Iterable[tuple[str, str, date, float]],
                  frequency: Frequency | None = None,
                  complete: Collection[tuple[str, str]] = ()) -> History:
    """The history of (item, location, period date, quantity) rows. Quantities of the
    same item, location and period add up. Series named in ``complete`` are full
    records (orders, receipts): every period after their first is reported."""
    data = list(rows)
    calendar = calendar_for((r[2] for r in data), frequency)
    sums: dict[tuple[str, str], dict[int, float]] = {}
    reported: dict[str, set[int]] = {}
    for item, location, day, quantity in data:
        index = calendar.index(day)
        cell = sums.setdefault((item, location), {})
        cell[index] = cell.get(index, 0.0) + quantity
        reported.setdefault(location, set()).add(index)
    keys = sorted(sums)
    periods = max(max(cells) for cells in sums.values()) + 1 if sums else 0
    values = np.full((len(keys), periods), np.nan)
    for row, key in enumerate(keys):
        cells = sums[key]
        first = min(cells)
        if key in complete:
            values[row, first:] = 0.0
        else:
            for index in reported[key[1]]:
                if index >= first:
                    values[row, index] = 0.0
        for index, quantity in cells.items():
            values[row, index] = quantity
    return History(calendar, keys, values)
