"""A business document in a partner's format: mapping, envelope, control numbers, bytes.

:func:`render` takes a canonical document and the outbound agreement that says
how the partner reads it (standard, version, mapping and overlays, delimiters,
character set, test indicator), writes the message body through the
agreement's mapping, puts it in the partner's envelope (ISA/GS/ST or UNB/UNH,
our identities as sender and the partner's as receiver) with control numbers
allocated in the caller's transaction (one atomic statement per scope, see
:mod:`gateway.traffic.control_numbers`), and writes the bytes. An EDI result
is checked against its standard before it is returned: a value the partner's
standard has no place for is a :class:`RenderError` naming it, and nothing is
allocated for good (the caller rolls back). Nothing here commits or sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from gateway.documents.common import Model
from gateway.edi.charsets import codec_for_syntax, to_ascii
from gateway.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT, Delimiters
from gateway.edi.tree import Group, Interchange, Message, Segment
from gateway.edi.writer import write
from gateway.errors import GatewayError, UsageError, WriteError
from gateway.mapping.convert import written_issues
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.registry import AnyOutbound
from gateway.partners.profile import Agreement, Identity, Profile, Scheme
from gateway.traffic.control_numbers import Scope, allocate


class RenderError(UsageError):
    """The document cannot be written in the partner's format; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a document goes to and under which agreement and mapping."""

    partner_id: int
    profile: Profile
    agreement: Agreement
    mapping: AnyOutbound


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    name: str  # the file name it is sent under
    control: str  # ISA13, UNB 0020, or the XML answer number
    group_controls: str | None  # GS06 / UNG 0048, comma-separated


def _one(identities: tuple[Identity, ...], *schemes: Scheme) -> Identity | None:
    return next((i for s in schemes for i in identities if i.scheme is s), None)


def _need(identity: Identity | None, who: str, what: str, profile: Profile) -> Identity:
    if identity is None:
        raise RenderError(f"{profile.name}'s profile names no {what} identity for {who} "
                          "(identities: / us:), which the envelope needs")
    return identity


def _delimiters(agreement: Agreement, default: Delimiters) -> Delimiters:
    chosen = agreement.delimiters
    if chosen is None:
        return default
    return Delimiters(segment=chosen.segment, element=chosen.element,
                      component=chosen.component, repetition=chosen.repetition,
                      release=chosen.release, decimal=default.decimal)


def _x12(conn: Connection, target: Target, mapping: OutboundMapping, document: Model,
         now: datetime) -> Rendered:
    partner_id, profile, agreement = target.partner_id, target.profile, target.agreement
    ours = _need(_one(profile.us, Scheme.ISA), "us", "ISA", profile)
    theirs = _need(_one(profile.identities, Scheme.ISA), "the partner", "ISA", profile)
    our_gs = _one(profile.us, Scheme.GS) or ours
    their_gs = _one(profile.identities, Scheme.GS) or theirs
    isa_number = allocate(conn, partner_id, Scope.ISA)
    gs_number = allocate(conn, partner_id, Scope.GS)
    st_number = allocate(conn, partner_id, Scope.ST)
    body = mapping.render(document)
    for segment in body:
        # X12's character sets are ASCII: other letters are spelled in it.
        segment.elements = [[to_ascii(c) for c in comps] for comps in segment.elements]
    reference = f"{st_number:04d}"
    message = Message(Segment.of("ST", mapping.message, reference), body, None,
                      type=mapping.message, reference=reference)
    gs = Segment.of("GS", mapping.header.get("functional_group", ""), our_gs.id, their_gs.id,
                    now.strftime("%Y%m%d"), now.strftime("%H%M"), str(gs_number), "X",
                    agreement.version)
    # ISA12 is the version's first five digits (004010 -> 00401, 005010 -> 00501).
    isa_version = agreement.version[:5] if agreement.version[:5].isdigit() else "00401"
    delimiters = _delimiters(agreement, X12_DEFAULT)
    if isa_version >= "00402" and delimiters.repetition is None:
        delimiters = Delimiters(segment=delimiters.segment, element=delimiters.element,
                                component=delimiters.component, repetition="^")
    isa = Segment.of("ISA", "00", "", "00", "", ours.qualifier or "ZZ", ours.id,
                     theirs.qualifier or "ZZ", theirs.id, now.strftime("%y%m%d"),
                     now.strftime("%H%M"),
                     delimiters.repetition if isa_version >= "00402" and delimiters.repetition
                     else "U", isa_version, f"{isa_number:09d}", "0",
                     "T" if profile.test else "P", delimiters.component)
    ic = Interchange("x12", delimiters, isa, [Group(gs, [message])], line_ending="\n")
    data = _write(ic, (agreement.charset or "ascii").lower())
    control = f"{isa_number:09d}"
    return Rendered(data, f"{mapping.message}_{profile.name}_{control}.x12", control,
                    str(gs_number))


