"""Partner guides: a retailer's narrowing of the standard, written as a file, is
enforced by validate --guide with its own issue codes; a wrong guide is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "samples" / "guides" / "acme-orders-d96a.yaml"
ORDER = ROOT / "samples" / "edifact" / "ORDERS_D96A.edi"


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["validate", *args])
    return code, json.loads(capsys.readouterr().out.splitlines()[0])


def _codes(line: dict[str, object]) -> list[str]:
    return [i["code"] for i in line["issues"]]  # type: ignore[attr-defined, index]


def test_standard_order_breaks_the_guide(capsys: pytest.CaptureFixture[str]) -> None:
    """The sample order is valid for the standard but uses free text ACME forbids."""
    code, line = _validate(capsys, str(ORDER))
    assert code == 0 and line["valid"]
    code, line = _validate(capsys, "--guide", str(GUIDE), str(ORDER))
    assert code == 1
    assert "schema.guide-segment-not-used" in _codes(line)


def test_guide_violations_are_located(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Each narrowing gives its own located issue: a forbidden code, a length, a pattern,
    a missing mandatory group."""
    text = ORDER.read_bytes().decode("latin-1")
    text = text.replace("BGM+220+PO4500017821+9", "BGM+220+PO45000178219999999+9")
    text = text.replace("NAD+IV+", "NAD+PE+")
    text = text.replace("4012345100013:EN", "40123451:EN")
    lines = [s for s in text.split("'\n") if not s.startswith(("FTX", "CUX"))]
    count = sum(1 for s in lines if s and not s.startswith(("UNA", "UNB", "UNH", "UNZ")))
    lines = [f"UNT+{count}+1" if s.startswith("UNT") else s for s in lines]
    broken = tmp_path / "acme.edi"
    broken.write_bytes("'\n".join(lines).encode("latin-1"))
    code, line = _validate(capsys, "--guide", str(GUIDE), str(broken))
    assert code == 1
    issues = {i["code"]: i["location"] for i in line["issues"]}  # type: ignore[attr-defined]
    assert issues["schema.element-too-long"]["segment"] == "BGM"
    assert issues["schema.guide-code-not-used"]["value"] == "PE"
    assert issues["schema.guide-pattern-mismatch"]["value"] == "40123451"
    assert issues["schema.guide-segment-missing"]["loop"] == "SG7"


def test_wrong_guide_is_a_usage_error(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A guide naming a segment the message does not have is refused, naming the file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(GUIDE.read_text("utf-8").replace("BGM/02", "BGX/02"), "utf-8")
    assert main(["validate", "--guide", str(bad), str(ORDER)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
