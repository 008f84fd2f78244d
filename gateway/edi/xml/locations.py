"""Where in an XML document a finding is: XPath, line and column.

Owns three translations: an lxml element (or one of its attributes) to the
XPath partners quote in a Peppol message level response
(``/Order/cac:OrderLine[2]/cac:LineItem[1]/cbc:Quantity[1]``: the root by its
local name, every other step with the usual UBL prefix and its position among
same-named siblings); the XPath 3.0 ``path()`` an XSLT processor reports
(``/Q{ns}Order[1]/Q{ns}ID[1]``) back to the lxml element; and an element to the
line and column of its start tag in the bytes as received. Pure; it must not
validate anything.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from lxml import etree

from gateway.edi.xml.prolog import decode_head
from gateway.edi.xml.secure import source_line

# The prefixes UBL's own examples and the Peppol specifications use.
PREFIXES: dict[str, str] = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2": "sig",
    "urn:oasis:names:specification:ubl:schema:xsd:SignatureAggregateComponents-2": "sac",
    "urn:oasis:names:specification:ubl:schema:xsd:SignatureBasicComponents-2": "sbc",
    "http://www.w3.org/2000/09/xmldsig#": "ds",
    "http://uri.etsi.org/01903/v1.3.2#": "xades",
}

_STEP = re.compile(r"Q\{(?P<ns>[^}]*)\}(?P<local>[^\[/]+)\[(?P<index>\d+)\]"
                   r"|@(?:Q\{(?P<ans>[^}]*)\})?(?P<attr>[^/\[]+)"
                   r"|(?P<other>[a-z-]+\(\)(?:\[\d+\])?)")


@dataclass(frozen=True, slots=True)
class Target:
    """An element found by a processor's path, and the attribute named, if any."""

    element: etree._Element
    attribute: str | None = None


def _qname(tag: str, namespace_prefix: dict[str, str]) -> str:
    qname = etree.QName(tag)
    prefix = PREFIXES.get(qname.namespace or "") or namespace_prefix.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def xpath_of(element: etree._Element, attribute: str | None = None) -> str:
    """The element's XPath in the Peppol message level response style."""
    steps: list[str] = []
    node: etree._Element | None = element
    extra = {ns: p for p, ns in (element.nsmap or {}).items() if p}
    while node is not None:
        parent = node.getparent()
        if not isinstance(node.tag, str):
            node = parent
            continue
        if parent is None:
            steps.append(etree.QName(node).localname)
        else:
            same = list(parent.iterchildren(node.tag))
            steps.append(f"{_qname(node.tag, extra)}[{same.index(node) + 1}]")
        node = parent
    path = "/" + "/".join(reversed(steps))
    if attribute:
        path += f"/@{_qname(attribute, extra) if attribute.startswith('{') else attribute}"
    return path


def resolve(root: etree._Element, path: str) -> Target | None:
    """The element an XPath 3.0 ``path()`` result names in ``root``'s tree, if any."""
    node: etree._Element | None = None
    attribute: str | None = None
    for found in _STEP.finditer(path):
        if found.group("local") is not None:
            tag = (f"{{{found.group('ns')}}}{found.group('local')}" if found.group("ns")
                   else found.group("local"))
            index = int(found.group("index"))
            if node is None:
                if root.tag != tag or index != 1:
                    return None
                node = root
                continue
            matches = list(node.iterchildren(tag))
            if index > len(matches):
                return None
            node = matches[index - 1]
        elif found.group("attr") is not None:
            namespace = found.group("ans")
            attribute = (f"{{{namespace}}}{found.group('attr')}" if namespace
                         else found.group("attr"))
        else:
            # text(), comment() and the like: the enclosing element is the place.
            break
    if node is None:
        return None
    return Target(node, attribute)


class Positions:
    """Line and column of every element's start tag, for one document's bytes.

    Built on first use by one scan of the text; start tags appear in the text in
    the same order as the elements in document order.
    """

    _MARKUP = re.compile(
        r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>|"
        r"</[^>]*>|<(?P<start>[^\s/>!?][^\s/>]*)", re.DOTALL)

    def __init__(self, data: bytes, root: etree._Element) -> None:
        self._data = data
        self._root = root
        self._index: dict[etree._Element, int] | None = None
        self._starts: list[int] = []
        self._lines: list[int] = []
        self._text = ""

    def _build(self) -> dict[etree._Element, int]:
        self._text = decode_head(self._data)
        self._starts = [m.start() for m in self._MARKUP.finditer(self._text) if m.group("start")]
        self._lines = [m.start() for m in re.finditer("\n", self._text)]
        return {element: n for n, element in enumerate(self._root.iter(etree.Element))}

    def of(self, element: etree._Element) -> tuple[int | None, int | None]:
        """``(line, column)``, both from 1; ``(line, None)`` when the scan and the tree disagree."""
        if self._index is None:
            self._index = self._build()
        line = source_line(element)
        number = self._index.get(element)
        if number is None or number >= len(self._starts):
            return line, None
        offset = self._starts[number]
        found_line = bisect_left(self._lines, offset) + 1
        if line is not None and found_line != line:
            return line, None
        line_start = self._lines[found_line - 2] + 1 if found_line > 1 else 0
        if self._text.startswith("\ufeff") and found_line == 1:
            line_start = 1
        return found_line, offset - line_start + 1
