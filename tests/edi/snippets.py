"""Small hand-written interchanges shared by the syntax-core tests.

Only builders of text live here: an ISA header laid out at its fixed offsets
and minimal EDIFACT and X12 interchanges. Each test states its own rule.
"""

from __future__ import annotations

# One ORDERS message in one interchange: UNOC, default delimiters, no UNA, one line.
EDIFACT = (
    "UNB+UNOC:3+SENDER+RECEIVER+250101:1200+1'"
    "UNH+1+ORDERS:D:96A:UN'"
    "BGM+220+PO1+9'"
    "UNT+3+1'"
    "UNZ+1+1'"
)


def isa(
    *,
    element: str = "*",
    component: str = ":",
    terminator: str = "~",
    repetition: str = "U",
    version: str = "00401",
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "RECEIVER",
) -> str:
    """A standard 106-character ISA with the given delimiters."""
    e = element
    text = (
        f"ISA{e}00{e}{'':10}{e}00{e}{'':10}{e}ZZ{e}{sender:<15}{e}ZZ{e}{receiver:<15}"
        f"{e}250101{e}1200{e}{repetition}{e}{version}{e}{control}{e}0{e}P{e}{component}"
        f"{terminator}"
    )
    assert len(text) == 106
    return text


def x12_body(
    *, element: str = "*", terminator: str = "~", control: str = "000000001",
    group: str = "1", line_ending: str = "",
) -> str:
    """GS..GE holding one 850 with three segments, and the IEA, after an ISA."""
    segments = [
        f"GS*PO*SENDER*RECEIVER*20250101*1200*{group}*X*004010",
        "ST*850*0001",
        "BEG*00*SA*PO1**20250101",
        "SE*3*0001",
        f"GE*1*{group}",
        f"IEA*1*{control}",
    ]
    end = terminator + line_ending
    return "".join(s.replace("*", element) + end for s in segments)


def x12(**options: str) -> str:
    """A whole X12 interchange: :func:`isa` followed by :func:`x12_body`."""
    element = options.get("element", "*")
    terminator = options.get("terminator", "~")
    control = options.get("control", "000000001")
    line_ending = options.pop("line_ending", "")
    return isa(**options) + line_ending + x12_body(
        element=element, terminator=terminator, control=control, line_ending=line_ending)
