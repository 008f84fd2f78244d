"""Loading message standards from the data files that ship with the gateway.

The YAML files under ``gateway/edi/schema/data/<standard>/<version>/`` are the
source of truth: ``directory.yaml`` (elements, composites, segments, and where
the message structures are), ``codes.yaml`` (code lists), ``messages/<TYPE>.yaml``
(structures) and, per standard, ``notes.yaml`` (facts kept by hand for every
directory); their format is described in ``data/README.md``. Every file is
checked when read and a mistake raises :class:`~gateway.errors.ConfigurationError`
naming the file and the field.

Reading YAML costs more than the rest of a short command, so each directory
also ships in a prepared form (:mod:`gateway.edi.schema.prepared`), written from
the YAML and used only while every file it was written from is unchanged;
otherwise the YAML is read. A directory is loaded when a message first needs
it, and once per process. This module reads package data only; it knows
nothing of interchanges or issues.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from gateway.edi.schema import prepared
from gateway.edi.schema.model import (
    UNBOUNDED,
    CompositeDef,
    Directory,
    ElementDef,
    GroupNode,
    Member,
    MessageDef,
    Node,
    Rule,
    RuleKind,
    SegmentDef,
    SegmentNode,
    Usage,
)
from gateway.errors import ConfigurationError

DATA = resources.files("gateway.edi.schema") / "data"
PREPARED = resources.files("gateway.edi.schema") / "prepared"

_EDIFACT_REPR = re.compile(r"^(an|a|n)(\.\.)?(\d+)$")
_X12_REPR = re.compile(r"^(AN|ID|N\d|R|DT|TM|B)\s+(\d+)/(\d+|\.\.)$")
_X12_RULE = re.compile(r"^([PRECL])((?:\d\d)+)$")
_EDIFACT_NOTE = {
    "D1": RuleKind.ONE_ONLY, "D2": RuleKind.PAIRED, "D3": RuleKind.REQUIRED,
    "D4": RuleKind.EXCLUSION, "D5": RuleKind.CONDITIONAL, "D6": RuleKind.LIST_CONDITIONAL,
    "D7": RuleKind.IF_FIRST_NONE,
}
_REF = re.compile(r"^\d\d(-\d+)?$")
_NODE = re.compile(r"^([A-Z0-9]{2,3})\s+([MCO])\s+(\d+|>1|n)$")
_GROUP = re.compile(r"^(group|loop)\s+([A-Za-z0-9_]+)\s+([MCO])\s+(\d+|>1|n)$")


class _Where:
    """A file and field path, for error messages."""

    def __init__(self, file: str, path: str = "") -> None:
        self.file = file
        self.path = path

    def at(self, key: object) -> _Where:
        return _Where(self.file, f"{self.path}.{key}" if self.path else str(key))

    def fail(self, problem: str) -> ConfigurationError:
        return ConfigurationError(f"{self.file}: {self.path or '(top)'}: {problem}")


def _parse(text: bytes, name: str) -> Any:
    # PyYAML costs a command that loads the prepared form 40 ms to import: only
    # reading the YAML itself imports it.
    import yaml  # noqa: PLC0415

    from gateway import yamlfile  # noqa: PLC0415

    try:
        return yamlfile.load(text.decode("utf-8"))
    except yaml.YAMLError as err:
        raise ConfigurationError(f"{name}: not valid YAML: {err}") from err
    except UnicodeDecodeError as err:
        raise ConfigurationError(f"{name}: not UTF-8: {err}") from err


def _yaml(path: Traversable, name: str) -> Any:
    return _parse(path.read_bytes(), name)


def _max(text: str) -> int:
    return UNBOUNDED if text in (">1", "n") else int(text)


def parse_representation(text: str, where: _Where) -> tuple[str, int, int]:
    """``an..35`` -> (an, 1, 35); ``an3`` -> (an, 3, 3); ``AN 1/35`` -> (AN, 1, 35)."""
    found = _EDIFACT_REPR.match(text)
    if found:
        kind, variable, length = found.group(1), found.group(2), int(found.group(3))
        return kind, (1 if variable else length), length
    found = _X12_REPR.match(text)
    if found:
        high = UNBOUNDED if found.group(3) == ".." else int(found.group(3))
        return found.group(1), int(found.group(2)), high
    raise where.fail(f"{text!r} is not a representation like 'an..35', 'n3' or 'AN 1/35'")


def _element(eid: str, spec: Any, where: _Where) -> ElementDef:
    if not isinstance(spec, str) or " " not in spec.strip():
        raise where.fail("an element is written '<representation> <name>', e.g. 'an..35 Name'")
    text = spec.strip()
    # X12 representations have a space inside ("AN 1/35"): take three tokens then.
    if _X12_REPR.match(" ".join(text.split()[:2])):
        head, _, name = text.partition(" ")
        size, _, name = name.partition(" ")
        representation = f"{head} {size}"
    else:
        representation, _, name = text.partition(" ")
    kind, low, high = parse_representation(representation, where)
    return ElementDef(eid, name.strip(), kind, low, high)


def _member(text: Any, where: _Where) -> Member:
    if not isinstance(text, str):
        raise where.fail("a member is written '<id> <M|C|O> [repeat]', e.g. 'C507 M'")
    parts = text.split()
    if len(parts) not in (2, 3) or parts[1] not in ("M", "C", "O"):
        raise where.fail(f"{text!r}: a member is '<id> <M|C|O> [repeat]'")
    repeat = _max(parts[2]) if len(parts) == 3 else 1
    return Member(parts[0], Usage.parse(parts[1]), repeat)


def parse_rule(text: Any, where: _Where) -> Rule:
    """``P0304`` (X12 notes), ``D5 01 02`` (EDIFACT notes), ``DATE 01-2 01-3``."""
    if not isinstance(text, str):
        raise where.fail("a rule is a string such as 'P0304', 'D3 01 02' or 'DATE 01-2 01-3'")
    found = _X12_RULE.match(text.strip())
    if found:
        digits = found.group(2)
        refs = tuple(digits[i:i + 2] for i in range(0, len(digits), 2))
        if len(refs) < 2:
            raise where.fail(f"{text!r}: a syntax note names at least two elements")
        return Rule(RuleKind(found.group(1)), refs, text)
    parts = text.split()
    if parts and (parts[0] in _EDIFACT_NOTE or parts[0] == "DATE"):
        refs = tuple(parts[1:])
        if len(refs) < 2 or not all(_REF.match(r) for r in refs):
            raise where.fail(f"{text!r}: give two or more positions such as 01 or 01-2")
        kind = RuleKind.DATE if parts[0] == "DATE" else _EDIFACT_NOTE[parts[0]]
        return Rule(kind, refs, text)
    raise where.fail(f"{text!r} is not a rule ('P0304', 'D3 01 02', 'DATE 01-2 01-3')")


def _node(item: Any, where: _Where) -> Node:
    if isinstance(item, str):
        found = _NODE.match(item.strip())
        if not found:
            raise where.fail(f"{item!r}: a segment entry is '<TAG> <M|C|O> <max>'")
        return SegmentNode(found.group(1), Usage.parse(found.group(2)), _max(found.group(3)))
    if isinstance(item, dict) and len(item) == 1:
        (head, children), = item.items()
        found = _GROUP.match(str(head).strip())
        if not found:
            raise where.fail(f"{head!r}: a group is 'group <ID> <M|C|O> <max>' (X12: 'loop ...')")
        inner = where.at(found.group(2))
        if not isinstance(children, list) or not children:
            raise inner.fail("a group holds a non-empty list of entries")
        nodes = tuple(_node(child, inner.at(i)) for i, child in enumerate(children, 1))
        return GroupNode(found.group(2), Usage.parse(found.group(3)), _max(found.group(4)), nodes)
    raise where.fail(f"{item!r}: expected a segment entry or a one-key group mapping")


def _message(name: str, data: Any, where: _Where) -> MessageDef:
    if not isinstance(data, dict):
        raise where.fail("a message file is a mapping with 'message', 'name', 'structure'")
    mtype = data.get("message")
    if mtype != name:
        raise where.at("message").fail(f"{mtype!r} does not match the file name {name!r}")
    structure = data.get("structure")
    if not isinstance(structure, list) or not structure:
        raise where.at("structure").fail("a non-empty list of entries is needed")
    nodes = tuple(_node(item, where.at("structure").at(i)) for i, item in
                  enumerate(structure, 1))
    return MessageDef(name, str(data.get("name", "")), GroupNode("", Usage.MANDATORY, 1, nodes))


_DIRECTORY_KEYS = frozenset({"standard", "version", "base", "inherit_messages", "source",
                             "messages", "removed", "elements", "composites", "segments"})


@dataclass(slots=True)
class _Parts:
    """A directory while it is being read: its definitions and message structures."""

    elements: dict[str, ElementDef]
    composites: dict[str, CompositeDef]
    segments: dict[str, SegmentDef]
    messages: dict[str, MessageDef]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A directory read from YAML and the data files it was read from (paths under
    the data folder, base directories' first)."""

    directory: Directory
    sources: tuple[str, ...]


