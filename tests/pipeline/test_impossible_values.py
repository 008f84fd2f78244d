"""No impossible values: a number its standard does not allow, or a value its column
cannot hold, is a located error and never a stored value, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine, select

from gateway.db.models import metadata
from gateway.db.types import Checked, misfit
from gateway.mapping.registry import Mappings, load_mappings
from gateway.pipeline.ingest import ingest
from tests.hostile import NUMBER_SITES, by_family, hostile_inputs
from tests.hostile import SAMPLES as SAMPLES_ROOT


@pytest.fixture(scope="module")
def mappings() -> Mappings:
    return load_mappings()


def stored_misfits(engine: Engine) -> list[str]:
    """Every value in the database its column cannot hold: must be none."""
    found = []
    with engine.connect() as conn:
        for tbl in metadata.sorted_tables:
            checked = [c for c in tbl.columns if isinstance(c.type, Checked)]
            if not checked:
                continue
            for row in conn.execute(select(*checked)):
                for column, value in zip(checked, row, strict=True):
                    assert isinstance(column.type, Checked)
                    reason = misfit(column.type.wrapped, value, engine.dialect.name)
                    if reason is not None:
                        found.append(f"{tbl.name}.{column.name}: {reason}")
    return found


# The cases the gateway was seen storing, each with what its issue's path must name:
# the document field the mapping read it for, or the XML element the schema check
# (for UBL, which has one) refused it in.
SEEN: list[tuple[int, str, str]] = [
    (0, "1E400", "lines|ReceivedQuantity"),  # UBL -> receipt_lines.received = inf
    (3, "1e400", "lines"),                   # cXML quantity -> invoice lines and the match
    # UBL amount of 300 digits in a Numeric(20,6): the Peppol invoice's rules refuse
    # the tax total that holds it (BR-CO-14) before it is mapped
    (1, "1" * 300, "tax_total|TaxAmount|cac:TaxTotal"),
    (0, "NaN", "lines|ReceivedQuantity"), (0, "Infinity", "lines|ReceivedQuantity"),
    (0, "0x10", "lines|ReceivedQuantity"), (0, "1_000", "lines|ReceivedQuantity"),
    # EDIFACT QTY in Arabic-Indic digits: characters UNOC has not, found in QTY
    (5, "\u0661\u0662\u0660\u0660\u0660", "QTY"),
    (8, "1E400", "lines"),                   # X12 R allows an exponent, no column this one
]


@pytest.mark.parametrize(("site", "number", "field"), SEEN)
def test_a_number_seen_stored_is_a_located_error(engine: Engine, mappings: Mappings,
                                                 site: int, number: str, field: str) -> None:
    """Each number once stored as inf, 1e+300 or 12000 now fails its message with an
    issue naming the field it was read for; nothing of the message is stored."""
    standard, path, found, template = NUMBER_SITES[site]
    raw = (SAMPLES_ROOT / path).read_bytes()
    encoding = "utf-8" if standard in ("ubl", "cxml") or not number.isascii() else "latin-1"
    data = raw.replace(found.encode("latin-1"), template.format(number).encode(encoding), 1)
    result = ingest(engine, data, path, mappings)
    [message] = result.messages
    assert message.status == "failed", message.detail
    assert any(re.search(field, issue.location.path or issue.location.segment or "")
               for issue in message.issues), \
        [i.to_json() for i in message.issues]
    assert stored_misfits(engine) == []
    business = [t for t in metadata.sorted_tables
                if t.name not in ("inbound_files", "inbound_messages")]
    with engine.connect() as conn:
        assert all(conn.execute(select(t)).first() is None for t in business)


def test_an_id_longer_than_its_column_is_refused_not_stored(engine: Engine,
                                                             mappings: Mappings) -> None:
    """A 10,000-character order id (UBL has no length for it) fails its message with
    the column named, on SQLite too, which would have kept it whole."""
    data = (SAMPLES_ROOT / "ubl/Order.xml").read_bytes().replace(
        b"<cbc:ID>PO4500017821</cbc:ID>", b"<cbc:ID>" + b"P" * 10_000 + b"</cbc:ID>", 1)
    [message] = ingest(engine, data, "Order.xml", mappings).messages
    assert message.status == "failed"
    assert "purchase_orders.number" in message.detail
    assert "10000 characters long; the column holds at most 80" in message.detail
    assert message.issues[-1].code == "mapping.not-storable"
    assert stored_misfits(engine) == []


def test_no_hostile_input_stores_an_impossible_value(engine: Engine, mappings: Mappings
                                                     ) -> None:
    """Every generated hostile input (numbers, lengths, character sets, envelopes, files
    cut or changed) is ingested without an exception, and afterwards no value in any
    table breaks its column."""
    inputs = [*by_family("number"), *by_family("length"), *by_family("charset"),
              *by_family("envelope")]
    inputs += [h for h in hostile_inputs() if h.family not in
               ("number", "length", "charset", "envelope")][::4]
    outcomes: dict[str, Any] = {}
    for hostile in inputs:
        result = ingest(engine, hostile.data, hostile.name, mappings)
        outcomes[hostile.name] = [m.status for m in result.messages]
    assert stored_misfits(engine) == []
    assert len(outcomes) == len(inputs)



