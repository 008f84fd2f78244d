"""Building blocks shared by every business document.

Parties are identified by GLN, DUNS or a partner-specific id; items by GTIN and
buyer or supplier part numbers. Quantities and money are Decimal with an
explicit unit or currency; dates are dates, moments are aware datetimes.
These are values: no standard's codes, no database, no I/O.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a moment needs its time zone; naive datetimes are ambiguous")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class FrozenDict(dict[str, str]):
    """A dict that refuses change after creation and hashes by its items: what a
    frozen model's mapping field needs to be frozen too."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this mapping belongs to a frozen document and cannot change")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, tuple[dict[str, str]]]:
        return FrozenDict, (dict(self),)


FrozenStrDict = Annotated[dict[str, str], AfterValidator(FrozenDict)]


class Model(BaseModel):
    """Base of document models: immutable, no unknown fields, exact decimals."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")


class PartyRole(StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"
    SHIP_TO = "ship_to"
    SHIP_FROM = "ship_from"
    BILL_TO = "bill_to"
    INVOICEE = "invoicee"
    SELLER = "seller"
    PAYEE = "payee"
    CARRIER = "carrier"
    REPORTER = "reporter"
    ORDERED_BY = "ordered_by"


class Address(Model):
    lines: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166 alpha-2


class Party(Model):
    """A trading party in one role. At least one identifier or a name."""

    role: PartyRole
    gln: str | None = None
    duns: str | None = None
    # Identifiers agreed between partners, by who assigned them ("buyer", "supplier", ...)
    ids: FrozenStrDict = Field(default_factory=FrozenDict)
    name: str | None = None
    address: Address | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None

    def key(self) -> str:
        """The best identifier: GLN, then DUNS, then the first partner id, then name."""
        if self.gln:
            return f"gln:{self.gln}"
        if self.duns:
            return f"duns:{self.duns}"
        for who, value in sorted(self.ids.items()):
            return f"{who}:{value}"
        return f"name:{self.name or ''}"


# GTIN-8, GTIN-12 (UPC), GTIN-13 (EAN) and GTIN-14 name one item in as many digits;
# GS1 compares them as fourteen, padded with zeros on the left.
_GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def gtin14(value: str) -> str:
    """A GTIN in its fourteen-digit form (``614141100019`` is ``00614141100019``);
    anything that is not a GTIN's digits comes back as it was."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) in _GTIN_LENGTHS:
        return text.zfill(14)
    return value


class ItemRef(Model):
    """What is ordered, shipped or counted, by as many of its ids as the document gives."""

    gtin: str | None = None
    buyer_part: str | None = None
    supplier_part: str | None = None
    description: str | None = None

    def identifiers(self) -> tuple[tuple[str, str], ...]:
        """The ids that name the item, strongest first: the GTIN (fourteen digits),
        then the supplier's and the buyer's part numbers. A description names nothing."""
        found = []
        if self.gtin:
            found.append(("gtin", gtin14(self.gtin)))
        if self.supplier_part:
            found.append(("supplier", self.supplier_part))
        if self.buyer_part:
            found.append(("buyer", self.buyer_part))
        return tuple(found)

    def key(self) -> str:
        """The strongest id as ``scheme:value``; the description when there is none."""
        for scheme, value in self.identifiers():
            return f"{scheme}:{value}"
        return f"description:{self.description or ''}"


class Quantity(Model):
    value: Decimal
    unit: str = "EA"  # UN/ECE Recommendation 20 or the partner's code, as agreed


class Money(Model):
    amount: Decimal
    currency: str | None = None  # ISO 4217; None means the document's currency


class Period(Model):
    start: date
    end: date


class Reference(Model):
    """A reference to another document: its kind ("order", "despatch", ...) and number."""

    kind: str
    number: str
    issue_date: date | None = None
