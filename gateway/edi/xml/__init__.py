"""The XML side of the syntax core: hardened parsing, document recognition, reading.

Pure: bytes and trees in, values out. It imports lxml and the gateway's error
and issue vocabulary only; no files, clock, settings, database or web.
"""

from __future__ import annotations

from gateway.edi.xml.documents import (
    CXML,
    UBL,
    UBL_DOCUMENT_TYPES,
    XmlDocument,
    identify,
    sniff,
    ubl_namespace,
)
from gateway.edi.xml.reader import XmlRead, read_xml
from gateway.edi.xml.secure import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_xml

__all__ = [
    "CXML",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "UBL",
    "UBL_DOCUMENT_TYPES",
    "XmlDocument",
    "XmlRead",
    "identify",
    "parse_xml",
    "read_xml",
    "sniff",
    "ubl_namespace",
]
