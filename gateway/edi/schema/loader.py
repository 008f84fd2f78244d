"""Loading message standards from the YAML data files that ship with the gateway.

The files live under ``gateway/edi/schema/data/<standard>/<version>/``:
``directory.yaml`` (elements, composites, segments), ``codes.yaml`` (code lists)
and ``messages/<TYPE>.yaml`` (structures); their format is described in
``data/README.md``. Every file is checked on load and a mistake raises
:class:`~gateway.errors.ConfigurationError` naming the file and the field.
Directories are read once and cached. This module reads package data only;
it knows nothing of interchanges or issues.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import yaml

from gateway import yamlfile
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


def _yaml(path: Traversable, name: str) -> Any:
    try:
        return yamlfile.load(path.read_text("utf-8"))
    except yaml.YAMLError as err:
        raise ConfigurationError(f"{name}: not valid YAML: {err}") from err


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


def _apply_directory(directory: Directory, data: Any, where: _Where) -> None:
    if not isinstance(data, dict):
        raise where.fail("directory.yaml is a mapping")
    for eid, spec in (data.get("elements") or {}).items():
        directory.elements[str(eid)] = _element(str(eid), spec, where.at("elements").at(eid))
    for cid, spec in (data.get("composites") or {}).items():
        here = where.at("composites").at(cid)
        if not isinstance(spec, dict) or not isinstance(spec.get("components"), list):
            raise here.fail("a composite has 'name' and a 'components' list")
        members = tuple(_member(m, here.at("components").at(i))
                        for i, m in enumerate(spec["components"], 1))
        directory.composites[str(cid)] = CompositeDef(str(cid), str(spec.get("name", "")),
                                                      members)
    for tag, spec in (data.get("segments") or {}).items():
        here = where.at("segments").at(tag)
        if not isinstance(spec, dict) or not isinstance(spec.get("elements"), list):
            raise here.fail("a segment has 'name' and an 'elements' list")
        members = tuple(_member(m, here.at("elements").at(i))
                        for i, m in enumerate(spec["elements"], 1))
        rules = tuple(parse_rule(r, here.at("rules").at(i))
                      for i, r in enumerate(spec.get("rules") or [], 1))
        directory.segments[str(tag)] = SegmentDef(str(tag), str(spec.get("name", "")),
                                                  members, rules)


def _apply_codes(directory: Directory, data: Any, where: _Where) -> None:
    if data is None:
        return
    if not isinstance(data, dict):
        raise where.fail("codes.yaml maps element ids to code lists")
    for eid, spec in data.items():
        here = where.at(eid)
        complete = True
        codes = spec
        if isinstance(spec, dict) and "codes" in spec:
            complete = bool(spec.get("complete", True))
            codes = spec["codes"]
        if isinstance(codes, dict):
            codes = list(codes)
        if not isinstance(codes, list) or not codes:
            raise here.fail("a code list is a non-empty list (or a mapping code: description)")
        element = directory.elements.get(str(eid))
        if element is None:
            raise here.fail(f"element {eid} is not defined in directory.yaml")
        directory.elements[str(eid)] = ElementDef(
            element.id, element.name, element.kind, element.min_length, element.max_length,
            frozenset(str(c) for c in codes), complete)


def _check_references(directory: Directory, name: str) -> None:
    for tag, seg in directory.segments.items():
        for pos, member in enumerate(seg.members, 1):
            if member.ref not in directory.elements and member.ref not in directory.composites:
                raise ConfigurationError(
                    f"{name}: segments.{tag}.elements.{pos}: {member.ref} is neither an "
                    "element nor a composite of this directory")
    for cid, comp in directory.composites.items():
        for pos, member in enumerate(comp.components, 1):
            if member.ref not in directory.elements:
                raise ConfigurationError(
                    f"{name}: composites.{cid}.components.{pos}: element {member.ref} is "
                    "not defined")


def versions(standard: str) -> list[str]:
    """The versions with data for ``standard``."""
    folder = DATA / standard
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "directory.yaml").is_file())


@cache
def load_directory(standard: str, version: str) -> Directory | None:
    """The directory for ``standard`` ``version``, or ``None`` when none ships."""
    folder = DATA / standard / version
    main = folder / "directory.yaml"
    if not main.is_file():
        return None
    label = f"{standard}/{version}/directory.yaml"
    data = _yaml(main, label)
    base_name = data.get("base") if isinstance(data, dict) else None
    directory = Directory(standard, version)
    if base_name:
        base = load_directory(standard, str(base_name))
        if base is None:
            raise ConfigurationError(f"{label}: base: no directory {base_name!r}")
        directory.elements.update(base.elements)
        directory.composites.update(base.composites)
        directory.segments.update(base.segments)
        if data.get("inherit_messages"):
            directory.messages.update(base.messages)
    _apply_directory(directory, data, _Where(label))
    codes = folder / "codes.yaml"
    if codes.is_file():
        codes_label = f"{standard}/{version}/codes.yaml"
        _apply_codes(directory, _yaml(codes, codes_label), _Where(codes_label))
    _check_references(directory, label)
    messages = folder / "messages"
    if messages.is_dir():
        for item in sorted(messages.iterdir(), key=lambda p: p.name):
            if not item.name.endswith(".yaml"):
                continue
            name = item.name[: -len(".yaml")]
            mlabel = f"{standard}/{version}/messages/{item.name}"
            message = _message(name, _yaml(item, mlabel), _Where(mlabel))
            _check_message(directory, message, mlabel)
            directory.messages[name] = message
    return directory


def _check_message(directory: Directory, message: MessageDef, label: str) -> None:
    for tag in sorted(message.tags()):
        if tag not in directory.segments:
            raise ConfigurationError(f"{label}: structure: segment {tag} is not defined in "
                                     "the directory")


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


def resolve_version(standard: str, message_type: str, version: str) -> str:
    """The directory that serves ``message_type`` in ``version`` (usually ``version``)."""
    return _aliases(standard).get(message_type, {}).get(version, version)


def check_all() -> list[str]:
    """Load every shipped directory; the names loaded. Raises on the first mistake."""
    loaded = []
    for standard in ("edifact", "x12"):
        for version in versions(standard):
            load_directory(standard, version)
            loaded.append(f"{standard}/{version}")
    return loaded
