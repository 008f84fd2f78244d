"""Every UBL and cXML document of ``samples/`` and of the shared corpus at the default
level for XML, the rules level.

A file not listed in EXPECTED must come out valid; the project's own samples are
all valid, so none of them is listed. A listed file must break
exactly the listed rules, and the reason beside it says why that is right,
from the file's text and the standard it breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.edi.issues import Level
from gateway.edi.report import default_level, inspect
from tests import corpus

SAMPLES = corpus.PROJECT_ROOT / "samples"

EXPECTED: dict[str, tuple[frozenset[str], str]] = {
    "xml/DespatchAdvice/ph-ubl__GuiaRemision.xml": (
        frozenset({"schema.xsd:cvc-datatype-valid.1.2.1", "schema.code-list"}),
        "SplitConsignmentIndicator is 'True', and xsd:boolean is true, false, 1 or 0; "
        "TransportModeCode '01' is SUNAT's catalogue code, not a UN/ECE 4461 code, and the "
        "Peruvian profile (CustomizationID 1.0) binds no list of its own"),
    "xml/Invoice/ph-ubl__Generica.xml": (
        frozenset({"schema.code-list"}),
        "the DIAN extension's cbc:IdentificationCode (line 19) names the UBL 2.1 country "
        "list's scheme URI with a '-2.1' suffix the default list does not carry; under UBL's "
        "code-list method list metadata that differs from the list's own is refused"),
    "xml/Order/peppol-bis__T01-0003-invalid.xml": (
        frozenset({"schema.code-list"}),
        "a PEPPOL BIS 2 order (no BIS 3 rules run); its codes carry listID='ISO4217' and "
        "unitCodeListID='UNECERec20', not the default lists' identifiers, which UBL's "
        "code-list method refuses"),
    "xml/Order/peppol-bis__T01-0010-emptyElement.xml": (
        frozenset({"schema.code-list"}),
        "the same BIS 2 order as T01-0003 with the same list metadata"),
    "xml/Order/ubl-release-package__order-test-bad-syntax.xml": (
        frozenset({"syntax.xml-not-well-formed"}),
        "the OASIS bad-syntax fixture: not well-formed at line 50"),
    "xml/OrderRequest/cxml-php__order_request.xml": (
        frozenset({"schema.dtd:dtd-content-model", "schema.dtd:dtd-unknown-elem",
                   "schema.dtd:dtd-unknown-attribute"}),
        "its DOCTYPE names the 1.2.060 Custom.dtd, whose PaymentReference extension the "
        "gateway does not ship; against the 1.2.063 cXML.dtd, Payment holds only PCard"),
    "xml/Response/cxml__document_node_with_unknown_attribute.xml": (
        frozenset({"schema.dtd:dtd-unknown-attribute"}),
        "the fixture's point: an attribute 'invalid' on Response that no DTD declares"),
}


def _xml_files() -> list[str]:
    found = [f"samples/{p.relative_to(SAMPLES)}" for family in ("ubl", "cxml")
             for p in sorted((SAMPLES / family).glob("*.xml"))]
    if corpus.is_available(under="xml"):
        found += sorted(entry.local_path for entry in corpus.entries("xml"))
    return found


def _path(name: str) -> Path:
    return corpus.PROJECT_ROOT / name if name.startswith("samples/") else corpus.CORPUS / name


def test_expected_files_exist() -> None:
    """Every listed file is there (the corpus part only where the corpus is)."""
    files = set(_xml_files())
    for name in EXPECTED:
        if name.startswith("samples/") or corpus.is_available(under="xml"):
            assert name in files, name


@pytest.mark.parametrize("name", _xml_files())
def test_file_at_rules_level(name: str) -> None:
    """The file is valid at its default level (rules, for XML), or breaks exactly the
    rules listed for it; every schema and rules finding has a line and an XPath."""
    data = _path(name).read_bytes()
    assert default_level(data) == Level.RULES
    report = inspect(data, level=Level.RULES)
    line = report.validation_json(name, Level.RULES)
    blocking = {issue["code"] for issue in line["issues"]
                if issue["severity"] in ("fatal", "error")}
    expected, _reason = EXPECTED.get(name, (frozenset(), ""))
    assert blocking == expected, line["issues"]
    if name.startswith("samples/"):
        # The project's own samples are clean: no warning either, but the one that a
        # UBL 2.1 document's structure is not checked against the UBL 2.5 schemas.
        assert [i for i in line["issues"] if i["code"] != "schema.xml-no-schema"] == []
    for issue in line["issues"]:
        if issue["code"].startswith(("schema.", "rules.")):
            assert issue["location"].get("line") and issue["location"].get("path"), issue
