"""The service's scheduled jobs as APScheduler gets them: every job of the gateway is
there, the planning cycle on the crontab line of the settings (nightly at 02:00 UTC
by default), and a wrong crontab line is refused naming the job and the line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.errors import ConfigurationError
from gateway.jobs.scheduler import build_scheduler, cron_trigger
from gateway.jobs.service import Settings, open_gateway

MONDAY_EVENING = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # a Monday


def _next_planning(tmp_path: Path, **settings: str) -> datetime:
    opened = open_gateway(Settings(var=tmp_path / "var", **settings))  # type: ignore[arg-type]
    try:
        scheduler = build_scheduler(opened)
        assert sorted(job.id for job in scheduler.get_jobs()) == [
            "acknowledgements", "inbound", "overdue", "planning", "retention", "send"]
        trigger = scheduler.get_job("planning").trigger
        fire: datetime = trigger.get_next_fire_time(None, MONDAY_EVENING)
        return fire
    finally:
        opened.close()


def test_the_planning_cycle_runs_nightly_at_two_by_default(tmp_path: Path) -> None:
    """Default "0 2 * * *": after Monday 23:00 UTC the next run is Tuesday 02:00 UTC."""
    assert _next_planning(tmp_path) == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def test_the_planning_cron_comes_from_the_settings(tmp_path: Path) -> None:
    """"30 3 * * 1" (Mondays 03:30): after Monday 23:00 the next run is a week later."""
    assert _next_planning(tmp_path, planning_cron="30 3 * * 1") == \
        datetime(2026, 12, 14, 3, 30, tzinfo=UTC)


def test_a_wrong_crontab_line_is_refused_naming_it(tmp_path: Path) -> None:
    """Minute 61 does not exist: a ConfigurationError naming the job and the line."""
    opened = open_gateway(Settings(var=tmp_path / "var", planning_cron="61 2 * * *"))
    try:
        with pytest.raises(ConfigurationError, match="the planning job's cron '61 2 \\* \\* \\*'"):
            build_scheduler(opened)
    finally:
        opened.close()


@pytest.mark.parametrize(("line", "after", "expected"), [
    ("0 6 * * 0", MONDAY_EVENING, datetime(2026, 12, 13, 6, 0, tzinfo=UTC)),  # Sunday
    ("0 6 * * 7", MONDAY_EVENING, datetime(2026, 12, 13, 6, 0, tzinfo=UTC)),  # Sunday too
    ("0 6 * * 1-5", MONDAY_EVENING, datetime(2026, 12, 8, 6, 0, tzinfo=UTC)),  # Tuesday
    ("0 6 * * 6", MONDAY_EVENING, datetime(2026, 12, 12, 6, 0, tzinfo=UTC)),  # Saturday
    ("*/30 * * * *", MONDAY_EVENING, datetime(2026, 12, 7, 23, 0, tzinfo=UTC)),
])
def test_weekdays_count_from_sunday_as_crontab_does(line: str, after: datetime,
                                                    expected: datetime) -> None:
    """Crontab's weekday 0 and 7 are Sunday, 1-5 Monday to Friday (APScheduler alone
    would count from Monday); steps are left as steps."""
    assert cron_trigger(line).get_next_fire_time(None, after) == expected
