"""Reading the delimiters from envelope headers: UNA, UNB without UNA, and ISA."""

from __future__ import annotations

import pytest

from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    EDIFACT_DEFAULT_V4,
    EDIFACT_LEVEL_B,
    IS1,
    IS2,
    IS3,
    IS4,
    ISA_COMPONENT_OFFSET,
    ISA_ELEMENT_OFFSET,
    ISA_REPETITION_OFFSET,
    ISA_TERMINATOR_OFFSET,
    Delimiters,
    isa_delimiters,
    una_delimiters,
    unb_delimiters,
)
from tests.edi.snippets import isa

# -- UNA -----------------------------------------------------------------------


def test_una_gives_each_service_character_from_its_position() -> None:
    """UNA positions 3..8 are component, element, decimal, release, repetition, terminator."""
    assert una_delimiters("UNA#|,!*%") == Delimiters(
        segment="%", element="|", component="#", repetition="*", release="!", decimal=",")


def test_una_space_means_no_release_and_no_repetition() -> None:
    """A space in the release or repetition position means the interchange has none."""
    found = una_delimiters("UNA:+.  '")
    assert isinstance(found, Delimiters)
    assert (found.release, found.repetition) == (None, None)


@pytest.mark.parametrize(
    "una",
    [
        "UNA:+.?",  # cut short
        "UNA++.? '",  # component and element are the same
        "UNA:A.? '",  # a letter as element separator
        "UNA:+;? '",  # decimal mark neither '.' nor ','
    ],
)
def test_unusable_una_is_described_not_raised(una: str) -> None:
    """An unusable UNA gives the reason as a string instead of delimiters."""
    assert isinstance(una_delimiters(una), str)


# -- UNB without UNA -------------------------------------------------------------


def test_unb_syntax_3_uses_the_defaults() -> None:
    """Without UNA, syntax version 3 uses ' + : ? and no repetition separator."""
    assert unb_delimiters("UNB+UNOA:3+S+R+250101:1200+1'") == EDIFACT_DEFAULT


def test_unb_syntax_4_adds_the_repetition_separator() -> None:
    """Without UNA, syntax version 4 adds '*' as repetition separator."""
    assert unb_delimiters("UNB+UNOC:4+S+R+250101:1200+1'") == EDIFACT_DEFAULT_V4


def test_unb_separated_by_is3_uses_level_b_control_characters() -> None:
    """A UNB whose first separator is IS3 takes the UNOB level B delimiters IS1..IS4."""
    found = unb_delimiters(f"UNB{IS3}UNOB{IS1}3{IS3}S{IS3}R{IS4}")
    assert found == EDIFACT_LEVEL_B
    assert (found.segment, found.element, found.component, found.repetition) == (
        IS4, IS3, IS1, IS2)


# -- ISA -------------------------------------------------------------------------


def test_isa_delimiters_come_from_the_fixed_offsets() -> None:
    """ISA: element at 3, repetition at 82 (00402 on), component at 104, terminator at 105."""
    text = isa(element="|", repetition="^", version="00501", component=">", terminator="\n")
    assert (text[ISA_ELEMENT_OFFSET], text[ISA_REPETITION_OFFSET],
            text[ISA_COMPONENT_OFFSET], text[ISA_TERMINATOR_OFFSET]) == ("|", "^", ">", "\n")
    found = isa_delimiters(text + "GS|")
    assert not isinstance(found, str)
    delims, length, standard = found
    assert delims == Delimiters(segment="\n", element="|", component=">", repetition="^")
    assert (length, standard) == (106, True)


def test_isa_before_00402_has_no_repetition_separator() -> None:
    """Before version 00402 ISA11 is the standards identifier, not a repetition separator."""
    found = isa_delimiters(isa(repetition="^", version="00401"))
    assert not isinstance(found, str)
    assert found[0].repetition is None


@pytest.mark.parametrize("sender", ["SHORT", "A-SENDER-LONGER-THAN-15"])
def test_nonstandard_isa_length_still_finds_the_delimiters(sender: str) -> None:
    """A short or long ISA is read by counting its sixteen elements, flagged non-standard."""
    standard = isa(repetition="^", version="00501", component=">")
    e = "*"
    text = standard.replace(f"{e}SENDER         {e}", f"{e}{sender}{e}")
    found = isa_delimiters(text + "GS*")
    assert not isinstance(found, str)
    delims, length, is_standard = found
    assert delims == Delimiters(segment="~", element="*", component=">", repetition="^")
    assert is_standard is False
    assert length == len(text)


def test_isa_without_element_separator_is_refused() -> None:
    """An ISA whose fourth character is a letter or digit gives a reason, not delimiters."""
    assert isinstance(isa_delimiters("ISA0000"), str)
