"""Inbound mappings: a message (EDI instance tree or XML tree) to a business document.

A mapping's ``fields`` describe the document; each value names where it comes
from and how it is read::

    number: BGM/02                                   # a path: its first value
    issue_date: {from: "DTM[01-1=137]/01-2", as: date, format: "DTM[01-1=137]/01-3"}
    purpose: {from: BGM/03, codes: order_purpose, default: original}
    currency: {first_of: ["CUX[01-1=2]/01-2", {const: EUR}]}
    notes: {from: FTX/04-1, all: true}
    parties:
      each: SG2
      require: [role]
      fields:
        role: {from: NAD/01, codes: party_function}
        gln: {from: NAD/02-1, when: "NAD/02-3=9"}

A mapping with a value key (``from``, ``const``, ``first_of``, ``each``) is a value;
any other mapping is a nested object. Everything is compiled when the file is
loaded; a wrong path or key is a :class:`MappingError` naming file and field.
Applying a mapping never raises on bad data: problems come back as issues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from gateway.documents.models import DOCUMENT_TYPES
from gateway.edi.issues import Code, Issue, Location
from gateway.edi.schema.model import Directory, GroupNode, MessageDef
from gateway.edi.tree import Segment
from gateway.errors import ConfigurationError
from gateway.mapping.paths import (
    UBL_NAMESPACES,
    HeldRead,
    PathError,
    SegmentRead,
    ValuePath,
    XmlPath,
    first_held,
)
from gateway.mapping.values import (
    DATE_PATTERNS,
    CodeList,
    ValueProblem,
    number_format,
    parse_date,
    parse_datetime,
    parse_decimal,
)

VALUE_KEYS = frozenset({"from", "const", "first_of", "each"})
_SPEC_KEYS = frozenset({"from", "const", "first_of", "each", "fields", "as", "format", "codes",
                        "otherwise", "when", "default", "all", "join", "implied", "require",
                        "also", "range"})
_TYPES = frozenset({"text", "free_text", "decimal", "int", "date", "datetime", "bool"})


def _split_condition(text: str) -> tuple[str, str, str] | None:
    """``PATH=V1|V2`` or ``PATH!=V`` split at the operator outside brackets, or None
    for a bare path (a presence test)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "=" and depth == 0:
            negate = i > 0 and text[i - 1] == "!"
            lhs = text[: i - 1] if negate else text[:i]
            return lhs.strip(), "!=" if negate else "=", text[i + 1:]
    return None


def _literal_format(text: str) -> bool:
    """A date format written out (2379 code, named convention, strftime), not a path."""
    return text.isdigit() or text in DATE_PATTERNS or text.startswith("%")


class MappingError(ConfigurationError):
    """A mapping file that cannot be compiled; the message names file and field."""


