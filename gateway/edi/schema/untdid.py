"""Generating the gateway's EDIFACT schema files from the UN/EDIFACT directories.

The UN/EDIFACT directories (UNECE's UNTDID) are read as XML renderings: per
directory ``<D>/segments.xml`` (segments with their composites and elements:
type, length, mandatory or not), ``<D>/codes.xml`` (the code lists) and
``<D>/messages/<type>.xml`` (segment tables), and ``Service_V<n>/`` for the
service segments and CONTRL of syntax version ``n``. The renderings are used as
a source of facts only: what is written is the gateway's own format
(``data/README.md``), holding for each directory the elements, composites and
segments its messages use, the code lists of those elements and the message
structures, with the source and its commit in every file's header.

Sharing between directories: each decade is a family (D9x, D0x, D1x, D2x)
whose first directory is written in full; every other directory of the family
is written as its differences from that one (``base``), code lists as the codes
added and removed. A directory therefore loads from at most two folders, and
adding a directory adds one small folder.

The renderings do not carry the segment directories' dependency notes, the
date checks or which code lists only supplement an outside list (Incoterms, UN/ECE
Recommendation 20): those facts are kept by hand in ``edifact/notes.yaml`` and
applied when a directory is loaded, never written here.

Run by a maintainer when a directory is added, from the project root::

    python -m gateway.edi.schema.untdid ../shared/standards/edifact-untdid \\
        --repository php-edifact/edifact-mapping --path src/Mapping --commit <sha>

then ``python -m gateway.edi.schema.prepare`` to bring the prepared form in step.
Nothing here is used at run time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gateway.errors import ConfigurationError

DATA = Path(__file__).resolve().parent / "data" / "edifact"

# The message types the gateway handles, with their names in the directories.
MESSAGES: dict[str, str] = {
    "APERAK": "Application error and acknowledgement message",
    "CONTRL": "Syntax and service report message",
    "DELFOR": "Delivery schedule message",
    "DELJIT": "Delivery just in time message",
    "DESADV": "Despatch advice message",
    "INVOIC": "Invoice message",
    "INVRPT": "Inventory report message",
    "ORDCHG": "Purchase order change request message",
    "ORDERS": "Purchase order message",
    "ORDRSP": "Purchase order response message",
    "PRICAT": "Price/sales catalogue message",
    "RECADV": "Receiving advice message",
    "SLSFCT": "Sales forecast message",
    "SLSRPT": "Sales data report message",
}

# Service directories: CONTRL of syntax versions 3 and 4, named after the
# syntax version (the message versions D:3 and 4:1 point at them in aliases.yaml).
SERVICE = {"syntax3": 3, "syntax4": 4}

# Service code lists written for the service directories. The others name
# message types, versions, releases and partners: lists that grow with every
# directory and that CONTRL repeats from the message it answers.
SERVICE_CODE_LISTS = ("0081", "0083", "0085")

_DIRECTORY = re.compile(r"^D(\d\d)([AB-Z])$")
_CAMEL = re.compile(r"(?<=[a-z0-9.])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# The renderings write a slash of the directory's names as "Or" before a
# lower-case letter ("dateOrtimeOrperiod"); "Origin" and "Order" are words.
_SLASH = re.compile(r"Or(?!igin|der)(?=[a-z])")


# A message structure's entry: "<TAG> <M|C> <max>", or a group with its entries.
Node = str | tuple[str, tuple["Node", ...]]


@dataclass(frozen=True, slots=True)
class Source:
    """Where the renderings come from: repository, path in it and commit."""

    repository: str
    path: str
    commit: str


@dataclass(slots=True)
class Snapshot:
    """One directory in the gateway's terms, everything as the files write it.

    ``elements`` maps an id to ``"<representation> <name>"``; composites and
    segments to ``(name, members)`` with members ``"<id> <M|C>"``; ``codes`` an
    element id to its codes in the directory's order; ``messages`` a type to
    its structure, nodes being ``"<TAG> <M|C> <max>"`` or
    ``("group <ID> <M|C> <max>", children)``.
    """

    version: str
    elements: dict[str, str] = field(default_factory=dict)
    composites: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    segments: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    messages: dict[str, tuple[Node, ...]] = field(default_factory=dict)


def directory_order(name: str) -> tuple[int, str]:
    """D94B < D99B < D00A < D24A: the year of a directory name, then its release."""
    found = _DIRECTORY.match(name)
    if not found:
        raise ConfigurationError(f"{name!r} is not a directory name like D96A")
    year = int(found.group(1))
    return (1900 + year if year >= 90 else 2000 + year), found.group(2)


def family(name: str) -> str:
    """The family of a directory: D9x, D0x, D1x, D2x."""
    return f"D{name[1]}x"


def readable(name: str) -> str:
    """``partyFunctionCodeQualifier`` -> ``Party function code qualifier``; the
    renderings give names in camel case."""
    if name[1:2].isupper():
        name = name[:1].upper() + name[1:]  # "uNDGInformation": an acronym's first letter
    words = _CAMEL.sub(" ", _SLASH.sub("/", name).replace(",", ", ")).split()
    out = [w if len(w) > 1 and w.isupper() else w.lower() for w in words]
    text = " ".join(out).replace(" ,", ",")
    return text[:1].upper() + text[1:]


def _representation(node: ET.Element, where: str) -> str:
    kind = node.get("type")
    if kind not in ("a", "n", "an"):
        raise ConfigurationError(f"{where}: element {node.get('id')}: type {kind!r}")
    fixed = node.get("length")
    if fixed:
        return f"{kind}{int(fixed)}"
    high = node.get("maxlength")
    if not high:
        raise ConfigurationError(f"{where}: element {node.get('id')}: no length")
    return f"{kind}..{int(high)}"


def _usage(node: ET.Element) -> str:
    return "M" if node.get("required") == "true" else "C"


def _xml(path: Path) -> ET.Element:
    # Some renderings put blanks before the XML declaration.
    return ET.fromstring(path.read_bytes().lstrip())


class _Collector:
    """Elements and composites met in segment definitions; the same id must be
    defined alike wherever it appears."""

    def __init__(self, where: str, snapshot: Snapshot) -> None:
        self.where = where
        self.snapshot = snapshot

    def element(self, node: ET.Element) -> str:
        eid = node.get("id") or ""
        spec = f"{_representation(node, self.where)} {readable(node.get('name') or eid)}"
        known = self.snapshot.elements.setdefault(eid, spec)
        if known.split(" ", 1)[0] != spec.split(" ", 1)[0]:
            raise ConfigurationError(f"{self.where}: element {eid} is {known.split()[0]} in "
                                     f"one place and {spec.split(maxsplit=1)[0]} in another")
        return eid

    def segment(self, node: ET.Element) -> None:
        members = []
        for child in node:
            if child.tag == "data_element":
                members.append(f"{self.element(child)} {_usage(child)}")
            elif child.tag == "composite_data_element":
                cid = child.get("id") or ""
                components = tuple(f"{self.element(c)} {_usage(c)}" for c in child
                                   if c.tag == "data_element")
                definition = (readable(child.get("name") or cid), components)
                known = self.snapshot.composites.setdefault(cid, definition)
                if known[1] != components:
                    raise ConfigurationError(f"{self.where}: composite {cid} is defined "
                                             "differently in two segments")
                members.append(f"{cid} {_usage(child)}")
        tag = node.get("id") or ""
        self.snapshot.segments[tag] = (readable(node.get("name") or tag), tuple(members))


def _structure(node: ET.Element) -> tuple[Node, ...]:
    out: list[Node] = []
    for child in node:
        repeat = child.get("maxrepeat") or "1"
        if child.tag == "segment":
            out.append(f"{child.get('id')} {_usage(child)} {int(repeat)}")
        elif child.tag == "group":
            head = f"group {child.get('id')} {_usage(child)} {int(repeat)}"
            out.append((head, _structure(child)))
    return tuple(out)


def _message(path: Path) -> tuple[Node, ...]:
    """The structure between UNH and UNT (the envelope checks own those two)."""
    nodes = list(_structure(_xml(path)))
    if nodes and isinstance(nodes[0], str) and nodes[0].startswith("UNH "):
        nodes.pop(0)
    if nodes and isinstance(nodes[-1], str) and nodes[-1].startswith("UNT "):
        nodes.pop()  # (one rendering, D01A SLSRPT, leaves UNT out)
    return tuple(nodes)


def _tags(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, str):
            yield node.split()[0]
        else:
            yield from _tags(node[1])


def _code_lists(files: Iterable[Path]) -> dict[str, tuple[str, ...]]:
    """Every code list of the files, the union where several files give one, in
    the order first met."""
    lists: dict[str, dict[str, None]] = {}
    for path in files:
        for element in _xml(path):
            codes = lists.setdefault(element.get("id") or "", {})
            for code in element:
                value = (code.get("id") or "").strip()
                if value:
                    codes.setdefault(value, None)
    return {eid: tuple(codes) for eid, codes in lists.items() if codes}


@dataclass(frozen=True, slots=True)
class Correction:
    """A place where the generated data departs from its rendering, and why."""

    version: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.version} {self.what}: {self.why}"


@dataclass(slots=True)
class Rendering:
    """One directory as its rendering gives it: every business segment with its
    composites and elements, every code list, the message structures."""

    snapshot: Snapshot
    codes: dict[str, tuple[str, ...]]


def read_rendering(root: Path, name: str) -> Rendering:
    """The directory ``name`` of the renderings under ``root``, whole."""
    folder = root / name
    snapshot = Snapshot(name)
    for path in sorted((folder / "messages").glob("*.xml")):
        mtype = path.stem.upper()
        if mtype in MESSAGES:
            snapshot.messages[mtype] = _message(path)
    collector = _Collector(f"{name}/segments.xml", snapshot)
    for node in _xml(folder / "segments.xml"):
        # Service segments (U..) come from the syntax's own directory below.
        if not (node.get("id") or "U").startswith("U"):
            collector.segment(node)
    service = {node.get("id"): node for node in _xml(root / "Service_V3" / "segments.xml")}
    _Collector("Service_V3/segments.xml", snapshot).segment(service["UNS"])
    return Rendering(snapshot, _code_lists([folder / "codes.xml"]))


def prune(rendering: Rendering, service_codes: dict[str, tuple[str, ...]]) -> Snapshot:
    """What the gateway keeps of a directory: the segments its messages use, their
    composites and elements, and the code lists of those elements."""
    whole = rendering.snapshot
    kept = Snapshot(whole.version, messages=dict(whole.messages))
    for tag in sorted({t for nodes in whole.messages.values() for t in _tags(nodes)}
                      - {"UNH", "UNT"}):
        if tag not in whole.segments:
            raise ConfigurationError(f"{whole.version}: segment {tag} of a message is not "
                                     "in segments.xml")
        kept.segments[tag] = whole.segments[tag]
        for member in whole.segments[tag][1]:
            ref = member.split()[0]
            if ref in whole.composites:
                kept.composites[ref] = whole.composites[ref]
                for component in whole.composites[ref][1]:
                    eid = component.split()[0]
                    kept.elements[eid] = whole.elements[eid]
            else:
                kept.elements[ref] = whole.elements[ref]
    for eid in kept.elements:
        found = rendering.codes.get(eid) or (
            service_codes.get(eid) if eid in SERVICE_CODE_LISTS else None)
        if found:
            kept.codes[eid] = found
    return kept


def read_service(root: Path, name: str, syntax: int) -> Snapshot:
    """CONTRL of one syntax version, its service segments and code lists; the code
    lists are the union over every directory, so that a code once valid is
    never refused in a partner's report."""
    folder = root / f"Service_V{syntax}"
    snapshot = Snapshot(name)
    snapshot.messages["CONTRL"] = _message(folder / "messages" / "contrl.xml")
    collector = _Collector(f"Service_V{syntax}/segments.xml", snapshot)
    segments = {node.get("id"): node for node in _xml(folder / "segments.xml")}
    for tag in sorted(set(_tags(snapshot.messages["CONTRL"])) - {"UNH", "UNT"}):
        collector.segment(segments[tag])
    codes = _code_lists(sorted(root.glob(f"D*/service_codes_v{syntax}.xml")))
    for eid in SERVICE_CODE_LISTS:
        if eid in snapshot.elements and eid in codes:
            snapshot.codes[eid] = codes[eid]
    return snapshot


