"""Outbound mappings: a business document to a message body (EDI) or an XML tree.

EDI mappings list segments in order, with elements as templates::

    segments:
      - BGM: ["220", "{number}", "{purpose|codes:order_purpose}"]
      - DTM: [["137", "{issue_date|date:102}", "102"]]
      - each: parties                    # repeat for every party (a segment group)
        segments:
          - NAD: ["{role|codes:party_function}", ["{gln}", "", "9"]]
      - {segment: CNT, elements: [["2", "{lines|count}"]]}
      - hl: S                            # X12 856: HL with counted id and parent

A segment whose expressions all come out empty is left out; ``when`` decides
explicitly. XML mappings give an element tree (see :mod:`gateway.mapping.xml_out`).
Trailing empty elements and components are trimmed, as both standards want.
Compiled once; a mistake is a :class:`MappingError` naming file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gateway.documents.common import Model
from gateway.edi.tree import Segment
from gateway.mapping.inbound import MappingError
from gateway.mapping.templates import Condition, Frame, Template, TemplateError
from gateway.mapping.values import CodeList

_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


@dataclass(slots=True)
class _Segment:
    tag: str
    elements: list[Template | list[Template] | None]
    when: Condition | None

    def render(self, frame: Frame, out: list[Segment], state: _State) -> None:
        if self.when is not None and not self.when.holds(frame):
            return
        produced_any = False
        expressions = False
        elements: list[list[str]] = []
        for spec in self.elements:
            if spec is None:
                elements.append([""])
                continue
            items = spec if isinstance(spec, list) else [spec]
            comps = []
            for template in items:
                text, produced = template.render(frame)
                expressions = expressions or template.has_expressions
                produced_any = produced_any or produced
                comps.append(text)
            while len(comps) > 1 and comps[-1] == "":
                comps.pop()
            elements.append(comps)
        if expressions and not produced_any and self.when is None:
            return
        while elements and elements[-1] == [""]:
            elements.pop()
        out.append(Segment(self.tag, elements))


@dataclass(slots=True)
class _HL:
    """X12 hierarchical level: HL01 id, HL02 parent id, HL03 level code, HL04 child code.

    The parent is the level the mapping's nesting puts it under, unless ``parent``
    names the ``key`` of a level written before (a carton's pallet, a line's
    carton): then that level's id, so hierarchies the document keeps by
    reference are written as such."""

    level: str
    key: Template | None = None
    parent: Template | None = None

    def render(self, frame: Frame, out: list[Segment], state: _State) -> None:
        state.hl_counter += 1
        own = str(state.hl_counter)
        parent = state.hl_stack[-1] if state.hl_stack else ""
        if self.key is not None:
            key = self.key.render(frame)[0]
            if key:
                state.hl_keys.setdefault(key, own)
        if self.parent is not None:
            named = state.hl_keys.get(self.parent.render(frame)[0])
            if named is not None and named != own:
                parent = named
        out.append(Segment("HL", [[own], [parent], [self.level], ["0"]]))
        state.hl_current = own


@dataclass(slots=True)
class _Each:
    items: Template
    blocks: list[_Block]
    when: Condition | None

    def render(self, frame: Frame, out: list[Segment], state: _State) -> None:
        if self.when is not None and not self.when.holds(frame):
            return
        value = self.items.value(frame)
        if value in (None, ""):
            return
        sequence = value if isinstance(value, list | tuple) else [value]
        for index, item in enumerate(sequence, 1):
            child = frame.child(item, index)
            opened = state.hl_current
            pushed = False
            for block in self.blocks:
                block.render(child, out, state)
                if isinstance(block, _HL) and not pushed:
                    state.hl_stack.append(state.hl_current or "")
                    pushed = True
            if pushed:
                state.hl_stack.pop()
            state.hl_current = opened


_Block = _Segment | _HL | _Each


@dataclass(slots=True)
class _State:
    hl_counter: int = 0
    hl_stack: list[str] = field(default_factory=list)
    hl_current: str | None = None
    hl_keys: dict[str, str] = field(default_factory=dict)  # a level's key: its HL01


def _finish_hl(segments: list[Segment]) -> None:
    """HL04: 1 when another HL names this one as parent."""
    parents = {s.get(2) for s in segments if s.tag == "HL"}
    for s in segments:
        if s.tag == "HL":
            s.elements[3] = ["1" if s.get(1) in parents else "0"]


@dataclass(slots=True)
class OutboundMapping:
    name: str
    standard: str
    version: str
    message: str
    document: str
    header: dict[str, str]
    blocks: list[_Block]
    envelope: dict[str, Template]

    def render(self, document: Model) -> list[Segment]:
        """The message body (between UNH/UNT or ST/SE) for ``document``."""
        data = document.model_dump(mode="python")
        frame = Frame([data], 1)
        out: list[Segment] = []
        state = _State()
        for block in self.blocks:
            block.render(frame, out, state)
            if isinstance(block, _HL):
                state.hl_stack.append(state.hl_current or "")
        if state.hl_counter:
            _finish_hl(out)
        return out

    def envelope_value(self, key: str, document: Model) -> str:
        template = self.envelope.get(key)
        if template is None:
            return ""
        return template.render(Frame([document.model_dump(mode="python")], 1))[0]


class TemplateCompiler:
    """What the EDI and XML outbound compilers share: templates and conditions
    compiled with the file's code lists, mistakes naming file and field."""

    def __init__(self, name: str, codelists: dict[str, CodeList]) -> None:
        self.name = name
        self.codelists = codelists

    def fail(self, where: str, problem: str) -> MappingError:
        return MappingError(f"{self.name}: {where}: {problem}")

    def condition(self, text: Any, where: str) -> Condition:
        """A ``when``: ``{x}`` holds when x has a value, ``!{x}`` when it has none."""
        if not isinstance(text, str):
            raise self.fail(where, f"a template string, not {text!r}")
        try:
            return Condition(text, self.codelists)
        except TemplateError as err:
            raise self.fail(where, str(err)) from err

    def template(self, text: Any, where: str) -> Template:
        if isinstance(text, int | float):
            text = str(text)
        if not isinstance(text, str):
            raise self.fail(where, f"a template string, not {text!r}")
        try:
            return Template(text, self.codelists)
        except TemplateError as err:
            raise self.fail(where, str(err)) from err