def _apply_directory(parts: _Parts, data: dict[str, Any], where: _Where) -> None:
    unknown = sorted(str(k) for k in data if k not in _DIRECTORY_KEYS)
    if unknown:
        raise where.at(unknown[0]).fail(f"not a key of directory.yaml (keys: "
                                        f"{', '.join(sorted(_DIRECTORY_KEYS))})")
    removed = data.get("removed") or {}
    if not isinstance(removed, dict):
        raise where.at("removed").fail("a mapping of elements/composites/segments to ids")
    for kind, table in (("elements", parts.elements), ("composites", parts.composites),
                        ("segments", parts.segments)):
        for ident in removed.get(kind) or []:
            if str(ident) not in table:
                raise where.at("removed").at(kind).fail(f"{ident} is not in the base")
            del table[str(ident)]
    for eid, spec in (data.get("elements") or {}).items():
        parts.elements[str(eid)] = _element(str(eid), spec, where.at("elements").at(eid))
    for cid, spec in (data.get("composites") or {}).items():
        here = where.at("composites").at(cid)
        if not isinstance(spec, dict) or not isinstance(spec.get("components"), list):
            raise here.fail("a composite has 'name' and a 'components' list")
        members = tuple(_member(m, here.at("components").at(i))
                        for i, m in enumerate(spec["components"], 1))
        parts.composites[str(cid)] = CompositeDef(str(cid), str(spec.get("name", "")), members)
    for tag, spec in (data.get("segments") or {}).items():
        here = where.at("segments").at(tag)
        if not isinstance(spec, dict) or not isinstance(spec.get("elements"), list):
            raise here.fail("a segment has 'name' and an 'elements' list")
        members = tuple(_member(m, here.at("elements").at(i))
                        for i, m in enumerate(spec["elements"], 1))
        rules = tuple(parse_rule(r, here.at("rules").at(i))
                      for i, r in enumerate(spec.get("rules") or [], 1))
        parts.segments[str(tag)] = SegmentDef(str(tag), str(spec.get("name", "")),
                                              members, rules)


