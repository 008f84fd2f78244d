"""Partner implementation guides: a retailer's rules on top of the standard.

A guide is a YAML file, not Python: it can make a segment or group mandatory
or unused, lower a maximum use, narrow an element's length, require or forbid
an element, restrict or forbid codes, and impose a pattern. Paths name groups
and segments as the structure does (``SG2/NAD``, X12 ``N1/N1``); ``**/`` matches
at any depth; element references are ``02`` or ``02-1``::

    guide: ACME Retail ORDERS
    standard: edifact
    version: D96A
    message: ORDERS
    groups:
      SG2: {usage: M, max: 5}
    segments:
      SG2/NAD: {usage: M}
      FTX: {usage: X}
    elements:
      BGM/02: {max_length: 17, usage: M}
      SG2/NAD/01: {codes: [BY, SU, DP]}
      "**/DTM/01-1": {forbid: ["2"]}

Parsing and checking happen here, on text; reading the file is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from gateway import yamlfile
from gateway.edi.schema.model import (
    UNBOUNDED,
    Directory,
    GroupNode,
    MessageDef,
    Node,
    SegmentNode,
    Usage,
)
from gateway.errors import ConfigurationError

_REF = re.compile(r"^\d\d(-\d+)?$")
_ANY = "**/"


@dataclass(frozen=True, slots=True)
class StructureRule:
    usage: Usage | None = None
    max_use: int | None = None


@dataclass(frozen=True, slots=True)
class ElementRule:
    usage: Usage | None = None
    min_length: int | None = None
    max_length: int | None = None
    codes: frozenset[str] | None = None
    forbidden: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None


def _matches(rule_path: str, path: str) -> bool:
    if rule_path.startswith(_ANY):
        tail = rule_path[len(_ANY):]
        return path == tail or path.endswith("/" + tail)
    return rule_path == path


@dataclass(slots=True)
class Guide:
    name: str
    standard: str
    version: str
    message: str
    source: str = ""  # the file the guide was read from, for error messages
    groups: dict[str, StructureRule] = field(default_factory=dict)
    segments: dict[str, StructureRule] = field(default_factory=dict)
    elements: dict[str, dict[str, ElementRule]] = field(default_factory=dict)
    _mandatory: set[int] = field(default_factory=set)
    _keep: list[Node] = field(default_factory=list)

    def applies_to(self, standard: str, version: str, message: str) -> bool:
        return (self.standard, self.version, self.message) == (standard, version, message)

    # -- structure -------------------------------------------------------------

    def apply(self, structure: GroupNode) -> GroupNode:
        """The structure with this guide's group and segment rules applied."""
        return self._apply_group(structure, "")

    def _apply_group(self, group: GroupNode, path: str) -> GroupNode:
        children: list[Node] = []
        for child in group.children:
            if isinstance(child, SegmentNode):
                seg_path = f"{path}/{child.tag}" if path else child.tag
                children.append(self._adjust(child, self._rule(self.segments, seg_path)))
            else:
                inner = f"{path}/{child.id}" if path else child.id
                applied = self._apply_group(child, inner)
                children.append(self._adjust(applied, self._rule(self.groups, inner)))
        return replace(group, children=tuple(children))

    @staticmethod
    def _rule(rules: dict[str, StructureRule], path: str) -> StructureRule | None:
        for key, rule in rules.items():
            if _matches(key, path):
                return rule
        return None

    def _adjust(self, node: Node, rule: StructureRule | None) -> Node:
        if rule is None:
            return node
        usage = rule.usage or node.usage
        max_use = min(node.max_use, rule.max_use) if rule.max_use else node.max_use
        new = replace(node, usage=usage, max_use=max_use)
        if usage is Usage.MANDATORY and node.usage is not Usage.MANDATORY:
            self._mandatory.add(id(new))
            self._keep.append(new)  # keeps id() stable for the guide's lifetime
        return new

    def made_mandatory(self, node: Node) -> bool:
        """Whether the guide, not the standard, makes ``node`` mandatory."""
        return id(node) in self._mandatory

    def element_rules(self, group_path: str, tag: str) -> dict[str, ElementRule]:
        """Element rules (by ``02`` / ``02-1``) for segment ``tag`` in ``group_path``."""
        seg_path = f"{group_path}/{tag}" if group_path else tag
        found: dict[str, ElementRule] = {}
        for key, rules in self.elements.items():
            if _matches(key, seg_path):
                found.update(rules)
        return found

    def check(self, directory: Directory, message: MessageDef) -> None:
        """Refuse paths and references that match nothing in the standard."""
        groups: set[str] = set()
        segments: set[str] = set()

        def walk(group: GroupNode, path: str) -> None:
            for child in group.children:
                if isinstance(child, SegmentNode):
                    segments.add(f"{path}/{child.tag}" if path else child.tag)
                else:
                    inner = f"{path}/{child.id}" if path else child.id
                    groups.add(inner)
                    walk(child, inner)

        walk(message.structure, "")
        where = self.source or self.name
        for key in self.groups:
            if not any(_matches(key, g) for g in groups):
                raise ConfigurationError(f"{where}: groups.{key}: no such group in "
                                         f"{message.type}")
        for section, keys in (("segments", list(self.segments)),
                              ("elements", list(self.elements))):
            for key in keys:
                if not any(_matches(key, s) for s in segments):
                    raise ConfigurationError(f"{where}: {section}.{key}: no such segment in "
                                             f"{message.type}")
        for key, rules in self.elements.items():
            definition = directory.segments[key.rsplit("/", 1)[-1]]
            for ref in rules:
                element = int(ref.split("-")[0])
                if element > len(definition.members):
                    raise ConfigurationError(f"{where}: elements.{key}/{ref}: "
                                             f"{definition.tag} has {len(definition.members)} "
                                             "elements")


