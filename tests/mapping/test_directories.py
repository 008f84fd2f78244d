"""Every EDIFACT directory that ships is read by the inbound mapping its structure fits.

The D96A and D01B mappings read the other directories by their ``also`` lists
(a message is placed into the structure of the mapping's own directory). Which
mapping reads which directory was decided by :mod:`gateway.mapping.directories`
from the structures; the decision is pinned here by hand (``READ_BY``), and the
listings must match it. Then, for every directory and every inbound message,
one message is built from the project sample of the mapping that reads it
(UNH names the directory; where the directory's standard differs from the
sample's, the sample is rewritten the way the directory spells it: ``EDITS``;
the D02A and D02B mappings, which extend D01B's, read the D01B sample)
and must validate at schema level in that directory and map to the facts
pinned from the sample's text: the document's number, its first line's item
and quantity, and an invoice's net days.

The comparison itself is checked on facts read off the structures by hand: the
line group that D24A renumbers, the payment terms group D02B rebuilds around
PYT, the stock group D97A opens with INV.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory
from gateway.mapping.convert import documents
from gateway.mapping.directories import (
    compare,
    directories,
    group_counterparts,
    inbound_files,
    read_paths,
    unplaced,
)
from gateway.mapping.registry import Mappings, load_mappings
from tests.regenerate_samples import SAMPLES

# Which mapping reads which directories (the versions named by UNH), from
# `python -m gateway.mapping.directories`.
READ_BY: dict[str, dict[str, str]] = {
    "ORDERS": {"D96A": "D94B-D96B", "D01B": "D97A-D24A"},
    "ORDCHG": {"D96A": "D94B-D98B", "D01B": "D99A-D24A"},
    "ORDRSP": {"D96A": "D94B-D96B", "D01B": "D97A-D24A"},
    "DESADV": {"D96A": "D94B-D96A", "D01B": "D96B-D24A"},
    "RECADV": {"D96A": "D96A-D98B", "D01B": "D99A-D24A"},
    "INVOIC": {"D96A": "D94B-D96A", "D01B": "D96B-D02A", "D02B": "D02B-D24A"},
    "INVRPT": {"D96A": "D94B-D96B", "D01B": "D97A-D24A"},
    "SLSRPT": {"D96A": "D94B-D96B", "D01B": "D97A-D02A", "D02B": "D02B-D24A"},
    "DELFOR": {"D96A": "D94B-D96A", "D01B": "D96B-D01C", "D02A": "D02A-D24A"},
}
# Directories without the message: nothing reads them.
ABSENT = {("RECADV", "D94B"), ("RECADV", "D95A"), ("RECADV", "D95B")}
# The mappings that extend the D01B one have no sample of their own: they read
# the D01B sample, spelt as their directories spell it.
SAMPLE_OF = {"D96A": "D96A", "D01B": "D01B", "D02A": "D01B", "D02B": "D01B"}

MESSAGES = tuple(READ_BY)

# The facts of each sample, read off its text: BGM (ORDCHG: RFF+ON) number, the
# first line's GTIN and the quantity the mapping reads for it.
FACTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("ORDERS", "D96A"): ("PO4500017821", "4012345100013", "48"),  # QTY+21:48
    ("ORDERS", "D01B"): ("PO4500018190", "4012345100013", "96"),  # QTY+21:96:PCE
    ("ORDCHG", "D96A"): ("PO4500017821", "4012345100013", "60"),  # RFF+ON, QTY+21:60
    ("ORDCHG", "D01B"): ("PO4500018190", "4012345100013", "120"),
    ("ORDRSP", "D96A"): ("RSP-88231", "4012345100013", "48"),
    ("ORDRSP", "D01B"): ("RSP-88307", "4012345100013", "120"),
    ("DESADV", "D96A"): ("DES-240318-07", "4012345100013", "48"),  # QTY+12:48
    ("DESADV", "D01B"): ("DES-240327-08", "4012345100013", "120"),
    ("RECADV", "D96A"): ("REC-771203", "4012345100013", "48"),  # QTY+194:48 accepted
    ("RECADV", "D01B"): ("REC-771299", "4012345100013", "114"),
    ("INVOIC", "D96A"): ("INV-2024-031907", "4012345100013", "48"),  # QTY+47:48
    ("INVOIC", "D01B"): ("INV-24-00417", "4012345100013", "114"),
    ("INVRPT", "D96A"): ("INVR-20240320-1", "4012345100013", "1250"),  # QTY+145:1250
    ("INVRPT", "D01B"): ("INVR-20240320-3", "4012345100013", "1250"),
    ("SLSRPT", "D96A"): ("SR-2024-11-1187", "4012345100013", "37"),  # QTY+153:37
    ("SLSRPT", "D01B"): ("SR-2024-12-0042", "4012345100013", "37"),
    ("DELFOR", "D96A"): ("DF-2024-W12", "4012345100013", "240"),  # first QTY+113:240
    ("DELFOR", "D01B"): ("DF-2024-W12-B", "4012345100013", "240"),
}


def _quantity(message: str, line: Any) -> Any:
    if message == "RECADV":
        return line.accepted.value
    if message == "INVRPT":
        return line.on_hand.value
    if message == "SLSRPT":
        return line.sold.value
    if message == "DELFOR":
        return line.periods[0].quantity.value
    return line.quantity.value


def _year(version: str) -> float:
    two = int(version[1:3])
    return (1900 if two >= 90 else 2000) + two + {"A": 0.0, "B": 0.5, "C": 0.75}[version[3]]


def expand(ranges: str) -> list[str]:
    """``D94B-D96A,D97B`` as the directories that ship in those runs."""
    every = directories()
    out: list[str] = []
    for run in ranges.split(","):
        first, _, last = run.partition("-")
        out += [v for v in every if _year(first) <= _year(v) <= _year(last or first)]
    return out


# How the directories spell what the samples say otherwise, each from the first
# directory that does: (message, first, last, segment pattern, replacement).
Edit = tuple[str, str, str, str, Callable[[re.Match[str]], str] | str]
EDITS: tuple[Edit, ...] = (
    # 8067 is one digit in D95B: road transport is 3, not 30.
    ("DESADV", "D95B", "D95B", r"^TDT\+20\+\+30", "TDT+20++3"),
    # SLSRPT has no UNS from D97A to D00B (D96A had none either; D01A added it).
    ("SLSRPT", "D97A", "D00B", r"^UNS\+S$", ""),
    # PAT (C110 with C112's period in it) became PYT, its parts elements, in D02B.
    ("INVOIC", "D02B", "D24A", r"^PAT\+(\w+)\+\+(\w*):(\w*):(\w*):(\w*)$",
     lambda m: f"PYT+{m[1]}++{m[2]}+{m[3]}+{m[4]}+{m[5]}"),
    # SSCC: UN 7405 dropped BJ in D03A; AW is its code there.
    ("DESADV", "D03A", "D24A", r"^GIN\+BJ\+", "GIN+AW+"),
    # GIS (C529) became GEI (9649 qualifier, then C012) where these sections open:
    # 3 scheduling type information, 37 complete information.
    ("DELFOR", "D02A", "D24A", r"^GIS\+37$", "GEI+3+37"),
    ("SLSRPT", "D02B", "D24A", r"^GIS\+37$", "GEI+3+37"),
)


def message_for(message: str, version: str, reader: str) -> bytes:
    """The sample of the mapping ``reader`` with UNH naming ``version``, spelt as
    ``version`` spells it."""
    text = (SAMPLES / "edifact" / f"{message}_{SAMPLE_OF[reader]}.edi").read_text("latin-1")
    head, _, rest = text.partition("UNH+")
    # Split at the segment terminator, not at a released one (?' in free text).
    segments = [s.strip() for s in re.split(r"(?<!\?)'", "UNH+" + rest)]
    body: list[str] = []
    for written in segments:
        seg = written
        if seg.startswith("UNH+"):
            seg = re.sub(rf"\+{message}:D:\w+:UN", f"+{message}:D:{version[1:]}:UN", seg)
        for mtype, first, last, pattern, replacement in EDITS:
            if mtype == message and _year(first) <= _year(version) <= _year(last):
                seg = re.sub(pattern, replacement, seg)
        if seg:
            body.append(seg)
    unt = next(i for i, s in enumerate(body) if s.startswith("UNT+"))
    reference = body[unt].split("+")[2]
    body[unt] = f"UNT+{unt + 1}+{reference}"
    return (head + "'".join(body) + "'\n").encode("latin-1")


@cache
def mappings() -> Mappings:
    return load_mappings()


def _cases() -> list[Any]:
    cases = []
    for message in MESSAGES:
        readers = {v: reader for reader, ranges in READ_BY[message].items()
                   for v in expand(ranges)}
        for version in directories():
            cases.append(pytest.param(message, version, readers.get(version),
                                      id=f"{message}-{version}"))
    return cases


@pytest.mark.parametrize(("message", "version", "reader"), _cases())
def test_directory_is_read_by_its_mapping(message: str, version: str, reader: str | None
                                          ) -> None:
    """Each directory is read by the mapping READ_BY names, or by none where the
    directory lacks the message."""
    found = mappings().inbound_for("edifact", version, message)
    if reader is None:
        assert (message, version) in ABSENT, f"{message} {version}: read by nothing"
        assert found is None, f"{message} {version} is read by {found and found.name}"
        return
    assert found is not None and found.version == reader


@pytest.mark.parametrize(("message", "version", "reader"),
                         [c for c in _cases() if c.values[2] is not None])
def test_message_of_directory_maps(message: str, version: str, reader: str) -> None:
    """A message of each directory validates at schema level there and maps to the
    sample's number, first item and quantity."""
    report = inspect(message_for(message, version, reader))
    assert report.valid, [str(i) for i in report.issues if i.blocking]
    mapped = documents(report, mappings())[0]  # the first message (INVRPT D96A has two)
    assert mapped.document is not None, [str(i) for i in mapped.issues]
    number, gtin, quantity = FACTS[(message, SAMPLE_OF[reader])]
    document: Any = mapped.document
    assert document.number == number
    line = document.lines[0]
    assert line.item.gtin == gtin
    assert _quantity(message, line) == Decimal(quantity)
    if message == "INVOIC":  # both samples: PAT+1++5:3:D:30 (PYT+1++5+3+D+30 from D02B)
        assert document.payment_terms.net_days == 30