def _codes_of(spec: Any, here: _Where) -> list[str]:
    codes = list(spec) if isinstance(spec, dict) else spec
    if not isinstance(codes, list) or not codes:
        raise here.fail("a code list is a non-empty list (or a mapping code: description)")
    return [str(c) for c in codes]


def _apply_codes(elements: dict[str, ElementDef], data: Any, where: _Where) -> None:
    """A code list replaces the element's (``[...]``, or ``{complete:, codes:}``),
    changes the one it has (``{add: [...], remove: [...]}``) or drops it (null)."""
    if data is None:
        return
    if not isinstance(data, dict):
        raise where.fail("codes.yaml maps element ids to code lists")
    for eid, spec in data.items():
        here = where.at(eid)
        element = elements.get(str(eid))
        if element is None:
            raise here.fail(f"element {eid} is not defined in directory.yaml")
        if spec is None:
            codes, complete = None, True
        elif isinstance(spec, dict) and ("add" in spec or "remove" in spec):
            if element.codes is None:
                raise here.fail(f"element {eid} has no code list to add to or remove from")
            unknown = sorted(str(k) for k in spec if k not in ("add", "remove"))
            if unknown:
                raise here.fail(f"{unknown[0]!r}: a change of a code list has add and remove")
            added = _codes_of(spec["add"], here.at("add")) if "add" in spec else []
            gone = _codes_of(spec["remove"], here.at("remove")) if "remove" in spec else []
            missing = sorted(set(gone) - element.codes)
            if missing:
                raise here.at("remove").fail(f"{missing[0]!r} is not in the list it changes")
            codes, complete = (element.codes - set(gone)) | set(added), element.codes_complete
        elif isinstance(spec, dict) and "codes" in spec:
            codes = frozenset(_codes_of(spec["codes"], here.at("codes")))
            complete = bool(spec.get("complete", True))
        else:
            codes, complete = frozenset(_codes_of(spec, here)), True
        elements[str(eid)] = ElementDef(
            element.id, element.name, element.kind, element.min_length, element.max_length,
            frozenset(codes) if codes is not None else None, complete)


