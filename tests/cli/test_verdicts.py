"""Commands that give a verdict give the same one, at the same level, and say which."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli.main import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Broken files of each standard, and good ones: parse once called a file valid that
# validate found two errors in (it judged the envelope only).
FILES = sorted([*SAMPLES.glob("broken/*.edi"), *SAMPLES.glob("broken/*.x12"),
                SAMPLES / "edifact" / "ORDERS_D96A.edi", SAMPLES / "x12" / "850_004010.x12",
                SAMPLES / "ubl" / "Order.xml", SAMPLES / "cxml" / "OrderRequest.xml"])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_parse_and_validate_agree(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``parse`` and ``validate`` exit with the same verdict on the same file at their
    default levels, and ``parse`` names the level it judged."""
    parsed = main(["parse", str(path)])
    said = capsys.readouterr().out.splitlines()[-1].strip()
    validated = main(["validate", str(path)])
    capsys.readouterr()
    assert parsed == validated
    level = "rules" if path.suffix == ".xml" else "schema"
    assert said == f"valid at the {level} level" if parsed == 0 else \
        said.startswith(f"not valid at the {level} level (")


def test_the_broken_samples_are_judged_broken(capsys: pytest.CaptureFixture[str]) -> None:
    """Hand-pinned: the UNT count sample is one error at the schema level."""
    assert main(["parse", str(SAMPLES / "broken" / "UNT_count_wrong.edi")]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == \
        "  not valid at the schema level (1 error)"


def test_parse_at_a_lower_level_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """``--level envelope`` judges up to the envelopes, and the verdict line says so."""
    assert main(["parse", "--level", "envelope", str(SAMPLES / "edifact" / "ORDERS_D96A.edi")]
                ) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  valid at the envelope level"
