"""XML validation throughput by level, beside lxml's bare parse of the same bytes.

    .venv/bin/python bench/xml_validation.py [--seconds 2] [--big-lines 5000]

For a 50-line UBL order (Peppol BIS 3 T01) and a 50-line Peppol BIS 3 invoice,
generated here and valid at every level, it times in one process:

- the baseline, ``lxml.etree.fromstring`` of the bytes;
- ``envelope``: the hardened parse and the identification of the document;
- ``schema``: plus the XSD (value checks for UBL 2.1) and code lists;
- ``rules``: plus the Schematron the document's CustomizationID selects;

and prints documents per second and each level's cost as a multiple of the
bare parse. The schemas and rules are compiled before timing (once per process;
the one-time cost is printed apart). Then the command a user runs, as a whole
process: ``edi-gateway validate`` of each document and of a big invoice
(``--big-lines``) at the envelope and rules levels, start-up and compilation
included, beside the same command on a small X12 file (the start-up alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from gateway.edi.issues import Level
from gateway.edi.xml.reader import read_xml
from gateway.edi.xml.validation import validate_xml

NS = ('xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')

PARTY = """<cac:Party>
      <cbc:EndpointID schemeID="0088">{gln}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>{street}</cbc:StreetName><cbc:CityName>{city}</cbc:CityName>
        <cbc:PostalZone>{zone}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>{vat}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>
      </cac:PartyLegalEntity>
    </cac:Party>"""
BUYER = {"gln": "5412345000013", "name": "Northwind Retail", "street": "Rue du Port 18",
         "city": "Bruxelles", "zone": "1000", "country": "BE", "vat": "BE0123456749"}
SELLER = {"gln": "5412345000020", "name": "Brasserie du Nord", "street": "Quai 4",
          "city": "Liege", "zone": "4000", "country": "BE", "vat": "BE0987654321"}


def order(lines: int) -> bytes:
    body = "".join(f"""
  <cac:OrderLine><cac:LineItem>
    <cbc:ID>{n}</cbc:ID><cbc:Quantity unitCode="C62">{n % 7 + 1}</cbc:Quantity>
    <cbc:LineExtensionAmount currencyID="EUR">{(n % 7 + 1) * 10}.00</cbc:LineExtensionAmount>
    <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price>
    <cac:Item><cbc:Name>Article {n}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>ART-{n:05d}</cbc:ID></cac:SellersItemIdentification>
    </cac:Item>
  </cac:LineItem></cac:OrderLine>""" for n in range(1, lines + 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" {NS}>
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>PO-BENCH</cbc:ID>
  <cbc:IssueDate>2024-03-11</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:ValidityPeriod><cbc:EndDate>2024-04-11</cbc:EndDate></cac:ValidityPeriod>
  <cac:BuyerCustomerParty>{PARTY.format(**BUYER)}</cac:BuyerCustomerParty>
  <cac:SellerSupplierParty>{PARTY.format(**SELLER)}</cac:SellerSupplierParty>{body}
</Order>
""".encode()


def invoice(lines: int) -> bytes:
    net = lines * 10
    tax = net * 21 / 100
    body = "".join(f"""
  <cac:InvoiceLine>
    <cbc:ID>{n}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">10.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Article {n}</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>""" for n in range(1, lines + 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>INV-BENCH</cbc:ID>
  <cbc:IssueDate>2024-03-19</cbc:IssueDate>
  <cbc:DueDate>2024-04-18</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>DEPT-042</cbc:BuyerReference>
  <cac:AccountingSupplierParty>{PARTY.format(**SELLER)}</cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>{PARTY.format(**BUYER)}</cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">{tax:.2f}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">{net:.2f}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">{tax:.2f}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">{net:.2f}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">{net:.2f}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">{net + tax:.2f}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">{net + tax:.2f}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{body}
</Invoice>
""".encode()


def rate(seconds: float, run: Callable[[], object]) -> float:
    """Documents per second: as many runs as fit in ``seconds``, at least three."""
    count, start = 0, time.perf_counter()
    while True:
        run()
        count += 1
        elapsed = time.perf_counter() - start
        if count >= 3 and elapsed >= seconds:
            return count / elapsed


def level_run(data: bytes, level: Level) -> Callable[[], object]:
    def run() -> object:
        read = read_xml(data)
        return validate_xml(read, data, level)
    return run


def check_valid(name: str, data: bytes) -> None:
    issues = validate_xml(read_xml(data), data, Level.RULES)
    blocking = [str(i) for i in issues if i.blocking]
    if blocking:
        raise SystemExit(f"the generated {name} is not valid: {blocking[:3]}")


def whole_process(path: Path, level: str) -> float:
    command = [sys.executable, "-m", "gateway.cli.main", "validate", "--level", level,
               str(path)]
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True,
                   cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--big-lines", type=int, default=5000,
                        help="lines of the big invoice timed as a whole process")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    documents = {"UBL order (Peppol T01), 50 lines": order(50),
                 "Peppol BIS 3 invoice, 50 lines": invoice(50)}
    for name, data in documents.items():
        start = time.perf_counter()
        check_valid(name, data)
        print(f"\n{name}: {len(data):,} bytes; compiling schemas and rules once: "
              f"{time.perf_counter() - start:.2f} s")
        bare = rate(args.seconds, lambda data=data: etree.fromstring(data))
        print(f"  {'lxml bare parse (baseline)':28} {bare:9.0f} docs/s   1.0 x")
        for level in (Level.ENVELOPE, Level.SCHEMA, Level.RULES):
            found = rate(args.seconds, level_run(data, level))
            print(f"  {level.name.lower():28} {found:9.0f} docs/s  {bare / found:5.1f} x "
                  "the bare parse's time")
    with tempfile.TemporaryDirectory() as folder:
        print("\nwhole process: edi-gateway validate (start-up and compilation included)")
        x12 = Path(__file__).resolve().parents[1] / "samples" / "x12" / "850_004010.x12"
        print(f"  {'X12 850 (baseline)':22} {x12.stat().st_size / 1e6:6.2f} MB  envelope "
              f"{whole_process(x12, 'envelope'):5.2f} s  (the start-up of any command)")
        files = {"order, 50 lines": order(50), "invoice, 50 lines": invoice(50),
                 f"invoice, {args.big_lines} lines": invoice(args.big_lines)}
        for name, data in files.items():
            path = Path(folder) / f"{name.split(',')[0]}-{len(data)}.xml"
            path.write_bytes(data)
            timings = {level: whole_process(path, level) for level in ("envelope", "rules")}
            print(f"  {name:22} {len(data) / 1e6:6.2f} MB  envelope {timings['envelope']:5.2f} s"
                  f"  rules {timings['rules']:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