# -- what the renderings get wrong -------------------------------------------------


def _ids(members: tuple[str, ...]) -> list[str]:
    return [m.split()[0] for m in members]


def _within(short: list[str], long: list[str]) -> bool:
    """Whether ``short`` is ``long`` with some entries left out, in order."""
    rest = iter(long)
    return all(item in rest for item in short)


def _merge(own: tuple[str, ...], fuller: tuple[str, ...]) -> tuple[str, ...]:
    """``fuller``'s entries, keeping ``own``'s usage where ``own`` has the entry."""
    out = []
    pending = list(own)
    for member in fuller:
        if pending and pending[0].split()[0] == member.split()[0]:
            out.append(pending.pop(0))
        else:
            out.append(member)
    return tuple(out)


Definition = tuple[str, tuple[str, ...]]  # (name, members)


@dataclass(frozen=True, slots=True)
class _As:
    """A directory as its rendering gave it, before any correction."""

    composites: dict[str, Definition]
    segments: dict[str, Definition]
    elements: dict[str, str]

    def table(self, kind: str) -> dict[str, Definition]:
        return self.composites if kind == "composite" else self.segments


def restore_components(renderings: list[Rendering]) -> list[Correction]:
    """Put back components a rendering leaves out of a composite.

    Several renderings drop components whose entries changed in that directory
    (D.97A's C082 lacks 3039, D.99B to D.09B's C819 holds only 3055, D.00A on
    C829 lacks 5495). A composite is restored from the nearest directory whose
    definition holds the same components and more, in order, when the rendering
    itself shows the left-out component still exists: a later directory has it
    in this composite again, or a left-out element's code list is in this
    directory's codes.xml. Only an earlier definition is taken (a fuller later
    one is the standard growing). Segments are checked the same way.
    """
    corrections: list[Correction] = []
    snapshots = [r.snapshot for r in renderings]
    given = [_As(dict(s.composites), dict(s.segments), dict(s.elements)) for s in snapshots]
    for i, rendering in enumerate(renderings):
        snapshot = rendering.snapshot
        for kind in ("composite", "segment"):
            table = snapshot.composites if kind == "composite" else snapshot.segments
            for ident, (name, members) in list(table.items()):
                ids = _ids(members)
                fuller = _fuller(given, i, kind, ident, ids)
                if fuller is None:
                    continue
                j, members_there = fuller
                missing = _left_out(ids, _ids(members_there))
                later = any(_within(missing, _ids(g.table(kind)[ident][1]))
                            for g in given[i + 1:] if ident in g.table(kind))
                coded = [m for m in missing if m in rendering.codes]
                if not later and not coded:
                    continue
                table[ident] = (name, _merge(members, members_there))
                _take_members(snapshot, given, i, j, members_there)
                reason = ("it is there again in a later directory" if later else
                          f"this directory's code list of {', '.join(coded)} shows it exists")
                corrections.append(Correction(
                    snapshot.version, f"{kind} {ident}",
                    f"the rendering leaves out {', '.join(dict.fromkeys(missing))}; taken "
                    f"from {snapshots[j].version}'s definition ({reason})"))
    return corrections


