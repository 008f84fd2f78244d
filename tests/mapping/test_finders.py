"""Compiled finders (gateway.mapping.paths): every value path of the shipped inbound
mappings finds, from every group occurrence or segment it can start at in the golden
samples and the shared corpus, what the general step-by-step walk finds; and the
finders that read a condition and a value (or several options) from one segment in
one go find what reading them one by one finds, however often the segment repeats."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from unittest import mock

import pytest

from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import Directory, GroupNode
from gateway.edi.schema.structure import Instance, instance_tree
from gateway.edi.tree import Segment
from gateway.mapping.inbound import compile_inbound
from gateway.mapping.paths import Context, HeldRead, ValuePath, first_held
from gateway.mapping.registry import DEFAULT_ROOT, load_codelists, mapping_data
from tests import corpus
from tests.regenerate_samples import sample_files


@dataclass(frozen=True)
class Compiled:
    """A value path a mapping file compiled, and where it starts: a group of the
    message structure, or inside segments of a tag."""

    path: ValuePath
    group: GroupNode | None
    segment: str | None


@dataclass(frozen=True)
class MappingPaths:
    standard: str
    version: str
    message: str
    structure: GroupNode
    paths: tuple[Compiled, ...]


@cache
def shipped() -> tuple[MappingPaths, ...]:
    """Every EDI inbound mapping file, compiled with each ValuePath it builds noted."""
    codelists = load_codelists(DEFAULT_ROOT, None)
    found = []
    original = ValuePath.__init__
    for file in sorted(DEFAULT_ROOT.glob("*/*/*.in.yaml")):
        data = mapping_data(DEFAULT_ROOT, file.relative_to(DEFAULT_ROOT))  # as compiled
        standard, version = str(data["standard"]), str(data["version"])
        if standard not in ("edifact", "x12"):
            continue
        directory = load_directory(standard, version)
        assert directory is not None
        message = directory.messages[str(data["message"])]
        noted: list[Compiled] = []

        def noting(self: ValuePath, text: str, structure: GroupNode | None,
                   directory: Directory, *args: Any, noted: list[Compiled] = noted,
                   **kwargs: Any) -> None:
            original(self, text, structure, directory, *args, **kwargs)
            if not kwargs.get("nodes_only"):
                noted.append(Compiled(self, structure, kwargs.get("segment")))

        with mock.patch.object(ValuePath, "__init__", noting):
            compile_inbound(str(file), data, directory=directory, message=message,
                            codelists=codelists)
        found.append(MappingPaths(standard, version, message.type, message.structure,
                                  tuple(noted)))
    return tuple(found)


@cache
def _messages() -> tuple[tuple[str, str, tuple[Segment, ...]], ...]:
    """Standard, type and body segments of every EDI message of the samples and corpus."""
    files = [p for p in sample_files() if p.suffix in (".edi", ".x12")]
    if corpus.is_available():
        files += [e.path for e in corpus.entries("edifact", "x12")]
    found = []
    for file in files:
        report = inspect(file.read_bytes())
        if report.edi is None:
            continue
        for interchange in report.edi.interchanges:
            for message in interchange.messages():
                found.append((interchange.standard, message.type, tuple(message.segments)))
    return tuple(found)


def _trees(mapping: MappingPaths) -> Iterator[Instance]:
    for standard, kind, segments in _messages():
        if standard == mapping.standard and kind == mapping.message:
            yield instance_tree(list(segments), mapping.structure)


def _contexts(tree: Instance) -> Iterator[Context]:
    yield tree
    for item in tree.items:
        if isinstance(item, Instance):
            yield from _contexts(item)
        else:
            yield item


@pytest.mark.parametrize("mapping", shipped(),
                         ids=lambda m: f"{m.standard}-{m.version}-{m.message}")
def test_compiled_finders_find_what_the_walk_finds(mapping: MappingPaths) -> None:
    """Every value path of a shipped mapping: its compiled finder gives, from every
    occurrence of its group (or segment of its tag) in the samples and the corpus,
    exactly the first value the general walk gives, and its values are the walk's."""
    compared = found = 0
    for tree in _trees(mapping):
        for context in _contexts(tree):
            for compiled in mapping.paths:
                if compiled.segment is not None:
                    if not isinstance(context, Segment) or context.tag != compiled.segment:
                        continue
                elif not isinstance(context, Instance) or compiled.group is None or \
                        context.id != compiled.group.id:
                    continue
                walked = compiled.path.first_walked(context)
                assert compiled.path.first(context) == walked, (compiled.path.text, context)
                assert compiled.path.values(context) == compiled.path.values_walked(context)
                compared += 1
                found += walked is not None
    if compared:
        assert found, "no path found anything: the comparison proves nothing"


