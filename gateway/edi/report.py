"""What a received file is and what is wrong with it, whatever its format.

:func:`inspect` detects the format of a file held in memory and reads it with
the EDI or the XML reader, so callers have one entry point and one report
shape. :class:`Inspection` does the same for a file read from a stream: EDI a
message at a time, in memory bounded by the largest message, with the same
issues in the same order. :class:`Listing` puts a file's issues in the order a
report lists them and summarises a flood of one code after a cap. Pure: bytes
in, values out.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway.edi.detect import SAMPLE, UNKNOWN, XML, Detection, detect
from gateway.edi.envelope import Scope
from gateway.edi.issues import Code, Issue, Level, Severity
from gateway.edi.reader import (
    CHUNK_SIZE,
    FileProblem,
    InterchangeRead,
    MessageRead,
    ReadResult,
    Source,
    read,
    stream,
)
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Context, Placed, Schemas, check_message
from gateway.edi.tree import Group, Interchange, Message

if TYPE_CHECKING:  # the XML reader (and lxml) loads only for an XML file
    from gateway.edi.xml.reader import XmlRead

# A report lists at most this many issues of one code; the others are counted.
ISSUES_PER_CODE = 100


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """One message of a file, as validate reports it."""

    type: str
    version: str
    reference: str

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "version": self.version, "reference": self.reference}


@dataclass(slots=True)
class FileReport:
    """A file read by the reader its format needs."""

    detection: Detection
    edi: ReadResult | None = None
    xml: XmlRead | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def standard(self) -> str:
        if self.xml is not None and self.xml.document is not None:
            return str(self.xml.document.family)
        return self.detection.standard

    @property
    def valid(self) -> bool:
        return not any(issue.blocking for issue in self.issues)

    def messages(self) -> list[MessageInfo]:
        if self.edi is not None:
            return [MessageInfo(m.type, m.version, m.reference) for m in self.edi.messages()]
        if self.xml is not None and self.xml.document is not None:
            doc = self.xml.document
            return [MessageInfo(doc.type, doc.version, doc.reference)]
        return []

    def validation_json(self, path: str, level: Level,
                        per_code: int = ISSUES_PER_CODE) -> dict[str, Any]:
        """The ``validate`` line: issues up to ``level`` (at most ``per_code`` of
        each code, the rest summarised); valid when none of them blocks."""
        listing = Listing(per_code, level)
        listing.extend(self.issues, in_place=False)  # already in the order listed
        return {
            "path": path,
            "standard": self.standard,
            "messages": [m.to_json() for m in self.messages()],
            "valid": listing.valid,
            "issues": [i.to_json() for i in listing.issues()],
        }

    def to_json(self, path: str) -> dict[str, Any]:
        """``parse --json`` for a file that is not EDI: what it is and its issues."""
        doc = self.xml.document if self.xml is not None else None
        return {
            "path": path,
            "standard": self.standard,
            "encoding": self.detection.encoding,
            "document": None if doc is None else {
                "family": doc.family, "type": doc.type, "version": doc.version,
                "reference": doc.reference, "namespace": doc.namespace,
            },
            "issues": [i.to_json() for i in self.issues],
        }

    def describe(self, path: str) -> str:
        """A short human-readable outline of the file."""
        lines = [f"{path}: {self.standard} ({self.detection.encoding})"]
        if self.edi is not None:
            for n, ic in enumerate(self.edi.interchanges, 1):
                sender, receiver = ic.sender, ic.receiver
                lines.append(
                    f"  interchange {n} {ic.reference or '(no envelope)'}: "
                    f"{sender[0] or '?'} -> {receiver[0] or '?'}, delimiters "
                    f"{ic.delimiters.segment!r} {ic.delimiters.element!r} "
                    f"{ic.delimiters.component!r}"
                )
                for group in ic.groups:
                    if group.header is not None:
                        lines.append(f"    group {group.reference}")
                    for msg in group.messages:
                        lines.append(
                            f"      message {msg.type or '?'} {msg.version} "
                            f"{msg.reference}: {msg.segment_count()} segments")
        else:
            for m in self.messages():
                lines.append(f"  document {m.type} {m.version} {m.reference}")
        for issue in self.issues:
            lines.append(f"  {issue}")
        lines.append("  valid" if self.valid else "  not valid")
        return "\n".join(lines) + "\n"


def schema_issues(result: ReadResult, schemas: Schemas) -> list[Issue]:
    """Schema-level issues of every message read, also filed with their message."""
    found: list[Issue] = []
    for ic in result.interchanges:
        for group in ic.groups:
            for message in group.messages:
                scope = Scope(ic.reference or None, group.reference or None,
                              message.reference or None)
                context = Context(scope, ic.delimiters.decimal, ic.standard)
                issues, placed = check_message(message, context, schemas)
                if placed is not None:
                    result.placed[id(message)] = placed
                result.by_message.setdefault(id(message), []).extend(issues)
                found.extend(issues)
    return found


def default_level(data: bytes) -> Level:
    """The level a file is checked to when none is asked: rules for XML, schema for EDI."""
    return Level.RULES if detect(data).standard == XML else Level.SCHEMA


def inspect(data: bytes, *, level: Level = Level.SCHEMA,
            schemas: Schemas | None = None) -> FileReport:
    """Detect and read ``data``, and validate it up to ``level``; never raises on
    bad data. ``schemas`` carries partner guides; by default the shipped standards."""
    detection = detect(data)
    if detection.standard == XML:
        from gateway.edi.xml.reader import read_xml  # noqa: PLC0415  (only XML needs lxml)

        xml = read_xml(data)
        issues = [*detection.issues, *xml.issues]
        if level >= Level.SCHEMA and xml.document is not None:
            # Deferred: schemas, rules and the XSLT processor load only for XML.
            from gateway.edi.xml.validation import validate_xml  # noqa: PLC0415

            issues.extend(validate_xml(xml, data, level,
                                       schemas.xml_guides if schemas is not None else ()))
        return FileReport(detection, xml=xml, issues=issues)
    if detection.standard == UNKNOWN:
        return FileReport(detection, issues=list(detection.issues))
    result = read(data)
    issues = list(result.issues)
    if level >= Level.SCHEMA:
        issues.extend(schema_issues(result, schemas or Schemas(load_directory)))
        issues.sort(key=lambda i: (i.location.line or 0, i.location.column or 0))
    return FileReport(detection, edi=result, issues=issues)


# -- a report's list of issues ---------------------------------------------------------

_Key = tuple[int, int, int, int]
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.FATAL: 3}


@dataclass(slots=True)
class _Omitted:
    """What a listing counted of one code without listing it."""

    count: int
    first: tuple[_Key, Issue]
    worst: Severity


class Listing:
    """The issues of one file in the order a report lists them: by line and
    column, and where those are equal, as they were found (``phase`` 0 before
    phase 1: the reader's issues before the schema's).

    At most ``per_code`` issues of one code are listed (0: no limit); the others
    are summarised by one issue of that code, placed where the first of them is,
    whose ``omitted`` says how many it stands for. The issues kept are those a
    whole list sorted and then cut would keep, whatever order they come in, and
    memory holds at most ``per_code`` of each code. ``valid`` is false once any
    issue up to ``level`` blocks, listed or not; issues above ``level`` are left
    out.
    """

    def __init__(self, per_code: int = ISSUES_PER_CODE, level: Level = Level.MAPPING) -> None:
        self.per_code = per_code
        self.level = level
        self.valid = True
        self._seq = 0
        # Per code, a heap of the smallest keys seen, negated so the largest is first.
        self._kept: dict[Code, list[tuple[_Key, Issue]]] = {}
        self._omitted: dict[Code, _Omitted] = {}

    def add(self, issue: Issue, phase: int = 0, *, in_place: bool = True) -> None:
        """Take one issue. ``in_place=False`` lists it by arrival only, for issues
        that come in an order of their own rather than sorted by place."""
        if issue.code.level > self.level:
            return
        if issue.blocking:
            self.valid = False
        self._seq += 1
        loc = issue.location
        key: _Key = ((loc.line or 0, loc.column or 0, phase, self._seq) if in_place
                     else (0, 0, phase, self._seq))
        heap = self._kept.setdefault(issue.code, [])
        negated = (-key[0], -key[1], -key[2], -key[3])
        if not self.per_code or len(heap) < self.per_code:
            heapq.heappush(heap, (negated, issue))
            return
        if negated > heap[0][0]:  # smaller than the largest kept: it takes its place
            largest, dropped = heapq.heapreplace(heap, (negated, issue))
            self._omit((-largest[0], -largest[1], -largest[2], -largest[3]), dropped)
        else:
            self._omit(key, issue)

    def extend(self, issues: Iterable[Issue], phase: int = 0, *, in_place: bool = True
               ) -> None:
        for issue in issues:
            self.add(issue, phase, in_place=in_place)

    def _omit(self, key: _Key, issue: Issue) -> None:
        known = self._omitted.get(issue.code)
        if known is None:
            self._omitted[issue.code] = _Omitted(1, (key, issue), issue.severity)
            return
        known.count += 1
        if key < known.first[0]:
            known.first = (key, issue)
        if _RANK[issue.severity] > _RANK[known.worst]:
            known.worst = issue.severity

    @property
    def omitted(self) -> int:
        """How many issues the summaries stand for."""
        return sum(o.count for o in self._omitted.values())

    def issues(self) -> list[Issue]:
        """The issues to list, in order, with a summary for each code cut short."""
        entries: list[tuple[_Key, Issue]] = [
            ((-n[0], -n[1], -n[2], -n[3]), issue)
            for heap in self._kept.values() for n, issue in heap]
        for code, omitted in self._omitted.items():
            key, first = omitted.first
            many = omitted.count != 1
            entries.append((key, Issue(
                code, omitted.worst, first.location,
                f"{omitted.count} more issue{'s' if many else ''} of this code, the "
                f"first of {'them' if many else 'it'} here, {'are' if many else 'is'} "
                f"not listed: a report lists the first {self.per_code} of each code.",
                omitted=omitted.count)))
        entries.sort(key=lambda entry: entry[0])
        return [issue for _, issue in entries]


# -- a file read as a stream ----------------------------------------------------------


@dataclass(slots=True)
class MessageChecked:
    """A message read and checked: the reader's issues, then the schema's (the
    order :func:`inspect` files them in), and where its segments fell."""

    interchange: Interchange
    group: Group
    message: Message
    issues: list[Issue]
    placed: Placed | None = None


Checked = MessageChecked | InterchangeRead | FileProblem


class Inspection:
    """A file inspected as it is read from ``source``: what :func:`inspect` finds,
    without holding the file. ``level`` None is the file's default level.

    The format is detected from the first bytes when the inspection is made.
    :meth:`events` then reads an EDI file a message at a time and yields each
    message checked up to ``level``, and the ends of interchanges, as the reader
    delivers them; memory is bounded by the largest message. An XML file is
    read whole (the XML reader refuses one over ``xml_limit`` bytes) and yields
    no events. Meanwhile :attr:`listing` gathers the issues up to ``level`` a
    report lists; :attr:`valid` is known once the events are consumed.
    """

    def __init__(self, source: Source, *, level: Level | None = None,
                 schemas: Schemas | None = None, per_code: int = ISSUES_PER_CODE,
                 chunk_size: int = CHUNK_SIZE, xml_limit: int | None = None) -> None:
        self._source = source
        self._head = source.read(max(chunk_size, SAMPLE))
        self._chunk_size = chunk_size
        self._xml_limit = xml_limit
        self.detection = detect(self._head)
        if level is None:  # the file's default: rules for XML, schema for EDI
            level = Level.RULES if self.detection.standard == XML else Level.SCHEMA
        self.level = level
        self.schemas = schemas
        self.listing = Listing(per_code, level)
        self.xml: XmlRead | None = None
        self._xml_report: FileReport | None = None
        self._started = False

    @property
    def standard(self) -> str:
        """What the file is; for XML, the document family (the file is read for it)."""
        if self.detection.standard == XML:
            xml = self._read_xml()
            if xml.document is not None:
                return str(xml.document.family)
        return self.detection.standard

    @property
    def valid(self) -> bool:
        return self.listing.valid

    def issues(self) -> list[Issue]:
        """The issues a report lists, once :meth:`events` has been consumed."""
        return self.listing.issues()

    def events(self) -> Iterator[Checked]:
        if self._started:
            raise RuntimeError("an inspection reads its source once")
        self._started = True
        detection = self.detection
        if detection.standard == XML:
            self._read_xml()
            return
        if detection.standard == UNKNOWN:
            self.listing.extend(detection.issues, in_place=False)
            return
        schemas = None
        if self.level >= Level.SCHEMA:
            schemas = self.schemas or Schemas(load_directory)
        listing = self.listing
        for event in stream(self._source, chunk_size=self._chunk_size, head=self._head):
            if isinstance(event, MessageRead):
                listing.extend(event.issues)
                checked = MessageChecked(event.interchange, event.group, event.message,
                                         event.issues)
                if schemas is not None:
                    found = _check(event, schemas, checked)
                    listing.extend(found, 1)
                yield checked
            else:
                listing.extend(event.issues)
                yield event

    def messages(self) -> Iterator[MessageInfo]:
        """Each message's identity as it is read (consumes :meth:`events`)."""
        for event in self.events():
            if isinstance(event, MessageChecked):
                m = event.message
                yield MessageInfo(m.type, m.version, m.reference)
        if self.xml is not None and self.xml.document is not None:
            doc = self.xml.document
            yield MessageInfo(doc.type, doc.version, doc.reference)

    def _read_xml(self) -> XmlRead:
        if self.xml is None:
            from gateway.edi.xml.secure import DEFAULT_MAX_BYTES  # noqa: PLC0415

            # One byte over the limit is enough for the XML reader to refuse the file.
            limit = DEFAULT_MAX_BYTES if self._xml_limit is None else self._xml_limit
            data = self._head + self._source.read(max(limit + 1 - len(self._head), 0))
            self._xml_report = inspect(data, level=self.level, schemas=self.schemas)
            assert self._xml_report.xml is not None
            self.xml = self._xml_report.xml
            self.listing.extend(self._xml_report.issues, in_place=False)
        return self.xml

    def xml_report(self) -> FileReport | None:
        """An XML file's report, read whole (None for any other file)."""
        if self.detection.standard != XML:
            return None
        self._read_xml()
        return self._xml_report


def _check(event: MessageRead, schemas: Schemas, checked: MessageChecked) -> list[Issue]:
    """Schema issues of one message read, added to ``checked`` (as :func:`schema_issues`
    files them)."""
    ic, group, message = event.interchange, event.group, event.message
    scope = Scope(ic.reference or None, group.reference or None, message.reference or None)
    found, checked.placed = check_message(message, Context(scope, ic.delimiters.decimal,
                                                           ic.standard), schemas)
    checked.issues = [*checked.issues, *found]
    return found