def _take_members(snapshot: Snapshot, given: list[_As], i: int, j: int,
                  members: tuple[str, ...]) -> None:
    """Give ``snapshot`` the elements and composites ``members`` name that it lacks."""
    for member in members:
        ref = member.split()[0]
        if ref in snapshot.elements or ref in snapshot.composites:
            continue
        if ref in given[j].elements:
            snapshot.elements[ref] = _widest(given, i, ref)
            continue
        composite = given[j].composites.get(ref)
        if composite is not None:
            snapshot.composites[ref] = composite
            for component in _ids(composite[1]):
                snapshot.elements.setdefault(component, given[j].elements[component])


def _left_out(short: list[str], long: list[str]) -> list[str]:
    """The entries of ``long`` that ``short`` (a subsequence of it) lacks."""
    rest = list(short)
    out = []
    for item in long:
        if rest and rest[0] == item:
            rest.pop(0)
        else:
            out.append(item)
    return out


def _fuller(given: list[_As], i: int, kind: str, ident: str,
            ids: list[str]) -> tuple[int, tuple[str, ...]] | None:
    """The nearest earlier directory's definition of ``ident`` holding ``ids`` and
    more: its index and members."""
    for j in range(i - 1, -1, -1):
        there = given[j].table(kind).get(ident)
        if there is None:
            continue
        their_ids = _ids(there[1])
        if len(their_ids) > len(ids) and _within(ids, their_ids):
            return j, there[1]
    return None