# -- one segment, several reads ------------------------------------------------------------

def _directory(standard: str, version: str) -> Directory:
    directory = load_directory(standard, version)
    assert directory is not None
    return directory


EDIFACT = _directory("edifact", "D96A")
ORDERS: GroupNode = EDIFACT.messages["ORDERS"].structure


def _segments(text: str) -> list[Segment]:
    return [Segment(raw.split("+")[0], [e.split(":") for e in raw.split("+")[1:]])
            for raw in text.split("'") if raw]


# The message's own DTM and FTX: none, one, or several, some without the element read.
TREES = {
    "none": instance_tree(_segments("BGM+220+PO-1'"), ORDERS),
    "one": instance_tree(_segments("BGM+220+PO-1'DTM+137:20250310:102'FTX+AAI+++a:b'"),
                         ORDERS),
    "one short": instance_tree(_segments("BGM+220+PO-1'DTM+137'FTX+AAI'"), ORDERS),
    "several": instance_tree(_segments(
        "BGM+220+PO-1'DTM+2:20250320:102'DTM+137:20250310:102'DTM+137'DTM+4::203'"
        "FTX+ZZZ+++x'FTX+AAI'FTX+AAI+++a:b'LIN+1++4000862141404:EN'QTY+21:12'LIN+2'"),
        ORDERS),
    "several short": instance_tree(_segments("BGM+220+PO-1'DTM'DTM+137'FTX'FTX+AAI"),
                                   ORDERS),
}
CONDITIONS: list[tuple[str, frozenset[str] | None, bool]] = [
    ("DTM/01-1", frozenset({"137"}), False),
    ("DTM/01-1", frozenset({"137", "4"}), True),
    ("DTM/01-1", frozenset({""}), False),
    ("DTM/01-1", frozenset({"", "2"}), True),
    ("DTM/01-3", None, False),
    ("FTX/01", frozenset({"AAI"}), False),
    ("BGM/01", frozenset({"220"}), False),
]
VALUES = ["DTM/01-2", "DTM/01-3", "DTM/01-1", "FTX/04-2"]


def _edifact(text: str) -> ValuePath:
    return ValuePath(text, ORDERS, EDIFACT)


def _one_by_one(value: ValuePath, condition: ValuePath | None,
                values: frozenset[str] | None, negate: bool, context: Context) -> str | None:
    """What a spec with `from` and `when` reads, by the general walk of each path."""
    if condition is not None:
        found = condition.first_walked(context)
        if values is None:
            if found is None:
                return None
        elif ((found or "") in values) is negate:
            return None
    return value.first_walked(context)


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("condition", CONDITIONS, ids=str)
def test_a_value_under_a_condition_reads_as_both_paths_do(
        tree: str, value: str, condition: tuple[str, frozenset[str] | None, bool]) -> None:
    """`guarded_by` (the `from` and `when` of a spec, one segment read once when they
    share it) finds what the condition's walk and then the value's walk find."""
    text, values, negate = condition
    path, test = _edifact(value), _edifact(text)
    context = TREES[tree]
    assert path.guarded_by(test, values, negate)(context) == \
        _one_by_one(path, test, values, negate, context)


