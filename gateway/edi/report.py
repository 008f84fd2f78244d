"""What a received file is and what is wrong with it, whatever its format.

:func:`inspect` detects the format and reads the file with the EDI or the XML
reader, so callers (the command line, later the pipeline) have one entry
point and one report shape. Pure: bytes in, values out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.edi.detect import UNKNOWN, XML, Detection, detect
from gateway.edi.envelope import Scope
from gateway.edi.issues import Issue, Level
from gateway.edi.reader import ReadResult, read
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Context, Schemas, check_message
from gateway.edi.xml.reader import XmlRead, read_xml


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

    def validation_json(self, path: str, level: Level) -> dict[str, Any]:
        """The ``validate`` line: issues up to ``level``; valid when none of them blocks."""
        issues = [i for i in self.issues if i.code.level <= level]
        return {
            "path": path,
            "standard": self.standard,
            "messages": [m.to_json() for m in self.messages()],
            "valid": not any(i.blocking for i in issues),
            "issues": [i.to_json() for i in issues],
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