def _widest(given: list[_As], i: int, eid: str) -> str:
    """An element the rendering of directory ``i`` lacks: as the nearest earlier and
    nearest later directories define it, the longer of the two where they differ
    (a length changed somewhere between them; the longer refuses nothing valid)."""
    found: list[str] = []
    for steps in (range(i - 1, -1, -1), range(i + 1, len(given))):
        for j in steps:
            spec = given[j].elements.get(eid)
            if spec is not None:
                found.append(spec)
                break
    return max(found, key=lambda spec: _length(spec.split(" ", 1)[0]))


def _length(representation: str) -> int:
    return int(re.sub(r"^[a-z]+(\.\.)?", "", representation))


# The renderings from D.97A on cut segment table repeats at five digits: the
# 200000, 999999 and 9999999 of D.94B to D.96B become 20000 and 99999 there.
_CUT_FROM = "D97A"


def restore_repeats(renderings: list[Rendering]) -> list[Correction]:
    """Undo the cut: a group of D.97A or later with 20000 or 99999 takes the value
    its message's group of the same trigger segments had in the last directory
    before the cut, when that value starts with the same digits; failing that,
    20000 is 200000 and 99999 is 9999999 (an upper bound read too high only
    lets through a message repeating one group more than 99,999 times)."""
    corrections: list[Correction] = []
    before = [r for r in renderings
              if directory_order(r.snapshot.version) < directory_order(_CUT_FROM)]
    known: dict[tuple[str, tuple[str, ...]], int] = {}
    if before:
        for mtype, nodes in before[-1].snapshot.messages.items():
            for path, repeat in _group_repeats(nodes, ()):
                known[(mtype, path)] = repeat
    for rendering in renderings:
        snapshot = rendering.snapshot
        if directory_order(snapshot.version) < directory_order(_CUT_FROM):
            continue
        for mtype, nodes in list(snapshot.messages.items()):
            changed: list[str] = []
            snapshot.messages[mtype] = _fix_repeats(nodes, (), mtype, known, changed)
            if changed:
                corrections.append(Correction(
                    snapshot.version, f"message {mtype}",
                    "group repeats cut at five digits by the rendering: "
                    + ", ".join(changed)))
    return corrections


