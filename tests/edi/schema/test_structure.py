"""Placing segments in a message structure: groups entered, repeated and closed,
segments out of order left unplaced, mandatory entries missing reported once, and
the instance tree the mappings navigate."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.edi.reader import read
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import GroupNode, Node, SegmentNode, Usage
from gateway.edi.schema.structure import (
    Instance,
    Layout,
    Placer,
    Quiet,
    instance_tree,
    layout_of,
    loop_of,
)
from gateway.edi.tree import Segment

M, C = Usage.MANDATORY, Usage.CONDITIONAL


def seg(tag: str, usage: Usage = C, max_use: int = 1) -> SegmentNode:
    return SegmentNode(tag, usage, max_use)


def group(gid: str, usage: Usage, max_use: int, *children: Node) -> GroupNode:
    return GroupNode(gid, usage, max_use, children)


# An EDIFACT-like structure: header segments, a group with an inner group, a
# section separator and a summary.
STRUCTURE = group(
    "", M, 1,
    seg("BGM", M),
    seg("DTM", M, 3),
    group("SG1", C, 2, seg("RFF", M), seg("DTM", C, 2)),
    group("SG2", C, 9,
          seg("NAD", M),
          seg("LOC", C, 2),
          group("SG3", C, 2, seg("CTA", M), seg("COM", M))),
    seg("UNS", M),
    seg("CNT", C),
)


class Recorder:
    """A listener that notes what the placer tells it, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def used(self, node: SegmentNode, count: int, seg: Segment, position: int,
             loop: str | None) -> None:
        assert node.tag == seg.tag
        self.events.append(("used", seg.tag, count, position, loop))

    def entered(self, group: GroupNode, count: int, seg: Segment, position: int) -> None:
        assert group.trigger == seg.tag
        self.events.append(("entered", group.id, count, position))

    def missing(self, node: Node, path: str, position: int) -> None:
        name = node.tag if isinstance(node, SegmentNode) else "#" + node.id
        self.events.append(("missing", name, path, position))


def place(tags: list[str], structure: GroupNode = STRUCTURE
          ) -> tuple[Recorder, list[bool], Instance]:
    """Place one segment per tag (positions from 2, as in a message body) and finish
    at the trailer's position."""
    recorder = Recorder()
    placer = Placer(structure, recorder)
    placed = [placer.place(Segment.of(tag), i + 2) for i, tag in enumerate(tags)]
    tree = placer.finish(len(tags) + 2)
    return recorder, placed, tree


def shape(instance: Instance) -> list[Any]:
    """The tree as nested lists: a segment by its tag, a group occurrence as
    (id, [its items])."""
    return [item.tag if isinstance(item, Segment) else (item.id, shape(item))
            for item in instance.items]


def missing(recorder: Recorder) -> list[tuple[Any, ...]]:
    return [e[1:] for e in recorder.events if e[0] == "missing"]


# -- groups ------------------------------------------------------------------------


def test_a_group_is_entered_by_its_trigger_and_closed_by_a_later_parent_segment() -> None:
    """The trigger opens a group occurrence; its segments carry the group as loop; a
    segment of the parent closes the group."""
    recorder, placed, tree = place(["BGM", "DTM", "NAD", "LOC", "UNS"])
    assert all(placed)
    assert recorder.events == [
        ("used", "BGM", 1, 2, None),
        ("used", "DTM", 1, 3, None),
        ("entered", "SG2", 1, 4),
        ("used", "NAD", 1, 4, "SG2"),
        ("used", "LOC", 1, 5, "SG2"),
        ("used", "UNS", 1, 6, None),
    ]
    assert shape(tree) == ["BGM", "DTM", ("SG2", ["NAD", "LOC"]), "UNS"]


def test_placer_path_follows_the_open_groups() -> None:
    """The placer's path names the open groups outermost first; loop_of gives the
    innermost."""
    placer = Placer(STRUCTURE, Quiet())
    paths = []
    for i, tag in enumerate(["BGM", "DTM", "NAD", "CTA", "COM", "NAD", "UNS"]):
        placer.place(Segment.of(tag), i + 2)
        paths.append(placer.path)
    assert paths == ["", "", "SG2", "SG2/SG3", "SG2/SG3", "SG2", ""]
    assert [loop_of(p) for p in paths] == [None, None, "SG2", "SG3", "SG3", "SG2", None]


