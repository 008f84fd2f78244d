"""Remembered message shapes: a placement traced once and replayed for the next
message of the same tags gives the same events and a fresh tree of the same form,
and a validator that remembers shapes reports exactly what one that places every
message reports, issues and tree, for clean, damaged and guided messages."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.edi.envelope import Scope
from gateway.edi.issues import Issue
from gateway.edi.reader import read
from gateway.edi.schema import validator as validator_module
from gateway.edi.schema.guide import guide_from_yaml
from gateway.edi.schema.loader import load_directory, resolve_version
from gateway.edi.schema.model import GroupNode, SegmentNode, Usage
from gateway.edi.schema.structure import (
    Instance,
    Placer,
    Shapes,
    Tracer,
    shape_of,
)
from gateway.edi.schema.validator import Context, MessageValidator
from gateway.edi.tree import Message, Segment
from tests.edi.schema.test_structure import SPLIT, STRUCTURE, Recorder

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
M, C = Usage.MANDATORY, Usage.CONDITIONAL

# A structure whose first child is a group that starts with a group, so one trigger
# enters two occurrences at once.
NESTED = GroupNode("", M, 1, (
    GroupNode("G1", C, 3, (
        GroupNode("G2", M, 1, (SegmentNode("A", M, 1), SegmentNode("B", C, 1))),
        SegmentNode("X", M, 2))),
    SegmentNode("Z", M, 1)))


def same_tree(one: Instance, other: Instance) -> None:
    """Two trees alike: the same occurrences holding the very same segments, each
    occurrence's parent the occurrence holding it."""
    assert one.id == other.id
    assert len(one.items) == len(other.items)
    for mine, theirs in zip(one.items, other.items, strict=True):
        if isinstance(mine, Segment):
            assert mine is theirs
        else:
            assert isinstance(theirs, Instance)
            assert mine.up() is one and theirs.up() is other
            same_tree(mine, theirs)


def placed_directly(segments: list[Segment], structure: GroupNode
                    ) -> tuple[Recorder, list[bool], list[str], Instance]:
    recorder = Recorder()
    placer = Placer(structure, recorder)
    placed, paths = [], []
    for index, seg in enumerate(segments):
        placed.append(placer.place(seg, index + 2))
        paths.append(placer.path)
    return recorder, placed, paths, placer.finish(len(segments) + 2)


_TAGS = ["BGM", "DTM", "RFF", "NAD", "LOC", "CTA", "COM", "UNS", "CNT", "ZZZ", "A", "B",
         "X", "Z"]


@SETTINGS
@given(st.sampled_from([STRUCTURE, SPLIT, NESTED]), st.lists(st.sampled_from(_TAGS),
                                                              max_size=16))
def test_a_replayed_placement_is_the_placement(structure: GroupNode, tags: list[str]) -> None:
    """For any tags, a placement traced on one message and replayed on another of the
    same tags tells the listener the same events and builds the same tree as placing
    the second message."""
    first = [Segment.of(tag, "first") for tag in tags]
    tracer = Tracer(structure, Recorder())
    for index, seg in enumerate(first):
        tracer.place(seg, index + 2)
    tree, placement = tracer.finish(len(first) + 2)
    assert placement is not None
    same_tree(tree, placed_directly(first, structure)[3])

    second = [Segment.of(tag, "second") for tag in tags]
    recorder, placed, paths, expected = placed_directly(second, structure)
    replayed = Recorder()
    for step in range(len(second) + 1):
        placement.replay(step, second, replayed)
    assert replayed.events == recorder.events
    assert list(placement.placed) == placed
    assert list(placement.paths) == paths
    same_tree(placement.tree(second), expected)


def test_a_tracer_with_a_counter_keeps_only_the_events_that_counted() -> None:
    """With a counter, the tracer keeps for replay only the events after which the
    listener's count changed; the listener itself still hears every event."""

    class Missing(Recorder):
        def count(self) -> int:
            return sum(1 for event in self.events if event[0] == "missing")

    listener = Missing()
    tracer = Tracer(STRUCTURE, listener, listener.count)
    segments = [Segment.of(tag) for tag in ["BGM", "NAD", "CTA", "UNS"]]
    for index, seg in enumerate(segments):
        tracer.place(seg, index + 2)
    _, placement = tracer.finish(6)
    assert placement is not None
    assert [e[0] for e in listener.events].count("used") == 4
    kept = [(step, event[0], event[3]) for step, events in enumerate(placement.events)
            for event in events]
    assert kept == [(1, "missing", 3), (3, "missing", 5)]


