"""The commands read files as streams: the same output as a whole read, a size limit
checked while reading, and a flood of issues summarised."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.cli.inputs import InputTooLarge, Limited, parse_size, read_input
from gateway.cli.jsonlines import json_line
from gateway.cli.main import main
from gateway.edi.ack import edifact as contrl
from gateway.edi.ack import x12
from gateway.edi.ack.plan import AckOptions, plan_interchange
from gateway.edi.issues import Level
from gateway.edi.jsonform import result_to_json
from gateway.edi.report import inspect
from gateway.edi.writer import write
from gateway.mapping.convert import documents
from gateway.mapping.registry import load_mappings
from tests import corpus

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*")
                      if p.is_file() and p.suffix in (".edi", ".x12", ".xml"))
LEVELS = {"syntax": Level.SYNTAX, "envelope": Level.ENVELOPE, "schema": Level.SCHEMA}


def _empty_segments(count: int) -> bytes:
    return ("UNA:+.? 'UNB+UNOC:3+S:14+R:14+250101:1200+1'UNH+1+ORDERS:D:96A:UN'"
            "BGM+220+1+9'" + "'" * count + "UNT+3+1'UNZ+1+1'").encode()


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_validate_prints_what_the_whole_read_report_says(
        level: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The streamed validate line of every sample is, byte for byte, the JSON line of
    the report of the file read whole."""
    paths = [str(p) for p in SAMPLE_FILES]
    main(["validate", "--level", level, *paths])
    lines = capsys.readouterr().out.splitlines()
    expected = [json_line(inspect(Path(p).read_bytes(), level=LEVELS[level])
                          .validation_json(p, LEVELS[level])) for p in paths]
    assert lines == expected