# -- the comparison -------------------------------------------------------------------------


def _paths(message: str, version: str) -> Any:
    path = next(p for p in inbound_files() if p.parent.name == version
                and p.name == f"{message}.in.yaml")
    return read_paths(path)


def test_renumbered_group_is_matched_by_its_place() -> None:
    """D24A ORDERS inserts an EFI group before the lines: D96A's SG25 (LIN) is its
    SG29, and D96A's line paths read the same there."""
    home = load_directory("edifact", "D96A")
    other = load_directory("edifact", "D24A")
    assert home is not None and other is not None
    mine, theirs = home.messages["ORDERS"].structure, other.messages["ORDERS"].structure
    found = group_counterparts(mine, theirs)
    sg25 = next(g for g in mine.children if getattr(g, "id", "") == "SG25")
    match = found[id(sg25)]
    assert match is not None and match.id == "SG29"
    assert [m for m in compare(_paths("ORDERS", "D96A"), "D24A") if "SG25" in m.path] == []


def test_payment_terms_group_rebuilt_in_d02b_is_a_miss() -> None:
    """D02B INVOIC opens the payment terms group with PYT: every PAT path of the
    D01B mapping misses there, and not in D02A."""
    paths = _paths("INVOIC", "D01B")
    missed = {m.path for m in compare(paths, "D02B") if m.kind == "structure"}
    assert "SG8/PAT/02-4" in missed
    assert "SG8/DTM[01-1=13]/01-2" in missed
    assert [m for m in compare(paths, "D02A") if m.kind == "structure"] == []


def test_code_left_out_of_a_directory_is_a_miss() -> None:
    """UN 7405 lists no BJ from D03A (AW is the SSCC there): a D01B DESADV path
    testing it is a code miss for BJ only."""
    misses = [m for m in compare(_paths("DESADV", "D01B"), "D03A") if m.kind == "code"]
    assert misses and all("lists no BJ in 7405" in m.reason for m in misses)
    assert [m for m in compare(_paths("DESADV", "D01B"), "D02B") if m.kind == "code"] == []


def test_unplaced_segments_of_a_directory() -> None:
    """A D97A INVRPT line's stock opens with INV, which the D96A structure has no
    place for; the D01B structure has."""
    d96a, d01b, d97a = (load_directory("edifact", v) for v in ("D96A", "D01B", "D97A"))
    assert d96a is not None and d01b is not None and d97a is not None
    other = d97a.messages["INVRPT"].structure
    assert "SG9/SG11(INV)" in unplaced(d96a.messages["INVRPT"].structure, other)
    assert unplaced(d01b.messages["INVRPT"].structure, other) == []
