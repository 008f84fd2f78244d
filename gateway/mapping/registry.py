"""Finding and loading the mapping files, with partner overlays.

Layout under the mappings folder::

    <standard>/<version>/<MESSAGE>.in.yaml    message -> business document
    <standard>/<version>/<MESSAGE>.out.yaml   business document -> message
    codelists/<name>.yaml                     partner codes <-> canonical values
    partners/<partner>/...                    the same layout, overlaid on the above

An overlay file is deep-merged into the base file of the same path (mappings
merge key by key; lists are replaced), and a partner's code lists override
entries of the shared ones. A file that ``extends`` the same file of another
version (``extends: D01B``) is deep-merged into it the same way (its ``also``
is not inherited), each with its own overlay. Every file is compiled when loaded; the first
mistake raises :class:`MappingError` naming the file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gateway import yamlfile
from gateway.documents.models import DOCUMENT_TYPES
from gateway.edi.schema.loader import load_directory
from gateway.mapping.inbound import InboundMapping, MappingError, compile_inbound
from gateway.mapping.outbound import OutboundMapping, compile_outbound
from gateway.mapping.targets import check_targets
from gateway.mapping.values import CodeList
from gateway.mapping.xml_out import XmlOutboundMapping, compile_xml_outbound

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "mappings"
STANDARDS = ("edifact", "x12", "ubl", "cxml")
_FILE = re.compile(r"^(?P<message>[A-Za-z0-9]+)\.(?P<direction>in|out)\.yaml$")

AnyOutbound = OutboundMapping | XmlOutboundMapping


def version_family(standard: str, version: str) -> str:
    """The version a mapping is filed under: UBL 2.x -> 2.1, cXML 1.2.x -> 1.2."""
    if standard == "ubl":
        return "2.1" if version.startswith("2") or not version else version
    if standard == "cxml":
        return "1.2" if version.startswith("1.2") or not version else version
    return version


@dataclass(slots=True)
class Mappings:
    """Every compiled mapping, by what it reads or writes."""

    inbound: dict[tuple[str, str, str], InboundMapping] = field(default_factory=dict)
    outbound: dict[tuple[str, str, str], AnyOutbound] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def inbound_for(self, standard: str, version: str, message: str) -> InboundMapping | None:
        return self.inbound.get((standard, version_family(standard, version), message))

    def outbound_for(self, standard: str, version: str, document: str) -> AnyOutbound | None:
        return self.outbound.get((standard, version_family(standard, version), document))

    def outbound_for_document(self, standard: str, version: str,
                              document: Any) -> AnyOutbound | None:
        """The mapping that writes ``document``: its variant's (an order change, a
        credit note) when there is one, else its type's."""
        for key in variants_of(document):
            found = self.outbound_for(standard, version, key)
            if found is not None:
                return found
        return None

    def outbound_versions(self, standard: str, document: str) -> list[str]:
        return sorted(v for (s, v, d) in self.outbound if s == standard and d == document)


def variants_of(document: Any) -> list[str]:
    """Outbound mapping keys for a document, most specific first. A mapping file
    names a variant as ``document: purchase_order.change``."""
    kind = str(getattr(document, "type", ""))
    keys = []
    purpose = str(getattr(getattr(document, "purpose", None), "value", ""))
    if kind == "purchase_order" and purpose in ("change", "cancellation", "replace"):
        keys.append(f"{kind}.{purpose}")
        if purpose == "cancellation":
            keys.append(f"{kind}.change")  # a change message can cancel an order too
    if kind == "invoice" and getattr(document, "credit_note", False):
        keys.append("invoice.credit_note")
    keys.append(kind)
    return keys


def _read(path: Path) -> Any:
    try:
        return yamlfile.load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise MappingError(f"{path}: cannot read: {err}") from err


