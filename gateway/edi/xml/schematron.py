"""ISO Schematron (``queryBinding="xslt2"``) compiled into one XSLT 3.0 stylesheet.

Owns the translation of a Schematron schema, with its ``include`` and
``xi:include`` parts, into a stylesheet that reports every failed assertion and
every successful report as a ``gwr:finding`` element carrying the rule's
``id``, ``flag`` and ``role``, the XPath 3.0 ``path()`` of the context node and
the assertion's own text. Running the stylesheet is
:mod:`gateway.edi.xml.rules`'s job; this module reads files and builds text,
nothing else, and must not import an XSLT processor.

The semantics are the standard's: within a pattern, a node fires only the first
rule whose context it matches (the templates of one mode, in falling priority);
``let`` values of the schema and of its patterns, ``xsl:function`` and
``xsl:key`` become global declarations (a rule context may use a pattern's
variable, and only globals are in scope in a match pattern). Every pattern of
the default phase runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from gateway.errors import ConfigurationError

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
XI = "http://www.w3.org/2001/XInclude"
XS = "http://www.w3.org/2001/XMLSchema"
# The namespace of the report the compiled stylesheet writes.
REPORT = "urn:x-edi-gateway:schematron-report"

_S = f"{{{SCH}}}"
_X = f"{{{XSL}}}"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a compiled schema comes from.

    ``absent`` names includes (as written in ``href``) that the publisher builds
    at release time and does not publish with the rules: they are left out,
    knowingly. ``library`` is a Schematron file of the same publisher whose
    ``xsl:function`` declarations stand in for ``xi:include`` function parts that
    are absent, and ``borrowed`` binds variables the absent parts would have
    declared to the values of the library's own variables (``(name, library
    name)``), where the two lists are the same.
    """

    path: Path
    absent: tuple[str, ...] = ()
    library: Path | None = None
    borrowed: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class _Schema:
    namespaces: dict[str, str] = field(default_factory=dict)
    globals: list[etree._Element] = field(default_factory=list)   # xsl:function, xsl:key
    lets: list[etree._Element] = field(default_factory=list)      # schema-level sch:let
    patterns: list[etree._Element] = field(default_factory=list)
    phases: dict[str, list[str]] = field(default_factory=dict)
    default_phase: str | None = None


def compile_schematron(source: Source) -> str:
    """The XSLT 3.0 text for ``source``; raises ConfigurationError on a schema it cannot read."""
    schema = _Schema()
    _load(source, source.path, schema, top=True)
    if source.borrowed:
        _borrow(source, schema)
    return etree.tostring(_stylesheet(schema), encoding="unicode")


def compile_element(root: etree._Element) -> str:
    """The XSLT 3.0 text for a Schematron schema built in memory (no includes)."""
    schema = _Schema()
    _load_root(Source(Path("<memory>")), Path("<memory>"), root, schema, top=True)
    return etree.tostring(_stylesheet(schema), encoding="unicode")


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise ConfigurationError(f"cannot read Schematron file {path}: {error}") from error


def _load(source: Source, path: Path, schema: _Schema, *, top: bool = False) -> None:
    _load_root(source, path, _parse(path), schema, top=top)


def _load_root(source: Source, path: Path, root: etree._Element, schema: _Schema, *,
               top: bool = False) -> None:
    if root.tag == f"{_S}schema":
        if top:
            schema.default_phase = root.get("defaultPhase")
        for prefix, uri in root.nsmap.items():
            if prefix and uri not in (SCH, XSL, XI):
                schema.namespaces.setdefault(prefix, uri)
        for child in root:
            _take(source, path, child, schema)
    elif root.tag == f"{_S}pattern":
        schema.patterns.append(root)
    else:
        raise ConfigurationError(f"{path}: a Schematron part must be a schema or a pattern, "
                                 f"not {etree.QName(root).localname}")


