"""XSD and DTD checks of XML documents against the standards' published files.

Owns the per-process caches of compiled UBL schemas and cXML DTDs (each loaded
from the shipped files on first need, never from the network) and the
translation of libxml2's validation errors into issues with the rule's name
(``cvc-datatype-valid.1.2.1``, ``dtd-content-model``), line, column and XPath.
It must not parse partner bytes (the tree comes from
:mod:`gateway.edi.xml.secure`) nor run Schematron.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from lxml import etree

from gateway.edi.issues import Code, Issue, Location
from gateway.edi.xml.catalog import STANDARDS, DtdChoice
from gateway.edi.xml.locations import PREFIXES, Positions, xpath_of
from gateway.errors import ConfigurationError

_LOCK = threading.Lock()
_XSD: dict[Path, etree.XMLSchema] = {}
_DTD: dict[Path, etree.DTD] = {}

_CLARK = re.compile(r"\{([^}]*)\}([A-Za-z_][\w.\-]*)")
# libxml2 names XSD validation errors after the rules of XML Schema Part 1
# (SCHEMAV_CVC_COMPLEX_TYPE_2_4 is cvc-complex-type.2.4); a few have no cvc name.
_CVC = re.compile(r"^SCHEMAV_CVC_(?P<words>[A-Z_]+?)(?:_(?P<clause>\d+(?:_\d+)*))?$")


class _LocalOnly(etree.Resolver):
    """Resolves only files inside the shipped standards; anything else is refused."""

    # lxml passes a context the stubs leave out, and has resolve_filename they lack.
    def resolve(  # type: ignore[override]
        self, system_url: str, public_id: str, context: object,
    ) -> object:
        path = Path(system_url.removeprefix("file://")).resolve()
        if path.is_file() and STANDARDS in path.parents:
            return self.resolve_filename(str(path), context)  # type: ignore[attr-defined]
        raise ConfigurationError(f"a standards file refers to {system_url}, outside the "
                                 "shipped standards; it is not loaded")


def _schema_parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalOnly())
    return parser


def xml_schema(path: Path) -> etree.XMLSchema:
    """The compiled schema at ``path``, loaded once per process."""
    with _LOCK:
        found = _XSD.get(path)
        if found is None:
            try:
                found = etree.XMLSchema(etree.parse(str(path), _schema_parser()))
            except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
                raise ConfigurationError(f"cannot load the schema {path}: {error}") from error
            _XSD[path] = found
        return found


def dtd(path: Path) -> etree.DTD:
    """The DTD at ``path``, loaded once per process."""
    with _LOCK:
        found = _DTD.get(path)
        if found is None:
            try:
                found = etree.DTD(str(path))
            except (OSError, etree.DTDParseError) as error:
                raise ConfigurationError(f"cannot load the DTD {path}: {error}") from error
            _DTD[path] = found
        return found


def rule_name(type_name: str) -> str:
    """The XML Schema validation rule a libxml2 error type stands for."""
    found = _CVC.match(type_name)
    if found:
        words = found.group("words").lower().replace("_", "-")
        clause = found.group("clause")
        return f"cvc-{words}" + (f".{clause.replace('_', '.')}" if clause else "")
    for prefix in ("SCHEMAV_", "DTD_", "ERR_"):
        if type_name.startswith(prefix):
            return (("dtd-" if prefix == "DTD_" else "") +
                    type_name.removeprefix(prefix).lower().replace("_", "-"))
    return type_name.lower().replace("_", "-")


def readable(message: str) -> str:
    """libxml2's message with ``{namespace}Name`` written ``cbc:Name``."""
    def prefixed(found: re.Match[str]) -> str:
        prefix = PREFIXES.get(found.group(1))
        return f"{prefix}:{found.group(2)}" if prefix else found.group(2)
    return _CLARK.sub(prefixed, message).strip()


def _namespaces(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.iter(etree.Element):
        for prefix, uri in (element.nsmap or {}).items():
            if prefix:
                found.setdefault(prefix, uri)
    return found


def _element_at(root: etree._Element, path: str | None,
                namespaces: dict[str, str]) -> etree._Element | None:
    if not path:
        return None
    try:
        found = root.getroottree().xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _issues(code: Code, log: etree._ListErrorLog, root: etree._Element,
            positions: Positions, rules: tuple[str, ...] | None = None) -> list[Issue]:
    # Only the entries asked for are placed: placing one walks the whole tree once
    # (its namespaces, the start tags' positions), which a valid UBL 2.1 document
    # would pay for the structure findings of the 2.5 schema that it then drops.
    entries = [(entry, rule_name(entry.type_name)) for entry in log]
    if rules is not None:
        entries = [(entry, rule) for entry, rule in entries if rule.startswith(rules)]
    issues: list[Issue] = []
    namespaces = _namespaces(root) if entries else {}
    for entry, rule in entries:
        element = _element_at(root, entry.path, namespaces)
        line: int | None = entry.line or None
        column: int | None = entry.column or None
        path = entry.path or None
        if element is not None:
            path = xpath_of(element)
            found_line, found_column = positions.of(element)
            line = found_line or line
            column = found_column or column
        issues.append(Issue.of(code, readable(entry.message), Location(
            line=line, column=column, path=path), rule=rule))
    return issues


def validate_xsd(root: etree._Element, schema_path: Path, positions: Positions,
                 rules: tuple[str, ...] | None = None) -> list[Issue]:
    """Issues of ``root`` against the XSD at ``schema_path``; none when it is valid.
    ``rules``: only the findings of the XML Schema rules whose names start so."""
    schema = xml_schema(schema_path)
    if schema.validate(root):
        return []
    return _issues(Code.XML_SCHEMA_INVALID, schema.error_log, root, positions, rules)


def validate_dtd(root: etree._Element, choice: DtdChoice, positions: Positions) -> list[Issue]:
    """Issues of ``root`` against the cXML DTD ``choice`` names; none when it is valid."""
    found = dtd(choice.path)
    if found.validate(root):
        return []
    return _issues(Code.XML_DTD_INVALID, found.error_log, root, positions)
