"""JSON lines the commands print stay one line each, whatever the partner's data holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.cli.jsonlines import json_line
from gateway.cli.main import main


@pytest.mark.parametrize("text", ["\x85", "a\u2028b", "\u2029", "\x00\x85'", "plain é"])
def test_a_json_line_has_no_line_break_inside(text: str) -> None:
    """NEL and the Unicode line and paragraph separators are escaped, so splitting the
    output into lines gives the line back, and it reads as the same value."""
    line = json_line({"value": text})
    assert line.splitlines() == [line]
    assert json.loads(line) == {"value": text}


def test_validate_output_of_a_file_holding_nel_is_one_line_per_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stray NEL byte read as Latin-1 (found by the damaged-input property) is reported
    in a location value without breaking the JSON line."""
    path = tmp_path / "input.edi"
    path.write_bytes(b"\x00\x85'''U'NB+UNOA:3+SENDER+RECEIVER+250101:1200+IC1'"
                     b"UNH+M1+ORDERS:D:96A:UN'UNT+2+M1'UNZ+1+IC1'")
    main(["validate", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["valid"] is False
