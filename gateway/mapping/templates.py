"""Templates for outbound mappings: text with ``{expressions}`` over a document.

An expression is a field path and filters: ``{issue_date|date:102}``,
``{parties[role=buyer].gln}``, ``{quantity.value|decimal:2}``, ``{lines|count}``,
``{^.number}`` (the enclosing item), ``{/number}`` (the document), ``{@index}``
(1-based position in the current ``each``). Filters come from a whitelist; an
unknown one is refused when the mapping loads. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gateway.documents.common import gtin14
from gateway.mapping.values import (
    CodeList,
    format_date,
    format_decimal,
    split_outside_brackets,
)

_EXPR = re.compile(r"\{([^{}]*)\}")
_SELECT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[([A-Za-z_][A-Za-z0-9_.]*)(!?=)([^\]]*)\]$")
FILTERS = frozenset({"date", "decimal", "implied", "codes", "default", "upper", "max", "count",
                     "sum", "strip", "int", "lower", "digits", "add", "position_in",
                     "where", "union", "fits", "longer", "hash", "number", "gtin"})


class TemplateError(ValueError):
    """A template that cannot compile; the loader names the file and field."""


# Values a ``max`` filter cut to fit, while a caller listens (see :func:`noting_cuts`).
_CUTS: ContextVar[list[str] | None] = ContextVar("template_cuts", default=None)


@contextmanager
def noting_cuts() -> Iterator[list[str]]:
    """Collect, while rendering inside the block, every value a ``max:N`` filter had
    to cut to N characters (one line each), so a writer can say what it did not
    carry whole instead of cutting in silence."""
    cuts: list[str] = []
    token = _CUTS.set(cuts)
    try:
        yield cuts
    finally:
        _CUTS.reset(token)


def _cut(value: Any, size: int) -> Any:
    if value in (None, ""):
        return None
    text = str(value)
    if len(text) <= size:
        return text
    cuts = _CUTS.get()
    if cuts is not None:
        cuts.append(f"{text!r} is longer than the {size} characters its place holds: "
                    f"written as {text[:size]!r}")
    return text[:size]


@dataclass(slots=True)
class Frame:
    """The rendering context: the current item, its parents and the loop index."""

    stack: list[Any]
    index: int = 0

    def child(self, item: Any, index: int) -> Frame:
        return Frame([*self.stack, item], index)


def _step(value: Any, name: str) -> Any:
    if value is None:
        return None
    select = _SELECT.match(name)
    if select:
        items = _step(value, select.group(1)) or []
        key, negate, wanted = select.group(2), select.group(3) == "!=", select.group(4)
        options = set(wanted.split("|"))
        for item in items:
            got = _resolve(item, key.split("."))
            hit = str(got) in options if got is not None else "" in options
            if hit != negate:
                return item
        return None
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, list | tuple) and name.isdigit():
        index = int(name)
        return value[index] if index < len(value) else None
    return getattr(value, name, None)


def _resolve(value: Any, names: list[str]) -> Any:
    for name in names:
        value = _step(value, name)
        if value is None:
            return None
    return value


def _split_path(text: str) -> list[str]:
    return [part for part in split_outside_brackets(text, ".") if part]


class Lookup:
    """A compiled field path: ``a.b``, ``^.a`` (parent), ``/a`` (root), ``@index``."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.special = self.text if self.text.startswith("@") else None
        if self.special not in (None, "@index"):
            raise TemplateError(f"{text!r}: the only special value is @index")
        path = self.text
        self.up = 0
        self.root = path.startswith("/")
        if self.root:
            path = path[1:]
        while path.startswith("^."):
            self.up += 1
            path = path[2:]
        self.names = _split_path(path) if path and not self.special else []

    def get(self, frame: Frame) -> Any:
        if self.special == "@index":
            return frame.index
        if self.root:
            base = frame.stack[0]
        else:
            position = len(frame.stack) - 1 - self.up
            if position < 0:
                return None
            base = frame.stack[position]
        return _resolve(base, self.names) if self.names else base


