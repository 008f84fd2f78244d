"""Small X12 files a retailer sends for planning, written out segment by segment so a
test can say exactly what the partner reported."""

from __future__ import annotations

from datetime import date, timedelta

# GLNs with their GS1 check digits.
RETAILER = "0614141000012"  # the retail chain (buyer)
STORE = "0614141000029"  # the store (reporting location, ship-to)
SUPPLIER_DUNS = "039456712"
ITEMS = {"614141100019": "BX-330", "614141100026": "BX-331"}


def _envelope(kind: str, body: list[str], control: int, when: date) -> bytes:
    stamp = when.strftime("%y%m%d")
    segments = [
        f"ISA*00*          *00*          *ZZ*NWRETAIL       *01*{SUPPLIER_DUNS}      "
        f"*{stamp}*0315*U*00401*{control:09d}*0*P*>",
        f"GS*{kind}*NWRETAIL*{SUPPLIER_DUNS}*{when:%Y%m%d}*0315*{control}*X*004010",
        *body,
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return ("~".join(segments) + "~\n").encode("ascii")


def sales_852(week_start: date, sold: dict[str, int], on_hand: dict[str, int],
              number: str, control: int) -> bytes:
    """One store's weekly 852: XQ the week, N9 TN the report number and date, N1 RL
    the store (by GLN), N1 SU the supplier, one LIN with ZA QS and ZA QA per item."""
    end = week_start + timedelta(days=6)
    body = ["ST*852*0001", f"XQ*H*{week_start:%Y%m%d}*{end:%Y%m%d}",
            f"N9*TN*{number}**{end:%Y%m%d}",
            f"N1*RL*NORTHWIND STORE 12*UL*{STORE}",
            f"N1*SU*ACME HOUSEWARES INC*1*{SUPPLIER_DUNS}"]
    for gtin, quantity in sold.items():
        body += [f"LIN**UP*{gtin}*VN*{ITEMS[gtin]}", f"ZA*QS*{quantity}*EA",
                 f"ZA*QA*{on_hand[gtin]}*EA"]
    body.append(f"CTT*{len(sold)}")
    body.append(f"SE*{len(body) + 1}*0001")
    return _envelope("PD", body, control, end + timedelta(days=1))


def forecast_830(number: str, issued: date, weeks: list[date], quantities: dict[str, list[int]],
                 control: int) -> bytes:
    """The retailer's order forecast: BFR, N1 BY (the chain) and SU, per item LIN,
    UIT, N1 ST (the store, by GLN) and one weekly FST per period."""
    horizon_end = weeks[-1] + timedelta(days=6)
    body = ["ST*830*0001",
            f"BFR*00*{number}**DL*A*{weeks[0]:%Y%m%d}*{horizon_end:%Y%m%d}*{issued:%Y%m%d}",
            f"N1*BY*NORTHWIND RETAIL*UL*{RETAILER}",
            f"N1*SU*ACME HOUSEWARES INC*1*{SUPPLIER_DUNS}"]
    for gtin, values in quantities.items():
        body += [f"LIN**UP*{gtin}*VN*{ITEMS[gtin]}", "UIT*EA", f"N1*ST**UL*{STORE}"]
        body += [f"FST*{q}*D*W*{w:%Y%m%d}*{w + timedelta(days=6):%Y%m%d}"
                 for q, w in zip(values, weeks, strict=True)]
    body.append(f"CTT*{len(quantities)}")
    body.append(f"SE*{len(body) + 1}*0001")
    return _envelope("PS", body, control, issued)
