"""A second opinion from pyx12, the field's Python X12 validator, on what the
gateway validates and on the acknowledgements it writes.

pyx12 reads an interchange only where it ships a map for (ISA12, GS01, GS08):
997 004010 and 999 005010X231(A1) among the sets this gateway handles, and its
functional-acknowledgement maps are the HIPAA guides, which accept only
health-care functional identifiers in AK101 and health-care sets in AK201.
Three rules, each with its known disagreements written down as data:

- corpus files pyx12 can read: the same verdict per transaction set (accepted or
  rejected) and the same segments in error;
- the schema goldens it can read (997 004010, 999 005010): likewise;
- every 997 and 999 the gateway writes (the schema goldens' and those built for
  the corpus) passes pyx12 without an error, once AK101/AK201 name a health-care
  group and set (``HC``, ``837``) and a 997's GS08 is the plain ``004010`` its
  map index knows: those edits change no structure, only the codes its guides
  restrict.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.edi.ack.plan import Status, plan_interchange
from gateway.edi.issues import Level
from gateway.edi.report import inspect
from tests import corpus
from tests.edi.ack.agreement import build_acks, inspect_schema
from tests.regenerate_schema_samples import SCHEMA_SAMPLES, VARIANTS

pytest.importorskip("pyx12", reason="pyx12 is a test extra: pip install -e '.[test]'")
import pyx12.map_if  # type: ignore[import-untyped]  # after the skip guard above
import pyx12.map_index  # type: ignore[import-untyped]
import pyx12.params  # type: ignore[import-untyped]
import pyx12.x12n_document  # type: ignore[import-untyped]

# (their verdict, our verdict) per transaction set: accepted?, error positions.
Verdict = dict[str, tuple[bool, tuple[int, ...]]]

REJECTING = {"R", "M", "W", "X"}


# -- running pyx12 ------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _maps_loaded_once() -> Iterator[None]:
    """pyx12 parses its XML maps again for every file; they are only read during a
    walk, so loading each once keeps the module fast without changing a verdict."""
    original = pyx12.map_if.load_map_file
    loaded: dict[tuple[str, str | None], Any] = {}

    def load(map_file: str, param: Any, map_path: str | None = None) -> Any:
        key = (map_file, map_path)
        if key not in loaded:
            loaded[key] = original(map_file, param, map_path)
        return loaded[key]

    logging.getLogger("pyx12").disabled = True
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pyx12.map_if, "load_map_file", load)
        yield
    logging.getLogger("pyx12").disabled = False


def _pyx12(text: str) -> dict[str, Any]:
    """pyx12's error report (its JSON visitor) for one X12 text."""
    out = io.StringIO()
    pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None,
                                      fd_json=out)
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def _errors(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every error pyx12 reports, at any level: (where, position, code, text)."""
    found: list[tuple[Any, ...]] = []

    def walk(node: dict[str, Any], where: str) -> None:
        name = node.get("seg_id") or node.get("trn_set_id") or where
        found.extend((name, node.get("seg_count"), e.get("err_cde"), e.get("err_str"))
                     for e in node.get("errors", []))
        for key in ("groups", "transactions", "segments", "elements"):
            for child in node.get(key) or []:
                walk(child, key)

    for interchange in report["interchanges"]:
        walk(interchange, "ISA")
    return found


def their_verdict(text: str) -> Verdict:
    """Per transaction set control number: accepted, and the positions in error."""
    verdict: Verdict = {}
    for interchange in _pyx12(text)["interchanges"]:
        for group in interchange["groups"]:
            for tx in group["transactions"]:
                wrong = {s["seg_count"] for s in tx["segments"]
                         if s["errors"] or any(e["errors"] for e in s.get("elements", []))}
                verdict[tx["trn_set_control_num"]] = (tx["ack_code"] not in REJECTING,
                                                      tuple(sorted(wrong)))
    return verdict


def our_verdict(data: bytes) -> Verdict:
    """The gateway's acknowledgement plan, in the same shape."""
    report = inspect_schema(data)
    assert report.edi is not None
    verdict: Verdict = {}
    for ic in report.edi.interchanges:
        plan = plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)
        for gplan in plan.groups:
            for mplan in gplan.messages:
                verdict[mplan.message.reference] = (
                    mplan.status is not Status.REJECTED,
                    tuple(sorted({s.position for s in mplan.segments})))
    return verdict


@cache
def _map_index() -> Any:
    return pyx12.map_index.map_index(None)


def _readable(data: bytes) -> bool:
    """Whether pyx12 has a map for every functional group of every interchange, as
    the gateway's envelope reader finds them (ISA12, GS01, GS08)."""
    report = inspect(data, level=Level.ENVELOPE)
    if report.edi is None or report.standard != "x12":
        return False
    keys = [(ic.header.get(12), g.header.get(8), g.header.get(1))
            for ic in report.edi.interchanges if ic.header is not None
            for g in ic.groups if g.header is not None]
    return bool(keys) and all(_map_index().get_filename(*key) is not None for key in keys)


