"""Reading EDI files: bytes in, interchanges, groups and messages out.

:func:`stream` reads a file a message at a time in bounded memory and yields
events; :func:`read` builds the whole tree for files that fit in memory. Both
decode the bytes losslessly, lex them (:mod:`gateway.edi.lexer`), assemble the
envelope structure and run the envelope checks (:mod:`gateway.edi.envelope`).
Bad data never raises: every problem is an :class:`Issue` with a location, and
a fatal one ends only the interchange it is in.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.edi import envelope
from gateway.edi.charsets import (
    CharsetWatch,
    find_escaped,
    is_single_byte,
    outside_pattern,
    repertoire_pattern,
)
from gateway.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT
from gateway.edi.detect import SAMPLE, UNKNOWN, UTF8_BOM, XML, Detection, detect
from gateway.edi.issues import Code, Issue, Level, Location, Severity
from gateway.edi.lexer import EDIFACT, X12, Batch, Lexer, Start
from gateway.edi.tree import Group, Interchange, Message, Segment

CHUNK_SIZE = 1 << 20  # 1 MiB of bytes per read: peak memory is about 20 times this

_EDIFACT_TAGS = {"UNB": "ih", "UNZ": "it", "UNG": "gh", "UNE": "gt", "UNH": "mh", "UNT": "mt"}
# TA1, ISB and ISE may stand at interchange level, outside any group.
_X12_TAGS = {"ISA": "ih", "IEA": "it", "GS": "gh", "GE": "gt", "ST": "mh", "SE": "mt",
             "TA1": "ia", "ISB": "ia", "ISE": "ia"}


class Source(Protocol):
    """Where a streaming read takes its bytes: a binary file, or anything that
    reads like one (up to ``size`` bytes a call, empty at the end)."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(slots=True)
class MessageRead:
    """A complete message, with the envelope it came in and its own issues."""

    interchange: Interchange
    group: Group
    message: Message
    issues: list[Issue]


@dataclass(slots=True)
class InterchangeRead:
    """An interchange has ended (trailer, next header, or end of file).

    ``issues`` are those not tied to one message: header, group and trailer
    problems. ``fatal`` is set when the interchange could not be read at all.
    """

    interchange: Interchange
    issues: list[Issue]
    fatal: bool = False


@dataclass(slots=True)
class FileProblem:
    """Issues about the file itself rather than an interchange in it."""

    issues: list[Issue]


Event = MessageRead | InterchangeRead | FileProblem


@dataclass(slots=True)
class ReadResult:
    """A whole file read into memory."""

    detection: Detection
    interchanges: list[Interchange] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # The same issues filed where they belong, for acknowledgements: by message
    # and by interchange (keyed by the object's id; the objects live as long).
    by_message: dict[int, list[Issue]] = field(default_factory=dict)
    by_interchange: dict[int, list[Issue]] = field(default_factory=dict)
    # Where each message's segments fell in its structure, when validated (by id).
    placed: dict[int, Any] = field(default_factory=dict)

    def message_issues(self, message: Message) -> list[Issue]:
        return self.by_message.get(id(message), [])

    def interchange_issues(self, interchange: Interchange) -> list[Issue]:
        return self.by_interchange.get(id(interchange), [])

    def add_message_issues(self, message: Message, issues: list[Issue]) -> None:
        self.by_message.setdefault(id(message), []).extend(issues)
        self.issues.extend(issues)

    @property
    def standard(self) -> str:
        return self.detection.standard

    @property
    def valid(self) -> bool:
        return not any(issue.blocking for issue in self.issues)

    def issues_at(self, level: Level) -> list[Issue]:
        return [issue for issue in self.issues if issue.code.level <= level]

    def messages(self) -> Iterator[Message]:
        for interchange in self.interchanges:
            yield from interchange.messages()


