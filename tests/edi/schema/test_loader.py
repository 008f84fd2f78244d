"""Loading the standards' YAML data: every bundled directory loads, a mistake in a
data file is refused with the file and the field named, and message versions are
resolved through the aliases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.edi.schema import loader
from gateway.edi.schema.loader import (
    _Where,
    check_all,
    load_directory,
    parse_representation,
    parse_rule,
    resolve_version,
    versions,
)
from gateway.edi.schema.model import (
    UNBOUNDED,
    Directory,
    ElementDef,
    GroupNode,
    Member,
    Rule,
    RuleKind,
    SegmentNode,
    Usage,
)
from gateway.errors import ConfigurationError

# Every UN/EDIFACT directory D94B-D24A (D23B was never published), written out
# by hand, and CONTRL's two service directories.
EDIFACT_DIRECTORIES = [
    "D94B", "D95A", "D95B", "D96A", "D96B", "D97A", "D97B", "D98A", "D98B", "D99A", "D99B",
    "D00A", "D00B", "D01A", "D01B", "D01C", "D02A", "D02B", "D03A", "D03B", "D04A", "D04B",
    "D05A", "D05B", "D06A", "D06B", "D07A", "D07B", "D08A", "D08B", "D09A", "D09B",
    "D10A", "D10B", "D11A", "D11B", "D12A", "D12B", "D13A", "D13B", "D14A", "D14B",
    "D15A", "D15B", "D16A", "D16B", "D17A", "D17B", "D18A", "D18B", "D19A", "D19B",
    "D20A", "D20B", "D21A", "D21B", "D22A", "D22B", "D23A", "D24A"]
SHIPPED_EDIFACT = sorted([*EDIFACT_DIRECTORIES, "syntax3", "syntax4"])
BUNDLED = [("edifact", v) for v in SHIPPED_EDIFACT] + [("x12", "004010"), ("x12", "005010")]
MESSAGE_TYPES = {"APERAK", "DELFOR", "DELJIT", "DESADV", "INVOIC", "INVRPT", "ORDCHG",
                 "ORDERS", "ORDRSP", "PRICAT", "RECADV", "SLSFCT", "SLSRPT"}
DATA = Path(loader.__file__).parent / "data"

# A small but complete directory, written the way the shipped ones are.
DIRECTORY = """\
standard: edifact
version: T1
elements:
  "1004": an..35 Document number
  "1225": an..3 Message function, coded
  "2005": an..3 Date/time/period qualifier
  "2380": an..35 Date/time/period
  "2379": an..3 Date/time/period format qualifier
  "6060": n..15 Quantity
composites:
  C507:
    name: Date/time/period
    components: [2005 M, 2380 C, 2379 C]
segments:
  BGM:
    name: Beginning of message
    elements: [1004 C, 1225 C]
  DTM:
    name: Date/time/period
    elements: [C507 M]
    rules: [DATE 01-2 01-3]
"""
CODES = """\
"1225": [9, "1"]
"2005":
  complete: false
  codes: {"137": Document date, "2": Delivery date}
"""
MESSAGE = """\
message: ORDERS
name: Test order
structure:
  - BGM M 1
  - group SG1 C 9:
      - DTM M 1