def hipaa_codes(text: str) -> str:
    """The same X12 with AK101 = HC, AK201 = 837 and a 997's GS08 = 004010: the codes
    pyx12's health-care maps restrict, edited segment by segment (delimiters from
    the ISA), nothing else touched."""
    term, sep = text[105], text[3]
    out = []
    for raw in text.split(term):
        body = raw.lstrip("\r\n")
        lead = raw[: len(raw) - len(body)]
        fields = body.split(sep)
        if fields[0] == "AK1" and len(fields) > 1 and fields[1]:
            fields[1] = "HC"
        elif fields[0] == "AK2" and len(fields) > 1:
            fields[1] = "837"
        elif fields[0] == "GS" and len(fields) > 8 and fields[8].startswith("004010"):
            fields[8] = "004010"
        out.append(lead + sep.join(fields))
    return term.join(out)


# -- 1. the corpus files pyx12 can read ----------------------------------------------

# Where the verdicts differ and why: "positions" means the same accept/reject for
# every set but other segments in error; "verdict" means a set is judged differently.
KNOWN_CORPUS: dict[str, tuple[str, str]] = {
    "x12/999/staedi__invalid999.edi": (
        "positions",
        "pyx12 loses its place at the first segment out of sequence (IK5 before AK1) and "
        "reports every later segment as not found (code 1); the gateway places each "
        "segment again and reports only the six at fault"),
    "x12/999/staedi__simple999.edi": (
        "verdict",
        "the file repeats CTX01 (C998, repeat 10 in 005010) with '^'; pyx12's X231 map "
        "does not declare CTX01 repeating, so it reads the repetitions as one value, "
        "cannot identify the CTX and rejects the set; the gateway accepts it"),
}


def _corpus_files() -> list[str]:
    if not corpus.is_available():
        return []
    return [e.local_path for e in corpus.entries("x12")
            if _readable(e.read_bytes())]


CORPUS_FILES = _corpus_files()


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES or [pytest.param("", marks=pytest.mark.skip(
    reason="the shared corpus is absent"))])
def test_corpus_verdicts_agree(path: str) -> None:
    """Per transaction set, pyx12 and the gateway accept or reject alike and name the
    same segments in error, except where KNOWN_CORPUS says how and why they differ."""
    data = corpus.manifest()[path].read_bytes()
    theirs, ours = their_verdict(data.decode("latin-1")), our_verdict(data)
    assert set(theirs) == set(ours)
    kind, _reason = KNOWN_CORPUS.get(path, ("", ""))
    if kind != "verdict":
        assert {k: v[0] for k, v in theirs.items()} == {k: v[0] for k, v in ours.items()}
    if not kind:
        assert theirs == ours
    else:
        assert theirs != ours, f"{path} agrees now: drop it from KNOWN_CORPUS"


# -- 2. the schema goldens pyx12 can read ----------------------------------------------

GOLDEN_INPUTS = ("x12/004010/997", "x12/005010/999")

KNOWN_GOLDEN: dict[str, tuple[str, str]] = {
    "x12/004010/997:missing-segment": (
        "positions",
        "a missing last segment (AK9): pyx12 puts it at the last segment it saw (6, the "
        "AK5), the gateway where it was due (7, the SE)"),
    "x12/004010/997:bad-code": (
        "positions",
        "pyx12 identifies AK5 by its code, so AK5*Q is an unknown segment (6) and the "
        "AK5 missing (7); the gateway reports the invalid code at 6 only"),
    "x12/005010/999:bad-code": (
        "positions",
        "as for the 997: IK5*Q is unknown to pyx12 (6) and the IK5 missing (7)"),
    "x12/004010/997:missing-element": (
        "positions",
        "pyx12 identifies AK1 by AK101; with it empty it cannot place AK1 and reports "
        "every later segment as not found; the gateway reports AK101 missing at 2 only"),
    "x12/005010/999:missing-element": (
        "positions", "as for the 997: AK1 without AK101 derails pyx12's walk"),
    "x12/005010/999:missing-segment": (
        "positions",
        "without AK1 pyx12 does not find the header loop and reports every segment; the "
        "gateway reports AK1 missing at 2 and places the rest"),
}


def _golden_inputs() -> list[Any]:
    params = []
    for name in GOLDEN_INPUTS:
        base = SCHEMA_SAMPLES / f"{name}.x12"
        expected = json.loads(base.with_name(f"{base.stem}.expected.json").read_text("utf-8"))
        params.append(pytest.param(base.read_text("latin-1"), id=f"{name}:base"))
        for variant in VARIANTS:
            case = expected["variants"][variant]
            if "input" in case:
                params.append(pytest.param("".join(case["input"]), id=f"{name}:{variant}"))
    return params


