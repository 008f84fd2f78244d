"""The prepared form of the message standards: each directory as compressed JSON.

The YAML data files are the source of truth; reading them costs a short command
more than all of its work (a directory with its full code lists takes about
15 ms of YAML parsing, its JSON half a millisecond). So every directory is also
written, resolved (base directory, notes and code list changes applied), as
``prepared/<standard>/<version>.json.gz`` by ``python -m gateway.edi.schema.prepare``.

A prepared file names every data file it was made from with its size and CRC-32;
:func:`read` uses it only while all of them are unchanged, and otherwise gives
``None`` so that the loader reads the YAML. A file of another format number is
ignored the same way. The tests check that every prepared file equals what the
YAML gives, so the two never drift apart in the repository.

Message structures are built when first asked for: a command that validates
one message type does not build the other twelve.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Mapping
from importlib.abc import Traversable
from typing import Any

from gateway.edi.schema.model import (
    CompositeDef,
    Directory,
    ElementDef,
    GroupNode,
    Member,
    MessageDef,
    Rule,
    RuleKind,
    SegmentDef,
    SegmentNode,
    Usage,
)

FORMAT = 1


# -- encoding --------------------------------------------------------------------


def _members(members: tuple[Member, ...]) -> list[list[Any]]:
    return [[m.ref, m.usage.value, m.repeat] for m in members]


def _node(node: SegmentNode | GroupNode) -> list[Any]:
    if isinstance(node, SegmentNode):
        return [node.tag, node.usage.value, node.max_use]
    return [node.id, node.usage.value, node.max_use, [_node(c) for c in node.children]]


def encode(directory: Directory, sources: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """``directory`` as plain JSON data, with its sources' (size, CRC-32)."""
    return {
        "format": FORMAT,
        "standard": directory.standard,
        "version": directory.version,
        "sources": [[path, size, crc] for path, (size, crc) in sources.items()],
        "elements": {
            eid: [e.name, e.kind, e.min_length, e.max_length,
                  sorted(e.codes) if e.codes is not None else None, e.codes_complete]
            for eid, e in sorted(directory.elements.items())},
        "composites": {cid: [c.name, _members(c.components)]
                       for cid, c in sorted(directory.composites.items())},
        "segments": {
            tag: [s.name, _members(s.members),
                  [[r.kind.value, list(r.refs), r.text] for r in s.rules]]
            for tag, s in sorted(directory.segments.items())},
        "messages": {mtype: [m.name, [_node(c) for c in m.structure.children]]
                     for mtype, m in sorted(directory.messages.items())},
    }


def dumps(data: dict[str, Any]) -> bytes:
    """The bytes of a prepared file: compact JSON, gzip without a time stamp."""
    import gzip  # noqa: PLC0415  (only writing needs it; reading is zlib's)

    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def loads(raw: bytes) -> dict[str, Any]:
    data = json.loads(zlib.decompress(raw, 31))
    if not isinstance(data, dict):
        raise ValueError("a prepared file holds a JSON object")
    return data


# -- decoding --------------------------------------------------------------------


def _member_tuple(items: list[list[Any]]) -> tuple[Member, ...]:
    return tuple(Member(ref, Usage(usage), repeat) for ref, usage, repeat in items)


def _build(item: list[Any]) -> SegmentNode | GroupNode:
    if len(item) == 3:
        return SegmentNode(item[0], Usage(item[1]), item[2])
    return GroupNode(item[0], Usage(item[1]), item[2], tuple(_build(c) for c in item[3]))


class _Messages(Mapping[str, MessageDef]):
    """Message structures built on first use from their prepared data."""

    __slots__ = ("_built", "_plain")

    def __init__(self, plain: dict[str, list[Any]]) -> None:
        self._plain = plain
        self._built: dict[str, MessageDef] = {}

    def __getitem__(self, mtype: str) -> MessageDef:
        found = self._built.get(mtype)
        if found is None:
            name, children = self._plain[mtype]
            found = MessageDef(mtype, name, GroupNode(
                "", Usage.MANDATORY, 1, tuple(_build(c) for c in children)))
            self._built[mtype] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)

    def __contains__(self, mtype: object) -> bool:
        return mtype in self._plain


def decode(data: dict[str, Any]) -> Directory:
    """The directory a prepared file holds."""
    elements = {
        eid: ElementDef(eid, name, kind, low, high,
                        frozenset(codes) if codes is not None else None, complete)
        for eid, (name, kind, low, high, codes, complete) in data["elements"].items()}
    composites = {cid: CompositeDef(cid, name, _member_tuple(members))
                  for cid, (name, members) in data["composites"].items()}
    segments = {
        tag: SegmentDef(tag, name, _member_tuple(members),
                        tuple(Rule(RuleKind(kind), tuple(refs), text)
                              for kind, refs, text in rules))
        for tag, (name, members, rules) in data["segments"].items()}
    return Directory(data["standard"], data["version"], elements, composites, segments,
                     _Messages(data["messages"]))


# -- reading at run time ---------------------------------------------------------


def source_file(root: Traversable, relative: str) -> Traversable:
    """The data file ``relative`` (``edifact/D96A/codes.yaml``) under ``root``."""
    path = root
    for step in relative.split("/"):
        path = path / step
    return path


def fingerprint(raw: bytes) -> tuple[int, int]:
    return len(raw), zlib.crc32(raw)


def in_step(data: dict[str, Any], root: Traversable) -> bool:
    """Whether every data file ``data`` was prepared from is as it was then."""
    for relative, size, crc in data.get("sources") or [None]:
        if relative is None:
            return False
        path = source_file(root, relative)
        if not path.is_file():
            return False
        if fingerprint(path.read_bytes()) != (size, crc):
            return False
    return True


def read(folder: Traversable, root: Traversable, standard: str,
         version: str) -> Directory | None:
    """The prepared ``standard`` ``version`` under ``folder``, or ``None`` when
    there is none, it has another format, or a data file under ``root`` it was
    made from has changed since."""
    path = folder / standard / f"{version}.json.gz"
    if not path.is_file():
        return None
    try:
        data = loads(path.read_bytes())
    except (OSError, ValueError, zlib.error):
        return None  # unreadable: the YAML is the source anyway
    if data.get("format") != FORMAT or data.get("standard") != standard \
            or data.get("version") != version or not in_step(data, root):
        return None
    return decode(data)