def test_validate_summarises_a_flood_of_one_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """10,000 empty segments give 100 listed issues of each flooding code and one
    summary counting the other 9,900, not 20,000 issues."""
    path = tmp_path / "flood.edi"
    path.write_bytes(_empty_segments(10_000))
    assert main(["validate", str(path)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    issues = json.loads(line)["issues"]
    summaries = {i["code"]: i["omitted"] for i in issues if "omitted" in i}
    assert summaries == {"syntax.invalid-segment-tag": 9900,
                         "schema.unrecognized-segment": 9900}
    assert sum(i["code"] == "syntax.invalid-segment-tag" for i in issues) == 101


def test_validate_per_code_zero_lists_every_issue(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--per-code 0`` lifts the cap."""
    path = tmp_path / "flood.edi"
    path.write_bytes(_empty_segments(150))
    main(["validate", "--per-code", "0", "--level", "syntax", str(path)])
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert sum(i["code"] == "syntax.invalid-segment-tag" for i in issues) == 150
    assert not any("omitted" in i for i in issues)


def test_ack_names_at_most_999_segments_in_error_per_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CONTRL allows 999 UCS per UCM: 2,000 empty segments are answered with 999, and
    the message is still rejected."""
    path = tmp_path / "flood.edi"
    path.write_bytes(_empty_segments(2000))
    assert main(["ack", str(path), "--now", "2025-01-01T00:00"]) == 1
    out = capsys.readouterr().out
    segments = out.split("'")
    assert sum(s.startswith("UCS+") for s in segments) == 999
    (ucm,) = [s for s in segments if s.startswith("UCM+")]
    assert ucm.split("+")[3] == "4"  # rejected


@pytest.mark.parametrize("command", [["validate"], ["detect"], ["parse", "--json"],
                                     ["ack", "--now", "2025-01-01T00:00"],
                                     ["convert", "--to", "json"]])
def test_a_path_to_an_endless_source_ends_without_reading_it_all(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink to /dev/zero: every command stops (its first bytes are no EDI, and
    nothing past the limit is ever read), with an answer rather than a hang."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    link = tmp_path / "endless.edi"
    link.symlink_to("/dev/zero")
    code = main([*command[:1], str(link), *command[1:], "--max-size", "2M"])
    captured = capsys.readouterr()
    assert code in (0, 1, 2) and (captured.out or captured.err)
    assert "Traceback" not in captured.err


def _endless_interchange(path: Path) -> threading.Thread:
    """A FIFO at ``path`` fed with one interchange that never ends."""
    os.mkfifo(path)

    def feed() -> None:
        try:
            with path.open("wb") as pipe:
                pipe.write(b"UNB+UNOC:3+S:14+R:14+250101:1200+1'UNH+1+ORDERS:D:96A:UN'")
                while True:
                    pipe.write(b"FTX+AAI+++ENDLESS'" * 4096)
        except (BrokenPipeError, OSError):
            return

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def test_an_endless_edi_stream_stops_at_the_limit_with_a_clear_issue(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An EDI stream past the limit is cut while it is read: exit 2, and the line ends
    with a ``usage.too-large`` issue naming the limit."""
    fifo = tmp_path / "orders.edi"
    feeder = _endless_interchange(fifo)
    assert main(["validate", "--max-size", "3M", str(fifo)]) == 2
    feeder.join(timeout=30)  # the reader closed the pipe: the feeder stops
    assert not feeder.is_alive()
    line = json.loads(capsys.readouterr().out)
    assert line["valid"] is False
    assert line["issues"][-1]["code"] == "usage.too-large"
    assert "3 MiB" in line["issues"][-1]["message"]


def test_a_regular_file_over_the_limit_is_a_clear_issue(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A regular file over the limit is refused before reading, with the same issue."""
    path = tmp_path / "orders.edi"
    path.write_bytes(_empty_segments(100_000))
    assert main(["validate", "--max-size", "64K", str(path)]) == 2
    line = json.loads(capsys.readouterr().out)
    assert [i["code"] for i in line["issues"]] == ["usage.too-large"]


def test_limited_source_refuses_one_byte_past_the_limit() -> None:
    """Exactly the limit reads; one byte more raises, whatever the read size asked."""
    assert Limited(io.BytesIO(b"x" * 10), 10, "f").read() == b"x" * 10
    with pytest.raises(InputTooLarge, match="larger than the limit of 10 bytes"):
        Limited(io.BytesIO(b"x" * 11), 10, "f").read()
    source = Limited(io.BytesIO(b"x" * 11), 10, "f")
    assert source.read(6) == b"x" * 6
    with pytest.raises(InputTooLarge):
        source.read(6)


def test_a_regular_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """The size of a regular file is known: no byte of it is read."""
    path = tmp_path / "big.edi"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(InputTooLarge):
        read_input(str(path), 1024)


@pytest.mark.parametrize(("text", "size"), [("1024", 1024), ("500M", 500 * 1024**2),
                                            ("2G", 2 * 1024**3), ("2GiB", 2 * 1024**3),
                                            ("64k", 64 * 1024)])
def test_sizes_read_as_people_write_them(text: str, size: int) -> None:
    """--max-size takes bytes or K, M, G (binary) suffixes."""
    assert parse_size(text) == size


def test_a_size_that_is_not_one_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --max-size is exit 2 with a message, not a traceback."""
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--max-size", "lots", "x"])
    assert exit_info.value.code == 2
    assert "expected a size" in capsys.readouterr().err


# -- acknowledgements: streamed, the same bytes as planned from the whole tree -------------

NOW = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
EDI_SAMPLES = [p for p in SAMPLE_FILES if p.suffix in (".edi", ".x12")]
CORPUS_EDI = ([e.path for e in corpus.entries("edifact", "x12")]
              if corpus.is_available() else [])


def _whole_tree_ack(data: bytes) -> bytes:
    """What ``ack`` answered when it read the file whole: a plan per interchange of the
    tree, each built with the next control number."""
    report = inspect(data, level=Level.SCHEMA)
    assert report.edi is not None
    out, control = [], 1
    for ic in report.edi.interchanges:
        plan = plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)
        options = AckOptions(now=NOW, interchange_control=control, group_control=control,
                             set_control=control)
        if ic.standard == "edifact":
            ack = contrl.build(plan, options)
        else:
            version = ic.header.get(12) if ic.header is not None and ic.header.tag == "ISA" \
                else ""
            ack = x12.build(plan, "999" if version >= "00501" else "997", options)
        if ack is None:
            continue
        out.append(write([ack], encoding=report.detection.encoding))
        control += 1
    return b"".join(out)


def _same_ack(path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    expected = _whole_tree_ack(path.read_bytes())
    main(["ack", str(path), "--now", NOW.isoformat()])
    assert capsysbinary.readouterr().out == expected


@pytest.mark.parametrize("path", EDI_SAMPLES, ids=[p.name for p in EDI_SAMPLES])
def test_streamed_ack_is_the_whole_tree_ack_for_every_sample(
        path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """ack plans each message as it is read and keeps no message body; what it prints
    is, byte for byte, the acknowledgement planned from the tree read whole."""
    _same_ack(path, capsysbinary)


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_EDI, ids=[p.name for p in CORPUS_EDI])
def test_streamed_ack_is_the_whole_tree_ack_for_the_corpus(
        path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """The same over every EDIFACT and X12 file of the shared corpus."""
    _same_ack(path, capsysbinary)


# -- progress -----------------------------------------------------------------------------


class _Terminal(io.StringIO):
    """Standard error as a terminal would be."""

    def isatty(self) -> bool:
        return True


def test_no_progress_where_standard_error_is_not_a_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Output captured by a script is what it always was: nothing on stderr."""
    path = tmp_path / "orders.edi"
    path.write_bytes(_orders(30_000))
    main(["validate", "--level", "syntax", str(path)])
    assert capsys.readouterr().err == ""


def test_progress_on_a_terminal_shows_bytes_messages_and_rate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A file over a few MB validated with stderr on a terminal: a bar with the bytes,
    the messages read and the rate, cleared at the end."""
    path = tmp_path / "orders.edi"
    path.write_bytes(_orders(30_000))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["validate", "--level", "syntax", str(path)])
    assert threading.active_count() == 1  # the bar leaves no thread behind
    shown = terminal.getvalue()
    assert "30,000 messages" in shown
    assert "B/s" in shown and "MB/" in shown
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_short_work_shows_no_progress_even_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A small file is done before a bar would tell anything."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["validate", str(EDI_SAMPLES[0])])
    assert terminal.getvalue() == ""


def _orders(count: int) -> bytes:
    """An interchange of ``count`` small EDIFACT orders, over 4 MB for 30,000."""
    body = "".join(f"UNH+{n}+ORDERS:D:96A:UN'BGM+220+PO{n:08d}+9'DTM+137:20250101:102'"
                   f"NAD+BY+5412345000013::9'LIN+1++4000862141404:SRS'QTY+21:{n % 90 + 1}'"
                   f"UNS+S'UNT+7+{n}'" for n in range(1, count + 1))
    return f"UNB+UNOC:3+S:14+R:14+250101:1200+1'{body}UNZ+{count}+1'".encode()


# -- convert --to json: streamed, the documents of the whole read ---------------------------

MAPPED = [p for p in SAMPLE_FILES if "broken" not in p.parts]


def _whole_tree_json(data: bytes) -> tuple[str, bool]:
    """What convert --to json printed when it read the file whole, and whether any
    message failed."""
    report = inspect(data, level=Level.ENVELOPE)
    mapped = documents(report, load_mappings())
    lines = [json_line(m.document.model_dump(mode="json", exclude_none=True)) + "\n"
             for m in mapped if m.document is not None]
    failed = any(m.document is None or any(i.blocking for i in m.issues) for m in mapped)
    return "".join(lines), failed


@pytest.mark.parametrize("path", MAPPED, ids=[p.name for p in MAPPED])
def test_streamed_convert_to_json_prints_the_whole_read_documents(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """convert --to json maps each message as it is read and prints its document at once;
    the lines are those of the documents mapped from the file read whole."""
    expected, failed = _whole_tree_json(path.read_bytes())
    code = main(["convert", str(path), "--to", "json"])
    assert capsys.readouterr().out == expected
    if expected:
        assert code == (1 if failed else 0)


# -- parse --json ---------------------------------------------------------------------------

PARSE_SAMPLES = SAMPLE_FILES


def _same_tree(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = inspect(path.read_bytes(), level=Level.ENVELOPE)
    expected = json_line(result_to_json(report.edi, str(path)) if report.edi is not None
                         else report.to_json(str(path)))
    code = main(["parse", "--json", str(path)])
    assert capsys.readouterr().out == expected + "\n"
    assert code == (0 if report.valid else 1)


@pytest.mark.parametrize("path", PARSE_SAMPLES, ids=[p.name for p in PARSE_SAMPLES])
def test_streamed_parse_json_is_the_whole_tree_json_for_every_sample(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """parse --json writes an EDI file's tree as it reads it, a message at a time;
    the text and the exit code are, byte for byte, those of the tree read whole."""
    _same_tree(path, capsys)


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_EDI, ids=[p.name for p in CORPUS_EDI])
def test_streamed_parse_json_is_the_whole_tree_json_for_the_corpus(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same over every EDIFACT and X12 file of the shared corpus."""
    _same_tree(path, capsys)


def test_streamed_parse_json_keeps_empty_groups_and_interchanges_in_place(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Envelopes that hold no message are written where they stand between those
    that do: an interchange with an empty UNG group between two full ones, then an
    interchange with no message at all, then a bare message; as the whole read."""
    una = "UNA:+.? '"
    unb = "UNB+UNOC:3+S:14+R:14+250101:1200+{ref}'"
    msg = "UNH+{ref}+ORDERS:D:96A:UN'BGM+220+{ref}+9'UNT+3+{ref}'"
    text = (una + unb.format(ref="A")
            + "UNG+ORDERS+S+R+250101:1200+G1+UN+D:96A'" + msg.format(ref="1") + "UNE+1+G1'"
            + "UNG+ORDERS+S+R+250101:1200+G2+UN+D:96A'UNE+0+G2'"
            + "UNG+ORDERS+S+R+250101:1200+G3+UN+D:96A'" + msg.format(ref="2") + "UNE+1+G3'"
            + "UNZ+3+A'\n" + unb.format(ref="B") + "UNZ+0+B'\n" + msg.format(ref="3") + "\n")
    path = tmp_path / "envelopes.edi"
    path.write_text(text, "ascii")
    _same_tree(path, capsys)
    main(["parse", "--json", str(path)])
    tree = json.loads(capsys.readouterr().out)
    assert [[len(g["messages"]) for g in ic["groups"]] for ic in tree["interchanges"]] == \
        [[1, 0, 1], [], [1]]
