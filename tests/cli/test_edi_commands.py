"""The syntax commands: exit codes, JSON lines, levels, and the parse | write round trip."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gateway.cli.main import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from tests.edi.snippets import EDIFACT, x12

ROOT = Path(__file__).resolve().parents[2]
WRONG_COUNT = EDIFACT.replace("UNT+3+1", "UNT+9+1")
STRAY = "Subject: orders\n\n" + EDIFACT


def _file(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _exit_code(argv: list[str]) -> int:
    """main's return value, or the code it exits with on bad arguments."""
    try:
        return main(argv)
    except SystemExit as exit_:
        assert isinstance(exit_.code, int)
        return exit_.code


# -- validate --------------------------------------------------------------------


def test_validate_valid_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid file gives exit code 0 and one JSON line with valid true and its messages."""
    path = _file(tmp_path, "ok.edi", EDIFACT)
    assert main(["validate", "--level", "envelope", path]) == EXIT_OK
    (line,) = _lines(capsys.readouterr().out)
    assert (line["path"], line["standard"], line["valid"], line["issues"]) == (
        path, "edifact", True, [])
    assert line["messages"] == [{"type": "ORDERS", "version": "D96A", "reference": "1"}]


def test_validate_invalid_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file with an envelope error gives exit code 1 and the located issue."""
    path = _file(tmp_path, "bad.edi", WRONG_COUNT)
    assert main(["validate", "--level", "envelope", path]) == EXIT_INVALID
    (line,) = _lines(capsys.readouterr().out)
    assert line["valid"] is False
    (issue,) = line["issues"]
    assert issue["code"] == "envelope.count-mismatch"
    assert issue["location"]["segment"] == "UNT"
    assert (issue["location"]["line"], issue["location"]["column"]) == (1, 78)