Filter = Callable[[Any], Any]


def _count_arg(name: str, arg: str) -> int:
    if not arg.isdigit():
        raise TemplateError(f"{name}:{arg}: the argument is a whole number of places or "
                            "characters")
    return int(arg)


def _filter(name: str, arg: str | None, codelists: dict[str, CodeList]) -> Filter:
    if name not in FILTERS:
        raise TemplateError(f"unknown filter {name!r}; allowed: {', '.join(sorted(FILTERS))}")
    if name == "date":
        fmt = arg or "102"
        return lambda v: format_date(v, fmt) if v not in (None, "") else None
    if name == "decimal":
        places = _count_arg(name, arg) if arg else None
        return lambda v: format_decimal(v, places) if v not in (None, "") else None
    if name == "implied":
        digits = _count_arg(name, arg or "2")
        return lambda v: format_decimal(v, implied=digits) if v not in (None, "") else None
    if name == "codes":
        if not arg or arg not in codelists:
            raise TemplateError(f"codes:{arg}: no such code list")
        table = codelists[arg].outbound
        return lambda v: table.get(str(v)) if v not in (None, "") else None
    if name == "default":
        fallback = arg or ""
        return lambda v: fallback if v in (None, "") else v
    if name == "max":
        size = _count_arg(name, arg or "35")
        return lambda v: _cut(v, size)
    if name in ("fits", "longer"):
        # A value for an element only when it fits (a code where the standard has a
        # code of at most N characters), or only when it does not (text for the
        # description beside that code): never cut to size.
        limit = _count_arg(name, arg or "3")
        if name == "fits":
            return lambda v: v if v not in (None, "") and len(str(v)) <= limit else None
        return lambda v: v if v not in (None, "") and len(str(v)) > limit else None
    if name == "add":
        if not arg or not arg.lstrip("-").isdigit():
            raise TemplateError(f"add:{arg}: the argument is a whole number")
        amount = int(arg)
        return lambda v: int(Decimal(str(v))) + amount if v not in (None, "") else None
    if name == "count":
        return lambda v: len(v) if isinstance(v, list | tuple) else (0 if v is None else 1)
    if name == "sum":
        names = _split_path(arg or "")

        def total(v: Any) -> Any:
            if not isinstance(v, list | tuple):
                return None
            found = [_resolve(item, names) for item in v]
            return sum((Decimal(str(x)) for x in found if x is not None), Decimal(0))
        return total
    if name == "hash":
        return _hash_total(_split_path(arg or ""))
    if name == "number":
        return lambda v: _plain_number(v) if v not in (None, "") else None
    if name == "gtin":
        if arg not in (None, "form"):
            raise TemplateError(f"gtin:{arg}: the only argument is 'form'")
        if arg == "form":
            return lambda v: gtin_form(str(v)) if v not in (None, "") else None
        return lambda v: gtin_shortest(str(v)) if v not in (None, "") else None
    if name == "int":
        return lambda v: int(Decimal(str(v))) if v not in (None, "") else None
    if name == "digits":
        return lambda v: "".join(ch for ch in str(v) if ch.isdigit()) if v else None
    if name == "upper":
        return lambda v: str(v).upper() if v not in (None, "") else None
    if name == "lower":
        return lambda v: str(v).lower() if v not in (None, "") else None
    return lambda v: str(v).strip() if v not in (None, "") else None


# A GTIN's standard forms, shortest first: UPC-A (GTIN-12), EAN-13, GTIN-14. GS1
# writes one in fewer digits only where the digits dropped are leading zeros.
_GTIN_FORMS = (12, 13, 14)


def _gtin_digits(value: str) -> str | None:
    padded = gtin14(value)
    return padded if len(padded) == 14 and padded.isascii() and padded.isdigit() else None


