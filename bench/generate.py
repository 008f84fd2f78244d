"""Large, realistic interchanges for the benchmarks, generated in memory.

Purchase orders of twenty lines, as retailers send them: EDIFACT ORDERS (D96A,
EANCOM-style, one segment per line, an occasional release character in free
text) and X12 850 (004010). Deterministic, so runs compare.
"""

from __future__ import annotations

import random


def edifact_orders(messages: int, lines: int = 20, *, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    out = ["UNA:+.? '", "UNB+UNOC:3+5412345000013:14+8712345000016:14+250101:1200+REF0001"]
    for m in range(1, messages + 1):
        segs = [
            f"UNH+{m}+ORDERS:D:96A:UN:EAN008",
            f"BGM+220+PO{m:08d}+9",
            "DTM+137:20250101:102",
            f"DTM+2:202501{rnd.randint(10, 28)}:102",
            "NAD+BY+5412345000013::9",
            "NAD+SU+4012345500004::9",
            "NAD+DP+5412345000020::9",
            "CUX+2:EUR:9",
        ]
        for n in range(1, lines + 1):
            segs += [
                f"LIN+{n}++{rnd.randint(4000000000000, 4999999999999)}:EN",
                f"PIA+1+ART{rnd.randint(1000, 9999)}:SA",
                "IMD+F++:::Widget 10?+ pack" if n % 10 == 0 else f"IMD+F++:::Widget {n}",
                f"QTY+21:{rnd.randint(1, 500)}",
                f"PRI+AAA:{rnd.randint(1, 9999) / 100:.2f}",
            ]
        segs += ["UNS+S", f"CNT+2:{lines}"]
        segs.append(f"UNT+{len(segs) + 1}+{m}")
        out += segs
    out.append(f"UNZ+{messages}+REF0001")
    return (out[0] + "\n" + "'\n".join(out[1:]) + "'\n").encode("latin-1")


def x12_850(transactions: int, lines: int = 20, *, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    isa = ("ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     "
           "*250101*1200*U*00401*000000001*0*P*>")
    out = [isa, "GS*PO*SENDERID*RECEIVERID*20250101*1200*1*X*004010"]
    for t in range(1, transactions + 1):
        segs = [
            f"ST*850*{t:04d}",
            f"BEG*00*SA*PO{t:08d}**20250101",
            "REF*DP*038",
            f"DTM*002*202501{rnd.randint(10, 28)}",
            "N1*ST*STORE 38*92*0038",
            "N3*100 MAIN STREET",
            "N4*SPRINGFIELD*IL*62701*US",
        ]
        for n in range(1, lines + 1):
            segs += [
                f"PO1*{n}*{rnd.randint(1, 500)}*EA*{rnd.randint(1, 9999) / 100:.2f}**"
                f"UP*{rnd.randint(10000000000, 99999999999)}*VN*ART{rnd.randint(1000, 9999)}",
                f"PID*F****WIDGET {n}",
            ]
        segs.append(f"CTT*{lines}")
        segs.append(f"SE*{len(segs) + 1}*{t:04d}")
        out += segs
    out += [f"GE*{transactions}*1", "IEA*1*000000001"]
    return ("~\n".join(out) + "~\n").encode("ascii")


def sized(make: object, target_bytes: int) -> bytes:
    """Grow a generator's output until it reaches ``target_bytes``."""
    assert callable(make)
    probe: bytes = make(100)
    per_message = len(probe) / 100
    return make(max(1, int(target_bytes / per_message)))  # type: ignore[no-any-return]