def test_validate_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read gives exit code 2 and a fatal usage.unreadable-file line."""
    path = str(tmp_path / "absent.edi")
    assert main(["validate", path]) == EXIT_USAGE
    (line,) = _lines(capsys.readouterr().out)
    assert (line["valid"], line["issues"][0]["code"]) == (False, "usage.unreadable-file")


@pytest.mark.parametrize("argv", [["validate"], ["validate", "--level", "nonsense", "x.edi"],
                                  ["validate", "--no-such-option", "x.edi"], [],
                                  ["no-such-command"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Missing files, an unknown level, option or command exit with code 2 and a message."""
    assert _exit_code(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.strip()
    assert "Traceback" not in err


def test_validate_several_files_exits_with_the_worst(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One JSON line per file; the exit code is the worst of them (missing file beats invalid)."""
    good = _file(tmp_path, "ok.edi", EDIFACT)
    bad = _file(tmp_path, "bad.edi", WRONG_COUNT)
    assert main(["validate", "--level", "envelope", good, bad]) == EXIT_INVALID
    assert main(["validate", "--level", "envelope", good, bad, str(tmp_path / "none")]) == (
        EXIT_USAGE)
    lines = _lines(capsys.readouterr().out)
    assert [line["valid"] for line in lines] == [True, False, True, False, False]


def test_level_syntax_hides_envelope_issues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--level syntax leaves envelope issues out, so a wrong UNT count is valid at that level."""
    path = _file(tmp_path, "bad.edi", WRONG_COUNT)
    assert main(["validate", "--level", "syntax", path]) == EXIT_OK
    (line,) = _lines(capsys.readouterr().out)
    assert (line["valid"], line["issues"]) == (True, [])


def test_level_syntax_still_reports_syntax_issues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--level syntax keeps syntax issues: stray text before UNB is invalid."""
    path = _file(tmp_path, "stray.edi", STRAY)
    assert main(["validate", "--level", "syntax", path]) == EXIT_INVALID
    (line,) = _lines(capsys.readouterr().out)
    assert [i["code"] for i in line["issues"]] == ["syntax.stray-data"]


def test_validate_unknown_format_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is no EDI is invalid (exit 1) with syntax.unknown-format."""
    path = _file(tmp_path, "letter.txt", "Dear partner,\nplease find...\n")
    assert main(["validate", path]) == EXIT_INVALID
    (line,) = _lines(capsys.readouterr().out)
    assert line["standard"] == "unknown"
    assert [i["code"] for i in line["issues"]] == ["syntax.unknown-format"]


# -- detect and parse --------------------------------------------------------------------------


def test_detect_prints_one_line_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """detect gives standard, encoding and delimiters of each file as JSON lines."""
    paths = [_file(tmp_path, "a.edi", EDIFACT), _file(tmp_path, "b.x12", x12())]
    assert main(["detect", *paths]) == EXIT_OK
    lines = _lines(capsys.readouterr().out)
    assert [(line["standard"], line["delimiters"]["segment"]) for line in lines] == [
        ("edifact", "'"), ("x12", "~")]


def test_parse_outline_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """parse without --json prints an outline; exit 0 for a file valid at the level
    asked, 1 for an invalid one; the verdict names the level."""
    assert main(["parse", "--level", "envelope", _file(tmp_path, "ok.edi", EDIFACT)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "message ORDERS D96A 1: 3 segments" in out
    assert out.rstrip().endswith("valid at the envelope level")
    assert main(["parse", "--level", "envelope", _file(tmp_path, "bad.edi", WRONG_COUNT)]
                ) == EXIT_INVALID


def test_parse_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """parse of a file that cannot be read exits 2 with a one-line message."""
    assert main(["parse", str(tmp_path / "absent.edi")]) == EXIT_USAGE
    assert "cannot read" in capsys.readouterr().err


# -- parse --json | write ------------------------------------------------------------------------

ROUND_TRIP = {
    "edifact": EDIFACT.encode(),
    "edifact una crlf": ("UNA:+.? '\r\n" + EDIFACT.replace("PO1", "P?'O").replace(
        "'", "'\r\n").replace("P?'\r\nO", "P?'O")).encode(),
    "x12 newline": x12(line_ending="\n").encode(),
    "utf8 bom": b"\xef\xbb\xbf" + EDIFACT.replace("UNOC", "UNOW").replace(
        "PO1", "P\u00d61").encode(),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_parse_json_then_write_gives_the_file_back(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """parse --json output fed to write (via --output) reproduces the input bytes."""
    data = ROUND_TRIP[name]
    source = _file(tmp_path, "in.edi", data)
    assert main(["parse", "--json", source]) == EXIT_OK
    tree = capsys.readouterr().out
    json_path = _file(tmp_path, "tree.json", tree)
    out = tmp_path / "out.edi"
    assert main(["write", json_path, "--output", str(out)]) == EXIT_OK
    assert out.read_bytes() == data


def test_parse_json_piped_into_write_stdin(tmp_path: Path) -> None:
    """edi-gateway parse --json FILE | edi-gateway write - reproduces FILE through real pipes."""
    data = ROUND_TRIP["edifact una crlf"]
    source = _file(tmp_path, "in.edi", data)
    command = [sys.executable, "-m", "gateway.cli.main"]
    parsed = subprocess.run([*command, "parse", "--json", source], capture_output=True,
                            check=True, cwd=ROOT)
    written = subprocess.run([*command, "write", "-"], input=parsed.stdout,
                             capture_output=True, check=True, cwd=ROOT)
    assert written.stdout == data


def _write_stdin(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return main(["write", "-"])


DELIMITERS = {"segment": "'", "element": "+", "component": ":", "release": "?"}
BODY = [{"messages": [{"segments": [{"tag": "BGM", "elements": ["220"]}]}]}]
BAD_WRITE_INPUT = {
    "not json": "this is not JSON",
    "truncated json": '{"standard": "edifact", "interchanges": [',
    "not a tree": json.dumps({"standard": "edifact"}),
    "xml standard": json.dumps({"standard": "xml", "interchanges": []}),
    "no delimiters": json.dumps({"standard": "edifact", "interchanges": [{}]}),
    "x12 value with delimiter": json.dumps({"standard": "x12", "interchanges": [{
        "delimiters": {"segment": "~", "element": "*", "component": ":"},
        "groups": [{"messages": [{"segments": [{"tag": "N1", "elements": ["a*b"]}]}]}]}]}),
    "groups not a list": json.dumps({"standard": "edifact", "interchanges": [
        {"delimiters": DELIMITERS, "groups": 3}]}),
    "unknown encoding": json.dumps({"standard": "edifact", "encoding": "no-such-codec",
                                    "interchanges": [{"delimiters": DELIMITERS,
                                                      "groups": BODY}]}),
    "line ending a number": json.dumps({"standard": "edifact", "interchanges": [
        {"delimiters": DELIMITERS, "line_ending": 5, "groups": BODY}]}),
}


@pytest.mark.parametrize("name", sorted(BAD_WRITE_INPUT))
def test_write_with_bad_json_exits_2_with_a_message(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """write given unusable JSON exits 2 with one 'edi-gateway write:' message, no traceback."""
    assert _write_stdin(BAD_WRITE_INPUT[name], monkeypatch) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("edi-gateway write: ")
    assert "Traceback" not in captured.err


def test_write_missing_json_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """write of a JSON file that cannot be read exits 2 with a message."""
    assert main(["write", str(tmp_path / "absent.json")]) == EXIT_USAGE
    assert "cannot read" in capsys.readouterr().err


def test_convert_says_what_it_could_not_carry_whole(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rule: a value the target cannot hold whole (an X12 description of 58 characters
    into EDIFACT IMD 7008, an..35) is written cut, named whole on stderr, and the exit
    status says the conversion is not whole."""
    sample = Path(__file__).parents[2] / "samples" / "x12" / "850_004010.x12"
    long = "INSULATED LUNCH BOX 1.2L WITH TWO REMOVABLE OVAL MINI TRAYS"
    source = tmp_path / "long.x12"
    source.write_bytes(sample.read_bytes().replace(
        b"PID*F****INSULATED LUNCH BOX 1.2L", b"PID*F****" + long.encode()))
    assert main(["convert", str(source), "--to", "edifact"]) == EXIT_INVALID
    captured = capsys.readouterr()
    assert "IMD+F++:::INSULATED LUNCH BOX 1.2L WITH TWO R'" in captured.out
    assert (f"not carried whole: {long!r} is longer than the 35 characters its place "
            "holds") in captured.err
    assert main(["convert", str(sample), "--to", "edifact"]) == EXIT_OK
