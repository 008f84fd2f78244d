"""Compiled getters (gateway.mapping.inbound): every shipped inbound mapping, applied to
every message of its type in the golden samples and the shared corpus, gives exactly
the raw document and the value problems that reading its specs one by one gives, as
the mapping DSL (gateway/mappings/README.md) describes them; and the getters built for the
commonest specs keep the rules of the general one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory, resolve_version
from gateway.edi.schema.model import Directory, MessageDef
from gateway.edi.schema.structure import instance_tree
from gateway.edi.tree import Segment
from gateway.mapping.inbound import (
    POSITION,
    InboundMapping,
    Scope,
    _Problems,
    _split_condition,
    compile_inbound,
)
from gateway.mapping.paths import UBL_NAMESPACES, XmlPath
from gateway.mapping.registry import DEFAULT_ROOT, load_codelists, mapping_data
from gateway.mapping.values import (
    DATE_PATTERNS,
    CodeList,
    NumberFormat,
    ValueProblem,
    number_format,
    parse_date,
    parse_datetime,
    parse_decimal,
)
from tests import corpus
from tests.regenerate_samples import sample_files

CODELISTS = load_codelists(DEFAULT_ROOT, None)


@dataclass
class Reader:
    """Reads a mapping's specs one by one, each path by its general walk: the DSL as
    written, with none of the compiled getters' shortcuts."""

    directory: Directory | None
    namespaces: dict[str, str]
    problems: list[tuple[str, str]]
    decimal: str
    numbers: NumberFormat

    def path(self, text: str, scope: Scope, strip: bool = True) -> Any:
        if self.directory is None:
            return XmlPath(text, self.namespaces, strip=strip)
        return scope.value_path(text, self.directory)

    def first(self, text: str, scope: Scope, ctx: Any, strip: bool = True) -> str | None:
        path = self.path(text, scope, strip)
        found: str | None = path.first(ctx) if self.directory is None else \
            path.first_walked(ctx)
        return found

    def read(self, spec: Any, scope: Scope, ctx: Any, where: str, position: int | None
             ) -> Any:
        if isinstance(spec, str):
            return self.value({"from": spec}, scope, ctx, where, position)
        if isinstance(spec, list):
            found = [self.read(s, scope, ctx, f"{where}[{i}]", position)
                     for i, s in enumerate(spec)]
            return [v for v in found if v not in (None, "", [], {})] or None
        if {"from", "const", "first_of", "each"} & set(spec):
            return self.value(spec, scope, ctx, where, position)
        return self.object(spec, scope, ctx, where, position)

    def object(self, spec: dict[str, Any], scope: Scope, ctx: Any, where: str,
               position: int | None, *, require: tuple[str, ...] = ()) -> Any:
        out = {}
        for key, inner in spec.items():
            value = self.read(inner, scope, ctx, f"{where}.{key}", position)
            if value is not None:
                out[str(key)] = value
        if any(out.get(name) is None for name in require):
            return None
        return out or None

    def holds(self, text: Any, scope: Scope, ctx: Any) -> bool:
        if text is None:
            return True
        split = _split_condition(str(text))
        if split is None:
            return self.first(str(text), scope, ctx) is not None
        lhs, operator, rhs = split
        rhs = rhs.strip()
        if rhs.startswith("{") and rhs.endswith("}"):
            hit = (self.first(lhs, scope, ctx) or "") == (self.first(rhs[1:-1], scope, ctx)
                                                          or "")
        else:
            hit = (self.first(lhs, scope, ctx) or "") in {v.strip() for v in rhs.split("|")}
        return not hit if operator == "!=" else hit

    def value(self, spec: dict[str, Any], scope: Scope, ctx: Any, where: str,
              position: int | None) -> Any:
        if "each" in spec:
            return self.each(spec, scope, ctx, where)
        if "first_of" in spec:
            for i, option in enumerate(spec["first_of"]):
                found = self.read(option, scope, ctx, f"{where}.first_of[{i}]", position)
                if found is not None:
                    return found
            return None
        if "const" in spec:
            return spec["const"] if self.holds(spec.get("when"), scope, ctx) else None
        if spec["from"] == POSITION:
            if position is None:
                return None
            return position if spec.get("as") == "int" else str(position)
        if not self.holds(spec.get("when"), scope, ctx):
            return None
        default = spec.get("default")
        if spec.get("all") or spec.get("join") is not None:
            path = self.path(str(spec["from"]), scope, spec.get("as") != "free_text")
            texts = path.values(ctx)
            found = [v for t in texts
                     if (v := self.convert(spec, t, scope, ctx, where)) is not None]
            if spec.get("join") is not None:
                return str(spec["join"]).join(str(v) for v in found) or default
            return found or default
        text = self.first(str(spec["from"]), scope, ctx, spec.get("as") != "free_text")
        if text is None:
            return default
        value = self.convert(spec, text, scope, ctx, where)
        return default if value is None else value

    def convert(self, spec: dict[str, Any], text: str, scope: Scope, ctx: Any,
                where: str) -> Any:
        codes = spec.get("codes")
        if codes is not None:
            table = CODELISTS[codes].inbound if isinstance(codes, str) else \
                {str(k): str(v) for k, v in codes.items()}
            if text not in table:
                return text if spec.get("otherwise") == "keep" else spec.get("otherwise")
            text = table[text]
        kind = spec.get("as", "text")
        fmt = spec.get("format")
        if fmt is not None and not (str(fmt).isdigit() or str(fmt) in DATE_PATTERNS
                                    or str(fmt).startswith("%")):
            fmt = self.first(str(fmt), scope, ctx)
        try:
            if kind == "decimal":
                return parse_decimal(text, self.decimal, int(spec.get("implied", 0)),
                                     form=self.numbers)
            if kind == "int":
                number = parse_decimal(text, self.decimal, form=self.numbers)
                if number != number.to_integral_value():
                    raise ValueProblem(f"{text!r} is not a whole number")
                return int(number)
            if kind == "bool":
                return text.strip().lower() in ("1", "true", "yes", "y")
            if kind == "date":
                return parse_date(text, fmt, end=spec.get("range") == "end")
            if kind == "datetime":
                return parse_datetime(text, fmt)
            return text
        except ValueProblem as err:
            self.problems.append((where, str(err)))
            return None

    def each(self, spec: dict[str, Any], scope: Scope, ctx: Any, where: str) -> Any:
        if self.directory is None:
            path, inner = self.path(str(spec["each"]), scope), scope.repeating()
            nodes = list(path.nodes(ctx))
        else:
            path, inner = scope.nodes_path(str(spec["each"]), self.directory)
            nodes = path.nodes(ctx)
        out = []
        for position, node in enumerate(nodes, 1):
            if "fields" in spec:
                value = self.object(spec["fields"], inner, node, f"{where}.fields", position,
                                    require=tuple(spec.get("require") or ()))
            else:
                rest = {k: v for k, v in spec.items() if k not in ("each", "also")}
                value = self.value(rest, inner, node, where, position)
            if value is not None:
                out.append(value)
        for i, extra in enumerate(spec.get("also") or ()):
            if "fields" in spec:
                value = self.object(extra, scope, ctx, f"{where}.also[{i}]", None,
                                    require=tuple(spec.get("require") or ()))
            else:
                value = self.read(extra, scope, ctx, f"{where}.also[{i}]", None)
            if value is not None:
                out.append(value)
        return out or None