def merge(base: Any, overlay: Any) -> Any:
    """Deep-merge ``overlay`` into ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return overlay


def mapping_data(root: Path, relative: Path, overlay_root: Path | None = None,
                 seen: tuple[Path, ...] = ()) -> Any:
    """The data of the mapping file at ``relative`` under ``root`` as it is compiled:
    with the overlay of the same path under ``overlay_root`` merged in, and, when
    it ``extends`` the file of another version (``extends: D01B``), merged into
    that file's data, which gives everything it does not say itself but its
    ``also``."""
    data = _read(root / relative)
    if overlay_root is not None:
        overlay = overlay_root / relative
        if overlay.is_file():
            data = merge(data, _read(overlay))
    if not isinstance(data, dict) or "extends" not in data:
        return data
    base = relative.parent.parent / str(data["extends"]) / relative.name
    if base == relative or base in seen or not (root / base).is_file():
        raise MappingError(f"{relative}: extends: no other {relative.name} under "
                           f"{relative.parent.parent / str(data['extends'])}"
                           + (" that does not extend this one" if base in seen else ""))
    inherited = mapping_data(root, base, overlay_root, (*seen, relative))
    if not isinstance(inherited, dict):
        raise MappingError(f"{base}: a mapping file is a YAML mapping")
    return merge({k: v for k, v in inherited.items() if k != "also"},
                 {k: v for k, v in data.items() if k != "extends"})


def load_codelists(root: Path, partner: str | None) -> dict[str, CodeList]:
    lists: dict[str, CodeList] = {}
    folders = [root / "codelists"]
    if partner:
        folders.append(root / "partners" / partner / "codelists")
    for n, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            data = _read(path)
            if not isinstance(data, dict) or not isinstance(data.get("codes"), dict):
                raise MappingError(f"{path}: codes: a mapping code: canonical value")
            pairs = {str(k): str(v) for k, v in data["codes"].items()}
            out = data.get("out")
            if out is not None and not isinstance(out, dict):
                raise MappingError(f"{path}: out: a mapping canonical value: code")
            found = CodeList.of(path.stem, pairs,
                                {str(k): str(v) for k, v in (out or {}).items()})
            lists[path.stem] = lists[path.stem].overlaid(found) if n and path.stem in lists \
                else found
    return lists


def _compile(label: str, data: Any, direction: str, codelists: dict[str, CodeList]
             ) -> InboundMapping | AnyOutbound:
    if not isinstance(data, dict):
        raise MappingError(f"{label}: a mapping file is a YAML mapping")
    for key in ("standard", "version", "message", "document"):
        if key not in data:
            raise MappingError(f"{label}: {key}: required")
    standard = str(data["standard"])
    if standard not in STANDARDS:
        raise MappingError(f"{label}: standard: one of {', '.join(STANDARDS)}")
    document = str(data["document"]).split(".", 1)[0]
    if document not in DOCUMENT_TYPES:
        raise MappingError(f"{label}: document: one of {', '.join(sorted(DOCUMENT_TYPES))}, "
                           "optionally with a variant (purchase_order.change)")
    version = str(data["version"])
    directory = load_directory(standard, version) if standard in ("edifact", "x12") else None
    if standard in ("edifact", "x12") and directory is None:
        raise MappingError(f"{label}: version: no {standard} schema {version} ships with "
                           "the gateway")
    if direction == "in":
        message = directory.messages.get(str(data["message"])) if directory else None
        check_targets(label, document, data.get("fields"))
        return compile_inbound(label, data, directory=directory, message=message,
                               codelists=codelists)
    if standard in ("ubl", "cxml"):
        return compile_xml_outbound(label, data, codelists=codelists)
    tags = frozenset(directory.segments) if directory else None
    return compile_outbound(label, data, codelists=codelists, known_tags=tags)


def load_mappings(root: Path = DEFAULT_ROOT, partner: str | None = None) -> Mappings:
    """Compile every mapping under ``root`` (with ``partner``'s overlays)."""
    codelists = load_codelists(root, partner)
    mappings = Mappings()
    overlay_root = root / "partners" / partner if partner else None
    if partner and (overlay_root is None or not overlay_root.is_dir()):
        raise MappingError(f"{root / 'partners'}: no partner folder {partner!r}")
    for standard in STANDARDS:
        folder = root / standard
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            found = _FILE.match(path.name)
            if found is None:
                raise MappingError(f"{path}: name mapping files <MESSAGE>.in.yaml or "
                                   "<MESSAGE>.out.yaml")
            relative = path.relative_to(root)
            data = mapping_data(root, relative, overlay_root)
            label = str(relative)
            compiled = _compile(label, data, found.group("direction"), codelists)
            mappings.files.append(label)
            also = [str(v) for v in (data.get("also") or [])] if isinstance(data, dict) else []
            if isinstance(compiled, InboundMapping):
                for version in [compiled.version, *also]:
                    mappings.inbound[(standard, version_family(standard, version),
                                      compiled.message)] = compiled
            else:
                mappings.outbound[(standard, version_family(standard, compiled.version),
                                   compiled.document)] = compiled
    return mappings