def test_held_reads_are_offered_only_for_one_directly_held_segment() -> None:
    """A held read is a predicate-free path to a segment the group holds itself; with a
    condition, the condition reads the same segment."""
    assert _edifact("DTM/01-2").held_read() == HeldRead("DTM", 0, 1, None)
    assert _edifact("DTM/01-2").held_read(_edifact("DTM/01-1"), frozenset({"137"}), True) \
        == HeldRead("DTM", 0, 1, (0, 0, frozenset({"137"}), True))
    assert _edifact("DTM[01-1=137]/01-2").held_read() is None
    assert _edifact("DTM/01-2").held_read(_edifact("FTX/01"), None, False) is None
    assert _edifact("NAD/02-1").held_read() is None   # SG2's trigger, not the message's own
    assert _edifact("SG7/CUX/01-2").held_read() is None


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("options", [
    [("DTM/01-2", 0), ("DTM/01-3", 1)],
    [("DTM/01-2", 1), ("DTM/01-2", 2), ("DTM/01-2", None)],
    [("DTM/01-3", 4), ("DTM/01-1", 3), ("DTM/01-2", 0)],
    [("FTX/04-2", 5), ("FTX/04-1", None)],
], ids=str)
def test_first_of_several_reads_of_one_segment_is_the_first_that_gives_one(
        tree: str, options: list[tuple[str, int | None]]) -> None:
    """`first_held` finds what trying each `from` + `when` option in turn finds, for
    contexts holding no, one or several segments of the tag."""
    context = TREES[tree]
    specs = []
    for value, which in options:
        condition = None if which is None else CONDITIONS[which]
        path = _edifact(value)
        test = None if condition is None else _edifact(condition[0])
        values, negate = (None, False) if condition is None else condition[1:]
        specs.append((path, test, values, negate))
    reads = []
    for path, test, values, negate in specs:
        read = path.held_read(test, values, negate)
        assert read is not None
        reads.append(read)

    def in_turn(context: Context) -> str | None:
        for spec in specs:
            found = _one_by_one(*spec, context)
            if found:
                return found
        return None
    assert first_held(tuple(reads), in_turn)(context) == in_turn(context)


# -- every path form ---------------------------------------------------------------------------

X12 = _directory("x12", "004010")
PO850: GroupNode = X12.messages["850"].structure
SH856: GroupNode = X12.messages["856"].structure


def _x12(text: str, structure: GroupNode) -> Instance:
    return instance_tree([Segment(raw.split("*")[0], [e.split(">") for e in raw.split("*")[1:]])
                          for raw in text.split("~") if raw], structure)


PO = _x12("BEG*00*SA*PO-9**20250310~REF*DP*042~REF*ZZ*internal~REF*ZZ~"
          "N1*BY*Buyer Inc*UL*0614141000005~N3*1 Main St~N3*Suite 4*Floor 2~"
          "N1*ST*Store 7*92*STORE-7~N3*7 Side Rd~"
          "PO1*1*10*EA*2.50**UP*012345678905~PID*F****Widget~PID*F*08***Gadget~"
          "N1*ST*Store 9*92*STORE-9~PO1*2*5*CA*12**VN*V-2~PID*S~CTT*2~AMT*TT*85~", PO850)
SHIPMENT = _x12("BSN*00*SH-1*20250310*1200~HL*1**S~TD5*B*2*UPSN~HL*2*1*O~PRF*PO-9~"
                "HL*3*2*P~MAN*GM*00012345600000000001~HL*4*3*I~LIN*1*UP*012345678905~"
                "HL*5*9*P~MAN*CP*X~HL*6*5*I~LIN*2*VN*V-2~CTT*6~", SH856)
