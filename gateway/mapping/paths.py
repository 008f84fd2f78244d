"""Paths into messages: where a mapping finds a value or a repeating part.

EDI paths name group occurrences, segments and elements, each with optional
predicates::

    BGM/02                       element 2 of BGM
    DTM[01-1=137]/01-2           the DTM whose 01-1 is 137, its 01-2
    NAD[01=BY|BT]/02-1           a NAD with 01 BY or BT
    SG2[NAD/01=SU]/RFF/01-2      in the SG2 whose NAD is a supplier, RFF 01-2
    N1[01=ST]/04                 X12: the N1 loop's trigger segment with N101 = ST
    N3#2/01                      the second N3 (of those the predicates let through)
    DTM[2005=137]/2380           elements by data element number (EDIFACT)
    ../LOC/02                    from a group occurrence, the one that holds it
    @parent/MAN[01=GM]/02        from an X12 HL loop (EDIFACT CPS group), the one its 02 names

A step that names a segment which triggers child groups reaches into those
groups' first segments, so ``NAD[01=BY]`` works from the message. Paths are
compiled once against the message structure and the segment directory, so a
wrong name fails when the mapping is loaded, not when a message arrives; the
first value of a path is then found by closures built for its shape
(:meth:`ValuePath.finder`), which the general step-by-step walk
(:meth:`ValuePath.first_walked`) stays the reference for.
XML documents use XPath (:func:`compile_xpath`). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.edi.schema.model import Directory, GroupNode, SegmentNode
from gateway.edi.schema.structure import Instance
from gateway.edi.tree import Segment
from gateway.mapping.values import split_outside_brackets

Context = Instance | Segment
_POSITION = re.compile(r"^(\d\d)(?:-(\d+))?$")
_ELEMENT_ID = re.compile(r"^([A-Z]?\d{3,4})(?:-(\d+))?$")
_STEP = re.compile(r"^([A-Za-z0-9_-]+)((?:\[[^\]]*\])*)(?:#(\d+))?$")
_PREDICATE = re.compile(r"\[([^\]=!]+)(!?=)([^\]]*)\]")


class PathError(ValueError):
    """A path that does not fit the message structure; the loader names the file."""


class _OwnElement:
    """An element of the context segment itself, for predicates like ``[01=BY]``."""

    def __init__(self, position: int, component: int) -> None:
        self.position = position
        self.component = component

    def first(self, context: Context) -> str | None:
        if isinstance(context, Segment):
            return context.get(self.position, self.component) or None
        return None


@dataclass(frozen=True, slots=True)
class _Predicate:
    path: ValuePath | _OwnElement
    values: frozenset[str]
    negate: bool

    def holds(self, context: Context) -> bool:
        found = self.path.first(context)
        hit = (found or "") in self.values
        return not hit if self.negate else hit

    def on_segment(self) -> Callable[[Segment], bool]:
        """The test on a segment's own element, without the general dispatch: the
        predicates of segment steps run for every candidate segment."""
        path = self.path
        if not isinstance(path, _OwnElement):
            return self.holds
        element, component = path.position - 1, path.component - 1
        values, negate = self.values, self.negate

        def holds(seg: Segment) -> bool:
            elements = seg.elements
            if element < len(elements):
                components = elements[element]
                found = components[component] if component < len(components) else ""
            else:
                found = ""
            return (found in values) is not negate
        return holds

    def on_group(self) -> Callable[[Context], bool]:
        """The test on a group occurrence: its path's compiled finder, then the values."""
        path = self.path
        if isinstance(path, _OwnElement):
            return self.holds
        find = path.finder()
        values, negate = self.values, self.negate

        def holds(context: Context) -> bool:
            return ((find(context) or "") in values) is not negate
        return holds


Step = Callable[[list[Context]], list[Context]]
Finder = Callable[[Context], str | None]