"""

Loader = Callable[..., Directory]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Loader, str]:
    """A loader over a data folder of our own: ``load(directory=..., codes=...,
    messages={...}, version=...)`` writes the files and loads them, uncached.
    The standard's name is unique to the test, so the loader's cache of base
    directories never mixes two tests."""
    standard = f"fake_{tmp_path.name}"
    monkeypatch.setattr(loader, "DATA", tmp_path)

    def load(directory: str = DIRECTORY, codes: str | None = CODES,
             messages: dict[str, str] | None = None, version: str = "T1") -> Directory:
        folder = tmp_path / standard / version
        (folder / "messages").mkdir(parents=True, exist_ok=True)
        (folder / "directory.yaml").write_text(directory, "utf-8")
        if codes is not None:
            (folder / "codes.yaml").write_text(codes, "utf-8")
        for name, text in ({"ORDERS": MESSAGE} if messages is None else messages).items():
            (folder / "messages" / f"{name}.yaml").write_text(text, "utf-8")
        found = load_directory.__wrapped__(standard, version)
        assert found is not None
        return found

    return load, standard


# -- the bundled data -------------------------------------------------------------


def test_every_bundled_directory_is_checked_by_check_all() -> None:
    """check_all reads every shipped directory of both standards from its YAML
    without error."""
    assert check_all() == [f"{s}/{v}" for s, v in BUNDLED]


def test_versions_lists_the_shipped_folders() -> None:
    """versions() names each folder holding a directory.yaml: every EDIFACT directory
    from D94B to D24A and the two service directories; none for an unknown standard."""
    assert versions("edifact") == SHIPPED_EDIFACT
    assert versions("x12") == ["004010", "005010"]
    assert versions("hl7") == []


@pytest.mark.parametrize(("standard", "version"), BUNDLED)
def test_bundled_directory_loads_every_message_file(standard: str, version: str) -> None:
    """Each bundled directory's messages are the files it names (or holds), each using
    only segments, composites and elements the directory defines."""
    directory = load_directory(standard, version)
    assert directory is not None
    assert (directory.standard, directory.version) == (standard, version)
    if standard == "x12":
        files = {p.stem for p in (DATA / standard / version / "messages").glob("*.yaml")}
        assert set(directory.messages) == files
    elif version.startswith("syntax"):
        assert set(directory.messages) == {"CONTRL"}
    else:
        # RECADV from D96A, APERAK from D95A (the renderings of earlier ones lack them)
        missing = {"D94B": {"APERAK", "RECADV"}, "D95A": {"RECADV"}, "D95B": {"RECADV"}}
        assert set(directory.messages) == MESSAGE_TYPES - missing.get(version, set())
    for message in directory.messages.values():
        assert message.structure.id == ""
        assert message.tags() <= set(directory.segments)
    for segment in directory.segments.values():
        for member in segment.members:
            assert member.ref in directory.elements or member.ref in directory.composites
    for composite in directory.composites.values():
        assert all(c.ref in directory.elements for c in composite.components)


def test_directories_are_cached_and_unknown_versions_are_none() -> None:
    """load_directory reads a version once and gives None for one that is not shipped."""
    assert load_directory("edifact", "D96A") is load_directory("edifact", "D96A")
    assert load_directory("edifact", "D99Z") is None
    assert load_directory("tradacoms", "D96A") is None


def test_d96a_and_d01b_hold_what_their_directories_say() -> None:
    """Facts of D.96A and D.01B, pinned from the directories: BGM 02 became the
    composite C106 in D.01B, quantities became an..35, GIS joined the messages'
    segments, and DTM keeps the date rule of notes.yaml in both."""
    d96a = load_directory("edifact", "D96A")
    d01b = load_directory("edifact", "D01B")
    assert d96a is not None and d01b is not None
    assert [m.ref for m in d01b.segments["BGM"].members] == ["C002", "C106", "1225", "4343"]
    assert [m.ref for m in d96a.segments["BGM"].members] == ["C002", "1004", "1225", "4343"]
    assert d96a.elements["6060"].kind == "n" and d01b.elements["6060"].kind == "an"
    assert (d01b.elements["6060"].min_length, d01b.elements["6060"].max_length) == (1, 35)
    assert "GIS" in d01b.segments and "GIS" not in d96a.segments
    date_rule = Rule(RuleKind.DATE, ("01-2", "01-3"), "DATE 01-2 01-3")
    assert d96a.segments["DTM"].rules == d01b.segments["DTM"].rules == (date_rule,)


def test_bundled_data_reads_representations_and_codes() -> None:
    """Shipped elements carry kind and lengths from their representation and code
    lists with their completeness: the directories' lists are whole, and those the
    notes call open (Incoterms in 4053) only warn."""
    d96a = load_directory("edifact", "D96A")
    d01b = load_directory("edifact", "D01B")
    x4010 = load_directory("x12", "004010")
    assert d96a is not None and d01b is not None and x4010 is not None
    assert d96a.elements["6060"] == ElementDef("6060", "Quantity", "n", 1, 15)
    assert d96a.elements["0081"].kind == "a" and d96a.elements["0081"].max_length == 1
    assert d96a.elements["1225"].codes_complete and "9" in (d96a.elements["1225"].codes or ())
    assert d96a.elements["3035"].codes_complete
    assert {"BY", "SU", "DP", "IV"} <= (d96a.elements["3035"].codes or set())
    assert "BYZZ" not in (d96a.elements["3035"].codes or set())
    assert d01b.elements["4053"].codes == {"1", "2"}
    assert not d01b.elements["4053"].codes_complete
    assert x4010.elements["373"].kind == "DT"
    assert (x4010.elements["373"].min_length, x4010.elements["373"].max_length) == (8, 8)
    assert x4010.elements["362"].kind == "N2" and x4010.elements["362"].numeric
    assert x4010.segments["N1"].rules == (Rule(RuleKind.REQUIRED, ("02", "03"), "R0203"),
                                          Rule(RuleKind.PAIRED, ("03", "04"), "P0304"))
    assert d96a.segments["DTM"].rules == (Rule(RuleKind.DATE, ("01-2", "01-3"),
                                                "DATE 01-2 01-3"),)


def test_bundled_structures_keep_groups_usage_and_max_use() -> None:
    """A message structure keeps its groups, their trigger and unbounded max use."""
    x4010 = load_directory("x12", "004010")
    d96a = load_directory("edifact", "D96A")
    assert x4010 is not None and d96a is not None
    po1 = next(c for c in x4010.messages["850"].structure.children
               if isinstance(c, GroupNode) and c.id == "PO1")
    assert (po1.usage, po1.max_use, po1.trigger) == (Usage.MANDATORY, 100000, "PO1")
    ref = x4010.messages["850"].structure.children[2]
    assert ref == SegmentNode("REF", Usage.CONDITIONAL, UNBOUNDED)
    sg2 = d96a.messages["ORDERS"].structure.children[7]
    assert isinstance(sg2, GroupNode) and (sg2.id, sg2.max_use) == ("SG2", 99)
    assert [getattr(c, "tag", getattr(c, "id", None)) for c in sg2.children] == [
        "NAD", "LOC", "FII", "SG3", "SG4", "SG5"]


# -- representations, rules and usage ----------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("an..35", ("an", 1, 35)),
    ("an3", ("an", 3, 3)),
    ("n..15", ("n", 1, 15)),
    ("a1", ("a", 1, 1)),
    ("AN 1/35", ("AN", 1, 35)),
    ("ID 2/2", ("ID", 2, 2)),
    ("N2 1/10", ("N2", 1, 10)),
    ("R 1/..", ("R", 1, UNBOUNDED)),
    ("DT 8/8", ("DT", 8, 8)),
    ("TM 4/8", ("TM", 4, 8)),
])
def test_representations_parse(text: str, expected: tuple[str, int, int]) -> None:
    """EDIFACT 'an..35'/'an3' and X12 'AN 1/35' give kind, minimum and maximum length."""
    assert parse_representation(text, _Where("f.yaml", "x")) == expected


@pytest.mark.parametrize("text", ["an..", "x..35", "an.35", "AN 1-35", "AN1/35", "ZZ 1/2", ""])
def test_bad_representations_name_the_field(text: str) -> None:
    """A representation that is neither EDIFACT nor X12 notation is refused with the
    file and field."""
    with pytest.raises(ConfigurationError, match=r"^f\.yaml: elements\.9: .*not a representation"):
        parse_representation(text, _Where("f.yaml", "elements").at(9))


def test_x12_n_without_decimals_is_refused_or_numeric() -> None:
    """An X12 'N' representation without its decimal digit is refused or numeric, never
    silently free text."""
    try:
        kind, low, high = parse_representation("N 1/6", _Where("f.yaml", "x"))
    except ConfigurationError:
        return
    assert ElementDef("1", "Count", kind, low, high).numeric


@pytest.mark.parametrize(("text", "kind", "refs"), [
    ("P0304", RuleKind.PAIRED, ("03", "04")),
    ("R020305", RuleKind.REQUIRED, ("02", "03", "05")),
    ("E0102", RuleKind.EXCLUSION, ("01", "02")),
    ("C0405", RuleKind.CONDITIONAL, ("04", "05")),
    ("L040506", RuleKind.LIST_CONDITIONAL, ("04", "05", "06")),
    ("D1 01 02", RuleKind.ONE_ONLY, ("01", "02")),
    ("D2 01 02", RuleKind.PAIRED, ("01", "02")),
    ("D3 01 02 03", RuleKind.REQUIRED, ("01", "02", "03")),
    ("D4 01 02", RuleKind.EXCLUSION, ("01", "02")),
    ("D5 01 02-1", RuleKind.CONDITIONAL, ("01", "02-1")),
    ("D6 01 02 03", RuleKind.LIST_CONDITIONAL, ("01", "02", "03")),
    ("D7 01 02", RuleKind.IF_FIRST_NONE, ("01", "02")),
    ("DATE 01-2 01-3", RuleKind.DATE, ("01-2", "01-3")),
])
def test_rules_parse(text: str, kind: RuleKind, refs: tuple[str, ...]) -> None:
    """X12 syntax notes, EDIFACT D1..D7 notes and DATE rules parse to kind and refs,
    keeping the text as written."""
    assert parse_rule(text, _Where("f.yaml")) == Rule(kind, refs, text)


@pytest.mark.parametrize("text", ["P03", "Q0304", "D3 01", "D9 01 02", "D5 1 2", "DATE 01-2",
                                  "P030", 42])
def test_bad_rules_name_the_field(text: object) -> None:
    """A rule with one position, an unknown letter or a malformed position is refused
    with the file and field."""
    with pytest.raises(ConfigurationError, match=r"^f\.yaml: segments\.DTM\.rules\.1: "):
        parse_rule(text, _Where("f.yaml", "segments").at("DTM").at("rules").at(1))


@pytest.mark.parametrize(("text", "usage"), [
    ("M", Usage.MANDATORY), ("C", Usage.CONDITIONAL), ("O", Usage.CONDITIONAL),
    (" m ", Usage.MANDATORY), ("X", Usage.NOT_USED)])
def test_usage_letters(text: str, usage: Usage) -> None:
    """X12 'O' means the same as EDIFACT 'C'; letters are read case-blind."""
    assert Usage.parse(text) is usage


def test_unknown_usage_letter_is_an_error() -> None:
    """A usage letter outside M/C/O/X is not silently taken as conditional."""
    with pytest.raises(ValueError, match="'Q'"):
        Usage.parse("Q")


# -- a data folder of our own ------------------------------------------------------


def test_a_correct_directory_loads_as_written(fake: tuple[Loader, str]) -> None:
    """Elements, composites, segments with rules, codes (list or mapping, complete or
    not) and a message structure are loaded as the files say."""
    load, _ = fake
    directory = load()
    assert directory.elements["1225"].codes == frozenset({"9", "1"})
    assert directory.elements["1225"].codes_complete
    assert directory.elements["2005"].codes == frozenset({"137", "2"})
    assert not directory.elements["2005"].codes_complete
    assert directory.elements["2380"].codes is None
    assert directory.composites["C507"].components == (
        Member("2005", Usage.MANDATORY), Member("2380", Usage.CONDITIONAL),
        Member("2379", Usage.CONDITIONAL))
    assert directory.segments["DTM"].rules[0].kind is RuleKind.DATE
    structure = directory.messages["ORDERS"].structure
    assert structure == GroupNode("", Usage.MANDATORY, 1, (
        SegmentNode("BGM", Usage.MANDATORY, 1),
        GroupNode("SG1", Usage.CONDITIONAL, 9, (SegmentNode("DTM", Usage.MANDATORY, 1),)),
    ))


def test_member_repeat_count_is_read(fake: tuple[Loader, str]) -> None:
    """A member's third word is how often it may repeat; '>1' and 'n' are unbounded."""
    load, _ = fake
    text = DIRECTORY.replace("elements: [1004 C, 1225 C]", "elements: [1004 C 3, 1225 C >1]")
    directory = load(directory=text)
    assert directory.segments["BGM"].members == (
        Member("1004", Usage.CONDITIONAL, 3), Member("1225", Usage.CONDITIONAL, UNBOUNDED))


