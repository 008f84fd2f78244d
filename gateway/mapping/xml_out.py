"""Outbound XML mappings (UBL, cXML): a business document to an element tree.

A mapping gives the root and its content as a list of entries::

    root: Order
    namespace: urn:oasis:names:specification:ubl:schema:xsd:Order-2
    content:
      - cbc:ID: "{number}"                          # text element
      - cac:OrderLine:                              # element with children
          each: lines
          content:
            - cac:LineItem:
                - cbc:ID: "{line_number}"
                - cbc:Quantity: {text: "{quantity.value|decimal}", "@unitCode": "{quantity.unit}"}

An entry ``{each: ..., content: [...]}`` repeats entries without an element of
its own, and like an EDI ``each`` takes a ``when`` (``each: "."`` with a
``when`` is an "if"). An element with no text and no kept child is left out,
so optional parts of the document simply vanish. Attributes never keep an
element alive on their own. Compiled once; mistakes are :class:`MappingError`
naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.documents.common import Model
from gateway.mapping.outbound import TemplateCompiler
from gateway.mapping.paths import UBL_NAMESPACES
from gateway.mapping.templates import Condition, Frame, Template
from gateway.mapping.values import CodeList

_QNAME = re.compile(r"^(?:([A-Za-z][\w-]*):)?([A-Za-z_][\w.-]*)$")


@dataclass(slots=True)
class _Element:
    tag: str  # Clark notation {ns}local
    text: Template | None
    attributes: list[tuple[str, Template]]
    children: list[_Node]
    each: Template | None
    when: Condition | None
    empty: bool = False  # kept with attributes alone (cXML's EMPTY elements)

    def render(self, frame: Frame, parent: etree._Element) -> None:
        if self.when is not None and not self.when.holds(frame):
            return
        if self.each is None:
            self._one(frame, parent)
            return
        value = self.each.value(frame)
        if value in (None, ""):
            return
        items = value if isinstance(value, list | tuple) else [value]
        for index, item in enumerate(items, 1):
            self._one(frame.child(item, index), parent)

    def _one(self, frame: Frame, parent: etree._Element) -> None:
        element = etree.SubElement(parent, self.tag)
        kept = False
        if self.text is not None:
            text, _ = self.text.render(frame)
            if text:
                element.text = text
                kept = True
        for child in self.children:
            child.render(frame, element)
        kept = kept or len(element) > 0
        for name, template in self.attributes:
            value, produced = template.render(frame)
            if value:
                element.set(name, value)
                kept = kept or (self.empty and (produced or not template.has_expressions))
        if not kept:
            parent.remove(element)


@dataclass(slots=True)
class _Each:
    items: Template
    children: list[_Node]
    when: Condition | None = None

    def render(self, frame: Frame, parent: etree._Element) -> None:
        if self.when is not None and not self.when.holds(frame):
            return
        value = self.items.value(frame)
        if value in (None, ""):
            return
        items = value if isinstance(value, list | tuple) else [value]
        for index, item in enumerate(items, 1):
            child = frame.child(item, index)
            for node in self.children:
                node.render(child, parent)


_Node = _Element | _Each


@dataclass(slots=True)
class XmlOutboundMapping:
    name: str
    standard: str
    version: str
    message: str
    document: str
    root: str
    root_attributes: list[tuple[str, Template]]
    namespaces: dict[str | None, str]
    doctype: str | None
    content: list[_Node]

    def render(self, document: Model) -> bytes:
        frame = Frame([document.model_dump(mode="python")], 1)
        # lxml takes None as the default namespace's prefix; its stubs say str only.
        root = etree.Element(self.root, nsmap=self.namespaces)  # type: ignore[arg-type]
        for name, template in self.root_attributes:
            value, _ = template.render(frame)
            if value:
                root.set(name, value)
        for node in self.content:
            node.render(frame, root)
        if self.doctype:
            out = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True, doctype=self.doctype)
        else:
            out = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
        return out if isinstance(out, bytes) else out.encode("utf-8")


class _XmlCompiler(TemplateCompiler):
    def __init__(self, name: str, namespaces: dict[str | None, str],
                 codelists: dict[str, CodeList]) -> None:
        super().__init__(name, codelists)
        self.namespaces = namespaces

    def qname(self, text: str, where: str, *, attribute: bool = False) -> str:
        found = _QNAME.match(text)
        if not found:
            raise self.fail(where, f"{text!r} is not an XML name")
        prefix, local = found.group(1), found.group(2)
        if prefix is None:
            default = None if attribute else self.namespaces.get(None)
            return f"{{{default}}}{local}" if default else local
        if prefix not in self.namespaces:
            raise self.fail(where, f"prefix {prefix!r} is not declared in namespaces")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def nodes(self, items: Any, where: str) -> list[_Node]:
        if not isinstance(items, list):
            raise self.fail(where, "a list of elements")
        return [self.node(item, f"{where}[{i}]") for i, item in enumerate(items)]

    def node(self, item: Any, where: str) -> _Node:
        if not isinstance(item, dict):
            raise self.fail(where, "an element {name: ...} or an 'each'")
        if {"each", "content"} <= set(item) <= {"each", "content", "when"}:
            return _Each(self.template("{" + str(item["each"]) + "}", f"{where}.each"),
                         self.nodes(item["content"], f"{where}.content"),
                         self.condition(item["when"], f"{where}.when") if "when" in item
                         else None)
        if len(item) != 1:
            raise self.fail(where, "one element per entry: {name: value}")
        (name, spec), = item.items()
        here = f"{where}.{name}"
        tag = self.qname(str(name), here)
        if isinstance(spec, str | int | float):
            return _Element(tag, self.template(spec, here), [], [], None, None)
        if isinstance(spec, list):
            return _Element(tag, None, [], self.nodes(spec, here), None, None)
        if not isinstance(spec, dict):
            raise self.fail(here, "text, a list of children, or a mapping")
        allowed = {"text", "content", "each", "when", "empty"}
        attributes = []
        for raw, value in spec.items():
            key = str(raw)
            if key.startswith("@"):
                attributes.append((self.qname(key[1:], f"{here}.{key}", attribute=True),
                                   self.template(value, f"{here}.{key}")))
            elif key not in allowed:
                raise self.fail(here, f"unknown key {key!r}")
        return _Element(
            tag,
            self.template(spec["text"], f"{here}.text") if "text" in spec else None,
            attributes,
            self.nodes(spec.get("content", []), f"{here}.content"),
            self.template("{" + str(spec["each"]) + "}", f"{here}.each")
            if "each" in spec else None,
            self.condition(spec["when"], f"{here}.when") if "when" in spec else None,
            bool(spec.get("empty", False)),
        )


def compile_xml_outbound(name: str, data: dict[str, Any], *,
                         codelists: dict[str, CodeList]) -> XmlOutboundMapping:
    standard = str(data["standard"])
    namespaces: dict[str | None, str] = {}
    if standard == "ubl":
        namespaces.update(UBL_NAMESPACES)
        namespaces.pop("ext", None)
    for prefix, uri in (data.get("namespaces") or {}).items():
        namespaces[None if prefix in ("", "default") else str(prefix)] = str(uri)
    if data.get("namespace"):
        namespaces[None] = str(data["namespace"])
    compiler = _XmlCompiler(name, namespaces, codelists)
    root = compiler.qname(str(data.get("root", "")), "root")
    attributes = [(compiler.qname(str(k)[1:] if str(k).startswith("@") else str(k),
                                  f"root_attributes.{k}", attribute=True),
                   compiler.template(v, f"root_attributes.{k}"))
                  for k, v in (data.get("root_attributes") or {}).items()]
    doctype = data.get("doctype")
    return XmlOutboundMapping(
        name, standard, str(data["version"]), str(data["message"]),
        str(data.get("document", "")), root, attributes, namespaces,
        str(doctype) if doctype else None,
        compiler.nodes(data.get("content"), "content"))