def _usage(value: Any, where: str) -> Usage:
    try:
        return Usage.parse(str(value))
    except ValueError as err:
        raise ConfigurationError(f"{where}: usage must be M, C or X") from err


def _structure_rule(spec: Any, where: str) -> StructureRule:
    if not isinstance(spec, dict) or not set(spec) <= {"usage", "max"}:
        raise ConfigurationError(f"{where}: give 'usage' (M, C, X) and/or 'max'")
    max_use = spec.get("max")
    if max_use is not None and (not isinstance(max_use, int) or max_use < 1):
        raise ConfigurationError(f"{where}.max: a positive whole number")
    return StructureRule(_usage(spec["usage"], f"{where}.usage") if "usage" in spec else None,
                         max_use if max_use else None)


def _element_rule(spec: Any, where: str) -> ElementRule:
    allowed = {"usage", "min_length", "max_length", "codes", "forbid", "pattern"}
    if not isinstance(spec, dict) or not set(spec) <= allowed:
        raise ConfigurationError(f"{where}: allowed keys are {', '.join(sorted(allowed))}")
    for key in ("min_length", "max_length"):
        if key in spec and (not isinstance(spec[key], int) or spec[key] < 0):
            raise ConfigurationError(f"{where}.{key}: a whole number")
    pattern = None
    if "pattern" in spec:
        try:
            pattern = re.compile(str(spec["pattern"]))
        except re.error as err:
            raise ConfigurationError(f"{where}.pattern: {err}") from err
    codes = spec.get("codes")
    if codes is not None and not isinstance(codes, list):
        raise ConfigurationError(f"{where}.codes: a list of codes")
    forbid = spec.get("forbid", [])
    if not isinstance(forbid, list):
        raise ConfigurationError(f"{where}.forbid: a list of codes")
    return ElementRule(
        usage=_usage(spec["usage"], f"{where}.usage") if "usage" in spec else None,
        min_length=spec.get("min_length"), max_length=spec.get("max_length"),
        codes=frozenset(str(c) for c in codes) if codes is not None else None,
        forbidden=frozenset(str(c) for c in forbid), pattern=pattern)


def guide_from_yaml(text: str, name: str) -> Guide:
    """Parse a guide; mistakes raise ConfigurationError naming ``name`` and the field."""
    try:
        data = yamlfile.load(text)
    except yaml.YAMLError as err:
        raise ConfigurationError(f"{name}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise ConfigurationError(f"{name}: a guide is a mapping")
    for key in ("standard", "version", "message"):
        if not isinstance(data.get(key), str | int):
            raise ConfigurationError(f"{name}: {key}: required")
    guide = Guide(str(data.get("guide", name)), str(data["standard"]), str(data["version"]),
                  str(data["message"]), source=name)
    for key, spec in (data.get("groups") or {}).items():
        guide.groups[str(key)] = _structure_rule(spec, f"{name}: groups.{key}")
    for key, spec in (data.get("segments") or {}).items():
        guide.segments[str(key)] = _structure_rule(spec, f"{name}: segments.{key}")
    for key, spec in (data.get("elements") or {}).items():
        path, _, ref = str(key).rpartition("/")
        if not path or not _REF.match(ref):
            raise ConfigurationError(f"{name}: elements.{key}: write <segment path>/<01 or "
                                     "01-2>")
        guide.elements.setdefault(path, {})[ref] = _element_rule(
            spec, f"{name}: elements.{key}")
    unknown = set(data) - {"guide", "standard", "version", "message", "groups", "segments",
                           "elements", "description"}
    if unknown:
        raise ConfigurationError(f"{name}: unknown keys {', '.join(sorted(unknown))}")
    return guide


__all__ = ["UNBOUNDED", "ElementRule", "Guide", "StructureRule", "guide_from_yaml"]