@pytest.mark.parametrize("text", _golden_inputs())
def test_golden_verdicts_agree(text: str, request: pytest.FixtureRequest) -> None:
    """For each 997/999 golden pyx12 can read, the same verdict and segments in error,
    except where KNOWN_GOLDEN says how and why they differ."""
    case = request.node.callspec.id
    edited = hipaa_codes(text)
    theirs, ours = their_verdict(edited), our_verdict(edited.encode("latin-1"))
    assert set(theirs) == set(ours)
    assert {k: v[0] for k, v in theirs.items()} == {k: v[0] for k, v in ours.items()}
    if case in KNOWN_GOLDEN:
        assert theirs != ours, f"{case} agrees now: drop it from KNOWN_GOLDEN"
    else:
        assert theirs == ours


# -- 3. the acknowledgements the gateway writes ------------------------------------------

# Gateway bug: an AK4/IK4 about an element with no value to copy (missing, or
# too many elements) ends with an empty AK404/IK404, so with a data element
# separator ('AK4*1*353*1*~'); X12 forbids trailing separators (pyx12: SEG1).
TRAILING_SEPARATOR = "gateway bug: AK4/IK4 ends with a separator ('AK4*1*353*1*~')"
# The IK404 copy of a bad value keeps its trailing spaces ('HC   '); pyx12 reports
# unnecessary trailing spaces in an AN element.
TRAILING_SPACES = "IK404 keeps the bad value's trailing spaces ('HC   ')"


@cache
def _golden_acks() -> dict[str, str]:
    acks = {}
    for path in sorted((SCHEMA_SAMPLES / "x12").rglob("*.expected.json")):
        name = path.relative_to(SCHEMA_SAMPLES).as_posix().removesuffix(".expected.json")
        expected = json.loads(path.read_text("utf-8"))
        for variant, case in [("base", expected["base"]), *expected["variants"].items()]:
            for fmt, lines in case.get("acks", {}).items():
                acks[f"{name}:{variant}:{fmt}"] = "".join(lines)
    return acks


def _known_ack_fault(case: str) -> str | None:
    return None


def _ack_params(acks: dict[str, str], faults: dict[str, str]) -> list[Any]:
    params = []
    for case, text in acks.items():
        if not _readable(hipaa_codes(text).encode("latin-1")):
            continue
        reason = faults.get(case)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(text, id=case, marks=marks))
    return params


GOLDEN_FAULTS = {case: reason for case in _golden_acks()
                 if (reason := _known_ack_fault(case))}


@pytest.mark.parametrize("text", _ack_params(_golden_acks(), GOLDEN_FAULTS))
def test_golden_acks_pass_pyx12(text: str) -> None:
    """Each 997/999 of the schema goldens passes pyx12 without an error."""
    assert _errors(_pyx12(hipaa_codes(text))) == []


# Corpus files whose acknowledgements pyx12 faults, and why.
CORPUS_ACK_FAULTS: dict[str, str] = {}


def _corpus_acks() -> dict[str, str]:
    if not corpus.is_available():
        return {}
    acks: dict[str, str] = {}
    for entry in corpus.entries("x12"):
        report = inspect_schema(entry.read_bytes())
        if report.edi is None:
            continue
        for built in build_acks(b"", ("997", "999"), report):
            text = built.data.decode("latin-1")
            key = f"{entry.local_path}:{built.kind}"
            # A file of several interchanges gets one ack each: join them.
            acks[key] = acks.get(key, "") + text
    return acks


def _split_interchanges(text: str) -> list[str]:
    parts, rest = [], text
    while rest.startswith("ISA") or "ISA" in rest:
        start = rest.index("ISA")
        nxt = rest.find("ISA", start + 106)
        parts.append(rest[start:nxt] if nxt != -1 else rest[start:])
        rest = rest[nxt:] if nxt != -1 else ""
    return parts


def _corpus_ack_params() -> list[Any]:
    acks = {}
    for key, text in _corpus_acks().items():
        readable = [t for t in _split_interchanges(text)
                    if _readable(hipaa_codes(t).encode("latin-1"))]
        if readable:
            acks[key] = "".join(readable)
    return _ack_params(acks, CORPUS_ACK_FAULTS) or [
        pytest.param("", marks=pytest.mark.skip(reason="the shared corpus is absent"))]


@pytest.mark.corpus
@pytest.mark.parametrize("text", _corpus_ack_params())
def test_corpus_acks_pass_pyx12(text: str) -> None:
    """Each 997/999 the gateway builds for a corpus file passes pyx12 without an error."""
    for one in _split_interchanges(text):
        assert _errors(_pyx12(hipaa_codes(one))) == []


def test_known_disagreements_name_real_cases() -> None:
    """Every known disagreement names a case this module checks."""
    assert set(KNOWN_CORPUS) <= set(CORPUS_FILES) or not corpus.is_available()
    golden = {p.id for p in _golden_inputs()}
    assert set(KNOWN_GOLDEN) <= golden
    if corpus.is_available():
        keys = {p.id for p in _corpus_ack_params()}
        assert set(CORPUS_ACK_FAULTS) <= keys
    assert Path(SCHEMA_SAMPLES).is_dir()