# (file, text to replace, replacement, the error's "<file>: <field>: " start, and words)
MISTAKES = [
    pytest.param("directory.yaml", "elements: [1004 C, 1225 C]", "elements: [1004 C, 9999 C]",
                 "directory.yaml: segments.BGM.elements.2: ",
                 "9999 is neither an element nor a composite", id="unknown-element-in-segment"),
    pytest.param("directory.yaml", "[2005 M, 2380 C, 2379 C]", "[2005 M, 9999 C, 2379 C]",
                 "directory.yaml: composites.C507.components.2: ",
                 "element 9999 is not defined", id="unknown-element-in-composite"),
    pytest.param("directory.yaml", "elements: [C507 M]", "elements: [C999 M]",
                 "directory.yaml: segments.DTM.elements.1: ",
                 "C999 is neither", id="unknown-composite-in-segment"),
    pytest.param("messages/ORDERS.yaml", "- BGM M 1", "- ZZZ M 1",
                 "messages/ORDERS.yaml: structure: ", "segment ZZZ is not defined",
                 id="unknown-segment-in-message"),
    pytest.param("codes.yaml", '"1225": [9, "1"]', '"9999": ["1"]',
                 "codes.yaml: 9999: ", "element 9999 is not defined",
                 id="code-list-of-unknown-element"),
    pytest.param("codes.yaml", '"1225": [9, "1"]', '"1225": []',
                 "codes.yaml: 1225: ", "non-empty list", id="empty-code-list"),
    pytest.param("directory.yaml", "elements: [1004 C, 1225 C]", "elements: [1004 C, 1225 Q]",
                 "directory.yaml: segments.BGM.elements.2: ", "'1225 Q'",
                 id="bad-usage-in-segment"),
    pytest.param("directory.yaml", "[2005 M, 2380 C, 2379 C]", "[2005 X, 2380 C, 2379 C]",
                 "directory.yaml: composites.C507.components.1: ", "'2005 X'",
                 id="bad-usage-in-composite"),
    pytest.param("directory.yaml", "elements: [1004 C, 1225 C]",
                 "elements: [1004 C, 1225 C 2 x]",
                 "directory.yaml: segments.BGM.elements.2: ", "'1225 C 2 x'",
                 id="member-with-four-words"),
    pytest.param("messages/ORDERS.yaml", "- BGM M 1", "- BGM Q 1",
                 "messages/ORDERS.yaml: structure.1: ", "'BGM Q 1'",
                 id="bad-usage-of-message-segment"),
    pytest.param("messages/ORDERS.yaml", "group SG1 C 9", "group SG1 Q 9",
                 "messages/ORDERS.yaml: structure.2: ", "'group SG1 Q 9'",
                 id="bad-usage-of-group"),
    pytest.param("messages/ORDERS.yaml", "      - DTM M 1", "      - DTM Y 1",
                 "messages/ORDERS.yaml: structure.2.SG1.1: ", "'DTM Y 1'",
                 id="bad-usage-inside-group"),
    pytest.param("messages/ORDERS.yaml", "- BGM M 1", "- BGM M many",
                 "messages/ORDERS.yaml: structure.1: ", "'BGM M many'",
                 id="bad-max-use"),
    pytest.param("directory.yaml", '"1004": an..35 Document number',
                 '"1004": xn..35 Document number',
                 "directory.yaml: elements.1004: ", "not a representation",
                 id="bad-representation"),
    pytest.param("directory.yaml", '"1004": an..35 Document number', '"1004": an..35',
                 "directory.yaml: elements.1004: ", "'<representation> <name>'",
                 id="element-without-name"),
    pytest.param("directory.yaml", "rules: [DATE 01-2 01-3]", "rules: [Q0102]",
                 "directory.yaml: segments.DTM.rules.1: ", "'Q0102' is not a rule",
                 id="bad-rule"),
    pytest.param("directory.yaml", "    name: Date/time/period\n    components:",
                 "    name: Date/time/period\n    parts:",
                 "directory.yaml: composites.C507: ", "'components' list",
                 id="composite-without-components"),
    pytest.param("messages/ORDERS.yaml", "message: ORDERS", "message: ORDRSP",
                 "messages/ORDERS.yaml: message: ", "does not match the file name",
                 id="message-named-wrongly"),
    pytest.param("messages/ORDERS.yaml", "      - DTM M 1\n", "      []\n",
                 "messages/ORDERS.yaml: structure.2.SG1: ", "non-empty list",
                 id="empty-group"),
    pytest.param("directory.yaml", "version: T1\n", "version: T1\nbase: NOPE\n",
                 "directory.yaml: base: ", "no directory 'NOPE'", id="unknown-base"),
    pytest.param("directory.yaml", "elements:\n", "elements: [\n",
                 "directory.yaml: ", "not valid YAML", id="not-yaml"),
]