class _Problems:
    """Values that could not be read while applying a mapping, with their field."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, field: str, problem: str) -> None:
        self.found.append((field, problem))


Getter = Callable[[Any, _Problems, dict[str, Any]], Any]
POSITION = "@position"  # the ``from`` that counts the items of the enclosing ``each``
Finder = Callable[[Any], str | None]
Convert = Callable[[str, Any, _Problems, dict[str, Any]], Any]
# A field of an object: its key, the keys of the nested objects it sits in, its
# getter, and the finder and conversion the getter is made of, when it is a read.
_Leaf = tuple[str, tuple[str, ...], Getter, Finder | None, Convert | None]


@dataclass(frozen=True, slots=True)
class _Condition:
    """A compiled ``when``: the path's finder, and the values it must (``negate``:
    must not) be one of; no values for a presence test; or, with ``other``, the
    finder of the path whose first value it must (must not) equal."""

    path: Any  # a ValuePath or an XmlPath
    find: Finder
    values: frozenset[str] | None
    negate: bool
    other: Finder | None = None

    def test(self) -> Callable[[Any], bool]:
        find, values, negate, other = self.find, self.values, self.negate, self.other
        if other is not None:
            return lambda ctx: ((find(ctx) or "") == (other(ctx) or "")) is not negate
        if values is None:
            return lambda ctx: find(ctx) is not None
        return lambda ctx: ((find(ctx) or "") in values) is not negate

    def guarding(self, path: Any) -> Finder:
        """A finder of ``path``'s first value where the condition holds, else None."""
        first = path.finder()
        if self.other is not None:
            holds = self.test()
            return lambda ctx: first(ctx) if holds(ctx) else None
        if isinstance(path, ValuePath) and isinstance(self.path, ValuePath):
            return path.guarded_by(self.path, self.values, self.negate)
        find, values, negate = self.find, self.values, self.negate
        if values is None:
            return lambda ctx: None if find(ctx) is None else first(ctx)
        return lambda ctx: None if ((find(ctx) or "") in values) is negate else first(ctx)

    def held_read(self, path: Any) -> HeldRead | None:
        if self.other is None and isinstance(path, ValuePath) \
                and isinstance(self.path, ValuePath):
            return path.held_read(self.path, self.values, self.negate)
        return None

    def guard(self, first: Finder, default: Any) -> Getter:
        """A text value read only when the condition holds, tested inline."""
        find, values, negate = self.find, self.values, self.negate
        if self.other is not None:
            holds = self.test()

            def compared(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                return first(ctx) or default if holds(ctx) else None
            return compared
        if values is None:
            def present(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                if find(ctx) is None:
                    return None
                return first(ctx) or default
            return present

        def guarded(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            if ((find(ctx) or "") in values) is negate:
                return None
            return first(ctx) or default
        return guarded

    def guard_getter(self, getter: Getter) -> Getter:
        holds = self.test()

        def guarded(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            return getter(ctx, problems, env) if holds(ctx) else None
        return guarded


@dataclass(frozen=True, slots=True)
class _Read:
    """What a getter of one value without a default does: ``find`` the text (None
    where its condition fails), then ``convert`` it when there is one; and, for
    text as it stands, the segment element it reads when it is that simple."""

    find: Finder
    convert: Convert | None
    held: HeldRead | None


def _held_read(path: Any) -> HeldRead | None:
    return path.held_read() if isinstance(path, ValuePath) else None


def _converter(kind: str, fmt: Any, fmt_find: Finder | None, implied: int,
               where: str, *, end: bool = False) -> Convert | None:
    """Text to the value ``as`` names; None for text, which stays as it is. A value
    that cannot be read is a problem naming ``where``, and gives None."""
    if kind in ("text", "free_text"):
        return None
    if kind == "bool":
        return lambda text, ctx, problems, env: \
            text.strip().lower() in ("1", "true", "yes", "y")
    if kind == "decimal":
        def to_decimal(text: str, ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            try:
                return parse_decimal(text, env["decimal"], implied, form=env["numbers"])
            except ValueProblem as err:
                problems.add(where, str(err))
                return None
        return to_decimal

    def read(text: str, ctx: Any, env: dict[str, Any]) -> Any:
        if kind == "int":
            number = parse_decimal(text, env["decimal"], form=env["numbers"])
            if number != number.to_integral_value():
                raise ValueProblem(f"{text!r} is not a whole number")
            return int(number)
        actual = fmt if fmt_find is None else fmt_find(ctx)
        if kind == "date":
            return parse_date(text, actual, end=end)
        return parse_datetime(text, actual)

    def convert(text: str, ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
        try:
            return read(text, ctx, env)
        except ValueProblem as err:
            problems.add(where, str(err))
            return None
    return convert


def _coded(codes: CodeList, otherwise: Any, then: Convert | None) -> Convert:
    """Partner codes to canonical values before ``then``; an unknown code gives
    ``otherwise`` (``keep``: the code itself) without conversion."""
    table = codes.inbound
    keep = otherwise == "keep"

    def coded(text: str, ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
        mapped = table.get(text)
        if mapped is None:
            return text if keep else otherwise
        return mapped if then is None else then(mapped, ctx, problems, env)
    return coded


def _collected(values: Callable[[Any], Any], convert: Convert | None,
               condition: _Condition | None, join: Any, default: Any) -> Getter:
    """``all`` and ``join``: every value the path finds, converted."""
    holds = None if condition is None else condition.test()

    def collect(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
        if holds is not None and not holds(ctx):
            return None
        found = [v for t in values(ctx)
                 if (v := t if convert is None else convert(t, ctx, problems, env)) is not None]
        if join is not None:
            return str(join).join(str(v) for v in found) or default
        return found or default
    return collect


@dataclass(slots=True)
class Compiler:
    """Compiles value specs for one mapping file."""

    name: str
    family: str  # "edi" or "xml"
    directory: Directory | None
    structure: GroupNode | None
    codelists: dict[str, CodeList]
    namespaces: dict[str, str]
    # Getters of one value without a default, and what they do: objects and
    # first_of find and convert the value themselves, without the getter's call.
    _reads: dict[Getter, _Read] = field(default_factory=dict)
    # Every EDI path compiled for the file: what the mapping reads of a message.
    paths: list[ValuePath] = field(default_factory=list)

    def fail(self, where: str, problem: str) -> MappingError:
        return MappingError(f"{self.name}: {where}: {problem}")

    # -- paths ------------------------------------------------------------------

    def path(self, text: str, where: str, scope: Scope, *, strip: bool = True) -> Any:
        """A value path; ``strip`` false keeps an XML value's outer blanks (EDI
        values are read as they are sent in either case)."""
        try:
            if self.family == "xml":
                return XmlPath(text, self.namespaces, strip=strip)
            assert self.directory is not None
            path = scope.value_path(text, self.directory)
            self.paths.append(path)
            return path
        except PathError as err:
            raise self.fail(where, str(err)) from err

    def nodes_path(self, text: str, where: str, scope: Scope) -> tuple[Any, Scope]:
        """A path to repeating parts, and the scope its items give."""
        if self.family == "xml":
            return self.path(text, where, scope), scope.repeating()
        assert self.directory is not None
        try:
            found = scope.nodes_path(text, self.directory)
        except PathError as err:
            raise self.fail(where, str(err)) from err
        self.paths.append(found[0])
        return found

    # -- specs ------------------------------------------------------------------

    def compile(self, spec: Any, where: str, scope: Scope) -> Getter:
        if isinstance(spec, str):
            return self._from({"from": spec}, where, scope)
        if isinstance(spec, list):
            items = [self.compile(item, f"{where}[{i}]", scope) for i, item in enumerate(spec)]
            parts = [self._parts(g) for g in items]
            if all(find is not None and convert is None for find, convert in parts):
                # Text as it stands (address lines): the finders, no getter around each.
                finders = tuple(find for find, _ in parts if find is not None)

                def texts(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                    return [v for find in finders if (v := find(ctx))] or None
                return texts

            def listed(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                values = [g(ctx, problems, env) for g in items]
                kept = [v for v in values if v not in (None, "", [], {})]
                return kept or None
            return listed
        if not isinstance(spec, dict):
            raise self.fail(where, f"expected a path, a list or a mapping, not {spec!r}")
        if VALUE_KEYS & set(spec):
            unknown = set(spec) - _SPEC_KEYS
            if unknown:
                raise self.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
            if "each" in spec:
                return self._each(spec, where, scope)
            if "also" in spec:
                raise self.fail(f"{where}.also", "adds items to the list of an 'each'")
            if "first_of" in spec:
                return self._first_of(spec, where, scope)
            if "const" in spec:
                return self._const(spec, where, scope)
            return self._from(spec, where, scope)
        return self._object(spec, where, scope)

    def _object(self, spec: dict[str, Any], where: str, scope: Scope,
                require: tuple[str, ...] = ()) -> Getter:
        # The values of nested objects are read by the outermost one, in the order
        # the fields are written, and put in place: an object is kept only when a
        # value inside it is, as if each nested object were read on its own.
        leaves = tuple(self._leaves(spec, where, scope, ()))
        if len(leaves) == 1 and not leaves[0][1]:
            # One field and no nested object: no loop, and a required
            # field other than it can never be there.
            key, _, getter, find, convert = leaves[0]
            if any(name != key for name in require):
                return lambda ctx, problems, env: None
            if find is None:
                def single(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                    value = getter(ctx, problems, env)
                    return None if value is None else {key: value}
                return single

            def single_read(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                value = find(ctx)
                if value is not None and convert is not None:
                    value = convert(value, ctx, problems, env)
                return None if value is None else {key: value}
            return single_read

        def obj(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            out: dict[str, Any] = {}
            for key, parents, getter, find, convert in leaves:
                if find is None:
                    value = getter(ctx, problems, env)
                else:
                    value = find(ctx)
                    if value is not None and convert is not None:
                        value = convert(value, ctx, problems, env)
                if value is None:
                    continue
                target = out
                for name in parents:
                    inner = target.get(name)
                    if inner is None:
                        inner = target[name] = {}
                    target = inner
                target[key] = value
            for name in require:
                if out.get(name) is None:
                    return None
            return out or None
        return obj

    def _leaves(self, spec: dict[str, Any], where: str, scope: Scope,
                parents: tuple[str, ...]) -> Iterator[_Leaf]:
        """The values of an object's fields and of its nested objects' fields, in
        order, each with the keys of the objects it sits in."""
        for k, v in spec.items():
            key, inner = str(k), f"{where}.{k}"
            if isinstance(v, dict) and not VALUE_KEYS & set(v):
                yield from self._leaves(v, inner, scope, (*parents, key))
                continue
            getter = self.compile(v, inner, scope)
            yield (key, parents, getter, *self._parts(getter))

    def _each(self, spec: dict[str, Any], where: str, scope: Scope) -> Getter:
        path, inner = self.nodes_path(str(spec["each"]), f"{where}.each", scope)
        require = tuple(spec.get("require") or ())
        if "fields" in spec:
            if not isinstance(spec["fields"], dict):
                raise self.fail(f"{where}.fields", "a mapping of field specs")
            item = self._object(spec["fields"], f"{where}.fields", inner, require)
        elif "from" in spec:
            item = self._from({k: v for k, v in spec.items() if k != "each"}, where, inner)
        else:
            raise self.fail(where, "'each' needs 'fields' (objects) or 'from' (values)")
        nodes = path.nodes
        also = self._also(spec, where, scope, require)

        def each(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            out = []
            outer = env.get(POSITION)
            for position, node in enumerate(nodes(ctx), 1):
                env[POSITION] = position
                value = item(node, problems, env)
                if value is not None:
                    out.append(value)
            env[POSITION] = outer
            for extra in also:
                value = extra(ctx, problems, env)
                if value is not None:
                    out.append(value)
            return out or None
        return each

    def _also(self, spec: dict[str, Any], where: str, scope: Scope,
              require: tuple[str, ...]) -> tuple[Getter, ...]:
        """``also``: items read where the ``each`` is (not from the nodes it walks),
        after its items: a list item from a segment outside the groups walked (an
        ORDCHG's own number in BGM). Objects for ``fields`` (with ``require``),
        values for ``from``; an item that finds nothing is left out."""
        extras = spec.get("also")
        if extras is None:
            return ()
        if not isinstance(extras, list) or not extras:
            raise self.fail(f"{where}.also", "a non-empty list of items")
        getters = []
        for i, extra in enumerate(extras):
            inner = f"{where}.also[{i}]"
            if "fields" in spec:
                if not isinstance(extra, dict) or VALUE_KEYS & set(extra):
                    raise self.fail(inner, "a mapping of the item's fields, as under 'fields'")
                getters.append(self._object(extra, inner, scope, require))
            else:
                getters.append(self.compile(extra, inner, scope))
        return tuple(getters)

    def _first_of(self, spec: dict[str, Any], where: str, scope: Scope) -> Getter:
        options = spec["first_of"]
        if not isinstance(options, list) or not options:
            raise self.fail(f"{where}.first_of", "a non-empty list of specs")
        getters = [self.compile(o, f"{where}.first_of[{i}]", scope)
                   for i, o in enumerate(options)]
        reads = [self._reads.get(g) for g in getters]
        known = tuple(r for r in reads if r is not None)
        if len(known) == len(getters) and all(r.convert is None for r in known):
            # Only text as it stands: the finders in turn, without a getter around each.
            paths = tuple(r.find for r in known)

            def first_text(ctx: Any) -> str | None:
                for find in paths:
                    value = find(ctx)
                    if value:
                        return value
                return None
            held = tuple(r.held for r in known if r.held is not None)
            found: Finder = first_text
            if len(held) == len(known) > 1 and len({r.tag for r in held}) == 1:
                # Options all on one segment (PO1/07 when PO1/06=UP, PO1/09 when ...).
                found = first_held(held, first_text)
            return self._read(found)
        if len(known) == len(getters):
            # Values to convert (first_of: [{from: .., as: decimal}, ...]): read in turn.
            options = tuple((r.find, r.convert) for r in known)

            def first_read(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                for find, convert in options:
                    value = find(ctx)
                    if value is not None:
                        if convert is not None:
                            value = convert(value, ctx, problems, env)
                        if value is not None:
                            return value
                return None
            return first_read
        if len(getters) == 2:
            one, two = getters

            def first_of_two(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                value = one(ctx, problems, env)
                return two(ctx, problems, env) if value is None else value
            return first_of_two

        def first_of(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            for getter in getters:
                value = getter(ctx, problems, env)
                if value is not None:
                    return value
            return None
        return first_of

    def _const(self, spec: dict[str, Any], where: str, scope: Scope) -> Getter:
        value = spec["const"]
        when = self._when(spec.get("when"), f"{where}.when", scope)

        def const(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            return value if when is None or when(ctx) else None
        return const

    def _condition(self, text: Any, where: str, scope: Scope) -> _Condition | None:
        if text is None:
            return None
        split = _split_condition(str(text))
        if split is None:
            path = self.path(str(text), where, scope)
            return _Condition(path, path.finder(), None, False)
        lhs, operator, rhs = split
        path = self.path(lhs, where, scope)
        rhs = rhs.strip()
        if rhs.startswith("{") and rhs.endswith("}"):
            # PATH={OTHER}: equal to another value of the message (a number that
            # is the change's own only where it is not the order's).
            other = self.path(rhs[1:-1].strip(), where, scope)
            return _Condition(path, path.finder(), None, operator == "!=", other.finder())
        return _Condition(path, path.finder(), frozenset(v.strip() for v in rhs.split("|")),
                          operator == "!=")

    def _when(self, text: Any, where: str, scope: Scope) -> Callable[[Any], bool] | None:
        condition = self._condition(text, where, scope)
        return None if condition is None else condition.test()

    def _from(self, spec: dict[str, Any], where: str, scope: Scope) -> Getter:
        if str(spec["from"]) == POSITION:
            return self._position(spec, where, scope)
        kind = spec.get("as", "text")
        if kind not in _TYPES:
            raise self.fail(f"{where}.as", f"one of {', '.join(sorted(_TYPES))}")
        # Free text (notes, descriptions) is a value with its blanks; other text
        # (codes, identifiers, names of things) is read without XML's layout.
        path = self.path(str(spec["from"]), f"{where}.from", scope,
                         strip=kind != "free_text")
        first = path.finder()
        fmt = spec.get("format")
        fmt_find = None
        if fmt is not None and not _literal_format(str(fmt)):
            fmt_find = self.path(str(fmt), f"{where}.format", scope).finder()
            fmt = None
        codes = self._codes(spec.get("codes"), f"{where}.codes")
        otherwise = spec.get("otherwise")
        default = spec.get("default")
        condition = self._condition(spec.get("when"), f"{where}.when", scope)
        collect = bool(spec.get("all"))
        join = spec.get("join")
        implied = int(spec.get("implied", 0))
        part = spec.get("range", "start")
        if part not in ("start", "end"):
            raise self.fail(f"{where}.range", "start or end (of a date range: 718, RD8)")
        if "range" in spec and kind != "date":
            raise self.fail(f"{where}.range", "takes a half of a range of dates: as: date")
        convert = _converter(kind, fmt, fmt_find, implied, where, end=part == "end")
        if codes is not None:
            convert = _coded(codes, otherwise, convert)

        if collect or join is not None:
            return _collected(path.values, convert, condition, join, default)
        if default is None:
            # The commonest specs: a finder (with the condition), and the conversion.
            if condition is None:
                return self._read(first, convert, _held_read(path))
            return self._read(condition.guarding(path), convert, condition.held_read(path))
        if convert is None:
            if condition is None:
                def plain(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                    return first(ctx) or default
                return plain
            return condition.guard(first, default)
        def get(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            text = first(ctx)
            if text is None:
                return default
            value = convert(text, ctx, problems, env)
            return default if value is None else value
        return get if condition is None else condition.guard_getter(get)

    def _read(self, find: Finder, convert: Convert | None = None,
              held: HeldRead | None = None) -> Getter:
        """The getter of the value ``find`` finds, converted; known to objects and
        first_of, which do the same without calling it."""
        if convert is None:
            def text(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
                return find(ctx)
            self._reads[text] = _Read(find, None, held)
            return text

        def read(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            found = find(ctx)
            return None if found is None else convert(found, ctx, problems, env)
        self._reads[read] = _Read(find, convert, None)
        return read

    def _parts(self, getter: Getter) -> tuple[Finder | None, Convert | None]:
        known = self._reads.get(getter)
        return (None, None) if known is None else (known.find, known.convert)

    def _position(self, spec: dict[str, Any], where: str, scope: Scope) -> Getter:
        """``@position``: 1, 2, ... over the items of the innermost ``each``, for
        lines a partner leaves unnumbered."""
        if not scope.in_each:
            raise self.fail(f"{where}.from", f"{POSITION} counts the items of an 'each'; "
                            "there is none around it")
        kind = spec.get("as", "text")
        if kind not in ("text", "int"):
            raise self.fail(f"{where}.as", f"{POSITION} is text or int")

        def position(ctx: Any, problems: _Problems, env: dict[str, Any]) -> Any:
            number = env.get(POSITION)
            if number is None:
                return None
            return number if kind == "int" else str(number)
        return position

    def _codes(self, spec: Any, where: str) -> CodeList | None:
        if spec is None:
            return None
        if isinstance(spec, str):
            found = self.codelists.get(spec)
            if found is None:
                raise self.fail(where, f"no code list named {spec!r}")
            return found
        if isinstance(spec, dict):
            return CodeList.of(where, {str(k): str(v) for k, v in spec.items()})
        raise self.fail(where, "a code list name or an inline mapping code: value")


class Scope:
    """Where in the message a spec is evaluated: a group of the structure, or a
    segment (inside ``each`` over segments). XML mappings need no scope."""

    def __init__(self, group: GroupNode | None, tag: str | None = None,
                 enclosing: tuple[GroupNode, ...] = (), *, in_each: bool = False) -> None:
        self.group = group
        self.tag = tag
        self.enclosing = enclosing  # the groups around ``group``, for ``..``
        self.in_each = in_each  # inside an ``each``: @position has a meaning

    def repeating(self) -> Scope:
        """This scope as the items of an ``each`` see it."""
        return Scope(self.group, self.tag, self.enclosing, in_each=True)

    def value_path(self, text: str, directory: Directory) -> ValuePath:
        return ValuePath(text, self.group, directory, segment=self.tag,
                         enclosing=self.enclosing)

    def nodes_path(self, text: str, directory: Directory) -> tuple[ValuePath, Scope]:
        path = ValuePath(text, self.group, directory, segment=self.tag, nodes_only=True,
                         enclosing=self.enclosing)
        return path, Scope(path.end_group, path.end_tag, path.end_enclosing, in_each=True)


@dataclass(slots=True)
class InboundMapping:
    """A compiled inbound mapping: applies to one message type and version."""

    name: str
    standard: str
    version: str
    message: str
    document: str
    getter: Getter
    # EDI: what the mapping reads of a message, by segment tag (none for XML).
    reads: dict[str, tuple[SegmentRead, ...]] = field(default_factory=dict)

    def unread(self, segments: Iterable[Segment]) -> dict[str, int]:
        """How many segments of each tag no path of this mapping reads (an EDI
        message's body), so that what a partner sent and nobody took is visible.
        UNS, which only separates a message's sections, is not counted."""
        counts: Counter[str] = Counter()
        reads = self.reads
        for seg in segments:
            found = reads.get(seg.tag)
            if seg.tag != "UNS" and (found is None or not any(r.covers(seg) for r in found)):
                counts[seg.tag] += 1
        return dict(sorted(counts.items()))

    def environment(self, decimal: str = ".") -> dict[str, Any]:
        """What the getters read numbers with: the interchange's decimal mark and the
        number format of the mapping's standard."""
        return {"decimal": decimal, "numbers": number_format(self.standard)}

    def apply(self, source: Any, *, decimal: str = ".") -> tuple[Any, list[Issue]]:
        """The document for ``source`` (an instance tree or an XML root) and issues.

        The document is ``None`` when the mapped values do not make a valid
        document; each reason is an issue naming the field."""
        problems = _Problems()
        data = self.getter(source, problems, self.environment(decimal)) or {}
        issues = [Issue.of(Code.MAPPING_VALUE, f"{field}: {problem}", Location(path=field))
                  for field, problem in problems.found]
        model = DOCUMENT_TYPES[self.document]
        try:
            return model.model_validate(data), issues
        except ValidationError as err:
            for error in err.errors():
                field = ".".join(str(p) for p in error["loc"])
                issues.append(Issue.of(
                    Code.MAPPING_INVALID,
                    f"The {self.document.replace('_', ' ')} mapped from this "
                    f"{self.message} has no valid {field}: {error['msg']}.",
                    Location(path=field)))
            return None, issues


def compile_inbound(name: str, data: dict[str, Any], *, directory: Directory | None,
                    message: MessageDef | None, codelists: dict[str, CodeList]
                    ) -> InboundMapping:
    standard = str(data["standard"])
    family = "xml" if standard in ("ubl", "cxml") else "edi"
    namespaces = dict(UBL_NAMESPACES) if standard == "ubl" else {}
    namespaces.update({str(k): str(v) for k, v in (data.get("namespaces") or {}).items()})
    if family == "edi" and (directory is None or message is None):
        raise MappingError(f"{name}: no schema for {standard} {data.get('version')} "
                           f"{data.get('message')}; a mapping needs its message structure")
    document = str(data.get("document", "")).split(".", 1)[0]
    if document not in DOCUMENT_TYPES:
        raise MappingError(f"{name}: document: one of {', '.join(sorted(DOCUMENT_TYPES))}")
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise MappingError(f"{name}: fields: a mapping of the document's fields")
    compiler = Compiler(name, family, directory,
                        message.structure if message else None, codelists, namespaces)
    scope = Scope(message.structure if message else None)
    getter = compiler.compile(fields, "fields", scope)
    reads: dict[str, list[SegmentRead]] = {}
    for path in compiler.paths:
        for read in path.reads():
            if read not in reads.setdefault(read.tag, []):
                reads[read.tag].append(read)
    return InboundMapping(name, standard, str(data["version"]), str(data["message"]),
                          document, getter, {tag: tuple(r) for tag, r in reads.items()})