def restore_fixed_lengths(renderings: list[Rendering]) -> list[Correction]:
    """The renderings from D.97A on write every length as a maximum ("n..4"); an
    element of fixed length in the last directory before them (D.96B: "n4") keeps
    it where the maximum is the same."""
    before = [r for r in renderings
              if directory_order(r.snapshot.version) < directory_order(_CUT_FROM)]
    if not before:
        return []
    fixed = {eid: spec.split(" ", 1)[0] for eid, spec in before[-1].snapshot.elements.items()
             if ".." not in spec.split(" ", 1)[0]}
    corrections = []
    for rendering in renderings:
        snapshot = rendering.snapshot
        if directory_order(snapshot.version) < directory_order(_CUT_FROM):
            continue
        changed: list[str] = []
        for eid, spec in snapshot.elements.items():
            representation, name = spec.split(" ", 1)
            known = fixed.get(eid)
            if known is not None and representation == re.sub(r"^([a-z]+)", r"\1..", known):
                snapshot.elements[eid] = f"{known} {name}"
                changed.append(f"{eid} {known}")
        if changed:
            corrections.append(Correction(snapshot.version, "elements", "fixed lengths the "
                                          "rendering writes as maximums: " + ", ".join(changed)))
    return corrections


def restore_x_codes(renderings: list[Rendering]) -> list[Correction]:
    """The renderings before D.97A read a code starting with X as a deletion mark
    and the rest ("XA" becomes "A", "XX" becomes "X"). A code of such a rendering
    that the next directory does not have, while it has the code with X in front,
    is given its X back."""
    corrections = []
    cut = [i for i, r in enumerate(renderings)
           if directory_order(r.snapshot.version) >= directory_order(_CUT_FROM)]
    if not cut:
        return []
    reference = renderings[cut[0]].codes
    for rendering in renderings[:cut[0]]:
        changed: list[str] = []
        for eid, codes in rendering.codes.items():
            later = set(reference.get(eid, ()))
            fixed = tuple(f"X{c}" if c not in later and f"X{c}" in later else c for c in codes)
            if fixed != codes:
                rendering.codes[eid] = fixed
                changed.extend(f"{eid} X{c}" for c, f in zip(codes, fixed, strict=True) if c != f)
        if changed:
            corrections.append(Correction(rendering.snapshot.version, "codes",
                                          "codes read without their leading X: "
                                          + ", ".join(changed)))
    return corrections


def _trigger(node: tuple[str, tuple[Node, ...]]) -> str:
    first = node[1][0]
    return first.split()[0] if isinstance(first, str) else _trigger(first)


