"""cXML answers: the synchronous ``Response`` to a request and a later ``StatusUpdateRequest``.

Owns the cXML status codes an answer carries (the HTTP-like ``Status code``
and its ``text``) and the shape of both documents under the DTD of the
request's version. It builds bytes from values and must not validate or send
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.edi.issues import Issue

DTD_URL = "http://xml.cxml.org/schemas/cXML/{version}/cXML.dtd"
DEFAULT_VERSION = "1.2.014"

# The cXML status codes the gateway answers with, and their standard texts.
STATUS_TEXTS: dict[int, str] = {
    200: "OK",
    201: "Accepted",
    400: "Bad Request",
    406: "Not Acceptable",
    500: "Internal Server Error",
}


@dataclass(frozen=True, slots=True)
class Credential:
    """One ``Credential``: a domain and an identity."""

    domain: str
    identity: str


@dataclass(frozen=True, slots=True)
class Status:
    """A cXML status: the code, its text, and the human-readable content."""

    code: int
    text: str
    detail: str = ""


def status_for(issues: Sequence[Issue]) -> Status:
    """200 OK when nothing blocks; 400 Bad Request listing the problems otherwise."""
    blocking = [issue for issue in issues if issue.blocking]
    if not blocking:
        return Status(200, STATUS_TEXTS[200])
    lines = []
    for issue in blocking:
        where = issue.location.path or (f"line {issue.location.line}"
                                        if issue.location.line else "")
        rule = issue.rule or issue.code.value
        lines.append(f"[{rule}] {issue.message}" + (f" ({where})" if where else ""))
    return Status(400, STATUS_TEXTS[400], "\n".join(lines))


def _document(version: str, payload_id: str, now: datetime) -> etree._Element:
    root = etree.Element("cXML")
    root.set("payloadID", payload_id)
    root.set("timestamp", now.replace(microsecond=0).isoformat())
    root.set("version", version)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    return root


def _status(parent: etree._Element, status: Status) -> None:
    element = etree.SubElement(parent, "Status")
    element.set("code", str(status.code))
    element.set("text", status.text)
    element.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    if status.detail:
        element.text = status.detail


def _serialise(root: etree._Element, version: str) -> bytes:
    doctype = f'<!DOCTYPE cXML SYSTEM "{DTD_URL.format(version=version)}">'
    return bytes(etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8",
                                doctype=doctype, pretty_print=True))


def response(status: Status, *, payload_id: str, now: datetime,
             version: str = DEFAULT_VERSION) -> bytes:
    """The synchronous cXML ``Response`` carrying ``status``."""
    root = _document(version, payload_id, now)
    _status(etree.SubElement(root, "Response"), status)
    return _serialise(root, version)


def _credentials(parent: etree._Element, name: str,
                 credentials: Sequence[Credential]) -> etree._Element:
    element = etree.SubElement(parent, name)
    for credential in credentials or (Credential("NetworkID", "unknown"),):
        node = etree.SubElement(element, "Credential")
        node.set("domain", credential.domain)
        etree.SubElement(node, "Identity").text = credential.identity
    return element


def status_update_request(
    status: Status, *, request_payload_id: str, sender: Sequence[Credential],
    receiver: Sequence[Credential], payload_id: str, now: datetime,
    user_agent: str = "edi-gateway", version: str = DEFAULT_VERSION,
) -> bytes:
    """A ``StatusUpdateRequest`` telling the requester the later status of its request.

    ``sender`` is the party answering (From and Sender), ``receiver`` the party
    whose request (``request_payload_id``) the status is about.
    """
    root = _document(version, payload_id, now)
    header = etree.SubElement(root, "Header")
    _credentials(header, "From", sender)
    _credentials(header, "To", receiver)
    agent = _credentials(header, "Sender", sender)
    etree.SubElement(agent, "UserAgent").text = user_agent
    update = etree.SubElement(etree.SubElement(root, "Request"), "StatusUpdateRequest")
    etree.SubElement(update, "DocumentReference").set("payloadID", request_payload_id)
    _status(update, status)
    return _serialise(root, version)