def _take(source: Source, path: Path, child: etree._Element, schema: _Schema) -> None:
    if not isinstance(child.tag, str):
        return
    tag = child.tag
    if tag == f"{_S}ns":
        schema.namespaces[child.get("prefix", "")] = child.get("uri", "")
    elif tag == f"{_S}let":
        schema.lets.append(child)
    elif tag == f"{_S}pattern":
        if child.get("abstract") == "true" or child.get("is-a"):
            raise ConfigurationError(f"{path}: abstract patterns are not supported")
        schema.patterns.append(child)
    elif tag == f"{_S}phase":
        schema.phases[child.get("id", "")] = [
            active.get("pattern", "") for active in child.iter(f"{_S}active")]
    elif tag == f"{_S}include":
        _include(source, path, child.get("href", ""), schema)
    elif tag == f"{{{XI}}}include":
        _xinclude(source, path, child.get("href", ""), schema)
    elif tag in (f"{_X}function", f"{_X}key"):
        schema.globals.append(child)
    # title, p, diagnostics-free documentation: nothing to run


def _include(source: Source, path: Path, href: str, schema: _Schema) -> None:
    if href in source.absent:
        return
    target = (path.parent / href).resolve()
    if not target.is_file():
        raise ConfigurationError(f"{path}: included file {href} is missing")
    root = _parse(target)
    if root.tag in (f"{_X}function", f"{_X}key"):
        schema.globals.append(root)
    else:
        _load(source, target, schema)


def _xinclude(source: Source, path: Path, href: str, schema: _Schema) -> None:
    target = (path.parent / href).resolve()
    if target.is_file():
        _include(source, path, href, schema)
        return
    name = "u:" + Path(href).stem
    if source.library is not None:
        library = _parse(source.library)
        for function in library.iter(f"{_X}function"):
            if function.get("name") == name:
                schema.globals.append(function)
                return
    raise ConfigurationError(f"{path}: function part {href} is missing and {name} is not "
                             "in the function library")


def _borrow(source: Source, schema: _Schema) -> None:
    if source.library is None:
        raise ConfigurationError(f"{source.path}: borrowed variables need a library")
    lets = {let.get("name"): let for let in _parse(source.library).iter(f"{_S}let")}
    for name, library_name in source.borrowed:
        found = lets.get(library_name)
        if found is None:
            raise ConfigurationError(f"{source.library} declares no ${library_name}")
        let = etree.Element(f"{_S}let", nsmap={p: u for p, u in found.nsmap.items() if p})
        let.set("name", name)
        let.set("value", found.get("value", ""))
        schema.lets.append(let)


def _active_patterns(schema: _Schema) -> list[etree._Element]:
    if schema.default_phase and schema.default_phase != "#ALL":
        wanted = set(schema.phases.get(schema.default_phase, []))
        return [p for p in schema.patterns if p.get("id") in wanted]
    return schema.patterns


def _stylesheet(schema: _Schema) -> etree._Element:
    nsmap: dict[str, str] = {"xsl": XSL, "xs": XS, "gwr": REPORT}
    for prefix, uri in schema.namespaces.items():
        if prefix and prefix not in ("xsl", "gwr"):
            nsmap[prefix] = uri
    sheet = etree.Element(f"{_X}stylesheet", nsmap=nsmap)
    sheet.set("version", "3.0")
    sheet.set("exclude-result-prefixes", " ".join(p for p in nsmap if p and p != "gwr"))
    output = etree.SubElement(sheet, f"{_X}output")
    output.set("method", "xml")
    output.set("indent", "no")
    for declaration in schema.globals:
        sheet.append(_copy(declaration))
    bound: dict[str, str] = {}
    for let in schema.lets:
        bound[let.get("name", "")] = let.get("value", "")
        _variable(sheet, let)
    patterns = _active_patterns(schema)
    root = etree.SubElement(sheet, f"{_X}template")
    root.set("match", "/")
    report = etree.SubElement(root, f"{{{REPORT}}}report")
    for number, pattern in enumerate(patterns, 1):
        call = etree.SubElement(report, f"{_X}call-template")
        call.set("name", f"gwr:pattern-{number}")
        _pattern(sheet, pattern, number, bound)
    return sheet


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _variable(parent: etree._Element, let: etree._Element) -> etree._Element:
    variable = etree.SubElement(parent, f"{_X}variable")
    variable.set("name", let.get("name", ""))
    value = let.get("value")
    if value is not None:
        variable.set("select", value)
    else:
        for child in let:
            variable.append(_copy(child))
    return variable