def test_a_repeated_trigger_starts_a_new_occurrence_of_its_group() -> None:
    """Inside an open occurrence the trigger never repeats: it starts the next
    occurrence, counted for the max-use check."""
    recorder, placed, tree = place(["BGM", "DTM", "RFF", "DTM", "RFF", "RFF", "UNS"])
    assert all(placed)
    assert [e for e in recorder.events if e[0] == "entered"] == [
        ("entered", "SG1", 1, 4), ("entered", "SG1", 2, 6), ("entered", "SG1", 3, 7)]
    assert ("used", "DTM", 1, 5, "SG1") in recorder.events
    assert shape(tree) == ["BGM", "DTM", ("SG1", ["RFF", "DTM"]), ("SG1", ["RFF"]),
                           ("SG1", ["RFF"]), "UNS"]


def test_repeated_segments_are_counted_in_their_place() -> None:
    """A segment repeated at its place is counted 1, 2, 3...; the placer reports the
    count, not a verdict, so a count above max use still places the segment."""
    recorder, placed, _ = place(["BGM", "DTM", "DTM", "DTM", "DTM", "UNS"])
    assert all(placed)
    assert [e[2] for e in recorder.events if e[:2] == ("used", "DTM")] == [1, 2, 3, 4]
    assert missing(recorder) == []


def test_an_inner_group_closes_with_its_parent_occurrence() -> None:
    """A parent's trigger closes the inner group and the parent occurrence, and opens
    a new parent occurrence."""
    recorder, _, tree = place(["BGM", "DTM", "NAD", "CTA", "COM", "NAD", "CTA", "COM", "UNS"])
    assert shape(tree) == ["BGM", "DTM",
                           ("SG2", ["NAD", ("SG3", ["CTA", "COM"])]),
                           ("SG2", ["NAD", ("SG3", ["CTA", "COM"])]),
                           "UNS"]
    assert [e for e in recorder.events if e[0] == "entered"] == [
        ("entered", "SG2", 1, 4), ("entered", "SG3", 1, 5),
        ("entered", "SG2", 2, 7), ("entered", "SG3", 1, 8)]
    assert ("used", "COM", 1, 9, "SG3") in recorder.events
    assert missing(recorder) == []


def test_a_segment_of_an_inner_group_is_placed_there_before_the_parent() -> None:
    """A tag both in the open group and later in the parent goes to the open group:
    the innermost place wins."""
    recorder, _, tree = place(["BGM", "DTM", "RFF", "DTM", "DTM", "UNS"])
    assert shape(tree) == ["BGM", "DTM", ("SG1", ["RFF", "DTM", "DTM"]), "UNS"]
    assert ("used", "DTM", 2, 6, "SG1") in recorder.events


def test_a_group_whose_first_entry_is_a_group_enters_both() -> None:
    """When a group starts with a group, its trigger enters the outer and the inner
    group at once, and Instance.trigger finds the segment through both."""
    structure = group("", M, 1, group("G1", C, 5, group("G2", M, 1, seg("A", M), seg("B")),
                                      seg("X")))
    recorder, placed, tree = place(["A", "B", "X", "A"], structure)
    assert all(placed)
    assert [e for e in recorder.events if e[0] == "entered"] == [
        ("entered", "G1", 1, 2), ("entered", "G2", 1, 2), ("entered", "G1", 2, 5),
        ("entered", "G2", 1, 5)]
    assert shape(tree) == [("G1", [("G2", ["A", "B"]), "X"]), ("G1", [("G2", ["A"])])]
    first = next(tree.groups("G1"))
    assert first.trigger() is first.items[0].items[0]  # type: ignore[union-attr]


# -- order -------------------------------------------------------------------------