def _group_repeats(nodes: tuple[Node, ...], path: tuple[str, ...]
                   ) -> Iterator[tuple[tuple[str, ...], int]]:
    for node in nodes:
        if not isinstance(node, str):
            group = node  # (head, children)
            here = (*path, _trigger(group))
            yield here, int(group[0].split()[3])
            yield from _group_repeats(group[1], here)


def _fix_repeats(nodes: tuple[Node, ...], path: tuple[str, ...], mtype: str,
                 known: dict[tuple[str, tuple[str, ...]], int],
                 changed: list[str]) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        head, children = node
        word, gid, usage, repeat = head.split()
        here = (*path, _trigger(node))
        if repeat in ("20000", "99999"):
            earlier = known.get((mtype, here))
            if earlier is not None and str(earlier).startswith(repeat):
                fixed = str(earlier)
            else:
                fixed = "200000" if repeat == "20000" else "9999999"
            if fixed != repeat:
                changed.append(f"{gid} {repeat} -> {fixed}")
                head = f"{word} {gid} {usage} {fixed}"
        out.append((head, _fix_repeats(children, here, mtype, known, changed)))
    return tuple(out)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def better_names(snapshots: list[Snapshot]) -> None:
    """The renderings of D.94B to D.96B drop the slashes of names ("Date/time/period"
    reads "Datetimeperiod"); give each such name the punctuated form another
    directory has for the same words."""
    best: dict[str, str] = {}

    def offer(name: str) -> None:
        key = _squash(name)
        current = best.get(key)
        if current is None or sum(not c.isalnum() for c in name) > \
                sum(not c.isalnum() for c in current):
            best[key] = name

    def pick(name: str) -> str:
        return best.get(_squash(name), name)

    for snapshot in snapshots:
        for spec in snapshot.elements.values():
            offer(spec.split(" ", 1)[1])
        for name, _ in (*snapshot.composites.values(), *snapshot.segments.values()):
            offer(name)
    for snapshot in snapshots:
        for eid, spec in snapshot.elements.items():
            representation, name = spec.split(" ", 1)
            snapshot.elements[eid] = f"{representation} {pick(name)}"
        for table in (snapshot.composites, snapshot.segments):
            for ident, (name, members) in table.items():
                table[ident] = (pick(name), members)