@dataclass(frozen=True, slots=True)
class SegmentRead:
    """What a path reads of a message: the segments tagged ``tag``; when ``values``
    is given, only those whose element ``position`` (component ``component``) holds
    one of them (``DTM[01=002]`` reads the DTM 002, not a DTM 001 beside it)."""

    tag: str
    position: int = 0
    component: int = 0
    values: frozenset[str] | None = None

    def covers(self, seg: Segment) -> bool:
        if self.values is None:
            return True
        return (seg.get(self.position, self.component) or "") in self.values


@dataclass(frozen=True, slots=True)
class _Walk:
    """One step of a path as data, from which :func:`_finder` builds the closures
    that find a first value: ``kind`` is ``up`` (``..``), ``parent`` (``@parent``),
    ``group`` (occurrences of ``key``) or ``segment`` (segments tagged ``tag``, met
    directly when ``direct`` and as the triggers of the groups in ``via``; only the
    ``occurrence``-th of those, counted from 1, when it is not 0)."""

    kind: str
    preds: tuple[_Predicate, ...] = ()
    key: str = ""
    tag: str = ""
    direct: bool = False
    via: tuple[str, ...] = ()
    occurrence: int = 0


def _split_steps(text: str) -> list[str]:
    """Split at '/' outside brackets."""
    return split_outside_brackets(text, "/")