@pytest.mark.parametrize(("file", "old", "new", "where", "words"), MISTAKES)
def test_a_mistake_names_the_file_and_the_field(fake: tuple[Loader, str], *, file: str,
                                                old: str, new: str, where: str,
                                                words: str) -> None:
    """A mistake in any data file is a ConfigurationError starting with
    '<standard>/<version>/<file>: <field>: ' and saying what is wrong."""
    load, standard = fake
    texts = {"directory.yaml": DIRECTORY, "codes.yaml": CODES, "messages/ORDERS.yaml": MESSAGE}
    assert old in texts[file]
    texts[file] = texts[file].replace(old, new, 1)
    with pytest.raises(ConfigurationError) as raised:
        load(directory=texts["directory.yaml"], codes=texts["codes.yaml"],
             messages={"ORDERS": texts["messages/ORDERS.yaml"]})
    message = str(raised.value)
    assert message.startswith(f"{standard}/T1/{where}"), message
    assert words in message


def test_a_segment_defined_twice_is_refused(fake: tuple[Loader, str]) -> None:
    """Two definitions of one segment tag are refused, naming the file and the tag."""
    load, standard = fake
    twice = DIRECTORY + "  BGM:\n    name: Again\n    elements: [1004 M]\n"
    with pytest.raises(ConfigurationError, match=rf"^{standard}/T1/directory\.yaml: .*"
                                                 r"'BGM' appears twice .*lines \d+ and \d+"):
        load(directory=twice)