@dataclass(frozen=True)
class Shipped:
    name: str
    data: dict[str, Any]
    directory: Directory | None
    message: MessageDef | None
    mapping: InboundMapping


@cache
def shipped() -> tuple[Shipped, ...]:
    found = []
    for file in sorted(DEFAULT_ROOT.glob("*/*/*.in.yaml")):
        data = mapping_data(DEFAULT_ROOT, file.relative_to(DEFAULT_ROOT))  # as compiled
        standard, version = str(data["standard"]), str(data["version"])
        directory = load_directory(standard, version) \
            if standard in ("edifact", "x12") else None
        message = directory.messages[str(data["message"])] if directory else None
        name = file.relative_to(DEFAULT_ROOT).as_posix()
        found.append(Shipped(name, data, directory, message, compile_inbound(
            name, data, directory=directory, message=message, codelists=CODELISTS)))
    return tuple(found)


@cache
def _reports() -> tuple[Any, ...]:
    files = [p for p in sample_files() if p.suffix in (".edi", ".x12", ".xml")]
    if corpus.is_available():
        files += [e.path for e in corpus.entries("edifact", "x12", "xml")]
    return tuple(inspect(file.read_bytes()) for file in files)


def _sources(mapping: InboundMapping) -> Iterator[tuple[Any, str]]:
    """The trees (EDI instance trees, XML roots) a mapping reads, with their decimal mark."""
    for report in _reports():
        if report.xml is not None:
            doc = report.xml.document
            if doc is not None and report.xml.root is not None and \
                    doc.family == mapping.standard and doc.type == mapping.message:
                yield report.xml.root, "."
        if report.edi is None:
            continue
        for interchange in report.edi.interchanges:
            if interchange.standard != mapping.standard:
                continue
            for message in interchange.messages():
                if message.type != mapping.message:
                    continue
                version = resolve_version(mapping.standard, message.type, mapping.version)
                directory = load_directory(mapping.standard, version)
                assert directory is not None
                yield (instance_tree(message.segments,
                                     directory.messages[mapping.message].structure),
                       interchange.delimiters.decimal)


@pytest.mark.parametrize("shipped", shipped(), ids=lambda s: s.name)
def test_compiled_mappings_read_what_the_specs_say(shipped: Shipped) -> None:
    """Each shipped mapping gives, for every message it reads in the samples and the
    corpus, the raw document and the value problems its specs give read one by one."""
    data = shipped.data
    namespaces = dict(UBL_NAMESPACES) if data["standard"] == "ubl" else {}
    namespaces.update({str(k): str(v) for k, v in (data.get("namespaces") or {}).items()})
    scope = Scope(shipped.message.structure if shipped.message else None)
    for source, decimal in _sources(shipped.mapping):
        problems = _Problems()
        compiled = shipped.mapping.getter(source, problems,
                                          shipped.mapping.environment(decimal))
        reader = Reader(shipped.directory, namespaces, [], decimal,
                        number_format(data["standard"]))
        assert compiled == reader.object(data["fields"], scope, source, "fields", None)
        assert problems.found == reader.problems