def read(data: bytes) -> ReadResult:
    """Read a whole EDI file held in memory into a tree, with every issue found.

    The whole tree is kept, so the cyclic garbage collector finds nothing to free
    in it however often it walks it; a caller reading large files may pause the
    collector around this call (:func:`gateway.runtime.collector_paused`).
    """
    detection = detect(data)
    result = ReadResult(detection)
    events = _events(io.BytesIO(data), detection, keep=True, chunk_size=max(len(data), 1))
    for event in events:
        if isinstance(event, MessageRead):
            result.add_message_issues(event.message, event.issues)
        elif isinstance(event, InterchangeRead):
            if not event.fatal:
                result.interchanges.append(event.interchange)
                result.by_interchange[id(event.interchange)] = event.issues
            result.issues.extend(event.issues)
        else:
            result.issues.extend(event.issues)
    result.issues.sort(key=issue_order)
    return result


def stream(source: Source, *, chunk_size: int = CHUNK_SIZE,
           head: bytes | None = None) -> Iterator[Event]:
    """Read an EDI file a message at a time; memory stays bounded by the largest
    message, not the file. Messages are not kept in their groups. ``head`` is the
    file's beginning when a caller has already read it from ``source`` (to detect
    the format first); it must hold at least the detection sample, or the whole
    file when that is shorter."""
    # Detection needs its full sample, however small the chunks.
    if head is None:
        head = source.read(max(chunk_size, SAMPLE))
    detection = detect(head)
    joined = _Rewound(head, source)
    yield from _events(joined, detection, keep=False, chunk_size=chunk_size)


class _Rewound:
    """A binary source whose first block was already read for detection."""

    def __init__(self, head: bytes, rest: Source) -> None:
        self._head: bytes | None = head
        self._rest = rest

    def read(self, size: int) -> bytes:
        if self._head is not None:
            head, self._head = self._head, None
            return head
        return self._rest.read(size)


def issue_order(issue: Issue) -> tuple[int, int]:
    return (issue.location.line or 0, issue.location.column or 0)


def _events(
    source: Source, detection: Detection, *, keep: bool, chunk_size: int
) -> Iterator[Event]:
    if detection.issues:
        yield FileProblem(list(detection.issues))
    if detection.standard in (UNKNOWN, XML):
        if detection.standard == XML:
            yield FileProblem([Issue.of(
                Code.UNKNOWN_FORMAT, "The file is XML; read it with the XML reader.",
                severity=Severity.FATAL)])
        return
    decoding: list[Issue] = []
    watch = charset_watch(detection)
    chunks = _decoded_chunks(source, detection, chunk_size, decoding, watch)
    lexer = Lexer(chunks, detection.standard, detection.encoding)
    assembler = _Assembler(detection.standard, keep=keep, watch=watch)
    for batch in lexer.batches():
        assembler.end_break = lexer.end_break
        assembler.lead = lexer.lead
        yield from assembler.feed(batch, lexer.line_ending or "")
        if decoding:
            yield FileProblem(decoding[:])
            decoding.clear()
    yield from assembler.finish(lexer.trailing)
    if decoding:
        yield FileProblem(decoding[:])
    if not assembler.read_anything:
        # Only a UNA, or nothing a segment could be read from: there is nothing to
        # validate, store or acknowledge, and that is not a valid interchange.
        envelope_tag = "UNB" if detection.standard == EDIFACT else "ISA"
        yield FileProblem([Issue.of(
            Code.EMPTY_INPUT,
            f"The file holds no interchange and no message: no {envelope_tag}, nothing "
            "to read.", Location(line=1, column=1), Severity.FATAL)])