def test_an_element_defined_twice_is_refused(fake: tuple[Loader, str]) -> None:
    """Two definitions of one element id are refused, naming the file and the element."""
    load, standard = fake
    twice = DIRECTORY.replace('  "6060": n..15 Quantity\n',
                              '  "6060": n..15 Quantity\n  "1004": an..70 Reference\n')
    with pytest.raises(ConfigurationError, match=rf"^{standard}/T1/directory\.yaml: .*"
                                                 r"'1004' appears twice .*lines \d+ and \d+"):
        load(directory=twice)


def test_a_base_version_supplies_what_is_not_restated(fake: tuple[Loader, str]) -> None:
    """A directory naming a base takes its definitions (and with inherit_messages its
    messages), and its own entries override the base's without changing the base."""
    load, standard = fake
    load(version="T0", directory=DIRECTORY.replace("version: T1", "version: T0"))
    base = load_directory(standard, "T0")
    assert base is not None
    derived_text = ('standard: edifact\nversion: T1\nbase: T0\ninherit_messages: true\n'
                    'elements:\n  "1004": an..70 Document identifier\n')
    derived = load(directory=derived_text, codes=None, messages={})
    assert derived.elements["1004"].max_length == 70
    assert base.elements["1004"].max_length == 35
    assert derived.segments["DTM"] == base.segments["DTM"]
    assert derived.elements["1225"] == base.elements["1225"]
    assert derived.messages["ORDERS"] == base.messages["ORDERS"]
    own = load(directory=derived_text.replace("true", "false"), codes=None, messages={})
    assert own.messages == {}