class ValuePath:
    """A compiled EDI path; :meth:`values` yields strings, :meth:`nodes` contexts."""

    def __init__(self, text: str, structure: GroupNode | None, directory: Directory, *,
                 segment: str | None = None, nodes_only: bool = False,
                 enclosing: tuple[GroupNode, ...] = ()) -> None:
        """Compile ``text`` from a group of the structure, or from inside a segment
        of tag ``segment`` (then the path is an element of it). ``nodes_only``
        paths end at groups or segments, for iterating. ``enclosing`` are the
        groups around ``structure``, outermost first, which ``..`` steps climb to."""
        self.text = text
        self._node_steps: list[Step] = []
        self._element: tuple[int, int] | None = None
        self.end_group: GroupNode | None = None
        self.end_tag: str | None = None
        # The groups around end_group, outermost first (for paths from there on).
        self.end_enclosing: tuple[GroupNode, ...] = ()
        self._enclosing = enclosing
        # The same steps as data, for the finder of first values.
        self._walk: list[_Walk] = []
        self._compile(text, structure, directory, segment)
        if nodes_only and self._element is not None:
            raise PathError(f"{text!r}: ends at an element; give a group or segment to repeat")
        if not nodes_only and self._element is None:
            raise PathError(f"{text!r}: ends at a group or segment; give an element")
        self._find: Finder = _nothing if self._element is None else \
            _finder(self._walk, self._element, self._node_steps)
        self._values = self._compile_values()

    def _compile(self, text: str, group: GroupNode | None, directory: Directory,
                 segment: str | None) -> None:
        tag: str | None = segment  # the segment the next element ref belongs to
        parts = _split_steps(text)
        enclosing = self._enclosing
        while parts[0] in ("..", PARENT) and len(parts) > 1:
            if segment is not None or group is None:
                raise PathError(f"{text!r}: {parts[0]!r} climbs from a group; inside "
                                f"{segment} a path names one of its elements")
            if parts[0] == PARENT:
                # Hierarchies kept in ids (X12 HL, EDIFACT CPS): the levels are
                # sibling loops, and element 02 of the trigger names the parent's 01.
                if group.trigger not in ("HL", "CPS"):
                    raise PathError(f"{text!r}: '{PARENT}' climbs from an X12 HL loop or "
                                    "an EDIFACT CPS group to the one its 02 names")
                self._node_steps.append(_parent_step)
                self._walk.append(_Walk("parent", tag=group.trigger))
            else:
                if not enclosing:
                    raise PathError(f"{text!r}: '..' climbs above "
                                    f"{group.id or 'the message'}, and nothing encloses it")
                group, enclosing = enclosing[-1], enclosing[:-1]
                self._node_steps.append(_up_step)
                self._walk.append(_Walk("up"))
            parts = parts[1:]
        if segment is not None and not _is_ref(parts[0]):
            raise PathError(f"{text!r}: inside {segment}, a path names one of its elements")
        for i, part in enumerate(parts):
            found = _STEP.match(part)
            if not found:
                raise PathError(f"{text!r}: {part!r} is not a path step")
            name, predicates = found.group(1), found.group(2)
            occurrence = int(found.group(3) or 0)
            if found.group(3) is not None and occurrence < 1:
                raise PathError(f"{text!r}: occurrences are counted from 1, not {occurrence}")
            last = i == len(parts) - 1
            if tag is not None:
                if predicates or occurrence:
                    raise PathError(f"{text!r}: an element step takes no predicate")
                if not last:
                    raise PathError(f"{text!r}: nothing can follow an element ({name})")
                self._element = self._element_ref(name, tag, directory, text)
                return
            if group is None:
                raise PathError(f"{text!r}: {name!r} follows a segment; give an element")
            child_group = next((c for c in group.children
                                if isinstance(c, GroupNode) and c.id == name), None)
            if child_group is not None and not _is_ref(parts[i + 1] if not last else ""):
                if occurrence:
                    raise PathError(f"{text!r}: #{occurrence} picks a segment; a group's "
                                    "occurrences are told apart by predicates")
                preds = self._predicates(predicates, child_group, None, directory, text)
                self._node_steps.append(_group_step(name, preds))
                self._walk.append(_Walk("group", preds, key="#" + name))
                enclosing = (*enclosing, group)
                group = child_group
                self.end_group, self.end_tag = group, None
                self.end_enclosing = enclosing
                continue
            if not _segment_reachable(group, name):
                raise PathError(f"{text!r}: no segment or group {name!r} here "
                                f"(in {group.id or 'the message'})")
            if name not in directory.segments:
                raise PathError(f"{text!r}: {name} is not a segment of {directory.version}")
            preds = self._predicates(predicates, None, name, directory, text)
            self._node_steps.append(_segment_step(name, group, preds, occurrence))
            self._walk.append(_Walk(
                "segment", preds, tag=name,
                direct=any(isinstance(c, SegmentNode) and c.tag == name for c in group.children),
                via=tuple("#" + c.id for c in group.children
                          if isinstance(c, GroupNode) and c.trigger == name),
                occurrence=occurrence))
            tag = name
            group = None
            self.end_group, self.end_tag = None, name

    @staticmethod
    def _element_ref(name: str, tag: str, directory: Directory, text: str) -> tuple[int, int]:
        found = _POSITION.match(name)
        if found:
            position, part = int(found.group(1)), int(found.group(2) or 1)
            members = directory.segments[tag].members
            if not 1 <= position <= len(members):
                raise PathError(f"{text!r}: {tag} has {len(members)} data elements, "
                                f"not {position}")
            held = directory.composites.get(members[position - 1].ref)
            width = len(held.components) if held is not None else 1
            if not 1 <= part <= width:
                raise PathError(f"{text!r}: {tag} element {position:02d} has {width} "
                                f"component{'s' if width > 1 else ''}, not {part}")
            return position, part
        found = _ELEMENT_ID.match(name)
        if not found:
            raise PathError(f"{text!r}: {name!r} is neither a position (01, 01-2) nor a "
                            "data element number")
        eid = found.group(1)
        definition = directory.segments[tag]
        for pos, member in enumerate(definition.members, 1):
            if member.ref == eid:
                return pos, int(found.group(2) or 1)
            composite = directory.composites.get(member.ref)
            if composite is not None:
                for cpos, component in enumerate(composite.components, 1):
                    if component.ref == eid:
                        return pos, cpos
        raise PathError(f"{text!r}: {tag} has no data element {eid}")

    @staticmethod
    def _predicates(text: str, scope: GroupNode | None, tag: str | None, directory: Directory,
                    whole: str) -> tuple[_Predicate, ...]:
        """Predicates of a step: on a group (``scope``), paths inside it; on a
        segment (``tag``), its own elements."""
        preds = []
        for found in _PREDICATE.finditer(text):
            lhs, op, rhs = found.group(1).strip(), found.group(2), found.group(3)
            path: ValuePath | _OwnElement
            if tag is not None:
                if not _is_ref(lhs):
                    raise PathError(f"{whole!r}: a segment's predicate names one of its "
                                    f"elements, not {lhs!r}")
                path = _OwnElement(*ValuePath._element_ref(lhs, tag, directory, whole))
            else:
                assert scope is not None
                try:
                    path = ValuePath(lhs, scope, directory)
                except PathError as err:
                    raise PathError(f"{whole!r}: in the predicate [{found.group(0)[1:-1]}]: "
                                    f"{err}") from err
            preds.append(_Predicate(path, frozenset(v.strip() for v in rhs.split("|")),
                                    op == "!="))
        return tuple(preds)

    def reads(self) -> tuple[SegmentRead, ...]:
        """The segments this path reads, its predicates' paths included: a segment
        step with a predicate on one of its own elements (``[01=ST]``, not ``!=``)
        reads only the segments it lets through."""
        out: list[SegmentRead] = []
        for step in self._walk:
            for pred in step.preds:
                if isinstance(pred.path, ValuePath):
                    out.extend(pred.path.reads())
            if step.kind == "parent":
                # The hierarchy is read from the trigger's ids (HL 01/02, CPS 01/02).
                out.append(SegmentRead(step.tag))
            if step.kind != "segment":
                continue
            own = next((p for p in step.preds
                        if isinstance(p.path, _OwnElement) and not p.negate), None)
            if own is None or not isinstance(own.path, _OwnElement):
                out.append(SegmentRead(step.tag))
            else:
                out.append(SegmentRead(step.tag, own.path.position, own.path.component,
                                       own.values))
        return tuple(out)

    def nodes(self, context: Context) -> list[Context]:
        current: list[Context] = [context]
        for step in self._node_steps:
            current = step(current)
        return current

    def values(self, context: Context) -> list[str]:
        """Every value, in order; compiled like :meth:`first` for the commonest shape."""
        return self._values(context)

    def values_walked(self, context: Context) -> list[str]:
        """:meth:`values` by the general step functions: the reference for it."""
        element = self._element
        if element is None:
            return []
        pos, comp = element
        return [v for node in self.nodes(context)
                if isinstance(node, Segment) and (v := node.get(pos, comp))]

    def _compile_values(self) -> Callable[[Context], list[str]]:
        walk, element = self._walk, self._element
        if element is None or len(walk) != 1 or walk[0].kind != "segment" \
                or not walk[0].direct or walk[0].via or walk[0].occurrence:
            return self.values_walked
        # One segment the group holds itself (NAD/04-1, FTX/04-1): its list, read once.
        tag, (position, component) = walk[0].tag, element
        tests = tuple(p.on_segment() for p in walk[0].preds)

        def values(context: Context) -> list[str]:
            if not isinstance(context, Instance):
                return []
            return [v for seg in context.index().get(tag, ())
                    if all(test(seg) for test in tests) and (v := seg.get(position, component))]
        return values

    def first(self, context: Context) -> str | None:
        """The first value: steps are walked depth first and stop at the first hit."""
        return self._find(context)

    def finder(self) -> Finder:
        """:meth:`first` as a plain function, compiled for the shape of the path:
        what mappings call for every field of every message."""
        return self._find

    def guarded_by(self, condition: ValuePath, values: frozenset[str] | None,
                   negate: bool) -> Finder:
        """A finder of the first value, given only where ``condition``'s first value
        is one of ``values`` (``negate``: is none of them; ``values`` None: is there);
        None elsewhere. The ``from`` and ``when`` of one mapping spec: when both
        read the same directly held segment, a context holding one such segment is
        read once for both."""
        find, test = self._find, condition._find
        if values is None:
            def general(context: Context) -> str | None:
                return None if test(context) is None else find(context)
        else:
            def general(context: Context) -> str | None:
                return None if ((test(context) or "") in values) is negate else find(context)
        read = self.held_read(condition, values, negate)
        return general if read is None else first_held((read,), general)

    def held_read(self, condition: ValuePath | None = None,
                  values: frozenset[str] | None = None, negate: bool = False
                  ) -> HeldRead | None:
        """This path as a :class:`HeldRead` (under ``condition``, as in
        :meth:`guarded_by`), when it and the condition are one segment held directly
        by the group, without predicates, then an element; else None."""
        mine = self._held_element()
        if mine is None:
            return None
        if condition is None:
            return HeldRead(*mine, None)
        theirs = condition._held_element()
        if theirs is None or theirs[0] != mine[0]:
            return None
        return HeldRead(*mine, (theirs[1], theirs[2], values, negate))

    def _held_element(self) -> tuple[str, int, int] | None:
        if len(self._walk) != 1 or self._element is None:
            return None
        step = self._walk[0]
        if step.kind != "segment" or not step.direct or step.via or step.preds \
                or step.occurrence:
            return None
        return step.tag, self._element[0] - 1, self._element[1] - 1

    def first_walked(self, context: Context) -> str | None:
        """:meth:`first` by the general step functions, without the compiled finder:
        the reference the finders are held to."""
        if self._element is None:
            return None
        return _first(context, self._node_steps, 0, self._element)


