"""Converting files between formats through the business documents.

Reading: every message of a file (EDI or XML) through its inbound mapping to a
document. Writing: documents through outbound mappings to a message body,
then into an envelope (UNB/UNH or ISA/GS/ST) with the control numbers and the
time the caller gives. Pure: bytes and values in, bytes and values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from gateway.documents.common import Model
from gateway.edi.charsets import to_ascii
from gateway.edi.delimiters import EDIFACT_DEFAULT, Delimiters
from gateway.edi.issues import Code, Issue, Location
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.loader import load_directory, resolve_version
from gateway.edi.schema.structure import instance_tree
from gateway.edi.schema.validator import Placed
from gateway.edi.tree import Group, Interchange, Message, Segment
from gateway.edi.writer import write
from gateway.errors import UsageError
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.registry import Mappings
from gateway.mapping.xml_out import XmlOutboundMapping

DEFAULT_VERSIONS = {"edifact": "D96A", "x12": "004010", "ubl": "2.1", "cxml": "1.2"}


@dataclass(slots=True)
class Mapped:
    """One message of a file and the document mapped from it (None if it failed)."""

    message_type: str
    reference: str
    document: Model | None
    issues: list[Issue] = field(default_factory=list)
    # EDI: segments of the message no path of its mapping reads, counted by tag.
    unread: dict[str, int] = field(default_factory=dict)


def documents(report: FileReport, mappings: Mappings) -> list[Mapped]:
    """Map every message of a read file to its business document."""
    out: list[Mapped] = []
    if report.xml is not None:
        doc = report.xml.document
        if doc is None or report.xml.root is None:
            return out
        mapping = mappings.inbound_for(doc.family, doc.version, doc.type)
        if mapping is None:
            out.append(Mapped(doc.type, doc.reference, None, [_no_mapping(
                doc.family, doc.version, doc.type)]))
            return out
        document, issues = mapping.apply(report.xml.root)
        out.append(Mapped(doc.type, doc.reference, document, issues))
        return out
    if report.edi is None:
        return out
    for ic in report.edi.interchanges:
        for message in ic.messages():
            broken = [issue for issue in report.edi.message_issues(message)
                      if issue.code in UNREADABLE_TEXT]
            if broken:
                # Its text is not what the partner meant: nothing of it is mapped.
                out.append(Mapped(message.type, message.reference, None, broken))
                continue
            out.append(map_message(message, ic.standard, ic.delimiters.decimal, mappings,
                                   report.edi.placed.get(id(message))))
    return out


# A message holding a character its declared character set has not is not mapped.
UNREADABLE_TEXT = frozenset({Code.OUTSIDE_CHARSET})


def map_message(message: Message, standard: str, decimal: str,
                mappings: Mappings, placed: Placed | None = None) -> Mapped:
    """The business document of one EDI message, through its inbound mapping.
    ``placed`` is the validator's instance tree, reused when it was built with
    the structure the mapping reads."""
    mapping = mappings.inbound_for(standard, message.version, message.type)
    if mapping is None:
        return Mapped(message.type, message.reference, None,
                      [_no_mapping(standard, message.version, message.type)])
    version = resolve_version(standard, message.type, mapping.version)
    if placed is not None and placed.version == version:
        tree = placed.tree
    else:
        directory = load_directory(standard, version)
        assert directory is not None  # the mapping compiled against it
        tree = instance_tree(message.segments, directory.messages[mapping.message].structure)
    document, issues = mapping.apply(tree, decimal=decimal)
    return Mapped(message.type, message.reference, document, issues,
                  mapping.unread(message.segments))


def _no_mapping(standard: str, version: str, mtype: str) -> Issue:
    return Issue.of(Code.NO_MAPPING,
                    f"No mapping reads {standard.upper()} {mtype} {version or ''}".rstrip()
                    + " into a business document.", Location(message=None))


@dataclass(frozen=True, slots=True)
class EnvelopeOptions:
    """What the caller decides about an outbound envelope."""

    now: datetime
    control: int = 1
    sender: str | None = None
    receiver: str | None = None
    qualifier: str | None = None
    receiver_qualifier: str | None = None  # when it differs from the sender's
    test: bool = False
    delimiters: Delimiters | None = None


def _ids(mapping: OutboundMapping, document: Model, options: EnvelopeOptions
         ) -> tuple[str, str, str]:
    sender = options.sender or mapping.envelope_value("sender", document) or "SENDER"
    receiver = options.receiver or mapping.envelope_value("receiver", document) or "RECEIVER"
    qualifier = options.qualifier or mapping.envelope_value("qualifier", document) or "ZZ"
    return sender, receiver, qualifier


def to_edifact(docs: list[Model], mappings: Mappings, version: str,
               options: EnvelopeOptions) -> bytes:
    """One EDIFACT interchange holding a message per document."""
    groups = Group(None)
    first: OutboundMapping | None = None
    for n, document in enumerate(docs, 1):
        mapping = _outbound(mappings, "edifact", version, document)
        first = first or mapping
        h = mapping.header
        identifier = [h.get("type", mapping.message), h.get("version", "D"),
                      h.get("release", version[1:]), h.get("agency", "UN")]
        if h.get("association"):
            identifier.append(h["association"])
        ref = str(n)
        groups.messages.append(Message(Segment.of("UNH", ref, identifier),
                                       mapping.render(document), None,
                                       type=mapping.message, reference=ref))
    assert first is not None
    sender, receiver, qualifier = _ids(first, docs[0], options)
    now = options.now
    unb = Segment.of("UNB", ["UNOC", "3"], [sender, qualifier], [receiver, qualifier],
                     [now.strftime("%y%m%d"), now.strftime("%H%M")], str(options.control),
                     *(["", "", "", "", "", "1"] if options.test else []))
    delims = options.delimiters or EDIFACT_DEFAULT
    ic = Interchange("edifact", delims, unb, [groups], line_ending="\n",
                     service_string="UNA" if options.delimiters is None else None)
    return write([ic], encoding="iso8859-1")


def to_x12(docs: list[Model], mappings: Mappings, version: str,
           options: EnvelopeOptions) -> bytes:
    """One X12 interchange: a functional group per kind of document."""
    groups: dict[str, Group] = {}
    first: OutboundMapping | None = None
    now = options.now
    for sets, document in enumerate(docs, 1):
        mapping = _outbound(mappings, "x12", version, document)
        first = first or mapping
        functional = mapping.header.get("functional_group", "")
        group = groups.get(functional)
        if group is None:
            gs = Segment.of("GS", functional, "", "", now.strftime("%Y%m%d"),
                            now.strftime("%H%M"), str(options.control + len(groups)), "X",
                            version)
            group = groups[functional] = Group(gs)
        control = f"{sets:04d}"
        group.messages.append(Message(Segment.of("ST", mapping.message, control),
                                      mapping.render(document), None, type=mapping.message,
                                      reference=control))
    assert first is not None
    sender, receiver, qualifier = _ids(first, docs[0], options)
    for group in groups.values():
        assert group.header is not None
        group.header.elements[1] = [sender]
        group.header.elements[2] = [receiver]
        for message in group.messages:
            for seg in message.segments:
                # X12's character sets are ASCII: other letters are spelled in it.
                seg.elements = [[to_ascii(c) for c in comps] for comps in seg.elements]
    isa_version = "00401" if version < "005" else "00501"
    delims = options.delimiters or _x12_delimiters(groups.values(), isa_version)
    isa = Segment.of("ISA", "00", "", "00", "", qualifier, sender,
                     options.receiver_qualifier or qualifier, receiver,
                     now.strftime("%y%m%d"), now.strftime("%H%M"), delims.repetition or "U",
                     isa_version, f"{options.control:09d}", "0",
                     "T" if options.test else "P", delims.component)
    ic = Interchange("x12", delims, isa, list(groups.values()), line_ending="\n")
    return write([ic], encoding="ascii")


# X12 has no release character: a delimiter must not occur in the data. The first
# choice of each is what most partners read ("*", ">" and "~"; from 00402 on ISA11
# names a repetition separator, "^" by custom); the others are the usual
# alternatives, taken only when the data holds the first.
_X12_CHOICES = {"element": "*|^!", "component": ">:<\\", "segment": "~'\x1c",
                "repetition": "^{}!"}


def _x12_delimiters(groups: Iterable[Group], isa_version: str) -> Delimiters:
    """Delimiters none of the interchange's values hold; where every choice for one
    is taken, its first choice, and the writer says which value holds it."""
    segments = [seg for group in groups
                for seg in (group.header, *(s for m in group.messages for s in m.segments))
                if seg is not None]
    used = {c for seg in segments for comps in seg.elements for value in comps for c in value}
    taken: set[str] = set()

    def pick(kind: str) -> str:
        choices = _X12_CHOICES[kind]
        found = next((c for c in choices if c not in used and c not in taken), choices[0])
        taken.add(found)
        return found

    segment, element, component = pick("segment"), pick("element"), pick("component")
    repetition = pick("repetition") if isa_version >= "00402" else None
    return Delimiters(segment=segment, element=element, component=component,
                      repetition=repetition)


def written_issues(data: bytes) -> list[Issue]:
    """What keeps an interchange the gateway wrote from being valid against its
    standard (the blocking issues of a schema-level check): a value the target
    has no place for, a code it does not have. A writer's last look before the
    bytes go to a partner, who would reject them."""
    return [issue for issue in inspect(data).issues if issue.blocking]


def to_xml(document: Model, mappings: Mappings, standard: str, version: str) -> bytes:
    mapping = mappings.outbound_for_document(standard, version, document)
    if not isinstance(mapping, XmlOutboundMapping):
        raise UsageError(f"no {standard} mapping writes a {getattr(document, 'type', '?')}")
    return mapping.render(document)


def _outbound(mappings: Mappings, standard: str, version: str,
              document: Model) -> OutboundMapping:
    kind = str(getattr(document, "type", ""))
    mapping = mappings.outbound_for_document(standard, version, document)
    if not isinstance(mapping, OutboundMapping):
        raise UsageError(f"no {standard.upper()} {version} mapping writes a "
                         f"{kind.replace('_', ' ')}")
    return mapping