def test_a_segment_out_of_order_is_left_unplaced_in_the_open_occurrence() -> None:
    """A segment that fits nowhere from the current place is not placed; it is kept in
    the open group occurrence and placement goes on from where it was."""
    recorder, placed, tree = place(["BGM", "DTM", "NAD", "DTM", "LOC", "UNS"])
    assert placed == [True, True, True, False, True, True]
    assert shape(tree) == ["BGM", "DTM", ("SG2", ["NAD", "DTM", "LOC"]), "UNS"]
    assert not [e for e in recorder.events if e[1] == "DTM" and e[3] == 5]
    assert missing(recorder) == []


def test_an_unknown_tag_is_left_unplaced() -> None:
    """A tag the structure does not hold at all is never placed."""
    recorder, placed, tree = place(["BGM", "ZZZ", "DTM", "UNS"])
    assert placed == [True, False, True, True]
    assert shape(tree) == ["BGM", "ZZZ", "DTM", "UNS"]
    assert missing(recorder) == []


def test_an_earlier_segment_after_a_later_one_is_out_of_order() -> None:
    """Going back is not allowed: BGM after the summary fits nowhere."""
    _, placed, _ = place(["BGM", "DTM", "UNS", "BGM", "CNT"])
    assert placed == [True, True, True, False, True]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["BGM", "DTM", "RFF", "NAD", "LOC", "CTA", "COM", "UNS",
                                 "CNT", "ZZZ"]), max_size=14))
def test_every_segment_ends_up_in_the_tree_once(tags: list[str]) -> None:
    """Placed or not, every segment appears exactly once in the instance tree, in
    message order, and no occurrence is empty."""
    _, _, tree = place(tags)

    def flat(instance: Instance) -> list[str]:
        assert instance.items or instance.id == ""
        out: list[str] = []
        for item in instance.items:
            out.extend([item.tag] if isinstance(item, Segment) else flat(item))
        return out

    assert flat(tree) == tags


# -- mandatory entries -------------------------------------------------------------


def test_a_skipped_mandatory_segment_is_reported_at_the_segment_that_skipped_it() -> None:
    """A mandatory segment jumped over is reported once, at the position of the
    segment placed after the gap."""
    recorder, _, _ = place(["BGM", "NAD", "UNS", "CNT"])
    assert missing(recorder) == [("DTM", "", 3)]


def test_a_mandatory_segment_missing_at_the_end_of_a_group_is_reported_where_it_closed(
) -> None:
    """A mandatory segment missing at the end of a group is reported at the position
    of the segment that closed the group, with the group's path."""
    recorder, _, _ = place(["BGM", "DTM", "NAD", "CTA", "NAD", "UNS"])
    assert missing(recorder) == [("COM", "SG2/SG3", 6)]


def test_mandatory_entries_still_missing_at_the_end_are_reported_at_the_trailer() -> None:
    """finish() closes every open group and reports what is missing at the position
    it is given (the trailer's)."""
    recorder, _, _ = place(["BGM", "DTM", "NAD", "CTA"])
    assert missing(recorder) == [("COM", "SG2/SG3", 6), ("UNS", "", 6)]


def test_an_empty_body_misses_every_mandatory_root_entry() -> None:
    """With nothing placed, each mandatory entry of the root is missing, once."""
    recorder, _, tree = place([])
    assert missing(recorder) == [("BGM", "", 2), ("DTM", "", 2), ("UNS", "", 2)]
    assert tree.items == []


def test_a_mandatory_group_never_entered_is_reported_as_the_group() -> None:
    """A mandatory group that never occurs is reported as the group, not its segments."""
    structure = group("", M, 1, seg("BGM", M), group("SG1", M, 5, seg("NAD", M), seg("LOC", M)),
                      seg("UNS", M))
    recorder, _, _ = place(["BGM", "UNS"], structure)
    assert missing(recorder) == [("#SG1", "", 3)]


def test_mandatory_entries_of_an_optional_group_that_never_occurs_are_not_missing() -> None:
    """Entries of a conditional group count only when the group occurs."""
    recorder, _, _ = place(["BGM", "DTM", "UNS"])
    assert missing(recorder) == []