def _pattern(sheet: etree._Element, pattern: etree._Element, number: int,
             bound: dict[str, str]) -> None:
    mode = f"gwr:p{number}"
    # Pattern variables are evaluated against the document, as globals: rule
    # contexts (match patterns) may use them, and only globals are in scope there.
    for let in pattern:
        if let.tag == f"{_S}let":
            name, value = let.get("name", ""), let.get("value", "")
            if name in bound:
                if bound[name] != value:
                    raise ConfigurationError(
                        f"pattern variable ${name} is bound twice with different values")
                continue
            bound[name] = value
            _variable(sheet, let)
    enter = etree.SubElement(sheet, f"{_X}template")
    enter.set("name", f"gwr:pattern-{number}")
    apply = etree.SubElement(enter, f"{_X}apply-templates")
    apply.set("select", ".")
    apply.set("mode", mode)
    rules = [rule for rule in pattern if rule.tag == f"{_S}rule"]
    for position, rule in enumerate(rules):
        if rule.get("abstract") == "true":
            raise ConfigurationError("abstract rules are not supported")
        template = etree.SubElement(sheet, f"{_X}template")
        template.set("match", rule.get("context", ""))
        template.set("mode", mode)
        template.set("priority", str(len(rules) - position))
        for child in rule:
            if child.tag == f"{_S}let":
                _variable(template, child)
            elif child.tag in (f"{_S}assert", f"{_S}report"):
                _check(template, child)
        _descend(template, mode)
    fallback = etree.SubElement(sheet, f"{_X}template")
    fallback.set("match", "/|*|@*")
    fallback.set("mode", mode)
    fallback.set("priority", "-10")
    _descend(fallback, mode)


def _descend(template: etree._Element, mode: str) -> None:
    apply = etree.SubElement(template, f"{_X}apply-templates")
    apply.set("select", "@*|*")
    apply.set("mode", mode)


def _check(template: etree._Element, check: etree._Element) -> None:
    is_assert = check.tag == f"{_S}assert"
    test = check.get("test", "false()")
    condition = etree.SubElement(template, f"{_X}if")
    condition.set("test", f"not({test})" if is_assert else test)
    finding = etree.SubElement(condition, f"{{{REPORT}}}finding")
    finding.set("kind", "assert" if is_assert else "report")
    for name in ("id", "flag", "role"):
        value = check.get(name)
        if value is not None:
            finding.set(name, value)
    location = etree.SubElement(finding, f"{_X}attribute")
    location.set("name", "location")
    location.set("select", "path()")
    test_attribute = etree.SubElement(finding, f"{_X}attribute")
    test_attribute.set("name", "test")
    test_attribute.text = test
    _message(finding, check)


def _message(target: etree._Element, source: etree._Element) -> None:
    """Copy an assertion's text, turning ``value-of`` and ``name`` into XSLT."""
    if source.text:
        _text(target, source.text)
    for child in source:
        if child.tag == f"{_S}value-of":
            value = etree.SubElement(target, f"{_X}value-of")
            value.set("select", child.get("select", "."))
        elif child.tag == f"{_S}name":
            value = etree.SubElement(target, f"{_X}value-of")
            value.set("select", f"name({child.get('path', '.')})")
        elif isinstance(child.tag, str):
            _message(target, child)
        if child.tail:
            _text(target, child.tail)


def _text(target: etree._Element, text: str) -> None:
    node = etree.SubElement(target, f"{_X}text")
    node.text = text
