"""Help texts speak to users: what the gateway does, and an example per command."""

from __future__ import annotations

import shlex

import pytest

from gateway.cli.main import EXAMPLES, build_parser, main


def test_the_gateway_describes_itself_to_users(capsys: pytest.CaptureFixture[str]) -> None:
    """``edi-gateway --help`` says what the gateway does, not how the module is built."""
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert "argument parsing" not in shown
    assert "read, check, answer, convert and store EDIFACT, X12, UBL and cXML" in \
        " ".join(shown.split())


def test_every_command_has_an_example_that_its_parser_accepts() -> None:
    """Each command's help ends with an example, and the example is a command line
    the parser takes as it stands (the part after a pipe is the next command)."""
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) == set(EXAMPLES)
    for name, command in commands.items():
        assert command.epilog == f"Example: {EXAMPLES[name]}"
        for part in EXAMPLES[name].split("|"):
            words = shlex.split(part)
            assert words[0] == "edi-gateway"
            parser.parse_args(words[1:])
