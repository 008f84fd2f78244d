"""The hardened XML parser: the only place the gateway turns partner bytes into an lxml tree.

Owns the refusal rules for hostile XML. A document is refused, with
:class:`~gateway.errors.UnsafeXmlError`, when it is larger than a bound, nests
deeper than a bound, is not well-formed, or declares any entity in an internal
DTD subset (billion laughs, quadratic blowup, XXE through ``SYSTEM`` or ``PUBLIC``
entities, parameter entities). A DOCTYPE that only names an external DTD, as every
cXML file does, is accepted and the DTD is never fetched: no DTD is loaded, no
entity is substituted and libxml2 is told to stay off the network.

This module must not read files, open sockets, identify documents or build
issues; :mod:`gateway.edi.xml.reader` turns refusals into issues.
"""

from __future__ import annotations

import re

from lxml import etree

from gateway.edi.issues import Code
from gateway.edi.xml.prolog import decode_head, scan_prolog
from gateway.errors import UnsafeXmlError, UsageError

DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_MAX_DEPTH = 200

# The prolog is almost always in the first few kilobytes; only a document whose
# prolog runs past this window is decoded whole for the entity check.
_PROLOG_WINDOW = 64 * 1024

_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
# lxml appends the position to libxml2's message; the reason states it in words.
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+\s*$")


def parse_xml(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._Element:
    """Parse ``data`` into its root element, or raise :class:`UnsafeXmlError`.

    The size bound is checked before any parsing, the entity rule before libxml2
    sees the bytes, and the depth bound on the finished tree without recursion.
    """
    if max_bytes < 0 or max_depth < 1:
        raise UsageError(f"parse_xml needs max_bytes >= 0 and max_depth >= 1, not "
                         f"{max_bytes} and {max_depth}")
    if len(data) > max_bytes:
        raise UnsafeXmlError(
            f"The XML document is {len(data):,} bytes, more than the {max_bytes:,} allowed.",
            Code.XML_TOO_LARGE.value,
        )
    _refuse_entity_declarations(data)
    root = _parse(data)
    _refuse_entity_declarations_in(root)
    _refuse_depth(root, max_depth)
    return root


def source_line(element: etree._Element) -> int | None:
    """The line ``element`` starts on in the parsed bytes, when lxml knows it."""
    # lxml-stubs 0.5 types sourceline as a bare ellipsis; it is Optional[int].
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers keep state and are not shared
    # safely between threads.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
        attribute_defaults=False,
    )


def _parse(data: bytes) -> etree._Element:
    if not data or data.isspace():
        raise UnsafeXmlError("The XML document is empty.", Code.XML_NOT_WELL_FORMED.value, 1)
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise _syntax_refusal(error) from None


def _syntax_refusal(error: etree.XMLSyntaxError) -> UnsafeXmlError:
    line, column = error.position if error.position else (error.lineno, 0)
    message = _POSITION_SUFFIX.sub("", str(error.msg or error)).strip()
    where = f"line {line}, column {column}" if column else f"line {line}"
    # libxml2's own ceilings (nesting 256, text node 10 MB without XML_PARSE_HUGE)
    # surface as syntax errors; they are the same refusals as ours, so say so.
    if "Excessive depth" in message:
        return UnsafeXmlError(
            f"The XML document nests elements deeper than the parser allows ({where}).",
            Code.XML_TOO_DEEP.value, line,
        )
    if "amplification" in message or "entity reference loop" in message:
        return UnsafeXmlError(
            f"The XML document's entities expand without bound: {message} ({where}).",
            Code.XML_FORBIDDEN.value, line,
        )
    if "Resource limit exceeded" in message or "XML_PARSE_HUGE" in message:
        return UnsafeXmlError(
            f"The XML document holds a value larger than the parser allows: {message} ({where}).",
            Code.XML_TOO_LARGE.value, line,
        )
    return UnsafeXmlError(
        f"The XML document is not well-formed: {message} ({where}).",
        Code.XML_NOT_WELL_FORMED.value, line,
    )


def _refuse_depth(root: etree._Element, max_depth: int) -> None:
    # One XPath step per level, evaluated by libxml2 level by level: no Python
    # recursion, and the first hit gives the line to report.
    too_deep = root.xpath("/*" * (max_depth + 1))
    if isinstance(too_deep, list) and too_deep:
        first = too_deep[0]
        line = source_line(first) if isinstance(first, etree._Element) else None
        raise UnsafeXmlError(
            f"The XML document nests elements more than {max_depth} levels deep.",
            Code.XML_TOO_DEEP.value, line,
        )


def _refuse_entity_declarations_in(root: etree._Element) -> None:
    # Second line of defence for encodings the prolog scan cannot decode: the
    # parsed internal subset must not declare an entity either.
    dtd = root.getroottree().docinfo.internalDTD
    # lxml-stubs 0.5 leaves DTD.iterentities out; lxml has had it since 2.3.
    if dtd is not None and any(True for _ in dtd.iterentities()):  # type: ignore[attr-defined]
        raise UnsafeXmlError(
            "The XML document declares entities in its DOCTYPE; entity declarations "
            "are refused because they can expand without bound or read local files.",
            Code.XML_FORBIDDEN.value,
        )


def _refuse_entity_declarations(data: bytes) -> None:
    text = decode_head(data, _PROLOG_WINDOW)
    prolog = scan_prolog(text)
    if prolog.root is None and len(data) > _PROLOG_WINDOW:
        text = decode_head(data)
        prolog = scan_prolog(text)
    if prolog.subset is None:
        return
    # Any declaration counts, even one inside a comment of the subset: refusing
    # a harmless oddity costs less than a parser differential.
    found = _ENTITY_DECL.search(text, *prolog.subset)
    if found is not None:
        raise UnsafeXmlError(
            "The XML document declares an entity in its DOCTYPE (<!ENTITY ...>); entity "
            "declarations are refused because they can expand without bound or read "
            "local files.",
            Code.XML_FORBIDDEN.value, text.count("\n", 0, found.start()) + 1,
        )