# -- version aliases ---------------------------------------------------------------


@pytest.mark.parametrize(("standard", "mtype", "version", "served_by"), [
    ("edifact", "CONTRL", "D3", "syntax3"),
    ("edifact", "CONTRL", "41", "syntax4"),
    ("edifact", "CONTRL", "D96A", "D96A"),
    ("edifact", "ORDERS", "D3", "D3"),
    ("edifact", "ORDERS", "D96A", "D96A"),
    ("x12", "997", "004010", "004010"),
    ("x12", "CONTRL", "D3", "D3"),
])
def test_resolve_version(standard: str, mtype: str, version: str, served_by: str) -> None:
    """CONTRL's syntax versions (D:3, 4:1) are served by the service directories
    syntax3 and syntax4; every other message type and version is served by the
    directory of its own name."""
    assert resolve_version(standard, mtype, version) == served_by


def test_every_alias_points_at_a_shipped_directory_holding_the_message() -> None:
    """Each alias target is a bundled directory that defines the aliased message."""
    for mtype, table in loader._aliases("edifact").items():
        for version in table:
            directory = load_directory("edifact", resolve_version("edifact", mtype, version))
            assert directory is not None and mtype in directory.messages


def test_a_malformed_alias_file_is_refused(fake: tuple[Loader, str], tmp_path: Path) -> None:
    """aliases.yaml must map message types to {version: directory}; otherwise the
    error names the file."""
    _, standard = fake
    (tmp_path / standard).mkdir()
    (tmp_path / standard / "aliases.yaml").write_text("CONTRL: [D3, D96A]\n", "utf-8")
    with pytest.raises(ConfigurationError, match=rf"^{standard}/aliases\.yaml: "):
        resolve_version(standard, "CONTRL", "D3")