def _check_references(parts: _Parts, name: str) -> None:
    for tag, seg in parts.segments.items():
        for pos, member in enumerate(seg.members, 1):
            if member.ref not in parts.elements and member.ref not in parts.composites:
                raise ConfigurationError(
                    f"{name}: segments.{tag}.elements.{pos}: {member.ref} is neither an "
                    "element nor a composite of this directory")
    for cid, comp in parts.composites.items():
        for pos, member in enumerate(comp.components, 1):
            if member.ref not in parts.elements:
                raise ConfigurationError(
                    f"{name}: composites.{cid}.components.{pos}: element {member.ref} is "
                    "not defined")


def _check_message(parts: _Parts, message: MessageDef, label: str) -> None:
    for tag in sorted(message.tags()):
        if tag not in parts.segments:
            raise ConfigurationError(f"{label}: structure: segment {tag} is not defined in "
                                     "the directory")


def versions(standard: str) -> list[str]:
    """The versions with data for ``standard``."""
    folder = DATA / standard
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "directory.yaml").is_file())


@cache
def load_directory(standard: str, version: str) -> Directory | None:
    """The directory for ``standard`` ``version``, or ``None`` when none ships:
    from its prepared form while that is in step with the YAML, else from the YAML."""
    if not (DATA / standard / version / "directory.yaml").is_file():
        return None
    found = prepared.read(PREPARED, DATA, standard, version)
    if found is not None:
        return found
    loaded = from_yaml(standard, version)
    return loaded.directory if loaded is not None else None


@cache
def _base(standard: str, version: str) -> Loaded | None:
    return from_yaml(standard, version)


def _file(standard: str, *steps: str) -> Traversable:
    path = DATA / standard
    for step in steps:
        path = path / step
    return path


# Message files shared by several directories are read once, as long as they
# have not changed (tests rewrite files under the same names).
_MESSAGE_FILES: dict[tuple[str, int], MessageDef] = {}


def _message_file(standard: str, holder: str, mtype: str) -> MessageDef:
    label = f"{standard}/{holder}/messages/{mtype}.yaml"
    path = _file(standard, holder, "messages", f"{mtype}.yaml")
    if not path.is_file():
        raise ConfigurationError(f"{label}: no such file")
    raw = path.read_bytes()
    key = (label, zlib.crc32(raw))
    found = _MESSAGE_FILES.get(key)
    if found is None:
        found = _MESSAGE_FILES[key] = _message(mtype, _parse(raw, label), _Where(label))
    return found


def from_yaml(standard: str, version: str) -> Loaded | None:
    """Read ``standard`` ``version`` from its YAML files (and its base's), checking
    every file; ``None`` when no such directory ships."""
    folder = DATA / standard / version
    main = folder / "directory.yaml"
    if not main.is_file():
        return None
    label = f"{standard}/{version}/directory.yaml"
    data = _yaml(main, label)
    if not isinstance(data, dict):
        raise ConfigurationError(f"{label}: (top): directory.yaml is a mapping")
    where = _Where(label)
    sources: list[str] = []
    parts = _Parts({}, {}, {}, {})
    base_name = data.get("base")
    if base_name:
        base = _base(standard, str(base_name))
        if base is None:
            raise where.at("base").fail(f"no directory {base_name!r}")
        sources.extend(base.sources)
        parts = _Parts(dict(base.directory.elements), dict(base.directory.composites),
                       dict(base.directory.segments), {})
        if data.get("inherit_messages"):
            parts.messages.update(base.directory.messages)
    sources.append(label)
    _apply_directory(parts, data, where)
    codes = folder / "codes.yaml"
    if codes.is_file():
        codes_label = f"{standard}/{version}/codes.yaml"
        sources.append(codes_label)
        _apply_codes(parts.elements, _yaml(codes, codes_label), _Where(codes_label))
    _check_references(parts, label)
    named = data.get("messages")
    if named is not None and not isinstance(named, dict):
        raise where.at("messages").fail("maps message types to the directory holding each")
    for mtype, holder in (named or {}).items():
        message = _message_file(standard, str(holder), str(mtype))
        mlabel = f"{standard}/{holder}/messages/{mtype}.yaml"
        _check_message(parts, message, mlabel)
        parts.messages[str(mtype)] = message
        sources.append(mlabel)
    own = folder / "messages"
    if own.is_dir():
        for item in sorted(own.iterdir(), key=lambda p: p.name):
            if not item.name.endswith(".yaml"):
                continue
            name = item.name[: -len(".yaml")]
            mlabel = f"{standard}/{version}/messages/{item.name}"
            if named is not None:
                if named.get(name) != version:
                    raise ConfigurationError(f"{mlabel}: directory.yaml's messages do not "
                                             f"name {version} for {name}")
                continue
            message = _message(name, _yaml(item, mlabel), _Where(mlabel))
            _check_message(parts, message, mlabel)
            parts.messages[name] = message
            sources.append(mlabel)
    notes = DATA / standard / "notes.yaml"
    if notes.is_file():
        notes_label = f"{standard}/notes.yaml"
        _apply_notes(parts, _yaml(notes, notes_label), _Where(notes_label), version)
        sources.append(notes_label)
    directory = Directory(standard, version, parts.elements, parts.composites,
                          parts.segments, parts.messages)
    return Loaded(directory, tuple(dict.fromkeys(sources)))


