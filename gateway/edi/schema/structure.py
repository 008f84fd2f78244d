"""Placing a message's segments in its structure: groups, loops and order.

:class:`Placer` walks the body segments of a message through the structure of
its definition, one segment at a time, keeps the group occurrences open, and
builds the message's instance tree (which segments fell in which group
occurrence). It tells a :class:`Listener` what it meets — a segment used, a
group entered, a mandatory entry skipped — so the validator can report and
the mappings can navigate with the same placement.

Placement depends on nothing but the sequence of segment tags, and partners
send the same shapes of message over and over. A :class:`Tracer` places like
a placer and keeps what it did as a :class:`Placement`, which gives the next
message of that shape its tree and its events without placing again;
:class:`Shapes` keeps the placements of the most recent shapes. Pure: the
caches belong to whoever holds them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from gateway.edi.schema.model import GroupNode, Node, SegmentNode, Usage
from gateway.edi.tree import Segment


@dataclass(slots=True, weakref_slot=True)
class Instance:
    """One occurrence of a group (or the whole message, id ``""``) and what it holds,
    in order: its segments and the occurrences of its inner groups. An inner
    occurrence knows the one holding it through a weak reference, so a tree
    holds no reference cycle and is freed as soon as it is dropped.

    ``indexed`` is what :meth:`index` returns once it has been asked for, and
    ``None`` before: readers on a hot path (the mapping engine's finders) read
    the attribute and call :meth:`index` only when it is ``None``, sparing a
    method call per lookup. It is the index itself, not a copy: never change it."""

    id: str
    items: list[Segment | Instance] = field(default_factory=list)
    indexed: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)
    _parent: weakref.ref[Instance] | None = field(default=None, repr=False, compare=False)

    def up(self) -> Instance | None:
        """The occurrence holding this one (None for the message, or once the tree
        above is gone)."""
        return self._parent() if self._parent is not None else None

    def index(self) -> dict[str, list[Any]]:
        """Segments by tag and inner group occurrences by ``#`` + id, built once when
        first asked (after placement, when the tree no longer changes)."""
        index = self.indexed
        if index is None:
            index = {}
            for item in self.items:
                key = item.tag if isinstance(item, Segment) else "#" + item.id
                found = index.get(key)
                if found is None:
                    index[key] = [item]
                else:
                    found.append(item)
            self.indexed = index
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
    table: dict[str, list[int]] = field(default_factory=dict)  # the group's, from its layout
    mandatory: tuple[int, ...] = ()  # the group's, from its layout


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
        self.stack = [_Frame(structure, "", self.root, 0, [0] * len(structure.children), None,
                             self.tables[id(structure)], self.mandatory[id(structure)])]

    @property
    def path(self) -> str:
        return self.stack[-1].path

    def place(self, seg: Segment, position: int) -> bool:
        """Place ``seg``; False when it fits nowhere from here (it is then kept in
        the current group occurrence, unplaced)."""
        tag = seg.tag
        stack = self.stack
        for level in range(len(stack) - 1, -1, -1):
            frame = stack[level]
            candidates = frame.table.get(tag)
            if not candidates:
                continue
            index = frame.index
            counts = frame.counts
            children = frame.group.children
            # Within an open occurrence the trigger never repeats: it starts a new one.
            start = index if level == 0 or index > 0 else 1
            k = -1
            for candidate in candidates:
                if candidate < start:
                    continue
                k = candidate
                # A place already used up yields to a later place for the same tag
                # (DELFOR's UNS+D and UNS+S); the last one takes the excess.
                if candidate != index or counts[candidate] < children[candidate].max_use:
                    break
            if k < 0:
                continue
            child = children[k]
            while len(stack) - 1 > level:
                inner = stack.pop()
                self._missing(inner, inner.index, len(inner.group.children), position)
            first = index + (1 if counts[index] else 0)
            if first < k:
                self._missing(frame, first, k, position)
            frame.index = k
            counts[k] += 1
            if isinstance(child, SegmentNode):
                frame.instance.items.append(seg)
                self.listener.used(child, counts[k], seg, position, frame.loop)
            else:
                self._enter(child, frame, counts[k], seg, position)
            return True
        stack[-1].instance.items.append(seg)
        return False

    def _enter(self, group: GroupNode, parent: _Frame, count: int, seg: Segment,
               position: int) -> None:
        self.listener.entered(group, count, seg, position)
        path = f"{parent.path}/{group.id}" if parent.path else group.id
        instance = Instance(group.id, _parent=weakref.ref(parent.instance))
        parent.instance.items.append(instance)
        frame = _Frame(group, path, instance, 0, [0] * len(group.children), group.id or None,
                       self.tables[id(group)], self.mandatory[id(group)])
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
        for k in frame.mandatory:
            if first <= k < upto and frame.counts[k] == 0:
                self.listener.missing(frame.group.children[k], frame.path, position)

    def finish(self, position: int) -> Instance:
        """Close every open group (reporting what is still missing); the tree."""
        while self.stack:
            frame = self.stack.pop()
            self._missing(frame, frame.index, len(frame.group.children), position)
        return self.root


# What a listener was told, kept for replay: the method, the node, the count (0 for
# ``missing``), the position, and the loop (``used``) or group path (``missing``).
Event = tuple[str, Node, int, int, str | None]
_NO_EVENTS: tuple[Event, ...] = ()


class _Tape:
    """A listener that passes every event on to ``listener`` and keeps it for replay.

    With a ``counter`` (how many findings the listener holds so far), an event that
    left the count unchanged is not kept: for a listener whose findings depend only
    on the event, replaying it would find nothing, and a clean shape then replays
    no event at all."""

    def __init__(self, listener: Listener, counter: Callable[[], int] | None) -> None:
        self.listener = listener
        self.counter = counter
        self.events: list[Event] = []

    def used(self, node: SegmentNode, count: int, seg: Segment, position: int,
             loop: str | None) -> None:
        counter = self.counter
        before = counter() if counter else 0
        self.listener.used(node, count, seg, position, loop)
        if counter is None or counter() != before:
            self.events.append(("used", node, count, position, loop))

    def entered(self, group: GroupNode, count: int, seg: Segment, position: int) -> None:
        counter = self.counter
        before = counter() if counter else 0
        self.listener.entered(group, count, seg, position)
        if counter is None or counter() != before:
            self.events.append(("entered", group, count, position, None))

    def missing(self, node: Node, path: str, position: int) -> None:
        counter = self.counter
        before = counter() if counter else 0
        self.listener.missing(node, path, position)
        if counter is None or counter() != before:
            self.events.append(("missing", node, 0, position, path))

    def take(self) -> tuple[Event, ...]:
        """The events kept since the last call."""
        if not self.events:
            return _NO_EVENTS
        events = tuple(self.events)
        self.events.clear()
        return events


class _Form:
    """The shape of one occurrence in a placement's tree: its id and what it holds,
    in order: runs of consecutive segments of the message body (as slices of it)
    and the forms of inner occurrences."""

    __slots__ = ("id", "only", "runs")

    def __init__(self, group_id: str, entries: list[int | _Form]) -> None:
        self.id = group_id
        runs: list[slice | _Form] = []
        for entry in entries:
            if not isinstance(entry, int):
                runs.append(entry)
                continue
            last = runs[-1] if runs else None
            if isinstance(last, slice) and last.stop == entry:
                runs[-1] = slice(last.start, entry + 1)
            else:
                runs.append(slice(entry, entry + 1))
        self.runs = tuple(runs)
        # Most occurrences hold one run of segments and nothing else.
        self.only = runs[0] if len(runs) == 1 and isinstance(runs[0], slice) else None

    def grow(self, segments: list[Segment], parent: weakref.ref[Instance] | None
             ) -> Instance:
        """A fresh occurrence of this form holding ``segments`` at its indexes."""
        if self.only is not None:
            # A new list of segments only; mypy cannot know it will hold nothing else.
            return Instance(self.id, segments[self.only], None, parent)  # type: ignore[arg-type]
        instance = Instance(self.id, [], None, parent)
        items = instance.items
        ref = weakref.ref(instance)
        for run in self.runs:
            if isinstance(run, slice):
                items += segments[run]
            else:
                items.append(run.grow(segments, ref))
        return instance


def _form(instance: Instance, segments: Sequence[Segment], counter: list[int]
          ) -> _Form | None:
    """The form of a tree placed from ``segments``, or None when the tree does not
    list them in message order (the placer always does: a segment goes to an open
    occurrence, and an outer one takes a segment only once the inner ones are
    closed)."""
    entries: list[int | _Form] = []
    for item in instance.items:
        if isinstance(item, Instance):
            inner = _form(item, segments, counter)
            if inner is None:
                return None
            entries.append(inner)
            continue
        index = counter[0]
        if index >= len(segments) or segments[index] is not item:
            return None
        entries.append(index)
        counter[0] = index + 1
    return _Form(instance.id, entries)


@dataclass(frozen=True, slots=True)
class Placement:
    """What placing one shape of message did, ready to be done again for another
    message of the same tags: per body segment whether it was placed and the group
    path it left open, the events told to the listener while placing each segment
    (and, last, while finishing), and the form of the instance tree."""

    placed: tuple[bool, ...]
    paths: tuple[str, ...]
    events: tuple[tuple[Event, ...], ...]
    form: _Form
    quiet: bool = field(init=False)  # no event kept at all

    def __post_init__(self) -> None:
        object.__setattr__(self, "quiet", not any(self.events))

    def tree(self, segments: list[Segment]) -> Instance:
        """A fresh instance tree holding ``segments``, as placing them would build it."""
        return self.form.grow(segments, None)

    def replay(self, step: int, segments: Sequence[Segment], listener: Listener) -> None:
        """Tell ``listener`` the events of placing segment ``step`` (``len(segments)``:
        of finishing), for a message of this shape."""
        seg = segments[step] if step < len(segments) else None
        for kind, node, count, position, where in self.events[step]:
            if kind == "missing":
                assert where is not None
                listener.missing(node, where, position)
            elif kind == "used":
                assert isinstance(node, SegmentNode) and seg is not None
                listener.used(node, count, seg, position, where)
            else:
                assert isinstance(node, GroupNode) and seg is not None
                listener.entered(node, count, seg, position)


class Tracer:
    """Places like a :class:`Placer` and keeps a :class:`Placement` of what it did.

    ``counter`` is passed to the tape (see :class:`_Tape`): with it, only the events
    that made ``listener`` find something are kept for replay."""

    def __init__(self, structure: GroupNode, listener: Listener,
                 counter: Callable[[], int] | None = None) -> None:
        self._tape = _Tape(listener, counter)
        self._placer = Placer(structure, self._tape)
        self._segments: list[Segment] = []
        self._placed: list[bool] = []
        self._paths: list[str] = []
        self._events: list[tuple[Event, ...]] = []

    @property
    def path(self) -> str:
        return self._placer.path

    def place(self, seg: Segment, position: int) -> bool:
        placed = self._placer.place(seg, position)
        self._segments.append(seg)
        self._placed.append(placed)
        self._paths.append(self._placer.path)
        self._events.append(self._tape.take())
        return placed

    def finish(self, position: int) -> tuple[Instance, Placement | None]:
        """The tree, and the placement (None in the unlikely case that it cannot be
        replayed: see :func:`_form`)."""
        tree = self._placer.finish(position)
        self._events.append(self._tape.take())
        counter = [0]
        form = _form(tree, self._segments, counter)
        if form is None or counter[0] != len(self._segments):
            return tree, None
        return tree, Placement(tuple(self._placed), tuple(self._paths), tuple(self._events),
                               form)


Shape = tuple[tuple[str, ...], int]
V = TypeVar("V")


def shape_of(segments: Sequence[Segment], end: int) -> Shape:
    """What placement depends on: the body's tags, and the position ``finish`` is
    given (where missing entries at the end are reported)."""
    return tuple([seg.tag for seg in segments]), end


class Shapes(Generic[V]):
    """What was learnt about the most recent message shapes: at most ``size`` shapes
    and ``segments`` body segments in all (what is kept per shape grows with its
    length), the least recently used shape forgotten first, so memory stays bounded
    whatever the traffic. A shape longer than the whole budget is not kept.

    Safe to share between threads: lookups take no lock (a shape forgotten by one
    thread while another looks it up is simply learnt again); adding one does, to
    keep the count of segments right."""

    def __init__(self, size: int = 256, segments: int = 100_000) -> None:
        self.size = size
        self.segments = segments
        self._found: OrderedDict[Shape, V] = OrderedDict()
        self._held = 0  # body segments of the shapes kept
        self._adding = threading.Lock()

    def get(self, shape: Shape) -> V | None:
        found = self._found.get(shape)
        if found is not None:
            with suppress(KeyError):
                self._found.move_to_end(shape)
        return found

    def put(self, shape: Shape, value: V) -> None:
        length = len(shape[0])
        if length > self.segments:
            return
        with self._adding:
            if shape in self._found:
                return
            self._found[shape] = value
            self._held += length
            while len(self._found) > self.size or self._held > self.segments:
                forgotten, _ = self._found.popitem(last=False)
                self._held -= len(forgotten[0])

    def __len__(self) -> int:
        return len(self._found)


def instance_tree(segments: list[Segment], structure: GroupNode) -> Instance:
    """The instance tree of a message body, without any reporting."""
    placer = Placer(structure, Quiet())
    for index, seg in enumerate(segments):
        placer.place(seg, index + 2)
    return placer.finish(len(segments) + 2)