def test_a_missing_segment_is_reported_once_per_group_occurrence() -> None:
    """Each occurrence of a group answers for its own mandatory entries, once."""
    recorder, _, _ = place(["BGM", "DTM", "NAD", "CTA", "CTA", "NAD", "CTA", "COM", "UNS"])
    assert missing(recorder) == [("COM", "SG2/SG3", 6), ("COM", "SG2/SG3", 7)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["BGM", "DTM", "RFF", "NAD", "LOC", "CTA", "COM", "UNS",
                                 "CNT"]), max_size=14))
def test_the_root_mandatory_segments_are_each_missing_at_most_once(tags: list[str]) -> None:
    """Whatever the order, a mandatory root segment is reported missing at most once,
    and only when it was never placed at the root."""
    recorder, _, _ = place(tags)
    root_missing = [name for name, path, _ in missing(recorder) if path == ""]
    assert len(root_missing) == len(set(root_missing))
    used_at_root = {e[1] for e in recorder.events if e[0] == "used" and e[4] is None}
    assert not set(root_missing) & used_at_root


# -- the same tag at two places of one group ------------------------------------------


SPLIT = group("", M, 1, seg("BGM", M), seg("UNS", M), group("SG4", C, 9, seg("NAD", M)),
              seg("UNS", M), seg("CNT", C))


def test_the_same_tag_at_two_places_is_placed_in_order() -> None:
    """With content between them, the second occurrence of a tag listed twice goes to
    its second place (EDIFACT DELFOR: UNS before and after the detail)."""
    recorder, placed, tree = place(["BGM", "UNS", "NAD", "UNS", "CNT"], SPLIT)
    assert all(placed)
    assert [e[2] for e in recorder.events if e[:2] == ("used", "UNS")] == [1, 1]
    assert missing(recorder) == []
    assert shape(tree) == ["BGM", "UNS", ("SG4", ["NAD"]), "UNS", "CNT"]


def test_the_same_tag_at_two_places_is_placed_in_order_when_nothing_is_between() -> None:
    """When the optional content between them is absent, the second occurrence still
    goes to the second place: no 'too often', no 'missing'."""
    recorder, _, _ = place(["BGM", "UNS", "UNS", "CNT"], SPLIT)
    assert [e[2] for e in recorder.events if e[:2] == ("used", "UNS")] == [1, 1]
    assert missing(recorder) == []


# -- the instance tree ---------------------------------------------------------------


def test_instance_index_groups_segments_by_tag_and_occurrences_by_id() -> None:
    """index() maps each tag to its segments and '#' + group id to its occurrences,
    in order, and is built once."""
    _, _, tree = place(["BGM", "DTM", "DTM", "NAD", "NAD", "LOC", "UNS"])
    index = tree.index()
    assert sorted(index) == ["#SG2", "BGM", "DTM", "UNS"]
    assert [s.tag for s in index["DTM"]] == ["DTM", "DTM"]
    assert index["#SG2"] == list(tree.groups("SG2"))
    assert [shape(g) for g in index["#SG2"]] == [["NAD"], ["NAD", "LOC"]]
    assert tree.index() is index
    assert index["#SG2"][1].index() == {"NAD": [index["#SG2"][1].items[0]],
                                        "LOC": [index["#SG2"][1].items[1]]}


def test_instance_segments_groups_and_trigger() -> None:
    """segments(tag) and groups(id) walk one level only; trigger() is an occurrence's
    first segment, and None for an empty instance."""
    _, _, tree = place(["BGM", "DTM", "NAD", "CTA", "COM", "UNS"])
    assert [s.tag for s in tree.segments("DTM")] == ["DTM"]
    assert list(tree.segments("CTA")) == []
    [sg2] = tree.groups("SG2")
    assert list(tree.groups("SG3")) == []
    [sg3] = sg2.groups("SG3")
    assert sg2.trigger() is sg2.items[0] and sg2.trigger().tag == "NAD"  # type: ignore[union-attr]
    assert sg3.trigger().tag == "CTA"  # type: ignore[union-attr]
    assert tree.trigger().tag == "BGM"  # type: ignore[union-attr]
    assert Instance("X").trigger() is None


def test_instance_tree_is_the_quiet_placement() -> None:
    """instance_tree builds the same tree as a placer with a quiet listener."""
    tags = ["BGM", "DTM", "RFF", "NAD", "CTA", "COM", "LOC", "UNS", "CNT"]
    segments = [Segment.of(t) for t in tags]
    tree = instance_tree(segments, STRUCTURE)
    _, _, placed = place(tags)
    assert shape(tree) == shape(placed)
    assert tree.items[0] is segments[0]


