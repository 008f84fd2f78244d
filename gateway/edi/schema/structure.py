"""Placing a message's segments in its structure: groups, loops and order.

:class:`Placer` walks the body segments of a message through the structure of
its definition, one segment at a time, keeps the group occurrences open, and
builds the message's instance tree (which segments fell in which group
occurrence). It tells a :class:`Listener` what it meets — a segment used, a
group entered, a mandatory entry skipped — so the validator can report and
the mappings can navigate with the same placement. Pure.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.edi.schema.model import GroupNode, Node, SegmentNode, Usage
from gateway.edi.tree import Segment


@dataclass(slots=True, weakref_slot=True)
class Instance:
    """One occurrence of a group (or the whole message, id ``""``) and what it holds,
    in order: its segments and the occurrences of its inner groups. An inner
    occurrence knows the one holding it through a weak reference, so a tree
    holds no reference cycle and is freed as soon as it is dropped."""

    id: str
    items: list[Segment | Instance] = field(default_factory=list)
    _index: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)
    _parent: weakref.ref[Instance] | None = field(default=None, repr=False, compare=False)

    def up(self) -> Instance | None:
        """The occurrence holding this one (None for the message, or once the tree
        above is gone)."""
        return self._parent() if self._parent is not None else None

    def index(self) -> dict[str, list[Any]]:
        """Segments by tag and inner group occurrences by ``#`` + id, built once when
        first asked (after placement, when the tree no longer changes)."""
        index = self._index
        if index is None:
            index = {}
            for item in self.items:
                key = item.tag if isinstance(item, Segment) else "#" + item.id
                found = index.get(key)
                if found is None:
                    index[key] = [item]
                else:
                    found.append(item)
            self._index = index
        return index

    def segments(self, tag: str) -> Iterator[Segment]:
        for item in self.items:
            if isinstance(item, Segment) and item.tag == tag:
                yield item

    def groups(self, group_id: str) -> Iterator[Instance]:
        for item in self.items:
            if isinstance(item, Instance) and item.id == group_id:
                yield item

    def trigger(self) -> Segment | None:
        first = self.items[0] if self.items else None
        if isinstance(first, Instance):
            return first.trigger()
        return first


class Listener(Protocol):
    def used(self, node: SegmentNode, count: int, seg: Segment, position: int,
             loop: str | None) -> None: ...

    def entered(self, group: GroupNode, count: int, seg: Segment, position: int) -> None: ...

    def missing(self, node: Node, path: str, position: int) -> None: ...


class Quiet:
    """A listener that notes nothing: for building the instance tree only."""

    def used(self, node: SegmentNode, count: int, seg: Segment, position: int,
             loop: str | None) -> None:
        return None

    def entered(self, group: GroupNode, count: int, seg: Segment, position: int) -> None:
        return None

    def missing(self, node: Node, path: str, position: int) -> None:
        return None


@dataclass(slots=True)
class _Frame:
    group: GroupNode
    path: str
    instance: Instance
    index: int = 0
    counts: list[int] = field(default_factory=list)
    loop: str | None = None  # the innermost group id, as issue locations name it


def loop_of(path: str) -> str | None:
    """The innermost group id of a group path (``SG2/SG3`` -> ``SG3``)."""
    return path.rsplit("/", 1)[-1] or None


class Layout:
    """For every group of a structure, where each tag can start: the child
    positions holding that segment or a group it triggers, in order. Placing a
    segment then looks up its tag instead of scanning every entry."""

    def __init__(self, structure: GroupNode) -> None:
        self.structure = structure  # kept alive: the tables are keyed by id()
        self.tables: dict[int, dict[str, list[int]]] = {}
        self.mandatory: dict[int, tuple[int, ...]] = {}
        self._index(structure)

    def _index(self, group: GroupNode) -> None:
        table: dict[str, list[int]] = {}
        for k, child in enumerate(group.children):
            tag = child.tag if isinstance(child, SegmentNode) else child.trigger
            table.setdefault(tag, []).append(k)
            if isinstance(child, GroupNode):
                self._index(child)
        self.tables[id(group)] = table
        self.mandatory[id(group)] = tuple(
            k for k, child in enumerate(group.children) if child.usage is Usage.MANDATORY)


_LAYOUTS: dict[int, Layout] = {}


def layout_of(structure: GroupNode) -> Layout:
    """The layout of a structure, computed once per structure object (they live
    as long as the loaded directories, which are never unloaded)."""
    found = _LAYOUTS.get(id(structure))
    if found is None or found.structure is not structure:
        found = _LAYOUTS[id(structure)] = Layout(structure)
    return found


class Placer:
    """Places segments of one message; :attr:`root` is its instance tree."""

    def __init__(self, structure: GroupNode, listener: Listener) -> None:
        self.listener = listener
        layout = layout_of(structure)
        self.tables = layout.tables
        self.mandatory = layout.mandatory
        self.root = Instance("")
        self.stack = [_Frame(structure, "", self.root, 0, [0] * len(structure.children))]

    @property
    def path(self) -> str:
        return self.stack[-1].path

    def place(self, seg: Segment, position: int) -> bool:
        """Place ``seg``; False when it fits nowhere from here (it is then kept in
        the current group occurrence, unplaced)."""
        tag = seg.tag
        stack = self.stack
        tables = self.tables
        for level in range(len(stack) - 1, -1, -1):
            frame = stack[level]
            children = frame.group.children
            candidates = tables[id(frame.group)].get(tag)
            if not candidates:
                continue
            # Within an open occurrence the trigger never repeats: it starts a new one.
            start = frame.index if level == 0 or frame.index > 0 else 1
            k = -1
            for candidate in candidates:
                if candidate < start:
                    continue
                k = candidate
                # A place already used up yields to a later place for the same tag
                # (DELFOR's UNS+D and UNS+S); the last one takes the excess.
                if candidate != frame.index or frame.counts[candidate] < \
                        children[candidate].max_use:
                    break
            if k < 0:
                continue
            child = children[k]
            while len(stack) - 1 > level:
                inner = stack.pop()
                self._missing(inner, inner.index, len(inner.group.children), position)
            first = frame.index + (1 if frame.counts[frame.index] else 0)
            self._missing(frame, first, k, position)
            frame.index = k
            frame.counts[k] += 1
            if isinstance(child, SegmentNode):
                frame.instance.items.append(seg)
                self.listener.used(child, frame.counts[k], seg, position, frame.loop)
            else:
                self._enter(child, frame, frame.counts[k], seg, position)
            return True
        stack[-1].instance.items.append(seg)
        return False

    def _enter(self, group: GroupNode, parent: _Frame, count: int, seg: Segment,
               position: int) -> None:
        self.listener.entered(group, count, seg, position)
        path = f"{parent.path}/{group.id}" if parent.path else group.id
        instance = Instance(group.id, _parent=weakref.ref(parent.instance))
        parent.instance.items.append(instance)
        frame = _Frame(group, path, instance, 0, [0] * len(group.children), group.id or None)
        frame.counts[0] = 1
        self.stack.append(frame)
        first = group.children[0]
        if isinstance(first, GroupNode):
            self._enter(first, frame, 1, seg, position)
        else:
            instance.items.append(seg)
            self.listener.used(first, 1, seg, position, frame.loop)

    def _missing(self, frame: _Frame, first: int, upto: int, position: int) -> None:
        """Report the mandatory entries in ``first..upto`` that never occurred; only
        mandatory ones can be missing, so only they are looked at."""
        if first >= upto:
            return
        for k in self.mandatory[id(frame.group)]:
            if first <= k < upto and frame.counts[k] == 0:
                self.listener.missing(frame.group.children[k], frame.path, position)

    def finish(self, position: int) -> Instance:
        """Close every open group (reporting what is still missing); the tree."""
        while self.stack:
            frame = self.stack.pop()
            self._missing(frame, frame.index, len(frame.group.children), position)
        return self.root


def instance_tree(segments: list[Segment], structure: GroupNode) -> Instance:
    """The instance tree of a message body, without any reporting."""
    placer = Placer(structure, Quiet())
    for index, seg in enumerate(segments):
        placer.place(seg, index + 2)
    return placer.finish(len(segments) + 2)