def _apply_notes(parts: _Parts, data: Any, where: _Where, version: str) -> None:
    """What a standard's ``notes.yaml`` adds to each of its directories: syntax notes
    and date rules per segment, and code lists the directories leave open."""
    if not isinstance(data, dict):
        raise where.fail("notes.yaml is a mapping with 'rules' and 'open_code_lists'")
    unknown = sorted(str(k) for k in data if k not in ("rules", "open_code_lists"))
    if unknown:
        raise where.at(unknown[0]).fail("notes.yaml has 'rules' and 'open_code_lists'")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise where.at("rules").fail("maps segment tags to lists of rules")
    for tag, listed in rules.items():
        here = where.at("rules").at(tag)
        if not isinstance(listed, list) or not listed:
            raise here.fail("a non-empty list of rules")
        found = [parse_rule(r, here.at(i)) for i, r in enumerate(listed, 1)]
        segment = parts.segments.get(str(tag))
        if segment is None:
            continue
        for rule in found:
            if not _fits(rule, segment, parts):
                raise here.fail(f"{rule.text!r} names a position {tag} of {version} lacks")
        new = tuple(r for r in found if r not in segment.rules)
        if new:
            parts.segments[str(tag)] = SegmentDef(segment.tag, segment.name, segment.members,
                                                  segment.rules + new)
    open_lists = data.get("open_code_lists") or {}
    if not isinstance(open_lists, dict):
        raise where.at("open_code_lists").fail("maps element ids to the list they supplement")
    for eid, why in open_lists.items():
        if not isinstance(why, str) or not why.strip():
            raise where.at("open_code_lists").at(eid).fail("say which list the codes supplement")
        element = parts.elements.get(str(eid))
        if element is not None and element.codes is not None and element.codes_complete:
            parts.elements[str(eid)] = ElementDef(
                element.id, element.name, element.kind, element.min_length,
                element.max_length, element.codes, False)


def _fits(rule: Rule, segment: SegmentDef, parts: _Parts) -> bool:
    for ref in rule.refs:
        element, _, component = ref.partition("-")
        position = int(element)
        if not 1 <= position <= len(segment.members):
            return False
        if component:
            composite = parts.composites.get(segment.members[position - 1].ref)
            if composite is None or not 1 <= int(component) <= len(composite.components):
                return False
    return True


@cache
def _aliases(standard: str) -> dict[str, dict[str, str]]:
    path = DATA / standard / "aliases.yaml"
    if not path.is_file():
        return {}
    label = f"{standard}/aliases.yaml"
    data = _yaml(path, label)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigurationError(f"{label}: maps message types to {{version: directory}}")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


_PUBLISHED = re.compile(r"^D(\d\d)([A-Z])$")


@cache
def newest_version(standard: str) -> str | None:
    """The latest directory shipped for ``standard`` (EDIFACT D.24A after D.99B), or
    ``None`` where versions are not directories of one line (X12)."""
    found = [(int(m.group(1)) + (1900 if int(m.group(1)) >= 90 else 2000), m.group(2), v)
             for v in versions(standard) if (m := _PUBLISHED.match(v))]
    return max(found)[2] if found else None


def resolve_version(standard: str, message_type: str, version: str) -> str:
    """The directory that serves ``message_type`` in ``version`` (usually ``version``)."""
    return _aliases(standard).get(message_type, {}).get(version, version)


def check_all() -> list[str]:
    """Read every shipped directory from its YAML; the names read. Raises on the
    first mistake."""
    loaded = []
    for standard in ("edifact", "x12"):
        for version in versions(standard):
            from_yaml(standard, version)
            loaded.append(f"{standard}/{version}")
    return loaded