class _EdiCompiler(TemplateCompiler):
    def __init__(self, name: str, codelists: dict[str, CodeList],
                 known_tags: frozenset[str] | None) -> None:
        super().__init__(name, codelists)
        self.known_tags = known_tags

    def blocks(self, items: Any, where: str) -> list[_Block]:
        if not isinstance(items, list):
            raise self.fail(where, "a list of segments")
        return [self.block(item, f"{where}[{i}]") for i, item in enumerate(items)]

    def block(self, item: Any, where: str) -> _Block:
        if not isinstance(item, dict):
            raise self.fail(where, "a segment ({TAG: [elements]}), an 'each' or an 'hl'")
        if "each" in item:
            unknown = set(item) - {"each", "segments", "when", "group"}
            if unknown:
                raise self.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
            when = self.condition(item["when"], f"{where}.when") if "when" in item else None
            return _Each(self.template("{" + str(item["each"]) + "}", f"{where}.each"),
                         self.blocks(item.get("segments"), f"{where}.segments"), when)
        if "hl" in item:
            spec = item["hl"]
            if isinstance(spec, dict):
                unknown = set(spec) - {"level", "key", "parent"}
                if unknown or "level" not in spec:
                    raise self.fail(f"{where}.hl", "an HL is a level code, or level with "
                                    "optional key and parent templates")
                return _HL(str(spec["level"]),
                           self.template(str(spec["key"]), f"{where}.hl.key")
                           if "key" in spec else None,
                           self.template(str(spec["parent"]), f"{where}.hl.parent")
                           if "parent" in spec else None)
            return _HL(str(spec))
        if "segment" in item:
            tag, elements = str(item["segment"]), item.get("elements", [])
            when = self.condition(item["when"], f"{where}.when") if "when" in item else None
        elif len(item) == 1:
            (tag, elements), = item.items()
            when = None
        else:
            raise self.fail(where, "one segment per entry: {TAG: [elements]}")
        if not _TAG.match(str(tag)):
            raise self.fail(where, f"{tag!r} is not a segment tag")
        if self.known_tags is not None and tag not in self.known_tags:
            raise self.fail(where, f"{tag} is not a segment of this message's standard")
        if not isinstance(elements, list):
            raise self.fail(f"{where}.{tag}", "a list of elements")
        compiled: list[Template | list[Template] | None] = []
        for i, element in enumerate(elements, 1):
            here = f"{where}.{tag}.{i:02d}"
            if element is None:
                compiled.append(None)
            elif isinstance(element, list):
                compiled.append([self.template(c, f"{here}-{j}") for j, c in
                                 enumerate(element, 1)])
            else:
                compiled.append(self.template(element, here))
        return _Segment(str(tag), compiled, when)


def compile_outbound(name: str, data: dict[str, Any], *, codelists: dict[str, CodeList],
                     known_tags: frozenset[str] | None) -> OutboundMapping:
    compiler = _EdiCompiler(name, codelists, known_tags)
    header = data.get("header") or {}
    if not isinstance(header, dict):
        raise MappingError(f"{name}: header: a mapping")
    envelope = {str(k): compiler.template(v, f"envelope.{k}")
                for k, v in (data.get("envelope") or {}).items()}
    return OutboundMapping(
        name, str(data["standard"]), str(data["version"]), str(data["message"]),
        str(data.get("document", "")), {str(k): str(v) for k, v in header.items()},
        compiler.blocks(data.get("segments"), "segments"), envelope)
