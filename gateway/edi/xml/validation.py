"""Validation of an XML document read by :func:`gateway.edi.xml.reader.read_xml`, by level.

- ``schema``: UBL against the OASIS UBL 2.5 schema of its type (2.1-2.4
  instances are valid against it) and, unless a Peppol or EN 16931
  customisation brings its own lists, its codes against the UBL default code
  lists; cXML against the DTD of the version its DOCTYPE names, from the shipped
  files, never the network.
- ``rules``: the published Schematron its Peppol ``CustomizationID`` or
  ``ProfileID`` (or the EN 16931 one) selects, and the partner's guide rules.
  They run even where the schema check failed, so a partner sees every problem
  at once.

Everything heavy (schemas, stylesheets, the XSLT processor) is loaded on first
need and kept for the process. Pure: a tree and its bytes in, issues out.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from gateway.edi.issues import Code, Issue, Level, Location
from gateway.edi.xml import catalog, rules, schemas
from gateway.edi.xml.documents import CXML, UBL, UBL_CBC_NAMESPACE
from gateway.edi.xml.guide import XmlGuide
from gateway.edi.xml.locations import Positions
from gateway.edi.xml.reader import XmlRead


def validate_xml(read: XmlRead, data: bytes, level: Level,
                 guides: Sequence[XmlGuide] = ()) -> list[Issue]:
    """Issues of the document up to ``level``; none below the schema level."""
    root, document = read.root, read.document
    if root is None or document is None or level < Level.SCHEMA:
        return []
    positions = Positions(data, root)
    saxon = rules.Document(root)  # parsed by the XSLT processor once, for every rule set
    issues: list[Issue] = []
    if document.family == UBL:
        customization = _child(root, "CustomizationID")
        recognition = catalog.recognise(document.type, customization, _child(root, "ProfileID"))
        customised = bool(recognition.rulesets) or catalog.has_own_code_lists(customization)
        issues.extend(_ubl_schema(root, document.type, document.version, positions, saxon,
                                  customised=customised))
        if level >= Level.RULES:
            issues.extend(_ubl_rules(root, document.type, recognition, positions, saxon))
    elif document.family == CXML:
        issues.extend(_cxml_dtd(root, document.version, positions))
    if level >= Level.RULES:
        for guide in guides:
            if guide.applies_to(document.family, document.type):
                issues.extend(_run(rules.guide_executable(guide), saxon, positions,
                                   Code.XML_GUIDE_RULE, guide.name))
    issues.sort(key=lambda i: (i.location.line or 0, i.location.column or 0))
    return issues


# XML Schema rules that judge a value against its data type (a date, a decimal,
# a boolean, a required currencyID): UBL's basic data types are the same in every
# 2.x version, so these hold for any UBL 2.x document.
_VALUE_RULES = ("cvc-datatype-valid", "cvc-simple-type", "cvc-pattern-valid",
                "cvc-enumeration-valid", "cvc-length-valid", "cvc-minlength-valid",
                "cvc-maxlength-valid", "cvc-mininclusive-valid", "cvc-maxinclusive-valid",
                "cvc-minexclusive-valid", "cvc-maxexclusive-valid", "cvc-totaldigits-valid",
                "cvc-fractiondigits-valid", "cvc-type", "cvc-complex-type.4")


def _ubl_schema(root: etree._Element, document_type: str, version: str,
                positions: Positions, saxon: rules.Document, *, customised: bool
                ) -> list[Issue]:
    issues: list[Issue] = []
    path = catalog.ubl_schema(document_type)
    if path is None:
        issues.append(Issue.of(Code.XML_NO_SCHEMA, (
            f"The gateway ships no UBL 2.5 schema for {document_type} (not a document it "
            "handles, or one UBL has withdrawn); its structure is not checked."),
            Location(line=1, path=f"/{document_type}")))
    elif version.startswith(catalog.UBL_SCHEMA_VERSION):
        issues.extend(schemas.validate_xsd(root, path, positions))
    else:
        # The shipped UBL 2.5 schemas (CSD01) are not backward compatible with
        # earlier instances: they drop CopyIndicator and most supplementary
        # attributes and remodel parties and references. Against them, only the
        # value checks of a 2.0-2.4 document mean anything.
        issues.append(Issue.of(Code.XML_NO_SCHEMA, (
            f"The document is UBL {version or '2.x (no UBLVersionID)'}; the gateway ships "
            f"the UBL {catalog.UBL_SCHEMA_VERSION} schemas only, which changed the structure "
            "of earlier versions, so only the values (dates, numbers, codes' data types) "
            "are checked against them, not the structure."),
            Location(line=1, path=f"/{document_type}")))
        issues.extend(schemas.validate_xsd(root, path, positions, _VALUE_RULES))
    if not customised:
        # UBL's code-list method: a customisation (Peppol, EN 16931) replaces the
        # default lists with its own, and its rules check them; Peppol's order
        # line status codes are UNCL1229 numbers, not UBL's default words.
        code_lists = rules.xslt_file(catalog.UBL_CODE_LISTS)
        issues.extend(_run(code_lists, saxon, positions, Code.XML_CODE_LIST,
                           "UBL default code lists", flagged=False))
    return issues


def _ubl_rules(root: etree._Element, document_type: str,
               recognition: catalog.Recognition, positions: Positions,
               saxon: rules.Document) -> list[Issue]:
    issues: list[Issue] = []
    if recognition.mismatch:
        element = root.find(f"{{{UBL_CBC_NAMESPACE}}}CustomizationID")
        line, column = positions.of(element) if element is not None else (None, None)
        issues.append(Issue.of(Code.XML_PROFILE_MISMATCH, recognition.mismatch + "; the "
                               "transaction's rules are not run.",
                               Location(line=line, column=column,
                                        path=f"/{document_type}/cbc:CustomizationID[1]")))
    for ruleset in recognition.rulesets:
        issues.extend(_run(rules.schematron(ruleset.source), saxon, positions,
                           Code.XML_RULE, ruleset.name))
    return issues


def _cxml_dtd(root: etree._Element, version: str, positions: Positions) -> list[Issue]:
    # lxml-stubs 0.5 calls it system_id; lxml itself has only system_url.
    system_url: object = root.getroottree().docinfo.system_url  # type: ignore[attr-defined]
    choice = catalog.cxml_dtd(system_url if isinstance(system_url, str) else None, version)
    if choice is None:
        return [Issue.of(Code.XML_NO_SCHEMA, (
            "The cXML document names no DTD in a DOCTYPE and no version on its root; it "
            "is not checked against a DTD."), Location(line=1, path="/cXML"))]
    issues: list[Issue] = []
    if choice.substitute:
        issues.append(Issue.of(Code.XML_DTD_SUBSTITUTED, choice.substitute,
                               Location(line=1, path="/cXML")))
    issues.extend(schemas.validate_dtd(root, choice, positions))
    return issues


def _run(executable: object, saxon: rules.Document, positions: Positions, code: Code,
         name: str, *, flagged: bool = True) -> list[Issue]:
    root = saxon.root
    report, failure = rules.run(executable, root, saxon)
    if report is None:
        # A rule met a value it cannot evaluate (an amount that is no number,
        # say): the run stops there. The schema check reports the value itself.
        return [Issue.of(code, f"The {name} rules stopped on this document: {failure}",
                         Location(line=1, path=f"/{etree.QName(root).localname}"))]
    return rules.to_issues(rules.findings(report), code, root, positions, flagged=flagged)


def _child(root: etree._Element, local: str) -> str:
    found = root.find(f"{{{UBL_CBC_NAMESPACE}}}{local}")
    return (found.text or "").strip() if found is not None else ""