@dataclass(frozen=True, slots=True)
class HeldRead:
    """An element (0-based ``position`` and ``component``) of the segments tagged
    ``tag`` that a group holds directly, read where ``test`` holds on an element
    of the same segment: its position, component, the values it must be one of
    (None: any non-empty value) and whether it must rather be none of them."""

    tag: str
    position: int
    component: int
    test: tuple[int, int, frozenset[str] | None, bool] | None


def first_held(reads: tuple[HeldRead, ...], general: Finder) -> Finder:
    """The first value of the first of ``reads`` (all of one tag) that gives one:
    an occurrence holding a single segment of the tag, the common case, is read
    once for all; any other goes to ``general``, which must find the same."""
    tag = reads[0].tag
    assert all(read.tag == tag for read in reads)
    table = tuple((read.position, read.component,
                   -1 if read.test is None else read.test[0],
                   0 if read.test is None else read.test[1],
                   frozenset() if read.test is None or read.test[2] is None else read.test[2],
                   read.test is not None and read.test[2] is None,
                   read.test is not None and read.test[3]) for read in reads)

    def find(context: Context) -> str | None:
        if not isinstance(context, Instance):
            return None
        index = context.indexed  # see _segment_finder
        held = _held(context, tag) if index is None else index.get(tag)
        if not held:
            return None  # no segment, no value, whatever the conditions say
        if len(held) != 1:
            return general(context)
        elements = held[0].elements
        count = len(elements)
        for position, component, at, part, values, presence, negate in table:
            if at >= 0:
                if at < count:
                    components = elements[at]
                    found = components[part] if part < len(components) else ""
                else:
                    found = ""
                if presence:
                    if not found:
                        continue
                elif (found in values) is negate:
                    continue
            if position < count:
                components = elements[position]
                if component < len(components):
                    value: str = components[component]
                    if value:
                        return value
        return None
    return find


