"""Converting documents to other standards: the X12 envelope's delimiters, and the
check of what was written against its standard."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.cli.main import main
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Code, Level
from gateway.edi.report import inspect
from gateway.errors import WriteError
from gateway.mapping.convert import EnvelopeOptions, documents, to_edifact, to_x12, written_issues
from gateway.mapping.registry import Mappings, load_mappings

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "edifact" / "ORDERS_D96A.edi"
OPTIONS = EnvelopeOptions(now=datetime(2025, 3, 10, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def mappings() -> Mappings:
    return load_mappings()


def _order(mappings: Mappings, description: str) -> Any:
    (mapped,) = documents(inspect(SAMPLE.read_bytes(), level=Level.SCHEMA), mappings)
    document = mapped.document
    assert document is not None
    lines = list(document.lines)
    item = lines[0].item.model_copy(update={"description": description})
    lines[0] = lines[0].model_copy(update={"item": item})
    return document.model_copy(update={"lines": tuple(lines)})


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_x12_delimiters_avoid_the_characters_the_data_holds(mappings: Mappings,
                                                            version: str) -> None:
    """Rule: X12 has no release character, so a value holding "*", ">" or "~" (or
    "^" from 00402 on) is written with other delimiters, named in the ISA, and reads
    back unchanged."""
    text = "Bolt *M8* ~50 > 40 ^ours^"
    order = _order(mappings, text)
    data = to_x12([order], mappings, version, OPTIONS)
    report = inspect(data, level=Level.SCHEMA)
    assert report.valid, report.issues
    delimiters = report.edi.interchanges[0].delimiters  # type: ignore[union-attr]
    assert {delimiters.element, delimiters.component, delimiters.segment} & set(text) == set()
    assert delimiters.repetition is None or delimiters.repetition not in text
    (back,) = documents(report, mappings)
    assert back.document.lines[0].item.description == text  # type: ignore[union-attr]


def test_x12_keeps_the_usual_delimiters_when_the_data_allows(mappings: Mappings) -> None:
    """Rule: the usual "*", ">" and "~" (and "^" in 00501) are kept unless the data
    holds one of them."""
    data = to_x12([_order(mappings, "Plain")], mappings, "005010", OPTIONS)
    delimiters = inspect(data).edi.interchanges[0].delimiters  # type: ignore[union-attr]
    assert (delimiters.element, delimiters.component, delimiters.segment,
            delimiters.repetition) == ("*", ">", "~", "^")


def test_x12_delimiters_the_partner_fixed_are_kept_and_a_clash_is_refused(
        mappings: Mappings) -> None:
    """Rule: delimiters agreed with the partner are used as agreed; a value holding
    one cannot be written, and the error says so rather than corrupt the file."""
    fixed = EnvelopeOptions(now=OPTIONS.now, delimiters=Delimiters(
        segment="~", element="*", component=">", repetition=None))
    with pytest.raises(WriteError, match="holds the delimiter"):
        to_x12([_order(mappings, "Bolt *M8*")], mappings, "004010", fixed)


def _with_unit(mappings: Mappings, unit: str) -> Any:
    """The sample order with its first line's quantity in ``unit``."""
    document = _order(mappings, "Plain")
    lines = list(document.lines)
    quantity = lines[0].quantity.model_copy(update={"unit": unit})
    lines[0] = lines[0].model_copy(update={"quantity": quantity})
    return document.model_copy(update={"lines": tuple(lines)})


def test_written_issues_name_what_the_target_standard_refuses(mappings: Mappings) -> None:
    """Rule: a value the target has no place for (a unit that is no code of 6411's
    three characters) is written as it is, and written_issues names it, located,
    before the bytes go to a partner; a clean document has none."""
    clean = to_edifact([_order(mappings, "Plain")], mappings, "D96A", OPTIONS)
    assert written_issues(clean) == []
    data = to_edifact([_with_unit(mappings, "BOXES")], mappings, "D96A", OPTIONS)
    (issue,) = written_issues(data)
    assert issue.code is Code.TOO_LONG
    assert (issue.location.segment, issue.location.element, issue.location.component,
            issue.location.value) == ("QTY", 1, 3, "BOXES")


def test_convert_exits_1_when_what_it_wrote_breaks_the_target_standard(
        mappings: Mappings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rule: `convert` writes the output all the same, names each problem of it on
    stderr and exits 1, so a script does not send it on; a clean conversion exits 0."""
    source = tmp_path / "order.edi"
    source.write_bytes(to_edifact([_with_unit(mappings, "BOXES")], mappings, "D96A",
                                  OPTIONS))
    target = tmp_path / "order.x12"
    assert main(["convert", str(source), "--to", "x12", "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert "the X12 written breaks its standard" in err and "BOXES" in err
    assert b"BOXES" in target.read_bytes()
    assert main(["convert", str(SAMPLE), "--to", "x12", "--output", str(target)]) == 0
