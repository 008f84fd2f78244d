"""Many distinct interchanges for the service tests: the sample 850 of Northwind with its
own ISA13, GS06 and purchase order number each."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "x12" / "850_004010.x12"


def order(n: int) -> bytes:
    """Interchange ``n`` (1-based): ISA13 and IEA02 ``n + 5000``, GS06 and GE02 too, PO
    number 77000000 + n."""
    text = SAMPLE.read_text("ascii")
    control = f"{5000 + n:09d}"
    text = text.replace("*000001042*", f"*{control}*").replace("IEA*1*000001042",
                                                               f"IEA*1*{control}")
    text = text.replace("*0915*1042*X*", f"*0915*{5000 + n}*X*").replace(
        "GE*1*1042~", f"GE*1*{5000 + n}~")
    return text.replace("BEG*00*SA*4500017821*", f"BEG*00*SA*{77000000 + n}*").encode()


def fill(inbox: Path, count: int) -> None:
    """``count`` orders in ``inbox``, complete (renamed into place) and settled."""
    inbox.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        temporary = inbox / f".po-{n:05d}.part"
        temporary.write_bytes(order(n))
        final = inbox / f"po-{n:05d}.x12"
        temporary.rename(final)
        os.utime(final, (1_000_000 + n, 1_000_000 + n))