# -- what generated directories use: shared structures, removals, code changes, notes --


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A data folder of our own under a standard name unique to the test."""
    standard = f"gen_{tmp_path.name}"
    monkeypatch.setattr(loader, "DATA", tmp_path)
    return tmp_path / standard, standard


DERIVED = """\
standard: edifact
version: T2
base: T1
messages: {ORDERS: T1}
removed:
  elements: ["6060"]
elements:
  "1004": an..70 Document identifier
"""


def test_a_derived_directory_names_where_its_messages_are(data: tuple[Path, str]) -> None:
    """`messages` points a type at the directory holding its structure; `removed`
    drops the base's entries; entries restated replace the base's."""
    root, standard = data
    _write(root, {"T1/directory.yaml": DIRECTORY, "T1/codes.yaml": CODES,
                  "T1/messages/ORDERS.yaml": MESSAGE, "T2/directory.yaml": DERIVED})
    loaded = loader.from_yaml(standard, "T2")
    assert loaded is not None
    t2 = loaded.directory
    assert set(t2.messages) == {"ORDERS"}
    assert t2.messages["ORDERS"].structure.children[0] == SegmentNode("BGM", Usage.MANDATORY, 1)
    assert "6060" not in t2.elements and t2.elements["1004"].max_length == 70
    assert t2.elements["1225"].codes == {"9", "1"}
    assert loaded.sources == (f"{standard}/T1/directory.yaml", f"{standard}/T1/codes.yaml",
                              f"{standard}/T1/messages/ORDERS.yaml",
                              f"{standard}/T2/directory.yaml")


@pytest.mark.parametrize(("codes", "expected", "complete"), [
    ('"1225": {add: ["2"], remove: ["1"]}\n', {"9", "2"}, True),
    ('"1225": null\n', None, True),
    ('"1225": {complete: false, codes: ["7"]}\n', {"7"}, False),
    ('"2005": {add: ["3"]}\n', {"137", "2", "3"}, False),
])
def test_a_derived_directory_changes_code_lists(data: tuple[Path, str], codes: str,
                                                expected: set[str] | None,
                                                complete: bool) -> None:
    """A derived codes.yaml adds to and removes from the base's list, drops it
    (null) or replaces it, keeping the base's completeness when it only changes it."""
    root, standard = data
    element = "1225" if "1225" in codes else "2005"
    _write(root, {"T1/directory.yaml": DIRECTORY, "T1/codes.yaml": CODES,
                  "T2/directory.yaml": "standard: edifact\nversion: T2\nbase: T1\n",
                  "T2/codes.yaml": codes})
    loaded = loader.from_yaml(standard, "T2")
    assert loaded is not None
    found = loaded.directory.elements[element]
    assert found.codes == expected and found.codes_complete is complete


