"""The golden samples: the CLI's JSON for each sample is exactly the stored JSON.

Each sample under ``samples/`` has its expected ``parse --json`` and ``validate``
output beside it (``tests/regenerate_samples.py`` writes them and owns the
layout rules). A difference here means the JSON contract changed: fix the
gateway, or regenerate on purpose and review the diff.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from gateway.cli.main import main
from tests.regenerate_samples import (
    SAMPLES,
    argv_for,
    expected_path,
    in_schema_folder,
    is_broken,
    is_edi,
    kinds_for,
    sample_files,
    sample_id,
    without_path,
)

ALL = sample_files()

# Known gateway gaps, each pinned here until fixed (then the strict xfail fails).
KNOWN_SILENT: dict[str, str] = {}


def _params(samples: list[Path]) -> list[Any]:
    return [pytest.param(s, id=sample_id(s)) for s in samples]


def _expected(sample: Path, kind: str) -> dict[str, Any]:
    path = expected_path(sample, kind)
    if not path.exists():
        pytest.fail(f"{path.relative_to(SAMPLES)} is missing; run tests/regenerate_samples.py "
                    "and review what it writes.")
    value: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return value


def _blocking(issues: list[dict[str, Any]]) -> bool:
    return any(issue["severity"] in ("fatal", "error") for issue in issues)


@pytest.mark.parametrize("sample", _params([s for s in ALL if not is_broken(s)]))
def test_parse_json_matches_golden(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parse --json` prints exactly the stored JSON (path aside) and exits 0 for a valid file."""
    expected = _expected(sample, "parse")
    code = main(argv_for(sample, "parse"))
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1, "parse --json prints one JSON line"
    assert without_path(printed) == expected
    assert code == (1 if _blocking(expected["issues"]) else 0)


@pytest.mark.parametrize("sample", _params(ALL))
def test_validate_json_matches_golden(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`validate --level envelope` prints exactly the stored line (path aside); exit 0 iff valid."""
    expected = _expected(sample, "validate")
    code = main(argv_for(sample, "validate"))
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1, "validate prints one JSON line per file"
    assert without_path(printed) == expected
    assert code == (0 if expected["valid"] else 1)


@pytest.mark.parametrize("sample", _params([s for s in ALL if is_edi(s) and not is_broken(s)]))
def test_write_reproduces_sample_bytes(
    sample: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`parse --json | write -` gives back the sample's bytes exactly."""
    assert main(argv_for(sample, "parse")) == 0
    tree = capsysbinary.readouterr().out.decode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(tree))
    assert main(["write", "-"]) == 0
    assert capsysbinary.readouterr().out == sample.read_bytes()


@pytest.mark.parametrize("sample", _params([s for s in ALL if not is_broken(s)]))
def test_golden_sample_is_clean(sample: Path) -> None:
    """A golden sample is valid at envelope level with no issue of any severity."""
    expected = _expected(sample, "validate")
    assert expected["valid"] is True
    assert expected["issues"] == []
    assert expected["messages"], "a golden sample holds at least one message or document"


def _broken_params() -> list[Any]:
    params = []
    for sample in (s for s in ALL if is_broken(s)):
        reason = KNOWN_SILENT.get(sample_id(sample))
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(sample, id=sample_id(sample), marks=marks))
    return params


@pytest.mark.parametrize("sample", _broken_params())
def test_broken_sample_is_reported(sample: Path) -> None:
    """A broken sample is invalid, with every issue located by line or envelope reference."""
    expected = _expected(sample, "validate")
    assert expected["valid"] is False
    assert _blocking(expected["issues"])
    for issue in expected["issues"]:
        assert issue["location"].keys() & {"line", "interchange"}, issue


def test_expected_files_match_samples() -> None:
    """Every sample has each expected file its kind needs, and no expected file is orphaned."""
    wanted = {expected_path(s, kind) for s in ALL for kind in kinds_for(s)}
    present = {p for p in SAMPLES.rglob("*.json") if not in_schema_folder(p)}
    assert sorted(p.relative_to(SAMPLES).as_posix() for p in wanted - present) == []
    assert sorted(p.relative_to(SAMPLES).as_posix() for p in present - wanted) == []