def _first(context: Context, steps: list[Step], at: int,
           element: tuple[int, int]) -> str | None:
    if at == len(steps):
        if isinstance(context, Segment):
            return context.get(element[0], element[1]) or None
        return None
    for node in steps[at]([context]):
        found = _first(node, steps, at + 1, element)
        if found:
            return found
    return None


def _nothing(context: Context) -> str | None:
    return None


def _finder(walk: list[_Walk], element: tuple[int, int], steps: list[Step]) -> Finder:
    """The first value of a path, as nested closures specialised per step: the
    steps before the last segment wrap the segment's finder, depth first."""
    position, component = element[0] - 1, element[1] - 1
    if not walk:
        return _own_finder(position, component)
    *before, last = walk
    if last.kind != "segment" or any(w.kind == "segment" for w in before):
        # Not a shape _compile builds; the general walk stays right for any.
        return lambda context: _first(context, steps, 0, element)
    find = _segment_finder(last, position, component)
    for step in reversed(before):
        find = _wrap(step, find)
    return find


def _own_finder(position: int, component: int) -> Finder:
    """An element of the context segment itself (paths inside ``each`` over segments)."""
    def find(context: Context) -> str | None:
        if isinstance(context, Segment):
            elements = context.elements
            if position < len(elements):
                components = elements[position]
                if component < len(components):
                    return components[component] or None
        return None
    return find