def _decoded_chunks(
    source: Source, detection: Detection, chunk_size: int, problems: list[Issue],
    watch: CharsetWatch,
) -> Iterator[str]:
    """Decode ``source`` chunk by chunk, keeping undecodable bytes (surrogateescape)
    and reporting the first of them, and the first character outside the declared
    character set, with its line; ``watch`` is told of both, so that the messages
    holding them are checked value by value as they close."""
    decoder = codecs.getincrementaldecoder(detection.encoding)(errors="surrogateescape")
    first = True
    lines_before = 0
    reported = False
    outside_reported = repertoire_reported = False
    while True:
        raw = source.read(chunk_size)
        final = not raw
        if first and raw.startswith(UTF8_BOM) and detection.bom:
            raw = raw[len(UTF8_BOM):]
        first = False
        text = decoder.decode(raw, final=final)
        if text:
            if not reported and not is_single_byte_clean(detection.encoding):
                bad = find_escaped(text)
                if bad is not None:
                    reported = True
                    line = lines_before + text.count("\n", 0, bad.offset) + 1
                    column = bad.offset - (text.rfind("\n", 0, bad.offset) + 1) + 1
                    problems.append(Issue.of(
                        Code.INVALID_BYTES,
                        f"Byte 0x{bad.byte:02X} is not valid in {_charset_name(detection)}"
                        + (f" ({bad.count} such bytes in this part of the file)"
                           if bad.count > 1 else "")
                        + "; it is kept unchanged but the data is not in the declared "
                        "character set.",
                        Location(line=line, column=column, value=f"0x{bad.byte:02X}"),
                    ))
            outside = watch.search(text)
            if outside is not None and not outside_reported and \
                    not "\udc80" <= outside.group() <= "\udcff":  # a byte: said above
                outside_reported = True
                problems.append(_outside_issue(outside, text, lines_before, detection,
                                               Severity.ERROR))
            if watch.repertoire is not None and not repertoire_reported:
                outside = watch.repertoire.search(text)
                if outside is not None:
                    repertoire_reported = True
                    problems.append(_outside_issue(outside, text, lines_before, detection,
                                                   Severity.WARNING))
            lines_before += text.count("\n")
            yield text
        if final:
            return


def _outside_issue(found: re.Match[str], text: str, lines_before: int, detection: Detection,
                   severity: Severity) -> Issue:
    at = found.start()
    line = lines_before + text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    what = "character repertoire" if severity is Severity.WARNING else "character set"
    return Issue.of(Code.OUTSIDE_REPERTOIRE,
                    f"{found.group()!r} is not in the {detection.declared} {what} the "
                    f"interchange declares.",
                    Location(line=line, column=column, value=found.group()), severity)


def _positioned(msg: Message) -> Iterator[tuple[int | None, Segment]]:
    """A message's segments with their position in it, the header counting 1."""
    if msg.header is not None:
        yield 1, msg.header
    for index, seg in enumerate(msg.segments):
        yield index + 2, seg
    if msg.trailer is not None:
        yield len(msg.segments) + 2, msg.trailer


def charset_watch(detection: Detection) -> CharsetWatch:
    """What looks for characters outside the file's declared character set."""
    service = "".join(detection.delimiters.service_characters()) \
        if detection.delimiters is not None else ""
    return CharsetWatch(outside_pattern(detection.declared, detection.encoding, service),
                        detection.declared or detection.encoding,
                        repertoire_pattern(detection.declared, service))


def is_single_byte_clean(encoding: str) -> bool:
    """Codecs that decode every byte (so nothing can be invalid)."""
    return encoding in ("iso8859-1", "latin-1", "cp037") or (
        is_single_byte(encoding) and encoding == "iso8859-1")


def _charset_name(detection: Detection) -> str:
    if detection.declared:
        return f"{detection.declared} ({detection.encoding})"
    return detection.encoding