ORDER = TREES["several"]
FORMS: list[tuple[Instance, GroupNode, str]] = [
    *((ORDER, ORDERS, text) for text in (
        "BGM/02", "DTM/01-2", "DTM/01-3", "DTM[01-1=137]/01-2", "DTM[01-1!=137]/01-2",
        "DTM[01-1!=137|2]/01-3", "DTM[01-1=137][01-3=102]/01-2", "DTM[01-1=]/01-2",
        "FTX[01=AAI]/04-2", "FTX[01!=AAI]/04-1", "DTM[2005=137]/2380", "DTM#2/01-2",
        "DTM#3/01-2", "DTM[01-1=137]#2/01-2", "DTM[01-1=137]#1/01-3", "FTX#3/04-1",
        "DTM#9/01-2")),
    *((PO, PO850, text) for text in (
        "BEG/03", "REF/02", "REF[01=ZZ]/02", "REF[01!=DP]/02", "N1[01=ST]/04", "N1/N1/02",
        "N1[N1/01=ST]/N3/01", "N1[N1/01!=ST]/N3/01", "PO1/02", "PO1/N1[01=ST]/04",
        "PO1[PO1/01=2]/PID/05", "PO1/PID[01=F][02=08|]/05", "PO1/PID[01=F]/05",
        "CTT/AMT[01=TT]/02", "PO1/PO1/07", "PO1[PO1/06=VN]/PO1/07", "N1[01!=ST]/02",
        "N1[01=ST][03=92]/04", "N1[01=ST][03!=92]/04", "PO1/PID[01!=F]/01",
        "N1/N3#2/01", "N1[N1/01=BY]/N3#2/02", "N1[N1/01=ST]/N3#2/01", "N1#2/02",
        "N1[01=ST]#1/04", "PO1/PID#2/05", "PO1/PID[01=F]#2/05")),
]
IN_GROUPS: list[tuple[Instance, GroupNode, str, str]] = [
    (ORDER, ORDERS, "SG25", "../BGM/02"),
    (ORDER, ORDERS, "SG25", "QTY[01-1=21]/01-2"),
    (PO, PO850, "PO1", "N1[01=ST]/04"),
    (PO, PO850, "PO1", "PID[01=F][02=08|]/05"),
    (PO, PO850, "PO1", "PID[01=S]/01"),
    (PO, PO850, "PO1", "PID[01!=F]/01"),
    (PO, PO850, "PO1", "../BEG/03"),
    (PO, PO850, "N1", "N3#2/01"),
    (PO, PO850, "N1", "N3#2/02"),
    (PO, PO850, "N1", "N3#1/01"),
    (PO, PO850, "PO1", "PID#2/05"),
    (PO, PO850, "PO1", "N1#1/04"),
    (SHIPMENT, SH856, "HL", "@parent/MAN[01=GM]/02"),
    (SHIPMENT, SH856, "HL", "@parent/@parent/PRF/01"),
    (SHIPMENT, SH856, "HL", "@parent/../BSN/02"),
]


@pytest.mark.parametrize(("tree", "structure", "text"), FORMS, ids=[f[2] for f in FORMS])
def test_every_path_form_finds_what_the_walk_finds(tree: Instance, structure: GroupNode,
                                                   text: str) -> None:
    """Segment and group predicates with `=`, `!=`, several values, an empty value or
    several predicates; loop triggers, data element numbers, occurrences (`#n`, with
    and without predicates, beyond the last): the compiled finder gives
    the walk's first value, and the values are the walk's."""
    directory = EDIFACT if structure is ORDERS else X12
    path = ValuePath(text, structure, directory)
    assert path.first(tree) == path.first_walked(tree)
    assert path.values(tree) == path.values_walked(tree)


@pytest.mark.parametrize(("tree", "structure", "each", "text"), IN_GROUPS,
                         ids=[f"{f[2]}:{f[3]}" for f in IN_GROUPS])
def test_paths_from_group_occurrences_find_what_the_walk_finds(
        tree: Instance, structure: GroupNode, each: str, text: str) -> None:
    """From every occurrence of a group, `..`, `@parent` and paths into inner loops:
    the compiled finder gives the walk's first value, and the values are the walk's."""
    directory = EDIFACT if structure is ORDERS else X12
    nodes = ValuePath(each, structure, directory, nodes_only=True)
    assert nodes.end_group is not None
    path = ValuePath(text, nodes.end_group, directory, enclosing=nodes.end_enclosing)
    occurrences = nodes.nodes(tree)
    assert occurrences
    assert [path.first(n) for n in occurrences] == [path.first_walked(n) for n in occurrences]
    assert [path.values(n) for n in occurrences] == \
        [path.values_walked(n) for n in occurrences]