@pytest.mark.parametrize(("files", "where", "words"), [
    ({"T2/codes.yaml": '"1225": {remove: ["5"]}\n'}, "T2/codes.yaml: 1225.remove: ",
     "'5' is not in the list"),
    ({"T2/codes.yaml": '"1004": {add: ["5"]}\n'}, "T2/codes.yaml: 1004: ",
     "no code list to add to"),
    ({"T2/codes.yaml": '"1225": {add: ["5"], keep: ["1"]}\n'}, "T2/codes.yaml: 1225: ",
     "'keep'"),
    ({"T2/directory.yaml": DERIVED.replace('["6060"]', '["9999"]')},
     "T2/directory.yaml: removed.elements: ", "9999 is not in the base"),
    ({"T2/directory.yaml": DERIVED + "colour: red\n"}, "T2/directory.yaml: colour: ",
     "not a key of directory.yaml"),
    ({"T2/directory.yaml": DERIVED.replace("{ORDERS: T1}", "{ORDERS: T9}")},
     "T9/messages/ORDERS.yaml: ", "no such file"),
    ({"T2/directory.yaml": DERIVED, "T2/messages/INVOIC.yaml": MESSAGE},
     "T2/messages/INVOIC.yaml: ", "do not name T2 for INVOIC"),
])
def test_a_mistake_in_generated_form_names_the_file_and_the_field(
        data: tuple[Path, str], files: dict[str, str], where: str, words: str) -> None:
    """Changes to code lists, removals, unknown keys and message references that do
    not hold are refused with the file and the field."""
    root, standard = data
    _write(root, {"T1/directory.yaml": DIRECTORY, "T1/codes.yaml": CODES,
                  "T1/messages/ORDERS.yaml": MESSAGE,
                  "T2/directory.yaml": "standard: edifact\nversion: T2\nbase: T1\n", **files})
    with pytest.raises(ConfigurationError) as raised:
        loader.from_yaml(standard, "T2")
    assert str(raised.value).startswith(f"{standard}/{where}"), raised.value
    assert words in str(raised.value)


NOTES = """\
rules:
  DTM: [DATE 01-2 01-3, D5 01-2 01-3]
  ZZZ: [D1 01 02]
open_code_lists:
  "1225": "a list of our own"
"""


def test_notes_add_rules_and_open_code_lists(data: tuple[Path, str]) -> None:
    """notes.yaml adds its rules to the segments a directory has (once, keeping those
    it has) and leaves the lists it names open; its mistakes name the file."""
    root, standard = data
    _write(root, {"T1/directory.yaml": DIRECTORY, "T1/codes.yaml": CODES,
                  "notes.yaml": NOTES})
    loaded = loader.from_yaml(standard, "T1")
    assert loaded is not None
    dtm = loaded.directory.segments["DTM"]
    assert [r.text for r in dtm.rules] == ["DATE 01-2 01-3", "D5 01-2 01-3"]
    assert not loaded.directory.elements["1225"].codes_complete
    assert loaded.sources[-1] == f"{standard}/notes.yaml"
    _write(root, {"notes.yaml": NOTES.replace("D5 01-2 01-3", "D5 01-2 01-9")})
    with pytest.raises(ConfigurationError, match=rf"^{standard}/notes\.yaml: rules\.DTM: "
                                                 r".*names a position DTM of T1 lacks"):
        loader.from_yaml(standard, "T1")
    _write(root, {"notes.yaml": 'open_code_lists: {"1225": ""}\n'})
    with pytest.raises(ConfigurationError, match=rf"^{standard}/notes\.yaml: "
                                                 r"open_code_lists\.1225: "):
        loader.from_yaml(standard, "T1")


def test_the_newest_edifact_directory_is_d24a() -> None:
    """newest_version orders directories by year (D99B before D00A) and release."""
    assert loader.newest_version("edifact") == "D24A"
    assert loader.newest_version("x12") is None
