"""Every XML file of the shared real-world corpus reads as its manifest says."""

from __future__ import annotations

import re

import pytest

from gateway.edi.issues import Code
from gateway.edi.xml import read_xml, sniff
from tests import corpus

corpus.require(under="xml")

pytestmark = pytest.mark.corpus

CORPUS = corpus.CORPUS

# The manifest's version column: "UBL 2.1", "cXML 1.2.014", "UBL 2.1 PEPPOL" state a
# version the file carries; "(implied)" and "(no UBLVersionID)" say it carries none.
_STATED_VERSION = re.compile(r"^(?:UBL|cXML) (\d[\w.\-]*)(?: PEPPOL)?$")
_NO_VERSION = ("(implied)", "(no UBLVersionID)")


ROWS = {path: entry for path, entry in corpus.manifest().items() if path.startswith("xml/")}
FILES = corpus.files_under("xml")
WELL_FORMED = [name for name in FILES
               if name in ROWS and "not well-formed" not in ROWS[name].notes]
NOT_WELL_FORMED = [name for name in FILES
                   if name in ROWS and "not well-formed" in ROWS[name].notes]


def test_corpus_is_not_empty() -> None:
    """The corpus holds XML files, and the manifest describes every one of them."""
    assert FILES
    assert [name for name in FILES if name not in ROWS] == []


@pytest.mark.parametrize("name", FILES)
def test_every_file_reads_without_exception(name: str) -> None:
    """Every corpus file either yields a document or fails with issues, never an exception."""
    read = read_xml((CORPUS / name).read_bytes())
    assert read.document is not None or read.issues


@pytest.mark.parametrize("name", WELL_FORMED)
def test_well_formed_file_is_its_manifest_doctype(name: str) -> None:
    """A well-formed corpus file is identified as the manifest's doctype, with no blocking issue."""
    row = ROWS[name]
    read = read_xml(row.read_bytes())
    assert [issue for issue in read.issues if issue.blocking] == []
    assert read.document is not None, read.issues
    assert read.document.type == row.doctype


@pytest.mark.parametrize("name", WELL_FORMED)
def test_well_formed_file_has_its_manifest_version(name: str) -> None:
    """The version read is the manifest's where it states one, and empty where it is implied."""
    version = ROWS[name].version
    read = read_xml(ROWS[name].read_bytes())
    assert read.document is not None
    stated = _STATED_VERSION.match(version)
    if stated:
        assert read.document.version == stated.group(1)
    elif any(marker in version for marker in _NO_VERSION):
        assert read.document.version == ""


@pytest.mark.parametrize("name", NOT_WELL_FORMED)
def test_not_well_formed_file_is_an_issue(name: str) -> None:
    """A file the manifest calls not well-formed yields a syntax.xml-not-well-formed issue."""
    read = read_xml(ROWS[name].read_bytes())
    assert read.document is None
    assert [issue.code for issue in read.issues] == [Code.XML_NOT_WELL_FORMED]
    assert read.issues[0].location.line is not None


@pytest.mark.parametrize("name", sorted(ROWS))
def test_sniff_agrees_with_manifest(name: str) -> None:
    """Sniffing the first 4 KiB guesses the manifest's doctype, even for malformed files."""
    head = ROWS[name].read_bytes()[:4096]
    found = sniff(head)
    assert found is not None
    assert found[1] == ROWS[name].doctype