def test_each_replayed_tree_is_fresh() -> None:
    """Every tree a placement builds is a new one: its occurrences are its own, and a
    tree dropped leaves the others whole."""
    tracer = Tracer(STRUCTURE, Recorder())
    tags = ["BGM", "DTM", "NAD", "CTA", "COM", "UNS"]
    for index, tag in enumerate(tags):
        tracer.place(Segment.of(tag), index + 2)
    _, placement = tracer.finish(len(tags) + 2)
    assert placement is not None
    one = placement.tree([Segment.of(tag, "1") for tag in tags])
    other = placement.tree([Segment.of(tag, "2") for tag in tags])
    [sg2] = one.groups("SG2")
    [sg2_other] = other.groups("SG2")
    assert sg2 is not sg2_other
    del other, sg2_other
    assert sg2.up() is one
    assert [s.get(1) for s in sg2.index()["#SG3"][0].items] == ["1", "1"]  # type: ignore[union-attr]


def test_shapes_keep_the_most_recently_used() -> None:
    """The shape cache holds at most its size, forgetting the least recently used
    shape first; a lookup counts as a use."""
    shapes: Shapes[str] = Shapes(2)
    a, b, c = (shape_of([Segment.of(tag)], 3) for tag in "ABC")
    shapes.put(a, "a")
    shapes.put(b, "b")
    assert shapes.get(a) == "a"
    shapes.put(c, "c")
    assert len(shapes) == 2
    assert (shapes.get(a), shapes.get(b), shapes.get(c)) == ("a", None, "c")
    assert Shapes[str](0).get(a) is None


def test_shapes_keep_at_most_their_budget_of_segments() -> None:
    """Besides the number of shapes, the segments of the shapes kept stay within the
    budget: long shapes push the oldest out, and one longer than the whole budget is
    never kept."""
    shapes: Shapes[str] = Shapes(10, segments=5)
    one, short, middle, long = (shape_of([Segment.of("A")] * n, n + 2) for n in (1, 2, 3, 6))
    shapes.put(short, "2")
    shapes.put(middle, "3")
    assert len(shapes) == 2
    shapes.put(one, "1")
    assert (shapes.get(short), shapes.get(middle), shapes.get(one)) == (None, "3", "1")
    shapes.put(long, "6")
    assert shapes.get(long) is None
    assert len(shapes) == 2


def test_a_shape_is_the_tags_and_where_the_message_ends() -> None:
    """Messages of the same tags have the same shape whatever their values; the
    position of the end counts (a missing trailer moves it)."""
    one = [Segment.of("BGM", "1"), Segment.of("DTM", "2")]
    other = [Segment.of("BGM", "3"), Segment.of("DTM", "4")]
    assert shape_of(one, 4) == shape_of(other, 4)
    assert shape_of(one, 4) != shape_of(one, 3)
    assert shape_of(one, 4) != shape_of(one[:1], 4)


# -- the validator ----------------------------------------------------------------------

ACME = guide_from_yaml((ROOT / "samples/guides/acme-orders-d96a.yaml").read_text(), "acme")

BASES = ["edifact/ORDERS_D96A.edi", "edifact/DESADV_D96A_nested.edi", "edifact/DELFOR_D01B.edi",
         "x12/850_004010.x12", "x12/856_005010.x12"]


def base(name: str) -> tuple[Message, Context]:
    result = read((ROOT / "samples" / name).read_bytes())
    [interchange] = result.interchanges
    group = interchange.groups[0]
    message = group.messages[0]
    scope = Scope(interchange.reference or None, group.reference or None,
                  message.reference or None)
    return message, Context(scope, interchange.delimiters.decimal, interchange.standard)


def validators(message: Message, context: Context, guided: bool
               ) -> tuple[MessageValidator, MessageValidator]:
    """A validator that remembers shapes and one that places every message."""
    version = resolve_version(context.standard, message.type, message.version)
    directory = load_directory(context.standard, version) if version else None
    assert directory is not None
    definition = directory.messages[message.type]
    guide = ACME if guided and ACME.applies_to(directory.standard, directory.version,
                                                message.type) else None
    return (MessageValidator(directory, definition, guide),
            MessageValidator(directory, definition, guide, shapes=0))


# One change to a message body: (what, where, where to, the tag of a new segment).
Change = tuple[str, int, int, str]
_FOREIGN = ["ZZZ", "FTX", "UNS", "NAD", "LIN", "DTM", "CTT", "PO1", "N1", "BEG", "HL", "SCH"]
_VALUES = ["", "X", "12.5", "1,5", "9" * 40, "20251301", "ZZ"]
_CHANGES = st.lists(st.tuples(st.sampled_from(["drop", "cut", "repeat", "move", "insert",
                                               "value"]),
                              st.integers(0, 200), st.integers(0, 200),
                              st.sampled_from(_FOREIGN + _VALUES)), max_size=5)


