"""Which published schema, code-list check and rule set apply to an XML document.

Owns the table from a document (UBL type, Peppol ``CustomizationID`` and
``ProfileID``, cXML DOCTYPE) to the standards' own files shipped in
``gateway/edi/xml/standards`` (see the NOTICE there). It only names files; it
must not load or run them, so that importing it costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gateway.edi.xml.schematron import Source

STANDARDS = Path(__file__).resolve().parent / "standards"

UBL_SCHEMA_VERSION = "2.5"
UBL_XSD = STANDARDS / "ubl-2.5" / "xsd" / "maindoc"
UBL_CODE_LISTS = STANDARDS / "ubl-2.5" / "val" / "UBL-DefaultDTQ-2.5.xsl"
_BILLING = STANDARDS / "peppol-bis-billing-3" / "sch"
_ORDERING = STANDARDS / "peppol-bis-ordering-3" / "sch"
CXML_DTD = STANDARDS / "cxml" / "dtd"


def ubl_schema(document_type: str) -> Path | None:
    """The UBL 2.5 main-document schema for ``document_type``, when it is shipped."""
    path = UBL_XSD / f"UBL-{document_type}-2.5.xsd"
    return path if path.is_file() else None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One published Schematron file, compiled once, named as partners know it."""

    name: str
    source: Source


CEN_UBL = RuleSet("EN 16931 (CEN) UBL", Source(_BILLING / "CEN-EN16931-UBL.sch"))
PEPPOL_BILLING = RuleSet("Peppol BIS Billing 3.0", Source(_BILLING / "PEPPOL-EN16931-UBL.sch"))


def _post_award(transaction: str, title: str, *, borrow_codes: bool = False) -> RuleSet:
    # The published post-award rule folder leaves out what OpenPEPPOL's build
    # generates (the Txx-basic.sch structure rules) and the function parts; the
    # functions come from the billing rules of the same publisher, which declare
    # them identically, and so do the two allowance and charge reason lists
    # that the T01 and T114 rules use.
    borrowed = (("clUNCL5189", "UNCL5189"), ("clUNCL7161", "UNCL7161")) if borrow_codes else ()
    return RuleSet(f"Peppol BIS {title} ({transaction})", Source(
        _ORDERING / f"PEPPOLBIS-{transaction}.sch",
        absent=(f"../../target/generated/{transaction}-basic.sch",),
        library=_BILLING / "PEPPOL-EN16931-UBL.sch",
        borrowed=borrowed,
    ))


# Peppol post-award transaction name (in CustomizationID) -> (UBL root, rules).
POST_AWARD: dict[str, tuple[str, RuleSet]] = {
    "order": ("Order", _post_award("T01", "Order", borrow_codes=True)),
    "order_response": ("OrderResponse", _post_award("T76", "Order response")),
    "order_change": ("OrderChange", _post_award("T114", "Order change", borrow_codes=True)),
    "order_cancellation": ("OrderCancellation", _post_award("T115", "Order cancellation")),
    "order_response_advanced": ("OrderResponse",
                                _post_award("T116", "Order response advanced")),
    "despatch_advice": ("DespatchAdvice", _post_award("T16", "Despatch advice")),
    "invoice_response": ("ApplicationResponse", _post_award("T111", "Invoice response")),
    "mlr": ("ApplicationResponse", _post_award("T71", "Message level response")),
}

# A Peppol ProfileID names the process; with no CustomizationID, the root decides.
_PROFILE_TRANSACTIONS: dict[str, dict[str, str]] = {
    "order_only": {"Order": "order"},
    "ordering": {"Order": "order", "OrderResponse": "order_response"},
    "advanced_ordering": {"Order": "order", "OrderResponse": "order_response_advanced",
                          "OrderChange": "order_change",
                          "OrderCancellation": "order_cancellation"},
    "despatch_advice": {"DespatchAdvice": "despatch_advice"},
    "invoice_response": {"ApplicationResponse": "invoice_response"},
    "mlr": {"ApplicationResponse": "mlr"},
}

EN16931 = "urn:cen.eu:en16931:2017"
_POST_AWARD_CUSTOMIZATION = re.compile(r"^urn:fdc:peppol\.eu:poacc:trns:([a-z_]+):3")
_POST_AWARD_PROFILE = re.compile(r"^urn:fdc:peppol\.eu:poacc:bis:([a-z_]+):3")
PEPPOL_BILLING_ID = "urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_BILLING_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:"
_BILLING_ROOTS = frozenset({"Invoice", "CreditNote"})


# Customisations that bind their own code lists in place of UBL's defaults,
# whether or not the gateway ships their rules (Peppol order agreement, logistics).
_OWN_CODE_LISTS = ("urn:fdc:peppol.eu:", EN16931)


