"""Which mapping each agreement runs, and the mapping sets of every overlay in use.

An agreement names its standard, version and message; the mapping that reads
or writes it is the shared one of that path, with the agreement's overlay set
(``gateway/mappings/partners/<overlays>/``) laid over it. :class:`MappingSets` compiles
each set once per process; :func:`check_agreements` says which agreement has no
mapping, naming the profile file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.mapping.inbound import InboundMapping
from gateway.mapping.registry import DEFAULT_ROOT, AnyOutbound, Mappings, load_mappings
from gateway.mapping.registry import version_family as family
from gateway.partners.profile import Agreement, Direction, Profiles


@dataclass(slots=True)
class MappingSets:
    """The compiled mappings, shared and per overlay set, loaded when first asked."""

    root: Path = DEFAULT_ROOT
    sets: dict[str | None, Mappings] = field(default_factory=dict)

    def of(self, overlays: str | None) -> Mappings:
        found = self.sets.get(overlays)
        if found is None:
            found = self.sets[overlays] = load_mappings(self.root, overlays)
        return found

    def inbound(self, agreement: Agreement) -> InboundMapping | None:
        mapping = self.of(agreement.overlays).inbound_for(
            agreement.standard, agreement.version, agreement.message)
        if mapping is None or (agreement.mapping and mapping.name != agreement.mapping):
            return None
        return mapping

    def outbound(self, agreement: Agreement) -> AnyOutbound | None:
        version = family(agreement.standard, agreement.version)
        for (standard, filed, _), mapping in self.of(agreement.overlays).outbound.items():
            if standard == agreement.standard and filed == version and \
                    mapping.message == agreement.message and \
                    (not agreement.mapping or mapping.name == agreement.mapping):
                return mapping
        return None


def check_agreements(profiles: Profiles, sets: MappingSets) -> list[str]:
    """One line per agreement without a mapping (``file: agreements.N: why``); the
    mapping files themselves are compiled on the way, so their mistakes raise
    :class:`~gateway.mapping.inbound.MappingError`."""
    problems = []
    for item in profiles.loaded.values():
        for n, agreement in enumerate(item.profile.agreements):
            found = sets.inbound(agreement) if agreement.direction is Direction.IN \
                else sets.outbound(agreement)
            if found is None:
                named = f" {agreement.mapping}" if agreement.mapping else ""
                problems.append(
                    f"{item.path}: agreements.{n}: no {agreement.direction.value}bound "
                    f"mapping{named} for {agreement.standard} {agreement.version} "
                    f"{agreement.message}"
                    + (f" with overlays {agreement.overlays}" if agreement.overlays else ""))
    return problems
