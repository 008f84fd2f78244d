"""Hostile inputs, generated from the project's samples by a seeded table.

Each :class:`Hostile` is one file a partner (or an attacker) could send: a number
no standard allows or no column can hold in a place a mapping reads, an id longer
than its column, bytes outside the declared character set, a broken envelope, a
file cut short or with bytes changed. ``broken`` says whether the file breaks its
standard (``validate`` must find an error in it and no acknowledgement may say
accepted); every input, broken or not, must give no traceback and no stored value
its column cannot hold. The same seed gives the same inputs, so a failure found
here can be run again by its name.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = 20250310


@dataclass(frozen=True, slots=True)
class Hostile:
    name: str
    data: bytes
    family: str  # number, length, charset, envelope, cut, flip
    broken: bool | None  # None: may or may not break its standard (random damage)
    standard: str


def _sample(path: str) -> bytes:
    return (SAMPLES / path).read_bytes()


# -- numbers ------------------------------------------------------------------------------

# A place a mapping reads a number from: the sample, the text to replace (once), and
# the same text with {} where the number goes.
NUMBER_SITES: tuple[tuple[str, str, str, str], ...] = (
    ("ubl", "ubl/ReceiptAdvice.xml", 'unitCode="C62">48<', 'unitCode="C62">{}<'),
    ("ubl", "ubl/Invoice.xml", '<cbc:TaxAmount currencyID="EUR">118.23<',
     '<cbc:TaxAmount currencyID="EUR">{}<'),
    ("ubl", "ubl/Order.xml", '<cbc:PriceAmount currencyID="EUR">4.79<',
     '<cbc:PriceAmount currencyID="EUR">{}<'),
    ("cxml", "cxml/InvoiceDetailRequest.xml", 'invoiceLineNumber="1" quantity="24"',
     'invoiceLineNumber="1" quantity="{}"'),
    ("cxml", "cxml/InvoiceDetailRequest.xml", '<Money currency="USD">12.50</Money>',
     '<Money currency="USD">{}</Money>'),
    ("edifact", "edifact/ORDERS_D01B.edi", "QTY+21:96:PCE", "QTY+21:{}:PCE"),
    ("edifact", "edifact/INVOIC_D96A.edi", "QTY+47:48'", "QTY+47:{}'"),
    ("edifact", "edifact/INVOIC_D96A.edi", "MOA+203:234.72'", "MOA+203:{}'"),
    ("x12", "x12/850_004010.x12", "PO1*1*24*EA*12.50", "PO1*1*{}*EA*12.50"),
    ("x12", "x12/810_004010.x12", "IT1*1*24*EA*12.50", "IT1*1*24*EA*{}"),
)

# Numbers no standard's format allows, or no column holds. None of them holds a
# delimiter of the samples (+ : ' * ~ > < &).
HOSTILE_NUMBERS: tuple[str, ...] = (
    "1E400", "1e400", "1E+400", "-1E400", "NaN", "nan", "Infinity", "-Infinity", "inf", "sNaN",
    "0x10", "1_000", "\u0661\u0662\u0660\u0660\u0660", "\u06f1\u06f2", "\uff11\uff12",
    "\u00b2", "1" * 300, "9" * 15, "123456789012345.5", "0." + "1" * 40, "1.5E3", "12e",
    "1.2.3", "1 000", "--1", "1-", " ", "0,5", "1.0000001",
)


def _numbers() -> Iterator[Hostile]:
    for standard, path, found, template in NUMBER_SITES:
        raw = _sample(path)
        encoding = "latin-1" if standard in ("edifact", "x12") else "utf-8"
        original = found.encode(encoding)
        assert original in raw, (path, found)
        for number in HOSTILE_NUMBERS:
            text = template.format(number)
            try:
                replaced = text.encode(encoding)
            except UnicodeEncodeError:
                replaced = text.encode("utf-8")
            yield Hostile(f"number:{path}:{found[:12]}:{number[:12]!r}",
                          raw.replace(original, replaced, 1), "number", None, standard)


# -- lengths ------------------------------------------------------------------------------

LENGTH_SITES: tuple[tuple[str, str, str, str], ...] = (
    ("ubl", "ubl/Order.xml", "<cbc:ID>PO4500017821</cbc:ID>", "<cbc:ID>{}</cbc:ID>"),
    ("cxml", "cxml/OrderRequest.xml", 'orderID="PO-7730415"', 'orderID="{}"'),
    ("edifact", "edifact/ORDERS_D96A.edi", "BGM+220+PO4500017821+9", "BGM+220+{}+9"),
    ("x12", "x12/850_004010.x12", "BEG*00*SA*4500017821**", "BEG*00*SA*{}**"),
)


def _lengths() -> Iterator[Hostile]:
    for standard, path, found, template in LENGTH_SITES:
        raw = _sample(path)
        for size in (81, 513, 10_000):
            text = template.format("P" * size)
            yield Hostile(f"length:{path}:{size}", raw.replace(found.encode(), text.encode(), 1),
                          "length", None, standard)


# -- character sets -----------------------------------------------------------------------

def _charsets() -> Iterator[Hostile]:
    orders = _sample("edifact/ORDERS_D96A.edi")
    assert b"UNOC:3" in orders and b"IMD+F++:::Weissbach" in orders
    cases = {
        # Latin-1 bytes where the interchange declares ASCII-only level A or B
        "unoa-latin1": (b"UNOA:3", b"\xe9"), "unob-latin1": (b"UNOB:3", b"\xe9"),
        # UTF-8 where level A or B is declared
        "unoa-utf8": (b"UNOA:3", "\u00e9".encode()), "unob-utf8": (b"UNOB:3", "é".encode()),
        # bytes that are no UTF-8 under UNOY and UNOW
        "unoy-invalid": (b"UNOY:3", b"\xff\xfe"), "unow-invalid": (b"UNOW:3", b"\xc3("),
    }
    for name, (syntax, bad) in cases.items():
        data = orders.replace(b"UNOC:3", syntax, 1).replace(
            b"IMD+F++:::Weissbach", b"IMD+F++:::Wei" + bad + b"bach", 1)
        yield Hostile(f"charset:{name}", data, "charset", True, "edifact")
    # ASCII outside level B's repertoire (a warning: read without loss), and a C0
    # control under UNOC (outside its graphic characters): judged either way.
    data = orders.replace(b"UNOC:3", b"UNOB:3", 1).replace(
        b"IMD+F++:::Weissbach", b"IMD+F++:::Wei~bach", 1)
    yield Hostile("charset:unob-tilde", data, "charset", None, "edifact")
    data = orders.replace(b"IMD+F++:::Weissbach", b"IMD+F++:::Wei\x07bach", 1)
    yield Hostile("charset:unoc-control", data, "charset", None, "edifact")


# -- envelopes ----------------------------------------------------------------------------

def _envelopes() -> Iterator[Hostile]:
    x12 = _sample("x12/850_004010.x12")
    edifact = _sample("edifact/ORDERS_D96A.edi")
    isa = x12[:106]
    assert isa.startswith(b"ISA*") and isa.endswith(b"~")
    broken: dict[str, tuple[bytes, str]] = {
        "isa12-99999": (x12.replace(b"*U*00401*", b"*U*99999*", 1), "x12"),
        "isa12-letters": (x12.replace(b"*U*00401*", b"*U*ABCDE*", 1), "x12"),
        "isa-nul-separator": (x12.replace(b"*", b"\x00"), "x12"),
        "isa16-empty": (x12.replace(b"*P*>~", b"*P*~", 1), "x12"),
        "isa06-short": (x12.replace(b"*NWRETAIL       *", b"*NWRETAIL*", 1), "x12"),
        "isa06-long": (x12.replace(b"*NWRETAIL       *", b"*NWRETAIL          *", 1), "x12"),
        "isa13-short": (x12.replace(b"*000001042*", b"*1042*", 1), "x12"),
        "isa13-letters": (x12.replace(b"*000001042*", b"*00000A042*", 1), "x12"),
        "isa-truncated": (isa[:60], "x12"),
        "set-after-iea": (x12 + b"ST*850*0002~BEG*00*SA*99**20240311~SE*3*0002~", "x12"),
        "group-after-iea": (x12 + b"GS*PO*A*B*20240311*0915*2*X*004010~GE*0*2~", "x12"),
        "una-bad": (edifact.replace(b"UNA:+.? '", b"UNA:+.??", 1), "edifact"),
        "una-same-delimiters": (edifact.replace(b"UNA:+.? '", b"UNA++.? '", 1), "edifact"),
        "una-only": (b"UNA:+.? '", "edifact"),
        "una-only-newline": (b"UNA:+.? '\n", "edifact"),
        "unb-only": (b"UNA:+.? 'UNB+UNOC:3+A+B+240311:0915+1'", "edifact"),
        "message-after-unz": (edifact + b"UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+PO9+9'"
                              b"DTM+137:20240311:102'UNS+S'UNT+5+2'", "edifact"),
        "junk-after-unz": (edifact + b"HELLO WORLD", "edifact"),
        "unz-missing": (edifact[:edifact.rindex(b"UNZ")], "edifact"),
    }
    for name, (data, standard) in broken.items():
        yield Hostile(f"envelope:{name}", data, "envelope", True, standard)
    yield Hostile("envelope:unb-syntax-unknown", edifact.replace(b"UNOC:3", b"ZZZZ:3", 1),
                  "envelope", None, "edifact")
    for name, data in {"empty": b"", "spaces": b"   \n\n", "junk": bytes(range(256)) * 4,
                       "nul": b"\x00" * 64, "utf16-junk": b"\xff\xfe" + b"\x00A" * 20}.items():
        yield Hostile(f"envelope:{name}", data, "envelope", True, "unknown")


# -- random damage ------------------------------------------------------------------------

DAMAGED = ("edifact/ORDERS_D96A.edi", "edifact/INVOIC_D96A.edi", "edifact/DESADV_D96A.edi",
           "x12/850_004010.x12", "x12/810_004010.x12", "x12/856_005010.x12",
           "ubl/Order.xml", "ubl/Invoice.xml", "cxml/OrderRequest.xml")


def _standard(path: str) -> str:
    return path.split("/", 1)[0]


def _damaged(rng: random.Random, per_file: int) -> Iterator[Hostile]:
    for path in DAMAGED:
        raw = _sample(path)
        for n in range(per_file):
            kind = rng.choice(("cut", "flip", "drop", "repeat"))
            at = rng.randrange(1, len(raw))
            if kind == "cut":
                data = raw[:at]
            elif kind == "flip":
                data = raw[:at] + bytes([rng.randrange(256)]) + raw[at + 1:]
            elif kind == "drop":
                data = raw[:at] + raw[at + rng.randrange(1, 40):]
            else:
                data = raw[:at] + raw[at - rng.randrange(1, min(at, 60) + 1):]
            yield Hostile(f"{kind}:{path}:{n}@{at}", data, kind, None, _standard(path))


def hostile_inputs(per_file: int = 40, seed: int = SEED) -> list[Hostile]:
    """The whole table: every family above, ``per_file`` damaged copies of each
    damaged sample, drawn from ``seed``."""
    rng = random.Random(seed)
    found = [*_numbers(), *_lengths(), *_charsets(), *_envelopes(), *_damaged(rng, per_file)]
    names = [h.name for h in found]
    assert len(set(names)) == len(names), "hostile inputs need distinct names"
    return found


def by_family(family: str) -> list[Hostile]:
    return [h for h in hostile_inputs() if h.family == family]
