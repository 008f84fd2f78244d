"""The generator of the EDIFACT schema files: names read from the renderings, the
renderings' known faults put right only where the renderings themselves show
the fault, and the shipped files exactly what the generator writes from the
renderings (nothing edited by hand)."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
import yaml

from gateway.edi.schema import untdid
from gateway.edi.schema.untdid import Rendering, Snapshot

RENDERINGS = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / \
    "edifact-untdid"


@pytest.mark.parametrize(("raw", "name"), [
    ("partyFunctionCodeQualifier", "Party function code qualifier"),
    ("dateOrtimeOrperiod", "Date/time/period"),
    ("actionRequestOrnotification,Coded", "Action request/notification, coded"),
    ("countryOfOrigin", "Country of origin"),
    ("purchaseOrderNumber", "Purchase order number"),
    ("uNDGInformation", "UNDG information"),
    ("streetAndNumberOrp.o.Box", "Street and number/p.o. box"),
])
def test_names_are_read_from_camel_case(raw: str, name: str) -> None:
    """Camel-case names become words; 'Or' before a small letter is the slash of
    the directory's name, while 'Origin' and 'Order' stay words."""
    assert untdid.readable(raw) == name


def test_directories_are_ordered_by_year_then_release() -> None:
    """D99B comes before D00A, D00A before D00B."""
    assert sorted(["D00B", "D99B", "D00A", "D96A"], key=untdid.directory_order) == [
        "D96A", "D99B", "D00A", "D00B"]
    assert [untdid.family(d) for d in ("D96A", "D03B", "D16A", "D21B")] == [
        "D9x", "D0x", "D1x", "D2x"]


def _rendering(version: str, c082: tuple[str, ...], codes: dict[str, tuple[str, ...]]
               | None = None) -> Rendering:
    elements = {"3039": "an..35 Party identifier", "1131": "an..3 Code list",
                "3055": "an..3 Agency", "5495": "an..3 Sub-line indicator"}
    snapshot = Snapshot(version, elements={k: v for k, v in elements.items()
                                           if any(m.startswith(k) for m in c082)},
                        composites={"C082": ("Party identification details", c082)})
    return Rendering(snapshot, codes or {})


FULL = ("3039 M", "1131 C", "3055 C")
SHORT = ("1131 C", "3055 C")


def test_a_component_left_out_and_back_later_is_restored() -> None:
    """D.97A's rendering leaves 3039 out of C082 while D.96B and D.97B have it: D.97A
    gets D.96B's definition back, with the element, and the correction says so."""
    renderings = [_rendering("D96B", FULL), _rendering("D97A", SHORT),
                  _rendering("D97B", FULL)]
    [correction] = untdid.restore_components(renderings)
    d97a = renderings[1].snapshot
    assert d97a.composites["C082"][1] == FULL
    assert d97a.elements["3039"] == "an..35 Party identifier"
    assert (correction.version, correction.what) == ("D97A", "composite C082")
    assert "leaves out 3039" in correction.why and "D96B" in correction.why


def test_a_component_left_out_for_good_is_restored_when_its_code_list_is_there() -> None:
    """A component missing from every later rendering is restored only where the
    directory's own code list of the element shows it still exists."""
    kept = ("5495 C", "1131 C")
    renderings = [_rendering("D99B", kept), _rendering("D00A", ("1131 C",),
                                                       {"5495": ("1", "2")}),
                  _rendering("D00B", ("1131 C",))]
    corrections = untdid.restore_components(renderings)
    assert [c.version for c in corrections] == ["D00A"]
    assert renderings[1].snapshot.composites["C082"][1] == kept
    assert renderings[2].snapshot.composites["C082"][1] == ("1131 C",)


def test_a_component_the_standard_added_later_is_not_put_back_earlier() -> None:
    """A fuller definition only in later directories is the standard growing."""
    renderings = [_rendering("D96B", SHORT), _rendering("D97A", SHORT),
                  _rendering("D97B", FULL)]
    assert untdid.restore_components(renderings) == []
    assert renderings[0].snapshot.composites["C082"][1] == SHORT


def test_codes_read_without_their_x_get_it_back() -> None:
    """Before D.97A the renderings read XA as A: a code the next rendering lacks while
    it has the code with X in front gets its X; a real A or X stays."""
    old = _rendering("D96B", FULL, {"1153": ("A", "ON"), "5463": ("A", "X")})
    new = _rendering("D97A", FULL, {"1153": ("XA", "ON"), "5463": ("A", "X")})
    [correction] = untdid.restore_x_codes([old, new])
    assert old.codes == {"1153": ("XA", "ON"), "5463": ("A", "X")}
    assert "1153 XA" in correction.why


def test_repeats_cut_at_five_digits_are_put_right() -> None:
    """From D.97A the renderings cut 200000 to 20000: the group takes the value its
    message's group with the same triggers had before the cut."""
    structure = (("group SG25 C 200000", ("LIN M 1", "QTY C 10")),)
    cut = (("group SG25 C 20000", ("LIN M 1", "QTY C 10")),)
    before = Rendering(Snapshot("D96B", messages={"ORDERS": structure}), {})
    after = Rendering(Snapshot("D97A", messages={"ORDERS": cut}), {})
    [correction] = untdid.restore_repeats([before, after])
    assert after.snapshot.messages["ORDERS"] == structure
    assert "SG25 20000 -> 200000" in correction.why


def test_fixed_lengths_the_later_renderings_drop_are_kept() -> None:
    """D.96B's n4 stays n4 in a later rendering that writes n..4, and only then."""
    before = Rendering(Snapshot("D96B", elements={"7124": "n4 UNDG number",
                                                  "7106": "n3 Flashpoint"}), {})
    after = Rendering(Snapshot("D97A", elements={"7124": "n..4 UNDG identifier",
                                                 "7106": "n..4 Flashpoint"}), {})
    untdid.restore_fixed_lengths([before, after])
    assert after.snapshot.elements == {"7124": "n4 UNDG identifier",
                                       "7106": "n..4 Flashpoint"}


@pytest.mark.skipif(not RENDERINGS.is_dir(),
                    reason=f"the renderings are not at {RENDERINGS} (a fresh clone)")
def test_the_shipped_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    """Run on the renderings, with the source named in the shipped files, the
    generator writes every shipped EDIFACT directory file exactly, and no other."""
    shipped = Path(untdid.DATA)
    header = yaml.safe_load((shipped / "D94B" / "directory.yaml").read_text("utf-8"))
    source = untdid.Source(**header["source"])
    written, corrections = untdid.generate(RENDERINGS, source)
    untdid.write(written, tmp_path)
    assert corrections, "the renderings' known faults are corrected"
    names = {p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml")}
    ours = {p.relative_to(shipped) for p in shipped.rglob("*.yaml")} - {
        Path("aliases.yaml"), Path("notes.yaml")}
    assert names == ours
    different = [str(n) for n in sorted(names)
                 if not filecmp.cmp(tmp_path / n, shipped / n, shallow=False)]
    assert different == []