def _edifact(conn: Connection, target: Target, mapping: OutboundMapping, document: Model,
             now: datetime) -> Rendered:
    partner_id, profile, agreement = target.partner_id, target.profile, target.agreement
    ours = _need(_one(profile.us, Scheme.UNB), "us", "UNB", profile)
    theirs = _need(_one(profile.identities, Scheme.UNB), "the partner", "UNB", profile)
    syntax = (agreement.charset or "UNOC").upper()
    encoding = codec_for_syntax(syntax)
    if encoding is None:
        raise RenderError(f"{profile.name}: the agreement's character set {syntax!r} is no "
                          "EDIFACT syntax identifier (UNOA, UNOB, UNOC, ...)")
    unb_number = allocate(conn, partner_id, Scope.UNB)
    unh_number = allocate(conn, partner_id, Scope.UNH)
    h = mapping.header
    identifier = [h.get("type", mapping.message), h.get("version", "D"),
                  h.get("release", agreement.version[1:]), h.get("agency", "UN")]
    if h.get("association"):
        identifier.append(h["association"])
    reference = str(unh_number)
    message = Message(Segment.of("UNH", reference, identifier), mapping.render(document),
                      None, type=mapping.message, reference=reference)
    unb = Segment.of("UNB", [syntax, "3"], [ours.id, ours.qualifier or ""],
                     [theirs.id, theirs.qualifier or ""],
                     [now.strftime("%y%m%d"), now.strftime("%H%M")], str(unb_number),
                     *(["", "", "", "", "", "1"] if profile.test else []))
    delimiters = _delimiters(agreement, EDIFACT_DEFAULT)
    ic = Interchange("edifact", delimiters, unb, [Group(None, [message])], line_ending="\n",
                     service_string="UNA" if delimiters != EDIFACT_DEFAULT else None)
    data = _write(ic, encoding)
    control = str(unb_number)
    return Rendered(data, f"{mapping.message}_{profile.name}_{control}.edi", control, None)


def _write(ic: Interchange, encoding: str) -> bytes:
    try:
        data = write([ic], encoding=encoding)
    except (WriteError, LookupError) as err:
        raise RenderError(f"cannot be written: {err}") from err
    problems = written_issues(data)
    if problems:
        first = problems[0]
        raise RenderError(f"the {ic.standard.upper()} written breaks its standard: "
                          f"{first.message} ({len(problems)} problems)")
    return data


def render(conn: Connection, target: Target, document: Model, now: datetime) -> Rendered:
    """``document`` as the target partner reads it under its agreement; see the module
    docstring."""
    mapping = target.mapping
    if isinstance(mapping, OutboundMapping):
        if target.agreement.standard == "x12":
            return _x12(conn, target, mapping, document, now)
        return _edifact(conn, target, mapping, document, now)
    number = allocate(conn, target.partner_id, Scope.XML)
    try:
        data = mapping.render(document)
    except GatewayError as err:
        raise RenderError(f"cannot be written: {err}") from err
    return Rendered(data, f"{mapping.message}_{target.profile.name}_{number}.xml", str(number),
                    None)
