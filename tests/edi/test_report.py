"""A file's report: read whole or streamed, the same issues in the same order, and a
flood of one code summarised after a cap."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.edi.issues import Code, Issue, Level, Location, Severity
from gateway.edi.report import Inspection, Listing, MessageChecked, default_level, inspect
from tests import corpus

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*")
                      if p.is_file() and p.suffix in (".edi", ".x12", ".xml"))
CORPUS_FILES = ([e.path for e in corpus.entries("edifact", "x12", "xml")]
                if corpus.is_available() else [])
LEVELS = (Level.SYNTAX, Level.ENVELOPE, Level.SCHEMA)
# The default, and a small prime so that chunk boundaries fall inside segments.
CHUNKS = (1 << 20, 97)


def _streamed(data: bytes, level: Level | None, per_code: int, chunk: int) -> dict[str, Any]:
    """The ``validate`` line as the streaming inspection gives it."""
    check = Inspection(io.BytesIO(data), level=level, per_code=per_code, chunk_size=chunk)
    standard = check.standard
    messages = [m.to_json() for m in check.messages()]
    return {"path": "f", "standard": standard, "messages": messages, "valid": check.valid,
            "issues": [i.to_json() for i in check.issues()]}


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _same_report(path: Path) -> None:
    data = path.read_bytes()
    for level in LEVELS:
        for per_code in (100, 0, 1):
            whole = inspect(data, level=level).validation_json("f", level, per_code)
            for chunk in CHUNKS:
                assert _streamed(data, level, per_code, chunk) == whole, (level, per_code, chunk)
    # The default level: rules for XML, schema for EDI.
    level = default_level(data)
    assert _streamed(data, None, 100, CHUNKS[0]) == inspect(data, level=level).validation_json(
        "f", level)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=_ids(SAMPLE_FILES))
def test_streamed_report_is_the_whole_read_report_for_every_sample(path: Path) -> None:
    """Streaming gives the report a whole read gives: messages, verdict, issues in order,
    at every level, capped or not, at any chunking."""
    _same_report(path)


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=_ids(CORPUS_FILES))
def test_streamed_report_is_the_whole_read_report_for_the_corpus(path: Path) -> None:
    """The same identity over every real-world file of the shared corpus."""
    _same_report(path)


def test_corpus_identity_runs_where_the_corpus_is() -> None:
    """Where the corpus is absent its identity test has no cases: say so."""
    corpus.require()
    assert CORPUS_FILES


def test_streamed_messages_carry_the_issues_the_whole_read_files_with_them() -> None:
    """Each message streamed holds the reader's then the schema's issues, as
    ReadResult.by_message holds them, and its instance tree."""
    for path in (p for p in SAMPLE_FILES if p.suffix in (".edi", ".x12")):
        data = path.read_bytes()
        report = inspect(data)
        assert report.edi is not None
        whole = [(m.reference, report.edi.message_issues(m),
                  report.edi.placed.get(id(m)) is not None) for m in report.edi.messages()]
        check = Inspection(io.BytesIO(data), chunk_size=97)
        streamed = [(e.message.reference, e.issues, e.placed is not None)
                    for e in check.events() if isinstance(e, MessageChecked)]
        assert streamed == whole, path.name


# -- the cap -----------------------------------------------------------------------------

_CODES = (Code.INVALID_TAG, Code.MISSING_SEGMENT, Code.TOO_LONG)


def _issue(code: Code, line: int, column: int, severity: Severity, n: int) -> Issue:
    return Issue.of(code, f"issue {n}", Location(line=line, column=column), severity)


@given(st.lists(st.tuples(st.sampled_from(_CODES), st.integers(0, 6), st.integers(0, 3),
                          st.sampled_from(list(Severity))), max_size=40),
       st.integers(0, 5), st.randoms())
def test_listing_keeps_the_first_of_each_code_in_place_order_whatever_the_arrival(
        raw: list[tuple[Code, int, int, Severity]], cap: int, rnd: random.Random) -> None:
    """The issues listed are the first ``cap`` of each code after a stable sort by line
    and column; one summary per code cut short counts the rest, at the first of them."""
    issues = [_issue(c, line, col, sev, n) for n, (c, line, col, sev) in enumerate(raw)]
    order = {id(issue): n for n, issue in enumerate(issues)}
    expected_sorted = sorted(issues, key=lambda i: (i.location.line, i.location.column))
    kept: list[Issue] = []
    rest: dict[Code, list[Issue]] = {}
    for issue in expected_sorted:
        same = [i for i in kept if i.code is issue.code]
        if cap and len(same) >= cap:
            rest.setdefault(issue.code, []).append(issue)
        else:
            kept.append(issue)
    # Arrival in a shuffled order, each issue with its sequence as phase: the listing
    # must order by place, then by that phase.
    arrival = issues[:]
    rnd.shuffle(arrival)
    listing = Listing(cap)
    for issue in sorted(arrival, key=lambda i: order[id(i)]):
        listing.add(issue)
    listed = listing.issues()
    summaries = [i for i in listed if i.omitted]
    assert [i for i in listed if not i.omitted] == kept
    assert {s.code: s.omitted for s in summaries} == {c: len(v) for c, v in rest.items()}
    rank = list(Severity)
    for summary in summaries:
        omitted = rest[summary.code]
        assert summary.location == omitted[0].location
        assert summary.severity == min((i.severity for i in omitted), key=rank.index)
    assert listing.valid == (not any(i.blocking for i in issues))


def test_listing_leaves_out_issues_above_its_level_and_keeps_their_verdict_out() -> None:
    """A schema error does not make a syntax-level listing invalid."""
    listing = Listing(level=Level.SYNTAX)
    listing.add(Issue.of(Code.MISSING_SEGMENT, "x"))
    assert listing.valid and listing.issues() == []


def test_summary_says_how_many_issues_it_stands_for_in_its_json() -> None:
    """A summary's JSON carries ``omitted``; an ordinary issue's does not."""
    listing = Listing(1)
    for n in range(3):
        listing.add(_issue(Code.INVALID_TAG, 1, n + 1, Severity.ERROR, n))
    first, summary = (i.to_json() for i in listing.issues())
    assert "omitted" not in first
    assert summary["omitted"] == 2 and summary["location"]["column"] == 2
    assert summary["message"].startswith("2 more issues of this code")