def _held(context: Instance, tag: str) -> Sequence[Any]:
    """``context.index().get(tag, ())``; an occurrence holding one item (a group of
    one segment, as most price groups are) is answered without building its index."""
    items = context.items
    if len(items) == 1:
        item = items[0]
        return items if isinstance(item, Segment) and item.tag == tag else ()
    return context.index().get(tag, ())


def _segment_finder(step: _Walk, position: int, component: int) -> Finder:
    # The finders read an occurrence's index from Instance.indexed once built
    # (Instance.index() builds it on the first call): they run for every field of
    # every message, and the method call is a good part of their cost.
    tag, preds, via = step.tag, step.preds, step.via
    tests = tuple(p.on_segment() for p in preds)
    if step.occurrence:
        return _occurrence_finder(step, tests, position, component)
    if step.direct and not via and not preds:
        def find_plain(context: Context) -> str | None:
            if isinstance(context, Instance):
                index = context.indexed
                for seg in (_held(context, tag) if index is None else index.get(tag, ())):
                    elements = seg.elements
                    if position < len(elements):
                        components = elements[position]
                        if component < len(components):
                            value: str = components[component]
                            if value:
                                return value
            return None
        return find_plain
    if step.direct and not via and len(preds) == 1 and isinstance(preds[0].path, _OwnElement):
        # One qualifier test on the segment's own element (DTM[01-1=137]): inlined.
        own = preds[0].path
        at, part = own.position - 1, own.component - 1
        values, negate = preds[0].values, preds[0].negate

        def find_qualified(context: Context) -> str | None:
            if isinstance(context, Instance):
                index = context.indexed
                for seg in (_held(context, tag) if index is None else index.get(tag, ())):
                    elements = seg.elements
                    count = len(elements)
                    if at < count:
                        held = elements[at]
                        found = held[part] if part < len(held) else ""
                    else:
                        found = ""
                    if (found in values) is negate or position >= count:
                        continue
                    components = elements[position]
                    if component < len(components):
                        value: str = components[component]
                        if value:
                            return value
            return None
        return find_qualified
    direct = step.direct
    if not direct and len(via) == 1 and all(isinstance(p.path, _OwnElement) for p in preds):
        return _trigger_finder(tag, via[0], preds, position, component)

    def find(context: Context) -> str | None:
        if not isinstance(context, Instance):
            return None
        index = context.indexed
        if index is None:
            index = context.index()
        if direct:
            for seg in index.get(tag, ()):
                value = _tested_value(seg, tests, position, component)
                if value:
                    return value
        for key in via:
            for inst in index.get(key, ()):
                trigger = inst.trigger()
                if trigger is not None and trigger.tag == tag:
                    value = _tested_value(trigger, tests, position, component)
                    if value:
                        return value
        return None
    return find


def _occurrence_finder(step: _Walk, tests: tuple[Callable[[Segment], bool], ...],
                       position: int, component: int) -> Finder:
    """``N3#2``: the element of the ``occurrence``-th segment that passes the
    tests, in the order of :func:`_segment_step` (held directly, then triggers);
    nothing when that one lacks the element, not a value of a later one."""
    tag, direct, via, wanted = step.tag, step.direct, step.via, step.occurrence

    def find_nth(context: Context) -> str | None:
        if not isinstance(context, Instance):
            return None
        index = context.indexed  # see _segment_finder
        if index is None:
            index = context.index()
        seen = 0
        candidates: list[Segment] = list(index.get(tag, ())) if direct else []
        for key in via:
            for inst in index.get(key, ()):
                trigger = inst.trigger()
                if trigger is not None and trigger.tag == tag:
                    candidates.append(trigger)
        for seg in candidates:
            if all(test(seg) for test in tests):
                seen += 1
                if seen == wanted:
                    return seg.get(position + 1, component + 1) or None
        return None
    return find_nth