def changed(message: Message, changes: list[Change], trailer: bool, salt: str) -> Message:
    """``message`` with segments dropped, cut off from one on, repeated, moved,
    inserted or given another value; every segment is a new object, its values
    marked with ``salt`` where a value was changed, so two calls with different
    salts differ in values only."""
    segments = [Segment(s.tag, [list(c) for c in s.elements], s.line, s.column, s.repeats)
                for s in message.segments]
    for what, at, to, extra in changes:
        if not segments and what != "insert":
            continue
        i, j = at % max(len(segments), 1), to % (len(segments) + 1)
        if what == "drop":
            segments.pop(i)
        elif what == "cut":
            del segments[i:]
        elif what == "repeat":
            segments.insert(j, Segment(segments[i].tag, [list(c) for c in segments[i].elements],
                                       segments[i].line, segments[i].column))
        elif what == "move":
            segments.insert(j, segments.pop(i))
        elif what == "insert":
            segments.insert(j, Segment.of(extra if extra in _FOREIGN else "ZZZ", salt))
        else:
            elements = [list(c) for c in segments[i].elements] or [[""]]
            elements[to % len(elements)][0] = extra + salt if extra else ""
            segments[i] = Segment(segments[i].tag, elements, segments[i].line + 1, 7)
    return Message(message.header, segments, message.trailer if trailer else None,
                   message.type, message.version, message.reference, message.subset)


def checked(validator: MessageValidator, message: Message, context: Context
            ) -> tuple[list[Issue], Instance]:
    return validator.check(message, context)


@SETTINGS
@given(st.sampled_from(BASES), st.booleans(), _CHANGES, st.booleans())
def test_a_remembered_shape_validates_as_placing_it_again(
        name: str, guided: bool, changes: list[Change], trailer: bool) -> None:
    """For any damaged variant of a real message (segments missing, cut short,
    repeated, moved, foreign or unknown, values wrong, the trailer gone), under a
    partner's guide or not: the message that makes the validator learn its shape,
    and a later one of the same shape from another interchange, get exactly the
    issues, in the same order, and a tree of the same form as from a validator that
    places every message."""
    message, context = base(name)
    remembering, placing = validators(message, context, guided)
    elsewhere = Context(Scope("OTHER", "G9", "M9"), context.decimal, context.standard)
    earlier = changed(message, changes, trailer, "earlier")
    now = changed(message, changes, trailer, "now")
    for seen in range(2):
        issues, tree = checked(remembering, earlier, elsewhere)
        expected_issues, expected_tree = checked(placing, earlier, elsewhere)
        assert issues == expected_issues
        same_tree(tree, expected_tree)
        assert len(remembering._shapes) == seen
    issues, tree = checked(remembering, now, context)
    expected_issues, expected_tree = checked(placing, now, context)
    assert issues == expected_issues
    same_tree(tree, expected_tree)
    assert len(placing._shapes) == 0


def test_a_shape_is_remembered_once_it_comes_again() -> None:
    """A shape seen for the first time is only placed (it may be a one-off); the
    second message of that shape makes the validator remember it, and the third is
    validated from what was remembered, without placing."""
    message, context = base("x12/850_004010.x12")
    remembering, _ = validators(message, context, guided=False)
    checked(remembering, message, context)
    assert len(remembering._shapes) == 0
    checked(remembering, changed(message, [], True, "2"), context)
    assert len(remembering._shapes) == 1
    with mock.patch.object(validator_module, "Placer", side_effect=AssertionError), \
            mock.patch.object(validator_module, "Tracer", side_effect=AssertionError):
        issues, _ = checked(remembering, changed(message, [], True, "3"), context)
    assert issues == []
    checked(remembering, changed(message, [("drop", 0, 0, "")], True, "4"), context)
    assert len(remembering._shapes) == 1


def test_a_remembered_shape_gives_each_message_its_own_tree_and_locations() -> None:
    """Two messages of one remembered shape get trees of their own and issues located
    in their own interchange, lines and values."""
    message, context = base("edifact/ORDERS_D96A.edi")
    remembering, _ = validators(message, context, guided=True)
    damage: list[Change] = [("insert", 0, 3, "FTX"), ("value", 2, 0, "X")]
    for seen in range(2):
        checked(remembering, changed(message, damage, True, f"seen {seen}"), context)
    first = changed(message, damage, True, "1")
    second = changed(message, damage, True, "2")
    issues_one, tree_one = checked(remembering, first, context)
    other = Context(Scope("I2", "G2", "M2"), context.decimal, context.standard)
    issues_two, tree_two = checked(remembering, second, other)
    assert len(remembering._shapes) == 1
    assert issues_one and [i.code for i in issues_one] == [i.code for i in issues_two]
    assert {i.location.interchange for i in issues_two} == {"I2"}
    assert any(i.location.value == "X2" for i in issues_two)
    assert tree_one is not tree_two
    assert tree_one.items[0] is first.segments[0]
    assert tree_two.items[0] is second.segments[0]


@pytest.mark.parametrize("name", BASES)
def test_unknown_tags_do_not_grow_the_prepared_checks(name: str) -> None:
    """Segments of tags no directory knows are checked without being remembered per
    tag, so bad data cannot grow a validator beyond its shape cache."""
    message, context = base(name)
    remembering, _ = validators(message, context, guided=False)
    checked(remembering, message, context)
    before = len(remembering._steps)
    for n in range(50):
        junk = Segment.of(f"Q{n:02d}", "x")
        checked(remembering, Message(message.header, [junk, *message.segments],
                                     message.trailer, message.type, message.version), context)
    assert len(remembering._steps) == before

