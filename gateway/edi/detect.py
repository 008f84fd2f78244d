"""Format detection from the first bytes of a file.

Tells EDIFACT, X12, XML (UBL, cXML) or unknown; the character encoding (BOM,
the UNB syntax identifier, EBCDIC) and the first interchange's delimiters.
Works on bytes only and never raises on bad data; it decides nothing about
validity, which is the reader's and validator's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gateway.edi.charsets import EBCDIC, codec_for_syntax, looks_like_utf8
from gateway.edi.delimiters import Delimiters, isa_delimiters, una_delimiters, unb_delimiters
from gateway.edi.issues import Code, Issue, Location
from gateway.edi.lexer import EDIFACT, X12

XML = "xml"
UNKNOWN = "unknown"

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# "ISA" in EBCDIC (cp037/cp500 agree on these letters).
_EBCDIC_ISA = b"\xc9\xe2\xc1"
# How far into a file detection looks.
SAMPLE = 65536

_EDIFACT_START = re.compile(rb"(UNA|UNB|UNH)[^A-Za-z0-9]")
_EDIFACT_ANYWHERE = re.compile(rb"(?:^|['\r\n])\s*(UNB|UNH)[+\x1d]")
_X12_ANYWHERE = re.compile(rb"(?:^|[\r\n~])\s*(ISA|GS|ST)[*|^~\x1d\x1f]")
_BARE_SEGMENT = re.compile(rb"[A-Z][A-Z0-9]{2}\+[^\r\n]{0,200}'")
_SYNTAX_ID = re.compile(rb"UNB.([A-Z]{4})")


@dataclass(frozen=True, slots=True)
class Detection:
    """What a file is. ``encoding`` is a Python codec name; ``declared`` the
    character set the envelope names (``UNOC``), when it names one."""

    standard: str
    encoding: str
    bom: bool = False
    declared: str | None = None
    delimiters: Delimiters | None = None
    document: str | None = None  # XML: "ubl:Order", "cxml:OrderRequest"
    issues: list[Issue] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "encoding": self.encoding,
            "bom": self.bom,
            "declared_charset": self.declared,
            "delimiters": self.delimiters.to_json() if self.delimiters else None,
            "document": self.document,
        }


def detect(data: bytes) -> Detection:
    """Detect the format of ``data`` (the whole file or at least its first 64 KiB)."""
    sample = data[:SAMPLE]
    if not sample.strip():
        return Detection(UNKNOWN, "ascii", issues=[
            Issue.of(Code.EMPTY_INPUT, "The file is empty or holds only whitespace.")])
    bom = sample.startswith(UTF8_BOM)
    body = sample[len(UTF8_BOM):] if bom else sample
    stripped = body.lstrip()
    if sample.startswith(_UTF16_BOMS) or stripped.startswith(b"<") or _utf16_xml(body):
        return _detect_xml(sample, bom)
    if stripped.startswith(_EBCDIC_ISA) or stripped.lstrip(b"\x40\x15\x25\x0d").startswith(
        _EBCDIC_ISA
    ):
        text = body.decode(EBCDIC)
        found = isa_delimiters(text.lstrip())
        delims = found[0] if not isinstance(found, str) else None
        return Detection(X12, EBCDIC, bom, delimiters=delims)
    if stripped.startswith(b"ISA") or (_X12_ANYWHERE.search(body[:4096]) and not (
        _EDIFACT_START.match(stripped)
    )):
        return _detect_x12(body, bom)
    if _EDIFACT_START.match(stripped) or _EDIFACT_ANYWHERE.search(body) or (
        _BARE_SEGMENT.match(stripped)
    ):
        return _detect_edifact(body, bom)
    shown = stripped[:16].decode("latin-1")
    return Detection(UNKNOWN, "latin-1", bom, issues=[Issue.of(
        Code.UNKNOWN_FORMAT,
        f"The file is neither EDIFACT, X12 nor XML: it starts with {shown!r}.",
        Location(line=1, column=1),
    )])


def _utf16_xml(body: bytes) -> bool:
    return body.startswith((b"<\x00", b"\x00<"))


def _detect_xml(sample: bytes, bom: bool) -> Detection:
    from gateway.edi.xml.documents import sniff  # noqa: PLC0415  (lxml loads for XML only)

    found = sniff(sample)
    encoding = "utf-16" if sample.startswith(_UTF16_BOMS) or _utf16_xml(sample) else "utf-8"
    declared = re.search(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""", sample[:200])
    if declared and encoding == "utf-8":
        encoding = declared.group(1).decode("ascii").lower()
    document = f"{found[0]}:{found[1]}" if found else None
    return Detection(XML, encoding, bom, document=document)


def _detect_x12(body: bytes, bom: bool) -> Detection:
    encoding = "ascii"
    if not body.isascii():
        encoding = "utf-8" if looks_like_utf8(body) else "latin-1"
    text = body.decode(encoding, errors="surrogateescape").lstrip()
    delims = None
    if text.startswith("ISA"):
        found = isa_delimiters(text)
        delims = found[0] if not isinstance(found, str) else None
    return Detection(X12, encoding, bom, delimiters=delims)


def _detect_edifact(body: bytes, bom: bool) -> Detection:
    issues: list[Issue] = []
    syntax = _SYNTAX_ID.search(body[:1024])
    declared = syntax.group(1).decode("ascii") if syntax else None
    codec = codec_for_syntax(declared) if declared else None
    if declared and codec is None:
        issues.append(Issue.of(
            Code.UNKNOWN_CHARSET,
            f"The syntax identifier {declared!r} names no known character set; "
            "the file is read as ISO 8859-1.",
            Location(segment="UNB", element=1, component=1, value=declared),
        ))
    encoding = codec or ("utf-8" if bom else "iso8859-1")
    if bom and codec and codec != "utf-8" and not body.isascii():
        encoding = "utf-8"
    if codec and codec != "utf-8" and not body.isascii() and looks_like_utf8(body):
        # The commonest charset problem in practice: declared Latin, sent as UTF-8.
        issues.append(Issue.of(
            Code.CHARSET_MISMATCH,
            f"UNB declares {declared} ({codec}) but the bytes are UTF-8; "
            "they are read as UTF-8.",
            Location(segment="UNB", element=1, component=1, value=declared),
        ))
        encoding = "utf-8"
    elif codec == "ascii" and not body.isascii():
        # UNOA/UNOB with 8-bit bytes: read them as Latin-1 so nothing is lost;
        # the reader reports them as outside the declared repertoire.
        encoding = "ascii"
    text = body.decode(encoding, errors="surrogateescape").lstrip()
    delims: Delimiters | None = None
    if text.startswith("UNA"):
        found = una_delimiters(text[:9])
        delims = found if isinstance(found, Delimiters) else None
    elif text.startswith("UNB"):
        delims = unb_delimiters(text)
    return Detection(EDIFACT, encoding, bom, declared=declared, delimiters=delims,
                     issues=issues)