def _trigger_finder(tag: str, key: str, preds: tuple[_Predicate, ...], position: int,
                    component: int) -> Finder:
    """A segment met only as the trigger of one inner group (an X12 loop's PID or N1
    from the PO1 loop), with qualifier tests on its own elements: inlined."""
    checks = tuple((p.path.position - 1, p.path.component - 1, p.values, p.negate)
                   for p in preds if isinstance(p.path, _OwnElement))

    def find_trigger(context: Context) -> str | None:
        if isinstance(context, Instance):
            index = context.indexed  # see _segment_finder
            for inst in (context.index() if index is None else index).get(key, ()):
                items = inst.items
                first = items[0] if items else None
                trigger = first if isinstance(first, Segment) else inst.trigger()
                if trigger is None or trigger.tag != tag:
                    continue
                elements = trigger.elements
                count = len(elements)
                fits = True
                for at, part, values, negate in checks:
                    if at < count:
                        held = elements[at]
                        found = held[part] if part < len(held) else ""
                    else:
                        found = ""
                    if (found in values) is negate:
                        fits = False
                        break
                if fits and position < count:
                    components = elements[position]
                    if component < len(components):
                        value: str = components[component]
                        if value:
                            return value
        return None
    return find_trigger


def _tested_value(seg: Segment, tests: tuple[Callable[[Segment], bool], ...],
                  position: int, component: int) -> str | None:
    for test in tests:
        if not test(seg):
            return None
    elements = seg.elements
    if position < len(elements):
        components = elements[position]
        if component < len(components):
            return components[component]
    return None


def _wrap(step: _Walk, then: Finder) -> Finder:
    """The finder through one step before the last: each node it reaches, in order,
    until ``then`` finds a value there."""
    if step.kind == "group":
        key = step.key
        tests = tuple(p.on_group() for p in step.preds)

        def through_group(context: Context) -> str | None:
            if isinstance(context, Instance):
                index = context.indexed
                for inst in (context.index() if index is None else index).get(key, ()):
                    fits = True
                    for test in tests:
                        if not test(inst):
                            fits = False
                            break
                    if fits:
                        found = then(inst)
                        if found:
                            return found
            return None
        return through_group
    walk = _up_step if step.kind == "up" else _parent_step

    def through(context: Context) -> str | None:
        for node in walk([context]):
            found = then(node)
            if found:
                return found
        return None
    return through


def _is_ref(part: str) -> bool:
    name = part.split("[", 1)[0]
    return bool(_POSITION.match(name) or _ELEMENT_ID.match(name))


def _segment_reachable(group: GroupNode, tag: str) -> bool:
    return any(
        (isinstance(c, SegmentNode) and c.tag == tag)
        or (isinstance(c, GroupNode) and c.trigger == tag) for c in group.children)


PARENT = "@parent"


def _parent_step(contexts: list[Context]) -> list[Context]:
    """``@parent``: from HL loops (CPS groups) to the ones their 02 names, among
    the occurrences of the same group in the same holder."""
    found: list[Context] = []
    for context in contexts:
        if not isinstance(context, Instance):
            continue
        trigger = context.trigger()
        holder = context.up()
        if trigger is None or holder is None or not trigger.get(2):
            continue
        wanted = trigger.get(2)
        for sibling in holder.index().get("#" + context.id, ()):
            head = sibling.trigger()
            if head is not None and head.get(1) == wanted:
                found.append(sibling)
                break
    return found