def has_own_code_lists(customization: str) -> bool:
    """Whether a CustomizationID names a customisation with code lists of its own."""
    return customization.strip().startswith(_OWN_CODE_LISTS)


@dataclass(frozen=True, slots=True)
class Recognition:
    """The rule sets a UBL document falls under, and why (``""`` when none)."""

    rulesets: tuple[RuleSet, ...]
    reason: str
    mismatch: str = ""


def recognise(document_type: str, customization: str, profile: str) -> Recognition:
    """The Peppol or EN 16931 rule sets for a UBL document of ``document_type``."""
    customization, profile = customization.strip(), profile.strip()
    if document_type in _BILLING_ROOTS:
        if customization.startswith(EN16931) or profile.startswith(PEPPOL_BILLING_PROFILE):
            peppol = PEPPOL_BILLING_ID in customization or (
                not customization and profile.startswith(PEPPOL_BILLING_PROFILE))
            sets = (CEN_UBL, PEPPOL_BILLING) if peppol else (CEN_UBL,)
            return Recognition(sets, f"CustomizationID {customization or '(none)'}, "
                                     f"ProfileID {profile or '(none)'}")
        return Recognition((), "")
    transaction = ""
    found = _POST_AWARD_CUSTOMIZATION.match(customization)
    if found:
        transaction = found.group(1)
    else:
        by_profile = _POST_AWARD_PROFILE.match(profile)
        if by_profile:
            transaction = _PROFILE_TRANSACTIONS.get(by_profile.group(1), {}).get(document_type, "")
    if transaction not in POST_AWARD:
        return Recognition((), "")
    root, ruleset = POST_AWARD[transaction]
    if root != document_type:
        return Recognition((), "", mismatch=(
            f"CustomizationID {customization!r} names the Peppol {transaction} transaction, "
            f"which is a UBL {root}, but the document is a {document_type}"))
    return Recognition((ruleset,), f"CustomizationID {customization or '(none)'}, "
                                   f"ProfileID {profile or '(none)'}")


# cXML DOCTYPE system identifiers: .../schemas/cXML/1.2.014/cXML.dtd
_CXML_SYSTEM = re.compile(r"/cXML/(?P<version>\d+(?:\.\d+)*)/(?P<file>[A-Za-z]+)\.dtd\s*$",
                          re.IGNORECASE)
# The DTD files a cXML document may name, by the canonical spelling of their name.
_CXML_FILES = {"cxml": "cXML", "fulfill": "Fulfill", "invoicedetail": "InvoiceDetail"}


@dataclass(frozen=True, slots=True)
class DtdChoice:
    """The local DTD a cXML document is checked against.

    ``substitute`` explains why it is not the exact file the DOCTYPE names
    (``""`` when it is).
    """

    path: Path
    version: str
    file: str
    substitute: str = ""


def _shipped_dtds() -> dict[tuple[str, str], Path]:
    shipped: dict[tuple[str, str], Path] = {}
    for path in CXML_DTD.rglob("*.dtd"):
        if path.parent == CXML_DTD:          # 1.2.014-cXML.dtd
            version, _, name = path.stem.partition("-")
        else:                                # 1.2.050/cXML.dtd
            version, name = path.parent.name, path.stem
        shipped[(version, name)] = path
    return shipped


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def cxml_dtd(system_url: str | None, version: str) -> DtdChoice | None:
    """The shipped DTD for a cXML document whose DOCTYPE names ``system_url``.

    The URL is only read for its version and file name; nothing is fetched. The
    exact file is used when shipped; otherwise the same file of the nearest
    later version (cXML 1.x versions only add), else the latest, and the choice
    says so. ``None`` when there is no DOCTYPE and no version to go by.
    """
    requested_version, requested_file = version, "cXML"
    if system_url:
        found = _CXML_SYSTEM.search(system_url)
        if found:
            requested_version = found.group("version")
            requested_file = _CXML_FILES.get(found.group("file").lower(),
                                             found.group("file"))
    if not requested_version:
        return None
    shipped = _shipped_dtds()
    exact = shipped.get((requested_version, requested_file))
    if exact is not None:
        return DtdChoice(exact, requested_version, requested_file)
    file = requested_file if any(f == requested_file for _, f in shipped) else "cXML"
    versions = sorted({v for v, f in shipped if f == file}, key=_version_key)
    later = [v for v in versions if _version_key(v) >= _version_key(requested_version)]
    chosen = later[0] if later else versions[-1]
    return DtdChoice(shipped[(chosen, file)], chosen, file, substitute=(
        f"The DOCTYPE names the cXML {requested_version} {requested_file}.dtd, which the "
        f"gateway does not ship; the document is checked against {chosen} {file}.dtd."))