class _Assembler:
    """Builds interchanges, groups and messages from lexed segments and runs the
    envelope checks as each envelope closes."""

    def __init__(self, standard: str, *, keep: bool, watch: CharsetWatch | None = None) -> None:
        self.standard = standard
        self.keep = keep
        self.watch = watch or CharsetWatch(None, "")
        self.enveloped: str | None = None  # the reference of the last interchange closed
        self.read_anything = False  # an interchange or a message was read, or tried
        self.tags = _EDIFACT_TAGS if standard == EDIFACT else _X12_TAGS
        self.ic: Interchange | None = None
        self.group: Group | None = None
        self.msg: Message | None = None
        self.ic_issues: list[Issue] = []
        self.msg_issues: list[Issue] = []
        self.explicit_groups = 0
        self.group_refs: set[str] = set()
        self.message_refs: set[str] = set()
        self.interchange_refs: set[str] = set()
        self.last_seg: Segment | None = None
        self.ungrouped_seen = False
        self.mixed_reported = False  # said once per interchange
        self._new_bare_record()
        self.last_delimiters = EDIFACT_DEFAULT if standard == EDIFACT else X12_DEFAULT
        self.last_line_ending = ""
        self.closing: Segment | None = None  # the service segment being handled
        self.next_start: Start | None = None
        self.bare_guessed = False
        self.end_break: str | None = None  # after the trailer ending the batch fed
        self.lead = ""  # before the first interchange, given to it
        self.opened = False  # an interchange was opened already

    def _new_bare_record(self) -> None:
        self.messages_closed = 0
        self.first_seg: Segment | None = None
        self.headerless = False

    # -- events in ------------------------------------------------------------

    def feed(self, batch: Batch, line_ending: str) -> Iterator[Event]:
        if batch.start is not None:
            self.next_start = batch.start
            yield from self._close_interchange(end_of_input=False)
            self.next_start = None
            if batch.start.fatal:
                self.read_anything = True
                yield InterchangeRead(
                    Interchange(batch.start.standard, batch.start.delimiters, None),
                    list(batch.start.issues), fatal=True)
                return
            self._open_interchange(batch.start, line_ending)
        pending = sorted(batch.issues, key=issue_order, reverse=True)
        if pending and not batch.segments and self.ic is None:
            yield FileProblem(pending[::-1])
            return
        tags = self.tags
        segments = batch.segments
        if pending:
            for seg in segments:
                # Lexer issues join the scope of the segment they are about.
                here = (seg.line, seg.column)
                while pending and issue_order(pending[-1]) <= here:
                    self._route(pending.pop(), seg)
                yield from self._one(seg, tags.get(seg.tag))
            while pending:
                self._route(pending.pop(), self.last_seg)
            return
        # The common case, kept tight: body segments go straight to their message.
        body = self.msg.segments.append if self.msg is not None else None
        for index, seg in enumerate(segments):
            role = tags.get(seg.tag)
            if role is None and body is not None:
                body(seg)
                continue
            if index:
                self.last_seg = segments[index - 1]
            yield from self._one(seg, role)
            body = self.msg.segments.append if self.msg is not None else None
        if segments:
            self.last_seg = segments[-1]

    def _one(self, seg: Segment, role: str | None) -> Iterator[Event]:
        if role is None:
            msg = self.msg
            if msg is None:
                msg = self._stray_message(seg)
            msg.segments.append(seg)
        else:
            yield from self._service(role, seg)
        self.last_seg = seg

    def _route(self, issue: Issue, seg: Segment | None) -> None:
        """File an issue with the open message, or else the open interchange."""
        if self.msg is not None and seg is not None and seg.tag not in self.tags:
            self.msg_issues.append(self._locate(issue))
        elif self.ic is not None:
            self.ic_issues.append(self._locate(issue))
        else:
            if seg is not None:
                self._ensure_interchange(seg)
            self.ic_issues.append(issue)

    def finish(self, trailing: str | None = None) -> Iterator[Event]:
        """Close what is open at the end of the input; ``trailing`` is the layout
        after the last segment, the end of an interchange no trailer closed."""
        ic = self.ic
        if ic is not None and ic.trailer is None and trailing is not None \
                and trailing != ic.line_ending:
            ic.final_line_ending = trailing
        yield from self._close_interchange(end_of_input=True)

    # -- structure ----------------------------------------------------------------

    def _where(self) -> envelope.Scope:
        return envelope.Scope(
            (self.ic.reference or None) if self.ic else None,
            (self.group.reference or None) if self.group else None,
            (self.msg.reference or None) if self.msg else None,
        )

    def _locate(self, issue: Issue) -> Issue:
        scope = self._where()
        return issue.within(interchange=scope.interchange, group=scope.group,
                            message=scope.message)

    def _open_interchange(self, start: Start, line_ending: str) -> None:
        self.ic = Interchange(start.standard, start.delimiters, None,
                              service_string=start.service_string, line_ending=line_ending,
                              lead="" if self.opened else self.lead)
        self.opened = True
        self.ic_issues = list(start.issues)
        self.explicit_groups = 0
        self.group_refs = set()
        self.message_refs = set()
        self.ungrouped_seen = False
        self.mixed_reported = False  # said once per interchange
        self._new_bare_record()

    def _ensure_interchange(self, seg: Segment) -> Interchange:
        """The open interchange; segments after a trailer open a headerless one
        with the same delimiters."""
        if self.ic is None:
            self.ic = Interchange(self.standard, self.last_delimiters, None,
                                  line_ending=self.last_line_ending,
                                  lead="" if self.opened else self.lead)
            self.opened = True
            self.ic_issues = []
            self.explicit_groups = 0
            self.group_refs = set()
            self.message_refs = set()
            self.ungrouped_seen = False
            self.mixed_reported = False  # said once per interchange
            self._new_bare_record()
        return self.ic

    def _implicit_group(self) -> Group:
        ic = self.ic
        assert ic is not None
        if self.group is None:
            if ic.groups and ic.groups[-1].header is None and ic.groups[-1].trailer is None:
                self.group = ic.groups[-1]
            else:
                self.group = Group(None)
                ic.groups.append(self.group)
            if self.explicit_groups and self.standard == EDIFACT and not self.mixed_reported:
                self.mixed_reported = True
                self.ic_issues.append(Issue.of(
                    Code.MIXED_GROUPS,
                    "The interchange mixes UNG groups with messages outside any group.",
                    Location(segment="UNH", interchange=ic.reference or None,
                             line=self.last_seg.line if self.last_seg else None),
                ))
            self.ungrouped_seen = True
        return self.group

    def _stray_message(self, seg: Segment) -> Message:
        """A segment outside any message: keep it in a message without header,
        so nothing read is lost, and say why."""
        ic = self._ensure_interchange(seg)
        if ic.header is None and not ic.groups:
            pass  # a bare message body: reported once, when the interchange closes
        else:
            self.ic_issues.append(Issue.of(
                Code.UNEXPECTED_SEGMENT,
                f"{seg.tag} is outside any message; a message starts with "
                f"{'UNH' if self.standard == EDIFACT else 'ST'}.",
                Location(segment=seg.tag, interchange=ic.reference or None,
                         line=seg.line, column=seg.column),
            ))
        group = self.group or self._implicit_group()
        self.msg = Message(None)
        self.msg_issues = []
        if self.keep:
            group.messages.append(self.msg)
        return self.msg

    def _end(self) -> tuple[tuple[int, int] | None, str]:
        """Where an unclosed envelope ends, and what came instead of its trailer."""
        closing = self.closing
        if closing is not None:
            return (closing.line, closing.column), closing.tag
        if self.last_seg is not None:
            return (self.last_seg.line, self.last_seg.column), "the end of the file"
        return None, "the end of the file"

    def _service(self, role: str, seg: Segment) -> Iterator[Event]:
        self.closing = seg
        try:
            yield from self._service_segment(role, seg)
        finally:
            self.closing = None

    def _service_segment(self, role: str, seg: Segment) -> Iterator[Event]:
        if role == "mh":
            yield from self._close_message(None)
            ic = self._ensure_interchange(seg)
            group = self.group or self._implicit_group()
            msg = Message(seg)
            if self.standard == EDIFACT:
                msg.reference = seg.get(1)
                msg.type = seg.get(2, 1)
                msg.version = seg.get(2, 2) + seg.get(2, 3)
                msg.subset = seg.get(2, 5)
            else:
                msg.type = seg.get(1)
                msg.reference = seg.get(2)
                raw = seg.get(3) or (group.header.get(8) if group.header else "")
                msg.version, msg.subset = raw[:6], raw[6:]
            self.msg = msg
            self.msg_issues = []
            if msg.reference in self.message_refs:
                self.ic_issues.append(envelope.duplicate("Message", msg.reference, seg,
                                                         self._where()))
            self.message_refs.add(msg.reference)
            if self.keep:
                group.messages.append(msg)
            del ic
        elif role == "mt":
            if self.msg is None:
                self._stray_message(seg)
                assert self.msg is not None
            yield from self._close_message(seg)
        elif role == "gh":
            yield from self._close_message(None)
            self._close_group(None, end_of_input=False)
            ic = self._ensure_interchange(seg)
            self.group = Group(seg)
            ic.groups.append(self.group)
            self.explicit_groups += 1
            ref = self.group.reference
            if ref in self.group_refs:
                self.ic_issues.append(envelope.duplicate("Group", ref, seg, self._where()))
            self.group_refs.add(ref)
            if self.standard == X12:
                self.message_refs = set()  # ST02 is unique within its group
            if self.ungrouped_seen and self.standard == EDIFACT and not self.mixed_reported:
                self.mixed_reported = True
                self.ic_issues.append(Issue.of(
                    Code.MIXED_GROUPS,
                    "The interchange mixes UNG groups with messages outside any group.",
                    Location(segment=seg.tag, line=seg.line, column=seg.column,
                             interchange=ic.reference or None),
                ))
        elif role == "gt":
            yield from self._close_message(None)
            if self.group is None or self.group.header is None:
                self.ic_issues.append(Issue.of(
                    Code.MISSING_HEADER,
                    f"{seg.tag} closes a group that was never opened.",
                    Location(segment=seg.tag, line=seg.line, column=seg.column,
                             interchange=self.ic.reference or None if self.ic else None),
                ))
            else:
                self._close_group(seg, end_of_input=False)
        elif role == "ih":
            ic = self._ensure_interchange(seg)
            if ic.header is not None or ic.groups:
                self.ic_issues.append(Issue.of(
                    Code.UNEXPECTED_SEGMENT,
                    f"A second {seg.tag} inside interchange {ic.reference!r}.",
                    Location(segment=seg.tag, line=seg.line, column=seg.column,
                             interchange=ic.reference or None),
                ))
                return
            ic.header = seg
            ref = ic.reference
            if ref in self.interchange_refs:
                self.ic_issues.append(envelope.duplicate("Interchange", ref, seg,
                                                         self._where()))
            self.interchange_refs.add(ref)
        elif role == "it":
            yield from self._close_message(None)
            self._close_group(None, end_of_input=False)
            if self.ic is None or self.ic.header is None:
                self._ensure_interchange(seg)
                self.ic_issues.append(Issue.of(
                    Code.MISSING_HEADER,
                    f"{seg.tag} closes an interchange that was never opened.",
                    Location(segment=seg.tag, line=seg.line, column=seg.column),
                ))
            assert self.ic is not None
            self.ic.trailer = seg
            if self.end_break is not None and self.end_break != self.ic.line_ending:
                self.ic.final_line_ending = self.end_break
            yield from self._close_interchange(end_of_input=False)
        elif role == "ia":
            ic = self._ensure_interchange(seg)
            if self.msg is not None:
                self.msg.segments.append(seg)
            else:
                ic.interchange_segments.append(seg)

    def _close_message(self, trailer: Segment | None) -> Iterator[Event]:
        msg = self.msg
        if msg is None:
            return
        msg.trailer = trailer
        self.msg = None
        group = self.group or self._implicit_group()
        assert self.ic is not None
        # Stray segments inside an interchange are reported where they are; they
        # are not a message the partner counted in UNZ/GE.
        if msg.header is not None or self.ic.header is None:
            group.message_count += 1
            self.ic.message_count += 1
        # What the bare-message issue says and points at, kept as the messages pass
        # (a stream keeps none of them in their groups).
        if not self.messages_closed:
            self.first_seg = msg.header or (msg.segments[0] if msg.segments else None)
        self.messages_closed += 1
        self.headerless = self.headerless or msg.header is None
        where = envelope.Scope(self.ic.reference or None, group.reference or None,
                               msg.reference or None)
        issues = self.msg_issues
        self.msg_issues = []
        end, before = self._end()
        if msg.header is not None or trailer is not None:
            issues.extend(envelope.check_message(msg, where, end_line=end, before=before))
        if self.watch.suspect:
            issues.extend(self.watch.segment_issues(_positioned(msg), where))
        if self.ic.header is None and self.enveloped is not None:
            issues.append(self._after_trailer(msg, where))
        self.read_anything = True
        yield MessageRead(self.ic, group, msg, issues)

    def _after_trailer(self, msg: Message, where: envelope.Scope) -> Issue:
        """A message after an interchange's trailer belongs to no interchange: the
        partner's envelope did not count it and no acknowledgement can answer it."""
        seg = msg.header or (msg.segments[0] if msg.segments else msg.trailer)
        trailer = "UNZ" if self.standard == EDIFACT else "IEA"
        return Issue.of(
            Code.OUTSIDE_INTERCHANGE,
            f"This message follows the end ({trailer}) of interchange {self.enveloped!r} "
            "and belongs to no interchange; it is not read as part of one.",
            where.at(seg, position=1 if seg is msg.header else None))

    def _bare(self, ic: Interchange) -> Issue:
        """Messages sent without UNB/ISA: readable, but not a proper interchange."""
        headerless = self.headerless
        envelope_tag = "UNB" if self.standard == EDIFACT else "ISA"
        text = (f"The file holds {ic.message_count} message(s) without an interchange "
                f"envelope (no {envelope_tag})")
        if headerless:
            text += f", and segments without a message header " \
                    f"({'UNH' if self.standard == EDIFACT else 'ST'})"
        if self.standard == X12:
            text += (f"; delimiters were taken from the first segment, the component "
                     f"separator assumed {ic.delimiters.component!r}")
        seg = self.first_seg
        # EDIFACT exchanges bare messages between applications; X12 requires ISA, and
        # without it no TA1 or 997 can even be addressed.
        severity = Severity.ERROR if self.standard == X12 else Severity.WARNING
        return Issue.of(Code.BARE_MESSAGE, text + ".",
                        Location(segment=seg.tag if seg else None,
                                 line=seg.line if seg else None,
                                 column=seg.column if seg else None), severity)

    def _close_group(self, trailer: Segment | None, *, end_of_input: bool) -> None:
        group = self.group
        if group is None:
            return
        self.group = None
        if group.header is None:
            return
        group.trailer = trailer
        where = envelope.Scope(self.ic.reference or None if self.ic else None,
                               group.reference or None)
        end, before = self._end()
        self.ic_issues.extend(envelope.check_group(group, where, end_line=end, before=before))
        if self.ic is not None and self.ic.header is None and self.enveloped is not None:
            trailer_tag = "UNZ" if self.standard == EDIFACT else "IEA"
            self.ic_issues.append(Issue.of(
                Code.OUTSIDE_INTERCHANGE,
                f"This group follows the end ({trailer_tag}) of interchange "
                f"{self.enveloped!r} and belongs to no interchange.", where.at(group.header)))
        if self.watch.suspect:
            self.ic_issues.extend(self.watch.segment_issues(
                ((None, seg) for seg in (group.header, trailer) if seg is not None), where))

    def _close_interchange(self, *, end_of_input: bool) -> Iterator[Event]:
        yield from self._close_message(None)
        self._close_group(None, end_of_input=end_of_input)
        ic = self.ic
        if ic is None:
            return
        self.ic = None
        self.last_delimiters = ic.delimiters
        self.last_line_ending = ic.line_ending
        ic.group_count = self.explicit_groups
        end, before = self._end()
        if self.closing is None and not end_of_input and self.next_start is not None:
            before = "the next interchange"
        issues = self.ic_issues
        self.ic_issues = []
        issues.extend(envelope.check_interchange(ic, self.explicit_groups, end_line=end,
                                                 before=before))
        if self.watch.suspect:
            issues.extend(self.watch.segment_issues(
                ((None, seg) for seg in (ic.header, *ic.interchange_segments, ic.trailer)
                 if seg is not None), envelope.Scope(ic.reference or None)))
        if ic.header is None and ic.message_count:
            issues.append(self._bare(ic))
        if ic.header is not None:
            self.enveloped = ic.reference
        if ic.header is None and ic.trailer is None and not ic.groups and not issues:
            return
        self.read_anything = True
        yield InterchangeRead(ic, issues)
