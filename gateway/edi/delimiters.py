"""Delimiters of an interchange and where the standards put them.

Delimiters are never guessed: EDIFACT takes them from the UNA service string
advice or the syntax defaults, X12 from the fixed ISA offsets below. This module
owns the value and the constants; finding them in bytes is the lexer's job.
"""

from __future__ import annotations

from dataclasses import dataclass

# X12: ISA is 106 characters; the separators sit at fixed offsets.
ISA_LENGTH = 106
ISA_ELEMENT_OFFSET = 3
ISA_REPETITION_OFFSET = 82  # ISA11 from version 00402 on; before, the standards identifier
ISA_COMPONENT_OFFSET = 104  # ISA16
ISA_TERMINATOR_OFFSET = 105
ISA_ELEMENT_COUNT = 16

# EDIFACT: "UNA" followed by six service characters, in this order.
UNA_LENGTH = 9
UNA_COMPONENT, UNA_ELEMENT, UNA_DECIMAL, UNA_RELEASE, UNA_REPETITION, UNA_TERMINATOR = range(3, 9)

# ISO 9735 level B (UNOB) defaults when no UNA is sent and UNB is separated by IS3.
IS1, IS2, IS3, IS4 = "\x1f", "\x1e", "\x1d", "\x1c"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters of one interchange.

    ``repetition`` and ``release`` are ``None`` where the interchange has none
    (EDIFACT before syntax 4 has no repetition separator; X12 has no release
    character, and no repetition separator before 00402).
    """

    segment: str
    element: str
    component: str
    repetition: str | None = None
    release: str | None = None
    decimal: str = "."

    def service_characters(self) -> set[str]:
        found = {self.segment, self.element, self.component}
        if self.repetition:
            found.add(self.repetition)
        if self.release:
            found.add(self.release)
        return found

    def conflicts(self) -> str | None:
        """Why these delimiters cannot work together, or ``None``."""
        chars = [self.segment, self.element, self.component]
        if self.repetition:
            chars.append(self.repetition)
        if self.release:
            chars.append(self.release)
        if any(len(c) != 1 for c in chars):
            return "every delimiter must be exactly one character"
        if len(set(chars)) != len(chars):
            return "two delimiters are the same character"
        if any(c.isalnum() for c in chars):
            return "a delimiter is a letter or digit"
        return None

    def to_json(self) -> dict[str, str | None]:
        return {
            "segment": self.segment,
            "element": self.element,
            "component": self.component,
            "repetition": self.repetition,
            "release": self.release,
            "decimal": self.decimal,
        }

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> Delimiters:
        """Delimiters from their JSON form; ValueError names the one that is not a
        single character."""
        def one(name: str, *, required: bool) -> str | None:
            value = data.get(name)
            if value is None and not required:
                return None
            if not isinstance(value, str) or len(value) != 1:
                raise ValueError(f"the {name} delimiter must be one character, not {value!r}")
            return value

        segment, element, component = (one(n, required=True)
                                       for n in ("segment", "element", "component"))
        assert segment is not None and element is not None and component is not None
        return cls(segment=segment, element=element, component=component,
                   repetition=one("repetition", required=False),
                   release=one("release", required=False),
                   decimal=one("decimal", required=False) or ".")


EDIFACT_DEFAULT = Delimiters(segment="'", element="+", component=":", release="?")
EDIFACT_DEFAULT_V4 = Delimiters(
    segment="'", element="+", component=":", repetition="*", release="?"
)
EDIFACT_LEVEL_B = Delimiters(segment=IS4, element=IS3, component=IS1, repetition=IS2)
X12_DEFAULT = Delimiters(segment="~", element="*", component=":")
X12_DEFAULT_REPEATING = Delimiters(segment="~", element="*", component=":", repetition="^")