def gtin_shortest(value: str) -> str:
    """A GTIN in the fewest of 12, 13 or 14 digits that hold it without a loss
    (``00614141100019`` is ``614141100019``, ``04012345100013`` is ``4012345100013``);
    a value that is no GTIN comes back as it is."""
    padded = _gtin_digits(value)
    if padded is None:
        return value
    for size in _GTIN_FORMS:
        if padded[:14 - size].strip("0") == "":
            return padded[14 - size:]
    return padded


def gtin_form(value: str) -> str:
    """Which form :func:`gtin_shortest` writes: ``gtin12``, ``gtin13`` or
    ``gtin14``; ``other`` for a value that is no GTIN's digits."""
    if _gtin_digits(value) is None:
        return "other"
    return f"gtin{len(gtin_shortest(value))}"


# X12 347 (hash total, CTT 02) is R 1/10.
_HASH_DIGITS = 10


def _plain_number(value: Any) -> str:
    """A number as an X12 R element wants it: plain decimal text without the zeros
    after the decimal point that carry nothing (80000000.000 is 80000000)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format_decimal(number)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _hash_total(names: list[str]) -> Callable[[Any], Any]:
    """X12's hash total of a field over a list's items: each value as the number
    filter writes it, summed without regard to its decimal point or sign, and the
    sum cut on the left to the element's ten digits, as X12 347 defines it."""
    def total(v: Any) -> Any:
        if not isinstance(v, list | tuple):
            return None
        found = [_resolve(item, names) for item in v]
        summed = sum(int(_plain_number(x).replace(".", "").lstrip("-") or "0")
                     for x in found if x not in (None, ""))
        return int(str(summed)[-_HASH_DIGITS:])
    return total


def _text(value: Any) -> str:
    # An empty list is nothing, as a `when` sees it: "{tax_total}{taxes}" holds for
    # a document with either, not for every document.
    if value is None or (isinstance(value, list | tuple | dict) and not value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, dict | list | tuple):
        return str(value.value)  # enums
    return str(value)


def _split_filters(text: str) -> list[str]:
    """Split at ``|`` outside brackets: ``parties[role=a|b].gln|max:13``."""
    return split_outside_brackets(text, "|")


def _list_and_field(name: str, arg: str | None, example: str) -> tuple[Lookup, list[str]]:
    """The list and the field a ``LIST.FIELD`` filter argument names."""
    if not arg or "." not in arg:
        raise TemplateError(f"{name}:{arg}: give a list and a field, e.g. {example}")
    where, _, key = arg.rpartition(".")
    return Lookup(where), _split_path(key)


class _PositionIn:
    """``position_in:/packages.id``: where the value sits (1-based) among the values
    a path gives over a list of the document (None when it is not there), to
    point at another item by its number, as EDIFACT CPS 02 names a parent level."""

    def __init__(self, arg: str | None) -> None:
        self.items, self.key = _list_and_field("position_in", arg, "/packages.id")

    def __call__(self, value: Any, frame: Frame) -> Any:
        if value in (None, ""):
            return None
        for position, item in enumerate(self.items.get(frame) or (), 1):
            if _resolve(item, self.key) == value:
                return position
        return None


class _Where:
    """``where:parent=id``: the items of a list whose field equals a value of the
    current item (``id``, ``^.id``, ``/number``); ``where:order_number?=.``: those
    too whose field is empty; ``where:!parent``: those whose field is empty. To nest
    items under the item they name (a carton's lines under its HL level, an order's
    lines under its order, with the lines that name none under the first)."""

    def __init__(self, arg: str | None) -> None:
        text = (arg or "").strip()
        self.empty = text.startswith("!")
        key, _, ref = text.lstrip("!").partition("=")
        self.or_empty = key.endswith("?")
        key = key.removesuffix("?").strip()
        if not key or (self.empty == bool(ref)) or (self.empty and self.or_empty):
            raise TemplateError(f"where:{arg}: give field=value-path, field?=value-path "
                                "or !field")
        self.key = _split_path(key)
        self.ref = Lookup(ref) if ref else None

    def __call__(self, value: Any, frame: Frame) -> Any:
        if not isinstance(value, list | tuple):
            return None
        if self.ref is None:
            return [item for item in value if _resolve(item, self.key) in (None, "")]
        wanted = self.ref.get(frame)
        if wanted in (None, "") and not self.or_empty:
            return []
        out = []
        for item in value:
            got = _resolve(item, self.key)
            if got in (None, ""):
                if self.or_empty:
                    out.append(item)
            elif got == wanted:
                out.append(item)
        return out


