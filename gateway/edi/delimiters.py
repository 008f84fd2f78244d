"""Delimiters of an interchange and where the standards put them.

Delimiters are never guessed: EDIFACT takes them from the UNA service string
advice or the syntax defaults, X12 from the fixed ISA offsets below. This module
owns the value, the constants, and reading the delimiters from the text of an
envelope header (UNA, UNB, ISA, or the first segment of bare X12); where the
headers are in a file is the lexer's job.
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
# The fixed widths of ISA01..ISA16.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)

# EDIFACT: "UNA" followed by six service characters, in this order.
UNA_LENGTH = 9
UNA_COMPONENT, UNA_ELEMENT, UNA_DECIMAL, UNA_RELEASE, UNA_REPETITION, UNA_TERMINATOR = range(3, 9)

# Enough text to hold any interchange header, however oddly laid out.
HEADER_WINDOW = 4096
# The first version of ISA12 whose ISA11 is the repetition separator.
ISA_REPETITION_FROM = "00402"

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


# -- reading them from envelope headers -------------------------------------------


def una_delimiters(una: str) -> Delimiters | str:
    """Delimiters from a nine-character UNA, or why it is unusable."""
    if len(una) < UNA_LENGTH or not una.startswith("UNA"):
        return "it is shorter than nine characters"
    rep = una[UNA_REPETITION]
    rel = una[UNA_RELEASE]
    delims = Delimiters(
        segment=una[UNA_TERMINATOR],
        element=una[UNA_ELEMENT],
        component=una[UNA_COMPONENT],
        repetition=None if rep == " " else rep,
        release=None if rel == " " else rel,
        decimal=una[UNA_DECIMAL],
    )
    problem = delims.conflicts()
    if problem is None and delims.decimal not in ".,":
        problem = f"the decimal mark {delims.decimal!r} is neither '.' nor ','"
    return problem if problem else delims


def unb_delimiters(text: str) -> Delimiters:
    """Delimiters of an interchange sent without UNA, from its UNB.

    The syntax defaults apply; syntax version 4 adds the repetition separator,
    a UNB separated by IS3 uses the level B control characters, and a partner's
    odd element or component separator is taken from where it must be in UNB.
    """
    sep = text[3:4]
    if sep == IS3:
        return EDIFACT_LEVEL_B
    delims = EDIFACT_DEFAULT_V4 if text[9:10] == "4" else EDIFACT_DEFAULT
    comp = text[8:9]
    element = sep if sep and not sep.isalnum() and sep != delims.segment else delims.element
    component = (
        comp if comp and not comp.isalnum() and comp not in (element, delims.segment)
        else delims.component
    )
    if element == delims.element and component == delims.component:
        return delims
    return Delimiters(delims.segment, element, component, delims.repetition, delims.release)


def isa_delimiters(text: str) -> tuple[Delimiters, int, bool] | str:
    """Delimiters of the ISA at the start of ``text``, the ISA's length including
    its terminator, and whether it had the standard fixed layout; or why not."""
    elem = text[ISA_ELEMENT_OFFSET:ISA_ELEMENT_OFFSET + 1]
    if not elem or elem.isalnum():
        return "there is no element separator after ISA"
    if (
        len(text) >= ISA_LENGTH
        and text.count(elem, 0, ISA_TERMINATOR_OFFSET) == ISA_ELEMENT_COUNT
        and text[ISA_COMPONENT_OFFSET - 1] == elem
    ):
        comp, term = text[ISA_COMPONENT_OFFSET], text[ISA_TERMINATOR_OFFSET]
        rep, length, standard = text[ISA_REPETITION_OFFSET], ISA_LENGTH, True
        version = text[ISA_REPETITION_OFFSET + 2: ISA_REPETITION_OFFSET + 7]
    else:
        # Tolerant path: count sixteen element separators instead of trusting offsets.
        seps: list[int] = []
        pos = ISA_ELEMENT_OFFSET
        while len(seps) < ISA_ELEMENT_COUNT:
            if pos < 0 or pos >= HEADER_WINDOW:
                return "it does not hold sixteen elements"
            seps.append(pos)
            pos = text.find(elem, pos + 1, HEADER_WINDOW)
        last = seps[-1]
        if len(text) < last + 3:
            return "it ends before its component separator and terminator"
        comp, term = text[last + 1], text[last + 2]
        # ISA11 lies between the 11th and 12th separators; ISA12 after the 12th.
        rep = text[seps[10] + 1] if seps[11] - seps[10] == 2 else " "
        version = text[seps[11] + 1: seps[12]]
        length, standard = last + 3, False
    if term.isalnum() or comp.isalnum():
        return f"its component separator {comp!r} or terminator {term!r} is a letter or digit"
    repetition = rep if version >= ISA_REPETITION_FROM and not rep.isalnum() and rep != " " \
        else None
    return Delimiters(segment=term, element=elem, component=comp, repetition=repetition), \
        length, standard


def bare_x12_delimiters(text: str) -> Delimiters:
    """Delimiters of X12 sent without ISA (a bare GS or ST): the element separator
    follows the tag, the terminator ends the first segment; the component
    separator cannot be known and is the common ``>`` unless ``:`` is in use."""
    elem = text[2]
    term = "~"
    for ch in text[3:200]:
        if not (ch.isalnum() or ch in (elem, " ")):
            term = ch
            break
    sample = text[:HEADER_WINDOW]
    comp = ":" if ":" in sample and ">" not in sample else ">"
    if comp in (elem, term):
        comp = "^" if "^" not in (elem, term) else "|"
    return Delimiters(segment=term, element=elem, component=comp)
