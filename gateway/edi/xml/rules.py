"""Running compiled Schematron and the UBL code-list check on SaxonC-HE.

Owns the one XSLT processor of the process, the cache of compiled stylesheets
(each published rule set, the UBL default code-list check, each partner guide:
compiled on first need, then reused), and the translation of their findings
into issues: the rule's ``id`` into the code, its ``flag`` into the severity,
its own text as the message, and the place as line, column and XPath.

``saxonche`` is imported here and only when a stylesheet is first needed, so a
command that never meets an XML document never loads it. Calls into the
processor are serialised by a lock: the compiled stylesheets are shared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from gateway.edi.issues import Code, Issue, Location, Severity
from gateway.edi.xml.locations import Positions, resolve, xpath_of
from gateway.edi.xml.schematron import REPORT, Source, compile_element, compile_schematron
from gateway.errors import ConfigurationError

if TYPE_CHECKING:
    import saxonche

    from gateway.edi.xml.guide import XmlGuide

SVRL = "http://purl.oclc.org/dsdl/svrl"

# Schematron flags as the Peppol and CEN rules use them, and ISO's roles.
_SEVERITIES = {
    "fatal": Severity.FATAL,
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "information": Severity.INFO,
    "info": Severity.INFO,
}

_LOCK = threading.RLock()
_STATE: dict[str, Any] = {}
_COMPILED: dict[Hashable, Any] = {}


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed assertion (or successful report) as the stylesheet wrote it."""

    rule: str | None
    flag: str | None
    location: str
    text: str


def _processor() -> saxonche.PySaxonProcessor:
    processor = _STATE.get("processor")
    if processor is None:
        # Deferred: the processor is large and only XML work needs it.
        import saxonche  # noqa: PLC0415

        processor = saxonche.PySaxonProcessor(license=False)
        _STATE["processor"] = processor
        _STATE["error"] = saxonche.PySaxonApiError
    return processor


def compiled(key: Hashable, stylesheet: Callable[[], str]) -> Any:
    """The executable for ``key``, compiling ``stylesheet()`` the first time only."""
    with _LOCK:
        found = _COMPILED.get(key)
        if found is None:
            processor = _processor()
            try:
                found = processor.new_xslt30_processor().compile_stylesheet(
                    stylesheet_text=stylesheet())
            except _STATE["error"] as error:
                raise ConfigurationError(f"cannot compile the rules {key}: {error}") from error
            _COMPILED[key] = found
        return found


def schematron(source: Source) -> Any:
    """The compiled executable of a published Schematron file."""
    return compiled(("schematron", source), lambda: compile_schematron(source))


def guide_executable(guide: XmlGuide) -> Any:
    """The compiled executable of a partner guide; ConfigurationError names the guide."""
    key = ("guide", guide.source, guide.document, tuple(guide.rules),
           tuple(sorted(guide.namespaces.items())))
    try:
        return compiled(key, lambda: compile_element(guide.schematron()))
    except ConfigurationError as error:
        raise ConfigurationError(
            f"{guide.source}: a rule does not compile as XPath 2.0: "
            f"{str(error).split(': ', 1)[-1]}") from None


def xslt_file(path: Path) -> Any:
    """The compiled executable of a shipped XSLT file (the UBL code-list check)."""
    return compiled(("xslt", path), lambda: path.read_text("utf-8"))


class Document:
    """A document as the XSLT processor holds it: parsed once, on first need, for
    every rule set run on it (a Peppol invoice meets two)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._node: Any = None

    def node(self) -> Any:
        """The processor's tree; call it holding the lock."""
        if self._node is None:
            # Saxon reads a serialisation of the already checked tree, never the raw
            # bytes: no DOCTYPE, no entity, nothing to fetch.
            text = etree.tostring(self.root, encoding="unicode")
            self._node = _processor().parse_xml(xml_text=text)
        return self._node


def run(executable: Any, root: etree._Element, document: Document | None = None
        ) -> tuple[etree._Element | None, str]:
    """The report ``executable`` writes for the document ``root``, or ``None`` and why
    the run stopped (a rule that cannot be evaluated on this document's values).
    ``document``: ``root`` as already parsed for another rule set."""
    with _LOCK:
        node = (document or Document(root)).node()
        executable.set_global_context_item(xdm_item=node)
        try:
            output = executable.transform_to_string(xdm_node=node)
        except _STATE["error"] as error:
            return None, " ".join(str(error).split())
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring((output or "<empty/>").encode("utf-8"), parser), ""


def findings(report: etree._Element) -> list[Finding]:
    """Findings from this module's own report or from SVRL (the code-list check)."""
    found: list[Finding] = []
    for element in report.iter(f"{{{REPORT}}}finding", f"{{{SVRL}}}failed-assert",
                               f"{{{SVRL}}}successful-report"):
        if element.tag == f"{{{REPORT}}}finding":
            text = "".join(str(part) for part in element.itertext())
        else:
            text = "".join(element.findtext(f"{{{SVRL}}}text") or "")
        found.append(Finding(element.get("id"), element.get("flag"),
                             element.get("location", ""), " ".join(text.split())))
    return found


def _short(text: str) -> str:
    # The code-list check names its context as a union of every element the list
    # applies to, hundreds of names long; the issue's XPath says where it is.
    head, found, _ = text.partition(" in the context '")
    return head + "." if found else text


def severity(flag: str | None) -> Severity:
    """A Schematron flag as a severity; a rule without one is an error."""
    return _SEVERITIES.get((flag or "").strip().lower(), Severity.ERROR)


def to_issues(found: list[Finding], code: Code, root: etree._Element,
              positions: Positions, *, flagged: bool = True) -> list[Issue]:
    """Issues for ``found``, placed in ``root``'s tree."""
    issues: list[Issue] = []
    for finding in found:
        target = resolve(root, finding.location)
        location = Location(path=finding.location or None)
        if target is not None:
            line, column = positions.of(target.element)
            location = Location(line=line, column=column,
                                path=xpath_of(target.element, target.attribute))
        issues.append(Issue.of(
            code, finding.text if flagged else _short(finding.text), location,
            severity=severity(finding.flag) if flagged else None, rule=finding.rule))
    return issues