# -- the commonest specs keep the general rules ---------------------------------------------

EDIFACT = load_directory("edifact", "D96A")
assert EDIFACT is not None
ORDERS = EDIFACT.messages["ORDERS"]


def _tree(text: str) -> Any:
    return instance_tree([Segment(raw.split("+")[0], [e.split(":") for e in raw.split("+")[1:]])
                          for raw in text.split("'") if raw], ORDERS.structure)


def _read(fields: dict[str, Any], text: str, decimal: str = "."
          ) -> tuple[Any, list[tuple[str, str]]]:
    assert EDIFACT is not None
    mapping = compile_inbound("ORDERS.in.yaml", {
        "standard": "edifact", "version": "D96A", "message": "ORDERS",
        "document": "purchase_order", "fields": fields}, directory=EDIFACT, message=ORDERS,
        codelists={"units": CodeList.of("units", {"PCE": "EA", "KGM": "2.5"})})
    problems = _Problems()
    return mapping.getter(_tree(text), problems, mapping.environment(decimal)), problems.found


def test_an_object_of_one_field_with_another_required_field_is_never_kept() -> None:
    """An object of a single field is kept when the field has a value, but never when it
    requires a field it does not map."""
    spec = {"each": "SG25", "fields": {"n": "LIN/01"}}
    assert _read({"lines": spec}, "LIN+1'LIN+2'")[0] == {"lines": [{"n": "1"}, {"n": "2"}]}
    assert _read({"lines": {**spec, "require": ["n"]}}, "LIN+1'LIN'")[0] == \
        {"lines": [{"n": "1"}]}
    assert _read({"lines": {**spec, "require": ["m"]}}, "LIN+1'LIN+2'")[0] is None


def test_options_on_one_segment_are_read_in_turn_however_often_it_repeats() -> None:
    """`first_of` over conditional values of one segment takes the first option that
    gives one, whether the message holds that segment once or several times."""
    fields = {"at": {"first_of": [{"from": "DTM/01-2", "when": "DTM/01-1=137"},
                                  {"from": "DTM/01-2", "when": "DTM/01-3=203"},
                                  "DTM/01-3"]}}
    assert _read(fields, "DTM+2:20250320:102'")[0] == {"at": "102"}
    assert _read(fields, "DTM+2:20250320:203'")[0] == {"at": "20250320"}
    # The first DTM decides each condition: its 01-1 is 2, its 01-3 is 102.
    assert _read(fields, "DTM+2:20250320:102'DTM+137:20250310:203'")[0] == {"at": "102"}
    assert _read(fields, "DTM+137'DTM+137:20250310:203'")[0] == {"at": "20250310"}


def test_an_amount_that_cannot_be_read_is_a_problem_and_the_default() -> None:
    """A decimal that does not read records the problem with its field and gives the
    default, if any; the decimal mark is the interchange's."""
    spec = {"from": "SG25/QTY/01-2", "as": "decimal", "default": 0}
    assert _read({"q": spec}, "LIN+1'QTY+21:x'") == \
        ({"q": 0}, [("fields.q", "'x' is not a number (EDIFACT numeric, decimal mark '.')")])
    assert _read({"q": spec}, "LIN+1'QTY+21:1,5'", decimal=",")[0] == {"q": Decimal("1.5")}


def test_codes_come_before_the_conversion_and_otherwise_after() -> None:
    """A code list maps the partner's code before `as` converts it; `otherwise` (or the
    code kept) is taken as it is."""
    spec = {"from": "SG25/QTY/01-3", "codes": "units", "as": "decimal",
            "otherwise": "keep"}
    assert _read({"u": spec}, "LIN+1'QTY+21:1:KGM'")[0] == {"u": Decimal("2.5")}
    assert _read({"u": spec}, "LIN+1'QTY+21:1:XYZ'")[0] == {"u": "XYZ"}
    assert _read({"u": spec}, "LIN+1'QTY+21:1:PCE'")[1] == [
        ("fields.u", "'EA' is not a number (EDIFACT numeric, decimal mark '.')")]


def test_a_condition_with_a_default_gives_nothing_when_it_does_not_hold() -> None:
    """`when` decides before `default`: a condition that fails gives nothing, one that
    holds gives the value or the default."""
    spec = {"from": "BGM/04", "when": "BGM/01=220", "default": "none"}
    assert _read({"v": spec}, "BGM+220+PO-1'")[0] == {"v": "none"}
    assert _read({"v": spec}, "BGM+221+PO-1'")[0] is None
    present = {"from": "BGM/02", "when": "BGM/03"}
    assert _read({"v": present}, "BGM+220+PO-1+9'")[0] == {"v": "PO-1"}
    assert _read({"v": present}, "BGM+220+PO-1'")[0] is None
