"""Partner guides for XML documents: a partner's own rules as XPath assertions.

A guide is a YAML file, not Python. Each rule has an id the partner quotes, an
XPath 2.0 assertion that must hold, a message, and optionally the context the
assertion is evaluated at (an XSLT match pattern, by default the root) and a
flag (``fatal``, ``error`` (the default), ``warning``, ``info``)::

    guide: ACME Retail UBL orders
    standard: ubl
    document: Order
    namespaces:            # cbc, cac and ubl (the root's namespace) are predefined
      ext: urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2
    rules:
      - id: ACME-ORD-001
        assert: cac:BuyerCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID = '0088']
        message: The buyer is identified by its GLN (scheme 0088).
      - id: ACME-ORD-002
        context: cac:OrderLine
        assert: xs:decimal(cac:LineItem/cbc:Quantity) le 10000
        flag: warning
        message: More than 10,000 units on one line is checked by hand.

The guide is turned into an ISO Schematron schema and runs on the same engine
as the published rules. Parsing and checking happen here, on text; reading the
file is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from lxml import etree

from gateway import yamlfile
from gateway.edi.xml.documents import CXML, UBL, UBL_CBC_NAMESPACE, ubl_namespace
from gateway.edi.xml.schematron import SCH
from gateway.errors import ConfigurationError

XML_STANDARDS = (UBL, CXML)
FLAGS = ("fatal", "error", "warning", "info")
UBL_CAC_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_ID = re.compile(r"^[A-Za-z][\w.:-]*$")
_PREFIX = re.compile(r"^[A-Za-z_][\w.-]*$")
_KEYS = {"guide", "standard", "document", "namespaces", "rules"}
_RULE_KEYS = {"id", "context", "assert", "message", "flag"}


@dataclass(frozen=True, slots=True)
class XmlRule:
    id: str
    test: str
    message: str
    context: str = "/*"
    flag: str = "error"


@dataclass(slots=True)
class XmlGuide:
    """A partner's rules for one XML document type."""

    name: str
    standard: str
    document: str
    source: str = ""
    namespaces: dict[str, str] = field(default_factory=dict)
    rules: list[XmlRule] = field(default_factory=list)

    def applies_to(self, family: str, document_type: str) -> bool:
        return self.standard == family and self.document == document_type

    def schematron(self) -> etree._Element:
        """The guide as an ISO Schematron schema."""
        schema = etree.Element(f"{{{SCH}}}schema", nsmap={"sch": SCH})
        schema.set("queryBinding", "xslt2")
        for prefix, uri in self.namespaces.items():
            ns = etree.SubElement(schema, f"{{{SCH}}}ns")
            ns.set("prefix", prefix)
            ns.set("uri", uri)
        pattern = etree.SubElement(schema, f"{{{SCH}}}pattern")
        pattern.set("id", self.name)
        # One pattern per rule would walk the tree once per rule; a rule per
        # context would let only the first of two rules on one node fire. So
        # rules that share a context share one Schematron rule.
        by_context: dict[str, etree._Element] = {}
        for rule in self.rules:
            holder = by_context.get(rule.context)
            if holder is None:
                holder = etree.SubElement(pattern, f"{{{SCH}}}rule")
                holder.set("context", rule.context)
                by_context[rule.context] = holder
            check = etree.SubElement(holder, f"{{{SCH}}}assert")
            check.set("id", rule.id)
            check.set("flag", rule.flag)
            check.set("test", rule.test)
            check.text = rule.message
        return schema


def declares_xml(text: str) -> bool:
    """Whether the guide text is for an XML standard (``standard: ubl`` or ``cxml``)."""
    try:
        data = yamlfile.load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and str(data.get("standard", "")).lower() in XML_STANDARDS


def xml_guide_from_yaml(text: str, source: str = "<guide>") -> XmlGuide:
    """Parse and check an XML guide; ConfigurationError names the file and the field."""
    try:
        data = yamlfile.load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigurationError(f"{source}: a guide is a mapping")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigurationError(f"{source}: unknown keys {', '.join(map(str, unknown))}")
    standard = str(data.get("standard", "")).lower()
    if standard not in XML_STANDARDS:
        raise ConfigurationError(f"{source}: standard must be ubl or cxml, not {standard!r}")
    document = str(data.get("document", "")).strip()
    if not document:
        raise ConfigurationError(f"{source}: document: the document type is missing")
    guide = XmlGuide(str(data.get("guide") or source), standard, document, source)
    guide.namespaces = _namespaces(data.get("namespaces") or {}, standard, document, source)
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ConfigurationError(f"{source}: rules: a list of at least one rule is needed")
    seen: set[str] = set()
    for number, item in enumerate(rules, 1):
        rule = _rule(item, f"{source}: rules[{number}]")
        if rule.id in seen:
            raise ConfigurationError(f"{source}: rules[{number}]: id {rule.id} is used twice")
        seen.add(rule.id)
        guide.rules.append(rule)
    _check_xpath(guide)
    return guide


def _namespaces(given: Any, standard: str, document: str, source: str) -> dict[str, str]:
    if not isinstance(given, dict):
        raise ConfigurationError(f"{source}: namespaces: a mapping of prefix to URI")
    found: dict[str, str] = {}
    if standard == UBL:
        found = {"cbc": UBL_CBC_NAMESPACE, "cac": UBL_CAC_NAMESPACE,
                 "ubl": ubl_namespace(document)}
    for prefix, uri in given.items():
        if not _PREFIX.match(str(prefix)) or not isinstance(uri, str) or not uri:
            raise ConfigurationError(f"{source}: namespaces: {prefix!r} needs a prefix name "
                                     "and a URI")
        found[str(prefix)] = uri
    return found


def _rule(item: Any, where: str) -> XmlRule:
    if not isinstance(item, dict):
        raise ConfigurationError(f"{where}: a rule is a mapping with id, assert and message")
    unknown = sorted(set(item) - _RULE_KEYS)
    if unknown:
        raise ConfigurationError(f"{where}: unknown keys {', '.join(map(str, unknown))}")
    rule_id = str(item.get("id", "")).strip()
    if not _ID.match(rule_id):
        raise ConfigurationError(f"{where}: id: {rule_id!r} is not a rule identifier")
    test = str(item.get("assert", "")).strip()
    message = " ".join(str(item.get("message", "")).split())
    if not test:
        raise ConfigurationError(f"{where} ({rule_id}): assert: the XPath is missing")
    if not message:
        raise ConfigurationError(f"{where} ({rule_id}): message: the text is missing")
    flag = str(item.get("flag", "error")).strip().lower()
    if flag not in FLAGS:
        raise ConfigurationError(f"{where} ({rule_id}): flag must be one of "
                                 f"{', '.join(FLAGS)}, not {flag!r}")
    context = str(item.get("context") or "/*").strip()
    return XmlRule(rule_id, test, message, context, flag)


def _check_xpath(guide: XmlGuide) -> None:
    """Compile the guide now, so a mistake names the guide file before any document."""
    # Deferred: compiling loads the XSLT processor, which only XML work needs.
    from gateway.edi.xml.rules import guide_executable  # noqa: PLC0415

    guide_executable(guide)
