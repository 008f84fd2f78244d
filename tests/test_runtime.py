"""Process-wide settings belong to the program that owns the process, not to the library."""

from __future__ import annotations

import ast
import gc
import io
from pathlib import Path

import pytest

from gateway.edi.reader import read, stream
from gateway.runtime import collector_paused

PACKAGE = Path(__file__).resolve().parents[1] / "gateway"
# The pure core: values in, values out (ARCHITECTURE.md, section 1).
CORE = ("edi", "documents", "mapping", "forecast")
# Calls that change the collector for the whole process.
COLLECTOR_CHANGES = {"disable", "enable", "freeze", "unfreeze", "set_threshold", "collect",
                     "set_debug"}
SAMPLES = sorted(p for p in (PACKAGE.parent / "samples").rglob("*")
                 if p.suffix in (".edi", ".x12"))


def test_collector_paused_restores_the_collector_as_found() -> None:
    """collector_paused() pauses the collector and restores it, on or off, afterwards."""
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collector_paused_restores_it_after_an_error() -> None:
    """The collector is on again after an exception inside the block."""
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def _core_collector_calls() -> list[str]:
    found = []
    for folder in CORE:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "gc" and node.attr in COLLECTOR_CHANGES):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} gc.{node.attr}")
    return found


def test_the_core_never_changes_the_collector() -> None:
    """No module of the pure core pauses, resumes, tunes or runs the garbage collector."""
    assert _core_collector_calls() == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_reading_leaves_the_collector_alone(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read() and stream() run with the collector on and never switch it off."""
    def refuse(*args: object) -> None:
        raise AssertionError("the reader changed the garbage collector")

    for name in ("disable", "enable", "freeze", "set_threshold"):
        monkeypatch.setattr(gc, name, refuse)
    data = path.read_bytes()
    assert read(data).standard in ("edifact", "x12")
    events = 0
    for _event in stream(io.BytesIO(data), chunk_size=97):
        assert gc.isenabled()
        events += 1
    assert events
