"""Reading an XML file as received: bytes in, a tree, the document it is and issues out.

Owns the translation of parser refusals and unknown roots into
:class:`~gateway.edi.issues.Issue` values, so callers never see an exception
for bad data. It must not parse by any other route than
:func:`gateway.edi.xml.secure.parse_xml`, nor validate or map documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from gateway.edi.issues import Code, Issue, Location
from gateway.edi.xml.documents import XmlDocument, identify
from gateway.edi.xml.secure import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_xml, source_line
from gateway.errors import UnsafeXmlError


@dataclass(frozen=True, slots=True)
class XmlRead:
    """The outcome of reading one XML file.

    ``root`` is ``None`` when the file was refused; ``document`` is ``None`` then
    and when the root is not a document the gateway knows. Either way ``issues``
    says why.
    """

    document: XmlDocument | None
    root: etree._Element | None
    issues: list[Issue] = field(default_factory=list)


def read_xml(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH,
) -> XmlRead:
    """Parse and identify ``data``; problems in the data come back as issues, never raised."""
    try:
        root = parse_xml(data, max_bytes=max_bytes, max_depth=max_depth)
    except UnsafeXmlError as refusal:
        return XmlRead(None, None, [_refusal_issue(refusal)])
    document = identify(root)
    if document is None:
        return XmlRead(None, root, [_unknown_root_issue(root)])
    return XmlRead(document, root, [])


def _refusal_issue(refusal: UnsafeXmlError) -> Issue:
    return Issue.of(Code(refusal.code), refusal.reason, Location(line=refusal.line))


def _unknown_root_issue(root: etree._Element) -> Issue:
    qname = etree.QName(root)
    where = f"in namespace {qname.namespace!r}" if qname.namespace else "in no namespace"
    return Issue.of(
        Code.XML_UNKNOWN_DOCUMENT,
        f"The root element {qname.localname!r} {where} is not a UBL 2.x or cXML "
        "document the gateway knows.",
        Location(line=source_line(root), path=f"/{qname.localname}"),
    )