def test_instance_tree_of_a_real_order() -> None:
    """An ORDERS D96A body falls into SG2 parties with their SG3 references and SG25
    lines with SG28 prices."""
    text = ("UNB+UNOC:3+SENDER+RECEIVER+250101:1200+1'UNH+1+ORDERS:D:96A:UN'"
            "BGM+220+PO1+9'DTM+137:20250101:102'NAD+BY+5412345000013::9'RFF+VA:BE01'"
            "NAD+SU+4012345000016::9'LIN+1++4012345100013:EN'QTY+21:48'PRI+AAA:4.79'"
            "LIN+2++4012345100020:EN'QTY+21:30'UNS+S'CNT+2:2'UNT+15+1'UNZ+1+1'")
    [message] = list(read(text.encode()).messages())
    d96a = load_directory("edifact", "D96A")
    assert d96a is not None
    tree = instance_tree(message.segments, d96a.messages["ORDERS"].structure)
    assert shape(tree) == [
        "BGM", "DTM",
        ("SG2", ["NAD", ("SG3", ["RFF"])]),
        ("SG2", ["NAD"]),
        ("SG25", ["LIN", "QTY", ("SG28", ["PRI"])]),
        ("SG25", ["LIN", "QTY"]),
        "UNS", "CNT",
    ]
    lines = tree.index()["#SG25"]
    assert [line.trigger().get(3, 1) for line in lines] == ["4012345100013", "4012345100020"]
    assert lines[0].index()["#SG28"][0].index()["PRI"][0].get(1, 2) == "4.79"


# -- the layout ------------------------------------------------------------------------


def test_layout_tables_list_where_each_tag_can_start() -> None:
    """For each group, a tag maps to the child positions holding it or a group it
    triggers, and the mandatory children are listed."""
    layout = Layout(STRUCTURE)
    sg1, sg2 = STRUCTURE.children[2], STRUCTURE.children[3]
    assert isinstance(sg1, GroupNode) and isinstance(sg2, GroupNode)
    sg3 = sg2.children[2]
    assert isinstance(sg3, GroupNode)
    assert layout.tables[id(STRUCTURE)] == {"BGM": [0], "DTM": [1], "RFF": [2], "NAD": [3],
                                            "UNS": [4], "CNT": [5]}
    assert layout.tables[id(sg1)] == {"RFF": [0], "DTM": [1]}
    assert layout.tables[id(sg2)] == {"NAD": [0], "LOC": [1], "CTA": [2]}
    assert layout.tables[id(sg3)] == {"CTA": [0], "COM": [1]}
    assert layout.mandatory[id(STRUCTURE)] == (0, 1, 4)
    assert layout.mandatory[id(sg2)] == (0,)
    assert Layout(SPLIT).tables[id(SPLIT)]["UNS"] == [1, 3]


def test_layout_of_is_computed_once_per_structure_object() -> None:
    """layout_of gives the same layout for the same structure object and its own for
    an equal but distinct one."""
    first = layout_of(STRUCTURE)
    assert layout_of(STRUCTURE) is first
    twin = group("", M, 1, *STRUCTURE.children)
    assert twin == STRUCTURE
    assert layout_of(twin) is not first
    assert layout_of(twin).structure is twin


def test_indexed_is_none_until_the_index_is_asked_for_then_the_index_itself() -> None:
    """Instance.indexed is the public way to the built index: None before index(), the
    very dict index() returns after, with segments by tag and occurrences by '#' + id."""
    nad = Segment.of("NAD", "BY")
    inner = Instance("SG2", [nad])
    outer = Instance("", [Segment.of("BGM", "220"), inner, Segment.of("DTM", "137")])
    assert outer.indexed is None
    index = outer.index()
    assert outer.indexed is index
    assert outer.index() is index
    assert set(index) == {"BGM", "#SG2", "DTM"}
    assert index["#SG2"] == [inner]
    assert inner.indexed is None  # built per occurrence, when that one is asked