class _Union:
    """``union:/lines.order_number``: the value (a list, or one value) followed by the
    values a field has over a list of the document, each once and blanks left out:
    every order a document names and its lines name (one cXML group per order)."""

    def __init__(self, arg: str | None) -> None:
        self.items, self.key = _list_and_field("union", arg, "/lines.order_number")

    def __call__(self, value: Any, frame: Frame) -> Any:
        own = list(value) if isinstance(value, list | tuple) else [value]
        out: list[Any] = []
        for found in (*own, *(_resolve(item, self.key) for item in self.items.get(frame) or ())):
            if found not in (None, "") and found not in out:
                out.append(found)
        return out


_FrameFilter = _PositionIn | _Where | _Union
_FRAME_FILTERS: dict[str, type[_PositionIn | _Where | _Union]] = {
    "position_in": _PositionIn, "where": _Where, "union": _Union}


class Expression:
    def __init__(self, text: str, codelists: dict[str, CodeList]) -> None:
        head, *filters = _split_filters(text)
        self.lookup = Lookup(head)
        self.filters: list[Filter | _FrameFilter] = []
        for item in filters:
            name, _, arg = (part.strip() for part in item.partition(":"))
            # Filters that read the document around the value besides the value itself.
            framed = _FRAME_FILTERS.get(name)
            if framed is not None:
                self.filters.append(framed(arg or None))
                continue
            self.filters.append(_filter(name, arg or None, codelists))

    def value(self, frame: Frame) -> Any:
        value = self.lookup.get(frame)
        for flt in self.filters:
            value = flt(value, frame) if isinstance(flt, _FrameFilter) else flt(value)
        return value

    def render(self, frame: Frame) -> str:
        return _text(self.value(frame))


class Template:
    """Literal text with expressions. ``has_expressions`` tells a template whose
    emptiness depends on the document from a constant."""

    def __init__(self, text: str, codelists: dict[str, CodeList]) -> None:
        self.text = text
        self.parts: list[str | Expression] = []
        last = 0
        for found in _EXPR.finditer(text):
            if found.start() > last:
                self.parts.append(text[last:found.start()])
            try:
                self.parts.append(Expression(found.group(1), codelists))
            except TemplateError as err:
                raise TemplateError(f"{text!r}: {err}") from err
            last = found.end()
        if last < len(text):
            self.parts.append(text[last:])
        self.has_expressions = any(isinstance(p, Expression) for p in self.parts)

    def render(self, frame: Frame) -> tuple[str, bool]:
        """The text, and whether any expression produced something."""
        out = []
        produced = False
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                text = part.render(frame)
                produced = produced or text != ""
                out.append(text)
        if self.has_expressions and not produced:
            return "", False
        return "".join(out), produced

    def value(self, frame: Frame) -> Any:
        """The raw value of a template that is one expression (for ``each``)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Expression):
            return self.parts[0].value(frame)
        return self.render(frame)[0]


class Condition:
    """A ``when``: a template that must produce a value, or with a leading ``!`` must not."""

    def __init__(self, text: str, codelists: dict[str, CodeList]) -> None:
        self.negate = text.startswith("!")
        self.template = Template(text[1:] if self.negate else text, codelists)

    def holds(self, frame: Frame) -> bool:
        return truthy(self.template.value(frame)) != self.negate


def truthy(value: Any) -> bool:
    """Whether a ``when`` holds: the value is there. Zero is a value; False is not."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | tuple | dict) and len(value) == 0)