# -- writing ---------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML scalar, double-quoted (JSON strings are valid YAML): codes such as
    ON, NO or Y stay strings."""
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Sequence[str], indent: int, width: int = 100) -> str:
    """``[a, b, ...]`` wrapped to ``width``, continuation lines indented."""
    lines: list[str] = []
    line = "["
    for n, item in enumerate(items):
        piece = item + ("," if n < len(items) - 1 else "]")
        if len(line) + len(piece) + 1 > width - indent and line not in ("[",):
            lines.append(line)
            line = " " * (indent + 1) + piece
        else:
            line = f"{line}{'' if line.endswith('[') else ' '}{piece}"
    lines.append(line if items else "[]")
    return "\n".join(lines)


def _header(source: Source, what: str, version: str) -> str:
    rendered = f"{source.path}/{version}" if version.startswith("D") else \
        f"{source.path}/Service_V{SERVICE[version]}"
    text = (f"{what} Generated by gateway.edi.schema.untdid from the XML rendering of "
            f"UNECE's UN/EDIFACT directories in {source.repository}, {rendered}, commit "
            f"{source.commit}. Do not edit: rerun the generator.")
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 86, break_on_hyphens=False))


def _title(version: str) -> str:
    if version in SERVICE:
        return f"UN/EDIFACT syntax version {SERVICE[version]} service directory (CONTRL)"
    return f"UN/EDIFACT directory D.{version[1:]}"


@dataclass(slots=True)
class Written:
    """The files of one directory folder: relative path -> text."""

    version: str
    files: dict[str, str] = field(default_factory=dict)


def _members(members: tuple[str, ...], indent: int) -> str:
    return _flow(list(members), indent)


def render(snapshot: Snapshot, source: Source, base: Snapshot | None,
           messages: dict[str, str], corrections: list[Correction]) -> Written:
    """The files for ``snapshot``: in full, or as its differences from ``base``.
    ``messages`` names, for each message type, the directory whose folder holds
    its structure (``snapshot``'s own for a structure first seen here)."""
    out = Written(snapshot.version)
    version = snapshot.version
    if base is None:
        elements = snapshot.elements
        composites = snapshot.composites
        segments = snapshot.segments
        how = "in full"
    else:
        elements = {k: v for k, v in snapshot.elements.items() if base.elements.get(k) != v}
        composites = {k: v for k, v in snapshot.composites.items()
                      if base.composites.get(k) != v}
        segments = {k: v for k, v in snapshot.segments.items() if base.segments.get(k) != v}
        how = f"as its differences from {base.version}"
    removed = {
        "elements": sorted(set(base.elements) - set(snapshot.elements)) if base else [],
        "composites": sorted(set(base.composites) - set(snapshot.composites)) if base else [],
        "segments": sorted(set(base.segments) - set(snapshot.segments)) if base else [],
    }
    text = [_header(source, f"{_title(version)}: elements, composites and segments of its "
                    f"messages, {how}; each message's structure is in the messages/ folder "
                    "of the directory named for it (the first one with that structure).",
                    version)]
    if corrections:
        text.append("# Where this file departs from the rendering (see untdid.py):\n")
        for correction in corrections:
            text.extend(f"#   {line}\n" for line in textwrap.wrap(
                f"{correction.what}: {correction.why}", 84, subsequent_indent="  ",
                break_on_hyphens=False))
    text.append("standard: edifact\n")
    text.append(f"version: {_q(version)}\n")
    text.append(f"base: {_q(base.version) if base else 'null'}\n")
    text.append(f"source: {{repository: {_q(source.repository)}, path: {_q(source.path)}, "
                f"commit: {_q(source.commit)}}}\n")
    text.append("messages: {" + ", ".join(f"{t}: {_q(messages[t])}" for t in sorted(messages))
                + "}\n")
    if any(removed.values()):
        text.append("removed:\n")
        for kind, ids in removed.items():
            if ids:
                text.append(f"  {kind}: {_flow([_q(i) for i in ids], 4 + len(kind))}\n")
    text.append("elements:\n" if elements else "elements: {}\n")
    for eid in sorted(elements):
        text.append(f"  {_q(eid)}: {_q(elements[eid])}\n")
    text.append("composites:\n" if composites else "composites: {}\n")
    for cid in sorted(composites):
        name, members = composites[cid]
        text.append(f"  {cid}:\n    name: {_q(name)}\n"
                    f"    components: {_members(members, 16)}\n")
    text.append("segments:\n" if segments else "segments: {}\n")
    for tag in sorted(segments):
        name, members = segments[tag]
        text.append(f"  {tag}:\n    name: {_q(name)}\n"
                    f"    elements: {_members(members, 14)}\n")
    out.files["directory.yaml"] = "".join(text)
    codes = _render_codes(snapshot, base, source)
    if codes:
        out.files["codes.yaml"] = codes
    for mtype, holder in sorted(messages.items()):
        if holder == version:
            out.files[f"messages/{mtype}.yaml"] = _render_message(
                mtype, snapshot.messages[mtype], source, version)
    return out


def _render_codes(snapshot: Snapshot, base: Snapshot | None, source: Source) -> str:
    lines: list[str] = []
    for eid in sorted(snapshot.codes):
        codes = snapshot.codes[eid]
        restated = base is not None and base.elements.get(eid) != snapshot.elements.get(eid)
        old = base.codes.get(eid) if base is not None else None
        if old == codes and not restated:
            continue
        name = snapshot.elements[eid].split(" ", 1)[1]
        if old is None or restated:
            lines.append(f"# {name}\n{_q(eid)}: {_flow([_q(c) for c in codes], 2)}\n")
            continue
        added = [c for c in codes if c not in set(old)]
        gone = [c for c in old if c not in set(codes)]
        lines.append(f"# {name}\n{_q(eid)}:\n")
        if added:
            lines.append(f"  add: {_flow([_q(c) for c in added], 7)}\n")
        if gone:
            lines.append(f"  remove: {_flow([_q(c) for c in gone], 10)}\n")
    dropped = sorted(set(base.codes) - set(snapshot.codes)) if base is not None else []
    for eid in dropped:
        if eid in snapshot.elements and base is not None \
                and base.elements.get(eid) == snapshot.elements.get(eid):
            lines.append(f"# {snapshot.elements[eid].split(' ', 1)[1]}: no code list here\n"
                         f"{_q(eid)}: null\n")
    if not lines:
        return ""
    how = "in full" if base is None else \
        f"as their differences from {base.version} (add, remove) or in full"
    head = _header(source, f"{_title(snapshot.version)}: the code lists of the coded "
                   f"elements above, {how}. A list is the directory's whole list for "
                   "the element.", snapshot.version)
    return head + "".join(lines)


def _render_nodes(nodes: tuple[Node, ...], indent: int) -> list[str]:
    out = []
    pad = " " * indent
    for node in nodes:
        if isinstance(node, str):
            out.append(f"{pad}- {node}\n")
        else:
            head, children = node
            out.append(f"{pad}- {head}:\n")
            out.extend(_render_nodes(children, indent + 4))
    return out


def _render_message(mtype: str, nodes: tuple[Node, ...], source: Source,
                    version: str) -> str:
    where = f"D.{version[1:]}" if version.startswith("D") else \
        f"syntax version {SERVICE[version]}"
    head = _header(source, f"{mtype}, {MESSAGES[mtype].lower()}: the segment table of "
                   f"{where} between UNH and UNT, used by every directory whose "
                   "directory.yaml names this folder for it.", version)
    body = [f"message: {mtype}\n", f"name: {MESSAGES[mtype]}\n", "structure:\n"]
    return head + "".join(body) + "".join(_render_nodes(nodes, 2))


# -- the whole run ---------------------------------------------------------------


def directories(root: Path) -> list[str]:
    """The directories of the renderings under ``root``, oldest first."""
    return sorted((p.name for p in root.iterdir() if _DIRECTORY.match(p.name)
                   and (p / "segments.xml").is_file()), key=directory_order)


def generate(root: Path, source: Source) -> tuple[list[Written], list[Correction]]:
    """Every directory folder and the service folders, ready to write, and where
    the data departs from the renderings."""
    renderings = [read_rendering(root, name) for name in directories(root)]
    corrections = (restore_components(renderings) + restore_repeats(renderings)
                   + restore_fixed_lengths(renderings) + restore_x_codes(renderings))
    service_codes = _code_lists(sorted(root.glob("D*/service_codes_v3.xml")))
    snapshots = [prune(r, service_codes) for r in renderings]
    services = [read_service(root, name, syntax) for name, syntax in SERVICE.items()]
    better_names(snapshots + services)
    written: list[Written] = []
    anchors: dict[str, Snapshot] = {}
    stored: dict[tuple[str, tuple[Node, ...]], str] = {}
    for snapshot in snapshots:
        name = snapshot.version
        anchor = anchors.setdefault(family(name), snapshot)
        holders = {mtype: stored.setdefault((mtype, nodes), name)
                   for mtype, nodes in snapshot.messages.items()}
        own = [c for c in corrections if c.version == name]
        written.append(render(snapshot, source, None if anchor is snapshot else anchor,
                              holders, own))
    for snapshot in services:
        written.append(render(snapshot, source, None, {"CONTRL": snapshot.version}, []))
    return written, corrections


def write(written: list[Written], data: Path) -> None:
    """Replace each generated folder under ``data`` with its new files; folders of
    ``data`` the run does not produce are left alone."""
    for folder in written:
        target = data / folder.version
        if target.exists():
            shutil.rmtree(target)
        for relative, text in folder.files.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.edi.schema.untdid",
        description="Write the EDIFACT schema files from XML renderings of the "
                    "UN/EDIFACT directories.")
    parser.add_argument("source", type=Path, help="folder holding D94B/, ..., Service_V4/")
    parser.add_argument("--repository", required=True,
                        help="the repository the renderings come from (owner/name)")
    parser.add_argument("--path", required=True, help="their folder in that repository")
    parser.add_argument("--commit", required=True, help="the commit they were taken at")
    parser.add_argument("--data", type=Path, default=DATA,
                        help="the edifact data folder to write (default: the package's)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[0-9a-f]{40}", args.commit):
        parser.error("--commit takes the full 40-digit commit id")
    try:
        written, corrections = generate(args.source,
                                        Source(args.repository, args.path, args.commit))
    except (OSError, ET.ParseError, ConfigurationError) as err:
        print(f"untdid: {err}", file=sys.stderr)
        return 1
    write(written, args.data)
    for correction in corrections:
        print(f"corrected {correction}", file=sys.stderr)
    print(f"wrote {len(written)} folders under {args.data}, {len(corrections)} "
          "corrections of the renderings", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
