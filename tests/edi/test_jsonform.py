"""The JSON form of the syntax tree: its shapes, the round trip, and refusals of bad JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.edi.jsonform import (
    result_to_json,
    segment_from_json,
    segment_to_json,
    tree_from_json,
)
from gateway.edi.reader import read
from gateway.edi.tree import Layout, Segment
from gateway.edi.writer import write
from gateway.errors import UsageError
from tests.edi.snippets import x12

SYNTAX_4 = (b"UNA:+.?*'\nUNB+UNOC:4+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'\n"
            b"FTX+AAI+++a*b:c*d?+x'\nUNT+3+1'\nUNZ+1+1'\n")
DELIMITERS = {"segment": "'", "element": "+", "component": ":", "release": "?"}


def _through_json(data: bytes) -> bytes:
    result = read(data)
    text = json.dumps(result_to_json(result, "in.edi"))
    interchanges, encoding, bom = tree_from_json(json.loads(text))
    return write(interchanges, encoding=encoding, bom=bom)


def test_element_shapes() -> None:
    """A simple element is a string, a composite a list, a repeated element {'repetitions'}."""
    seg = Segment("FTX", [["AAI"], ["a", "b"], ["x"]], repeats={3: [["x"], ["y", "z"]]})
    assert segment_to_json(seg) == {
        "tag": "FTX", "elements": ["AAI", ["a", "b"], {"repetitions": ["x", ["y", "z"]]}]}


def test_segment_from_json_inverts_segment_to_json() -> None:
    """segment_from_json(segment_to_json(s)) equals s, repetitions included."""
    seg = Segment("FTX", [["AAI"], ["a", "b"], ["x"]], repeats={3: [["x"], ["y", "z"]]})
    assert segment_from_json(segment_to_json(seg)) == seg


def test_result_json_names_path_standard_encoding_and_issues() -> None:
    """result_to_json gives path, standard, encoding, bom, interchanges and issues."""
    out = result_to_json(read(SYNTAX_4), "in.edi")
    assert (out["path"], out["standard"], out["encoding"], out["bom"]) == (
        "in.edi", "edifact", "iso8859-1", False)
    (ic,) = out["interchanges"]
    assert ic["service_string"] == "UNA:+.?*'"
    assert ic["line_ending"] == "\n"
    assert ic["groups"][0]["messages"][0]["segments"] == [
        {"tag": "FTX", "elements": ["AAI", "", "", {"repetitions": ["a", ["b", "c"], "d+x"]}]}]
    assert out["issues"] == []


@pytest.mark.parametrize(
    "data",
    [SYNTAX_4, x12(line_ending="\r\n").encode(), (x12() + "\r\n").encode(),
     b"\xef\xbb\xbfUNB+UNOW:3+S+R+250101:1200+1'UNH+1+X'FTX+\xc5\x81\xc3\xb3d\xc5\xba'UNT+3+1'"
     b"UNZ+1+1'"],
)
def test_json_round_trip_gives_the_same_bytes(data: bytes) -> None:
    """read -> JSON text -> tree -> write gives the file back byte for byte."""
    assert _through_json(data) == data


def test_issues_are_in_the_json() -> None:
    """Issues appear with code, severity, location and message."""
    out = result_to_json(read(b"UNB+UNOC:3+S+R+250101:1200+1'UNZ+0+1'"))
    assert out["issues"] == [{
        "code": "envelope.empty", "severity": "warning",
        "location": {"interchange": "1", "segment": "UNB", "line": 1, "column": 1},
        "message": "Interchange '1' holds no messages.",
    }]


def _ic(**fields: Any) -> dict[str, Any]:
    return {"standard": "edifact", "interchanges": [{"delimiters": DELIMITERS, **fields}]}


def _msg(segments: Any) -> dict[str, Any]:
    return _ic(groups=[{"messages": [{"segments": segments}]}])


BAD_JSON: dict[str, Any] = {
    "not an object": [],
    "unknown standard": {"standard": "xml", "interchanges": []},
    "interchanges not a list": {"standard": "edifact", "interchanges": {}},
    "interchange not an object": {"standard": "edifact", "interchanges": [1]},
    "no delimiters": {"standard": "edifact", "interchanges": [{}]},
    "delimiters not an object": {"standard": "edifact", "interchanges": [{"delimiters": "'"}]},
    "segment not an object": _msg(["BGM"]),
    "element a number": _msg([{"tag": "BGM", "elements": [1]}]),
    "empty composite": _msg([{"tag": "BGM", "elements": [[]]}]),
    "empty repetitions": _msg([{"tag": "BGM", "elements": [{"repetitions": []}]}]),
    "group not an object": _ic(groups=[3]),
    "groups a number": _ic(groups=3),
    "messages a number": _ic(groups=[{"messages": 3}]),
    "segments a number": _msg(3),
    "interchange segments a number": _ic(interchange_segments=3),
    "repetition separator a number": {"standard": "edifact", "interchanges": [
        {"delimiters": {**DELIMITERS, "repetition": 5}}]},
    "final line ending not layout": _ic(final_line_ending="\nUNB"),
    "final line ending not a string": _ic(final_line_ending=False),
    "lead not layout": _ic(lead="x"),
    "layout not an object": _msg([{"tag": "BGM", "elements": [], "layout": "\n"}]),
    "layout with an unknown key": _msg([{"tag": "BGM", "elements": [], "layout": {"gap": ""}}]),
    "layout before not a string": _msg([{"tag": "BGM", "elements": [], "layout": {"before": 1}}]),
    "layout extra not a pair": _msg([{"tag": "BGM", "elements": [],
                                      "layout": {"extras": [[1, "\n", 2]]}}]),
    "layout extra at a negative offset": _msg([{"tag": "BGM", "elements": [],
                                                "layout": {"extras": [[-1, "\n"]]}}]),
    "layout widths too few": _msg([{"tag": "ISA", "elements": [], "layout": {"widths": [2]}}]),
    "layout terminated not a flag": _msg([{"tag": "BGM", "elements": [],
                                           "layout": {"terminated": "no"}}]),
}


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_malformed_json_tree_is_a_usage_error(name: str) -> None:
    """JSON that is not a parse --json tree raises UsageError, never TypeError or KeyError."""
    with pytest.raises(UsageError):
        tree_from_json(BAD_JSON[name])



def test_layout_is_in_the_json_only_where_a_segment_has_one() -> None:
    """A segment laid out like its neighbours has no 'layout' key; one laid out
    otherwise has just the keys that differ, and they read back to the same layout."""
    regular = Segment.of("BGM", "220")
    assert "layout" not in segment_to_json(regular)
    laid = Segment("ISA", [["00"]], layout=Layout(
        before="\n  ", extras=((3, "\r\n"),), widths=tuple(range(16)), terminated=False))
    as_json = segment_to_json(laid)
    assert as_json["layout"] == {"before": "\n  ", "extras": [[3, "\r\n"]],
                                 "widths": list(range(16)), "terminated": False}
    assert segment_from_json(json.loads(json.dumps(as_json))).layout == laid.layout
    assert segment_from_json({"tag": "BGM", "elements": [], "layout": {}}).layout is None


def test_interchange_lead_is_in_the_json_only_where_there_is_one() -> None:
    """'lead' appears for blanks before the first interchange, and nowhere else."""
    assert "lead" not in result_to_json(read(SYNTAX_4))["interchanges"][0]
    (ic,) = result_to_json(read(b"\n\n" + SYNTAX_4))["interchanges"]
    assert ic["lead"] == "\n\n"
    assert _through_json(b"\n\n" + SYNTAX_4) == b"\n\n" + SYNTAX_4


def test_json_without_layout_keys_writes_the_canonical_form() -> None:
    """JSON from before the layout keys (none of them) still writes: segments one per
    line ending, the ISA at its standard widths."""
    data = x12(line_ending="\n").replace("SENDER         ", "SENDER").encode()
    out = result_to_json(read(data))
    for ic in out["interchanges"]:
        ic["header"].pop("layout")
    interchanges, encoding, bom = tree_from_json(json.loads(json.dumps(out)))
    assert write(interchanges, encoding=encoding, bom=bom) == x12(line_ending="\n").encode()