def _up_step(contexts: list[Context]) -> list[Context]:
    """``..``: from group occurrences to the occurrences that hold them."""
    found: list[Context] = []
    for context in contexts:
        if isinstance(context, Instance):
            parent = context.up()
            if parent is not None:
                found.append(parent)
    return found


def _group_step(group_id: str, preds: tuple[_Predicate, ...]) -> Step:
    key = "#" + group_id

    def step(contexts: list[Context]) -> list[Context]:
        found: list[Context] = []
        for context in contexts:
            if isinstance(context, Instance):
                for inst in context.index().get(key, ()):
                    if not preds or all(p.holds(inst) for p in preds):
                        found.append(inst)
        return found
    return step


def _segment_step(tag: str, group: GroupNode, preds: tuple[_Predicate, ...],
                  occurrence: int = 0) -> Step:
    direct = any(isinstance(c, SegmentNode) and c.tag == tag for c in group.children)
    via = ["#" + c.id for c in group.children if isinstance(c, GroupNode) and c.trigger == tag]

    def step(contexts: list[Context]) -> list[Context]:
        found: list[Context] = []
        for context in contexts:
            if not isinstance(context, Instance):
                continue
            index = context.index()
            candidates: list[Segment] = list(index.get(tag, ())) if direct else []
            for key in via:
                for inst in index.get(key, ()):
                    trigger = inst.trigger()
                    if trigger is not None and trigger.tag == tag:
                        candidates.append(trigger)
            if preds:
                candidates = [c for c in candidates if all(p.holds(c) for p in preds)]
            if occurrence:
                # ``#n``: the n-th of them in each context, if it has that many.
                candidates = candidates[occurrence - 1:occurrence]
            found.extend(candidates)
        return found
    return step


# -- XML ---------------------------------------------------------------------------------

UBL_NAMESPACES = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}


class XmlPath:
    """A compiled XPath; values are element text or attribute values, stripped
    unless ``strip`` is false (free text, kept as written)."""

    def __init__(self, text: str, namespaces: dict[str, str], *, strip: bool = True) -> None:
        self.text = text
        # Whitespace around codes, identifiers, numbers and dates is layout (their
        # UBL types are xsd:normalizedString or xsd:token, which collapse it, and
        # a pretty-printed document indents them); around free text (xsd:string,
        # whiteSpace preserve; cXML #PCDATA) it is part of the value.
        self.strip = strip
        try:
            self._xpath = etree.XPath(text, namespaces=namespaces)
            # Evaluated once on an empty element: an undeclared prefix or unknown
            # function fails here, on load, rather than on a partner's document.
            self._xpath(etree.Element("probe"))
        except etree.XPathError as err:
            raise PathError(f"{text!r}: not a valid XPath: {err}") from err

    def nodes(self, context: etree._Element) -> Iterator[etree._Element]:
        found = self._xpath(context)
        if isinstance(found, list):
            for item in found:
                if isinstance(item, etree._Element):
                    yield item

    def values(self, context: etree._Element) -> Iterator[str]:
        found = self._xpath(context)
        items = found if isinstance(found, list) else [found]
        strip = self.strip
        for item in items:
            if isinstance(item, etree._Element):
                text = "".join(str(t) for t in item.itertext())
            elif isinstance(item, str | bytes):
                text = item.decode() if isinstance(item, bytes) else str(item)
            elif isinstance(item, bool):
                text = "true" if item else ""  # a false condition is no value
            elif isinstance(item, float | int):
                text = str(item)
            else:
                continue
            stripped = text.strip()
            # Blanks alone are no value either way (an element left empty but
            # for the indentation of a pretty-printed document).
            if stripped:
                yield stripped if strip else text

    def first(self, context: etree._Element) -> str | None:
        return next(self.values(context), None)

    def finder(self) -> Callable[[etree._Element], str | None]:
        """:meth:`first` as a function, as :meth:`ValuePath.finder` gives it."""
        return self.first


def compile_xpath(text: str, namespaces: dict[str, str]) -> XmlPath:
    return XmlPath(text, namespaces)
